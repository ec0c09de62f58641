with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__campaigns') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        campaign_id,
        campaign_name,
        campaign_type,
        campaign_status,
        start_date,
        end_date,
        cast(budgeted_cost_amount as {{ dbt.type_numeric() }}) as budgeted_cost_amount,
        cast(actual_cost_amount as {{ dbt.type_numeric() }}) as actual_cost_amount,
        is_active,
        created_at,
        modified_at
    from latest_valid_rows
)

select * from final
