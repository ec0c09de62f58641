{#- Days a cohort needs to settle for reaching `to_stage` (seed funnel_stages); without a stage, the longest. -#}
{% macro stage_maturity_days(to_stage=none) -%}
    (
        select max(maturity_days) from {{ ref('funnel_stages') }}
        {%- if to_stage %} where funnel_stage = '{{ to_stage }}'{% endif %}
    )
{%- endmacro %}
