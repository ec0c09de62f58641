{#-
    The routing audit, one row per lead: the queue it waited in, when it reached a rep (in business time of that
    rep's territory, from creation and from MQL), owner changes and reassignments, whether it still waits in a
    queue and for how long, whether its owner is inactive or works another territory, and the existing account
    it belongs to, if any, with whether it went to someone other than that account's owner.
-#}

with

leads as (
    select * from {{ ref('int_leads__classified') }}
),

spells as (
    select * from {{ ref('int_leads__owners_traced') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

queues as (
    select * from {{ ref('stg_salesforce__groups') }}
),

calendars as (
    select
        territory,
        time_zone
    from {{ ref('business_calendar') }}
),

lead_stages as (
    select
        lead_status,
        funnel_stage
    from {{ ref('funnel_stage_map') }}
),

account_matches as (
    select * from {{ ref('int_leads__matched_to_accounts') }}
),

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

account_standing as (
    select
        account_id,
        {{ count_where('is_won') }} > 0 as is_customer,
        {{ count_where('not is_closed') }} > 0 as has_open_opportunity
    from {{ ref('int_opportunities__sourced') }}
    group by account_id
),

mqls as (
    select
        lead_id,
        reached_at as mql_at
    from {{ ref('int_leads__stages_reached') }}
    where funnel_stage = 'MQL'
),

territory_now as (
    -- "Now" is the landing's funnel clock (int_landing__clocks), not the wall clock.
    {{ business_seconds_now_by_territory(data_clock('funnel')) }}
),

assignments as (
    -- Spells of a user who was active when they began: the lead had reached a rep.
    select
        lead_id,
        owner_id as assigned_user_id,
        owned_from as assigned_at,
        row_number() over (partition by lead_id order by spell_number asc) as assignment_number
    from spells
    where owner_type = 'user' and is_owner_active_then
),

ownership as (
    select
        lead_id,
        count(*) - 1 as owner_change_count,
        {{ count_where("owner_type = 'user' and previous_owner_type = 'user'") }} as reassignment_count,
        max(case when spell_number = 0 and owner_type = 'queue' then owner_id end) as entry_queue_id,
        max(case when owned_until is null then owned_from end) as current_owner_since
    from spells
    group by lead_id
),

routed as (
    select
        leads.lead_id,
        leads.created_at,
        leads.cohort_month,
        leads.segment,
        leads.territory,
        leads.lead_source,
        leads.sourced_by,
        leads.owner_user_id,
        leads.owner_queue_id,
        queues.group_name as owner_queue_name,
        leads.owner_team_name,
        leads.owner_territory,
        leads.calendar_territory,
        leads.calendar_time_zone,
        owners.is_active as is_owner_active,
        ownership.entry_queue_id,
        ownership.owner_change_count,
        ownership.reassignment_count,
        ownership.current_owner_since,
        assignments.assigned_user_id,
        assignments.assigned_at,
        assignees.team_name as assigned_team_name,
        assignees.territory as assigned_territory,
        assignee_calendars.time_zone as assigned_time_zone,
        mqls.mql_at,
        account_matches.account_id as matched_account_id,
        account_matches.match_method as account_match_method,
        account_matches.match_confidence as account_match_confidence,
        accounts.owner_user_id as account_owner_user_id,
        coalesce(lead_stages.funnel_stage not in ('Opportunity', 'Disqualified'), true) as is_open,
        coalesce(account_standing.is_customer, false) as is_customer_account,
        coalesce(account_standing.has_open_opportunity, false) as is_open_opportunity_account
    from leads
    inner join ownership on leads.lead_id = ownership.lead_id
    left join assignments
        on
            leads.lead_id = assignments.lead_id
            and assignments.assignment_number = 1
    left join users as assignees on assignments.assigned_user_id = assignees.user_id
    left join calendars as assignee_calendars on assignees.territory = assignee_calendars.territory
    left join users as owners on leads.owner_user_id = owners.user_id
    left join queues on leads.owner_queue_id = queues.group_id
    left join lead_stages on leads.lead_status = lead_stages.lead_status
    left join mqls on leads.lead_id = mqls.lead_id
    left join account_matches on leads.lead_id = account_matches.lead_id
    left join accounts on account_matches.account_id = accounts.account_id
    left join account_standing on account_matches.account_id = account_standing.account_id
),

timed as (
    select
        routed.*,
        {{ business_seconds_at('assigned_day', 'routed.assigned_at') }}
        - {{ business_seconds_at('created_day', 'routed.created_at') }} as business_seconds_to_assignment,
        {{ business_seconds_at('assigned_day', 'routed.assigned_at') }}
        - {{ business_seconds_at('mql_day', 'routed.mql_at') }} as business_seconds_from_mql_to_assignment,
        case
            when routed.owner_queue_id is not null
                then territory_now.business_seconds_now
                    - {{ business_seconds_at('queued_day', 'routed.current_owner_since') }}
        end as business_seconds_waiting
    from routed
    {{ business_calendar_join('created_day', 'routed.created_at', 'routed.assigned_territory',
                              'routed.assigned_time_zone') }}
    {{ business_calendar_join('assigned_day', 'routed.assigned_at', 'routed.assigned_territory',
                              'routed.assigned_time_zone') }}
    {{ business_calendar_join('mql_day', 'routed.mql_at', 'routed.assigned_territory',
                              'routed.assigned_time_zone') }}
    {{ business_calendar_join('queued_day', 'routed.current_owner_since', 'routed.calendar_territory',
                              'routed.calendar_time_zone') }}
    left join territory_now on routed.calendar_territory = territory_now.territory
),

final as (
    select
        lead_id,
        created_at,
        cohort_month,
        segment,
        territory,
        lead_source,
        sourced_by,
        is_open,
        case
            when owner_user_id is not null then 'user'
            when owner_queue_id is not null then 'queue'
            else 'unknown'
        end as owner_type,
        owner_user_id,
        owner_queue_id,
        owner_queue_name,
        owner_team_name,
        owner_territory,
        entry_queue_id,
        entry_queue_id is not null as is_queue_routed,
        assigned_user_id,
        assigned_team_name,
        assigned_territory,
        assigned_at,
        cast(business_seconds_to_assignment as {{ type_double() }}) / 60 as business_minutes_to_assignment,
        mql_at,
        case
            when mql_at is not null and assigned_at is not null
                then cast(greatest(business_seconds_from_mql_to_assignment, 0) as {{ type_double() }}) / 60
        end as business_minutes_from_mql_to_assignment,
        coalesce(mql_at < assigned_at, false) as is_assigned_after_mql,
        owner_change_count,
        reassignment_count,
        owner_queue_id is not null as is_waiting_in_queue,
        cast(business_seconds_waiting as {{ type_double() }}) / 3600 as queue_wait_business_hours,
        coalesce(
            business_seconds_waiting > {{ var('routing_queue_wait_threshold_business_hours') }} * 3600, false
        ) as is_waiting_beyond_threshold,
        coalesce(not is_owner_active, false) as is_owned_by_inactive_user,
        coalesce(owner_territory <> territory and territory <> 'Unassigned', false) as is_territory_mismatch,
        matched_account_id,
        account_match_method,
        cast(account_match_confidence as {{ type_double() }}) as account_match_confidence,
        is_customer_account,
        is_open_opportunity_account,
        account_owner_user_id,
        coalesce(
            (is_customer_account or is_open_opportunity_account)
            and owner_user_id <> account_owner_user_id,
            false
        ) as is_routed_away_from_account_owner
    from timed
)

select * from final
