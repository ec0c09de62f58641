{#- A double-precision float (dbt's type_float is single precision on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'shared_metrics')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#-
    Contracts declare engine-neutral SQL type names: text (what PostgreSQL makes of string expressions, so an
    incremental run's new rows match the table's columns there) and double precision. Spark has neither
    spelling, so its implementation of dbt's cast (rendered for each declared column) translates them.
-#}
{% macro spark__cast(field, type) -%}
    {%- set spark_names = {'text': 'string', 'double precision': 'double'} -%}
    cast({{ field }} as {{ spark_names.get(type | trim | lower, type) }})
{%- endmacro %}
