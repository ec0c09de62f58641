with

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
),

influenced as (
    select distinct opportunity_id from {{ ref('int_opportunities__campaign_touches') }}
),

flagged as (
    select
        opportunities.*,
        influenced.opportunity_id is not null as is_marketing_influenced
    from opportunities
    left join influenced on opportunities.opportunity_id = influenced.opportunity_id
),

final as (
    select
        created_month,
        sourced_by,
        lead_source,
        segment,
        territory,
        count(*) as created_opportunity_count,
        sum(opportunity_amount) as pipeline_amount,
        {{ count_where('is_closed') }} as closed_count,
        {{ count_where('is_won') }} as won_count,
        coalesce(sum(case when is_won then opportunity_amount end), 0) as won_amount,
        {{ rate_with_interval(count_where('is_won'), count_where('is_closed'), 'win_rate') }},
        cast(avg(sales_cycle_days) as {{ type_double() }}) as average_sales_cycle_days,
        {{ count_where('is_marketing_influenced') }} as marketing_influenced_count,
        coalesce(sum(case when is_marketing_influenced then opportunity_amount end), 0)
            as marketing_influenced_pipeline_amount,
        coalesce(sum(case when is_marketing_influenced and is_won then opportunity_amount end), 0)
            as marketing_influenced_won_amount
    from flagged
    group by created_month, sourced_by, lead_source, segment, territory
)

select * from final
