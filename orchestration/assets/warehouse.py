"""The published warehouse: the audited candidate, swapped in atomically."""

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from orchestration.assets.dbt import shared_metrics_dbt_assets
from orchestration.resources import WarehouseResource
from shared_metrics.markdown import markdown_table
from shared_metrics.publish import publish, release_refresh_lock


@asset(deps=shared_metrics_dbt_assets.keys, group_name="published", kinds={"duckdb"})
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """WAREHOUSE_DIR/warehouse.duckdb, the file readers open read-only. Runs only after every dbt model and
    test of the refresh succeeded; replaces the file atomically and keeps earlier versions for rollback."""
    settings = warehouse.settings
    if settings.builds_on_server:
        context.log.info(f"The {settings.dbt_target} target was built in place: no file to publish")
        return MaterializeResult(metadata={"target": settings.dbt_target, "published": "in place"})
    try:
        publication = publish(settings)
    finally:
        release_refresh_lock(settings)
    with duckdb.connect(str(publication.path), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'metrics' order by 1"
        ).fetchall()
        row_counts = [
            (name, con.execute(f'select count(*) from metrics."{name}"').fetchall()[0][0])
            for (name,) in tables
        ]
        quarantined = con.execute(
            "select source_table || ': ' || quarantine_reason, count(*) "
            "from staging.stg_salesforce__quarantined_rows group by 1 order by 1"
        ).fetchall()
        freshness = con.execute(
            """select source_table, landed_row_count, staged_row_count, quarantined_row_count,
                      superseded_row_count, deleted_row_count, round(hours_since_newest_change, 1)
               from metrics.data_quality qualify refreshed_at = max(refreshed_at) over () order by 1"""
        ).fetchall()
    data_quality = markdown_table(
        ["table", "landed", "staged", "quarantined", "superseded", "deleted", "hours since newest change"],
        [list(row) for row in freshness],
    )
    context.log.info(f"Published version {publication.version} to {publication.path}")
    return MaterializeResult(
        metadata={
            "version": publication.version,
            "published_at": MetadataValue.timestamp(publication.published_at),
            "path": MetadataValue.path(str(publication.path)),
            "metrics_rows": MetadataValue.json({name: int(rows) for name, rows in row_counts}),
            "quarantined_rows": sum(int(n) for _, n in quarantined),
            "quarantined_by_reason": MetadataValue.json({reason: int(n) for reason, n in quarantined}),
            "data_quality": MetadataValue.md(data_quality),
        }
    )
