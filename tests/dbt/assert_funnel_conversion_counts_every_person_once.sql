-- Reconciliation: every person (lead or contact) enters the first stage pair (Lead to MQL) exactly once.
-- Reported in Dagster as a check on funnel_conversion.
{{ config(meta={'dagster': {'ref': {'name': 'funnel_conversion'}}}) }}

with

entered as (
    select sum(entered_count) as leads
    from {{ ref('funnel_conversion') }}
    where stage_pair_order = 1
),

funnel as (
    select count(*) as leads from {{ ref('lead_funnel') }}
)

select
    entered.leads as leads_in_conversion,
    funnel.leads as leads_in_funnel
from entered
cross join funnel
where entered.leads <> funnel.leads
