{{ incremental_per_key('lead_id', 'int_leads__changed') }}

with

leads as (
    select * from {{ ref('int_leads__classified') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

stages_reached as (
    select * from {{ ref('int_leads__stages_reached') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

status_changes as (
    select * from {{ ref('stg_salesforce__lead_field_changes') }}
    where field_name = 'Status' and {{ to_refresh('lead_id', 'int_leads__changed') }}
),

stage_map as (
    select * from {{ ref('funnel_stage_map') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

campaign_sourced as (
    select * from {{ ref('int_leads__campaign_sourced') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

scored as (
    select * from {{ ref('int_leads__scored') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

reached as (
    select
        lead_id,
        max(case when funnel_stage = 'MQL' then reached_at end) as mql_at,
        max(case when funnel_stage = 'SAL' then reached_at end) as sal_at,
        max(case when funnel_stage = 'SQL' then reached_at end) as sql_at,
        max(case when funnel_stage = 'Opportunity' then reached_at end) as opportunity_at,
        max(case when funnel_stage = 'Won' then reached_at end) as won_at,
        max(stage_order) as furthest_stage_order
    from stages_reached
    group by lead_id
),

recycles as (
    select
        status_changes.lead_id,
        count(*) as recycle_count
    from status_changes
    inner join stage_map on status_changes.new_value = stage_map.lead_status
    where stage_map.funnel_stage = 'Recycled'
    group by status_changes.lead_id
),

final as (
    select
        leads.lead_id,
        leads.cohort_month,
        leads.created_at,
        leads.lead_source,
        leads.sourced_by,
        leads.segment,
        leads.territory,
        leads.owner_user_id,
        leads.owner_team_name,
        campaign_sourced.sourcing_campaign_id,
        scored.lead_score,
        scored.score_band_floor,
        scored.lead_score >= {{ var('mql_score_threshold') }} as is_above_mql_score_threshold,
        leads.lead_status,
        case
            when reached.won_at is not null then 'Won'
            else stage_map.funnel_stage
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
        leads.converted_opportunity_id,
        case
            when opportunities.is_won then 'won'
            when opportunities.is_closed then 'lost'
            when opportunities.opportunity_id is not null then 'open'
        end as opportunity_status,
        coalesce(recycles.recycle_count, 0) as recycle_count,
        case when stage_map.funnel_stage = 'Disqualified' then leads.disqualified_reason end
            as disqualified_reason,
        case when coalesce(recycles.recycle_count, 0) > 0 then leads.recycled_reason end as recycled_reason,
        {{ days_between('leads.created_at', 'reached.mql_at') }} as days_lead_to_mql,
        {{ days_between('reached.mql_at', 'reached.sal_at') }} as days_mql_to_sal,
        {{ days_between('reached.sal_at', 'reached.sql_at') }} as days_sal_to_sql,
        {{ days_between('reached.sql_at', 'reached.opportunity_at') }} as days_sql_to_opportunity,
        {{ days_between('reached.opportunity_at', 'reached.won_at') }} as days_opportunity_to_won,
        {{ days_between('leads.created_at', 'reached.won_at') }} as days_lead_to_won
    from leads
    inner join reached on leads.lead_id = reached.lead_id
    left join stage_map on leads.lead_status = stage_map.lead_status
    left join recycles on leads.lead_id = recycles.lead_id
    left join opportunities on leads.converted_opportunity_id = opportunities.opportunity_id
    left join campaign_sourced on leads.lead_id = campaign_sourced.lead_id
    left join scored on leads.lead_id = scored.lead_id
)

select * from final
