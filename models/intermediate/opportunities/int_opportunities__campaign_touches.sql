{{ incremental_per_key('opportunity_id', 'int_opportunities__changed') }}

with

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
    where {{ to_refresh('opportunity_id', 'int_opportunities__changed') }}
),

leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

responses as (
    select * from {{ ref('int_campaign_responses__timed') }}
),

contact_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
),

contact_persons as (
    select * from {{ ref('int_contacts__classified') }}
    where sourced_opportunity_id is not null
),

people_responses as (
    -- Responses by the lead that created the opportunity, and by any contact on it (once per response
    -- even when a contact holds several roles). Each branch carries the columns later steps need, so no
    -- engine has to join opportunities to responses on the time window alone.
    select
        opportunities.opportunity_id,
        opportunities.created_at as opportunity_created_at,
        opportunities.created_from_lead_id,
        responses.campaign_member_id,
        responses.campaign_id,
        responses.responded_at
    from opportunities
    inner join responses on opportunities.created_from_lead_id = responses.lead_id
    union
    select
        opportunities.opportunity_id,
        opportunities.created_at as opportunity_created_at,
        opportunities.created_from_lead_id,
        responses.campaign_member_id,
        responses.campaign_id,
        responses.responded_at
    from contact_roles
    inner join opportunities on contact_roles.opportunity_id = opportunities.opportunity_id
    inner join responses on contact_roles.contact_id = responses.contact_id
),

in_window as (
    select
        people_responses.opportunity_id,
        people_responses.opportunity_created_at,
        people_responses.campaign_member_id,
        people_responses.campaign_id,
        people_responses.responded_at,
        -- The person who created the opportunity entered the funnel then: its lead's creation, or the
        -- contact person's entry for an opportunity no lead was converted to.
        coalesce(leads.created_at, contact_persons.created_at) as lead_created_at
    from people_responses
    left join leads on people_responses.created_from_lead_id = leads.lead_id
    left join contact_persons on people_responses.opportunity_id = contact_persons.sourced_opportunity_id
    where
        people_responses.responded_at <= people_responses.opportunity_created_at
        and people_responses.responded_at
        >= {{ dbt.dateadd('day', -1 * var('influence_lookback_days'), 'people_responses.opportunity_created_at') }}
),

ordered as (
    select
        *,
        -- Ties (same moment) are broken by member id, so every model picks the same touch every run.
        row_number() over (
            partition by opportunity_id order by responded_at, campaign_member_id
        ) as touch_number,
        count(*) over (partition by opportunity_id) as touch_count,
        max(case when responded_at <= lead_created_at then responded_at end) over (
            partition by opportunity_id
        ) as lead_creation_touch_at
    from in_window
),

lead_creation_touch as (
    -- The latest touch at or before the lead was created (the response that created it); the first touch
    -- when the lead came in without one.
    select
        opportunity_id,
        coalesce(
            max(case when responded_at = lead_creation_touch_at then touch_number end), 1
        ) as lead_creation_touch_number
    from ordered
    group by opportunity_id
),

final as (
    select
        ordered.opportunity_id,
        ordered.campaign_member_id,
        ordered.campaign_id,
        ordered.responded_at,
        ordered.touch_number,
        ordered.touch_count,
        ordered.touch_number = 1 as is_first_touch,
        ordered.touch_number = lead_creation_touch.lead_creation_touch_number as is_lead_creation_touch,
        ordered.touch_number = ordered.touch_count as is_opportunity_creation_touch,
        {{ days_between('ordered.responded_at', 'ordered.opportunity_created_at') }} as days_before_opportunity
    from ordered
    inner join lead_creation_touch on ordered.opportunity_id = lead_creation_touch.opportunity_id
)

select * from final
