{#-
    One row per data clock (macros/data_clocks.sql): the moment time-dependent results are judged at. The var
    as_of (SHARED_METRICS_AS_OF) sets every clock; else each is its least fresh table group's newest accepted
    change, never later than the refresh itself.
-#}

with

per_table as (
    {% for source_table, base_model, key, changed_at in salesforce_tables() %}
        select
            '{{ source_table }}' as source_table,
            max({{ changed_at }}) as newest_change_at
        from {{ ref(base_model) }}
        where quarantine_reason is null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

table_groups as (
    {% for clock_name, groups in data_clock_groups().items() %}
        {% set clock_loop = loop %}
        {% for tables in groups %}
            {% set group_loop = loop %}
            {% for source_table in tables %}
                select
                    '{{ clock_name }}' as clock_name,
                    {{ group_loop.index }} as table_group,
                    '{{ source_table }}' as source_table
                {% if not (clock_loop.last and group_loop.last and loop.last) %}union all{% endif %}
            {% endfor %}
        {% endfor %}
    {% endfor %}
),

group_freshness as (
    select
        table_groups.clock_name,
        table_groups.table_group,
        max(per_table.newest_change_at) as fresh_until
    from table_groups
    left join per_table on table_groups.source_table = per_table.source_table
    group by table_groups.clock_name, table_groups.table_group
),

final as (
    select
        clock_name,
        {% if var('as_of', none) %}
            {{ refresh_started_at() }} as clock_at,
        {% else %}
            -- An empty landing has no watermark: the refresh's own time stands in.
            coalesce(least(min(fresh_until), {{ refresh_started_at() }}), {{ refresh_started_at() }}) as clock_at,
        {% endif %}
        {{ refresh_started_at() }} as refreshed_at
    from group_freshness
    group by clock_name
)

select * from final
