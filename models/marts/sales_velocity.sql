with

opportunities as (
    select
        *,
        {{ fiscal_quarter_start('created_at') }} as created_fiscal_quarter,
        {{ fiscal_quarter_start('close_date') }} as close_fiscal_quarter
    from {{ ref('int_opportunities__sourced') }}
),

created as (
    select
        created_fiscal_quarter as fiscal_quarter_start,
        segment,
        territory,
        sourced_by,
        count(*) as created_count,
        coalesce(sum(opportunity_amount), 0) as created_amount
    from opportunities
    group by created_fiscal_quarter, segment, territory, sourced_by
),

closed as (
    select
        close_fiscal_quarter as fiscal_quarter_start,
        segment,
        territory,
        sourced_by,
        count(*) as closed_count,
        {{ count_where('is_won') }} as won_count,
        coalesce(sum(case when is_won then opportunity_amount end), 0) as won_amount,
        cast(coalesce(sum(case when is_won then sales_cycle_days end), 0) as {{ type_double() }}) as won_cycle_days
    from opportunities
    where is_closed
    group by close_fiscal_quarter, segment, territory, sourced_by
),

slices as (
    select
        fiscal_quarter_start,
        segment,
        territory,
        sourced_by
    from created
    union
    select
        fiscal_quarter_start,
        segment,
        territory,
        sourced_by
    from closed
),

final as (
    select
        slices.fiscal_quarter_start,
        {{ fiscal_year('slices.fiscal_quarter_start') }} as fiscal_year,
        slices.segment,
        slices.territory,
        slices.sourced_by,
        coalesce(created.created_count, 0) as created_count,
        coalesce(created.created_amount, 0) as created_amount,
        coalesce(closed.closed_count, 0) as closed_count,
        coalesce(closed.won_count, 0) as won_count,
        coalesce(closed.won_amount, 0) as won_amount,
        coalesce(closed.won_cycle_days, 0) as won_cycle_days,
        {{ rate_with_interval('closed.won_count', 'closed.closed_count', 'win_rate') }},
        {{ ratio('closed.won_amount', 'closed.won_count') }} as average_won_amount,
        {{ ratio('closed.won_cycle_days', 'closed.won_count') }} as average_won_cycle_days,
        -- Opportunities × win rate × average deal ÷ cycle length: the won revenue per day the quarter's flow
        -- of new opportunities makes at the quarter's win rate, deal size and cycle.
        coalesce(created.created_count, 0)
        * {{ ratio('closed.won_count', 'closed.closed_count') }}
        * {{ ratio('closed.won_amount', 'closed.won_count') }}
        / nullif({{ ratio('closed.won_cycle_days', 'closed.won_count') }}, 0) as sales_velocity_per_day
    from slices
    left join created
        on
            slices.fiscal_quarter_start = created.fiscal_quarter_start
            and slices.segment = created.segment
            and slices.territory = created.territory
            and slices.sourced_by = created.sourced_by
    left join closed
        on
            slices.fiscal_quarter_start = closed.fiscal_quarter_start
            and slices.segment = closed.segment
            and slices.territory = closed.territory
            and slices.sourced_by = closed.sourced_by
)

select * from final
