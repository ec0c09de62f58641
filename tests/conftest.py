"""Shared fixtures: a small generated landing zone and a warehouse built from it with dbt."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from refresh_helpers import TINY_LEADS

from shared_metrics.generate.landing_zone import generate
from shared_metrics.generate.truth import TRUTH_FILE
from shared_metrics.settings import Settings, load_settings

SMALL_LEADS = 250_000
SMALL_SEED = 7
TINY_DEMO = {"leads": TINY_LEADS, "seed": 3, "as_of": "2026-11-01"}


def pytest_collection_finish(session: pytest.Session) -> None:
    """`make test` keeps each xdist_group on one pytest-xdist worker (--dist loadgroup, which marks the node
    ids of grouped tests). pytest 9.2 ignores the mark of pytest-xdist 3.8, silently splitting the groups and
    building their shared warehouses twice: fail instead."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    grouped = [item for item in session.items if item.get_closest_marker("xdist_group")]
    ungrouped = [item.nodeid for item in grouped if "@" not in item.nodeid]
    if ungrouped:
        raise pytest.UsageError(
            f"pytest-xdist did not group {ungrouped[0]} (and {len(ungrouped) - 1} more): this pytest and "
            "pytest-xdist do not work together; pin the versions in constraints.txt that do."
        )


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("landing")
    generate(SMALL_LEADS, SMALL_SEED, landing, force=True, progress=False)
    return landing


@pytest.fixture(scope="session")
def small_truth(small_landing: Path) -> dict:
    return json.loads((small_landing / TRUTH_FILE).read_text())


@pytest.fixture(scope="session")
def small_settings(small_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return replace(
        load_settings(), landing_dir=small_landing, warehouse_dir=tmp_path_factory.mktemp("warehouse")
    )


def run_refresh_in_process(settings: Settings, sla_alert_webhook_url: str = "") -> bool:
    """One refresh through the Dagster assets of the refresh job, in this process, against the given folders
    (SLA alerts off unless a webhook address is given)."""
    from dagster import materialize
    from dagster_dbt import DbtCliResource

    from orchestration.assets.alerts import sla_alert_notifications
    from orchestration.assets.dbt import shared_metrics_dbt_assets
    from orchestration.assets.landing import landing_tables
    from orchestration.assets.warehouse import published_warehouse
    from orchestration.project import dbt_project
    from orchestration.resources import SlaAlertWebhookResource, WarehouseResource
    from shared_metrics.engines import SCHEMA_SUFFIX_ENV
    from shared_metrics.settings import DBT_EXECUTABLE

    with pytest.MonkeyPatch.context() as environment:
        # The dbt step exports these.
        for name in ("DBT_TARGET", "LANDING_DIR", "WAREHOUSE_DIR", "DBT_DUCKDB_PATH", SCHEMA_SUFFIX_ENV):
            environment.setenv(name, os.environ.get(name, ""))
        result = materialize(
            [*landing_tables, shared_metrics_dbt_assets, published_warehouse, sla_alert_notifications],
            resources={
                "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
                "warehouse": WarehouseResource(
                    landing_dir=str(settings.landing_dir), warehouse_dir=str(settings.warehouse_dir)
                ),
                "sla_alert_webhook": SlaAlertWebhookResource(url=sla_alert_webhook_url, timeout_seconds=5),
            },
            raise_on_error=False,
        )
    return result.success


@pytest.fixture(scope="session")
def built_warehouse(small_settings: Settings) -> Path:
    """The small landing zone refreshed through Dagster: built, tested by dbt and published."""
    assert run_refresh_in_process(small_settings)
    return small_settings.published_warehouse


@pytest.fixture(scope="module")
def warehouse(built_warehouse: Path):
    """A read-only connection to the small built warehouse, for checking numbers against planted truth."""
    import duckdb

    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        yield con


@pytest.fixture(scope="session")
def refresh_in_process():
    return run_refresh_in_process


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Settings:
    """A tiny landing (filled by the Dagster demo-data asset) refreshed through every asset and published,
    once per test run: pytest-xdist workers share it under a file lock; modules work on copies."""
    from dagster import materialize
    from filelock import FileLock

    from orchestration.assets.landing import demo_landing_data
    from orchestration.resources import WarehouseResource

    shared = tmp_path_factory.getbasetemp()
    shared = shared if worker_id == "master" else shared.parent
    settings = replace(
        load_settings(), landing_dir=shared / "tiny" / "landing", warehouse_dir=shared / "tiny" / "warehouse"
    )
    with FileLock(shared / "tiny.lock"):
        if not settings.published_warehouse.exists():
            result = materialize(
                [demo_landing_data],
                resources={
                    "warehouse": WarehouseResource(
                        landing_dir=str(settings.landing_dir), warehouse_dir=str(settings.warehouse_dir)
                    )
                },
                run_config={"ops": {"demo_landing_data": {"config": TINY_DEMO}}},
            )
            assert result.success
            assert run_refresh_in_process(settings)
    return settings


@pytest.fixture(scope="module")
def tiny_settings(tiny_template: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the tiny landing folder and an empty warehouse folder, this module's own."""
    root = tmp_path_factory.mktemp("tiny")
    shutil.copytree(tiny_template.landing_dir, root / "landing")
    return replace(tiny_template, landing_dir=root / "landing", warehouse_dir=root / "warehouse")


@pytest.fixture(scope="module")
def published_tiny(tiny_settings: Settings, tiny_template: Settings) -> Settings:
    """tiny_settings with the tiny warehouse published in its warehouse folder (a copy of tiny_template's)."""
    if not tiny_settings.published_warehouse.exists():
        tiny_settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tiny_template.published_warehouse, tiny_settings.published_warehouse)
    return tiny_settings
