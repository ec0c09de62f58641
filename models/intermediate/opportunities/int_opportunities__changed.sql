{#- Opportunity-grain models recompute only these in an incremental refresh (macros/incremental_refresh.sql). -#}

with

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

contact_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
),

changed_leads as (
    select * from {{ ref('int_leads__changed') }}
),

refreshed_opportunities as ({{ rows_refreshed('base_salesforce__opportunities') }}),

refreshed_stage_changes as ({{ rows_refreshed('base_salesforce__opportunity_stage_changes') }}),

refreshed_contact_roles as ({{ rows_refreshed('base_salesforce__opportunity_contact_roles') }}),

refreshed_accounts as ({{ rows_refreshed('base_salesforce__accounts') }}),

refreshed_contacts as ({{ rows_refreshed('base_salesforce__contacts') }}),

refreshed_members as ({{ rows_refreshed('base_salesforce__campaign_members') }}),

refreshed_contact_field_changes as ({{ rows_refreshed('base_salesforce__contact_field_changes') }}),

changed_contact_ids as (
    select contact_id from refreshed_contacts
    union
    select contact_id from refreshed_members
    union
    -- A contact's funnel status can make it the person who sourced the opportunity.
    select contact_id from refreshed_contact_field_changes
),

changed_opportunities as (
    select opportunity_id from refreshed_opportunities
    union
    select opportunity_id from refreshed_stage_changes
    union
    select opportunity_id from refreshed_contact_roles
    union
    -- Their account, the lead they came from, or a contact on them (a campaign response) changed.
    select opportunities.opportunity_id from opportunities
    inner join refreshed_accounts on opportunities.account_id = refreshed_accounts.account_id
    union
    select leads.converted_opportunity_id from {{ ref('stg_salesforce__leads') }} as leads
    inner join changed_leads on leads.lead_id = changed_leads.lead_id
    union
    select contact_roles.opportunity_id from contact_roles
    inner join changed_contact_ids on contact_roles.contact_id = changed_contact_ids.contact_id
),

final as (
    select distinct opportunity_id
    from changed_opportunities
    where opportunity_id is not null
)

select * from final
