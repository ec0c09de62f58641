{#-
    How the pipeline due in a fiscal quarter moved over each week, month and fiscal quarter: opening + created +
    pulled in + reopened + increased − decreased − won − lost − pushed out = closing. The pipeline of a period is
    the open opportunities due to close (expected close date) in the fiscal quarter the period starts in.
    Opening and closing are balances at the period's first and last instant, summed as in pipeline_snapshot (each
    opportunity state adds where it starts to count and takes away after); the movements are the history rows
    inside the period. A data test holds the two to the identity for every period and slice.
-#}
{%- set periods = ['week', 'month', 'fiscal_quarter'] -%}

with

states as (
    select * from {{ ref('int_opportunities__states_spanned') }}
),

spans as (
    -- Per period type, the period starts at which an open state is in force, and the periods that start in the
    -- quarter it is due in.
    {%- for period in periods %}
        select
            '{{ period }}' as period_type,
            segment,
            territory,
            sourced_by,
            opportunity_amount,
            {{ period_start_at_or_after(period, 'valid_from') }} as in_force_from,
            coalesce({{ period_start_at_or_after(period, 'valid_to') }}, cast('9999-01-01' as date))
                as in_force_until,
            {{ period_before(period, period_start_at_or_after(period, 'valid_from')) }} as in_force_from_end,
            coalesce(
                {{ period_before(period, period_start_at_or_after(period, 'valid_to')) }}, cast('9999-01-01' as date)
            ) as in_force_until_end,
            {{ period_start_at_or_after(period, 'close_fiscal_quarter_start') }} as first_period_due,
            {{ period_start_at_or_after(period, 'close_fiscal_quarter_end') }} as first_period_after_due
        from states
        where stage_type = 'open'
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

balance_pieces as (
    -- Opening counts the periods whose first instant the state is in force at; closing those whose end it is.
    select
        spans.period_type,
        spans.segment,
        spans.territory,
        spans.sourced_by,
        spans.opportunity_amount,
        balance.kind,
        case
            when balance.kind = 'opening' then greatest(spans.in_force_from, spans.first_period_due)
            else greatest(spans.in_force_from_end, spans.first_period_due)
        end as first_period,
        case
            when balance.kind = 'opening' then least(spans.in_force_until, spans.first_period_after_due)
            else least(spans.in_force_until_end, spans.first_period_after_due)
        end as after_period
    from spans
    cross join (values ('opening'), ('closing')) as balance (kind)
),

balance_changes as (
    select
        signed.period_type,
        signed.period_start,
        signed.segment,
        signed.territory,
        signed.sourced_by,
        sum(case when signed.kind = 'opening' then signed.sign else 0 end) as opening_count_change,
        sum(case when signed.kind = 'opening' then signed.sign * signed.opportunity_amount else 0 end)
            as opening_amount_change,
        sum(case when signed.kind = 'closing' then signed.sign else 0 end) as closing_count_change,
        sum(case when signed.kind = 'closing' then signed.sign * signed.opportunity_amount else 0 end)
            as closing_amount_change
    from (
        select
            balance_pieces.*,
            boundary.sign,
            case
                when boundary.sign = 1 then balance_pieces.first_period else balance_pieces.after_period
            end as period_start
        from balance_pieces
        cross join (values (1), (-1)) as boundary (sign)
        where balance_pieces.first_period < balance_pieces.after_period
    ) as signed
    group by signed.period_type, signed.period_start, signed.segment, signed.territory, signed.sourced_by
),

moves as (
    -- Each history row moves the deal within the period that ends at or after it (a row at a period's first
    -- instant already counts in its opening), judged against the quarter that period starts in.
    select
        *,
        stage_type = 'open'
        and close_fiscal_quarter_start = {{ fiscal_quarter_start('period_start') }} as is_due_after,
        coalesce(
            previous_stage_type = 'open'
            and previous_close_fiscal_quarter_start = {{ fiscal_quarter_start('period_start') }},
            false
        ) as was_due_before
    from (
        {%- for period in periods %}
            select
                '{{ period }}' as period_type,
                {{ period_before(period, period_start_at_or_after(period, 'valid_from')) }} as period_start,
                segment,
                territory,
                sourced_by,
                stage_type,
                previous_stage_type,
                opportunity_amount,
                opportunity_amount - previous_amount as amount_change,
                close_fiscal_quarter_start,
                previous_close_fiscal_quarter_start
            from states
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    ) as state_periods
),

movement_sums as (
    -- A deal that stays, or leaves, changes the pipeline by its amount change first; it leaves at its new amount.
    {%- set movements = {
        'created': ('previous_stage_type is null and is_due_after', 'opportunity_amount'),
        'pulled_in': ("previous_stage_type = 'open' and not was_due_before and is_due_after", 'opportunity_amount'),
        'reopened': ("previous_stage_type in ('won', 'lost') and is_due_after", 'opportunity_amount'),
        'increased': ('was_due_before and amount_change > 0', 'amount_change'),
        'decreased': ('was_due_before and amount_change < 0', '-amount_change'),
        'won': ("was_due_before and not is_due_after and stage_type = 'won'", 'opportunity_amount'),
        'lost': ("was_due_before and not is_due_after and stage_type = 'lost'", 'opportunity_amount'),
        'pushed_out': ("was_due_before and not is_due_after and stage_type = 'open'", 'opportunity_amount'),
    } %}
    select
        period_type,
        period_start,
        segment,
        territory,
        sourced_by,
        {%- for movement, (condition, amount) in movements.items() %}
            {{ count_where(condition) }} as {{ movement }}_count,
            coalesce(sum(case when {{ condition }} then {{ amount }} end), 0)
                as {{ movement }}_amount{% if not loop.last %},{% endif %}
        {%- endfor %}
    from moves
    group by period_type, period_start, segment, territory, sourced_by
),

calendar_periods as (
    -- Every period the business calendar covers, up to the one the funnel clock is in.
    {%- for period in periods %}
        select distinct
            '{{ period }}' as period_type,
            {{ period_start(period, 'local_date') }} as period_start
        from {{ ref('int_business_calendar__days') }}
        where local_date <= cast({{ data_clock('funnel') }} as date)
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

slices as (
    select
        period_type,
        segment,
        territory,
        sourced_by,
        min(period_start) as first_period
    from (
        select
            period_type,
            period_start,
            segment,
            territory,
            sourced_by
        from balance_changes
        union all
        select
            period_type,
            period_start,
            segment,
            territory,
            sourced_by
        from movement_sums
    ) as touched
    group by period_type, segment, territory, sourced_by
),

running as (
    select
        calendar_periods.period_type,
        calendar_periods.period_start,
        slices.segment,
        slices.territory,
        slices.sourced_by,
        {%- for measure in ['opening_count', 'opening_amount', 'closing_count', 'closing_amount'] %}
            sum(coalesce(balance_changes.{{ measure }}_change, 0)) over (
                partition by calendar_periods.period_type, slices.segment, slices.territory, slices.sourced_by
                order by calendar_periods.period_start rows between unbounded preceding and current row
            ) as {{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from slices
    inner join calendar_periods
        on
            slices.period_type = calendar_periods.period_type
            and slices.first_period <= calendar_periods.period_start
    left join balance_changes
        on
            calendar_periods.period_type = balance_changes.period_type
            and calendar_periods.period_start = balance_changes.period_start
            and slices.segment = balance_changes.segment
            and slices.territory = balance_changes.territory
            and slices.sourced_by = balance_changes.sourced_by
),

final as (
    select
        running.period_type,
        running.period_start,
        running.segment,
        running.territory,
        running.sourced_by,
        {{ fiscal_quarter_start('running.period_start') }} as fiscal_quarter_start,
        cast(running.opening_count as {{ dbt.type_bigint() }}) as opening_count,
        cast(running.opening_amount as {{ dbt.type_numeric() }}) as opening_amount,
        {%- for movement in ['created', 'pulled_in', 'reopened', 'increased', 'decreased', 'won', 'lost',
                             'pushed_out'] %}
            coalesce(movement_sums.{{ movement }}_count, 0) as {{ movement }}_count,
            cast(coalesce(movement_sums.{{ movement }}_amount, 0) as {{ dbt.type_numeric() }})
                as {{ movement }}_amount,
        {%- endfor %}
        cast(running.closing_count as {{ dbt.type_bigint() }}) as closing_count,
        cast(running.closing_amount as {{ dbt.type_numeric() }}) as closing_amount
    from running
    left join movement_sums
        on
            running.period_type = movement_sums.period_type
            and running.period_start = movement_sums.period_start
            and running.segment = movement_sums.segment
            and running.territory = movement_sums.territory
            and running.sourced_by = movement_sums.sourced_by
    where running.opening_count <> 0 or running.closing_count <> 0 or movement_sums.period_start is not null
)

select * from final
