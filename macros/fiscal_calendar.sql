{#-
    The fiscal calendar: a fiscal year starts on the first day of month var('fiscal_year_start_month') (1 =
    January) and is named after the calendar year it ends in, as Salesforce names fiscal years by default.
-#}
{% macro fiscal_quarter_start(date_expression) -%}
    {%- set shift = var('fiscal_year_start_month') - 1 -%}
    {%- if shift == 0 -%}
        cast({{ dbt.date_trunc('quarter', date_expression) }} as date)
    {%- else -%}
        cast({{ dbt.dateadd('month', shift, dbt.date_trunc('quarter', dbt.dateadd('month', -shift, date_expression))) }} as date)
    {%- endif -%}
{%- endmacro %}

{#- The fiscal year (a number: the calendar year it ends in) a date falls in. -#}
{% macro fiscal_year(date_expression) -%}
    {%- set shift = var('fiscal_year_start_month') - 1 -%}
    {%- set ending_date = date_expression if shift == 0 else dbt.dateadd('month', 12 - shift, date_expression) -%}
    cast(extract(year from {{ ending_date }}) as {{ dbt.type_int() }})
{%- endmacro %}
