"""The same project on PostgreSQL gives the same numbers as on DuckDB, with write–audit–publish through
Dagster (issue 11). Run by `make engines` (marker `engines`), which CI runs after `make test` on every change,
after its comparison of DuckDB, PostgreSQL and Spark from the same 100,000 generated leads with data tests on
every engine: the engine checks need servers and minutes, kept out of the 8-minute `make test`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from refresh_helpers import landing_with_an_impossible_status_change

from shared_metrics.engines.comparison import (
    AS_OF,
    SKIPPED_TABLES,
    Reference,
    duckdb_reference,
    engine_differences,
)
from shared_metrics.engines.postgres import load_landing, local_server, postgres_tables
from shared_metrics.landing import TABLES
from shared_metrics.settings import Settings

# Tests that share this module's DuckDB reference run on one pytest-xdist worker (make test runs two).
pytestmark = [pytest.mark.engines, pytest.mark.xdist_group("engines")]


@pytest.fixture(scope="module")
def reference(tiny_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """DuckDB's metrics tables of the tiny landing at the comparison's as-of. Models only: tiny_template's
    refresh ran every data test on this landing."""
    return duckdb_reference(tiny_settings.landing_dir, tmp_path_factory.mktemp("engines"), data_tests=False)


def test_postgres_refreshes_publish_only_audited_schemas_and_build_incrementally_equal_to_duckdb(
    tiny_settings: Settings, refresh_in_process, reference: Reference, tmp_path: Path, monkeypatch
) -> None:
    """Write–audit–publish on PostgreSQL through the Dagster assets: a full refresh an hour before the
    comparison's as-of publishes its schemas; a refresh whose dbt test fails leaves readers every published
    table as it was (its half-built candidate schemas are never read); the next refresh builds incrementally
    on what is published and equals DuckDB's full build at the as-of."""
    settings = replace(tiny_settings, warehouse_dir=tmp_path / "warehouse")
    broken = replace(settings, landing_dir=tmp_path / "broken")
    landing_with_an_impossible_status_change(settings.landing_dir, broken.landing_dir)
    truth = json.loads((settings.landing_dir / "_truth.json").read_text())["defects"]["tables"]
    an_hour_earlier = dt.datetime.fromisoformat(AS_OF) - dt.timedelta(hours=1)
    with local_server() as server:
        monkeypatch.setenv("DBT_TARGET", "postgres")
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("SHARED_METRICS_AS_OF", an_hour_earlier.isoformat(sep=" "))
        assert refresh_in_process(settings)
        published = postgres_tables(server, "metrics")

        monkeypatch.setenv("SHARED_METRICS_AS_OF", AS_OF)
        assert not refresh_in_process(broken)
        after_failure = postgres_tables(server, "metrics")
        with server.cursor() as cursor:
            cursor.execute(
                "select count(*) from information_schema.tables where table_schema = 'metrics__candidate'"
            )
            half_built = cursor.fetchone()[0]

        assert refresh_in_process(settings)
        problems = engine_differences(reference.tables, postgres_tables(server, "metrics", SKIPPED_TABLES))
        with server.cursor() as cursor:
            cursor.execute(
                "select source_table, landed_row_count, staged_row_count from metrics.data_quality "
                "where refreshed_at = (select max(refreshed_at) from metrics.data_quality)"
            )
            reconciled = {table: (landed, staged) for table, landed, staged in cursor.fetchall()}
            cursor.execute("select count(distinct refreshed_at) from metrics.data_quality")
            refreshes = cursor.fetchone()[0]
            cursor.execute(
                "select (select count(*) from intermediate.int_leads__changed), "
                "(select count(*) from staging.stg_salesforce__leads)"
            )
            recomputed, all_leads = cursor.fetchone()
            cursor.execute("select nspname from pg_namespace where nspname like '%%\\_\\_%%'")
            left_over = [name for (name,) in cursor.fetchall()]
    assert half_built > 0
    assert not engine_differences(published, after_failure)
    assert len(reference.tables) >= 12
    assert not problems, "\n".join(problems)
    assert refreshes == 2 and 0 < recomputed < all_leads
    for table, planted in truth.items():
        assert reconciled[table] == (planted["landed"], planted["staged"]), table
    assert not left_over  # no candidate or previous schemas stay behind a published refresh
    assert not settings.published_warehouse.exists()  # a server target publishes schemas, not a file


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
