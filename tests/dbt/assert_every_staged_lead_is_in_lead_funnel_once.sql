-- Reconciliation: lead_funnel has exactly one row per staged lead.
-- Reported in Dagster as a check on lead_funnel.
{{ config(meta={'dagster': {'ref': {'name': 'lead_funnel'}}}) }}

with

staged as (
    select lead_id from {{ ref('stg_salesforce__leads') }}
),

funnel as (
    select
        lead_id,
        count(*) as rows_per_lead
    from {{ ref('lead_funnel') }}
    group by lead_id
)

select
    staged.lead_id as staged_lead_id,
    funnel.lead_id as funnel_lead_id,
    funnel.rows_per_lead
from staged
full outer join funnel on staged.lead_id = funnel.lead_id
where staged.lead_id is null or funnel.lead_id is null or funnel.rows_per_lead <> 1
