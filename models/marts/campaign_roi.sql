{#- Return on investment over each campaign's life: everything it spent to date against everything credited to
    it, so cost and revenue are compared over the same span (the month view cannot do that). #}

with

monthly as (
    select * from {{ ref('campaign_results_monthly') }}
),

campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

attribution_models as (
    {{ attribution_model_rows() }}
),

lifetime as (
    select
        campaign_id,
        attribution_model,
        sum(cost_amount) as cost_to_date_amount,
        bool_or(is_cost_budgeted) as is_cost_budgeted,
        bool_or(is_cost_missing) as is_cost_missing,
        cast(sum(created_lead_count) as {{ dbt.type_bigint() }}) as created_lead_count,
        cast(sum(mql_count) as {{ dbt.type_bigint() }}) as mql_count,
        cast(sum(sql_count) as {{ dbt.type_bigint() }}) as sql_count,
        cast(sum(sourced_opportunity_count) as {{ dbt.type_bigint() }}) as sourced_opportunity_count,
        sum(attributed_opportunities) as attributed_opportunities,
        sum(attributed_pipeline_amount) as attributed_pipeline_amount,
        sum(attributed_won_amount) as attributed_won_amount
    from monthly
    group by campaign_id, attribution_model
),

final as (
    -- Every campaign, also those that have not started yet (nothing spent, nothing credited).
    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.campaign_status,
        campaigns.start_date,
        campaigns.end_date,
        {%- set first_day = 'coalesce(campaigns.start_date, cast(campaigns.created_at as date))' %}
        cast({{ dbt.date_trunc('month', first_day) }} as date) as start_month,
        attribution_models.attribution_model,
        coalesce(lifetime.cost_to_date_amount, 0) as cost_to_date_amount,
        coalesce(lifetime.is_cost_budgeted, false) as is_cost_budgeted,
        coalesce(lifetime.is_cost_missing, false) as is_cost_missing,
        coalesce(lifetime.created_lead_count, 0) as created_lead_count,
        coalesce(lifetime.mql_count, 0) as mql_count,
        coalesce(lifetime.sql_count, 0) as sql_count,
        coalesce(lifetime.sourced_opportunity_count, 0) as sourced_opportunity_count,
        coalesce(lifetime.attributed_opportunities, 0) as attributed_opportunities,
        coalesce(lifetime.attributed_pipeline_amount, 0) as attributed_pipeline_amount,
        coalesce(lifetime.attributed_won_amount, 0) as attributed_won_amount,
        {{ ratio('lifetime.cost_to_date_amount', 'lifetime.mql_count') }} as cost_per_mql,
        {{ ratio('lifetime.cost_to_date_amount', 'lifetime.attributed_opportunities') }} as cost_per_opportunity,
        {{ ratio('lifetime.attributed_won_amount - lifetime.cost_to_date_amount', 'lifetime.cost_to_date_amount') }}
            as return_on_investment,
        -- Its leads' opportunities are still open: the return is not in yet.
        {%- set return_complete_at = dbt.dateadd(
            'day', var('campaign_return_maturity_days'), 'coalesce(campaigns.end_date, campaigns.start_date)'
        ) %}
        coalesce({{ return_complete_at }} > {{ data_clock('funnel') }}, true) as is_return_maturing
    from campaigns
    cross join attribution_models
    left join lifetime
        on
            campaigns.campaign_id = lifetime.campaign_id
            and attribution_models.attribution_model = lifetime.attribution_model
)

select * from final
