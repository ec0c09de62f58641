{{ incremental_per_key('opportunity_id', 'int_opportunities__changed') }}

with

history as (
    select * from {{ ref('stg_salesforce__opportunity_stage_changes') }}
    where {{ to_refresh('opportunity_id', 'int_opportunities__changed') }}
),

stage_map as (
    select * from {{ ref('opportunity_stage_map') }}
),

ordered as (
    select
        history.opportunity_id,
        history.opportunity_stage_change_id,
        history.changed_at,
        history.close_date,
        history.opportunity_amount,
        stage_map.stage_type,
        lag(history.close_date) over (
            partition by history.opportunity_id
            order by history.changed_at, history.opportunity_stage_change_id
        ) as previous_close_date
    from history
    inner join stage_map on history.stage_name = stage_map.stage_name
),

final as (
    -- A push moves an open deal's expected close date later; closing on another day is not one.
    select
        opportunity_id,
        opportunity_stage_change_id,
        changed_at as pushed_at,
        previous_close_date as from_close_date,
        close_date as to_close_date,
        {%- set days_pushed = dbt.datediff('previous_close_date', 'close_date', 'day') %}
        cast({{ days_pushed }} as {{ dbt.type_bigint() }}) as days_pushed,
        opportunity_amount
    from ordered
    where stage_type = 'open' and close_date > previous_close_date
)

select * from final
