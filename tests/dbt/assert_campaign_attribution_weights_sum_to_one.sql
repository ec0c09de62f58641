-- Every touched opportunity is credited exactly once per attribution model: its weights sum to 1.
-- Reported in Dagster as a check on campaign_attribution.
{{ config(meta={'dagster': {'ref': {'name': 'campaign_attribution'}}}) }}

select
    attribution_model,
    opportunity_id,
    sum(attribution_weight) as total_weight
from {{ ref('campaign_attribution') }}
group by attribution_model, opportunity_id
having abs(sum(attribution_weight) - 1) > 1e-9
