with

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
),

sla_by_lead as (
    select * from {{ ref('sales_sla_by_lead') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

chain as (
    select * from {{ ref('int_users__manager_chain_walked') }}
),

targets as (
    {{ effective_dated_rows('sales_targets', ['segment', 'territory']) }}
),

deal_quarters as (
    select
        owner_user_id,
        opportunity_amount,
        is_closed,
        is_won,
        sales_cycle_days,
        {{ fiscal_quarter_start('created_at') }} as created_quarter,
        {{ fiscal_quarter_start('close_date') }} as close_quarter
    from opportunities
),

owner_events as (
    -- What a rep's quarter counts: each deal in the quarter it was created and in the one it closed or (open
    -- now) is due in, each MQL in the quarter it was handed over, once per SLA.
    select
        created_quarter as fiscal_quarter_start,
        owner_user_id as user_id,
        'created' as counted_as,
        opportunity_amount as amount,
        0 as cycle_days
    from deal_quarters
    union all
    select
        close_quarter as fiscal_quarter_start,
        owner_user_id as user_id,
        case when is_won then 'won' when is_closed then 'lost' else 'open_due' end as counted_as,
        opportunity_amount as amount,
        coalesce(sales_cycle_days, 0) as cycle_days
    from deal_quarters
    union all
    select
        {{ fiscal_quarter_start('mql_at') }} as fiscal_quarter_start,
        owner_user_id as user_id,
        'first_touch_' || first_touch_sla_status as counted_as,
        0 as amount,
        0 as cycle_days
    from sla_by_lead
    union all
    select
        {{ fiscal_quarter_start('mql_at') }} as fiscal_quarter_start,
        owner_user_id as user_id,
        'attempts_' || attempts_sla_status as counted_as,
        0 as amount,
        0 as cycle_days
    from sla_by_lead
),

owner_quarters as (
    select
        fiscal_quarter_start,
        user_id,
        counted_as,
        count(*) as event_count,
        sum(amount) as amount,
        sum(cycle_days) as cycle_days
    from owner_events
    group by fiscal_quarter_start, user_id, counted_as
),

home_cells as (
    -- A rep's home cell is the segment x territory most of their opportunities are in; ties go to the first.
    select
        owner_user_id as user_id,
        segment,
        territory,
        row_number() over (
            partition by owner_user_id order by count(*) desc, segment asc, territory asc
        ) as cell_rank
    from opportunities
    group by owner_user_id, segment, territory
),

quarter_quotas as (
    -- The cell's bookings target in force on the quarter's first day, split equally among its reps.
    select
        quarters.fiscal_quarter_start,
        home_cells.user_id,
        cast(targets.quarterly_bookings_target_amount as {{ type_double() }})
        / count(*) over (
            partition by quarters.fiscal_quarter_start, home_cells.segment, home_cells.territory
        ) as bookings_quota_amount
    from (select distinct fiscal_quarter_start from owner_quarters) as quarters
    cross join home_cells
    inner join targets
        on
            home_cells.segment = targets.segment
            and home_cells.territory = targets.territory
            and {{ in_force_on('targets', 'quarters.fiscal_quarter_start') }}
    where home_cells.cell_rank = 1
),

{%- set counts = {
    'created_count': "in ('created')",
    'closed_count': "in ('won', 'lost')",
    'won_count': "in ('won')",
    'open_due_count': "in ('open_due')",
    'received_mql_count': "like 'first_touch_%'",
    'first_touch_met_count': "in ('first_touch_met')",
    'first_touch_missed_count': "in ('first_touch_missed')",
    'enough_attempts_count': "in ('attempts_met')",
    'attempts_missed_count': "in ('attempts_missed')",
} %}
{%- set amounts = {'created_amount': 'created', 'won_amount': 'won', 'open_due_amount': 'open_due'} %}

rolled_up as (
    -- Every rep's figures count for them and for each manager above them.
    select
        owner_quarters.fiscal_quarter_start,
        chain.above_user_id as user_id,
        count(distinct owner_quarters.user_id) as rep_count,
        sum(case when owner_quarters.counted_as = 'won' then owner_quarters.cycle_days else 0 end) as won_cycle_days,
        {%- for column, events in counts.items() %}
            cast(
                sum(case when owner_quarters.counted_as {{ events }} then owner_quarters.event_count else 0 end)
                as {{ dbt.type_bigint() }}
            ) as {{ column }},
        {%- endfor %}
        {%- for column, event in amounts.items() %}
            sum(case when owner_quarters.counted_as = '{{ event }}' then owner_quarters.amount else 0 end)
                as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from owner_quarters
    inner join chain on owner_quarters.user_id = chain.user_id
    group by owner_quarters.fiscal_quarter_start, chain.above_user_id
),

managers as (
    select distinct above_user_id as user_id
    from chain
    where levels_up > 0
),

quotas_rolled_up as (
    select
        quarter_quotas.fiscal_quarter_start,
        chain.above_user_id as user_id,
        sum(quarter_quotas.bookings_quota_amount) as bookings_quota_amount
    from quarter_quotas
    inner join chain on quarter_quotas.user_id = chain.user_id
    group by quarter_quotas.fiscal_quarter_start, chain.above_user_id
),

scorecard_rows as (
    -- Every user with figures or a quota in the quarter: a rep without a deal in it still carries a quota.
    select
        fiscal_quarter_start,
        user_id
    from rolled_up
    union
    select
        fiscal_quarter_start,
        user_id
    from quotas_rolled_up
),

figures as (
    select
        scorecard_rows.fiscal_quarter_start,
        scorecard_rows.user_id,
        quotas_rolled_up.bookings_quota_amount,
        {%- for column in ['rep_count', 'won_cycle_days'] + counts.keys() | list + amounts.keys() | list %}
            coalesce(rolled_up.{{ column }}, 0) as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from scorecard_rows
    left join rolled_up
        on
            scorecard_rows.fiscal_quarter_start = rolled_up.fiscal_quarter_start
            and scorecard_rows.user_id = rolled_up.user_id
    left join quotas_rolled_up
        on
            scorecard_rows.fiscal_quarter_start = quotas_rolled_up.fiscal_quarter_start
            and scorecard_rows.user_id = quotas_rolled_up.user_id
),

final as (
    select
        figures.fiscal_quarter_start,
        {{ fiscal_year('figures.fiscal_quarter_start') }} as fiscal_year,
        figures.user_id,
        users.user_display_name,
        users.user_role,
        users.team_name,
        users.territory,
        users.manager_user_id,
        users.is_active,
        managers.user_id is null as is_rep,
        figures.rep_count,
        figures.created_count,
        figures.closed_count,
        figures.won_count,
        figures.open_due_count,
        figures.received_mql_count,
        figures.first_touch_met_count,
        figures.first_touch_missed_count,
        figures.enough_attempts_count,
        figures.attempts_missed_count,
        cast(figures.created_amount as {{ dbt.type_numeric() }}) as created_amount,
        cast(figures.won_amount as {{ dbt.type_numeric() }}) as won_amount,
        cast(figures.open_due_amount as {{ dbt.type_numeric() }}) as open_due_amount,
        cast(figures.bookings_quota_amount as {{ dbt.type_numeric() }}) as bookings_quota_amount,
        {{ rate_with_interval('figures.won_count', 'figures.closed_count', 'win_rate') }},
        {{ ratio('figures.won_cycle_days', 'figures.won_count') }} as average_won_cycle_days,
        {{ ratio('figures.won_amount', 'figures.bookings_quota_amount') }} as quota_attainment,
        -- Open pipeline due this quarter ÷ the quota still to win; null once the quota is met.
        {{ ratio('figures.open_due_amount', 'figures.bookings_quota_amount - figures.won_amount') }}
        * case when figures.bookings_quota_amount > figures.won_amount then 1 end as pipeline_coverage,
        {{ rate_with_interval('figures.first_touch_met_count',
                              'figures.first_touch_met_count + figures.first_touch_missed_count',
                              'first_touch_within_target_rate') }},
        {{ rate_with_interval('figures.enough_attempts_count',
                              'figures.enough_attempts_count + figures.attempts_missed_count',
                              'enough_attempts_rate') }}
    from figures
    inner join users on figures.user_id = users.user_id
    left join managers on figures.user_id = managers.user_id
    -- Quarters up to the one the clock is in (open deals due later are next quarters' pipeline).
    where figures.fiscal_quarter_start <= cast({{ data_clock('funnel') }} as date)
)

select * from final
