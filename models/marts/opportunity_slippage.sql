{{ incremental_per_key('opportunity_id', 'int_opportunities__changed') }}

with

opportunities as (
    select * from {{ ref('int_opportunities__sourced') }}
    where {{ to_refresh('opportunity_id', 'int_opportunities__changed') }}
),

pushes as (
    select
        opportunity_id,
        count(*) as push_count,
        cast(sum(days_pushed) as {{ dbt.type_bigint() }}) as days_pushed,
        sum(opportunity_amount) as pushed_amount,
        min(pushed_at) as first_pushed_at,
        max(pushed_at) as last_pushed_at
    from {{ ref('int_opportunities__close_dates_pushed') }}
    group by opportunity_id
),

reopenings as (
    -- A closed deal (won or lost) brought back to an open stage slips too, by more than a date.
    select
        opportunity_id,
        count(*) as reopen_count,
        max(exited_at) as last_reopened_at
    from {{ ref('int_opportunities__stages_visited') }}
    where exit_type = 'reopened'
    group by opportunity_id
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.created_at,
        opportunities.created_month,
        opportunities.segment,
        opportunities.territory,
        opportunities.sourced_by,
        opportunities.owner_user_id,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.close_date,
        opportunities.opportunity_amount,
        pushes.first_pushed_at,
        pushes.last_pushed_at,
        coalesce(pushes.push_count, 0) as push_count,
        coalesce(pushes.days_pushed, 0) as days_pushed,
        cast(coalesce(pushes.pushed_amount, 0) as {{ dbt.type_numeric() }}) as pushed_amount,
        reopenings.last_reopened_at,
        coalesce(reopenings.reopen_count, 0) as reopen_count
    from opportunities
    left join pushes on opportunities.opportunity_id = pushes.opportunity_id
    left join reopenings on opportunities.opportunity_id = reopenings.opportunity_id
)

select * from final
