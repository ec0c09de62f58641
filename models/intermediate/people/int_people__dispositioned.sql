{{ incremental_per_key('person_id', 'int_people__changed') }}

with

leads as (
    -- Only leads carry the reasons sales gives (custom fields of the lead).
    select * from {{ ref('int_leads__classified') }}
    where {{ to_refresh('lead_id', 'int_people__changed', 'person_id') }}
),

stages_reached as (
    select * from {{ ref('int_people__stages_reached') }}
    where {{ to_refresh('person_id', 'int_people__changed') }}
),

status_changes as (
    select * from {{ ref('int_people__status_changes') }}
    where {{ to_refresh('person_id', 'int_people__changed') }}
),

stage_map as (
    select * from {{ ref('funnel_stage_map') }}
),

handovers as (
    -- One row per person and stage: a join, not an aggregate, so that PostgreSQL can estimate its size
    -- through the union view (it guesses 200 groups for an aggregate over one and loops).
    select
        mqls.person_id,
        mqls.reached_at as mql_at,
        sals.reached_at as sal_at
    from stages_reached as mqls
    left join stages_reached as sals on mqls.person_id = sals.person_id and sals.funnel_stage = 'SAL'
    where mqls.funnel_stage = 'MQL'
),

first_exits as (
    -- The first time sales sent the lead back (recycled) or out (disqualified) after the handover.
    select
        handovers.person_id,
        status_changes.changed_at as exited_at,
        stage_map.funnel_stage as exit_stage,
        row_number() over (
            partition by handovers.person_id order by status_changes.changed_at, status_changes.status_change_id
        ) as exit_number
    from handovers
    inner join status_changes on handovers.person_id = status_changes.person_id
    inner join stage_map on status_changes.funnel_status = stage_map.lead_status
    where
        stage_map.funnel_stage in ('Recycled', 'Disqualified')
        and status_changes.changed_at > handovers.mql_at
),

resolved as (
    -- Accepted when sales accepted the lead before (or without) sending it back.
    select
        handovers.person_id,
        handovers.mql_at,
        handovers.sal_at,
        first_exits.exited_at,
        first_exits.exit_stage,
        handovers.sal_at is not null
        and (first_exits.exited_at is null or handovers.sal_at <= first_exits.exited_at) as is_accepted
    from handovers
    left join first_exits on handovers.person_id = first_exits.person_id and first_exits.exit_number = 1
),

final as (
    select
        resolved.person_id,
        resolved.mql_at,
        case
            when resolved.is_accepted then 'accepted'
            when resolved.exit_stage = 'Recycled' then 'recycled'
            when resolved.exit_stage = 'Disqualified' then 'disqualified'
            else 'pending'
        end as disposition,
        case when resolved.is_accepted then resolved.sal_at else resolved.exited_at end as disposed_at,
        case
            when resolved.is_accepted then null
            when resolved.exit_stage = 'Recycled' then coalesce(leads.recycled_reason, 'Not given')
            when resolved.exit_stage = 'Disqualified' then coalesce(leads.disqualified_reason, 'Not given')
        end as disposition_reason
    from resolved
    left join leads on resolved.person_id = leads.lead_id
)

select * from final
