{{ incremental_per_key('person_id', 'int_people__changed') }}

with

people as (
    select * from {{ ref('int_people__classified') }}
    where {{ to_refresh('person_id', 'int_people__changed') }}
),

mqls as (
    select
        person_id,
        reached_at as mql_at
    from {{ ref('int_people__stages_reached') }}
    where funnel_stage = 'MQL'
),

touches as (
    -- Meetings still ahead do not count yet.
    select * from {{ ref('int_sales_touches__unioned') }}
    where touched_at <= {{ data_clock('sales_sla') }}
),

targets as (
    {{ effective_dated_rows('sales_sla_targets', ['segment']) }}
),

handed_over as (
    -- Each MQL is judged by the target in force for its segment on the day it became an MQL.
    select
        people.person_id,
        people.person_type,
        people.lead_id,
        people.contact_id,
        people.owner_user_id,
        people.owner_display_name,
        people.owner_team_name,
        people.owner_territory,
        people.calendar_territory,
        people.calendar_time_zone,
        people.segment,
        people.sourced_by,
        people.lead_source,
        mqls.mql_at,
        targets.first_touch_target_business_minutes,
        targets.min_attempts,
        targets.attempt_window_business_days
    from mqls
    inner join people on mqls.person_id = people.person_id
    left join targets
        on
            people.segment = targets.segment
            and {{ in_force_on('targets', 'cast(mqls.mql_at as date)') }}
),

handed_over_clock as (
    select
        handed_over.*,
        {{ business_seconds_at('mql_day', 'handed_over.mql_at') }} as mql_business_seconds,
        mql_day.standard_workday_seconds
    from handed_over
    {{ business_calendar_join('mql_day', 'handed_over.mql_at', 'handed_over.calendar_territory',
                              'handed_over.calendar_time_zone') }}
),

territory_now as (
    -- "Now" is the landing's sales-SLA clock (int_landing__clocks), not the wall clock.
    {{ business_seconds_now_by_territory(data_clock('sales_sla')) }}
),

touches_after_mql as (
    select
        handed_over_clock.person_id,
        touches.touched_at,
        {{ business_seconds_at('touch_day', 'touches.touched_at') }}
        - handed_over_clock.mql_business_seconds as business_seconds_after_mql,
        {{ attempt_window_seconds('handed_over_clock.attempt_window_business_days',
                                  'handed_over_clock.standard_workday_seconds') }} as attempt_window_business_seconds
    from handed_over_clock
    inner join touches
        on
            handed_over_clock.person_id = touches.person_id
            and handed_over_clock.mql_at < touches.touched_at
    {{ business_calendar_join('touch_day', 'touches.touched_at', 'handed_over_clock.calendar_territory',
                              'handed_over_clock.calendar_time_zone') }}
),

touch_summary as (
    select
        touches_after_mql.person_id,
        min(touches_after_mql.touched_at) as first_touch_at,
        min(touches_after_mql.business_seconds_after_mql) as business_seconds_to_first_touch,
        {{ count_where(
            'touches_after_mql.business_seconds_after_mql <= touches_after_mql.attempt_window_business_seconds'
        ) }} as attempts_within_window
    from touches_after_mql
    group by touches_after_mql.person_id
),

evaluated as (
    select
        handed_over_clock.*,
        touch_summary.first_touch_at,
        touch_summary.business_seconds_to_first_touch,
        coalesce(touch_summary.attempts_within_window, 0) as attempts_within_window,
        territory_now.business_seconds_now - handed_over_clock.mql_business_seconds as business_seconds_since_mql
    from handed_over_clock
    left join touch_summary on handed_over_clock.person_id = touch_summary.person_id
    left join territory_now on handed_over_clock.calendar_territory = territory_now.territory
),

final as (
    select
        person_id,
        person_type,
        lead_id,
        contact_id,
        owner_user_id,
        owner_display_name,
        owner_team_name,
        owner_territory,
        segment,
        sourced_by,
        lead_source,
        mql_at,
        cast({{ dbt.date_trunc('week', 'mql_at') }} as date) as mql_week,
        cast({{ dbt.date_trunc('month', 'mql_at') }} as date) as mql_month,
        first_touch_at,
        cast(business_seconds_to_first_touch as {{ type_double() }}) / 60 as business_minutes_to_first_touch,
        attempts_within_window,
        first_touch_target_business_minutes,
        min_attempts,
        attempt_window_business_days,
        case
            when
                business_seconds_to_first_touch
                <= {{ first_touch_window_seconds('first_touch_target_business_minutes') }}
                then 'met'
            when business_seconds_to_first_touch is not null then 'missed'
            when business_seconds_since_mql > {{ first_touch_window_seconds('first_touch_target_business_minutes') }}
                then 'missed'
            else 'pending'
        end as first_touch_sla_status,
        case
            when attempts_within_window >= min_attempts then 'met'
            when
                business_seconds_since_mql
                > {{ attempt_window_seconds('attempt_window_business_days', 'standard_workday_seconds') }}
                then 'missed'
            else 'pending'
        end as attempts_sla_status,
        first_touch_at is null as is_never_touched,
        case
            when business_seconds_to_first_touch is null then 'never'
            when business_seconds_to_first_touch <= 5 * 60 then 'within 5 minutes'
            when business_seconds_to_first_touch <= 60 * 60 then 'within 1 hour'
            when business_seconds_to_first_touch <= 4 * 60 * 60 then 'within 4 business hours'
            when business_seconds_to_first_touch <= standard_workday_seconds then 'within 1 business day'
            else 'later'
        end as response_time_bucket
    from evaluated
)

select * from final
