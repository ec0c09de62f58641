{{ incremental_per_key('lead_id', 'int_leads__changed') }}

with

leads as (
    select * from {{ ref('int_leads__classified') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

staged_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

mqls as (
    select * from {{ ref('int_leads__stages_reached') }}
    where funnel_stage = 'MQL' and {{ to_refresh('lead_id', 'int_leads__changed') }}
),

responses as (
    select * from {{ ref('int_campaign_responses__timed') }}
    where lead_id is not null and {{ to_refresh('lead_id', 'int_leads__changed') }}
),

rules as (
    select * from {{ ref('lead_scoring_rules') }}
),

responses_counted as (
    -- Engagement counts up to the MQL: what marketing knew when it handed the lead over.
    select
        leads.lead_id,
        count(*) as campaign_response_count
    from leads
    inner join responses on leads.lead_id = responses.lead_id
    left join mqls on leads.lead_id = mqls.lead_id
    where responses.responded_at <= coalesce(mqls.reached_at, {{ data_clock('campaigns') }})
    group by leads.lead_id
),

attributes as (
    select
        leads.lead_id,
        'segment' as lead_attribute,
        leads.segment as attribute_value
    from leads
    union all
    select
        lead_id,
        'title' as lead_attribute,
        title as attribute_value
    from staged_leads
    union all
    select
        lead_id,
        'lead_source' as lead_attribute,
        lead_source as attribute_value
    from leads
    union all
    select
        lead_id,
        'campaign_responses' as lead_attribute,
        case
            when campaign_response_count >= 3 then '3+'
            else cast(campaign_response_count as {{ dbt.type_string() }})
        end as attribute_value
    from responses_counted
),

points as (
    select
        attributes.lead_id,
        cast(coalesce(sum(case when rules.rule_type = 'fit' then rules.points end), 0) as {{ dbt.type_int() }})
            as fit_points,
        cast(
            coalesce(sum(case when rules.rule_type = 'engagement' then rules.points end), 0) as {{ dbt.type_int() }}
        ) as engagement_points
    from attributes
    left join rules
        on
            attributes.lead_attribute = rules.lead_attribute
            and attributes.attribute_value = rules.attribute_value
    group by attributes.lead_id
),

final as (
    select
        leads.lead_id,
        coalesce(responses_counted.campaign_response_count, 0) as campaign_response_count,
        points.fit_points,
        points.engagement_points,
        points.fit_points + points.engagement_points as lead_score,
        -- As a double first: integer division truncates towards zero on some engines, and bands floor.
        cast(
            floor(
                cast(points.fit_points + points.engagement_points as {{ type_double() }})
                / {{ var('lead_score_band_width') }}
            )
            * {{ var('lead_score_band_width') }} as {{ dbt.type_int() }}
        ) as score_band_floor
    from leads
    inner join points on leads.lead_id = points.lead_id
    left join responses_counted on leads.lead_id = responses_counted.lead_id
)

select * from final
