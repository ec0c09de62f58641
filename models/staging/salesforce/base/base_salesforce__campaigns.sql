with

source as (
    select * from {{ source('salesforce', 'campaign') }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as campaign_id,
        {{ safe_cast('name', dbt.type_string()) }} as campaign_name,
        {{ safe_cast('type', dbt.type_string()) }} as campaign_type,
        {{ safe_cast('status', dbt.type_string()) }} as campaign_status,
        {{ safe_cast('start_date', 'date') }} as start_date,
        {{ safe_cast('end_date', 'date') }} as end_date,
        {{ safe_cast('budgeted_cost', dbt.type_numeric()) }} as budgeted_cost_amount,
        {{ safe_cast('actual_cost', dbt.type_numeric()) }} as actual_cost_amount,
        {{ safe_cast('is_active', dbt.type_boolean()) }} as is_active,
        {{ safe_cast('created_date', dbt.type_timestamp()) }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'campaign_id', 'modified_at') }}
),

latest as (
    {{ latest_versions('to_refresh', 'campaign_id', 'modified_at') }}
),

checked as (
    select
        *,
        {{ quarantine_reason('campaign_id') }} as quarantine_reason
    from latest
)

select * from checked
