"""The same project on PostgreSQL and on Spark gives the same numbers as on DuckDB (issue 11; `make engines`
at scale)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from shared_metrics.engines.__main__ import compare_engines
from shared_metrics.engines.postgres import load_landing, local_server
from shared_metrics.landing import TABLES
from shared_metrics.settings import Settings

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("engines")


def test_postgres_and_spark_build_every_metrics_table_equal_to_duckdb(
    tiny_settings: Settings, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(tiny_settings.landing_dir, landing)
    # Spark without its data tests (half its build time): DuckDB's build runs them on the same data, and
    # `make engines` runs them on every engine.
    duckdb_row, *engine_rows = compare_engines(
        landing, tmp_path / "work", ("postgres", "spark"), without_data_tests=("spark",)
    )
    assert duckdb_row["tables"] >= 12
    assert [row["engine"] for row in engine_rows] == ["postgres", "spark"]
    for row in engine_rows:
        assert row["tables"] == duckdb_row["tables"], row["engine"]
        assert row["differences"] == 0, f"{row['engine']}:\n" + "\n".join(row["problems"])


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


def test_a_dagster_refresh_with_dbt_target_postgres_builds_the_metrics_on_the_server(
    tiny_settings: Settings, refresh_in_process, tmp_path: Path, monkeypatch
) -> None:
    from dataclasses import replace

    settings = replace(tiny_settings, warehouse_dir=tmp_path / "warehouse")
    truth = json.loads((settings.landing_dir / "_truth.json").read_text())["defects"]["tables"]
    with local_server() as server:
        monkeypatch.setenv("DBT_TARGET", "postgres")
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        # Twice: the second appends to the data-quality history built by the first (an incremental model).
        assert refresh_in_process(settings)
        assert refresh_in_process(settings)
        with server.cursor() as cursor:
            cursor.execute("select count(*) from metrics.lead_funnel")
            leads = cursor.fetchone()[0]
            cursor.execute(
                "select source_table, landed_row_count, staged_row_count from metrics.data_quality "
                "where refreshed_at = (select max(refreshed_at) from metrics.data_quality)"
            )
            reconciled = {table: (landed, staged) for table, landed, staged in cursor.fetchall()}
            cursor.execute("select count(distinct refreshed_at) from metrics.data_quality")
            refreshes = cursor.fetchone()[0]
    assert refreshes == 2
    assert leads == truth["lead"]["staged"]
    for table, planted in truth.items():
        assert reconciled[table] == (planted["landed"], planted["staged"]), table
    assert not settings.published_warehouse.exists()  # a server target is built in place, nothing published
