"""The weekly alignment pack: HTML and PDF rendered from the published warehouse."""

from dagster import AssetExecutionContext, Failure, MaterializeResult, MetadataValue, asset

from orchestration.assets.warehouse import published_warehouse
from orchestration.resources import WarehouseResource
from shared_metrics.report.store import render_published


@asset(deps=[published_warehouse], group_name="published", kinds={"pdf", "html"})
def weekly_alignment_pack(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """WAREHOUSE_DIR/reports/weekly-<ISO week>.html and .pdf (latest.html / latest.pdf the newest): the last
    complete week's funnel, both SLAs, pipeline against target, campaign ROI, feedback reasons and notable
    changes. Reads the published file read-only and writes only under reports/, so a failed render leaves
    the published warehouse and the previous packs as they were."""
    settings = warehouse.settings
    if settings.builds_on_server:
        raise Failure(
            f"The weekly pack reads the published DuckDB file; DBT_TARGET={settings.dbt_target} publishes "
            "schemas on a server instead. Render it where a DuckDB warehouse is published."
        )
    files = render_published(settings)
    context.log.info(f"Weekly alignment pack {files.week}: {files.html}, {files.pdf}")
    return MaterializeResult(
        metadata={
            "week": files.week,
            "html": MetadataValue.path(str(files.html)),
            "pdf": MetadataValue.path(str(files.pdf)),
            "pdf_bytes": files.pdf.stat().st_size,
        }
    )
