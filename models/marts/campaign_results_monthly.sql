with

{#- No ROI per month: cost falls in the months it was spent, revenue in the months its opportunities were
    created, so a month's ratio compares different things. campaign_roi gives it over the campaign's life. #}
campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

costs as (
    select * from {{ ref('int_campaign_costs__allocated') }}
),

leads as (
    select * from {{ ref('lead_funnel') }}
    where sourcing_campaign_id is not null
),

performance as (
    select * from {{ ref('campaign_performance') }}
),

attribution_models as (
    {{ attribution_model_rows() }}
),

sourced as (
    -- Funnel counts of the leads each campaign created, by the month the leads were created.
    select
        sourcing_campaign_id as campaign_id,
        cohort_month as roi_month,
        count(*) as created_lead_count,
        {{ count_where('mql_at is not null') }} as mql_count,
        {{ count_where('sql_at is not null') }} as sql_count,
        {{ count_where('opportunity_at is not null') }} as sourced_opportunity_count
    from leads
    group by sourcing_campaign_id, cohort_month
),

campaign_months as (
    select
        campaign_id,
        cost_month as roi_month
    from costs
    union
    select
        campaign_id,
        roi_month
    from sourced
    union
    select
        campaign_id,
        performance_month as roi_month
    from performance
),

final as (
    select
        campaign_months.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.campaign_status,
        campaign_months.roi_month,
        attribution_models.attribution_model,
        coalesce(costs.cost_amount, 0) as cost_amount,
        coalesce(costs.is_cost_budgeted, false) as is_cost_budgeted,
        coalesce(costs.is_cost_missing, false) as is_cost_missing,
        coalesce(sourced.created_lead_count, 0) as created_lead_count,
        coalesce(sourced.mql_count, 0) as mql_count,
        coalesce(sourced.sql_count, 0) as sql_count,
        coalesce(sourced.sourced_opportunity_count, 0) as sourced_opportunity_count,
        coalesce(performance.attributed_opportunities, 0) as attributed_opportunities,
        coalesce(performance.attributed_pipeline_amount, 0) as attributed_pipeline_amount,
        coalesce(performance.attributed_won_amount, 0) as attributed_won_amount,
        {{ ratio('costs.cost_amount', 'sourced.mql_count') }} as cost_per_mql,
        {{ ratio('costs.cost_amount', 'performance.attributed_opportunities') }} as cost_per_opportunity
    from campaign_months
    cross join attribution_models
    inner join campaigns on campaign_months.campaign_id = campaigns.campaign_id
    left join costs
        on campaign_months.campaign_id = costs.campaign_id and campaign_months.roi_month = costs.cost_month
    left join sourced
        on campaign_months.campaign_id = sourced.campaign_id and campaign_months.roi_month = sourced.roi_month
    left join performance
        on
            campaign_months.campaign_id = performance.campaign_id
            and campaign_months.roi_month = performance.performance_month
            and attribution_models.attribution_model = performance.attribution_model
)

select * from final
