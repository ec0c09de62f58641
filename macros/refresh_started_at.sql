{#-
    The refresh's own time, as a UTC timestamp literal: when this dbt invocation started, or the var `as_of`
    (e.g. "2026-11-01 00:00:00"). It stamps the refresh and bounds possible timestamps; time-dependent results
    are judged at the landing's data clocks instead (data_clocks.sql).
-#}
{% macro refresh_started_at() -%}
    {%- set as_of = var('as_of', none) or run_started_at.strftime("%Y-%m-%d %H:%M:%S") -%}
    cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
