{#-
    The landing manifest: which landed files each base model has read, so that an incremental refresh reads only
    the files that landed since (DuckDB, where the landing is a folder of files; other engines load `raw` before
    dbt runs and read it whole). expose_landing_zone lists the files once per dbt invocation (raw.landed_files:
    file, size, modification time) and exposes exactly those; a base model reads

    - every listed file in a full rebuild, when none of its files is recorded yet, or when a recorded file was
      rewritten (another size or modification time), removed, or holds a version stamp that was impossibly far
      ahead when it was read and is possible now (it may now win over the version that won then);
    - otherwise only the files not recorded yet (late rows too: they land in new files), against the rows it
      already built (macros/incremental_refresh.sql);

    and its post-hook, in the same transaction, records the files it read (staging.landing_manifest) and the ids
    they hold (staging.landed_ids, which data_quality counts superseded versions from, apart from the dedupe).
-#}

{#- Relations of the bookkeeping tables (in the staging schema, beside the base models they describe). -#}
{% macro landing_manifest_relation() -%}
    {{ return(api.Relation.create(
        database=target.database, schema=generate_schema_name('staging', none), identifier='landing_manifest'
    )) }}
{%- endmacro %}

{% macro landed_ids_relation() -%}
    {{ return(api.Relation.create(
        database=target.database, schema=generate_schema_name('staging', none), identifier='landed_ids'
    )) }}
{%- endmacro %}

{#- Created by expose_landing_zone when missing: kept across refreshes (never rebuilt by dbt). -#}
{% macro create_landing_bookkeeping() -%}
    create schema if not exists {{ landing_manifest_relation().without_identifier() }};
    create table if not exists {{ landing_manifest_relation() }} (
        source_table varchar not null,
        landed_file varchar not null,
        file_size bigint not null,
        file_modified_at timestamp not null,
        landed_row_count bigint not null,
        landed_id_count bigint not null,
        newest_version_at timestamp,
        first_future_version_at timestamp,
        read_by varchar not null,
        read_at timestamp not null
    );
    create table if not exists {{ landed_ids_relation() }} (
        source_table varchar not null,
        id varchar not null
    );
{%- endmacro %}

{#-
    How a base model reads its landed table `source_table` in this run: a dict with `relation` (what to select
    from: the whole landed table, or only the files not read yet) and `reads`: 'all', or 'new_files' (then
    `files` lists them; possibly none). `version_column`: the landed column that orders versions.
-#}
{% macro landing_read_plan(source_table, version_column) -%}
    {%- set landed = source('salesforce', source_table) -%}
    {%- set whole = {'relation': landed, 'reads': 'all', 'files': [], 'source_table': source_table,
        'version_column': version_column} -%}
    {%- if not execute or target.type != 'duckdb' or not is_incremental() -%}
        {{ return(whole) }}
    {%- endif -%}
    {%- set manifest = landing_manifest_relation() -%}
    {%- set compared -%}
        select
            count(recorded.landed_file) as recorded_files,
            count(recorded.landed_file) filter (
                where
                    listed.landed_file is null
                    or listed.file_size <> recorded.file_size
                    or listed.file_modified_at <> recorded.file_modified_at
                    or recorded.first_future_version_at <= {{ latest_possible_timestamp() }}
            ) as changed_files
        from (select * from raw.landed_files where source_table = '{{ source_table }}') as listed
        full join (select * from {{ manifest }} where source_table = '{{ source_table }}') as recorded
            on listed.landed_file = recorded.landed_file
    {%- endset -%}
    {%- set counts = run_query(compared).rows[0] -%}
    {%- if counts[0] == 0 or counts[1] > 0 -%}
        {{ return(whole) }}
    {%- endif -%}
    {%- set unread -%}
        select landed_file from raw.landed_files
        where
            source_table = '{{ source_table }}'
            and landed_file not in (select landed_file from {{ manifest }} where source_table = '{{ source_table }}')
        order by landed_file
    {%- endset -%}
    {%- set files = run_query(unread).columns[0].values() | list -%}
    {%- set only_new -%}
        (select * from {{ landed }} where landed_file in ({{ landed_file_list(files) }})) as landed_since
    {%- endset -%}
    {{ return({'relation': only_new, 'reads': 'new_files', 'files': files, 'source_table': source_table,
        'version_column': version_column}) }}
{%- endmacro %}

{#- SQL string literals of landed file paths, for an IN list (never empty: a path no file has). -#}
{% macro landed_file_list(files) -%}
    {%- if files -%}
        {%- for file in files -%}'{{ file | replace("'", "''") }}'{{ ', ' if not loop.last }}{%- endfor -%}
    {%- else -%}
        ''
    {%- endif -%}
{%- endmacro %}

{#-
    Post-hook of a base model (configured by read_landed): records the
    files it read in the manifest, with their row and id counts, newest version stamp, and earliest stamp that
    lay beyond the latest possible moment of this refresh; and adds their ids to landed_ids.
-#}
{% macro record_landed_files(source_table, version_column) -%}
    {%- if target.type != 'duckdb' -%}{{ return('') }}{%- endif -%}
    {%- set plan = landing_read_plan(source_table, version_column) -%}
    {%- set landed = source('salesforce', source_table) -%}
    {%- set read_files -%}
        {%- if plan.reads == 'all' -%}
            select landed_file from raw.landed_files where source_table = '{{ source_table }}'
        {%- else -%}
            {{ landed_file_list(plan.files) }}
        {%- endif -%}
    {%- endset -%}
    {%- if plan.reads == 'all' %}
    delete from {{ landing_manifest_relation() }} where source_table = '{{ source_table }}';
    delete from {{ landed_ids_relation() }} where source_table = '{{ source_table }}';
    {%- endif %}
    insert into {{ landing_manifest_relation() }}
    select
        listed.source_table,
        listed.landed_file,
        listed.file_size,
        listed.file_modified_at,
        coalesce(counted.landed_row_count, 0),
        coalesce(counted.landed_id_count, 0),
        counted.newest_version_at,
        counted.first_future_version_at,
        {{ refresh_id() }},
        {{ refresh_started_at() }}
    from raw.landed_files as listed
    left join (
        select
            landed_file,
            count(*) as landed_row_count,
            count(id) as landed_id_count,
            max({{ landed_timestamp(version_column) }}) as newest_version_at,
            min({{ landed_timestamp(version_column) }}) filter (
                where {{ landed_timestamp(version_column) }} > {{ latest_possible_timestamp() }}
            ) as first_future_version_at
        from {{ landed }}
        where landed_file in ({{ read_files }})
        group by landed_file
    ) as counted on listed.landed_file = counted.landed_file
    where listed.source_table = '{{ source_table }}' and listed.landed_file in ({{ read_files }});
    insert into {{ landed_ids_relation() }}
    select distinct '{{ source_table }}', cast(id as varchar)
    from {{ landed }}
    where
        landed_file in ({{ read_files }})
        and id is not null
        {%- if plan.reads != 'all' %}
        and cast(id as varchar) not in (
            select id from {{ landed_ids_relation() }} where source_table = '{{ source_table }}'
        )
        {%- endif %}
{%- endmacro %}

{#-
    How a base model reads its landed table (landing_read_plan: select from its `relation`); configures the
    post-hook that records what was read. `version_column`: the landed column that orders versions.
-#}
{% macro read_landed(source_table, version_column='system_modstamp') -%}
    {{ config(post_hook="{{ record_landed_files('" ~ source_table ~ "', '" ~ version_column ~ "') }}") }}
    {{ return(landing_read_plan(source_table, version_column)) }}
{%- endmacro %}

{#-
    landed_row_count and superseded_row_count (landed rows with an id, less the distinct ids) of a landed
    table, for data_quality: counted from the landing itself, never from the dedupe.
-#}
{% macro landed_row_counts(source_table) -%}
    {{ return(adapter.dispatch('landed_row_counts', 'shared_metrics')(source_table)) }}
{%- endmacro %}

{% macro default__landed_row_counts(source_table) -%}
    select
        count(*) as landed_row_count,
        count(id) - count(distinct id) as superseded_row_count
    from {{ source('salesforce', source_table) }}
{%- endmacro %}

{#- From the files' counts as they were read: only new files cost anything. -#}
{% macro duckdb__landed_row_counts(source_table) -%}
    select
        cast(coalesce(sum(landed_row_count), 0) as {{ dbt.type_bigint() }}) as landed_row_count,
        cast(coalesce(sum(landed_id_count), 0) - (
            select count(*) from {{ landed_ids_relation() }} where source_table = '{{ source_table }}'
        ) as {{ dbt.type_bigint() }}) as superseded_row_count
    from {{ landing_manifest_relation() }}
    where source_table = '{{ source_table }}'
{%- endmacro %}
