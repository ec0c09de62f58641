{#- True while fewer than var cohort_maturity_days have passed since the cohort month ended. -#}
{% macro is_cohort_maturing(cohort_month) -%}
    {{ dbt.dateadd('day', var('cohort_maturity_days'), dbt.dateadd('month', 1, cohort_month)) }}
    > {{ data_clock('funnel') }}
{%- endmacro %}
