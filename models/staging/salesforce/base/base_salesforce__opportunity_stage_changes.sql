{%- set landing = read_landed('opportunity_history', 'created_date') %}

with

source as (
    select * from {{ landing.relation }}
),

opportunities as (
    select opportunity_id from {{ ref('stg_salesforce__opportunities') }}
),

known_stages as (
    select
        stage_name,
        lower(trim(stage_name)) as stage_key
    from {{ ref('opportunity_stage_map') }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as opportunity_stage_change_id,
        {{ safe_cast('opportunity_id', dbt.type_string()) }} as opportunity_id,
        -- A stage that differs from the map's only in case or surrounding spaces is the map's stage.
        coalesce(known_stages.stage_name, {{ safe_cast('source.stage_name', dbt.type_string()) }}) as stage_name,
        known_stages.stage_name is null as is_unknown_stage,
        {{ landed_amount('amount') }} as opportunity_amount,
        {{ landed_amount_is_unreadable('amount') }} as has_unreadable_amount,
        {{ safe_cast('probability', dbt.type_numeric()) }} / 100.0 as win_probability_rate,
        {{ safe_cast('close_date', 'date') }} as close_date,
        {{ safe_cast('forecast_category', dbt.type_string()) }} as forecast_category,
        {{ safe_cast('created_by_id', dbt.type_string()) }} as changed_by_user_id,
        {{ landed_timestamp('created_date') }} as changed_at,
        coalesce({{ safe_cast('is_deleted', dbt.type_boolean()) }}, false) as is_deleted
    from source
    left join known_stages
        on lower(trim({{ safe_cast('source.stage_name', dbt.type_string()) }})) = known_stages.stage_key
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'opportunity_stage_change_id', 'changed_at', [
        ['opportunity_id', 'base_salesforce__opportunities', 'opportunity_id'],
    ], landing=landing) }}
),

latest as (
    -- History rows never change; several copies of one id are replays of the same row.
    {{ latest_versions('to_refresh', 'opportunity_stage_change_id', 'changed_at', landing) }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.opportunity_stage_change_id', [
            ['opportunities.opportunity_id is null', 'orphan_opportunity_id'],
            ['latest.has_unreadable_amount', 'unreadable_amount'],
            ['latest.opportunity_amount < 0', 'negative_amount'],
            ['latest.is_unknown_stage', 'unknown_stage'],
        ] + impossible_time_checks(['latest.changed_at'])) }} as quarantine_reason
    from latest
    left join opportunities on latest.opportunity_id = opportunities.opportunity_id
)

select * from checked
