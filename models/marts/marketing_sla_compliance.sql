with

lead_funnel as (
    select * from {{ ref('lead_funnel') }}
),

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
),

targets as (
    select
        *,
        lead(effective_from) over (partition by segment, territory order by effective_from) as effective_until
    from {{ ref('marketing_sla_targets') }}
),

mqls as (
    -- Quality of the hand-over: of the month's MQLs that sales has ruled on, the share it accepted.
    select
        cast({{ dbt.date_trunc('month', 'mql_at') }} as date) as sla_month,
        segment,
        territory,
        count(*) as mqls_delivered,
        {{ count_where('sal_at is not null') }} as mqls_accepted,
        {{ count_where("sal_at is null and current_stage in ('Recycled', 'Disqualified')") }} as mqls_rejected
    from lead_funnel
    where mql_at is not null
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
    from mqls
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
        coalesce(mqls.mqls_delivered, 0) as mqls_delivered,
        targets.monthly_mql_quota as mql_quota,
        {{ ratio('coalesce(mqls.mqls_delivered, 0)', 'targets.monthly_mql_quota') }} as mql_attainment_rate,
        coalesce(mqls.mqls_accepted, 0) as mqls_accepted,
        coalesce(mqls.mqls_rejected, 0) as mqls_rejected,
        {{ ratio('mqls.mqls_accepted', 'mqls.mqls_accepted + mqls.mqls_rejected') }} as sales_acceptance_rate,
        coalesce(sourced_pipeline.sourced_opportunities, 0) as marketing_sourced_opportunities,
        coalesce(sourced_pipeline.sourced_pipeline_amount, 0) as marketing_sourced_pipeline_amount,
        cast(targets.monthly_sourced_pipeline_target_amount as {{ type_double() }})
            as marketing_sourced_pipeline_target_amount,
        {{ ratio('coalesce(sourced_pipeline.sourced_pipeline_amount, 0)',
                 'targets.monthly_sourced_pipeline_target_amount') }} as marketing_sourced_pipeline_attainment_rate
    from months
    left join mqls
        on
            months.sla_month = mqls.sla_month
            and months.segment = mqls.segment
            and months.territory = mqls.territory
    left join sourced_pipeline
        on
            months.sla_month = sourced_pipeline.sla_month
            and months.segment = sourced_pipeline.segment
            and months.territory = sourced_pipeline.territory
    left join targets
        on
            months.segment = targets.segment
            and months.territory = targets.territory
            and months.sla_month >= targets.effective_from
            and (targets.effective_until is null or months.sla_month < targets.effective_until)
)

select * from final
