{#-
    Business time: working seconds in a territory's calendar (int_business_calendar__days: working hours in
    local time, weekends and holidays excluded, daylight-saving changes included).

    business_calendar_join(alias, utc_timestamp, territory, time_zone) joins the calendar day on which the
    instant falls, in local time, as `alias`. business_seconds_at(alias, utc_timestamp) is then the number of
    working seconds from the start of the calendar up to the instant; the business time between two instants
    is the difference of their business_seconds_at.
-#}
{% macro business_calendar_join(alias, utc_timestamp, territory, time_zone) -%}
    left join {{ ref('int_business_calendar__days') }} as {{ alias }}
        on {{ alias }}.territory = {{ territory }}
        and {{ alias }}.local_date = cast({{ utc_to_local(utc_timestamp, time_zone) }} as date)
{%- endmacro %}

{% macro business_seconds_at(alias, utc_timestamp) -%}
    (
        {{ alias }}.business_seconds_before_day
        + least(
            greatest({{ dbt.datediff(alias ~ '.workday_starts_at', utc_timestamp, 'second') }}, 0),
            {{ alias }}.workday_seconds
        )
    )
{%- endmacro %}

{#-
    Per territory, the business seconds from the start of its calendar up to the instant `utc_timestamp` (a data
    clock, usually): one row per territory (columns territory, business_seconds_now), to join where a model
    measures business time "until now".
-#}
{% macro business_seconds_now_by_territory(utc_timestamp) -%}
    select
        now_day.territory,
        {{ business_seconds_at('now_day', utc_timestamp) }} as business_seconds_now
    from {{ ref('int_business_calendar__days') }} as now_day
    where now_day.local_date = cast({{ utc_to_local(utc_timestamp, 'now_day.time_zone') }} as date)
{%- endmacro %}

{#-
    The inverse of business_seconds_at: business_day_join(alias, business_seconds, territory) joins the working
    day of the territory on which a running count of business seconds is reached, as `alias`;
    instant_at_business_seconds(alias, business_seconds) is then that instant (UTC). A count reached exactly at a
    day's end is that day's end, not the next day's start (shared_metrics.business_time.add_business_seconds).
-#}
{% macro business_day_join(alias, business_seconds, territory) -%}
    left join {{ ref('int_business_calendar__days') }} as {{ alias }}
        on {{ alias }}.territory = {{ territory }}
        and {{ alias }}.workday_seconds > 0
        and {{ alias }}.business_seconds_before_day < {{ business_seconds }}
        and {{ alias }}.business_seconds_before_day + {{ alias }}.workday_seconds >= {{ business_seconds }}
{%- endmacro %}

{% macro instant_at_business_seconds(alias, business_seconds) -%}
    {{ dbt.dateadd('second', '(' ~ business_seconds ~ ') - ' ~ alias ~ '.business_seconds_before_day',
                   alias ~ '.workday_starts_at') }}
{%- endmacro %}
