with

contacts as (
    select * from {{ ref('int_contacts__classified') }}
),

status_changes as (
    select status_changes.*
    from {{ ref('int_people__status_changes') }} as status_changes
    inner join contacts on status_changes.person_id = contacts.contact_id
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

won_at as (
    {{ opportunities_won_at() }}
),

stage_entries as (
    -- Every moment a contact person entered a stage: entering the funnel, its status history, the creation
    -- and the win of the opportunity it sourced.
    select
        contact_id,
        created_at as entered_at,
        1 as stage_order
    from contacts
    union all
    -- Reaching Opportunity takes an opportunity: a status mapped to it counts as qualified (SQL).
    select
        status_changes.person_id as contact_id,
        status_changes.changed_at as entered_at,
        case when stages.stage_order > 4 then 4 else stages.stage_order end as stage_order
    from status_changes
    inner join stage_map on status_changes.funnel_status = stage_map.lead_status
    inner join stages on stage_map.funnel_stage = stages.funnel_stage
    union all
    select
        contacts.contact_id,
        opportunities.created_at as entered_at,
        5 as stage_order
    from contacts
    inner join opportunities on contacts.sourced_opportunity_id = opportunities.opportunity_id
    union all
    select
        contacts.contact_id,
        won_at.won_at as entered_at,
        6 as stage_order
    from contacts
    inner join won_at on contacts.sourced_opportunity_id = won_at.opportunity_id
),

final as (
    {{ stages_reached('stage_entries', 'stages', 'contact_id') }}
)

select * from final
