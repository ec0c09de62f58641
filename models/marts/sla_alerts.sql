{#-
    The sales SLAs to act on now (issue 22): still running and due within the next
    var sla_alert_horizon_business_hours (at risk), or missed at most var sla_alert_breached_within_business_hours
    ago (breached; older breaches are history, in sales_sla_by_lead). Business time is the owner's territory
    calendar at the sales-SLA data clock, as sales_sla_by_lead judges the statuses.
-#}
{%- set horizon_seconds = var('sla_alert_horizon_business_hours') * 3600 %}
{%- set breached_within_seconds = var('sla_alert_breached_within_business_hours') * 3600 %}

with

sla_by_lead as (
    select * from {{ ref('sales_sla_by_lead') }}
),

people as (
    select * from {{ ref('int_people__classified') }}
),

chain as (
    select * from {{ ref('int_users__manager_chain_walked') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

managers as (
    select
        chain.user_id,
        chain.above_user_id as manager_user_id,
        users.user_display_name as manager_display_name
    from chain
    inner join users on chain.above_user_id = users.user_id
    where chain.levels_up = 1
),

due as (
    -- Each SLA falls due its window's business time after the MQL, in the calendar that timed it: both
    -- windows in one pass over the MQLs (a second pass per SLA makes PostgreSQL's planner lose its estimates).
    select
        sla_by_lead.person_id,
        sla_by_lead.first_touch_sla_status,
        sla_by_lead.attempts_sla_status,
        people.calendar_territory,
        {{ business_seconds_at('mql_day', 'sla_by_lead.mql_at') }}
        + {{ first_touch_window_seconds('sla_by_lead.first_touch_target_business_minutes') }}
            as first_touch_due_business_seconds,
        {{ business_seconds_at('mql_day', 'sla_by_lead.mql_at') }}
        + {{ attempt_window_seconds('sla_by_lead.attempt_window_business_days', 'mql_day.standard_workday_seconds') }}
            as attempts_due_business_seconds
    from sla_by_lead
    inner join people on sla_by_lead.person_id = people.person_id
    {{ business_calendar_join('mql_day', 'sla_by_lead.mql_at', 'people.calendar_territory',
                              'people.calendar_time_zone') }}
    where sla_by_lead.first_touch_sla_status <> 'met' or sla_by_lead.attempts_sla_status <> 'met'
),

unmet_slas as (
    select
        person_id,
        calendar_territory,
        'first_touch' as sla,
        first_touch_sla_status as sla_status,
        first_touch_due_business_seconds as due_business_seconds
    from due
    where first_touch_sla_status <> 'met'
    union all
    select
        person_id,
        calendar_territory,
        'attempts' as sla,
        attempts_sla_status as sla_status,
        attempts_due_business_seconds as due_business_seconds
    from due
    where attempts_sla_status <> 'met'
),

territory_now as (
    {{ business_seconds_now_by_territory(data_clock('sales_sla')) }}
),

alerting as (
    select
        unmet_slas.person_id,
        unmet_slas.sla,
        unmet_slas.calendar_territory,
        unmet_slas.due_business_seconds,
        unmet_slas.due_business_seconds - territory_now.business_seconds_now as business_seconds_left,
        case unmet_slas.sla_status when 'pending' then 'at_risk' else 'breached' end as alert_kind
    from unmet_slas
    inner join territory_now on unmet_slas.calendar_territory = territory_now.territory
    where
        (
            unmet_slas.sla_status = 'pending'
            and unmet_slas.due_business_seconds - territory_now.business_seconds_now <= {{ horizon_seconds }}
        )
        or (
            unmet_slas.sla_status = 'missed'
            and unmet_slas.due_business_seconds - territory_now.business_seconds_now >= -{{ breached_within_seconds }}
        )
),

final as (
    select
        alerting.person_id,
        sla_by_lead.person_type,
        alerting.sla,
        alerting.alert_kind,
        sla_by_lead.mql_at,
        {{ instant_at_business_seconds('due_day', 'alerting.due_business_seconds') }} as due_at,
        cast(alerting.business_seconds_left as {{ type_double() }}) / 60 as business_minutes_left,
        sla_by_lead.first_touch_at,
        sla_by_lead.attempts_within_window,
        sla_by_lead.min_attempts,
        sla_by_lead.owner_user_id,
        sla_by_lead.owner_display_name,
        sla_by_lead.owner_team_name,
        sla_by_lead.owner_territory,
        sla_by_lead.segment,
        managers.manager_user_id,
        managers.manager_display_name,
        {{ data_clock('sales_sla') }} as sla_clock_at
    from alerting
    inner join sla_by_lead on alerting.person_id = sla_by_lead.person_id
    left join managers on sla_by_lead.owner_user_id = managers.user_id
    {{ business_day_join('due_day', 'alerting.due_business_seconds', 'alerting.calendar_territory') }}
)

select * from final
