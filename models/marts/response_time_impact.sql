with

sla_by_lead as (
    select * from {{ ref('sales_sla_by_lead') }}
),

lead_funnel as (
    select * from {{ ref('lead_funnel') }}
),

matured as (
    -- MQLs old enough to have had their chance to be won (seed funnel_stages), with their outcome.
    select
        sla_by_lead.response_time_bucket,
        sla_by_lead.segment,
        sla_by_lead.sourced_by,
        lead_funnel.sql_at is not null as reached_sql,
        lead_funnel.won_at is not null as reached_won
    from sla_by_lead
    inner join lead_funnel on sla_by_lead.person_id = lead_funnel.person_id
    where
        sla_by_lead.mql_at
        <= {{ dbt.dateadd('day', '-1 * ' ~ stage_maturity_days('Won'), data_clock('funnel')) }}
),

final as (
    select
        response_time_bucket,
        case response_time_bucket
            when 'within 5 minutes' then 1
            when 'within 1 hour' then 2
            when 'within 4 business hours' then 3
            when 'within 1 business day' then 4
            when 'later' then 5
            else 6
        end as response_time_bucket_order,
        segment,
        sourced_by,
        count(*) as mql_count,
        {{ count_where('reached_sql') }} as sql_count,
        {{ rate_with_interval(count_where('reached_sql'), 'count(*)', 'mql_to_sql_rate') }},
        {{ count_where('reached_won') }} as won_count,
        {{ rate_with_interval(count_where('reached_won'), 'count(*)', 'mql_to_won_rate') }},
        count(*) < {{ var('min_rate_count') }} as is_too_few
    from matured
    group by response_time_bucket, segment, sourced_by
)

select * from final
