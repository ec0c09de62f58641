{#-
    Person-grain models recompute only these people in an incremental refresh: the changed leads
    (int_leads__changed); every contact person (int_contacts__classified recomputes all of them, since any of
    them may have entered the funnel or moved in it); and the contacts that may have left the funnel since the
    last refresh: deleted or rewritten, converted to by a rewritten lead (a converted lead's contact is its lead's
    person), or whose campaign responses or status history were rewritten. A contact that is no person touches
    no person-grain row, so the contacts outside these need no recompute.
-#}

with

refreshed_contacts as ({{ rows_refreshed('base_salesforce__contacts') }}),

refreshed_leads as ({{ rows_refreshed('base_salesforce__leads') }}),

refreshed_members as ({{ rows_refreshed('base_salesforce__campaign_members') }}),

refreshed_contact_field_changes as ({{ rows_refreshed('base_salesforce__contact_field_changes') }}),

contacts_that_may_have_left as (
    select contact_id from refreshed_contacts
    union
    select converted_contact_id from refreshed_leads
    union
    select contact_id from refreshed_members
    union
    select contact_id from refreshed_contact_field_changes
),

final as (
    select lead_id as person_id from {{ ref('int_leads__changed') }}
    union
    select contact_id as person_id from {{ ref('int_contacts__classified') }}
    union
    select contact_id as person_id from contacts_that_may_have_left
    where contact_id is not null
)

select * from final
