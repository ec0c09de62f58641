{#-
    One row per won opportunity with the moment it was won: when its history first shows a won stage (whatever
    the org calls its won stages: seed opportunity_stage_map), else its close date. The one definition of
    "reached Won" for leads and contacts.
-#}
{% macro opportunities_won_at() -%}
    select
        opportunities.opportunity_id,
        coalesce(
            min(won_stage_changes.changed_at),
            cast(opportunities.close_date as {{ dbt.type_timestamp() }})
        ) as won_at
    from {{ ref('stg_salesforce__opportunities') }} as opportunities
    left join (
        select stage_changes.*
        from {{ ref('stg_salesforce__opportunity_stage_changes') }} as stage_changes
        inner join {{ ref('opportunity_stage_map') }} as opportunity_stage_map
            on stage_changes.stage_name = opportunity_stage_map.stage_name
        where opportunity_stage_map.stage_type = 'won'
    ) as won_stage_changes on opportunities.opportunity_id = won_stage_changes.opportunity_id
    where opportunities.is_won
    group by opportunities.opportunity_id, opportunities.close_date
{%- endmacro %}
