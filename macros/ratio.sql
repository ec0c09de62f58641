{#- numerator / denominator as a double; null when the denominator is zero or null. -#}
{% macro ratio(numerator, denominator) -%}
    cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'shared_metrics')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- How many rows of the group satisfy a condition (a bigint). -#}
{% macro count_where(condition) -%}
    count(case when {{ condition }} then 1 end)
{%- endmacro %}
