-- MetricFlow joins metrics to this for time-based queries: one row per day the business calendar covers.
with

days as (
    select distinct local_date from {{ ref('int_business_calendar__days') }}
),

final as (
    select cast(local_date as date) as date_day
    from days
)

select * from final
