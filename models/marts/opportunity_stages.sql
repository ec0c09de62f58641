{{ incremental_per_key('opportunity_id', 'int_opportunities__changed') }}

with

visits as (
    select * from {{ ref('int_opportunities__stages_visited') }}
    where {{ to_refresh('opportunity_id', 'int_opportunities__changed') }}
),

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
),

shared_stages as (
    select distinct
        shared_stage,
        stage_order,
        stage_type,
        forecast_category
    from {{ ref('opportunity_stage_map') }}
),

journeys as (
    -- Won is past every open stage; Lost is where a deal stopped, not a step forward.
    select
        opportunity_id,
        max(case when stage_type <> 'lost' then stage_order end) as furthest_stage_order,
        max(visit_number) as last_visit_number
    from visits
    group by opportunity_id
),

current_stages as (
    select
        visits.opportunity_id,
        visits.shared_stage as current_shared_stage,
        visits.stage_type as current_stage_type
    from visits
    inner join journeys
        on
            visits.opportunity_id = journeys.opportunity_id
            and visits.visit_number = journeys.last_visit_number
),

stages_reached as (
    -- Every open stage up to the furthest one (a stage never entered was skipped) and each closed stage entered.
    select
        journeys.opportunity_id,
        shared_stages.*
    from journeys
    inner join shared_stages
        on
            journeys.furthest_stage_order >= shared_stages.stage_order
            and shared_stages.stage_type = 'open'
    union all
    select distinct
        visits.opportunity_id,
        shared_stages.*
    from visits
    inner join shared_stages on visits.shared_stage = shared_stages.shared_stage
    where shared_stages.stage_type <> 'open'
),

reached_at as (
    -- A stage is reached the first time the deal enters it or any later stage (skipped stages with the next).
    select
        stages_reached.opportunity_id,
        stages_reached.shared_stage,
        min(visits.entered_at) as reached_at
    from stages_reached
    inner join visits
        on
            stages_reached.opportunity_id = visits.opportunity_id
            and (
                stages_reached.shared_stage = visits.shared_stage
                or (
                    stages_reached.stage_order < visits.stage_order
                    and stages_reached.stage_type = 'open'
                    and visits.stage_type <> 'lost'
                )
            )
    group by stages_reached.opportunity_id, stages_reached.shared_stage
),

stage_visits as (
    select
        opportunity_id,
        shared_stage,
        count(*) as visit_count,
        min(entered_at) as first_entered_at,
        -- Left for good only when every visit ended.
        case when count(exited_at) = count(*) then max(exited_at) end as last_exited_at,
        case when count(exited_at) = count(*) then sum(calendar_days_in_stage) end as calendar_days_in_stage,
        case
            when count(business_days_in_stage) = count(*) then sum(business_days_in_stage)
        end as business_days_in_stage,
        {{ count_where("exit_type = 'moved_backward'") }} > 0 as has_moved_backward
    from visits
    group by opportunity_id, shared_stage
),

final as (
    select
        stages_reached.opportunity_id,
        stages_reached.shared_stage,
        stages_reached.stage_order,
        stages_reached.stage_type,
        stages_reached.forecast_category,
        opportunities.created_at,
        opportunities.created_month,
        opportunities.segment,
        opportunities.territory,
        opportunities.sourced_by,
        opportunities.owner_user_id,
        reached_at.reached_at,
        stage_visits.first_entered_at,
        stage_visits.last_exited_at,
        stage_visits.calendar_days_in_stage,
        stage_visits.business_days_in_stage,
        stage_visits.visit_count is null as is_skipped,
        coalesce(stage_visits.visit_count, 0) as visit_count,
        coalesce(stage_visits.has_moved_backward, false) as has_moved_backward,
        case
            when stages_reached.stage_type <> 'open' then stages_reached.stage_type
            when journeys.furthest_stage_order > stages_reached.stage_order then 'advanced'
            when current_stages.current_stage_type = 'lost' then 'lost'
            else 'in_progress'
        end as stage_outcome,
        current_stages.current_stage_type = 'won' as is_won,
        current_stages.current_stage_type = 'lost' as is_lost,
        current_stages.current_shared_stage = stages_reached.shared_stage as is_current_stage
    from stages_reached
    inner join journeys on stages_reached.opportunity_id = journeys.opportunity_id
    inner join current_stages on stages_reached.opportunity_id = current_stages.opportunity_id
    inner join reached_at
        on
            stages_reached.opportunity_id = reached_at.opportunity_id
            and stages_reached.shared_stage = reached_at.shared_stage
    left join stage_visits
        on
            stages_reached.opportunity_id = stage_visits.opportunity_id
            and stages_reached.shared_stage = stage_visits.shared_stage
    -- Stage history of an opportunity that is not staged (deleted, quarantined) is left out.
    inner join opportunities on stages_reached.opportunity_id = opportunities.opportunity_id
)

select * from final
