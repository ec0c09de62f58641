{#-
    How the pipeline due in a fiscal quarter moved over each week, month and fiscal quarter: opening + created +
    pulled in + reopened + increased − decreased − won − lost − pushed out = closing. The pipeline of a period is
    the open opportunities due to close (expected close date) in the fiscal quarter the period starts in.
    Opening and closing are balances at the period's first and last instant, summed as in pipeline_snapshot (each
    opportunity state adds where it starts to count and takes away after); the movements are the history rows
    inside the period. A data test holds the two to the identity for every period and slice.
-#}
{%- set periods = ['week', 'month', 'fiscal_quarter'] -%}
{%- set far_future = "cast('9999-01-01' as date)" -%}
{%- set slice = ['segment', 'territory', 'sourced_by'] -%}
{%- set movements = ['created', 'pulled_in', 'reopened', 'increased', 'decreased', 'won', 'lost', 'pushed_out'] -%}

with

states as (
    select
        *,
        lag(stage_type) over (partition by opportunity_id order by state_number) as previous_stage_type,
        lag(opportunity_amount) over (partition by opportunity_id order by state_number) as previous_amount,
        lag(close_fiscal_quarter_start) over (
            partition by opportunity_id order by state_number
        ) as previous_close_fiscal_quarter_start,
        {{ period_after('fiscal_quarter', 'close_fiscal_quarter_start') }} as close_fiscal_quarter_end
    from {{ ref('int_opportunities__states_spanned') }}
),

{% for period in periods %}
    {{ period }}_spans as (
    -- The period starts at which the open state is in force, and those in the quarter it is due in.
        select
            '{{ period }}' as period_type,
            segment,
            territory,
            sourced_by,
            opportunity_amount,
            {{ period_start_at_or_after(period, 'valid_from') }} as in_force_from,
            coalesce({{ period_start_at_or_after(period, 'valid_to') }}, {{ far_future }}) as in_force_until,
            {{ period_start_at_or_after(period, 'close_fiscal_quarter_start') }} as first_period_due,
            {{ period_start_at_or_after(period, 'close_fiscal_quarter_end') }} as first_period_after_due
        from states
        where stage_type = 'open'
    ),

    {{ period }}_balance_changes as (
    -- Opening: in force at the period's start; closing: in force at its end (the next period's start).
    {%- set pieces = [
        ('opening', 'greatest(in_force_from, first_period_due)', 'least(in_force_until, first_period_after_due)'),
        ('closing', 'greatest(' ~ period_before(period, 'in_force_from') ~ ', first_period_due)',
                    'least(' ~ period_before(period, 'in_force_until') ~ ', first_period_after_due)'),
    ] %}
        {%- for balance, starts, ends in pieces %}
            {%- for period_start, sign in [(starts, 1), (ends, -1)] %}
                select
                    period_type,
                    {{ period_start }} as period_start,
                    {{ slice | join(', ') }},
                    {{ sign if balance == 'opening' else 0 }} as opening_count_change,
                    {{ (sign ~ ' * opportunity_amount') if balance == 'opening' else 0 }} as opening_amount_change,
                    {{ sign if balance == 'closing' else 0 }} as closing_count_change,
                    {{ (sign ~ ' * opportunity_amount') if balance == 'closing' else 0 }} as closing_amount_change
                from {{ period }}_spans
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

    {{ period }}_moves as (
    -- Each history row moves the deal within the period that ends at or after it (a row at a period's first
    -- instant already counts in its opening), judged against the quarter that period starts in.
        select
            '{{ period }}' as period_type,
            {{ period_before(period, period_start_at_or_after(period, 'valid_from')) }} as period_start,
            {{ slice | join(', ') }},
            stage_type,
            previous_stage_type,
            opportunity_amount,
            previous_amount,
            close_fiscal_quarter_start,
            previous_close_fiscal_quarter_start
        from states
    ),
{% endfor %}

moves as (
    {%- for period in periods %}
        select
            *,
            stage_type = 'open'
            and close_fiscal_quarter_start = {{ fiscal_quarter_start('period_start') }} as is_due_after,
            coalesce(
                previous_stage_type = 'open'
                and previous_close_fiscal_quarter_start = {{ fiscal_quarter_start('period_start') }},
                false
            ) as was_due_before
        from {{ period }}_moves
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

movement_amounts as (
    select
        period_type,
        period_start,
        {{ slice | join(', ') }},
        case when previous_stage_type is null and is_due_after then opportunity_amount end as created,
        case when previous_stage_type = 'open' and not was_due_before and is_due_after then opportunity_amount end
            as pulled_in,
        case when previous_stage_type in ('won', 'lost') and is_due_after then opportunity_amount end as reopened,
        -- A deal that stays, or leaves, changes the pipeline by its amount change first; it leaves at its new amount.
        case when was_due_before and opportunity_amount > previous_amount then opportunity_amount - previous_amount end
            as increased,
        case when was_due_before and opportunity_amount < previous_amount then previous_amount - opportunity_amount end
            as decreased,
        case when was_due_before and not is_due_after and stage_type = 'won' then opportunity_amount end as won,
        case when was_due_before and not is_due_after and stage_type = 'lost' then opportunity_amount end as lost,
        case when was_due_before and not is_due_after and stage_type = 'open' then opportunity_amount end
            as pushed_out
    from moves
),

movement_sums as (
    select
        period_type,
        period_start,
        {{ slice | join(', ') }},
        {%- for movement in movements %}
            coalesce(sum({{ movement }}), 0) as {{ movement }}_amount,
            count({{ movement }}) as {{ movement }}_count{% if not loop.last %},{% endif %}

        {%- endfor %}
    from movement_amounts
    group by period_type, period_start, {{ slice | join(', ') }}
),

balance_changes as (
    select
        period_type,
        period_start,
        {{ slice | join(', ') }},
        sum(opening_count_change) as opening_count_change,
        sum(opening_amount_change) as opening_amount_change,
        sum(closing_count_change) as closing_count_change,
        sum(closing_amount_change) as closing_amount_change
    from (
        {%- for period in periods %}
            select * from {{ period }}_balance_changes
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    ) as all_periods
    group by period_type, period_start, {{ slice | join(', ') }}
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
        {{ slice | join(', ') }},
        min(period_start) as first_period
    from (
        select period_type, period_start, {{ slice | join(', ') }} from balance_changes
        union all
        select period_type, period_start, {{ slice | join(', ') }} from movement_sums
    ) as touched
    group by period_type, {{ slice | join(', ') }}
),

running as (
    select
        calendar_periods.period_type,
        calendar_periods.period_start,
        {%- for column in slice %}
            slices.{{ column }},
        {%- endfor %}
        {%- for measure in ['opening_count', 'opening_amount', 'closing_count', 'closing_amount'] %}
            sum(coalesce(balance_changes.{{ measure }}_change, 0)) over (
                partition by calendar_periods.period_type, slices.segment, slices.territory, slices.sourced_by
                order by calendar_periods.period_start
                rows between unbounded preceding and current row
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
            {%- for column in slice %}
                and slices.{{ column }} = balance_changes.{{ column }}
            {%- endfor %}
),

final as (
    select
        running.period_type,
        running.period_start,
        {{ fiscal_quarter_start('running.period_start') }} as fiscal_quarter_start,
        {%- for column in slice %}
            running.{{ column }},
        {%- endfor %}
        cast(running.opening_count as {{ dbt.type_bigint() }}) as opening_count,
        cast(running.opening_amount as {{ dbt.type_numeric() }}) as opening_amount,
        {%- for movement in movements %}
            coalesce(movement_sums.{{ movement }}_count, 0) as {{ movement }}_count,
            cast(coalesce(movement_sums.{{ movement }}_amount, 0) as {{ dbt.type_numeric() }}) as {{ movement }}_amount,
        {%- endfor %}
        cast(running.closing_count as {{ dbt.type_bigint() }}) as closing_count,
        cast(running.closing_amount as {{ dbt.type_numeric() }}) as closing_amount
    from running
    left join movement_sums
        on
            running.period_type = movement_sums.period_type
            and running.period_start = movement_sums.period_start
            {%- for column in slice %}
                and running.{{ column }} = movement_sums.{{ column }}
            {%- endfor %}
    where running.opening_count <> 0 or running.closing_count <> 0 or movement_sums.period_start is not null
)

select * from final
