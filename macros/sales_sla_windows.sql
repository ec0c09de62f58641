{#-
    The business seconds after an MQL within which each sales SLA must be kept: the first-touch target (business
    minutes), and the attempt window of D business days, each the owner's territory's standard working day.
    sales_sla_by_lead judges the SLAs by these windows, sla_alerts dates them: one definition for both.
-#}
{% macro first_touch_window_seconds(target_business_minutes) -%}
    ({{ target_business_minutes }} * 60)
{%- endmacro %}

{% macro attempt_window_seconds(window_business_days, standard_workday_seconds) -%}
    ({{ window_business_days }} * {{ standard_workday_seconds }})
{%- endmacro %}
