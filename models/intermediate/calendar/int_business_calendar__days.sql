with

calendars as (
    select * from {{ ref('business_calendar') }}
),

holidays as (
    select * from {{ ref('business_holidays') }}
),

days as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('business_calendar_start') ~ "' as date)",
        "cast('" ~ var('business_calendar_end') ~ "' as date)"
    ) }}
),

territory_days as (
    select
        calendars.territory,
        calendars.time_zone,
        calendars.workday_start_minute,
        calendars.workday_end_minute,
        cast(days.date_day as date) as local_date
    from calendars
    cross join days
),

classified as (
    select
        territory_days.*,
        (
            {{ iso_day_of_week('territory_days.local_date') }} <= 5
            and holidays.holiday_date is null
        ) as is_working_day
    from territory_days
    left join holidays
        on
            territory_days.territory = holidays.territory
            and territory_days.local_date = holidays.holiday_date
),

timed as (
    select
        territory,
        time_zone,
        local_date,
        is_working_day,
        {{ local_to_utc(
            dbt.dateadd('minute', 'workday_start_minute', 'cast(local_date as ' ~ dbt.type_timestamp() ~ ')'),
            'time_zone'
        ) }} as workday_starts_at,
        {{ local_to_utc(
            dbt.dateadd('minute', 'workday_end_minute', 'cast(local_date as ' ~ dbt.type_timestamp() ~ ')'),
            'time_zone'
        ) }} as workday_ends_at,
        case
            when is_working_day then (workday_end_minute - workday_start_minute) * 60
            else 0
        end as workday_seconds,
        (workday_end_minute - workday_start_minute) * 60 as standard_workday_seconds
    from classified
),

final as (
    select
        *,
        cast(coalesce(
            sum(workday_seconds) over (
                partition by territory
                order by local_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as {{ dbt.type_bigint() }}) as business_seconds_before_day
    from timed
)

select * from final
