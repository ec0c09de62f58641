with

attribution as (
    select * from {{ ref('campaign_attribution') }}
),

final as (
    select
        campaign_id,
        opportunity_created_month as performance_month,
        attribution_model,
        count(*) as touched_opportunity_count,
        sum(attribution_weight) as attributed_opportunities,
        sum(attributed_pipeline_amount) as attributed_pipeline_amount,
        sum(attributed_won_amount) as attributed_won_amount
    from attribution
    group by campaign_id, opportunity_created_month, attribution_model
)

select * from final
