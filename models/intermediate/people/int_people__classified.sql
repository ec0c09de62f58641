{{ config(materialized='view') }}

{#- The person grain (DESIGN.md, "Person"): every staged lead, and every contact that entered the funnel on its
    own. A view: the union is read filtered, never stored twice. -#}

with

leads as (
    select * from {{ ref('int_leads__classified') }}
),

contacts as (
    select * from {{ ref('int_contacts__classified') }}
),

final as (
    select
        lead_id as person_id,
        'lead' as person_type,
        lead_id,
        converted_contact_id as contact_id,
        created_at,
        cohort_month,
        lead_status as funnel_status,
        lead_source,
        sourced_by,
        segment,
        territory,
        owner_user_id,
        owner_display_name,
        owner_team_name,
        owner_territory,
        calendar_territory,
        calendar_time_zone,
        converted_opportunity_id as opportunity_id
    from leads
    union all
    select
        contact_id as person_id,
        'contact' as person_type,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        contact_id,
        created_at,
        cohort_month,
        contact_status as funnel_status,
        lead_source,
        sourced_by,
        segment,
        territory,
        owner_user_id,
        owner_display_name,
        owner_team_name,
        owner_territory,
        calendar_territory,
        calendar_time_zone,
        sourced_opportunity_id as opportunity_id
    from contacts
)

select * from final
