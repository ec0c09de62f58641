{#-
    Who owned each lead when: one row per lead and owner spell, from creation through every owner change in the
    lead history to today. A lead starts with the owner its first change moved it from (without any change, the
    owner it has now).
-#}

with

leads as (
    select
        lead_id,
        created_at,
        owner_id
    from {{ ref('stg_salesforce__leads') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

queues as (
    select * from {{ ref('stg_salesforce__groups') }}
    where group_type = 'Queue'
),

owner_changes as (
    -- Salesforce writes each owner change twice, with the ids and with the display names: the ids count.
    select
        lead_field_changes.lead_id,
        lead_field_changes.changed_at,
        lead_field_changes.old_value as old_owner_id,
        lead_field_changes.new_value as new_owner_id,
        row_number() over (
            partition by lead_field_changes.lead_id
            order by lead_field_changes.changed_at asc, lead_field_changes.lead_field_change_id asc
        ) as spell_number
    from {{ ref('stg_salesforce__lead_field_changes') }} as lead_field_changes
    where
        lead_field_changes.field_name = 'Owner'
        and {{ is_owner_id('lead_field_changes.new_value') }}
),

spells as (
    select
        leads.lead_id,
        0 as spell_number,
        leads.created_at as owned_from,
        coalesce(first_changes.old_owner_id, leads.owner_id) as owner_id
    from leads
    left join owner_changes as first_changes
        on
            leads.lead_id = first_changes.lead_id
            and first_changes.spell_number = 1
    union all
    select
        owner_changes.lead_id,
        owner_changes.spell_number,
        owner_changes.changed_at as owned_from,
        owner_changes.new_owner_id as owner_id
    from owner_changes
    inner join leads on owner_changes.lead_id = leads.lead_id
),

typed as (
    select
        spells.lead_id,
        spells.spell_number,
        spells.owner_id,
        spells.owned_from,
        case
            when users.user_id is not null then 'user'
            when queues.group_id is not null then 'queue'
            else 'unknown'
        end as owner_type,
        -- Salesforce stamps a deactivation as the user's last change: an inactive user was active before it.
        users.is_active or spells.owned_from < users.modified_at as is_owner_active_then
    from spells
    left join users on spells.owner_id = users.user_id
    left join queues on spells.owner_id = queues.group_id
),

final as (
    select
        lead_id,
        spell_number,
        owner_id,
        owner_type,
        owned_from,
        lag(owner_type) over (partition by lead_id order by spell_number asc) as previous_owner_type,
        lead(owned_from) over (partition by lead_id order by spell_number asc) as owned_until,
        coalesce(is_owner_active_then, false) as is_owner_active_then
    from typed
)

select * from final
