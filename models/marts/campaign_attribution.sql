{{ incremental_per_key('opportunity_id', 'int_opportunities__changed') }}

with

touches as (
    select * from {{ ref('int_opportunities__campaign_touches') }}
    where {{ to_refresh('opportunity_id', 'int_opportunities__changed') }}
),

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
),

positioned as (
    select
        *,
        is_first_touch or is_lead_creation_touch or is_opportunity_creation_touch as is_key_touch,
        sum(case when is_first_touch or is_lead_creation_touch or is_opportunity_creation_touch then 0 else 1 end)
            over (partition by opportunity_id) as middle_touch_count,
        power(0.5, days_before_opportunity / {{ var('attribution_half_life_days') }}) as decay_factor
    from touches
),

weighted as (
    select
        opportunity_id,
        campaign_id,
        case when is_first_touch then 1.0 else 0.0 end as first_touch,
        case when is_opportunity_creation_touch then 1.0 else 0.0 end as last_touch,
        1.0 / touch_count as linear,
        -- 40 % first, 40 % last, 20 % spread over the touches between (half each with two touches).
        case
            when touch_count = 1 then 1.0
            when touch_count = 2 then 0.5
            when is_first_touch or is_opportunity_creation_touch then 0.4
            else 0.2 / (touch_count - 2)
        end as u_shaped,
        -- 30 % each to the first, lead-creation and opportunity-creation touches (added up when one touch
        -- holds several of them), 10 % spread over the other touches, or over all touches when none is left.
        0.3 * (case when is_first_touch then 1 else 0 end)
        + 0.3 * (case when is_lead_creation_touch then 1 else 0 end)
        + 0.3 * (case when is_opportunity_creation_touch then 1 else 0 end)
        + case
            when middle_touch_count = 0 then 0.1 / touch_count
            when is_key_touch then 0.0
            else 0.1 / middle_touch_count
        end as w_shaped,
        decay_factor / sum(decay_factor) over (partition by opportunity_id) as time_decay
    from positioned
),

by_model as (
    {% for attribution_model in attribution_models() %}
        select
            opportunity_id,
            campaign_id,
            '{{ attribution_model }}' as attribution_model,
            sum({{ attribution_model }}) as attribution_weight,
            count(*) as campaign_touch_count
        from weighted
        group by opportunity_id, campaign_id
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        by_model.attribution_model,
        by_model.campaign_id,
        by_model.opportunity_id,
        opportunities.created_month as opportunity_created_month,
        opportunities.sourced_by,
        opportunities.segment,
        opportunities.territory,
        by_model.campaign_touch_count,
        {{ safe_cast('by_model.attribution_weight', type_double()) }} as attribution_weight,
        {{ safe_cast('by_model.attribution_weight * opportunities.opportunity_amount', type_double()) }}
            as attributed_pipeline_amount,
        {{ safe_cast(
            'case when opportunities.is_won then by_model.attribution_weight * opportunities.opportunity_amount'
            ~ ' else 0 end', type_double()) }} as attributed_won_amount,
        opportunities.is_won
    from by_model
    inner join opportunities on by_model.opportunity_id = opportunities.opportunity_id
)

select * from final
