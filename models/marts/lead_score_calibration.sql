with

leads as (
    select * from {{ ref('lead_funnel') }}
    where score_band_floor is not null
),

banded as (
    select
        cohort_month,
        score_band_floor,
        count(*) as lead_count,
        {{ count_where('mql_at is not null') }} as mql_count,
        {{ count_where('sql_at is not null') }} as sql_count,
        {{ count_where('opportunity_at is not null') }} as opportunity_count,
        {{ count_where('won_at is not null') }} as won_count
    from leads
    group by cohort_month, score_band_floor
),

rated as (
    select
        *,
        score_band_floor + {{ var('lead_score_band_width') }} - 1 as score_band_ceiling,
        {{ rate_with_interval('sql_count', 'lead_count', 'sql_rate') }},
        {{ rate_with_interval('opportunity_count', 'lead_count', 'opportunity_rate') }},
        {{ rate_with_interval('won_count', 'lead_count', 'won_rate') }},
        score_band_floor >= {{ var('mql_score_threshold') }} as is_at_or_above_threshold,
        -- The bands either side of the threshold: the one holding it, and the one just below.
        {{ var('mql_score_threshold') }} between score_band_floor
        and score_band_floor + {{ var('lead_score_band_width') }} - 1 as is_band_just_above_threshold,
        {{ var('mql_score_threshold') }} - {{ var('lead_score_band_width') }} between score_band_floor
        and score_band_floor + {{ var('lead_score_band_width') }} - 1 as is_band_just_below_threshold
    from banded
),

final as (
    select
        cohort_month,
        score_band_floor,
        score_band_ceiling,
        lead_count,
        mql_count,
        sql_count,
        opportunity_count,
        won_count,
        sql_rate,
        sql_rate_lower,
        sql_rate_upper,
        opportunity_rate,
        opportunity_rate_lower,
        opportunity_rate_upper,
        won_rate,
        won_rate_lower,
        won_rate_upper,
        is_at_or_above_threshold,
        is_band_just_above_threshold,
        is_band_just_below_threshold,
        max(case when is_band_just_below_threshold then sql_rate end) over (partition by cohort_month)
            as sql_rate_just_below_threshold,
        max(case when is_band_just_above_threshold then sql_rate end) over (partition by cohort_month)
            as sql_rate_just_above_threshold,
        {{ var('mql_score_threshold') }} as mql_score_threshold,
        {{ is_cohort_maturing('cohort_month', stage_maturity_days('Won')) }} as is_maturing
    from rated
)

select * from final
