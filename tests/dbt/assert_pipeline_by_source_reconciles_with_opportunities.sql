-- Reconciliation: pipeline summed over pipeline_by_source equals the staged opportunities' amount.
-- Reported in Dagster as a check on pipeline_by_source.
{{ config(meta={'dagster': {'ref': {'name': 'pipeline_by_source'}}}) }}

with

by_source as (
    select
        sum(created_opportunity_count) as opportunities,
        sum(pipeline_amount) as amount
    from {{ ref('pipeline_by_source') }}
),

staged as (
    select
        count(*) as opportunities,
        sum(opportunity_amount) as amount
    from {{ ref('stg_salesforce__opportunities') }}
)

select
    by_source.opportunities as opportunities_by_source,
    staged.opportunities as opportunities_staged,
    by_source.amount as amount_by_source,
    staged.amount as amount_staged
from by_source
cross join staged
where
    by_source.opportunities <> staged.opportunities
    or abs(coalesce(by_source.amount, 0) - coalesce(staged.amount, 0)) > 0.005
