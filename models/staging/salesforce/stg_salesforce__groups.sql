with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__groups') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        group_id,
        group_name,
        group_developer_name,
        group_type,
        created_at,
        modified_at
    from latest_valid_rows
)

select * from final
