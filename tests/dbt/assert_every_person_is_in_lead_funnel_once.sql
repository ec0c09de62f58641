-- Reconciliation: lead_funnel has exactly one row per staged lead, and one per contact person, and no
-- converted lead's contact is a person of its own.
-- Reported in Dagster as a check on lead_funnel.
{{ config(meta={'dagster': {'ref': {'name': 'lead_funnel'}}}) }}

with

staged as (
    select lead_id as person_id from {{ ref('stg_salesforce__leads') }}
    union all
    select contact_id as person_id from {{ ref('int_contacts__classified') }}
),

converted_contacts as (
    select converted_contact_id as contact_id from {{ ref('stg_salesforce__leads') }}
    where converted_contact_id is not null
),

funnel as (
    select
        person_id,
        count(*) as rows_per_person
    from {{ ref('lead_funnel') }}
    group by person_id
)

select
    staged.person_id as staged_person_id,
    funnel.person_id as funnel_person_id,
    funnel.rows_per_person
from staged
full outer join funnel on staged.person_id = funnel.person_id
where staged.person_id is null or funnel.person_id is null or funnel.rows_per_person <> 1
union all
select
    converted_contacts.contact_id as staged_person_id,
    converted_contacts.contact_id as funnel_person_id,
    1 as rows_per_person
from converted_contacts
inner join {{ ref('lead_funnel') }} as lead_funnel on converted_contacts.contact_id = lead_funnel.person_id
