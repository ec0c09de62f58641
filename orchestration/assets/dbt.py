"""Every dbt model and seed as a Dagster asset, every dbt test as an asset check; built into the candidate."""

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.project import dbt_project
from orchestration.resources import WarehouseResource
from shared_metrics.engines import (
    build_arguments,
    candidate_schema_suffix,
    incremental_relations,
    prepare_candidate_schemas,
    prepare_landing,
)
from shared_metrics.landing_check import require_valid_landing
from shared_metrics.publish import (
    acquire_refresh_lock,
    prepare_candidate,
    release_refresh_lock,
    version_now,
)
from shared_metrics.refresh_mode import TEST_SCOPE_ENV, full_rebuild_reason
from shared_metrics.settings import duckdb_build_threads


class SharedMetricsTranslator(DagsterDbtTranslator):
    """Assets are keyed schema/name (metrics/lead_funnel) and grouped by schema; sources keep
    salesforce/<table>, the keys of the landing assets."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # Named like the warehouse schema the asset fills: config (seeds), staging, intermediate, metrics
        # (marts and the semantic layer's time spine).
        return dbt_resource_props["schema"]


@dbt_assets(
    manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=SharedMetricsTranslator()
)
def shared_metrics_dbt_assets(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator:
    """Build and test the selected models in a fresh candidate warehouse (write and audit); publishing is
    the published_warehouse asset's job, and it runs only when every model and test here succeeded."""
    settings = warehouse.settings
    # Bad landing files stop the refresh here, before the warehouse is touched, naming each problem.
    landing = require_valid_landing(settings.landing_dir)
    for file, columns in landing.ignored_columns.items():
        context.log.warning(f"Ignored columns not in the landing contract: {file}: {', '.join(columns)}")
    full_rebuild = full_rebuild_reason(settings)
    try:
        if settings.builds_on_server:
            # Candidate schemas on the server, published by published_warehouse.
            acquire_refresh_lock(settings)
            context.log.info(prepare_landing(settings.dbt_target, settings.landing_dir))
            history = incremental_relations(json.loads(dbt_project.manifest_path.read_text()))
            context.log.info(prepare_candidate_schemas(settings.dbt_target, bool(full_rebuild), history))
            suffix = candidate_schema_suffix(settings.dbt_target, version_now())
            warehouse.export_for_dbt(candidate=None, schema_suffix=suffix)
        else:
            candidate = prepare_candidate(settings)
            warehouse.export_for_dbt(candidate)
            context.log.info(f"Candidate warehouse: {candidate}")
        # Incremental: data tests on the rewritten rows; full: on every row (macros/scoped_tests.sql).
        os.environ[TEST_SCOPE_ENV] = "all" if full_rebuild else "refreshed"
        if full_rebuild:
            context.log.info(f"Full rebuild into the candidate: {full_rebuild}")
        else:
            context.log.info(
                "Incremental refresh of the candidate (a copy of what is published): data tests run on the "
                "rows it rewrites"
            )
        full = ["--full-refresh"] if full_rebuild else []
        threads = None if settings.builds_on_server else duckdb_build_threads(settings.landing_dir)
        invocation = dbt.cli(
            [
                "build",
                *full,
                *build_arguments(settings.dbt_target),
                *(["--threads", str(threads)] if threads else []),
            ],
            context=context,
        )
        try:
            yield from invocation.stream()
        finally:
            prune_run_folders(invocation.target_path)
    except BaseException:
        # Nothing will be published: let the next refresh start (a killed process releases it anyway).
        release_refresh_lock(settings)
        raise


# dagster-dbt gives every dbt invocation a target folder of its own (~20 MB of manifest, compiled SQL and run
# results): the newest few are kept for looking into a refresh, older ones go.
DBT_RUN_FOLDERS_KEPT = 10


def prune_run_folders(current: Path) -> None:
    """Remove all but the DBT_RUN_FOLDERS_KEPT newest run folders beside `current` (named <op>-<run>-<id>)."""
    prefix = current.name.split("-")[0]
    folders = sorted(
        (f for f in current.parent.glob(f"{prefix}-*") if f.is_dir()), key=lambda f: f.stat().st_mtime
    )
    for folder in folders[:-DBT_RUN_FOLDERS_KEPT]:
        if folder != current:
            shutil.rmtree(folder, ignore_errors=True)
