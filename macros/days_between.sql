{#- Fractional days from one timestamp to another (null when either is null). -#}
{% macro days_between(start_timestamp, end_timestamp) -%}
    cast({{ dbt.datediff(start_timestamp, end_timestamp, 'second') }} as {{ type_double() }}) / 86400.0
{%- endmacro %}
