with

leads as (
    select * from {{ ref('lead_funnel') }}
),

dispositions as (
    select * from {{ ref('int_people__dispositioned') }}
),

handovers as (
    select
        dispositions.disposition,
        dispositions.disposition_reason,
        leads.lead_source,
        leads.sourced_by,
        leads.sourcing_campaign_id,
        leads.owner_team_name,
        leads.segment,
        cast({{ dbt.date_trunc('month', 'dispositions.mql_at') }} as date) as handover_month,
        {{ days_between('dispositions.mql_at', 'dispositions.disposed_at') }} as days_to_disposition
    from dispositions
    inner join leads on dispositions.person_id = leads.person_id
),

final as (
    select
        handover_month,
        lead_source,
        sourced_by,
        sourcing_campaign_id,
        owner_team_name,
        segment,
        disposition,
        disposition_reason,
        count(*) as lead_count,
        {{ percentile('days_to_disposition', 0.5) }} as median_days_to_disposition
    from handovers
    group by
        handover_month,
        lead_source,
        sourced_by,
        sourcing_campaign_id,
        owner_team_name,
        segment,
        disposition,
        disposition_reason
)

select * from final
