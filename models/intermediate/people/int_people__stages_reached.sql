{{ config(materialized='view') }}

with

final as (
    select
        lead_id as person_id,
        funnel_stage,
        stage_order,
        reached_at
    from {{ ref('int_leads__stages_reached') }}
    union all
    select
        contact_id as person_id,
        funnel_stage,
        stage_order,
        reached_at
    from {{ ref('int_contacts__stages_reached') }}
)

select * from final
