with

velocity as (
    select * from {{ ref('sales_velocity') }}
),

open_opportunities as (
    select
        *,
        {{ fiscal_quarter_start('close_date') }} as close_fiscal_quarter
    from {{ ref('int_opportunities__sourced') }}
    where not is_closed
),

targets as (
    {{ effective_dated_rows('sales_targets', ['segment', 'territory']) }}
),

calendar_days as (
    select
        territory,
        local_date,
        is_working_day,
        {{ fiscal_quarter_start('local_date') }} as fiscal_quarter_start
    from {{ ref('int_business_calendar__days') }}
),

business_days as (
    -- Working days of each quarter in the territory's calendar, and those before the funnel clock's day.
    select
        territory,
        fiscal_quarter_start,
        {{ count_where('is_working_day') }} as business_days_in_quarter,
        {{ count_where('is_working_day and local_date < cast(' ~ data_clock('funnel') ~ ' as date)') }}
            as business_days_elapsed
    from calendar_days
    group by territory, fiscal_quarter_start
),

quarter_targets as (
    -- Each quarter is judged by the target in force on its first day.
    select
        business_days.fiscal_quarter_start,
        business_days.territory,
        business_days.business_days_in_quarter,
        business_days.business_days_elapsed,
        targets.segment,
        targets.quarterly_bookings_target_amount,
        targets.quarterly_pipeline_target_amount
    from business_days
    inner join targets
        on
            business_days.territory = targets.territory
            and {{ in_force_on('targets', 'business_days.fiscal_quarter_start') }}
),

won_and_created as (
    -- Bookings (by close date) and pipeline created, as sales_velocity counts them, over every source.
    select
        fiscal_quarter_start,
        segment,
        territory,
        cast(sum(won_count) as {{ dbt.type_bigint() }}) as won_count,
        sum(won_amount) as won_amount,
        cast(sum(created_count) as {{ dbt.type_bigint() }}) as created_count,
        sum(created_amount) as created_amount
    from velocity
    group by fiscal_quarter_start, segment, territory
),

open_due as (
    -- Open opportunities now, by the quarter they are due to close in.
    select
        close_fiscal_quarter as fiscal_quarter_start,
        segment,
        territory,
        count(*) as open_due_count,
        sum(opportunity_amount) as open_due_amount
    from open_opportunities
    group by close_fiscal_quarter, segment, territory
),

measured as (
    select
        quarter_targets.*,
        coalesce(won_and_created.won_count, 0) as won_count,
        coalesce(won_and_created.won_amount, 0) as won_amount,
        coalesce(won_and_created.created_count, 0) as created_count,
        coalesce(won_and_created.created_amount, 0) as created_amount,
        coalesce(open_due.open_due_count, 0) as open_due_count,
        coalesce(open_due.open_due_amount, 0) as open_due_amount
    from quarter_targets
    left join won_and_created
        on
            quarter_targets.fiscal_quarter_start = won_and_created.fiscal_quarter_start
            and quarter_targets.segment = won_and_created.segment
            and quarter_targets.territory = won_and_created.territory
    left join open_due
        on
            quarter_targets.fiscal_quarter_start = open_due.fiscal_quarter_start
            and quarter_targets.segment = open_due.segment
            and quarter_targets.territory = open_due.territory
    -- Quarters up to the one the clock is in.
    where quarter_targets.fiscal_quarter_start <= cast({{ data_clock('funnel') }} as date)
),

final as (
    select
        fiscal_quarter_start,
        segment,
        territory,
        business_days_in_quarter,
        business_days_elapsed,
        won_count,
        created_count,
        open_due_count,
        {{ fiscal_year('fiscal_quarter_start') }} as fiscal_year,
        cast(quarterly_bookings_target_amount as {{ dbt.type_numeric() }}) as bookings_target_amount,
        cast(quarterly_pipeline_target_amount as {{ dbt.type_numeric() }}) as pipeline_target_amount,
        cast(won_amount as {{ dbt.type_numeric() }}) as won_amount,
        cast(created_amount as {{ dbt.type_numeric() }}) as created_amount,
        cast(open_due_amount as {{ dbt.type_numeric() }}) as open_due_amount,
        {{ ratio('business_days_elapsed', 'business_days_in_quarter') }} as elapsed_share,
        {{ ratio('won_amount', 'quarterly_bookings_target_amount') }} as bookings_attainment,
        {{ ratio('created_amount', 'quarterly_pipeline_target_amount') }} as pipeline_attainment,
        -- Attainment ÷ the share of the quarter's business days gone: 1 is on pace for the target.
        {{ ratio('won_amount', 'quarterly_bookings_target_amount') }}
        / nullif({{ ratio('business_days_elapsed', 'business_days_in_quarter') }}, 0) as bookings_pacing,
        -- Open pipeline due this quarter ÷ the bookings still to win; null once the target is met.
        {{ ratio('open_due_amount', 'quarterly_bookings_target_amount - won_amount') }}
        * case when quarterly_bookings_target_amount > won_amount then 1 end as pipeline_coverage,
        business_days_elapsed = business_days_in_quarter as is_quarter_complete
    from measured
)

select * from final
