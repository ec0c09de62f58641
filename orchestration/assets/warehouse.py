"""The published warehouse: the audited candidate, swapped in atomically."""

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from orchestration.assets.dbt import shared_metrics_dbt_assets
from orchestration.resources import WarehouseResource
from shared_metrics import readouts
from shared_metrics.engines import publish_candidate_schemas
from shared_metrics.markdown import markdown_table
from shared_metrics.publish import publish, release_refresh_lock, version_now
from shared_metrics.refresh_mode import project_fingerprint
from shared_metrics.settings import Settings


@asset(deps=shared_metrics_dbt_assets.keys, group_name="published", kinds={"duckdb"})
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """WAREHOUSE_DIR/warehouse.duckdb, the file readers open read-only. Runs only after every dbt model and
    test of the refresh succeeded; replaces the file atomically and keeps earlier versions for rollback."""
    settings = warehouse.settings
    if settings.builds_on_server:
        return _publish_schemas(context, settings)
    try:
        publication = publish(settings)
    finally:
        release_refresh_lock(settings)
    with duckdb.connect(str(publication.path), read_only=True) as con:
        read = readouts.connection_reader(con)
        row_counts = readouts.metrics_row_counts(read)
        quarantined = readouts.quarantined_rows(read)
        freshness = readouts.latest_data_quality(read)
        clocks = readouts.data_clocks(read)
        figures = readouts.headline_figures(read)
    warning = readouts.staleness_warning(clocks)
    if warning:
        context.log.warning(warning)
    context.log.info(f"Published version {publication.version} to {publication.path}")
    return MaterializeResult(
        metadata={
            "version": publication.version,
            "published_at": MetadataValue.timestamp(publication.published_at),
            "path": MetadataValue.path(str(publication.path)),
            "metrics_rows": MetadataValue.json(row_counts),
            "quarantined_rows": int(quarantined["quarantined_rows"].sum()),
            "quarantined_by_reason": MetadataValue.json(
                {
                    f"{row.source_table}: {row.quarantine_reason}": int(row.quarantined_rows)
                    for row in quarantined.itertuples()
                }
            ),
            "data_quality": MetadataValue.md(frame_table(freshness)),
            "data_as_of": MetadataValue.md(frame_table(clocks)),
            "landing_is_stale": bool(clocks["is_stale"].any()),
            "headline_figures": MetadataValue.json(
                {figure.label: figure.value for figure in figures.values()}
            ),
        }
    )


def frame_table(frame) -> str:
    return markdown_table(list(frame.columns), frame.values.tolist())


def _publish_schemas(context: AssetExecutionContext, settings: Settings) -> MaterializeResult:
    """PostgreSQL: the audited candidate schemas take the published names in one transaction. Spark: views in
    the published schemas point at the audited version."""
    version = version_now()
    try:
        version, schemas = publish_candidate_schemas(settings.dbt_target, version, project_fingerprint())
    finally:
        release_refresh_lock(settings)
    context.log.info(f"Published version {version} on {settings.dbt_target}: schemas {', '.join(schemas)}")
    return MaterializeResult(
        metadata={"target": settings.dbt_target, "version": version, "schemas": MetadataValue.json(schemas)}
    )
