{%- set landing = read_landed('contact') %}

with

source as (
    select * from {{ landing.relation }}
),

accounts as (
    select account_id from {{ ref('stg_salesforce__accounts') }}
),

renamed as (
    -- Names, emails and phones stay behind: nothing downstream needs them (an email's domain names the company).
    select
        {{ safe_cast('id', dbt.type_string()) }} as contact_id,
        {{ safe_cast('account_id', dbt.type_string()) }} as account_id,
        {{ email_domain(safe_cast('email', dbt.type_string())) }} as email_domain,
        {{ safe_cast('title', dbt.type_string()) }} as title,
        {{ safe_cast('lead_source', dbt.type_string()) }} as lead_source,
        {{ safe_cast('owner_id', dbt.type_string()) }} as owner_user_id,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'contact_id', 'modified_at', [
        ['account_id', 'base_salesforce__accounts', 'account_id'],
    ], landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'contact_id', 'modified_at', landing) }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.contact_id', [
            ['latest.account_id is not null and accounts.account_id is null', 'orphan_account_id'],
            ['latest.created_at is null and not latest.is_deleted', 'missing_created_date'],
        ] + impossible_time_checks(['latest.created_at', 'latest.modified_at'])) }} as quarantine_reason
    from latest
    left join accounts on latest.account_id = accounts.account_id
)

select * from checked
