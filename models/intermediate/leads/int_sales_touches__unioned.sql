{{ incremental_per_key('lead_id', 'int_leads__changed') }}

with

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
),

events as (
    select * from {{ ref('stg_salesforce__events') }}
),

leads as (
    select lead_id from {{ ref('stg_salesforce__leads') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
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
        touches.lead_or_contact_id as lead_id,
        touches.owner_user_id,
        touches.touch_type,
        touches.touched_at
    from touches
    inner join leads on touches.lead_or_contact_id = leads.lead_id
)

select * from final
