with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__campaign_members') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,
        member_status,
        has_responded,
        first_responded_date,
        created_at,
        modified_at
    from latest_valid_rows
)

select * from final
