{%- set landing = read_landed('campaign_member') %}

with

source as (
    select * from {{ landing.relation }}
),

campaigns as (
    select campaign_id from {{ ref('stg_salesforce__campaigns') }}
),

leads as (
    select lead_id from {{ ref('stg_salesforce__leads') }}
),

contacts as (
    select contact_id from {{ ref('stg_salesforce__contacts') }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as campaign_member_id,
        {{ safe_cast('campaign_id', dbt.type_string()) }} as campaign_id,
        {{ safe_cast('lead_id', dbt.type_string()) }} as lead_id,
        {{ safe_cast('contact_id', dbt.type_string()) }} as contact_id,
        {{ safe_cast('status', dbt.type_string()) }} as member_status,
        coalesce({{ safe_cast('has_responded', dbt.type_boolean()) }}, false) as has_responded,
        {{ safe_cast('first_responded_date', 'date') }} as first_responded_date,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'campaign_member_id', 'modified_at', [
        ['campaign_id', 'base_salesforce__campaigns', 'campaign_id'],
        ['lead_id', 'base_salesforce__leads', 'lead_id'],
        ['contact_id', 'base_salesforce__contacts', 'contact_id'],
    ], landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'campaign_member_id', 'modified_at', landing) }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.campaign_member_id', [
            ['campaigns.campaign_id is null', 'orphan_campaign_id'],
            ['latest.lead_id is not null and leads.lead_id is null', 'orphan_lead_id'],
            ['latest.contact_id is not null and contacts.contact_id is null', 'orphan_contact_id'],
            ['latest.created_at is null and not latest.is_deleted', 'missing_created_date'],
        ] + impossible_time_checks(['latest.created_at', 'latest.modified_at', 'latest.first_responded_date'])) }} as quarantine_reason
    from latest
    left join campaigns on latest.campaign_id = campaigns.campaign_id
    left join leads on latest.lead_id = leads.lead_id
    left join contacts on latest.contact_id = contacts.contact_id
)

select * from checked
