{#- numerator / denominator as a double; null when the denominator is zero or null. -#}
{% macro ratio(numerator, denominator) -%}
    cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- How many rows of the group satisfy a condition (a bigint). -#}
{% macro count_where(condition) -%}
    count(case when {{ condition }} then 1 end)
{%- endmacro %}
