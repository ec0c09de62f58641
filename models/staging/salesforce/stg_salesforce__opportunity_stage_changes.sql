with

latest_valid_rows as (
    select * from {{ ref('base_salesforce__opportunity_stage_changes') }}
    where not is_deleted and quarantine_reason is null
),

final as (
    select
        opportunity_stage_change_id,
        opportunity_id,
        stage_name,
        cast(opportunity_amount as {{ dbt.type_numeric() }}) as opportunity_amount,
        win_probability_rate,
        close_date,
        forecast_category,
        changed_by_user_id,
        changed_at
    from latest_valid_rows
)

select * from final
