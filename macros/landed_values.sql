{#-
    Landed values read the way extracts write them. A timestamp becomes naive UTC whatever the host's time zone:
    an offset in CSV text (`10:00+02:00`) or a time-zone-aware Parquet column is honoured, text without one is
    UTC (every connection runs in UTC: profiles.yml, the engines' servers). An amount may carry a currency
    sign, thousands separators and spaces (`$2,500.00`); anything else that is not a finite number is
    unreadable and quarantined by the base model, never silently null.
-#}
{% macro landed_timestamp(column) -%}
    {{ return(adapter.dispatch('landed_timestamp', 'shared_metrics')(column)) }}
{%- endmacro %}

{% macro default__landed_timestamp(column) -%}
    {{ safe_cast(column, dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__landed_timestamp(column) -%}
    cast(try_cast({{ column }} as timestamptz) as timestamp)
{%- endmacro %}

{#- The amount's text without currency signs, separators or spaces; null when nothing is left. -#}
{% macro landed_number_text(column) -%}
    {{ return(adapter.dispatch('landed_number_text', 'shared_metrics')(column)) }}
{%- endmacro %}

{% macro default__landed_number_text(column) -%}
    nullif(regexp_replace(cast({{ column }} as {{ dbt.type_string() }}), '[\s$,]', '', 'g'), '')
{%- endmacro %}

{% macro spark__landed_number_text(column) -%}
    nullif(regexp_replace(cast({{ column }} as string), '[\\s$,]', ''), '')
{%- endmacro %}

{#- The landed amount as a double: null when nothing landed; NaN, infinite or null when unreadable. -#}
{% macro landed_amount(column) -%}
    {{ safe_cast(landed_number_text(column), type_double()) }}
{%- endmacro %}

{#- True when something landed in `column` that is not a finite number (NaN, ±Inf, text like `twelve`). -#}
{% macro landed_amount_is_unreadable(column) -%}
    ({{ landed_number_text(column) }} is not null
        and not coalesce({{ landed_amount(column) }} - {{ landed_amount(column) }} = 0, false))
{%- endmacro %}
