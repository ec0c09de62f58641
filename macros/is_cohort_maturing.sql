{#-
    True while fewer than `maturity_days` days have passed since the cohort month ended, at the funnel clock: the
    cohort's conversion may still rise. `maturity_days`: an expression, e.g. stage_maturity_days('Won').
-#}
{% macro is_cohort_maturing(cohort_month, maturity_days) -%}
    {{ dbt.dateadd('day', maturity_days, dbt.dateadd('month', 1, cohort_month)) }} > {{ data_clock('funnel') }}
{%- endmacro %}
