{#- Anything later than this is an impossible timestamp (a typo'd year, a clock far off). -#}
{% macro latest_possible_timestamp() -%}
    {{ dbt.dateadd('hour', var('future_timestamp_tolerance_hours'), refresh_started_at()) }}
{%- endmacro %}
