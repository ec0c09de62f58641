{%- set landing = read_landed('account') %}

with

source as (
    select * from {{ landing.relation }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as account_id,
        {{ safe_cast('name', dbt.type_string()) }} as account_name,
        {{ website_domain(safe_cast('website', dbt.type_string())) }} as website_domain,
        {{ safe_cast('industry', dbt.type_string()) }} as industry,
        {{ safe_cast('number_of_employees', dbt.type_bigint()) }} as employee_count,
        {{ safe_cast('billing_country', dbt.type_string()) }} as billing_country,
        {{ safe_cast('type', dbt.type_string()) }} as account_type,
        {{ safe_cast('owner_id', dbt.type_string()) }} as owner_user_id,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'account_id', 'modified_at', landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'account_id', 'modified_at', landing) }}
),

checked as (
    select
        *,
        {{ quarantine_reason(
            'account_id', [['created_at is null and not is_deleted', 'missing_created_date']] + impossible_time_checks(['created_at', 'modified_at'])
        ) }} as quarantine_reason
    from latest
)

select * from checked
