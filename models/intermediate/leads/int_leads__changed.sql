{#-
    Lead-grain models recompute only these leads in an incremental refresh (macros/incremental_refresh.sql):
    the ones this refresh's landed rows touch, and the ones whose results still move with time alone (an SLA
    clock still running, a meeting that was ahead) because something happened to them recently.
-#}
{%- set settle_from = dbt.dateadd('day', -1 * var('incremental_settle_days'), earliest_data_clock()) %}

with

leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

refreshed_leads as ({{ rows_refreshed('base_salesforce__leads') }}),

refreshed_field_changes as ({{ rows_refreshed('base_salesforce__lead_field_changes') }}),

refreshed_tasks as ({{ rows_refreshed('base_salesforce__tasks') }}),

refreshed_events as ({{ rows_refreshed('base_salesforce__events') }}),

refreshed_members as ({{ rows_refreshed('base_salesforce__campaign_members') }}),

refreshed_opportunities as ({{ rows_refreshed('base_salesforce__opportunities') }}),

refreshed_stage_changes as ({{ rows_refreshed('base_salesforce__opportunity_stage_changes') }}),

refreshed_users as ({{ rows_refreshed('base_salesforce__users') }}),

recently_active_leads as (
    select leads.lead_id from leads
    where leads.created_at >= {{ settle_from }} or leads.converted_at >= {{ settle_from }}
    union
    select field_changes.lead_id from {{ ref('stg_salesforce__lead_field_changes') }} as field_changes
    where field_changes.changed_at >= {{ settle_from }}
    union
    select activity_tasks.lead_or_contact_id from {{ ref('stg_salesforce__tasks') }} as activity_tasks
    where coalesce(activity_tasks.completed_at, activity_tasks.created_at) >= {{ settle_from }}
    union
    select meetings.lead_or_contact_id from {{ ref('stg_salesforce__events') }} as meetings
    where meetings.starts_at >= {{ settle_from }}
    union
    -- Engagement is scored up to now until the lead is an MQL.
    select responses.lead_id from {{ ref('int_campaign_responses__timed') }} as responses
    where responses.responded_at >= {{ settle_from }}
),

leads_of_changed_opportunities as (
    -- Their opportunity moved on (a win).
    select leads.lead_id from leads
    inner join refreshed_opportunities on leads.converted_opportunity_id = refreshed_opportunities.opportunity_id
    union
    select leads.lead_id from leads
    inner join refreshed_stage_changes on leads.converted_opportunity_id = refreshed_stage_changes.opportunity_id
),

leads_of_changed_owners as (
    -- Their owner changed team or territory.
    select leads.lead_id from leads
    inner join refreshed_users on leads.owner_id = refreshed_users.user_id
),

changed_leads as (
    select lead_id from recently_active_leads
    union
    select lead_id from refreshed_leads
    union
    select lead_id from refreshed_field_changes
    union
    select lead_or_contact_id from refreshed_tasks
    union
    select lead_or_contact_id from refreshed_events
    union
    select lead_id from refreshed_members
    union
    select lead_id from leads_of_changed_opportunities
    union
    select lead_id from leads_of_changed_owners
),

final as (
    select distinct lead_id
    from changed_leads
    where lead_id is not null
)

select * from final
