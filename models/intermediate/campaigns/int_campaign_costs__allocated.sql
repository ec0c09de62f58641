with

campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

days as (
    select distinct local_date as calendar_date from {{ ref('int_business_calendar__days') }}
),

costed as (
    select
        campaign_id,
        coalesce(start_date, cast(created_at as date)) as first_day,
        coalesce(end_date, start_date, cast(created_at as date)) as last_day,
        -- Days from first to last day inclusive: one day when either date is missing or the end is early.
        coalesce(greatest({{ dbt.datediff('start_date', 'end_date', 'day') }}, 0), 0) + 1 as running_days,
        coalesce(actual_cost_amount, budgeted_cost_amount) as cost_amount,
        actual_cost_amount is null and budgeted_cost_amount is not null as is_cost_budgeted,
        actual_cost_amount is null and budgeted_cost_amount is null as is_cost_missing
    from campaigns
),

campaign_days as (
    -- Cost is spread evenly over the days the campaign runs.
    select
        costed.campaign_id,
        costed.is_cost_budgeted,
        costed.is_cost_missing,
        cast({{ dbt.date_trunc('month', 'days.calendar_date') }} as date) as cost_month,
        cast(costed.cost_amount as {{ type_double() }}) / costed.running_days as daily_cost
    from costed
    inner join days
        on days.calendar_date between costed.first_day and greatest(costed.first_day, costed.last_day)
    -- Spend to date: days after the campaigns clock have not been spent yet.
    where days.calendar_date <= cast({{ data_clock('campaigns') }} as date)
),

final as (
    select
        campaign_id,
        cost_month,
        sum(daily_cost) as cost_amount,
        bool_or(is_cost_budgeted) as is_cost_budgeted,
        bool_or(is_cost_missing) as is_cost_missing
    from campaign_days
    group by campaign_id, cost_month
)

select * from final
