with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__events') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        event_id,
        lead_or_contact_id,
        related_record_id,
        owner_user_id,
        event_type,
        event_subtype,
        activity_date,
        starts_at,
        ends_at,
        duration_minutes,
        created_at,
        modified_at
    from latest_valid_rows
)

select * from final
