{{ incremental_per_key('opportunity_id', 'int_opportunities__changed') }}

with

history as (
    select * from {{ ref('stg_salesforce__opportunity_stage_changes') }}
    where {{ to_refresh('opportunity_id', 'int_opportunities__changed') }}
),

stage_map as (
    select * from {{ ref('opportunity_stage_map') }}
),

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
),

spanned as (
    select
        history.opportunity_id,
        history.opportunity_stage_change_id,
        history.changed_at as valid_from,
        stage_map.shared_stage,
        stage_map.stage_order,
        stage_map.stage_type,
        stage_map.forecast_category,
        history.close_date,
        lead(history.changed_at) over (
            partition by history.opportunity_id
            order by history.changed_at, history.opportunity_stage_change_id
        ) as valid_to,
        row_number() over (
            partition by history.opportunity_id
            order by history.changed_at, history.opportunity_stage_change_id
        ) as state_number,
        coalesce(history.opportunity_amount, 0) as opportunity_amount,
        coalesce(history.win_probability_rate, 0) as win_probability_rate
    from history
    inner join stage_map on history.stage_name = stage_map.stage_name
),

previous_states as (
    -- The state each row replaced: stage visits, the pipeline waterfall's movements and close-date pushes.
    select
        spanned.*,
        lag(spanned.shared_stage) over (
            partition by spanned.opportunity_id order by spanned.state_number
        ) as previous_shared_stage,
        lag(spanned.stage_type) over (
            partition by spanned.opportunity_id order by spanned.state_number
        ) as previous_stage_type,
        lag(spanned.opportunity_amount) over (
            partition by spanned.opportunity_id order by spanned.state_number
        ) as previous_amount,
        lag(spanned.close_date) over (
            partition by spanned.opportunity_id order by spanned.state_number
        ) as previous_close_date
    from spanned
),

final as (
    select
        previous_states.*,
        {{ fiscal_quarter_start('previous_states.close_date') }} as close_fiscal_quarter_start,
        {{ period_after('fiscal_quarter', fiscal_quarter_start('previous_states.close_date')) }}
            as close_fiscal_quarter_end,
        {{ fiscal_quarter_start('previous_states.previous_close_date') }} as previous_close_fiscal_quarter_start,
        opportunities.segment,
        opportunities.territory,
        opportunities.sourced_by
    from previous_states
    -- History of an opportunity that is not staged (deleted, quarantined) is left out.
    inner join opportunities on previous_states.opportunity_id = opportunities.opportunity_id
)

select * from final
