"""The same project on PostgreSQL and on Spark gives the same numbers as on DuckDB (issue 11; `make engines`
at scale)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from shared_metrics.engines.comparison import (
    AS_OF,
    SKIPPED_TABLES,
    Reference,
    compare_engines,
    duckdb_reference,
    engine_differences,
)
from shared_metrics.engines.postgres import load_landing, local_server, postgres_tables
from shared_metrics.landing import TABLES
from shared_metrics.settings import PROJECT_DIR, VENV_BIN, Settings, virtualenv_environment

# Tests that share this module's DuckDB reference run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("engines")


@pytest.fixture(scope="module")
def reference(tiny_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """DuckDB's metrics tables of the tiny landing at the comparison's as-of. Models only: tiny_template's
    refresh ran every data test on this landing."""
    return duckdb_reference(tiny_settings.landing_dir, tmp_path_factory.mktemp("engines"), data_tests=False)


def test_a_dagster_refresh_on_postgres_builds_every_metrics_table_equal_to_duckdb(
    tiny_settings: Settings, refresh_in_process, reference: Reference, tmp_path: Path, monkeypatch
) -> None:
    settings = replace(tiny_settings, warehouse_dir=tmp_path / "warehouse")
    truth = json.loads((settings.landing_dir / "_truth.json").read_text())["defects"]["tables"]
    with local_server() as server:
        monkeypatch.setenv("DBT_TARGET", "postgres")
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("SHARED_METRICS_AS_OF", AS_OF)
        assert refresh_in_process(settings)
        # data_quality is an incremental model (the history of landings): one more run of it, as of an hour
        # earlier, appends its rows on PostgreSQL too (a whole second refresh would cost half a minute).
        an_hour_earlier = dt.datetime.fromisoformat(AS_OF) - dt.timedelta(hours=1)
        appended = subprocess.run(
            [str(VENV_BIN / "dbt"), "run", "--quiet", "--select", "data_quality"],
            cwd=PROJECT_DIR,
            env=virtualenv_environment(
                DBT_PROFILES_DIR=str(PROJECT_DIR), SHARED_METRICS_AS_OF=an_hour_earlier.isoformat(sep=" ")
            ),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert appended.returncode == 0, appended.stdout[-2000:]
        problems = engine_differences(reference.tables, postgres_tables(server, "metrics", SKIPPED_TABLES))
        with server.cursor() as cursor:
            cursor.execute(
                "select source_table, landed_row_count, staged_row_count from metrics.data_quality "
                "where refreshed_at = (select max(refreshed_at) from metrics.data_quality)"
            )
            reconciled = {table: (landed, staged) for table, landed, staged in cursor.fetchall()}
            cursor.execute("select count(distinct refreshed_at) from metrics.data_quality")
            refreshes = cursor.fetchone()[0]
    assert len(reference.tables) >= 12
    assert not problems, "\n".join(problems)
    assert refreshes == 2
    for table, planted in truth.items():
        assert reconciled[table] == (planted["landed"], planted["staged"]), table
    assert not settings.published_warehouse.exists()  # a server target is built in place, nothing published


def test_spark_builds_every_metrics_table_equal_to_duckdb(
    tiny_settings: Settings, reference: Reference, tmp_path: Path
) -> None:
    # Without Spark's data tests (half its build time): DuckDB's build runs them on the same data, and
    # `make engines` runs them on every engine.
    duckdb_row, spark_row = compare_engines(
        tiny_settings.landing_dir, tmp_path, ("spark",), without_data_tests=("spark",), reference=reference
    )
    assert (duckdb_row["engine"], spark_row["engine"]) == ("duckdb", "spark")
    assert spark_row["tables"] == duckdb_row["tables"] >= 12
    assert spark_row["differences"] == 0, "\n".join(spark_row["problems"])


def test_the_postgres_loader_copies_every_landed_row_with_its_type(tiny_settings: Settings) -> None:
    import duckdb

    with local_server() as server:
        loaded = load_landing(tiny_settings.landing_dir, server)
        with server.cursor() as cursor:
            cursor.execute(
                "select table_name, column_name, data_type from information_schema.columns "
                "where table_schema = 'raw'"
            )
            types = {(table, column): kind for table, column, kind in cursor.fetchall()}
    for name in TABLES:
        files = tiny_settings.landing_dir / name / "*.parquet"
        landed = duckdb.sql(f"select count(*) from read_parquet('{files}')").fetchall()[0][0]
        assert loaded[name] == landed > 0, name
    assert types[("opportunity", "amount")] == "double precision"
    assert types[("lead", "created_date")] == "timestamp without time zone"
    assert types[("lead", "is_converted")] == "boolean"
    assert types[("campaign", "start_date")] == "date"
