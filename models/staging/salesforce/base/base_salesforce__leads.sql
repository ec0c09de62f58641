{%- set landing = read_landed('lead') %}

with

source as (
    select * from {{ landing.relation }}
),

owners as (
    -- A lead is owned by a user, or by a queue while it waits to be routed.
    select user_id as owner_id from {{ ref('stg_salesforce__users') }}
    union all
    select group_id as owner_id from {{ ref('stg_salesforce__groups') }}
    where group_type = 'Queue'
),

known_statuses as (
    select
        lead_status,
        lower(trim(lead_status)) as status_key
    from {{ ref('funnel_stage_map') }}
),

renamed as (
    -- Names, emails and phones stay behind: nothing downstream needs them (an email's domain names the
    -- company). A status that differs from the map's only in case or surrounding spaces is the map's status.
    select
        {{ safe_cast('id', dbt.type_string()) }} as lead_id,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ safe_cast('owner_id', dbt.type_string()) }} as owner_id,
        coalesce(known_statuses.lead_status, {{ safe_cast('status', dbt.type_string()) }}) as lead_status,
        {{ safe_cast('lead_source', dbt.type_string()) }} as lead_source,
        {{ safe_cast('company', dbt.type_string()) }} as company_name,
        {{ email_domain(safe_cast('email', dbt.type_string())) }} as email_domain,
        {{ safe_cast('industry', dbt.type_string()) }} as industry,
        {{ safe_cast('title', dbt.type_string()) }} as title,
        {{ safe_cast('country', dbt.type_string()) }} as country,
        {{ safe_cast('number_of_employees', dbt.type_bigint()) }} as employee_count,
        {{ safe_cast('rating', dbt.type_string()) }} as rating,
        coalesce({{ safe_cast('is_converted', dbt.type_boolean()) }}, false) as is_converted,
        {{ landed_timestamp('converted_date') }} as converted_at,
        {{ safe_cast('converted_contact_id', dbt.type_string()) }} as converted_contact_id,
        {{ safe_cast('converted_account_id', dbt.type_string()) }} as converted_account_id,
        {{ safe_cast('converted_opportunity_id', dbt.type_string()) }} as converted_opportunity_id,
        {{ safe_cast('disqualified_reason_c', dbt.type_string()) }} as disqualified_reason,
        {{ safe_cast('recycled_reason_c', dbt.type_string()) }} as recycled_reason,
        {{ landed_audit_columns() }}
    from source
    left join known_statuses
        on lower(trim({{ safe_cast('source.status', dbt.type_string()) }})) = known_statuses.status_key
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'lead_id', 'modified_at', [
        ['owner_id', 'base_salesforce__users', 'user_id'],
        ['owner_id', 'base_salesforce__groups', 'group_id'],
    ], landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'lead_id', 'modified_at', landing) }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.lead_id', [
            ['latest.owner_id is not null and owners.owner_id is null', 'orphan_owner_id'],
            ['latest.lead_status is null or known_statuses.lead_status is null', 'unknown_status'],
            ['latest.converted_at < latest.created_at', 'converted_before_created'],
            ['latest.created_at is null and not latest.is_deleted', 'missing_created_date'],
        ] + impossible_time_checks(['latest.created_at', 'latest.converted_at', 'latest.modified_at'])) }} as quarantine_reason
    from latest
    left join owners on latest.owner_id = owners.owner_id
    left join known_statuses on latest.lead_status = known_statuses.lead_status
)

select * from checked
