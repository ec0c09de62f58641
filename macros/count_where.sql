{#- How many rows of the group satisfy a condition (a bigint). -#}
{% macro count_where(condition) -%}
    count(case when {{ condition }} then 1 end)
{%- endmacro %}
