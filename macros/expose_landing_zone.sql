{#-
    Make the landing files queryable as the `raw` schema that the salesforce source reads.
    DuckDB: the files in LANDING_DIR are listed once per invocation (raw.landed_files: table, file, size,
    modification time), and one view per table reads exactly those Parquet and CSV files, with the column
    landed_file naming each row's file (macros/landing_manifest.sql reads only the files not read yet). Listing
    once means a file that lands while dbt runs waits for the next refresh. Other engines load `raw` before dbt
    runs, so nothing to do. Read-only targets (`published`, for docs and the semantic layer) only read what a
    refresh built.
-#}
{% macro expose_landing_zone() -%}
    {{ return(adapter.dispatch('expose_landing_zone', 'shared_metrics')()) }}
{%- endmacro %}

{% macro default__expose_landing_zone() -%}
{%- endmacro %}

{% macro duckdb__expose_landing_zone() -%}
    {%- if execute and (target.config_options or {}).get('access_mode') != 'READ_ONLY' -%}
        {%- set landing_dir = env_var('LANDING_DIR', 'data/landing') -%}
        {%- set tables = [] -%}
        {%- for source_node in graph.sources.values() if source_node.source_name == 'salesforce' -%}
            {%- do tables.append(source_node.name) -%}
        {%- endfor -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- do run_query(create_landing_bookkeeping()) -%}
        {%- set listed -%}
            select
                parse_dirpath(file) as folder,
                parse_filename(parse_dirpath(file)) as source_table,
                file as landed_file,
                lower(parse_filename(file)) like '%.parquet' as is_parquet
            from glob('{{ glob_literal(landing_dir) }}/*/*')
            where lower(parse_filename(file)) similar to '.*[.](parquet|csv)'
            order by file
        {%- endset -%}
        {%- set files = {} -%}
        {%- for row in run_query(listed).rows if row[1] in tables -%}
            {%- do files.setdefault(row[1], {'parquet': [], 'csv': []})[
                'parquet' if row[3] else 'csv'].append(row[2]) -%}
        {%- endfor -%}
        {%- set all_files = [] -%}
        {%- for kinds in files.values() -%}
            {%- do all_files.extend(kinds['parquet'] + kinds['csv']) -%}
        {%- endfor -%}
        {%- set listing -%}
            create or replace table raw.landed_files as
            {% if all_files -%}
            select
                parse_filename(parse_dirpath(filename)) as source_table,
                filename as landed_file,
                size as file_size,
                cast(last_modified as timestamp) as file_modified_at
            from read_blob([{{ file_literals(all_files) }}])
            {%- else -%}
            select
                null::varchar as source_table,
                null::varchar as landed_file,
                null::bigint as file_size,
                null::timestamp as file_modified_at
            where false
            {%- endif %}
        {%- endset -%}
        {%- do run_query(listing) -%}
        {%- for table in tables -%}
            {%- set found = files.get(table, {'parquet': [], 'csv': []}) -%}
            {#- CSV is read as text; staging casts every column (safe_cast), as it does for Parquet. -#}
            {%- set readers = [] -%}
            {%- if found['parquet'] -%}
                {%- do readers.append("select * from read_parquet([" ~ file_literals(found['parquet'])
                    ~ "], union_by_name = true, filename = 'landed_file')") -%}
            {%- endif -%}
            {%- if found['csv'] -%}
                {%- do readers.append("select * from read_csv([" ~ file_literals(found['csv'])
                    ~ "], header = true, all_varchar = true, union_by_name = true, filename = 'landed_file')") -%}
            {%- endif -%}
            {#- With no file at all, read_parquet fails naming the folder (the preflight reports it first). -#}
            {%- if not readers -%}
                {%- do readers.append("select * from read_parquet('" ~ glob_literal(landing_dir ~ '/' ~ table)
                    ~ "/*.parquet')") -%}
            {%- endif -%}
            {%- do run_query(
                'create or replace view raw."' ~ table ~ '" as ' ~ (readers | join(' union all by name '))
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- Listed file paths as DuckDB string literals that read functions take literally (no glob expansion). -#}
{% macro file_literals(paths) -%}
    {%- for path in paths -%}'{{ glob_literal(path) }}'{{ ', ' if not loop.last }}{%- endfor -%}
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
