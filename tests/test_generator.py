"""The synthetic landing zone: contract, determinism, sizes, defect rates and the planted truth it carries."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from shared_metrics.business_time import load_calendars
from shared_metrics.generate import parameters as P
from shared_metrics.generate.landing_zone import generate
from shared_metrics.generate.truth import TRUTH_FILE
from shared_metrics.landing import TABLES

pytestmark = pytest.mark.check


def read(landing: Path, table: str):
    return pq.read_table(landing / table).combine_chunks()


def assert_same_landing(left: Path, right: Path) -> None:
    for table in TABLES:
        assert read(left, table).equals(read(right, table)), f"table {table} differs"
    assert (left / TRUTH_FILE).read_text() == (right / TRUTH_FILE).read_text()


def test_every_table_lands_with_exactly_the_contract_schema(small_landing: Path) -> None:
    for name, table in TABLES.items():
        assert (
            pq.read_schema(next((small_landing / name).glob("*.parquet"))).remove_metadata() == table.schema
        ), name


def test_same_seed_gives_identical_data_however_the_work_is_split(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(P, "CHUNK_LEADS", 1_000)  # several chunks from a few thousand leads
    generate(3_500, 11, tmp_path / "one", workers=1, progress=False)
    generate(3_500, 11, tmp_path / "two", workers=2, progress=False)
    assert_same_landing(tmp_path / "one", tmp_path / "two")


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate(2_000, 1, tmp_path / "a", progress=False)
    generate(2_000, 2, tmp_path / "b", progress=False)
    assert not read(tmp_path / "a", "lead").equals(read(tmp_path / "b", "lead"))


def test_refuses_to_overwrite_a_folder_with_data_unless_forced(tmp_path: Path) -> None:
    generate(500, 1, tmp_path, progress=False)
    with pytest.raises(SystemExit, match="--force"):
        generate(500, 1, tmp_path, progress=False)
    generate(500, 2, tmp_path, force=True, progress=False)


def test_every_generated_lead_lands_once_plus_known_extras(small_landing: Path, small_truth: dict) -> None:
    counts = small_truth["defects"]["tables"]["lead"]
    distinct_ids = duckdb.sql(
        f"select count(distinct id) from read_parquet('{small_landing}/lead/*.parquet')"
    ).fetchall()[0][0]
    junk_with_id = sum(n for reason, n in counts["quarantined"].items() if reason != "null_id")
    assert distinct_ids == small_truth["generator"]["leads"] + junk_with_id
    assert counts["staged"] + counts["deleted"] == small_truth["generator"]["leads"]
    assert counts["landed"] == distinct_ids + counts["quarantined"]["null_id"] + counts["superseded"]


def within_binomial(observed: int, trials: int, rate: float, sigmas: float = 4.0) -> bool:
    expected = trials * rate
    return abs(observed - expected) <= sigmas * math.sqrt(trials * rate * (1 - rate)) + 1


def test_defects_are_injected_at_their_recorded_rates(small_truth: dict) -> None:
    rates = small_truth["defects"]["rates"]
    for name, counts in small_truth["defects"]["tables"].items():
        clean = counts["staged"] + counts["deleted"]
        if clean < 5_000:
            continue  # too few rows for a rate check; exact counts are checked against the warehouse
        junk = sum(counts["quarantined"].values())
        versioned = TABLES[name].version_column is not None
        superseded_rate = (rates["superseded_version"] if versioned else 0) + rates["exact_duplicate"]
        assert within_binomial(counts["superseded"], clean, superseded_rate), name
        assert within_binomial(counts["quarantined"]["null_id"], clean, rates["null_id"]), name
        assert junk >= len(counts["quarantined"])  # at least one row per reason
    lead = small_truth["defects"]["tables"]["lead"]
    assert within_binomial(
        lead["quarantined"]["unknown_status"], lead["staged"] + lead["deleted"], rates["unknown_status"]
    )


def test_sales_touches_happen_in_the_owners_working_hours(small_landing: Path, small_truth: dict) -> None:
    as_of = small_truth["generator"]["as_of"]
    rows = duckdb.sql(
        f"""
        select u.territory, epoch(t.completed_date_time)::bigint
        from read_parquet('{small_landing}/task/*.parquet') t
        join read_parquet('{small_landing}/user/*.parquet') u on u.id = t.owner_id
        where t.status = 'Completed' and t.completed_date_time <= '{as_of}'
        union all
        select u.territory, epoch(e.start_date_time)::bigint
        from read_parquet('{small_landing}/event/*.parquet') e
        join read_parquet('{small_landing}/user/*.parquet') u on u.id = e.owner_id
        where e.created_date <= '{as_of}'
        """
    ).fetchall()
    assert len(rows) > 10_000
    calendars = load_calendars(dt.date(2024, 6, 1), dt.date(2027, 1, 31))
    territory = np.array([r[0] for r in rows])
    at = np.array([r[1] for r in rows], dtype=np.int64)
    for name, calendar in calendars.items():
        times = at[territory == name]
        # A working instant gains business time in the minute before it; a night or holiday instant does not.
        gained = calendar.business_seconds_between(times - 60, times)
        assert (gained > 0).all(), f"{(gained == 0).sum()} touches outside working hours in {name}"


def test_stage_conversion_in_the_landed_history_matches_the_planted_rates(
    small_landing: Path, small_truth: dict
) -> None:
    """The generator's own check: reading the landing files naively recovers what _truth.json says."""
    cutoff = small_truth["generator"]["mature_cohorts_created_before"]
    reached = duckdb.sql(
        f"""
        with leads as (
            select id, is_converted, converted_opportunity_id from (
                select *, row_number() over (partition by id order by system_modstamp desc) as version
                from read_parquet('{small_landing}/lead/*.parquet')
                where id is not null and id not like '00Q9%'
            ) where version = 1 and not is_deleted and created_date < '{cutoff}'
        ),
        statuses as (
            select distinct lead_id, new_value from read_parquet('{small_landing}/lead_history/*.parquet')
            where field = 'Status'
        ),
        won as (select distinct id from read_parquet('{small_landing}/opportunity/*.parquet') where is_won)
        select
            count(*),
            count(*) filter (where id in (select lead_id from statuses where new_value in
                ('Marketing Qualified', 'Sales Accepted', 'Sales Qualified', 'Closed - Converted'))),
            count(*) filter (where id in (select lead_id from statuses
                where new_value in ('Sales Accepted', 'Sales Qualified', 'Closed - Converted'))),
            count(*) filter (where id in (select lead_id from statuses
                where new_value in ('Sales Qualified', 'Closed - Converted'))),
            count(*) filter (where is_converted),
            count(*) filter (where converted_opportunity_id in (select id from won))
        from leads
        """
    ).fetchall()[0]
    for k, stage in enumerate(["MQL", "SAL", "SQL", "Opportunity", "Won"]):
        rows = [r for r in small_truth["stage_conversion"] if r["to_stage"] == stage]
        entered = sum(r["entered"] for r in rows)
        planted = sum(r["expected_converted"] for r in rows) / entered
        assert entered == reached[k], stage
        observed = reached[k + 1] / reached[k]
        tolerance = 4 * math.sqrt(planted * (1 - planted) / entered)
        assert abs(observed - planted) <= tolerance, (stage, observed, planted, tolerance)


def test_opportunities_advance_through_stages_at_the_planted_rates_and_durations(
    small_landing: Path, small_truth: dict
) -> None:
    """Per segment and open stage, the drawn advances match the planted probabilities within sampling error;
    reading the landed stage history naively recovers the truth's counts and median days in stage."""
    rows = small_truth["opportunity_stages"]
    assert len(rows) == 15 and all(r["left"] > 100 for r in rows)
    for row in rows:
        variance = row["expected_advanced"] * (1 - row["expected_advanced"] / row["left"])
        assert abs(row["advanced"] - row["expected_advanced"]) <= 4 * math.sqrt(variance) + 1, row
    cutoff = small_truth["generator"]["mature_cohorts_created_before"]
    landed = duckdb.sql(
        f"""
        with opportunities as (
            select distinct id from read_parquet('{small_landing}/opportunity/*.parquet')
            where id is not null and not is_deleted and created_date < '{cutoff}'
        ),
        stage_rows as (
            select distinct opportunity_id, stage_name, created_date
            from read_parquet('{small_landing}/opportunity_history/*.parquet')
            where not is_deleted and opportunity_id in (select id from opportunities)
                and created_date < '2100-01-01'
        ),
        stage_changes as (
            -- Pushes of the close date and amount edits land as rows within a stage.
            select * from (
                select *, lag(stage_name) over stay as previous_stage
                from stage_rows
                window stay as (partition by opportunity_id order by created_date)
            )
            where previous_stage is distinct from stage_name
        ),
        ordered as (
            select *, lead(stage_name) over stay as next_stage, lead(created_date) over stay as left_at
            from stage_changes
            window stay as (partition by opportunity_id order by created_date)
        )
        select
            stage_name,
            count(*) filter (where left_at is not null),
            count(*) filter (where left_at is not null and next_stage <> 'Closed Lost'),
            median(date_diff('second', created_date, left_at) / 86400.0)
        from ordered
        where stage_name not like 'Closed%'
        group by stage_name
        """
    ).fetchall()
    for stage, left, advanced, median_days in landed:
        truth = [r for r in rows if r["stage"] == stage]
        assert left == pytest.approx(sum(r["left"] for r in truth), rel=0.03), stage
        assert advanced == pytest.approx(sum(r["advanced"] for r in truth), rel=0.03), stage
        medians = sorted(r["median_days_in_stage"] for r in truth)
        assert medians[0] - 1 <= median_days <= medians[-1] + 1, (stage, median_days, medians)
    assert len(landed) == 5


def test_close_dates_are_pushed_at_the_planted_rates_and_only_later(
    small_landing: Path, small_truth: dict
) -> None:
    """Per segment the share of deals pushed matches the planted probability within sampling error, pushed
    deals are pushed again about as often as planted, and reading the landed history (a later close date on a
    row of an open stage after one of an open stage: a reopening is no push) finds the truth's pushes."""
    rows = small_truth["close_date_pushes"]
    for row in rows:
        p, n = row["push_probability"], row["opportunities"]
        assert n > 1000 and abs(row["pushed"] - n * p) <= 4 * math.sqrt(n * p * (1 - p)), row
        # Each pushed deal is pushed 1 + Geometric more times: 1 / (1 - 0.35) pushes on average (capped).
        assert row["pushes"] / row["pushed"] == pytest.approx(1 / 0.65, rel=0.06), row
    cutoff = small_truth["generator"]["mature_cohorts_created_before"]
    landed_pushes = duckdb.sql(
        f"""
        with history as (
            select opportunity_id, stage_name, close_date,
                lag(close_date) over in_time as previous_close,
                lag(stage_name) over in_time as previous_stage
            from read_parquet('{small_landing}/opportunity_history/*.parquet')
            where not is_deleted and opportunity_id in (
                select id from read_parquet('{small_landing}/opportunity/*.parquet')
                where not is_deleted and created_date < '{cutoff}'
            )
            window in_time as (partition by opportunity_id order by created_date, id)
        )
        select count(*) from history
        where stage_name not like 'Closed%' and previous_stage not like 'Closed%'
            and close_date > previous_close
        """
    ).fetchall()[0][0]
    assert landed_pushes == pytest.approx(sum(r["pushes"] for r in rows), rel=0.02)


def test_lost_deals_are_reopened_at_the_planted_rates_and_lost_again(
    small_landing: Path, small_truth: dict
) -> None:
    """Per segment the share of lost deals reopened matches the planted probability within sampling error,
    and the landed history holds exactly the truth's reopenings: an open-stage row right after a Closed Lost
    one."""
    rows = small_truth["reopenings"]
    for row in rows:
        p, n = row["reopen_probability"], row["settled_lost"]
        assert n > 1000 and abs(row["settled_reopened"] - n * p) <= 4 * math.sqrt(n * p * (1 - p)), row
        assert row["lost_again"] <= row["reopened"] <= row["lost"]
    cutoff = small_truth["generator"]["mature_cohorts_created_before"]
    landed = duckdb.sql(
        f"""
        with history as (
            select opportunity_id, stage_name,
                lag(stage_name) over (partition by opportunity_id order by created_date, id) as previous_stage
            from read_parquet('{small_landing}/opportunity_history/*.parquet')
            where not is_deleted and opportunity_id in (
                select id from read_parquet('{small_landing}/opportunity/*.parquet')
                where not is_deleted and created_date < '{cutoff}'
            )
        )
        select count(distinct opportunity_id) from history
        where previous_stage = 'Closed Lost' and stage_name not like 'Closed%'
        """
    ).fetchall()[0][0]
    assert landed == sum(row["reopened"] for row in rows)


def test_truth_file_is_json_with_every_section(small_landing: Path) -> None:
    truth = json.loads((small_landing / TRUTH_FILE).read_text())
    assert set(truth) >= {
        "generator",
        "stage_conversion",
        "opportunity_stages",
        "sales_sla",
        "campaigns",
        "defects",
    }
    assert len(truth["sales_sla"]["reps"]) >= 36
    assert all(0 < r["p_first_touch_within_target_if_touched"] < 1 for r in truth["sales_sla"]["reps"])
