"""Incremental refreshes give exactly what a full rebuild gives, and a refresh knows when it may build on the
published warehouse."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import shared_metrics.refresh_mode as refresh_mode
from shared_metrics.compare import warehouse_differences
from shared_metrics.generate.daily import land_day
from shared_metrics.settings import DBT_EXECUTABLE, PROJECT_DIR, Settings, virtualenv_environment

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("incremental")

FIRST_AS_OF = dt.datetime(2026, 11, 1, 12)
DAYS = [dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 4)]
# Which rows a refresh recomputed: differs between an incremental and a full build by design.
REFRESH_BOOKKEEPING = (
    "int_leads__changed",
    "int_people__changed",
    "int_opportunities__changed",
    "data_quality",
    "landing_manifest",
)


# Seeds and models without the data tests (quicker); the last incremental day runs the tests too.
BUILD_WITHOUT_TESTS = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def dbt(command: list[str], landing: Path, warehouse: Path, as_of: dt.datetime, **environment: str) -> None:
    environment = virtualenv_environment(
        DBT_TARGET="duckdb",
        LANDING_DIR=str(landing),
        DBT_DUCKDB_PATH=str(warehouse),
        SHARED_METRICS_AS_OF=as_of.isoformat(sep=" "),
        **environment,
    )
    result = subprocess.run(
        [DBT_EXECUTABLE, *command, "--quiet"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_several_incremental_days_equal_a_full_rebuild(tiny_settings: Settings, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(tiny_settings.landing_dir, landing)
    incremental = tmp_path / "incremental" / "warehouse.duckdb"
    rebuilt = tmp_path / "rebuilt" / "warehouse.duckdb"
    incremental.parent.mkdir()
    rebuilt.parent.mkdir()

    dbt(BUILD_WITHOUT_TESTS, landing, incremental, FIRST_AS_OF)
    landed: dict[str, int] = {}
    for day in DAYS:
        for table, rows in land_day(landing, day).items():
            landed[table] = landed.get(table, 0) + rows
        if day == DAYS[1]:
            # The EL tool lands the first day's lead extract again, under another name.
            shutil.copyfile(day_file(landing, "lead", DAYS[0]), landing / "lead" / "relanded-lead.parquet")
        if day == DAYS[2]:
            # ... and rewrites the second day's task file with one more (late) row.
            rewrite_with_a_late_row(day_file(landing, "task", DAYS[1]))
        as_of = dt.datetime.combine(day, dt.time(23))
        if day == DAYS[-1]:
            # The last day tests as a refresh does: the rows it rewrote (macros/scoped_tests.sql).
            target = tmp_path / "target"
            scoped = {refresh_mode.TEST_SCOPE_ENV: "refreshed"}
            dbt(["build", "--target-path", str(target)], landing, incremental, as_of, **scoped)
        else:
            dbt(BUILD_WITHOUT_TESTS, landing, incremental, as_of)
    dbt(BUILD_WITHOUT_TESTS, landing, rebuilt, as_of)

    # The days held every kind of change, and the incremental runs recomputed only part of the leads.
    assert min(landed.values()) >= len(DAYS), landed
    with duckdb.connect(str(incremental), read_only=True) as con:
        recomputed = con.execute("select count(*) from intermediate.int_leads__changed").fetchone()[0]
        deleted = con.execute(
            "select count(*) from staging.base_salesforce__leads where is_deleted"
        ).fetchone()[0]
        # Calls landed with a day's file but stamped two days earlier: older than what the run before read.
        late = con.execute(
            "select count(*) from staging.stg_salesforce__tasks "
            "where task_id like 'T2026%' and modified_at < strptime(substr(task_id, 2, 8), '%Y%m%d')"
        ).fetchone()[0]
        all_leads = con.execute("select count(*) from staging.stg_salesforce__leads").fetchone()[0]
        # Contacts entered the funnel on their own (a first response) and left it (a lead converted to them).
        entered = con.execute(
            """select count(*) from metrics.lead_funnel where person_type = 'contact' and person_id in (
                   select contact_id from staging.stg_salesforce__campaign_members
                   where campaign_member_id like 'R2026%')"""
        ).fetchone()[0]
        left = con.execute(
            """select count(*) from staging.stg_salesforce__leads
               where converted_contact_id in (
                   select contact_id from staging.stg_salesforce__campaign_members where lead_id is null)
               and converted_at >= timestamp '2026-11-02'
               and converted_contact_id not in (select person_id from metrics.lead_funnel)"""
        ).fetchone()[0]
    assert 0 < recomputed < all_leads / 2
    assert deleted >= len(DAYS) and late >= 1
    assert entered >= 1 and left >= 1, (entered, left)
    assert_only_new_files_were_read(incremental, landing)
    tests = target / "run" / "shared_metrics" / "models"
    lead_funnel_test = (tests / "marts" / "lead_funnel.yml" / "unique_lead_funnel_person_id.sql").read_text()
    assert "int_people__changed" in lead_funnel_test
    base_tests = tests / "staging" / "salesforce" / "base"
    base_test = next(base_tests.glob("*/accepted_values_base_salesforce__leads*"))
    assert "refreshed_by = " in base_test.read_text()

    compared = 0
    for schema in ("staging", "intermediate", "metrics"):
        tables, problems = warehouse_differences(rebuilt, incremental, schema, 1e-9, skip=REFRESH_BOOKKEEPING)
        assert not problems, "\n".join(problems)
        compared += tables
    assert compared >= 35


def day_file(landing: Path, table: str, day: dt.date) -> Path:
    return landing / table / f"day-{day:%Y%m%d}.parquet"


def rewrite_with_a_late_row(path: Path) -> None:
    rows = pq.read_table(path)
    late = rows.slice(0, 1).set_column(0, "id", pa.array(["T20261103REWRITTEN"]))
    pq.write_table(pa.concat_tables([rows, late]), path)


def assert_only_new_files_were_read(warehouse: Path, landing: Path) -> None:
    """Each refresh read only the files that landed since the one before (the landing manifest), except the
    table whose file was rewritten: that refresh read all of its files again."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        reads = con.execute(
            """select source_table, parse_filename(landed_file), read_at from staging.landing_manifest
               order by read_at"""
        ).fetchall()
    read_at = {(table, file): at for table, file, at in reads}
    first = min(read_at.values())
    days = {day: dt.datetime.combine(day, dt.time(23)) for day in DAYS}
    for (table, file), at in read_at.items():
        if file.startswith("day-"):
            landed_on = dt.datetime.strptime(file, "day-%Y%m%d.parquet").date()
            expected = days[DAYS[2]] if table == "task" else days[landed_on]
        elif file == "relanded-lead.parquet":
            expected = days[DAYS[1]]
        else:
            expected = days[DAYS[2]] if table == "task" else first
        assert at == expected, (table, file, at, expected)
    landed_files = {(path.parent.name, path.name) for path in landing.glob("*/*.parquet")}
    assert set(read_at) == landed_files


def test_a_refresh_builds_on_the_published_warehouse_only_when_that_is_exact(
    published_tiny: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(refresh_mode.FULL_REFRESH_ENV, raising=False)
    monkeypatch.delenv("SHARED_METRICS_AS_OF", raising=False)
    assert refresh_mode.full_rebuild_reason(published_tiny) is None

    nothing = replace(published_tiny, warehouse_dir=tmp_path / "empty")
    assert refresh_mode.full_rebuild_reason(nothing) == "nothing is published yet"

    monkeypatch.setenv("SHARED_METRICS_AS_OF", "2099-01-01 00:00:00")
    assert "more than 30 days old" in refresh_mode.full_rebuild_reason(published_tiny)
    monkeypatch.delenv("SHARED_METRICS_AS_OF")

    with duckdb.connect(str(published_tiny.published_warehouse), read_only=True) as con:
        rebuilt_at = con.execute("select rebuilt_at from meta.last_full_rebuild").fetchone()[0]
    for days, rebuilds in ((6, False), (8, True)):
        as_of = rebuilt_at + dt.timedelta(days=days)
        monkeypatch.setenv("SHARED_METRICS_AS_OF", f"{as_of:%Y-%m-%d %H:%M:%S}")
        reason = refresh_mode.full_rebuild_reason(published_tiny) or ""
        assert ("full_rebuild_every_days" in reason) == rebuilds, reason
    monkeypatch.delenv("SHARED_METRICS_AS_OF")

    monkeypatch.setattr(refresh_mode, "project_fingerprint", lambda: "another-release")
    assert "changed since the published build" in refresh_mode.full_rebuild_reason(published_tiny)
    monkeypatch.undo()

    monkeypatch.setenv(refresh_mode.FULL_REFRESH_ENV, "1")
    assert refresh_mode.full_rebuild_reason(published_tiny) == f"{refresh_mode.FULL_REFRESH_ENV} is set"
