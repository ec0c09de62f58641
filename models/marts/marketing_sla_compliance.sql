with

leads as (
    select * from {{ ref('lead_funnel') }}
),

dispositions as (
    select * from {{ ref('int_people__dispositioned') }}
),

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
),

targets as (
    {{ effective_dated_rows('marketing_sla_targets', ['segment', 'territory']) }}
),

handovers as (
    -- Marketing answers for the MQLs it sourced; all MQLs are counted beside them. Quality is sales' first
    -- disposition of each marketing-sourced MQL (int_people__dispositioned, the one definition).
    select
        cast({{ dbt.date_trunc('month', 'dispositions.mql_at') }} as date) as sla_month,
        leads.segment,
        leads.territory,
        count(*) as mql_count,
        {{ count_where("leads.sourced_by = 'marketing'") }} as marketing_sourced_mql_count,
        {{ count_where("leads.sourced_by = 'marketing' and dispositions.disposition <> 'pending'") }}
            as marketing_sourced_dispositioned_mql_count,
        {{ count_where("leads.sourced_by = 'marketing' and dispositions.disposition = 'accepted'") }}
            as marketing_sourced_accepted_mql_count
    from dispositions
    inner join leads on dispositions.person_id = leads.person_id
    group by 1, 2, 3
),

sourced_pipeline as (
    select
        created_month as sla_month,
        segment,
        territory,
        count(*) as sourced_opportunities,
        sum(opportunity_amount) as sourced_pipeline_amount
    from opportunities
    where sourced_by = 'marketing'
    group by 1, 2, 3
),

months as (
    select
        sla_month,
        segment,
        territory
    from handovers
    union
    select
        sla_month,
        segment,
        territory
    from sourced_pipeline
),

final as (
    select
        months.sla_month,
        months.segment,
        months.territory,
        coalesce(handovers.mql_count, 0) as mql_count,
        coalesce(handovers.marketing_sourced_mql_count, 0) as marketing_sourced_mql_count,
        targets.monthly_mql_quota as mql_quota,
        {{ ratio('coalesce(handovers.marketing_sourced_mql_count, 0)', 'targets.monthly_mql_quota') }}
            as mql_quota_attainment,
        coalesce(handovers.marketing_sourced_dispositioned_mql_count, 0)
            as marketing_sourced_dispositioned_mql_count,
        coalesce(handovers.marketing_sourced_accepted_mql_count, 0) as marketing_sourced_accepted_mql_count,
        {{ rate_with_interval('handovers.marketing_sourced_accepted_mql_count',
                              'handovers.marketing_sourced_dispositioned_mql_count', 'sales_acceptance_rate') }},
        coalesce(sourced_pipeline.sourced_opportunities, 0) as marketing_sourced_opportunity_count,
        coalesce(sourced_pipeline.sourced_pipeline_amount, 0) as marketing_sourced_pipeline_amount,
        cast(targets.monthly_sourced_pipeline_target_amount as {{ type_double() }})
            as marketing_sourced_pipeline_target_amount,
        {{ ratio('coalesce(sourced_pipeline.sourced_pipeline_amount, 0)',
                 'targets.monthly_sourced_pipeline_target_amount') }} as marketing_sourced_pipeline_attainment
    from months
    left join handovers
        on
            months.sla_month = handovers.sla_month
            and months.segment = handovers.segment
            and months.territory = handovers.territory
    left join sourced_pipeline
        on
            months.sla_month = sourced_pipeline.sla_month
            and months.segment = sourced_pipeline.segment
            and months.territory = sourced_pipeline.territory
    left join targets
        on
            months.segment = targets.segment
            and months.territory = targets.territory
            and {{ in_force_on('targets', 'months.sla_month') }}
)

select * from final
