"""The one Dagster code location: landing, dbt, published-warehouse, SLA-alert and weekly-pack assets, the
refresh job, a daily schedule, a landing-file sensor, a sensor that sends failed SLA alerts again and the
weekly pack's schedule. `dg dev` serves it; `dg launch --job refresh` runs a refresh."""

from dagster import Definitions
from dagster_dbt import DbtCliResource

from orchestration.assets.alerts import sla_alert_notifications
from orchestration.assets.dbt import shared_metrics_dbt_assets
from orchestration.assets.landing import demo_landing_data, landing_tables
from orchestration.assets.report import weekly_alignment_pack
from orchestration.assets.warehouse import published_warehouse
from orchestration.automation import (
    daily_refresh_schedule,
    generate_demo_data_job,
    landing_files_sensor,
    refresh_job,
    send_sla_alerts_job,
    sla_alert_retries_sensor,
    weekly_alignment_pack_job,
    weekly_alignment_pack_schedule,
)
from orchestration.project import dbt_project
from orchestration.resources import SlaAlertWebhookResource, WarehouseResource
from shared_metrics.settings import DBT_EXECUTABLE

defs = Definitions(
    assets=[
        *landing_tables,
        demo_landing_data,
        shared_metrics_dbt_assets,
        published_warehouse,
        sla_alert_notifications,
        weekly_alignment_pack,
    ],
    jobs=[refresh_job, generate_demo_data_job, send_sla_alerts_job, weekly_alignment_pack_job],
    schedules=[daily_refresh_schedule, weekly_alignment_pack_schedule],
    sensors=[landing_files_sensor, sla_alert_retries_sensor],
    resources={
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        "warehouse": WarehouseResource.from_environment(),
        "sla_alert_webhook": SlaAlertWebhookResource(),
    },
)
