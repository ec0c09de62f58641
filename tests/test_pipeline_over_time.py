"""The opportunity's journey recovers the generator's planted stage progression (tests/conftest.py's small
warehouse, 250,000 leads): per segment and open stage, exactly the deals that left the stage and advanced, an
advance rate within sampling error of the planted probabilities, and the median days in stage."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from shared_metrics.generate.parameters import REOPEN_AFTER_DAYS
from shared_metrics.settings import PROJECT_DIR

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("small_warehouse")

Z = 4.0
# The planted median is the middle of a half-day bin; the warehouse interpolates between two durations.
MEDIAN_DAYS_TOLERANCE = 0.5


def shared_stage_of() -> dict[str, str]:
    with (PROJECT_DIR / "seeds" / "opportunity_stage_map.csv").open() as seed:
        return {row["stage_name"]: row["shared_stage"] for row in csv.DictReader(seed)}


def test_stage_advances_and_days_in_stage_recover_the_planted_journey(warehouse, small_truth: dict) -> None:
    mature_before = small_truth["generator"]["mature_cohorts_created_before"]
    observed = {
        (segment, stage): (int(left), int(advanced), median)
        for segment, stage, left, advanced, median in warehouse.execute(
            """select segment, shared_stage, count(*), count(*) filter (where stage_outcome = 'advanced'),
                      median(calendar_days_in_stage)
               from metrics.opportunity_stages
               where stage_type = 'open' and last_exited_at is not null and created_at < ?
               group by all""",
            [mature_before],
        ).fetchall()
    }
    stage_of = shared_stage_of()
    misses, checked = [], 0
    for planted in small_truth["opportunity_stages"]:
        key = (planted["segment"], stage_of[planted["stage"]])
        left, advanced, median = observed[key]
        # Every deal that left a stage, and how: exactly what the generator landed.
        assert (left, advanced) == (planted["left"], planted["advanced"]), key
        rate = planted["expected_advanced"] / left
        if 0 < rate < 1 and abs(advanced / left - rate) > Z * math.sqrt(rate * (1 - rate) / left):
            misses.append((key, round(rate, 4), round(advanced / left, 4), left))
        assert abs(median - planted["median_days_in_stage"]) <= MEDIAN_DAYS_TOLERANCE, key
        checked += 1
    assert checked == 15 and not misses, misses
    # Deals drawn to be lost advance with the planted per-segment probabilities: later stages keep fewer of
    # them, and Enterprise deals persist longer than SMB ones.
    assert observed[("Enterprise", "Prospecting")][1] / observed[("Enterprise", "Prospecting")][0] > (
        observed[("SMB", "Prospecting")][1] / observed[("SMB", "Prospecting")][0]
    )


def test_stage_conversion_adds_up_to_the_deals_of_opportunity_stages(warehouse) -> None:
    by_stage = warehouse.execute(
        """select shared_stage, count(*), count(*) filter (where stage_outcome = 'advanced'),
                  count(*) filter (where is_won), count(*) filter (where is_lost),
                  count(calendar_days_in_stage)
           from metrics.opportunity_stages where stage_type = 'open' group by all order by all"""
    ).fetchall()
    conversion = warehouse.execute(
        """select shared_stage, sum(reached_count), sum(advanced_count), sum(won_count), sum(lost_count),
                  sum(exited_count)
           from metrics.opportunity_stage_conversion group by all order by all"""
    ).fetchall()
    assert conversion == by_stage and len(by_stage) == 5
    # Every opportunity with a stage history reaches the first stage; won deals reach every stage.
    opportunities, won = warehouse.execute(
        """select count(*), count(*) filter (where is_won) from metrics.opportunity_stages
           where shared_stage = 'Prospecting'"""
    ).fetchone()
    assert dict((row[0], row[1]) for row in by_stage)["Prospecting"] == opportunities
    assert all(row[3] == won for row in by_stage)


def test_close_date_pushes_recover_the_planted_push_rates(warehouse, small_truth: dict) -> None:
    mature_before = small_truth["generator"]["mature_cohorts_created_before"]
    observed = {
        segment: (int(deals), int(pushed), int(pushes))
        for segment, deals, pushed, pushes in warehouse.execute(
            """select segment, count(*), count(*) filter (where push_count > 0), sum(push_count)
               from metrics.opportunity_slippage where created_at < ? group by all""",
            [mature_before],
        ).fetchall()
    }
    for planted in small_truth["close_date_pushes"]:
        deals, pushed, pushes = observed[planted["segment"]]
        # Exactly the deals and pushes the generator landed ...
        assert (deals, pushed, pushes) == (planted["opportunities"], planted["pushed"], planted["pushes"])
        # ... and so the planted push probability, within sampling error.
        p = planted["push_probability"]
        assert abs(pushed / deals - p) <= Z * math.sqrt(p * (1 - p) / deals), planted
    # Slippage sums add up to the pushes themselves.
    per_push, per_deal = warehouse.execute(
        """select (select sum(days_pushed) from intermediate.int_opportunities__close_dates_pushed),
                  (select sum(days_pushed) from metrics.opportunity_slippage)"""
    ).fetchall()[0]
    assert per_push == per_deal > 0


def test_reopenings_recover_the_planted_reopen_rates(warehouse, small_truth: dict) -> None:
    """Lost deals reopened and lost again are exactly the landed ones, the share reopened (of deals lost long
    enough ago for it to be decided) is within sampling error of the planted probability, and a reopening is
    never counted as a close-date push."""
    settled_before = np.datetime64(small_truth["generator"]["as_of"]) - np.timedelta64(
        int(REOPEN_AFTER_DAYS[1] * 86400), "s"
    )
    observed = {
        segment: tuple(int(value) for value in counts)
        for segment, *counts in warehouse.execute(
            """select slippage.segment, count(*), count(*) filter (where slippage.reopen_count > 0),
                      count(*) filter (where lost.visit_count > 1),
                      count(*) filter (where lost.reached_at <= ?),
                      count(*) filter (where lost.reached_at <= ? and slippage.reopen_count > 0)
               from metrics.opportunity_slippage as slippage
               inner join metrics.opportunity_stages as lost
                   on slippage.opportunity_id = lost.opportunity_id and lost.shared_stage = 'Lost'
               where slippage.created_at < ?
               group by all""",
            [
                settled_before.item(),
                settled_before.item(),
                small_truth["generator"]["mature_cohorts_created_before"],
            ],
        ).fetchall()
    }
    for planted in small_truth["reopenings"]:
        lost, reopened, lost_again, settled, settled_reopened = observed[planted["segment"]]
        assert (lost, reopened, lost_again, settled, settled_reopened) == (
            planted["lost"],
            planted["reopened"],
            planted["lost_again"],
            planted["settled_lost"],
            planted["settled_reopened"],
        ), planted
        p = planted["reopen_probability"]
        assert abs(settled_reopened / settled - p) <= Z * math.sqrt(p * (1 - p) / settled), planted
        assert lost_again > 0
    reopened_pushes = warehouse.execute(
        """select count(*) from intermediate.int_opportunities__close_dates_pushed as pushes
           inner join intermediate.int_opportunities__states_spanned as states
               using (opportunity_stage_change_id)
           where states.previous_stage_type <> 'open'"""
    ).fetchall()[0][0]
    assert reopened_pushes == 0


def test_weekly_snapshots_equal_the_pipeline_read_straight_from_the_landed_history(
    warehouse, small_landing
) -> None:
    """For a few week ends, open deals and amount per segment read from the landing files (each deal's last
    history row at or before the week's end, if open) equal the snapshot rebuilt by the warehouse."""
    weeks = [
        row[0]
        for row in warehouse.execute(
            "select distinct week_start from metrics.pipeline_snapshot where is_week_complete order by 1"
        ).fetchall()
    ]
    chosen = [weeks[len(weeks) // 4], weeks[len(weeks) // 2], weeks[-1]]
    for week in chosen:
        snapshot = dict(
            (segment, (int(count), float(amount)))
            for segment, count, amount in warehouse.execute(
                """select segment, sum(open_count), sum(open_amount) from metrics.pipeline_snapshot
                   where week_start = ? group by all""",
                [week],
            ).fetchall()
        )
        landed = dict(
            (segment, (int(count), float(amount)))
            for segment, count, amount in warehouse.execute(
                f"""
                with history as (
                    select distinct id, opportunity_id, stage_name, amount, created_date
                    from read_parquet('{small_landing}/opportunity_history/*.parquet')
                    where not is_deleted and created_date <= cast(? as date) + interval 7 day
                ),
                latest as (
                    select * from history
                    qualify row_number() over (
                        partition by opportunity_id order by created_date desc, id desc
                    ) = 1
                )
                select opportunities.segment, count(*), sum(latest.amount)
                from latest
                inner join intermediate.int_opportunities__sourced as opportunities
                    on latest.opportunity_id = opportunities.opportunity_id
                where latest.stage_name not like 'Closed%'
                group by all
                """,
                [week],
            ).fetchall()
        )
        assert set(landed) == set(snapshot) and len(snapshot) >= 3, week
        for segment, (count, amount) in landed.items():
            assert snapshot[segment][0] == count, (week, segment)
            assert snapshot[segment][1] == pytest.approx(amount, rel=1e-9), (week, segment)


def test_target_pacing_counts_bookings_and_business_days_independently_read(warehouse) -> None:
    """Bookings and pipeline created per quarter, segment and territory equal the opportunities counted by
    calendar quarter (the default fiscal year starts in January); each quarter's business days are the
    weekdays off the territory's holidays (seed), counted with numpy; pacing is attainment over the elapsed
    share."""
    pacing = warehouse.execute(
        """select fiscal_quarter_start, segment, territory, won_count, won_amount, created_count,
                  business_days_in_quarter, business_days_elapsed, bookings_attainment, bookings_pacing,
                  elapsed_share
           from metrics.sales_target_pacing"""
    ).fetchall()
    counted = {}
    for quarter, segment, territory, won, amount, created in warehouse.execute(
        """with won as (
               select cast(date_trunc('quarter', close_date) as date) as quarter, segment, territory,
                      count(*) as won, sum(opportunity_amount) as amount
               from intermediate.int_opportunities__sourced where is_won group by all
           ),
           created as (
               select cast(date_trunc('quarter', created_at) as date) as quarter, segment, territory,
                      count(*) as created
               from intermediate.int_opportunities__sourced group by all
           )
           select quarter, segment, territory, coalesce(won, 0), coalesce(amount, 0), coalesce(created, 0)
           from won full join created using (quarter, segment, territory)"""
    ).fetchall():
        counted[(quarter, segment, territory)] = (int(won), float(amount), int(created))
    with (PROJECT_DIR / "seeds" / "business_holidays.csv").open() as seed:
        holidays = [
            row["holiday_date"] for row in csv.DictReader(seed) if row["territory"] == "North America"
        ]
    assert len(pacing) >= 18 * 8
    for quarter, segment, territory, won, amount, created, days, elapsed, attainment, pace, share in pacing:
        assert (won, float(amount), created) == counted.get((quarter, segment, territory), (0, 0.0, 0))
        if territory == "North America":
            next_quarter = (np.datetime64(quarter, "M") + 3).astype("datetime64[D]")
            assert days == np.busday_count(np.datetime64(quarter), next_quarter, holidays=holidays), quarter
        assert share == pytest.approx(elapsed / days, rel=1e-12)
        if share:
            assert pace == pytest.approx(attainment / share, rel=1e-12)


def test_scorecards_add_each_reps_deals_up_the_landed_manager_chain(warehouse, small_landing) -> None:
    """Every rep's deals count for them and each manager above them in the landed user table (a chain of rep,
    manager, director and head of sales), quotas add up to the shared targets at the top, and the SLA counts
    at the top equal sales_sla_compliance's."""
    manager_of = dict(
        warehouse.execute(
            f"select distinct id, manager_id from read_parquet('{small_landing}/user/*.parquet')"
        ).fetchall()
    )

    def chain(user_id: str):
        while user_id is not None:
            yield user_id
            user_id = manager_of.get(user_id)

    expected: dict[tuple, list] = {}
    for created_quarter, close_quarter, owner, is_won, amount in warehouse.execute(
        """select cast(date_trunc('quarter', created_at) as date),
                  cast(date_trunc('quarter', close_date) as date), owner_user_id, is_won, opportunity_amount
           from intermediate.int_opportunities__sourced"""
    ).fetchall():
        for above in chain(owner):
            expected.setdefault((created_quarter, above), [0, 0, 0.0])[0] += 1
            if is_won:
                figures = expected.setdefault((close_quarter, above), [0, 0, 0.0])
                figures[1] += 1
                figures[2] += float(amount)
    scorecard = {
        (quarter, user_id): [int(created), int(won), float(amount)]
        for quarter, user_id, created, won, amount in warehouse.execute(
            """select fiscal_quarter_start, user_id, created_count, won_count, won_amount
               from metrics.sales_scorecard"""
        ).fetchall()
    }
    last_quarter = max(quarter for quarter, _ in scorecard)
    expected = {key: figures for key, figures in expected.items() if key[0] <= last_quarter}
    assert set(scorecard) >= set(expected)
    for key, (created, won, amount) in scorecard.items():
        assert [created, won] == expected.get(key, [0, 0, 0.0])[:2], key
        assert amount == pytest.approx(expected.get(key, [0, 0, 0.0])[2], rel=1e-9), key
    roles = dict(
        warehouse.execute(
            "select distinct user_role, count(*) from metrics.sales_scorecard group by 1"
        ).fetchall()
    )
    assert set(roles) == {"Sales Rep", "Sales Manager", "Sales Director", "Head of Sales"}
    # At the top of the chain: every rep's quota adds up to the shared targets, the SLA to the SLA mart's.
    top = warehouse.execute(
        """with head as (
               select fiscal_quarter_start, bookings_quota_amount, received_mql_count, first_touch_met_count
               from metrics.sales_scorecard where manager_user_id is null
           ),
           targets as (
               select fiscal_quarter_start, sum(bookings_target_amount) as target
               from metrics.sales_target_pacing group by all
           ),
           sla as (
               -- MQLs still waiting in a queue belong to nobody's scorecard yet.
               select cast(date_trunc('quarter', mql_month) as date) as fiscal_quarter_start,
                      sum(received_mql_count) as mqls, sum(first_touch_met_count) as met
               from metrics.sales_sla_compliance where owner_user_id is not null group by all
           )
           select head.*, targets.target, sla.mqls, sla.met
           from head
           inner join targets using (fiscal_quarter_start)
           inner join sla using (fiscal_quarter_start)"""
    ).fetchall()
    assert len(top) >= 8
    for quarter, quota, mqls, met, target, sla_mqls, sla_met in top:
        assert float(quota) == pytest.approx(float(target), rel=1e-9), quarter
        assert (mqls, met) == (sla_mqls, sla_met), quarter
