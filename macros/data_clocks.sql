{#-
    The clocks a refresh judges time-dependent results by (DESIGN.md, "The clock"): not the wall clock but the
    landing's freshness watermark, the newest landed change of the tables a result depends on. Each clock is a
    list of table groups; a group is fresh up to its newest change (tasks and events are one stream of touches),
    and the clock is the least fresh group, so a late extract never turns waiting into "missed".
-#}
{% macro data_clock_groups() -%}
    {{ return({
        'sales_sla': [['lead_history'], ['task', 'event']],
        'funnel': [['lead'], ['lead_history'], ['opportunity', 'opportunity_history']],
        'campaigns': [['campaign_member']],
    }) }}
{%- endmacro %}

{#- The moment clock `clock_name` stands at in this refresh, as a scalar subquery (int_landing__clocks). -#}
{% macro data_clock(clock_name) -%}
    {%- if clock_name not in data_clock_groups() -%}
        {{ exceptions.raise_compiler_error("Unknown data clock '" ~ clock_name ~ "': one of "
            ~ data_clock_groups().keys() | list | join(', ')) }}
    {%- endif -%}
    (select clock_at from {{ ref('int_landing__clocks') }} where clock_name = '{{ clock_name }}')
{%- endmacro %}

{#- The earliest of all clocks: results that still move with any clock are recent relative to it. -#}
{% macro earliest_data_clock() -%}
    (select min(clock_at) from {{ ref('int_landing__clocks') }})
{%- endmacro %}
