"""Every setting the Python side reads from the environment, in one place."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
PUBLISHED_FILE_NAME = "warehouse.duckdb"
# The warehouse and the logs are the account's own: files 0600, folders 0700 (whatever the umask).
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
AS_OF_ENV = "SHARED_METRICS_AS_OF"


class SettingsError(ValueError):
    """An environment variable holds what cannot be used; the message names it and what to write."""


# The project's virtualenv: dbt, dg and mf come from it, whether or not it is activated.
VENV_BIN = Path(sys.executable).parent
DBT_EXECUTABLE = str(VENV_BIN / "dbt")


def virtualenv_environment(**overrides: str) -> dict[str, str]:
    """This process's environment with the virtualenv first on PATH, for the tools the project starts (and
    what they start in turn: dagster-dbt runs `dbt` from PATH), plus the given variables."""
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(VENV_BIN.parent),
        **overrides,
    }


# From this much landed data on, a DuckDB build runs one dbt model at a time. Each query already uses every
# core; two large models at once share DuckDB's memory limit (at 10M leads, lead_funnel and funnel_conversion
# ran out of it together) and run slower (3M leads: 140 s with one thread, 146 s with two). Below it, a second
# thread overlaps dbt's per-model overhead (1M leads: 58 s with two, 66 s with one).
ONE_DBT_THREAD_FROM_BYTES = 512 * 2**20


def duckdb_build_threads(landing_dir: Path) -> int | None:
    """dbt threads for a DuckDB build from `landing_dir`: None when DBT_THREADS is set (the profile reads it),
    else 1 from ONE_DBT_THREAD_FROM_BYTES of landed files on, 2 below."""
    if os.environ.get("DBT_THREADS"):
        return None
    landed = sum(path.stat().st_size for path in landing_dir.glob("*/*") if path.is_file())
    return 1 if landed >= ONE_DBT_THREAD_FROM_BYTES else 2


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_dir: Path
    demo_leads: int
    demo_seed: int
    refresh_cron: str = "0 6 * * *"
    # When the weekly alignment pack is rendered (UTC): Monday 07:00, after the daily refresh.
    report_cron: str = "0 7 * * 1"
    published_versions_kept: int = 3
    landing_sensor_interval_seconds: int = 60
    # The dbt target a refresh builds (profiles.yml): duckdb (a published file), postgres or spark (a server).
    dbt_target: str = "duckdb"
    # Where SLA alerts are POSTed (a secret: chat webhooks carry their token in the address); empty: not sent.
    sla_alert_webhook_url: str = ""
    sla_alert_webhook_timeout_seconds: int = 10
    # How soon the sensor sla_alert_retries sends again what the webhook did not take.
    sla_alert_retry_interval_seconds: int = 900

    @property
    def builds_on_server(self) -> bool:
        """PostgreSQL or Spark: a refresh builds and publishes schemas on the server, not a DuckDB file."""
        return self.dbt_target != "duckdb"

    @property
    def published_warehouse(self) -> Path:
        return self.warehouse_dir / PUBLISHED_FILE_NAME


def _path(name: str, default: str) -> Path:
    value = Path(os.environ.get(name) or default)
    return value if value.is_absolute() else (PROJECT_DIR / value)


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    try:
        return int(raw.replace("_", ""))
    except ValueError as exc:
        raise SystemExit(
            f"Environment variable {name}={raw!r} is not a whole number; set it to e.g. {default}."
        ) from exc


def load_settings() -> Settings:
    return Settings(
        landing_dir=_path("LANDING_DIR", "data/landing"),
        warehouse_dir=_path("WAREHOUSE_DIR", "data/warehouse"),
        demo_leads=_int("DEMO_LEADS", 100_000),
        demo_seed=_int("DEMO_SEED", 42),
        refresh_cron=os.environ.get("REFRESH_CRON") or "0 6 * * *",
        report_cron=os.environ.get("REPORT_CRON") or "0 7 * * 1",
        published_versions_kept=_int("PUBLISHED_VERSIONS_KEPT", 3),
        landing_sensor_interval_seconds=_int("LANDING_SENSOR_INTERVAL_SECONDS", 60),
        dbt_target=os.environ.get("DBT_TARGET") or "duckdb",
        sla_alert_webhook_url=os.environ.get("SLA_ALERT_WEBHOOK_URL", "").strip(),
        sla_alert_webhook_timeout_seconds=_int("SLA_ALERT_WEBHOOK_TIMEOUT_SECONDS", 10),
        sla_alert_retry_interval_seconds=_int("SLA_ALERT_RETRY_INTERVAL_SECONDS", 900),
    )


def as_of_override() -> dt.datetime | None:
    """SHARED_METRICS_AS_OF (the refresh's "now", for tests and backfills) in UTC without a zone, as the
    warehouse's clocks are; None when unset. A time with an offset is converted to UTC."""
    raw = os.environ.get(AS_OF_ENV, "").strip()
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise SettingsError(
            f"{AS_OF_ENV}={raw!r} is not a date and time: write e.g. 2026-11-01 12:00:00 (UTC) or "
            "2026-11-01T14:00:00+02:00, or unset it to judge the data at the landing's own time."
        ) from exc
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment
