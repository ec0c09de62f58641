"""Helpers for tests that refresh small warehouses through Dagster or the CLI."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from shared_metrics.settings import PROJECT_DIR, Settings, virtualenv_environment

TINY_LEADS = 3_000


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli_environment(settings: Settings) -> dict[str, str]:
    return virtualenv_environment(
        LANDING_DIR=str(settings.landing_dir),
        WAREHOUSE_DIR=str(settings.warehouse_dir),
        DAGSTER_HOME=str(settings.warehouse_dir.parent / "dagster"),
    )


def start_cli_refresh(settings: Settings) -> subprocess.Popen:
    (settings.warehouse_dir.parent / "dagster").mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "refresh"],
        cwd=PROJECT_DIR,
        env=cli_environment(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so a kill reaches dg and dbt too
    )
