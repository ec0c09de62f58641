{#- The bounds of a possible landed time and the quarantine checks that apply them. -#}

{#- Anything later than this is an impossible timestamp (a typo'd year, a clock far off). -#}
{% macro latest_possible_timestamp() -%}
    {{ dbt.dateadd('hour', var('future_timestamp_tolerance_hours'), refresh_started_at()) }}
{%- endmacro %}

{#- Anything earlier than this is an impossible timestamp (a default date like 1900-01-01, a typo'd century). -#}
{% macro earliest_possible_timestamp() -%}
    cast('{{ var("earliest_possible_date") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#-
    The quarantine checks (see quarantine_reason) for a row whose times must lie between the earliest and the
    latest possible timestamp: timestamp_in_future, timestamp_too_early. `columns`: the row's times and dates
    (qualified like the model's other checks); `planned`: dates that may lie ahead (a close date, a meeting),
    checked only for being too early. Nulls pass.
-#}
{% macro impossible_time_checks(columns, planned=[]) -%}
    {%- set later, earlier = [], [] -%}
    {%- for column in columns -%}
        {%- do later.append(column ~ ' > ' ~ latest_possible_timestamp()) -%}
    {%- endfor -%}
    {%- for column in columns + planned -%}
        {%- do earlier.append(column ~ ' < ' ~ earliest_possible_timestamp()) -%}
    {%- endfor -%}
    {{ return([
        ['(' ~ later | join(' or ') ~ ')', 'timestamp_in_future'],
        ['(' ~ earlier | join(' or ') ~ ')', 'timestamp_too_early'],
    ]) }}
{%- endmacro %}
