{#-
    Incremental refreshes. A refresh marks every base row it rewrites with refresh_id(); models downstream
    recompute only the leads and opportunities those rows touch, and re-derive them exactly as a full rebuild
    would (the incremental-equals-full test holds them to it). A full rebuild (`--full-refresh`) is needed when
    the project changed or the last refresh is older than var incremental_settle_days (the refresh decides).
-#}

{#- Identifies one refresh across dbt invocations (Dagster's run id, the benchmark's name); else this invocation. -#}
{% macro refresh_id() -%}
    '{{ env_var("SHARED_METRICS_REFRESH_ID", "") or invocation_id }}'
{%- endmacro %}

{#-
    The landed rows a base model (re)builds from `relation` (the renamed landed table), each with its
    row_fingerprint (a hash of the whole row): all of them in a full rebuild. Incrementally, when `landing`
    (read_landed) says only the files not read yet are read: their rows, the built row of each id they hold
    (the newest version of the files read before, so the newest of all wins in latest_versions), and the built
    copies of the id-less rows they repeat (copies landed twice stay as many as a full rebuild keeps).
    Otherwise (a landed file was rewritten or removed, other engines): every landed version of each id that has
    a version at most var incremental_lookback_days older than the newest one already built, or that was never
    built (landed late, even long after the lookback, or without a stamp), or whose landed version is newer
    than the built one; and every row without an id (few: all are quarantined). Either way, plus the rows
    whose parent was rewritten by this refresh (a deleted parent makes them orphans). Landing the same
    extract twice rebuilds nothing it already built. `parents`: [child column, parent base model, parent key]
    triples.
-#}
{% macro landed_rows_to_refresh(relation, key, version_column, parents=[], landing=none) -%}
    {#- Refs outside the branch below, so that dbt records them when it parses the model. -#}
    {%- set parent_relations = [] -%}
    {%- for child_column, parent_model, parent_key in parents -%}
        {%- do parent_relations.append((child_column, ref(parent_model), parent_key)) -%}
    {%- endfor -%}
    {%- set rewritten_parents -%}
        {%- for child_column, parent_relation, parent_key in parent_relations %}
        or {{ child_column }} in (
            select {{ parent_key }} from {{ parent_relation }} where refreshed_by = {{ refresh_id() }}
        )
        {%- endfor %}
    {%- endset -%}
    {%- if is_incremental() and landing is not none and landing.reads == 'new_files' %}
    select
        *,
        {{ row_fingerprint(relation) }} as row_fingerprint
    from {{ relation }}
    union all by name
    select
        {{ built_landed_columns() | join(', ') }},
        row_fingerprint
    from {{ this }}
    where
        {{ key }} in (select {{ key }} from {{ relation }})
        or ({{ key }} is null and landed_row_key in (
            select {{ landed_row_key('null', row_fingerprint(relation)) }} from {{ relation }}
            where {{ key }} is null
        ))
        {{- rewritten_parents }}
    {%- elif is_incremental() %}
    select
        *,
        {{ row_fingerprint(relation) }} as row_fingerprint
    from {{ relation }}
    where
        {{ key }} in (
            select landed.{{ key }} from {{ relation }} as landed
            left join {{ this }} as built on landed.{{ key }} = built.{{ key }}
            where
                landed.{{ version_column }} >= ({{ incremental_watermark(version_column) }})
                or built.{{ key }} is null
                or landed.{{ version_column }} > built.{{ version_column }}
        )
        or {{ key }} is null
        {{- rewritten_parents }}
    {%- else %}
    select
        *,
        {{ row_fingerprint(relation) }} as row_fingerprint
    from {{ relation }}
    {%- endif %}
{%- endmacro %}

{#-
    The columns of the base model being built that come from the landing (its renamed columns): those before
    the row_fingerprint that landed_rows_to_refresh appends.
-#}
{% macro built_landed_columns() -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(this) -%}
        {%- if column.name == 'row_fingerprint' -%}{{ return(names) }}{%- endif -%}
        {%- do names.append(adapter.quote(column.name)) -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(this ~ ' has no row_fingerprint column: rebuild it with --full-refresh') }}
{%- endmacro %}

{#- Rows landed at or after this moment are (re)read: the newest possible version built so far, less the lookback. -#}
{% macro incremental_watermark(version_column) -%}
    select {{ dbt.dateadd('day', -1 * var('incremental_lookback_days'), 'max(' ~ version_column ~ ')') }}
    from {{ this }}
    where {{ version_column }} <= {{ latest_possible_timestamp() }}
{%- endmacro %}

{#- Rows of a base model that this refresh rewrote. -#}
{% macro rows_refreshed(base_model) -%}
    select * from {{ ref(base_model) }} where refreshed_by = {{ refresh_id() }}
{%- endmacro %}

{#-
    Pre-hook of a model refreshed per key: drops the rows of the keys it is about to recompute, so that keys
    that no longer have rows (a deleted lead) go too. `keys_model`: the model listing the keys (column `key`).
-#}
{% macro delete_rows_to_refresh(key, keys_model) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ key }} in (select {{ key }} from {{ ref(keys_model) }})
    {%- endif -%}
{%- endmacro %}

{#-
    A condition that keeps only the rows of the keys to recompute in an incremental run (always true in a full
    rebuild): `column` holds a key listed in `keys_model` (column `key`, by default named like `column`).
-#}
{% macro to_refresh(column, keys_model, key=none) -%}
    {#- ref() in every run, so that dbt records the dependency when it parses the model. -#}
    {%- set keys = ref(keys_model) -%}
    {%- if is_incremental() -%}
        {{ column }} in (select {{ key or column.split('.')[-1] }} from {{ keys }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#-
    Configures a model refreshed per key: incremental, and before each incremental run the rows of the keys
    listed in `keys_model` are deleted; the model selects them again (filtered with to_refresh). Its data tests
    then run on those keys only (macros/scoped_tests.sql). On Spark (Parquet
    tables, no delete) a table rebuilt in full, as the base models are there.
-#}
{% macro incremental_per_key(key, keys_model) -%}
    {{ config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_to_refresh('" ~ key ~ "', '" ~ keys_model ~ "') }}",
        meta={'test_scope': {'column': key, 'keys_model': keys_model}},
    ) }}
{%- endmacro %}
