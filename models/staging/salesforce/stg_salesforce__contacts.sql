with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__contacts') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        contact_id,
        account_id,
        email_domain,
        title,
        lead_source,
        owner_user_id,
        created_at,
        modified_at
    from latest_valid_rows
)

select * from final
