with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__users') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        user_id,
        user_display_name,
        manager_user_id,
        user_role,
        team_name,
        territory,
        time_zone,
        is_active,
        created_at,
        modified_at
    from latest_valid_rows
)

select * from final
