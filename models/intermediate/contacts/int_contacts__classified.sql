{#-
    Contacts that entered the funnel on their own (DESIGN.md, "Person"): a campaign response or a funnel status
    in their history puts them in. A converted lead's contact is its lead's person, never a second one.
    Contact persons are few beside leads: every refresh recomputes all of them.
-#}

with

contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

leads_converted_to_contacts as (
    select distinct converted_contact_id as contact_id
    from {{ ref('stg_salesforce__leads') }}
    where converted_contact_id is not null
),

responses as (
    select * from {{ ref('int_campaign_responses__timed') }}
    where contact_id is not null
),

status_changes as (
    -- Lead and contact ids never share a key prefix: joined to contacts, these are the contacts' own.
    select * from {{ ref('int_people__status_changes') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

contact_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
),

opportunities_of_leads as (
    select distinct converted_opportunity_id as opportunity_id
    from {{ ref('stg_salesforce__leads') }}
    where converted_opportunity_id is not null
),

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

lead_sources as (
    select * from {{ ref('lead_source_map') }}
),

territories as (
    select * from {{ ref('territory_map') }}
),

calendars as (
    select * from {{ ref('business_calendar') }}
),

first_responses as (
    select
        contact_id,
        campaign_id,
        responded_at,
        row_number() over (
            partition by contact_id order by responded_at asc, campaign_member_id asc
        ) as response_number
    from responses
),

statuses as (
    select
        person_id as contact_id,
        funnel_status as contact_status,
        changed_at,
        row_number() over (
            partition by person_id order by changed_at desc, status_change_id desc
        ) as recency,
        min(changed_at) over (partition by person_id) as first_status_at
    from status_changes
),

entered as (
    select
        contacts.contact_id,
        contacts.account_id,
        contacts.lead_source,
        contacts.owner_user_id,
        statuses.contact_status,
        -- Entering the funnel is the contact's creation as a person: its first response or status, whichever
        -- came first; the response sourced it unless a status came before.
        case
            when first_responses.responded_at is null or statuses.first_status_at < first_responses.responded_at
                then statuses.first_status_at
            else first_responses.responded_at
        end as created_at,
        case
            when statuses.first_status_at < first_responses.responded_at then null
            else first_responses.campaign_id
        end as sourcing_campaign_id
    from contacts
    left join leads_converted_to_contacts on contacts.contact_id = leads_converted_to_contacts.contact_id
    left join first_responses
        on contacts.contact_id = first_responses.contact_id and first_responses.response_number = 1
    left join statuses on contacts.contact_id = statuses.contact_id and statuses.recency = 1
    where
        leads_converted_to_contacts.contact_id is null
        and (first_responses.contact_id is not null or statuses.contact_id is not null)
),

primary_contacts as (
    -- An opportunity that no lead was converted to belongs to its primary contact (one per opportunity).
    select
        contact_roles.opportunity_id,
        contact_roles.contact_id,
        opportunities.created_at as opportunity_created_at,
        row_number() over (
            partition by contact_roles.opportunity_id
            order by contact_roles.created_at asc, contact_roles.contact_id asc
        ) as contact_rank
    from contact_roles
    inner join opportunities on contact_roles.opportunity_id = opportunities.opportunity_id
    left join opportunities_of_leads on contact_roles.opportunity_id = opportunities_of_leads.opportunity_id
    where contact_roles.is_primary and opportunities_of_leads.opportunity_id is null
),

sourced_opportunities as (
    -- A contact person sourced the first such opportunity created once it was in the funnel.
    select
        entered.contact_id,
        primary_contacts.opportunity_id,
        row_number() over (
            partition by entered.contact_id
            order by primary_contacts.opportunity_created_at asc, primary_contacts.opportunity_id asc
        ) as opportunity_number
    from entered
    inner join primary_contacts
        on
            entered.contact_id = primary_contacts.contact_id
            and primary_contacts.contact_rank = 1
            and entered.created_at <= primary_contacts.opportunity_created_at
),

final as (
    select
        entered.contact_id,
        entered.account_id,
        entered.created_at,
        cast({{ dbt.date_trunc('month', 'entered.created_at') }} as date) as cohort_month,
        entered.contact_status,
        entered.sourcing_campaign_id,
        sourced_opportunities.opportunity_id as sourced_opportunity_id,
        coalesce(entered.lead_source, 'Unknown') as lead_source,
        coalesce(lead_sources.sourced_by, 'unknown') as sourced_by,
        coalesce(segments.segment, 'Unknown') as segment,
        coalesce(territories.territory, 'Unassigned') as territory,
        users.user_id as owner_user_id,
        users.user_display_name as owner_display_name,
        users.team_name as owner_team_name,
        users.territory as owner_territory,
        coalesce(users.territory, territories.territory) as calendar_territory,
        calendars.time_zone as calendar_time_zone
    from entered
    left join sourced_opportunities
        on entered.contact_id = sourced_opportunities.contact_id and sourced_opportunities.opportunity_number = 1
    left join accounts on entered.account_id = accounts.account_id
    left join lead_sources on entered.lead_source = lead_sources.lead_source
    {{ join_segment_band('segments', 'accounts.employee_count') }}
    left join territories on accounts.billing_country = territories.country
    left join users on entered.owner_user_id = users.user_id
    left join calendars on coalesce(users.territory, territories.territory) = calendars.territory
)

select * from final
