"""Resources, configured from the environment through shared_metrics.settings."""

import os
from dataclasses import replace
from pathlib import Path

from dagster import ConfigurableResource

from shared_metrics.engines import SCHEMA_SUFFIX_ENV
from shared_metrics.settings import AS_OF_ENV, Settings, as_of_override, load_settings


class WarehouseResource(ConfigurableResource):
    """Where the landing files are and where the warehouse is built and published."""

    landing_dir: str
    warehouse_dir: str

    @classmethod
    def from_environment(cls) -> "WarehouseResource":
        settings = load_settings()
        return cls(landing_dir=str(settings.landing_dir), warehouse_dir=str(settings.warehouse_dir))

    @property
    def settings(self) -> Settings:
        return replace(
            load_settings(), landing_dir=Path(self.landing_dir), warehouse_dir=Path(self.warehouse_dir)
        )

    def export_for_dbt(self, candidate: Path | None, schema_suffix: str = "") -> None:
        """dbt runs as a subprocess that inherits this environment: point it at the build target (people's
        default is the read-only published one), these folders and the DuckDB candidate file (server targets
        have none; PostgreSQL builds candidate schemas, named with `schema_suffix`)."""
        os.environ["DBT_TARGET"] = self.settings.dbt_target
        os.environ[SCHEMA_SUFFIX_ENV] = schema_suffix
        os.environ["LANDING_DIR"] = self.landing_dir
        os.environ["WAREHOUSE_DIR"] = self.warehouse_dir
        if candidate is not None:
            os.environ["DBT_DUCKDB_PATH"] = str(candidate)
        as_of = as_of_override()  # checked here, and handed to dbt in UTC
        if as_of is not None:
            os.environ[AS_OF_ENV] = as_of.isoformat(sep=" ")


class SlaAlertWebhookResource(ConfigurableResource):
    """Where SLA alerts are POSTed and how long a POST may take. Unconfigured, both come from the environment
    (SLA_ALERT_WEBHOOK_URL, empty: alerts off; SLA_ALERT_WEBHOOK_TIMEOUT_SECONDS) when a run starts, so the
    address, which chat webhooks make a secret, is never stored in Dagster's run configuration or shown in its
    UI."""

    url: str | None = None
    timeout_seconds: int | None = None

    @property
    def address(self) -> str:
        return load_settings().sla_alert_webhook_url if self.url is None else self.url

    @property
    def timeout(self) -> int:
        if self.timeout_seconds is None:
            return load_settings().sla_alert_webhook_timeout_seconds
        return self.timeout_seconds
