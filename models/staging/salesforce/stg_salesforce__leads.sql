with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__leads') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        lead_id,
        created_at,
        owner_id,
        lead_status,
        lead_source,
        company_name,
        email_domain,
        industry,
        title,
        country,
        employee_count,
        rating,
        is_converted,
        converted_at,
        converted_contact_id,
        converted_account_id,
        converted_opportunity_id,
        disqualified_reason,
        recycled_reason,
        modified_at
    from latest_valid_rows
)

select * from final
