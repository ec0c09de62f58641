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

won_stage_changes as (
    -- Whatever the org calls its won stages (seed opportunity_stage_map).
    select stage_changes.*
    from {{ ref('stg_salesforce__opportunity_stage_changes') }} as stage_changes
    inner join {{ ref('opportunity_stage_map') }} as opportunity_stage_map
        on stage_changes.stage_name = opportunity_stage_map.stage_name
    where opportunity_stage_map.stage_type = 'won'
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
    -- A won opportunity is won when its history first shows a won stage, else on its close date.
    select
        opportunities.opportunity_id,
        coalesce(
            min(won_stage_changes.changed_at),
            cast(opportunities.close_date as {{ dbt.type_timestamp() }})
        ) as won_at
    from opportunities
    left join won_stage_changes on opportunities.opportunity_id = won_stage_changes.opportunity_id
    where opportunities.is_won
    group by opportunities.opportunity_id, opportunities.close_date
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
    -- Reaching a later stage implies the earlier ones, at the same time when they were skipped.
    select
        stage_entries.lead_id,
        stages.funnel_stage,
        stages.stage_order,
        min(stage_entries.entered_at) as reached_at
    from stage_entries
    inner join stages on stage_entries.stage_order >= stages.stage_order
    group by stage_entries.lead_id, stages.funnel_stage, stages.stage_order
)

select * from final
