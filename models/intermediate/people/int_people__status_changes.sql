{{ config(materialized='view') }}

{#- Every funnel status change of a person: a lead's Status, a contact's status field (var contact_status_field). -#}

with

final as (
    select
        lead_field_change_id as status_change_id,
        lead_id as person_id,
        new_value as funnel_status,
        changed_at
    from {{ ref('stg_salesforce__lead_field_changes') }}
    where field_name = 'Status'
    union all
    select
        contact_field_change_id as status_change_id,
        contact_id as person_id,
        new_value as funnel_status,
        changed_at
    from {{ ref('stg_salesforce__contact_field_changes') }}
    where field_name = '{{ var("contact_status_field") }}'
)

select * from final
