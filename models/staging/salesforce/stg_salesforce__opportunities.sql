with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__opportunities') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        opportunity_id,
        account_id,
        owner_user_id,
        opportunity_name,
        stage_name,
        cast(opportunity_amount as {{ dbt.type_numeric() }}) as opportunity_amount,
        win_probability_rate,
        close_date,
        created_at,
        is_closed,
        is_won,
        lead_source,
        campaign_id,
        opportunity_type,
        forecast_category,
        modified_at
    from latest_valid_rows
)

select * from final
