-- Reconciliation: every lead that reached MQL is in lead_feedback exactly once (under its first disposition).
-- Reported in Dagster as a check on lead_feedback.
{{ config(meta={'dagster': {'ref': {'name': 'lead_feedback'}}}) }}

with

feedback as (
    select sum(lead_count) as handed_over from {{ ref('lead_feedback') }}
),

funnel as (
    select count(*) as mqls from {{ ref('lead_funnel') }}
    where mql_at is not null
)

select
    feedback.handed_over,
    funnel.mqls
from feedback
cross join funnel
where coalesce(feedback.handed_over, 0) <> funnel.mqls
