{#-
    Why a row breaks the landing contract, or null when it keeps it. `checks` is a list of [condition, reason]
    pairs tried in order after the null-id, conflicting-versions and missing-version checks; the first that
    holds names it.
-#}
{% macro quarantine_reason(key, checks=[]) -%}
    {%- set row = key.split('.')[0] ~ '.' if '.' in key else '' -%}
    case
        when {{ key }} is null then 'null_id'
        when {{ row }}has_conflicting_versions then 'conflicting_versions'
        when {{ row }}is_missing_version then 'missing_version_stamp'
        {%- for condition, reason in checks %}
        when {{ condition }} then '{{ reason }}'
        {%- endfor %}
    end
{%- endmacro %}
