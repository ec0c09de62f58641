{{ incremental_per_key('lead_id', 'int_leads__changed') }}

with

leads as (
    select * from {{ ref('stg_salesforce__leads') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

status_changes as (
    select field_changes.* from {{ ref('stg_salesforce__lead_field_changes') }} as field_changes
    inner join leads on field_changes.lead_id = leads.lead_id
    where field_changes.field_name = 'Status'
),

stage_map as (
    select * from {{ ref('funnel_stage_map') }}
),

stages as (
    select * from {{ ref('funnel_stages') }}
    where not is_exit
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

leads_with_opportunity as (
    select leads.lead_id
    from leads
    inner join opportunities on leads.converted_opportunity_id = opportunities.opportunity_id
),

status_stages as (
    select
        status_changes.lead_id,
        status_changes.changed_at as entered_at,
        stages.stage_order
    from status_changes
    inner join stage_map on status_changes.new_value = stage_map.lead_status
    inner join stages on stage_map.funnel_stage = stages.funnel_stage
),

won_at as (
    {{ opportunities_won_at() }}
),

stage_entries_claimed as (
    -- Every moment a lead entered a stage, from its creation, its status history, its conversion and the
    -- win of its opportunity.
    select
        lead_id,
        created_at as entered_at,
        1 as stage_order
    from leads
    union all
    select
        lead_id,
        entered_at,
        stage_order
    from status_stages
    union all
    select
        lead_id,
        converted_at as entered_at,
        5 as stage_order
    from leads
    where is_converted and converted_at is not null
),

stage_entries as (
    -- Reaching Opportunity takes an opportunity: a lead converted to one that never landed (or was deleted
    -- or quarantined) counts as qualified (SQL), not as an opportunity, until it lands.
    select
        stage_entries_claimed.lead_id,
        stage_entries_claimed.entered_at,
        case
            when leads_with_opportunity.lead_id is null and stage_entries_claimed.stage_order > 4 then 4
            else stage_entries_claimed.stage_order
        end as stage_order
    from stage_entries_claimed
    left join leads_with_opportunity on stage_entries_claimed.lead_id = leads_with_opportunity.lead_id
    union all
    select
        leads.lead_id,
        won_at.won_at as entered_at,
        6 as stage_order
    from leads
    inner join won_at on leads.converted_opportunity_id = won_at.opportunity_id
),

final as (
    {{ stages_reached('stage_entries', 'stages', 'lead_id') }}
)

select * from final
