{%- set landing = read_landed('campaign') %}

with

source as (
    select * from {{ landing.relation }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as campaign_id,
        {{ safe_cast('name', dbt.type_string()) }} as campaign_name,
        {{ safe_cast('type', dbt.type_string()) }} as campaign_type,
        {{ safe_cast('status', dbt.type_string()) }} as campaign_status,
        {{ safe_cast('start_date', 'date') }} as start_date,
        {{ safe_cast('end_date', 'date') }} as end_date,
        {{ landed_amount('budgeted_cost') }} as budgeted_cost_amount,
        {{ landed_amount('actual_cost') }} as actual_cost_amount,
        {{ landed_amount_is_unreadable('budgeted_cost') }}
        or {{ landed_amount_is_unreadable('actual_cost') }} as has_unreadable_cost,
        {{ safe_cast('is_active', dbt.type_boolean()) }} as is_active,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'campaign_id', 'modified_at', landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'campaign_id', 'modified_at', landing) }}
),

checked as (
    select
        *,
        {{ quarantine_reason('campaign_id', [
            ['has_unreadable_cost', 'unreadable_cost'],
            ['budgeted_cost_amount < 0 or actual_cost_amount < 0', 'negative_cost'],
            ['created_at is null and not is_deleted', 'missing_created_date'],
        ] + impossible_time_checks(['created_at', 'modified_at'], planned=['start_date', 'end_date'])) }} as quarantine_reason
    from latest
)

select * from checked
