with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__opportunity_contact_roles') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        opportunity_contact_role_id,
        opportunity_id,
        contact_id,
        contact_role,
        is_primary,
        created_at,
        modified_at
    from latest_valid_rows
)

select * from final
