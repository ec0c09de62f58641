{#-
    The open pipeline at the end of each week, rebuilt from the stage history. Each state of an opportunity (a
    history row, in force until the next) counts at every week end it spans: it adds its measures at the first
    such week and takes them away after the last, and a running sum over the weeks gives each week's pipeline
    without pairing every opportunity with every week. "This quarter" is the fiscal quarter the week starts in.
-#}

with

states as (
    select
        *,
        {{ period_before('fiscal_quarter', 'close_fiscal_quarter_start') }} as previous_fiscal_quarter_start
    from {{ ref('int_opportunities__states_spanned') }}
    where stage_type = 'open'
),

state_weeks as (
    -- The weeks at whose end the state is in force, [first_week, after_last_week), and the weeks that start in
    -- the quarter the deal is due in and in the quarter before it.
    select
        segment,
        territory,
        sourced_by,
        shared_stage,
        stage_order,
        forecast_category,
        opportunity_amount,
        opportunity_amount * win_probability_rate as weighted_amount,
        cast({{ dbt.dateadd('day', -7, period_start_at_or_after('week', 'valid_from')) }} as date) as first_week,
        coalesce(
            cast({{ dbt.dateadd('day', -7, period_start_at_or_after('week', 'valid_to')) }} as date),
            cast('9999-01-01' as date)
        ) as after_last_week,
        {{ period_start_at_or_after('week', 'previous_fiscal_quarter_start') }} as first_week_of_quarter_before,
        {{ period_start_at_or_after('week', 'close_fiscal_quarter_start') }} as first_week_of_close_quarter,
        {{ period_start_at_or_after('week', 'close_fiscal_quarter_end') }} as first_week_after_close_quarter
    from states
),

pieces as (
    -- Open: every such week; this_quarter and next_quarter: those of them in the quarter due and the one before.
    select
        state_weeks.*,
        piece.measure,
        case piece.measure
            when 'open' then state_weeks.first_week
            when 'this_quarter' then greatest(state_weeks.first_week, state_weeks.first_week_of_close_quarter)
            else greatest(state_weeks.first_week, state_weeks.first_week_of_quarter_before)
        end as first_piece_week,
        case piece.measure
            when 'open' then state_weeks.after_last_week
            when 'this_quarter' then least(state_weeks.after_last_week, state_weeks.first_week_after_close_quarter)
            else least(state_weeks.after_last_week, state_weeks.first_week_of_close_quarter)
        end as after_piece_week
    from state_weeks
    cross join (values ('open'), ('this_quarter'), ('next_quarter')) as piece (measure)
),

signed as (
    -- Each piece adds at its first week and takes away at the week after its last.
    select
        pieces.*,
        boundary.sign,
        case when boundary.sign = 1 then pieces.first_piece_week else pieces.after_piece_week end as week_start
    from pieces
    cross join (values (1), (-1)) as boundary (sign)
    where pieces.first_piece_week < pieces.after_piece_week
),

changes as (
    select
        week_start,
        segment,
        territory,
        sourced_by,
        shared_stage,
        stage_order,
        forecast_category,
        sum(case when measure = 'open' then sign else 0 end) as open_count_change,
        sum(case when measure = 'open' then sign * opportunity_amount else 0 end) as open_amount_change,
        sum(case when measure = 'open' then sign * weighted_amount else 0 end) as weighted_amount_change,
        sum(case when measure = 'this_quarter' then sign else 0 end) as this_quarter_count_change,
        sum(case when measure = 'this_quarter' then sign * opportunity_amount else 0 end)
            as this_quarter_amount_change,
        sum(case when measure = 'next_quarter' then sign else 0 end) as next_quarter_count_change,
        sum(case when measure = 'next_quarter' then sign * opportunity_amount else 0 end)
            as next_quarter_amount_change
    from signed
    group by week_start, segment, territory, sourced_by, shared_stage, stage_order, forecast_category
),

weeks as (
    -- Every week the business calendar covers, up to the one the funnel clock is in.
    select distinct {{ period_start('week', 'local_date') }} as week_start
    from {{ ref('int_business_calendar__days') }}
    where local_date <= cast({{ data_clock('funnel') }} as date)
),

slices as (
    select
        segment,
        territory,
        sourced_by,
        shared_stage,
        stage_order,
        forecast_category,
        min(week_start) as first_week
    from changes
    group by segment, territory, sourced_by, shared_stage, stage_order, forecast_category
),

grid as (
    select
        weeks.week_start,
        slices.segment,
        slices.territory,
        slices.sourced_by,
        slices.shared_stage,
        slices.stage_order,
        slices.forecast_category,
        coalesce(changes.open_count_change, 0) as open_count_change,
        coalesce(changes.open_amount_change, 0) as open_amount_change,
        coalesce(changes.weighted_amount_change, 0) as weighted_amount_change,
        coalesce(changes.this_quarter_count_change, 0) as this_quarter_count_change,
        coalesce(changes.this_quarter_amount_change, 0) as this_quarter_amount_change,
        coalesce(changes.next_quarter_count_change, 0) as next_quarter_count_change,
        coalesce(changes.next_quarter_amount_change, 0) as next_quarter_amount_change
    from slices
    inner join weeks on slices.first_week <= weeks.week_start
    left join changes
        on
            weeks.week_start = changes.week_start
            and slices.segment = changes.segment
            and slices.territory = changes.territory
            and slices.sourced_by = changes.sourced_by
            and slices.shared_stage = changes.shared_stage
            and slices.forecast_category = changes.forecast_category
),

running as (
    select
        week_start,
        segment,
        territory,
        sourced_by,
        shared_stage,
        stage_order,
        forecast_category,
        {%- for measure in ['open_count', 'open_amount', 'weighted_amount', 'this_quarter_count',
                            'this_quarter_amount', 'next_quarter_count', 'next_quarter_amount'] %}
            sum({{ measure }}_change) over (
                partition by segment, territory, sourced_by, shared_stage, forecast_category
                order by week_start rows between unbounded preceding and current row
            ) as {{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from grid
),

final as (
    select
        week_start,
        segment,
        territory,
        sourced_by,
        shared_stage,
        stage_order,
        forecast_category,
        {{ fiscal_quarter_start('week_start') }} as fiscal_quarter_start,
        cast({{ dbt.dateadd('day', 7, 'week_start') }} as {{ dbt.type_timestamp() }})
        <= {{ data_clock('funnel') }} as is_week_complete,
        cast(open_count as {{ dbt.type_bigint() }}) as open_count,
        cast(open_amount as {{ dbt.type_numeric() }}) as open_amount,
        cast(weighted_amount as {{ type_double() }}) as weighted_amount,
        cast(this_quarter_count as {{ dbt.type_bigint() }}) as closing_this_quarter_count,
        cast(this_quarter_amount as {{ dbt.type_numeric() }}) as closing_this_quarter_amount,
        cast(next_quarter_count as {{ dbt.type_bigint() }}) as closing_next_quarter_count,
        cast(next_quarter_amount as {{ dbt.type_numeric() }}) as closing_next_quarter_amount
    from running
    where open_count <> 0
)

select * from final
