{#-
    Make the landing files queryable as the `raw` schema that the salesforce source reads.
    DuckDB: one view per table over the Parquet and CSV files in LANDING_DIR (re-created at every invocation, so a
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
            {%- set folder = glob_literal(landing_dir ~ '/' ~ source_node.name) -%}
            {#- CSV is read as text; staging casts every column (safe_cast), as it does for Parquet. -#}
            {%- set readers = {
                'parquet': "select * from read_parquet('" ~ folder ~ "/*.parquet', union_by_name = true)",
                'csv': "select * from read_csv('" ~ folder ~ "/*.csv', header = true, all_varchar = true,"
                    ~ " union_by_name = true)",
            } -%}
            {%- set present = [] -%}
            {%- for kind in ['parquet', 'csv'] -%}
                {%- set found = run_query("select count(*) from glob('" ~ folder ~ "/*." ~ kind ~ "')") -%}
                {%- if found.columns[0].values()[0] > 0 -%}{%- do present.append(readers[kind]) -%}{%- endif -%}
            {%- endfor -%}
            {#- With no file at all, read_parquet fails naming the folder (the preflight reports it first). -#}
            {%- do run_query(
                'create or replace view raw."' ~ source_node.name ~ '" as '
                ~ (present | join(' union all by name ') if present else readers['parquet'])
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#-
    Spark: one table per landed table over its Parquet folder (external: dropping it leaves the files), re-created
    at every invocation so files that landed since are read; merged schemas, like DuckDB's union_by_name.
-#}
{% macro spark__expose_landing_zone() -%}
    {%- if execute -%}
        {%- set landing_dir = env_var('LANDING_DIR', 'data/landing') -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for source_node in graph.sources.values() if source_node.source_name == 'salesforce' -%}
            {%- do run_query('drop table if exists raw.`' ~ source_node.name ~ '`') -%}
            {%- do run_query(
                'create table raw.`' ~ source_node.name ~ '` using parquet'
                ~ " options (mergeSchema 'true') location '"
                ~ (landing_dir ~ '/' ~ source_node.name) | replace("\\", "\\\\") | replace("'", "\\'") ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#-
    A landing path inside a DuckDB SQL string literal used as a glob: quotes doubled, and `[`, `*`, `?` in folder
    names matched literally (a LANDING_DIR like `/data/it's [eu]` works); append the wildcard part afterwards.
-#}
{% macro glob_literal(path) -%}
    {{- path | replace('[', '[[]') | replace('*', '[*]') | replace('?', '[?]') | replace("'", "''") -}}
{%- endmacro %}
