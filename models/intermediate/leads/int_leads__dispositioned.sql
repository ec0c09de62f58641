{{ incremental_per_key('lead_id', 'int_leads__changed') }}

with

leads as (
    select * from {{ ref('int_leads__classified') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

stages_reached as (
    select * from {{ ref('int_leads__stages_reached') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

status_changes as (
    select * from {{ ref('stg_salesforce__lead_field_changes') }}
    where field_name = 'Status' and {{ to_refresh('lead_id', 'int_leads__changed') }}
),

stage_map as (
    select * from {{ ref('funnel_stage_map') }}
),

handovers as (
    select
        lead_id,
        max(case when funnel_stage = 'MQL' then reached_at end) as mql_at,
        max(case when funnel_stage = 'SAL' then reached_at end) as sal_at
    from stages_reached
    group by lead_id
    having max(case when funnel_stage = 'MQL' then reached_at end) is not null
),

first_exits as (
    -- The first time sales sent the lead back (recycled) or out (disqualified) after the handover.
    select
        handovers.lead_id,
        status_changes.changed_at as exited_at,
        stage_map.funnel_stage as exit_stage,
        row_number() over (
            partition by handovers.lead_id order by status_changes.changed_at, status_changes.lead_field_change_id
        ) as exit_number
    from handovers
    inner join status_changes on handovers.lead_id = status_changes.lead_id
    inner join stage_map on status_changes.new_value = stage_map.lead_status
    where
        stage_map.funnel_stage in ('Recycled', 'Disqualified')
        and status_changes.changed_at > handovers.mql_at
),

resolved as (
    -- Accepted when sales accepted the lead before (or without) sending it back.
    select
        handovers.lead_id,
        handovers.mql_at,
        handovers.sal_at,
        first_exits.exited_at,
        first_exits.exit_stage,
        handovers.sal_at is not null
        and (first_exits.exited_at is null or handovers.sal_at <= first_exits.exited_at) as is_accepted
    from handovers
    left join first_exits on handovers.lead_id = first_exits.lead_id and first_exits.exit_number = 1
),

final as (
    select
        resolved.lead_id,
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
    inner join leads on resolved.lead_id = leads.lead_id
)

select * from final
