{{ incremental_per_key('opportunity_id', 'int_opportunities__changed') }}

with

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
    where {{ to_refresh('opportunity_id', 'int_opportunities__changed') }}
),

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

leads as (
    select * from {{ ref('int_leads__classified') }}
),

lead_sources as (
    select * from {{ ref('lead_source_map') }}
),

territories as (
    select * from {{ ref('territory_map') }}
),

creating_leads as (
    -- The lead whose conversion created the opportunity (the first, should several point at it).
    select
        converted_opportunity_id as opportunity_id,
        min(lead_id) as lead_id
    from leads
    where converted_opportunity_id is not null
    group by converted_opportunity_id
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.owner_user_id,
        opportunities.created_at,
        cast({{ dbt.date_trunc('month', 'opportunities.created_at') }} as date) as created_month,
        opportunities.opportunity_amount,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.close_date,
        opportunities.stage_name,
        creating_leads.lead_id as created_from_lead_id,
        -- Sourced by: the creating lead's source; without such a lead, the opportunity's own; else unknown.
        coalesce(leads.lead_source, opportunities.lead_source, 'Unknown') as lead_source,
        case
            when leads.lead_id is not null then leads.sourced_by
            else coalesce(lead_sources.sourced_by, 'unknown')
        end as sourced_by,
        coalesce(leads.segment, segments.segment, 'Unknown') as segment,
        coalesce(leads.territory, territories.territory, 'Unassigned') as territory,
        case
            when opportunities.is_closed
                then {{ dbt.datediff('opportunities.created_at', 'opportunities.close_date', 'day') }}
        end as sales_cycle_days
    from opportunities
    left join creating_leads on opportunities.opportunity_id = creating_leads.opportunity_id
    left join leads on creating_leads.lead_id = leads.lead_id
    left join lead_sources on opportunities.lead_source = lead_sources.lead_source
    left join accounts on opportunities.account_id = accounts.account_id
    {{ join_segment_band('segments', 'accounts.employee_count') }}
    left join territories on accounts.billing_country = territories.country
)

select * from final
