-- A week's closing pipeline in the waterfall is the weekly snapshot's pipeline due this quarter, per slice:
-- two ways of rebuilding the pipeline from the history agree. Reported in Dagster as a check on the waterfall.
{{ config(meta={'dagster': {'ref': {'name': 'pipeline_waterfall'}}}) }}

with

waterfall as (
    select
        period_start as week_start,
        segment,
        territory,
        sourced_by,
        closing_count,
        closing_amount
    from {{ ref('pipeline_waterfall') }}
    where period_type = 'week'
),

snapshot as (
    select
        week_start,
        segment,
        territory,
        sourced_by,
        sum(closing_this_quarter_count) as closing_count,
        sum(closing_this_quarter_amount) as closing_amount
    from {{ ref('pipeline_snapshot') }}
    group by week_start, segment, territory, sourced_by
)

select
    coalesce(waterfall.week_start, snapshot.week_start) as week_start,
    coalesce(waterfall.segment, snapshot.segment) as segment,
    coalesce(waterfall.territory, snapshot.territory) as territory,
    coalesce(waterfall.sourced_by, snapshot.sourced_by) as sourced_by,
    waterfall.closing_amount as waterfall_closing_amount,
    snapshot.closing_amount as snapshot_closing_amount
from waterfall
full outer join snapshot
    on
        waterfall.week_start = snapshot.week_start
        and waterfall.segment = snapshot.segment
        and waterfall.territory = snapshot.territory
        and waterfall.sourced_by = snapshot.sourced_by
where
    coalesce(waterfall.closing_count, 0) <> coalesce(snapshot.closing_count, 0)
    or coalesce(waterfall.closing_amount, 0) <> coalesce(snapshot.closing_amount, 0)
