"""The shared-metrics layer recovers the generator's planted truth.

Tolerances come from sample size: an observed rate may differ from the planted one by at most Z standard
errors, sqrt(p (1 - p) / n). With Z = 4 a correct model fails by chance about once in 16,000 checks; the
data set is fixed by its seed, so a pass or a fail is repeatable. At the suite's 250k leads the pooled
tolerance of every stage conversion is below 2 percentage points, so an error of 2 points is caught.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict

import numpy as np
import pytest

from shared_metrics.business_time import load_calendars
from shared_metrics.settings import PROJECT_DIR

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("small_warehouse")

Z = 4.0


def tolerance(rate: float, n: int) -> float:
    return Z * math.sqrt(max(rate * (1 - rate), 1e-9) / n)


def test_every_staged_lead_is_in_lead_funnel_exactly_once(warehouse) -> None:
    missing_or_extra = warehouse.execute(
        """
        select count(*) from staging.stg_salesforce__leads as staged
        full outer join (select * from metrics.lead_funnel where person_type = 'lead') as funnel
            on staged.lead_id = funnel.lead_id
        where staged.lead_id is null or funnel.lead_id is null
        """
    ).fetchall()[0][0]
    duplicates = warehouse.execute(
        "select count(lead_id) - count(distinct lead_id) from metrics.lead_funnel"
    ).fetchall()[0][0]
    assert (missing_or_extra, duplicates) == (0, 0)


@pytest.fixture(scope="module")
def mature_conversion(warehouse, small_truth: dict) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(to_stage, lead source, segment) -> (entered, converted) over the mature cohorts of leads (the planted
    rates are the leads'; contact persons' stages are checked in tests/test_people.py)."""
    rows = warehouse.execute(
        """
        select to_stage, lead_source, segment, sum(entered_count), sum(converted_count)
        from metrics.funnel_conversion
        where cohort_month < ? and person_type = 'lead'
        group by all
        """,
        [small_truth["generator"]["mature_cohorts_created_before"]],
    ).fetchall()
    return {(stage, source, segment): (int(n), int(k)) for stage, source, segment, n, k in rows}


def test_funnel_counts_exactly_the_leads_that_entered_each_stage(mature_conversion, small_truth) -> None:
    for planted in small_truth["stage_conversion"]:
        key = (planted["to_stage"], planted["lead_source"], planted["segment"])
        assert mature_conversion.get(key, (0, 0))[0] == planted["entered"], key


def test_stage_conversion_recovers_planted_rate_per_source_and_segment(
    mature_conversion, small_truth
) -> None:
    misses = []
    for planted in small_truth["stage_conversion"]:
        if planted["entered"] < 30:
            continue
        entered, converted = mature_conversion[
            (planted["to_stage"], planted["lead_source"], planted["segment"])
        ]
        rate = planted["expected_converted"] / planted["entered"]
        if abs(converted / entered - rate) > tolerance(rate, entered):
            misses.append(
                (planted["from_stage"], planted["to_stage"], planted["lead_source"], planted["segment"])
            )
    assert not misses


def test_pooled_stage_conversion_is_recovered_to_within_two_points(mature_conversion, small_truth) -> None:
    by_stage: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for planted in small_truth["stage_conversion"]:
        entered, converted = mature_conversion[
            (planted["to_stage"], planted["lead_source"], planted["segment"])
        ]
        totals = by_stage[planted["to_stage"]]
        totals[0] += entered
        totals[1] += converted
        totals[2] += planted["expected_converted"]
    for stage, (entered, converted, expected) in by_stage.items():
        rate = expected / entered
        assert tolerance(rate, entered) < 0.02, f"too few leads to detect a 2-point error in {stage}"
        assert abs(converted / entered - rate) <= tolerance(rate, entered), stage


@pytest.fixture(scope="module")
def settled_sla_by_rep(warehouse, small_truth: dict) -> dict[str, tuple[int, int, int, int]]:
    """rep -> (MQLs, first touched within target, enough attempts, never touched), MQLs settled at as-of."""
    settled_before = dt.date.fromisoformat(small_truth["generator"]["as_of"]) - dt.timedelta(days=21)
    rows = warehouse.execute(
        """
        select
            owner_user_id,
            count(*),
            count(*) filter (where first_touch_sla_status = 'met'),
            count(*) filter (where attempts_sla_status = 'met'),
            count(*) filter (where is_never_touched)
        from metrics.sales_sla_by_lead
        where mql_at <= ? and person_type = 'lead'
        group by owner_user_id
        """,
        [settled_before],
    ).fetchall()
    return {rep: tuple(int(v) for v in values) for rep, *values in rows}


def test_sales_sla_judges_exactly_the_planted_mqls_of_each_rep(settled_sla_by_rep, small_truth) -> None:
    for rep in small_truth["sales_sla"]["reps"]:
        assert settled_sla_by_rep.get(rep["user_id"], (0,))[0] == rep["settled_mqls"], rep["user_id"]


@pytest.mark.parametrize(
    ("measure", "column"),
    [
        ("expected_first_touch_within_target", 1),
        ("expected_enough_attempts", 2),
        ("expected_never_touched", 3),
    ],
)
def test_sales_sla_recovers_each_reps_planted_behaviour(
    settled_sla_by_rep, small_truth, measure, column
) -> None:
    misses, pooled = [], [0, 0, 0.0]
    for rep in small_truth["sales_sla"]["reps"]:
        n = rep["settled_mqls"]
        if n == 0:
            continue
        observed = settled_sla_by_rep[rep["user_id"]][column]
        rate = rep[measure] / n
        pooled[0] += n
        pooled[1] += observed
        pooled[2] += rep[measure]
        if abs(observed / n - rate) > tolerance(rate, n):
            misses.append((rep["user_id"], observed / n, rate, n))
    assert not misses
    n, observed, expected = pooled
    assert abs(observed - expected) / n <= tolerance(expected / n, n)


def test_business_minutes_equal_an_independent_python_calendar(warehouse) -> None:
    rows = warehouse.execute(
        """
        select
            owner_territory,
            epoch(mql_at)::bigint,
            epoch(first_touch_at)::bigint,
            business_minutes_to_first_touch
        from metrics.sales_sla_by_lead
        where first_touch_at is not null
        order by lead_id
        limit 3000
        """
    ).fetchall()
    calendars = load_calendars(dt.date(2024, 6, 1), dt.date(2027, 3, 1))
    for territory, calendar in calendars.items():
        sample = [r for r in rows if r[0] == territory]
        mql = np.array([r[1] for r in sample], dtype=np.int64)
        touch = np.array([r[2] for r in sample], dtype=np.int64)
        expected = calendar.business_seconds_between(mql, touch) / 60
        assert np.allclose([r[3] for r in sample], expected), territory


def test_sla_compliance_adds_up_to_the_leads_it_summarises(warehouse) -> None:
    by_lead, rolled_up = warehouse.execute(
        """
        select
            (select count(*) from metrics.sales_sla_by_lead),
            (select sum(first_touch_met_count + first_touch_missed_count + first_touch_pending_count)
             from metrics.sales_sla_compliance)
        """
    ).fetchall()[0]
    assert by_lead == rolled_up


def test_every_metrics_table_has_an_enforced_contract_and_every_column_a_description(warehouse) -> None:
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    marts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "metrics"
    }
    tables = {
        name
        for (name,) in warehouse.execute(
            "select table_name from information_schema.tables where table_schema = 'metrics'"
        ).fetchall()
    }
    assert tables == set(marts)
    for name, node in marts.items():
        assert node["config"]["contract"]["enforced"], name
        assert node["description"].startswith("One row per"), name  # the grain comes first
        columns = [
            c
            for (c,) in warehouse.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'metrics' and table_name = ?",
                [name],
            ).fetchall()
        ]
        assert set(columns) == set(node["columns"]), name
        assert all(node["columns"][c]["description"].strip() for c in columns), name
