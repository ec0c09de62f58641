with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__accounts') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        account_id,
        account_name,
        website_domain,
        industry,
        employee_count,
        billing_country,
        account_type,
        owner_user_id,
        created_at,
        modified_at
    from latest_valid_rows
)

select * from final
