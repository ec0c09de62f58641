"""Shared fixtures: a small generated landing zone and a warehouse built from it with dbt."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from shared_metrics.generate.cli import TRUTH_FILE, generate
from shared_metrics.publish import publish
from shared_metrics.refresh import build_candidate
from shared_metrics.settings import Settings, load_settings

SMALL_LEADS = 250_000
SMALL_SEED = 7


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("landing")
    generate(SMALL_LEADS, SMALL_SEED, landing, force=True, progress=False)
    return landing


@pytest.fixture(scope="session")
def small_truth(small_landing: Path) -> dict:
    return json.loads((small_landing / TRUTH_FILE).read_text())


@pytest.fixture(scope="session")
def small_settings(small_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return replace(
        load_settings(), landing_dir=small_landing, warehouse_dir=tmp_path_factory.mktemp("warehouse")
    )


@pytest.fixture(scope="session")
def built_warehouse(small_settings: Settings) -> Path:
    """The small landing zone built, tested by dbt and published."""
    build_candidate(small_settings)
    return publish(small_settings)
