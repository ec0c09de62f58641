{{ incremental_per_key('person_id', 'int_people__changed') }}

with

people as (
    select * from {{ ref('int_people__classified') }}
    where {{ to_refresh('person_id', 'int_people__changed') }}
),

leads as (
    select * from {{ ref('int_leads__classified') }}
    where {{ to_refresh('lead_id', 'int_people__changed', 'person_id') }}
),

contacts as (
    select * from {{ ref('int_contacts__classified') }}
),

stages_reached as (
    select * from {{ ref('int_people__stages_reached') }}
    where {{ to_refresh('person_id', 'int_people__changed') }}
),

status_changes as (
    select * from {{ ref('int_people__status_changes') }}
    where {{ to_refresh('person_id', 'int_people__changed') }}
),

stage_map as (
    select * from {{ ref('funnel_stage_map') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

campaign_sourced as (
    select * from {{ ref('int_leads__campaign_sourced') }}
    where {{ to_refresh('lead_id', 'int_people__changed', 'person_id') }}
),

scored as (
    select * from {{ ref('int_leads__scored') }}
    where {{ to_refresh('lead_id', 'int_people__changed', 'person_id') }}
),

reached as (
    select
        person_id,
        max(case when funnel_stage = 'MQL' then reached_at end) as mql_at,
        max(case when funnel_stage = 'SAL' then reached_at end) as sal_at,
        max(case when funnel_stage = 'SQL' then reached_at end) as sql_at,
        max(case when funnel_stage = 'Opportunity' then reached_at end) as opportunity_at,
        max(case when funnel_stage = 'Won' then reached_at end) as won_at,
        max(stage_order) as furthest_stage_order
    from stages_reached
    group by person_id
),

recycles as (
    select
        status_changes.person_id,
        count(*) as recycle_count
    from status_changes
    inner join stage_map on status_changes.funnel_status = stage_map.lead_status
    where stage_map.funnel_stage = 'Recycled'
    group by status_changes.person_id
),

final as (
    select
        people.person_id,
        people.person_type,
        people.lead_id,
        people.contact_id,
        people.cohort_month,
        people.created_at,
        people.lead_source,
        people.sourced_by,
        people.segment,
        people.territory,
        people.owner_user_id,
        people.owner_team_name,
        coalesce(campaign_sourced.sourcing_campaign_id, contacts.sourcing_campaign_id) as sourcing_campaign_id,
        scored.lead_score,
        scored.score_band_floor,
        scored.lead_score >= {{ var('mql_score_threshold') }} as is_above_mql_score_threshold,
        people.funnel_status as lead_status,
        case
            when reached.won_at is not null then 'Won'
            when people.person_type = 'contact' and reached.opportunity_at is not null then 'Opportunity'
            else coalesce(stage_map.funnel_stage, 'Lead')
        end as current_stage,
        case reached.furthest_stage_order
            when 6 then 'Won' when 5 then 'Opportunity' when 4 then 'SQL' when 3 then 'SAL' when 2 then 'MQL'
            else 'Lead'
        end as furthest_stage,
        reached.mql_at,
        reached.sal_at,
        reached.sql_at,
        reached.opportunity_at,
        reached.won_at,
        people.opportunity_id as converted_opportunity_id,
        case
            when opportunities.is_won then 'won'
            when opportunities.is_closed then 'lost'
            when opportunities.opportunity_id is not null then 'open'
        end as opportunity_status,
        coalesce(recycles.recycle_count, 0) as recycle_count,
        case when stage_map.funnel_stage = 'Disqualified' then leads.disqualified_reason end
            as disqualified_reason,
        case when coalesce(recycles.recycle_count, 0) > 0 then leads.recycled_reason end as recycled_reason,
        {{ days_between('people.created_at', 'reached.mql_at') }} as days_lead_to_mql,
        {{ days_between('reached.mql_at', 'reached.sal_at') }} as days_mql_to_sal,
        {{ days_between('reached.sal_at', 'reached.sql_at') }} as days_sal_to_sql,
        {{ days_between('reached.sql_at', 'reached.opportunity_at') }} as days_sql_to_opportunity,
        {{ days_between('reached.opportunity_at', 'reached.won_at') }} as days_opportunity_to_won,
        {{ days_between('people.created_at', 'reached.won_at') }} as days_lead_to_won
    from people
    inner join reached on people.person_id = reached.person_id
    left join leads on people.lead_id = leads.lead_id
    left join contacts on people.person_id = contacts.contact_id and people.person_type = 'contact'
    left join stage_map on people.funnel_status = stage_map.lead_status
    left join recycles on people.person_id = recycles.person_id
    left join opportunities on people.opportunity_id = opportunities.opportunity_id
    left join campaign_sourced on people.lead_id = campaign_sourced.lead_id
    left join scored on people.lead_id = scored.lead_id
)

select * from final
