{#- The moment this dbt invocation started, as a UTC timestamp literal: one "now" for the whole refresh. -#}
{% macro refresh_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Anything later than this is an impossible timestamp (a typo'd year, a clock far off). -#}
{% macro latest_possible_timestamp() -%}
    {{ dbt.dateadd('hour', var('future_timestamp_tolerance_hours'), refresh_started_at()) }}
{%- endmacro %}
