"""When refreshes run: the refresh job, a daily schedule and a sensor on new landing files; when SLA alerts
the webhook did not take are sent again (a sensor on the alert deliveries); and the weekly alignment pack's
job and schedule."""

import hashlib
import json

from dagster import (
    AssetKey,
    AssetObservation,
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    EventLogEntry,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    asset_sensor,
    define_asset_job,
    in_process_executor,
    sensor,
)

from orchestration.assets.alerts import FAILED_ALERTS, sla_alert_notifications
from orchestration.assets.dbt import shared_metrics_dbt_assets
from orchestration.assets.landing import demo_landing_data, landing_asset_key, table_fingerprint
from orchestration.assets.report import weekly_alignment_pack
from orchestration.assets.warehouse import published_warehouse
from orchestration.resources import WarehouseResource
from shared_metrics.landing import TABLES
from shared_metrics.settings import load_settings

# One process for the whole run: the refresh lock taken when the candidate is prepared is held until publish.
refresh_job = define_asset_job(
    "refresh",
    selection=AssetSelection.assets(shared_metrics_dbt_assets, published_warehouse, sla_alert_notifications),
    executor_def=in_process_executor,
    description="Build and test every dbt model into a candidate warehouse, then publish it atomically and "
    "send the SLA alerts not sent yet (SLA_ALERT_WEBHOOK_URL).",
)

send_sla_alerts_job = define_asset_job(
    "send_sla_alerts",
    selection=AssetSelection.assets(sla_alert_notifications),
    executor_def=in_process_executor,
    description="Send the published SLA alerts that the webhook has not taken yet.",
)

generate_demo_data_job = define_asset_job(
    "generate_demo_data",
    selection=AssetSelection.assets(demo_landing_data),
    executor_def=in_process_executor,
    description="Write synthetic Salesforce data with planted truth into LANDING_DIR.",
)

daily_refresh_schedule = ScheduleDefinition(
    name="daily_refresh",
    job=refresh_job,
    cron_schedule=load_settings().refresh_cron,
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Refresh every day (REFRESH_CRON, default 06:00 UTC).",
)

# Its own job, not part of the refresh: a pack that fails to render never holds up or undoes a publish.
weekly_alignment_pack_job = define_asset_job(
    "render_weekly_alignment_pack",
    selection=AssetSelection.assets(weekly_alignment_pack),
    executor_def=in_process_executor,
    description="Render the weekly alignment pack (HTML and PDF) from the published warehouse.",
)

weekly_alignment_pack_schedule = ScheduleDefinition(
    name="weekly_alignment_pack",
    job=weekly_alignment_pack_job,
    cron_schedule=load_settings().report_cron,
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Render the weekly alignment pack every week (REPORT_CRON, default Monday 07:00 UTC).",
)


@sensor(
    name="landing_files",
    job=refresh_job,
    minimum_interval_seconds=load_settings().landing_sensor_interval_seconds,
    default_status=DefaultSensorStatus.RUNNING,
    description="Start a refresh when files in LANDING_DIR appear or change (names, sizes, modified times).",
)
def landing_files_sensor(
    context: SensorEvaluationContext, warehouse: WarehouseResource
) -> SensorResult | SkipReason:
    landing_dir = warehouse.settings.landing_dir
    fingerprints = {table: table_fingerprint(landing_dir, table) for table in TABLES}
    if not any(f["files"] for f in fingerprints.values()):
        return SkipReason(f"No landed files in {landing_dir} yet.")
    state = hashlib.sha256(json.dumps(fingerprints, sort_keys=True).encode()).hexdigest()
    if state == context.cursor:
        return SkipReason(f"No new or changed files in {landing_dir}.")
    observations = [
        AssetObservation(asset_key=landing_asset_key(table), metadata=fingerprint)
        for table, fingerprint in fingerprints.items()
    ]
    return SensorResult(run_requests=[RunRequest(run_key=state)], asset_events=observations, cursor=state)


@asset_sensor(
    asset_key=AssetKey("sla_alert_notifications"),
    name="sla_alert_retries",
    job=send_sla_alerts_job,
    minimum_interval_seconds=load_settings().sla_alert_retry_interval_seconds,
    default_status=DefaultSensorStatus.RUNNING,
    description="Send SLA alerts again when the last delivery left some unsent (the webhook failed), at most "
    "every SLA_ALERT_RETRY_INTERVAL_SECONDS.",
)
def sla_alert_retries_sensor(context: SensorEvaluationContext, asset_event: EventLogEntry):
    """Looks at each new delivery (the asset's materialization): one that left alerts unsent starts one more
    delivery, whose own outcome decides the next; the ledger keeps any alert from going out twice."""
    materialization = asset_event.asset_materialization
    failed = materialization.metadata.get(FAILED_ALERTS) if materialization else None
    if failed is None or not failed.value:
        return SkipReason("The last SLA alert delivery left nothing unsent.")
    return RunRequest(run_key=asset_event.run_id)
