{#-
    "Now" for the whole refresh, as a UTC timestamp literal: when this dbt invocation started, or the var
    `as_of` (e.g. "2026-11-01 00:00:00") to report as of another moment (back-testing, unit tests).
-#}
{% macro refresh_started_at() -%}
    {%- set as_of = var('as_of', none) or run_started_at.strftime("%Y-%m-%d %H:%M:%S") -%}
    cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Anything later than this is an impossible timestamp (a typo'd year, a clock far off). -#}
{% macro latest_possible_timestamp() -%}
    {{ dbt.dateadd('hour', var('future_timestamp_tolerance_hours'), refresh_started_at()) }}
{%- endmacro %}
