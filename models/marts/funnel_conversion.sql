with

people as (
    select * from {{ ref('int_people__classified') }}
),

stages_reached as (
    select * from {{ ref('int_people__stages_reached') }}
),

stages as (
    select * from {{ ref('funnel_stages') }}
    where not is_exit
),

stage_pairs as (
    select
        from_stages.funnel_stage as from_stage,
        to_stages.funnel_stage as to_stage,
        from_stages.stage_order as from_stage_order,
        to_stages.maturity_days
    from stages as from_stages
    inner join stages as to_stages on from_stages.stage_order + 1 = to_stages.stage_order
),

transitions as (
    select
        people.cohort_month,
        people.person_type,
        people.sourced_by,
        people.lead_source,
        people.segment,
        people.territory,
        stage_pairs.from_stage,
        stage_pairs.to_stage,
        stage_pairs.from_stage_order,
        stage_pairs.maturity_days,
        entered.reached_at as entered_at,
        converted.reached_at as converted_at
    from stage_pairs
    inner join stages_reached as entered on stage_pairs.from_stage = entered.funnel_stage
    inner join people on entered.person_id = people.person_id
    left join stages_reached as converted
        on
            entered.person_id = converted.person_id
            and stage_pairs.to_stage = converted.funnel_stage
),

aggregated as (
    select
        cohort_month,
        person_type,
        sourced_by,
        lead_source,
        segment,
        territory,
        from_stage,
        to_stage,
        from_stage_order,
        maturity_days,
        count(*) as entered_count,
        count(converted_at) as converted_count,
        {{ percentile(days_between('entered_at', 'converted_at'), 0.5) }} as median_days_to_convert,
        {{ percentile(days_between('entered_at', 'converted_at'), 0.9) }} as p90_days_to_convert
    from transitions
    group by
        cohort_month,
        person_type,
        sourced_by,
        lead_source,
        segment,
        territory,
        from_stage,
        to_stage,
        from_stage_order,
        maturity_days
),

final as (
    select
        cohort_month,
        person_type,
        sourced_by,
        lead_source,
        segment,
        territory,
        from_stage,
        to_stage,
        from_stage_order as stage_pair_order,
        entered_count,
        converted_count,
        {{ rate_with_interval('converted_count', 'entered_count', 'conversion_rate') }},
        entered_count < {{ var('min_rate_count') }} as is_too_few,
        median_days_to_convert,
        p90_days_to_convert,
        -- Each stage pair matures on its own clock: Opportunity to Won takes most of a sales cycle.
        {{ is_cohort_maturing('cohort_month', 'maturity_days') }} as is_maturing
    from aggregated
)

select * from final
