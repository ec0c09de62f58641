{#-
    Person-grain models recompute only these people in an incremental refresh: the changed leads
    (int_leads__changed) and every staged contact, since contact persons are few and any of them may have
    entered or left the funnel (a lead converted to it makes it the lead's person).
-#}

with

final as (
    select lead_id as person_id from {{ ref('int_leads__changed') }}
    union
    select contact_id as person_id from {{ ref('stg_salesforce__contacts') }}
)

select * from final
