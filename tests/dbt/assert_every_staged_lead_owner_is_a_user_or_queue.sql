-- A lead's owner is a staged user or a staged queue (anything else is quarantined as orphan_owner_id upstream).
{{ config(meta={'dagster': {'ref': {'name': 'stg_salesforce__leads'}}}) }}

with

owners as (
    select user_id as owner_id from {{ ref('stg_salesforce__users') }}
    union all
    select group_id as owner_id from {{ ref('stg_salesforce__groups') }}
    where group_type = 'Queue'
)

select
    leads.lead_id,
    leads.owner_id
from {{ ref('stg_salesforce__leads') }} as leads
left join owners on leads.owner_id = owners.owner_id
where leads.owner_id is not null and owners.owner_id is null
