{#-
    Post-hook of every model: fresh planner statistics for a table just built. PostgreSQL plans the next
    models' joins from them; a new table has none until autovacuum runs, and its guess of a few rows turns
    joins of 100,000-row tables into nested loops. Other engines gather what they need themselves.
-#}
{% macro refresh_planner_statistics() -%}
    {{ return(adapter.dispatch('refresh_planner_statistics', 'shared_metrics')()) }}
{%- endmacro %}

{% macro default__refresh_planner_statistics() -%}
{%- endmacro %}

{% macro postgres__refresh_planner_statistics() -%}
    {%- if config.get('materialized') in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
