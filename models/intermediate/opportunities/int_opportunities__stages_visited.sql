{{ incremental_per_key('opportunity_id', 'int_opportunities__changed') }}

with

states as (
    select * from {{ ref('int_opportunities__states_spanned') }}
    where {{ to_refresh('opportunity_id', 'int_opportunities__changed') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

visit_starts as (
    -- States that only change the amount, probability or close date stay within the visit.
    select * from states
    where previous_shared_stage is null or previous_shared_stage <> shared_stage
),

visits as (
    select
        opportunity_id,
        shared_stage,
        stage_order,
        stage_type,
        valid_from as entered_at,
        row_number() over (partition by opportunity_id order by state_number) as visit_number,
        lead(valid_from) over (partition by opportunity_id order by state_number) as exited_at,
        lead(shared_stage) over (partition by opportunity_id order by state_number) as next_shared_stage,
        lead(stage_order) over (partition by opportunity_id order by state_number) as next_stage_order,
        lead(stage_type) over (partition by opportunity_id order by state_number) as next_stage_type
    from visit_starts
),

owned as (
    -- Business time runs on the calendar of the opportunity owner's territory.
    select
        visits.*,
        users.territory as owner_territory,
        users.time_zone as owner_time_zone
    from visits
    left join opportunities on visits.opportunity_id = opportunities.opportunity_id
    left join users on opportunities.owner_user_id = users.user_id
),

final as (
    select
        owned.opportunity_id,
        owned.visit_number,
        owned.shared_stage,
        owned.stage_order,
        owned.stage_type,
        owned.entered_at,
        owned.exited_at,
        owned.next_shared_stage,
        case
            when owned.exited_at is null then null
            when owned.next_stage_type = 'lost' then 'lost'
            when owned.next_stage_type = 'won' then 'won'
            when owned.stage_type <> 'open' then 'reopened'
            when owned.next_stage_order > owned.stage_order then 'advanced'
            else 'moved_backward'
        end as exit_type,
        {{ days_between('owned.entered_at', 'owned.exited_at') }} as calendar_days_in_stage,
        cast(
            {{ business_seconds_at('exited_day', 'owned.exited_at') }}
            - {{ business_seconds_at('entered_day', 'owned.entered_at') }} as {{ type_double() }}
        ) / entered_day.standard_workday_seconds as business_days_in_stage
    from owned
    {{ business_calendar_join('entered_day', 'owned.entered_at', 'owned.owner_territory',
                              'owned.owner_time_zone') }}
    {{ business_calendar_join('exited_day', 'owned.exited_at', 'owned.owner_territory',
                              'owned.owner_time_zone') }}
)

select * from final
