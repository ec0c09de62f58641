with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__contact_field_changes') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        contact_field_change_id,
        contact_id,
        field_name,
        old_value,
        new_value,
        changed_by_user_id,
        changed_at
    from latest_valid_rows
)

select * from final
