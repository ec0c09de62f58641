"""Helpers for tests that refresh small warehouses through Dagster or the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from shared_metrics.compare import warehouse_differences
from shared_metrics.landing import TABLES
from shared_metrics.settings import PROJECT_DIR, Settings, virtualenv_environment

TINY_LEADS = 3_000


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli_environment(settings: Settings, **extra: str) -> dict[str, str]:
    return virtualenv_environment(
        LANDING_DIR=str(settings.landing_dir),
        WAREHOUSE_DIR=str(settings.warehouse_dir),
        DAGSTER_HOME=str(settings.warehouse_dir.parent / "dagster"),
        **extra,
    )


def start_cli_refresh(settings: Settings, **extra_environment: str) -> subprocess.Popen:
    (settings.warehouse_dir.parent / "dagster").mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "refresh"],
        cwd=PROJECT_DIR,
        env=cli_environment(settings, **extra_environment),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so a kill reaches dg and dbt too
    )


# What depends on when a refresh ran rather than on what it read: compared without these columns.
REFRESH_TIMES = {
    "data_quality": "refreshed_at, hours_since_newest_change",
    "data_clocks": "refreshed_at, hours_behind_refresh, is_stale",
}


def metrics_differences(left: Path, right: Path) -> list[str]:
    """Every difference between the metrics schemas of two published warehouses built from the same data,
    whenever each refresh ran; at least 14 tables must be compared."""
    tables, problems = warehouse_differences(left, right, "metrics", 1e-12, skip=tuple(REFRESH_TIMES))
    if tables < 14:
        problems.append(f"only {tables} metrics tables compared")
    with (
        duckdb.connect(str(left), read_only=True) as first,
        duckdb.connect(str(right), read_only=True) as second,
    ):
        for table, when in REFRESH_TIMES.items():
            # data_quality keeps a row per table for every refresh: the newest refresh's.
            query = f"""select * exclude ({when}) from metrics.{table}
                where refreshed_at = (select max(refreshed_at) from metrics.{table}) order by all"""
            before, after = first.execute(query).fetchall(), second.execute(query).fetchall()
            if before != after:
                only = sorted(set(before) ^ set(after), key=str)[:4]
                problems.append(f"metrics.{table} differs (times of the refresh left out), e.g. {only}")
    return problems


def landing_with_an_impossible_status_change(source: Path, target: Path) -> None:
    """A copy (by links) of a landing folder plus one status change ten years before its lead was created,
    which lead_funnel's test "MQL after creation" rejects."""
    for table in TABLES:
        (target / table).mkdir(parents=True)
        for part in (source / table).glob("*.parquet"):
            (target / table / part.name).hardlink_to(part)
    lead = pq.read_table(next((source / "lead").glob("*.parquet")))
    lead = lead.filter(pa.compute.invert(lead["is_deleted"])).slice(0, 1)
    bad_change = {
        "id": ["017BAD000000000001"],
        "lead_id": [lead["id"][0].as_py()],
        "field": ["Status"],
        "old_value": ["Open - Not Contacted"],
        "new_value": ["Marketing Qualified"],
        "created_by_id": [None],
        "created_date": [lead["created_date"][0].as_py() - dt.timedelta(days=3650)],
        "is_deleted": [False],
    }
    pq.write_table(
        pa.table(bad_change, schema=TABLES["lead_history"].schema),
        target / "lead_history" / "part-bad.parquet",
    )
