with

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
),

members as (
    select * from {{ ref('stg_salesforce__campaign_members') }}
    where has_responded
),

contact_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
),

responses as (
    -- Responses by the lead that created the opportunity, and by any contact on the opportunity.
    select
        opportunities.opportunity_id,
        members.campaign_id,
        members.first_responded_date
    from opportunities
    inner join members on opportunities.created_from_lead_id = members.lead_id
    union all
    select
        contact_roles.opportunity_id,
        members.campaign_id,
        members.first_responded_date
    from contact_roles
    inner join members on contact_roles.contact_id = members.contact_id
),

final as (
    select
        opportunities.opportunity_id,
        count(distinct responses.campaign_id) as influencing_campaign_count
    from opportunities
    inner join responses on opportunities.opportunity_id = responses.opportunity_id
    where
        responses.first_responded_date <= cast(opportunities.created_at as date)
        and responses.first_responded_date >= cast(
            {{ dbt.dateadd('day', -1 * var('influence_lookback_days'), 'opportunities.created_at') }} as date
        )
    group by opportunities.opportunity_id
)

select * from final
