"""Every dbt unit test passes: they check the models' logic on fixtures, so refreshes leave them out and this
runs them once, against the small built warehouse (unit tests read their inputs' column types there)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from shared_metrics.settings import DBT_EXECUTABLE, PROJECT_DIR, virtualenv_environment

pytestmark = pytest.mark.xdist_group("small_warehouse")


def test_every_dbt_unit_test_passes(built_warehouse: Path, small_landing: Path, tmp_path: Path) -> None:
    candidate = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built_warehouse, candidate)
    target = tmp_path / "target"
    finished = subprocess.run(
        [DBT_EXECUTABLE, "test", "--select", "test_type:unit", "--target-path", str(target), "--quiet"],
        cwd=PROJECT_DIR,
        env=virtualenv_environment(
            DBT_TARGET="duckdb",
            DBT_DUCKDB_PATH=str(candidate),
            LANDING_DIR=str(small_landing),
            DBT_LOG_PATH=str(tmp_path / "logs"),
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    results = json.loads((target / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    assert set(statuses) == set(manifest["unit_tests"]) and len(statuses) >= 25
    assert set(statuses.values()) == {"pass"}
