{%- set landing = read_landed('opportunity_contact_role') %}

with

source as (
    select * from {{ landing.relation }}
),

opportunities as (
    select opportunity_id from {{ ref('stg_salesforce__opportunities') }}
),

contacts as (
    select contact_id from {{ ref('stg_salesforce__contacts') }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as opportunity_contact_role_id,
        {{ safe_cast('opportunity_id', dbt.type_string()) }} as opportunity_id,
        {{ safe_cast('contact_id', dbt.type_string()) }} as contact_id,
        {{ safe_cast('role', dbt.type_string()) }} as contact_role,
        coalesce({{ safe_cast('is_primary', dbt.type_boolean()) }}, false) as is_primary,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'opportunity_contact_role_id', 'modified_at', [
        ['opportunity_id', 'base_salesforce__opportunities', 'opportunity_id'],
        ['contact_id', 'base_salesforce__contacts', 'contact_id'],
    ], landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'opportunity_contact_role_id', 'modified_at', landing) }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.opportunity_contact_role_id', [
            ['opportunities.opportunity_id is null', 'orphan_opportunity_id'],
            ['contacts.contact_id is null', 'orphan_contact_id'],
            ['latest.created_at is null and not latest.is_deleted', 'missing_created_date'],
        ] + impossible_time_checks(['latest.created_at', 'latest.modified_at'])) }} as quarantine_reason
    from latest
    left join opportunities on latest.opportunity_id = opportunities.opportunity_id
    left join contacts on latest.contact_id = contacts.contact_id
)

select * from checked
