-- Reconciliation: per attribution model, attributed pipeline summed over campaigns equals the pipeline of the
-- opportunities with at least one campaign touch, counted from the opportunities themselves.
-- Reported in Dagster as a check on campaign_attribution.
{{ config(meta={'dagster': {'ref': {'name': 'campaign_attribution'}}}) }}

with

touched as (
    select sum(opportunity_amount) as pipeline_amount
    from {{ ref('int_opportunities__sourced') }}
    where opportunity_id in (select opportunity_id from {{ ref('int_opportunities__campaign_touches') }})
),

attributed as (
    select
        attribution_model,
        sum(attributed_pipeline_amount) as pipeline_amount
    from {{ ref('campaign_attribution') }}
    group by attribution_model
)

select
    attributed.attribution_model,
    attributed.pipeline_amount as attributed_pipeline_amount,
    touched.pipeline_amount as touched_pipeline_amount
from attributed
cross join touched
where abs(attributed.pipeline_amount - touched.pipeline_amount) > 0.01 + 1e-9 * abs(touched.pipeline_amount)
