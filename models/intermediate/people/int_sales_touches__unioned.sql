{{ incremental_per_key('person_id', 'int_people__changed') }}

with

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
),

events as (
    select * from {{ ref('stg_salesforce__events') }}
),

people as (
    select person_id from {{ ref('int_people__classified') }}
    where {{ to_refresh('person_id', 'int_people__changed') }}
),

touches as (
    -- A touch is a completed call or email, or a meeting (it counts once it has started).
    select
        task_id as touch_id,
        lead_or_contact_id,
        owner_user_id,
        lower(task_subtype) as touch_type,
        coalesce(completed_at, created_at) as touched_at
    from tasks
    where task_status = 'Completed' and task_subtype in ('Call', 'Email')
    union all
    select
        event_id as touch_id,
        lead_or_contact_id,
        owner_user_id,
        'meeting' as touch_type,
        starts_at as touched_at
    from events
),

final as (
    select
        touches.touch_id,
        touches.lead_or_contact_id as person_id,
        touches.owner_user_id,
        touches.touch_type,
        touches.touched_at
    from touches
    inner join people on touches.lead_or_contact_id = people.person_id
)

select * from final
