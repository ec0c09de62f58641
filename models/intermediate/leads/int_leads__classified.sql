{{ incremental_per_key('lead_id', 'int_leads__changed') }}

with

leads as (
    select * from {{ ref('stg_salesforce__leads') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

queues as (
    select * from {{ ref('stg_salesforce__groups') }}
    where group_type = 'Queue'
),

lead_sources as (
    select * from {{ ref('lead_source_map') }}
),

territories as (
    select * from {{ ref('territory_map') }}
),

calendars as (
    select * from {{ ref('business_calendar') }}
),

final as (
    select
        leads.lead_id,
        leads.created_at,
        cast({{ dbt.date_trunc('month', 'leads.created_at') }} as date) as cohort_month,
        leads.lead_status,
        coalesce(leads.lead_source, 'Unknown') as lead_source,
        coalesce(lead_sources.sourced_by, 'unknown') as sourced_by,
        coalesce(segments.segment, 'Unknown') as segment,
        coalesce(territories.territory, 'Unassigned') as territory,
        users.user_id as owner_user_id,
        queues.group_id as owner_queue_id,
        users.user_display_name as owner_display_name,
        users.team_name as owner_team_name,
        users.territory as owner_territory,
        -- A queue has no territory: while one owns the lead, the lead's own territory's calendar times it.
        coalesce(users.territory, territories.territory) as calendar_territory,
        calendars.time_zone as calendar_time_zone,
        leads.is_converted,
        leads.converted_at,
        leads.converted_opportunity_id,
        leads.converted_contact_id,
        leads.disqualified_reason,
        leads.recycled_reason
    from leads
    left join lead_sources on leads.lead_source = lead_sources.lead_source
    {{ join_segment_band('segments', 'leads.employee_count') }}
    left join territories on leads.country = territories.country
    left join users on leads.owner_id = users.user_id
    left join queues on leads.owner_id = queues.group_id
    left join calendars on coalesce(users.territory, territories.territory) = calendars.territory
)

select * from final
