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
    The landed rows a base model (re)builds from `relation`: all of them in a full rebuild; incrementally,
    every landed version of each id that has a version at most var incremental_lookback_days older than the
    newest one already built, or that was never built (landed late, even long after the lookback, or without
    a stamp), or whose landed version is newer than the built one; every row without an id (few: all are
    quarantined, and copies landed twice must stay as many as a full rebuild keeps); plus the
    rows whose parent was rewritten by this refresh (a deleted parent makes them orphans). Landing the same
    extract twice rebuilds nothing it already built. `parents`: [child column, parent base model, parent key]
    triples.
-#}
{% macro landed_rows_to_refresh(relation, key, version_column, parents=[]) -%}
    {#- Refs outside the branch below, so that dbt records them when it parses the model. -#}
    {%- set parent_relations = [] -%}
    {%- for child_column, parent_model, parent_key in parents -%}
        {%- do parent_relations.append((child_column, ref(parent_model), parent_key)) -%}
    {%- endfor -%}
    {%- if is_incremental() %}
    select * from {{ relation }}
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
        {%- for child_column, parent_relation, parent_key in parent_relations %}
        or {{ child_column }} in (
            select {{ parent_key }} from {{ parent_relation }} where refreshed_by = {{ refresh_id() }}
        )
        {%- endfor %}
    {%- else %}
    select * from {{ relation }}
    {%- endif %}
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
    listed in `keys_model` are deleted; the model selects them again (filtered with to_refresh). On Spark (Parquet
    tables, no delete) a table rebuilt in full, as the base models are there.
-#}
{% macro incremental_per_key(key, keys_model) -%}
    {{ config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_to_refresh('" ~ key ~ "', '" ~ keys_model ~ "') }}",
    ) }}
{%- endmacro %}
