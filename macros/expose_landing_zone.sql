{#-
    Make the landing files queryable as the `raw` schema that the salesforce source reads.
    DuckDB: one view per table over the Parquet files in LANDING_DIR (re-created at every invocation, so a
    new landing folder needs no other change). Other engines load `raw` before dbt runs, so nothing to do.
    Read-only targets (`published`, for docs and the semantic layer) only read what a refresh built.
-#}
{% macro expose_landing_zone() -%}
    {{ return(adapter.dispatch('expose_landing_zone', 'shared_metrics')()) }}
{%- endmacro %}

{% macro default__expose_landing_zone() -%}
{%- endmacro %}

{% macro duckdb__expose_landing_zone() -%}
    {%- if execute and (target.config_options or {}).get('access_mode') != 'READ_ONLY' -%}
        {%- set landing_dir = env_var('LANDING_DIR', 'data/landing') -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for source_node in graph.sources.values() if source_node.source_name == 'salesforce' -%}
            {%- set files = landing_dir ~ '/' ~ source_node.name ~ '/*.parquet' -%}
            {%- do run_query(
                'create or replace view raw."' ~ source_node.name ~ '" as '
                ~ "select * from read_parquet('" ~ files ~ "', union_by_name = true)"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
