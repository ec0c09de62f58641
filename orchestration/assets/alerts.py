"""SLA alerts: after each publish, the published metrics.sla_alerts go to the webhook, each alert once.

The refresh job ends with this asset, so every refresh (schedule, landing sensor, `make refresh`) notifies. It
never fails the run: the warehouse is already published, and an alert the webhook did not take is recorded as
failed and sent with the next delivery. That next delivery comes from the sensor sla_alert_retries (job
send_sla_alerts, this asset alone) when the last one left alerts unsent, or else from the next refresh.
"""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from orchestration.assets.warehouse import published_warehouse
from orchestration.resources import SlaAlertWebhookResource, WarehouseResource
from shared_metrics.sla_alerts import SlaAlertError, deliver

# Metadata the retry sensor reads: alerts the webhook did not take in this delivery.
FAILED_ALERTS = "failed_alerts"


@asset(deps=[published_warehouse], group_name="alerts", kinds={"python"})
def sla_alert_notifications(
    context: AssetExecutionContext, warehouse: WarehouseResource, sla_alert_webhook: SlaAlertWebhookResource
) -> MaterializeResult:
    """The published warehouse's SLA alerts (metrics.sla_alerts: MQLs at risk of breaching their first-touch
    or attempts target, or just breached) POSTed as JSON, one message per rep with the manager, to
    SLA_ALERT_WEBHOOK_URL; each alert once (ledger WAREHOUSE_DIR/sla_alert_ledger.duckdb). Off without it."""
    settings = warehouse.settings
    if settings.builds_on_server:
        context.log.warning(
            f"SLA alerts are read from a published DuckDB warehouse; with DBT_TARGET={settings.dbt_target} "
            "none are sent (metrics.sla_alerts on the server lists them)."
        )
        return MaterializeResult(metadata={"webhook": "not on " + settings.dbt_target, FAILED_ALERTS: 0})
    try:
        outcome = deliver(
            settings.published_warehouse,
            settings.warehouse_dir,
            sla_alert_webhook.address,
            sla_alert_webhook.timeout,
        )
    except SlaAlertError as exc:
        context.log.error(f"{exc} No SLA alerts were sent; the refresh itself succeeded.")
        return MaterializeResult(metadata={"webhook": "not usable", FAILED_ALERTS: 0})
    if outcome.webhook == "off":
        context.log.info(
            "SLA_ALERT_WEBHOOK_URL is not set: SLA alerts are listed in metrics.sla_alerts only."
        )
        return MaterializeResult(metadata={"webhook": "off", FAILED_ALERTS: 0})
    for rep, error in outcome.failures.items():
        context.log.warning(
            f"The webhook at {outcome.webhook} did not take the SLA alerts for {rep} ({error}); "
            "they are sent again with the next delivery."
        )
    context.log.info(
        f"SLA alerts: {outcome.listed} listed, {outcome.already_sent} sent before, {outcome.sent} sent now, "
        f"{outcome.failed} failed (webhook {outcome.webhook})."
    )
    return MaterializeResult(
        metadata={
            "webhook": outcome.webhook,
            "listed_alerts": outcome.listed,
            "already_sent_alerts": outcome.already_sent,
            "sent_alerts": outcome.sent,
            FAILED_ALERTS: outcome.failed,
            "failures": MetadataValue.json(outcome.failures),
        }
    )
