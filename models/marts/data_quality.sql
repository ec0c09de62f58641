{#- Never rebuilt, not even by a full refresh: it is the history of landings. -#}
{{ config(
    materialized='incremental',
    unique_key=['refreshed_at', 'source_table'],
    on_schema_change='fail',
    full_refresh=false,
) }}

{#-
    Appends one row per landed table on every refresh, so the history of landings stays queryable.
    Superseded versions are counted from the landed ids themselves (not from the dedupe), so the
    reconciliation test landed = staged + quarantined + superseded + deleted checks the staging logic. On
    DuckDB the landed counts add up the landing manifest's per-file counts and the landed ids registry, both
    kept up to date file by file as the base models read them (macros/landing_manifest.sql).
-#}

with

per_table as (
    {% for source_table, base_model, key, changed_at in salesforce_tables() %}
        select
            '{{ source_table }}' as source_table,
            landed.landed_row_count,
            outcomes.staged_row_count,
            outcomes.quarantined_row_count,
            landed.superseded_row_count,
            outcomes.deleted_row_count,
            outcomes.newest_change_at
        from (
            {{ landed_row_counts(source_table) }}
        ) as landed
        {#- Subqueries: a loop of CTEs, one per table, is more than the linter's indent rule follows. #}
        cross join (  -- noqa: ST05
            select
                count(*) filter (where not is_deleted and quarantine_reason is null) as staged_row_count,
                count(*) filter (where not is_deleted and quarantine_reason is not null) as quarantined_row_count,
                count(*) filter (where is_deleted) as deleted_row_count,
                max({{ changed_at }}) filter (where quarantine_reason is null) as newest_change_at
            from {{ ref(base_model) }}
        ) as outcomes
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        {{ refresh_started_at() }} as refreshed_at,
        source_table,
        landed_row_count,
        staged_row_count,
        quarantined_row_count,
        superseded_row_count,
        deleted_row_count,
        newest_change_at,
        {{ safe_cast(days_between('newest_change_at', refresh_started_at()) ~ ' * 24', type_double()) }}
            as hours_since_newest_change
    from per_table
)

select * from final
