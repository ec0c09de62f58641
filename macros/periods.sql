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

{#-
    Reporting periods: 'week' (Monday to Sunday, UTC), 'month' and 'fiscal_quarter'. period_start is the first
    day of the period an instant falls in; period_after (period_before) the first day of the next (previous) one;
    and period_start_at_or_after the first period boundary at or after an instant (the instant itself when it is
    one).
-#}
{% macro period_start(period, expression) -%}
    {%- if period == 'fiscal_quarter' -%}
        {{ fiscal_quarter_start(expression) }}
    {%- elif period in ('week', 'month') -%}
        cast({{ dbt.date_trunc(period, expression) }} as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error("Unknown period '" ~ period ~ "': week, month or fiscal_quarter") }}
    {%- endif -%}
{%- endmacro %}

{% macro period_after(period, date_expression) -%}
    {%- if period == 'week' -%}
        cast({{ dbt.dateadd('day', 7, date_expression) }} as date)
    {%- else -%}
        cast({{ dbt.dateadd('month', 3 if period == 'fiscal_quarter' else 1, date_expression) }} as date)
    {%- endif -%}
{%- endmacro %}

{% macro period_before(period, date_expression) -%}
    {%- if period == 'week' -%}
        cast({{ dbt.dateadd('day', -7, date_expression) }} as date)
    {%- else -%}
        cast({{ dbt.dateadd('month', -3 if period == 'fiscal_quarter' else -1, date_expression) }} as date)
    {%- endif -%}
{%- endmacro %}

{% macro period_start_at_or_after(period, timestamp_expression) -%}
    case
        when cast({{ period_start(period, timestamp_expression) }} as {{ dbt.type_timestamp() }})
            = cast({{ timestamp_expression }} as {{ dbt.type_timestamp() }})
            then {{ period_start(period, timestamp_expression) }}
        else {{ period_after(period, period_start(period, timestamp_expression)) }}
    end
{%- endmacro %}
