{#- Walked one level per join, not with a recursive CTE: every engine we run on joins, not all recurse. -#}
{%- set max_levels = var('manager_chain_max_levels') %}

with

users as (
    select
        user_id,
        manager_user_id
    from {{ ref('stg_salesforce__users') }}
),

level_0 as (
    select
        user_id,
        user_id as above_user_id,
        0 as levels_up,
        manager_user_id as next_manager_user_id
    from users
),

{% for level in range(1, max_levels + 1) %}
    level_{{ level }} as (
        -- A manager who is not a staged user (deleted, quarantined) ends the chain.
        select
            level_{{ level - 1 }}.user_id,
            managers.user_id as above_user_id,
            {{ level }} as levels_up,
            managers.manager_user_id as next_manager_user_id
        from level_{{ level - 1 }}
        inner join users as managers on level_{{ level - 1 }}.next_manager_user_id = managers.user_id
    ),
{% endfor %}

final as (
    {% for level in range(0, max_levels + 1) %}
        select
            user_id,
            above_user_id,
            levels_up,
            next_manager_user_id
        from level_{{ level }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
