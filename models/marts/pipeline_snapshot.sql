{#-
    The open pipeline at the end of each week, rebuilt from the stage history. Each state of an opportunity (a
    history row, in force until the next) counts at every week end it spans: it adds its measures at the first
    such week and takes them away after the last, and a running sum over the weeks gives each week's pipeline
    without pairing every opportunity with every week. "This quarter" is the fiscal quarter the week starts in.
-#}
{%- set far_future = "cast('9999-01-01' as date)" -%}

with

states as (
    select
        *,
        {{ period_after('fiscal_quarter', 'close_fiscal_quarter_start') }} as close_fiscal_quarter_end,
        cast({{ dbt.dateadd('month', -3, 'close_fiscal_quarter_start') }} as date) as previous_fiscal_quarter_start
    from {{ ref('int_opportunities__states_spanned') }}
    where stage_type = 'open'
),

state_weeks as (
    -- The weeks whose end the state is in force at: [first_week, after_last_week), then the weeks among them
    -- that start in the quarter the deal is due to close in, and in the quarter before it.
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
            {{ far_future }}
        ) as after_last_week,
        {{ period_start_at_or_after('week', 'previous_fiscal_quarter_start') }} as first_week_of_quarter_before,
        {{ period_start_at_or_after('week', 'close_fiscal_quarter_start') }} as first_week_of_close_quarter,
        {{ period_start_at_or_after('week', 'close_fiscal_quarter_end') }} as first_week_after_close_quarter
    from states
),

pieces as (
    -- Each piece adds at its first week and takes away at the week after it: (week, sign, measures).
    {%- set kinds = {
        'open': ('first_week', 'after_last_week'),
        'this_quarter': (
            'greatest(first_week, first_week_of_close_quarter)',
            'least(after_last_week, first_week_after_close_quarter)'
        ),
        'next_quarter': (
            'greatest(first_week, first_week_of_quarter_before)',
            'least(after_last_week, first_week_of_close_quarter)'
        ),
    } %}
    {%- for kind, (starts, ends) in kinds.items() %}
        {%- for week, sign in [(starts, 1), (ends, -1)] %}
            select
                segment,
                territory,
                sourced_by,
                shared_stage,
                stage_order,
                forecast_category,
                {{ week }} as week_start,
                {%- for measure in ['open', 'this_quarter', 'next_quarter'] %}
                    {{ sign if measure == kind else 0 }} as {{ measure }}_count_change,
                    {{ (sign ~ ' * opportunity_amount') if measure == kind else 0 }} as {{ measure }}_amount_change,
                {%- endfor %}
                {{ (sign ~ ' * weighted_amount') if kind == 'open' else 0 }} as weighted_amount_change
            from state_weeks
            where {{ starts }} < {{ ends }}
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
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
        {%- for measure in ['open', 'this_quarter', 'next_quarter'] %}
            sum({{ measure }}_count_change) as {{ measure }}_count_change,
            sum({{ measure }}_amount_change) as {{ measure }}_amount_change,
        {%- endfor %}
        sum(weighted_amount_change) as weighted_amount_change
    from pieces
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

running as (
    select
        weeks.week_start,
        slices.segment,
        slices.territory,
        slices.sourced_by,
        slices.shared_stage,
        slices.stage_order,
        slices.forecast_category,
        {%- for measure in ['open_count', 'open_amount', 'this_quarter_count', 'this_quarter_amount',
                            'next_quarter_count', 'next_quarter_amount', 'weighted_amount'] %}
            sum(coalesce(changes.{{ measure }}_change, 0)) over (
                partition by
                    slices.segment, slices.territory, slices.sourced_by, slices.shared_stage, slices.forecast_category
                order by weeks.week_start
                rows between unbounded preceding and current row
            ) as {{ measure }}{% if not loop.last %},{% endif %}

        {%- endfor %}
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

final as (
    select
        week_start,
        {{ fiscal_quarter_start('week_start') }} as fiscal_quarter_start,
        cast({{ dbt.dateadd('day', 7, 'week_start') }} as {{ dbt.type_timestamp() }})
        <= {{ data_clock('funnel') }} as is_week_complete,
        segment,
        territory,
        sourced_by,
        shared_stage,
        stage_order,
        forecast_category,
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
