with

sla_by_lead as (
    select * from {{ ref('sales_sla_by_lead') }}
),

lead_funnel as (
    select * from {{ ref('lead_funnel') }}
),

settled as (
    -- Scored leads sales touched, first within the target or later (never touched and still pending left out).
    select
        sla_by_lead.mql_at,
        lead_funnel.score_band_floor,
        lead_funnel.lead_source,
        lead_funnel.segment,
        lead_funnel.territory,
        sla_by_lead.owner_user_id,
        sla_by_lead.first_touch_sla_status = 'met' as is_within_target,
        lead_funnel.sql_at is not null as reached_sql,
        lead_funnel.won_at is not null as reached_won
    from sla_by_lead
    inner join lead_funnel on sla_by_lead.person_id = lead_funnel.person_id
    where
        sla_by_lead.person_type = 'lead'
        and not sla_by_lead.is_never_touched
        and sla_by_lead.first_touch_sla_status in ('met', 'missed')
),

outcomes as (
    -- Each outcome over the MQLs old enough to have had their chance of it (seed funnel_stages).
    {% for stage in ['SQL', 'Won'] %}
        select
            '{{ stage }}' as outcome_stage,
            score_band_floor,
            lead_source,
            segment,
            territory,
            owner_user_id,
            is_within_target,
            reached_{{ stage | lower }} as reached
        from settled
        where mql_at <= {{ dbt.dateadd('day', '-1 * ' ~ stage_maturity_days(stage), data_clock('funnel')) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

strata as (
    -- Leads alike in what decides how fast sales answers: score band, source, segment and owner (territory
    -- comes with the owner).
    select
        outcome_stage,
        {{ count_where('is_within_target') }} as within_target_count,
        {{ count_where('not is_within_target') }} as later_count,
        {{ count_where('is_within_target and reached') }} as within_target_reached_count,
        {{ count_where('not is_within_target and reached') }} as later_reached_count
    from outcomes
    group by outcome_stage, score_band_floor, lead_source, segment, territory, owner_user_id
),

compared as (
    -- Strata with MQLs answered both ways; the variance adds one success and one failure per arm (Agresti and
    -- Caffo), so a stratum's 0 % or 100 % does not claim certainty.
    select
        outcome_stage,
        within_target_count + later_count as mql_count,
        {{ ratio('within_target_reached_count', 'within_target_count') }}
        - {{ ratio('later_reached_count', 'later_count') }} as difference,
        {{ ratio('within_target_reached_count + 1', 'within_target_count + 2') }} as smoothed_within_target_rate,
        {{ ratio('later_reached_count + 1', 'later_count + 2') }} as smoothed_later_rate,
        {{ ratio('within_target_reached_count', 'within_target_count') }} as within_target_rate,
        {{ ratio('later_reached_count', 'later_count') }} as later_rate,
        within_target_count,
        later_count
    from strata
    where within_target_count > 0 and later_count > 0
),

adjusted as (
    -- Standardised to the compared MQLs: each stratum's difference weighted by its MQLs.
    select
        outcome_stage,
        count(*) as compared_strata_count,
        cast(sum(mql_count) as {{ dbt.type_bigint() }}) as compared_mql_count,
        {{ ratio('sum(mql_count * within_target_rate)', 'sum(mql_count)') }} as adjusted_within_target_rate,
        {{ ratio('sum(mql_count * later_rate)', 'sum(mql_count)') }} as adjusted_later_rate,
        {{ ratio('sum(mql_count * difference)', 'sum(mql_count)') }} as adjusted_difference,
        sqrt(
            sum(
                mql_count * mql_count * (
                    smoothed_within_target_rate * (1 - smoothed_within_target_rate) / within_target_count
                    + smoothed_later_rate * (1 - smoothed_later_rate) / later_count
                )
            )
        ) / sum(mql_count) as adjusted_standard_error
    from compared
    group by outcome_stage
),

raw as (
    select
        outcome_stage,
        count(*) as strata_count,
        cast(sum(within_target_count + later_count) as {{ dbt.type_bigint() }}) as mql_count,
        cast(sum(within_target_count) as {{ dbt.type_bigint() }}) as within_target_count,
        cast(sum(later_count) as {{ dbt.type_bigint() }}) as later_count,
        {{ ratio('sum(within_target_reached_count)', 'sum(within_target_count)') }} as within_target_rate,
        {{ ratio('sum(later_reached_count)', 'sum(later_count)') }} as later_rate
    from strata
    group by outcome_stage
),

final as (
    select
        raw.outcome_stage,
        raw.mql_count,
        raw.within_target_count,
        raw.later_count,
        raw.within_target_rate,
        raw.later_rate,
        raw.within_target_rate - raw.later_rate as raw_difference,
        raw.within_target_rate - raw.later_rate - {{ z_95() }} * sqrt(
            raw.within_target_rate * (1 - raw.within_target_rate) / raw.within_target_count
            + raw.later_rate * (1 - raw.later_rate) / raw.later_count
        ) as raw_difference_lower,
        raw.within_target_rate - raw.later_rate + {{ z_95() }} * sqrt(
            raw.within_target_rate * (1 - raw.within_target_rate) / raw.within_target_count
            + raw.later_rate * (1 - raw.later_rate) / raw.later_count
        ) as raw_difference_upper,
        raw.strata_count,
        adjusted.compared_strata_count,
        adjusted.compared_mql_count,
        adjusted.adjusted_within_target_rate,
        adjusted.adjusted_later_rate,
        adjusted.adjusted_difference,
        adjusted.adjusted_difference - {{ z_95() }} * adjusted.adjusted_standard_error as adjusted_difference_lower,
        adjusted.adjusted_difference + {{ z_95() }} * adjusted.adjusted_standard_error as adjusted_difference_upper,
        least(raw.within_target_count, raw.later_count) < {{ var('min_rate_count') }} as is_too_few
    from raw
    left join adjusted on raw.outcome_stage = adjusted.outcome_stage
)

select * from final
