{#-
    Shared definition "Reaching a stage": per person (`key`), the first time it entered each funnel stage, where
    reaching a later stage implies the earlier ones, at the same time when they were skipped. `entries`: a CTE of
    (key, entered_at, stage_order) rows; `stages`: a CTE of the funnel's non-exit stages.
-#}
{% macro stages_reached(entries, stages, key) -%}
    select
        {{ entries }}.{{ key }},
        {{ stages }}.funnel_stage,
        {{ stages }}.stage_order,
        min({{ entries }}.entered_at) as reached_at
    from {{ entries }}
    inner join {{ stages }} on {{ entries }}.stage_order >= {{ stages }}.stage_order
    group by {{ entries }}.{{ key }}, {{ stages }}.funnel_stage, {{ stages }}.stage_order
{%- endmacro %}
