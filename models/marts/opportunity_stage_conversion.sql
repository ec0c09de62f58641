with

opportunity_stages as (
    select * from {{ ref('opportunity_stages') }}
    where stage_type = 'open'
),

aggregated as (
    select
        created_month,
        segment,
        territory,
        sourced_by,
        shared_stage,
        stage_order,
        count(*) as reached_count,
        {{ count_where('is_skipped') }} as skipped_count,
        {{ count_where("stage_outcome = 'advanced'") }} as advanced_count,
        {{ count_where("stage_outcome = 'lost'") }} as lost_at_stage_count,
        {{ count_where("stage_outcome = 'in_progress'") }} as in_progress_count,
        {{ count_where('is_won') }} as won_count,
        {{ count_where('is_lost') }} as lost_count,
        {{ count_where('has_moved_backward') }} as moved_backward_count,
        count(calendar_days_in_stage) as exited_count,
        {{ percentile('calendar_days_in_stage', 0.5) }} as median_days_in_stage,
        {{ percentile('calendar_days_in_stage', 0.9) }} as p90_days_in_stage,
        {{ percentile('business_days_in_stage', 0.5) }} as median_business_days_in_stage,
        {{ percentile('business_days_in_stage', 0.9) }} as p90_business_days_in_stage
    from opportunity_stages
    group by created_month, segment, territory, sourced_by, shared_stage, stage_order
),

final as (
    select
        created_month,
        segment,
        territory,
        sourced_by,
        shared_stage,
        stage_order,
        reached_count,
        skipped_count,
        advanced_count,
        lost_at_stage_count,
        in_progress_count,
        won_count,
        lost_count,
        moved_backward_count,
        exited_count,
        {{ rate_with_interval('advanced_count', 'advanced_count + lost_at_stage_count', 'advance_rate') }},
        {{ rate_with_interval('won_count', 'won_count + lost_count', 'stage_win_rate') }},
        median_days_in_stage,
        p90_days_in_stage,
        median_business_days_in_stage,
        p90_business_days_in_stage,
        {{ is_cohort_maturing('created_month', var('opportunity_cohort_maturity_days')) }} as is_maturing
    from aggregated
)

select * from final
