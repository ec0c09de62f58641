with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__tasks') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        task_id,
        lead_or_contact_id,
        related_record_id,
        owner_user_id,
        task_type,
        task_subtype,
        task_status,
        is_closed,
        activity_date,
        completed_at,
        created_at,
        modified_at
    from latest_valid_rows
)

select * from final
