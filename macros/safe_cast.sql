{#- A cast that yields null instead of failing on a bad value. dbt.safe_cast is a plain cast on DuckDB.
    Implementations are dispatched as safe_cast_or_null: a default__safe_cast here would override dbt's own. -#}
{% macro safe_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('safe_cast_or_null', 'shared_metrics')(expression, data_type)) }}
{%- endmacro %}

{% macro default__safe_cast_or_null(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__safe_cast_or_null(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro spark__safe_cast_or_null(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
