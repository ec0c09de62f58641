{%- set landing = read_landed('opportunity') %}

with

source as (
    select * from {{ landing.relation }}
),

accounts as (
    select account_id from {{ ref('stg_salesforce__accounts') }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as opportunity_id,
        {{ safe_cast('account_id', dbt.type_string()) }} as account_id,
        {{ safe_cast('owner_id', dbt.type_string()) }} as owner_user_id,
        {{ safe_cast('name', dbt.type_string()) }} as opportunity_name,
        {{ safe_cast('stage_name', dbt.type_string()) }} as stage_name,
        {{ landed_amount('amount') }} as opportunity_amount,
        {{ landed_amount_is_unreadable('amount') }} as has_unreadable_amount,
        {{ safe_cast('probability', dbt.type_numeric()) }} / 100.0 as win_probability_rate,
        {{ safe_cast('close_date', 'date') }} as close_date,
        {{ landed_timestamp('created_date') }} as created_at,
        coalesce({{ safe_cast('is_closed', dbt.type_boolean()) }}, false) as is_closed,
        coalesce({{ safe_cast('is_won', dbt.type_boolean()) }}, false) as is_won,
        {{ safe_cast('lead_source', dbt.type_string()) }} as lead_source,
        {{ safe_cast('campaign_id', dbt.type_string()) }} as campaign_id,
        {{ safe_cast('type', dbt.type_string()) }} as opportunity_type,
        {{ safe_cast('forecast_category', dbt.type_string()) }} as forecast_category,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'opportunity_id', 'modified_at', [
        ['account_id', 'base_salesforce__accounts', 'account_id'],
    ], landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'opportunity_id', 'modified_at', landing) }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.opportunity_id', [
            ['latest.account_id is not null and accounts.account_id is null', 'orphan_account_id'],
            ['latest.has_unreadable_amount', 'unreadable_amount'],
            ['latest.opportunity_amount < 0', 'negative_amount'],
            ['latest.opportunity_amount > ' ~ var('max_opportunity_amount'), 'absurd_amount'],
            ['latest.is_closed and latest.close_date < cast(latest.created_at as date)', 'closed_before_created'],
            ['latest.is_closed and latest.close_date > ' ~ latest_possible_timestamp(), 'timestamp_in_future'],
            ['latest.created_at is null and not latest.is_deleted', 'missing_created_date'],
        ] + impossible_time_checks(['latest.created_at', 'latest.modified_at'], planned=['latest.close_date'])) }} as quarantine_reason
    from latest
    left join accounts on latest.account_id = accounts.account_id
)

select * from checked
