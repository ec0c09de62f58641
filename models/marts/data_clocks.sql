with

clocks as (
    select * from {{ ref('int_landing__clocks') }}
),

final as (
    select
        clock_name,
        case clock_name
            when 'sales_sla' then 'Sales SLA status (pending or missed) and response times'
            when 'funnel' then 'Cohort maturity and the funnel''s time-dependent figures'
            when 'campaigns' then 'Campaign engagement scored up to now and campaign cost to date'
        end as judges,
        clock_at,
        refreshed_at,
        {{ safe_cast(days_between('clock_at', 'refreshed_at') ~ ' * 24', type_double()) }} as hours_behind_refresh,
        {{ days_between('clock_at', 'refreshed_at') }} * 24 > {{ var('stale_landing_warning_hours') }} as is_stale
    from clocks
)

select * from final
