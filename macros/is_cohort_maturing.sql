{#-
    True while fewer than `maturity_days` days have passed since the cohort month ended, at the funnel clock: the
    cohort's conversion may still rise. `maturity_days`: an expression, e.g. stage_maturity_days('Won').
-#}
{% macro is_cohort_maturing(cohort_month, maturity_days) -%}
    {{ dbt.dateadd('day', maturity_days, dbt.dateadd('month', 1, cohort_month)) }} > {{ data_clock('funnel') }}
{%- endmacro %}

{#- Days a cohort needs to settle for reaching `to_stage` (seed funnel_stages); without a stage, the longest. -#}
{% macro stage_maturity_days(to_stage=none) -%}
    (
        select max(maturity_days) from {{ ref('funnel_stages') }}
        {%- if to_stage %} where funnel_stage = '{{ to_stage }}'{% endif %}
    )
{%- endmacro %}
