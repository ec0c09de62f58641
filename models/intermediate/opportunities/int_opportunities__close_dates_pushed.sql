{{ incremental_per_key('opportunity_id', 'int_opportunities__changed') }}

with

states as (
    select * from {{ ref('int_opportunities__states_spanned') }}
    where {{ to_refresh('opportunity_id', 'int_opportunities__changed') }}
),

final as (
    -- A push moves an open deal's expected close date later; closing on another day, or reopening a closed
    -- deal with a new date, is not one.
    select
        opportunity_id,
        opportunity_stage_change_id,
        valid_from as pushed_at,
        previous_close_date as from_close_date,
        close_date as to_close_date,
        {%- set days_pushed = dbt.datediff('previous_close_date', 'close_date', 'day') %}
        cast({{ days_pushed }} as {{ dbt.type_bigint() }}) as days_pushed,
        opportunity_amount
    from states
    where stage_type = 'open' and previous_stage_type = 'open' and close_date > previous_close_date
)

select * from final
