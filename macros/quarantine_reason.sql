{#-
    Why a row breaks the landing contract, or null when it keeps it. `checks` is a list of
    [condition, reason] pairs tried in order after the null-id check; the first that holds names the reason.
-#}
{% macro quarantine_reason(key, checks=[]) -%}
    case
        when {{ key }} is null then 'null_id'
        {%- for condition, reason in checks %}
        when {{ condition }} then '{{ reason }}'
        {%- endfor %}
    end
{%- endmacro %}
