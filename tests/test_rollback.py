"""Rollback walks back through the kept versions; a file that records no version, or a damaged one, is handled
for what it is (issue 19, item 6). Small hand-made warehouse files: no dbt build needed."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

import shared_metrics.publish as publishing
from shared_metrics.settings import (
    PRIVATE_FILE,
    PRIVATE_FOLDER,
    PROJECT_DIR,
    Settings,
    load_settings,
    virtualenv_environment,
)

pytestmark = pytest.mark.check


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return replace(load_settings(), landing_dir=tmp_path / "landing", warehouse_dir=tmp_path / "warehouse")


def publish_marked(settings: Settings, mark: str) -> str:
    """Publish a warehouse whose one table says which it is; its version. Versions are named by the second."""
    time.sleep(1.05)
    candidate = publishing.prepare_candidate(settings)
    candidate.unlink(missing_ok=True)
    with duckdb.connect(str(candidate)) as con:
        con.execute("create schema metrics")
        con.execute("create table metrics.mark as select ? as mark", [mark])
    version = publishing.publish(settings).version
    publishing.release_refresh_lock(settings)
    return version


def published_mark(settings: Settings) -> str:
    return publishing.query_published(settings, "select mark from metrics.mark")["mark"][0]


def cli_rollback(settings: Settings) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "rollback"],
        cwd=PROJECT_DIR,
        env=virtualenv_environment(WAREHOUSE_DIR=str(settings.warehouse_dir)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_rollback_walks_back_v3_v2_v1_and_then_says_there_is_nothing_older(settings: Settings) -> None:
    versions = [publish_marked(settings, mark) for mark in ("V1", "V2", "V3")]
    assert published_mark(settings) == "V3"
    first = cli_rollback(settings)
    assert first.returncode == 0, first.stderr
    assert f"Published version {versions[1]} again" in first.stdout
    assert "1 older version(s) kept: `make rollback` again goes further back." in first.stdout
    assert published_mark(settings) == "V2"
    second = cli_rollback(settings)
    assert second.returncode == 0, second.stderr
    assert published_mark(settings) == "V1"
    assert "No older version is kept." in second.stdout
    third = cli_rollback(settings)
    assert third.returncode != 0
    assert f"No version older than the published {versions[0]} is kept" in third.stderr
    assert published_mark(settings) == "V1"
    # The versions rolled back from are kept: a refresh publishes on top, and V1 is kept as its predecessor.
    assert [p.stem for p in publishing.kept_versions(settings)] == [f"warehouse-{v}" for v in versions[1:]]
    publish_marked(settings, "V4")
    assert published_mark(settings) == "V4"
    assert len(publishing.kept_versions(settings)) == 3


def test_a_file_without_a_recorded_version_is_named_by_its_age_restored_in_turn_and_pruned(
    settings: Settings,
) -> None:
    settings.warehouse_dir.mkdir(parents=True)
    with duckdb.connect(str(settings.published_warehouse)) as con:  # built before versions were recorded
        con.execute("create schema metrics")
        con.execute("create table metrics.mark as select 'V0' as mark")
    os.utime(settings.published_warehouse, (time.time() - 86_400,) * 2)
    newer = [publish_marked(settings, mark) for mark in ("V1", "V2")]
    kept = [p.stem.removeprefix("warehouse-") for p in publishing.kept_versions(settings)]
    assert len(kept) == 2 and kept[0] < newer[0] and kept[1] == newer[0]  # V0 oldest, never "unknown"
    publishing.rollback(settings)
    publishing.release_refresh_lock(settings)
    assert published_mark(settings) == "V1"
    publishing.rollback(settings)
    publishing.release_refresh_lock(settings)
    assert published_mark(settings) == "V0"
    for mark in ("V3", "V4", "V5"):
        publish_marked(settings, mark)
    kept = publishing.kept_versions(settings)
    assert len(kept) == settings.published_versions_kept
    assert kept[0].stem.removeprefix("warehouse-") > newer[0]  # V0 and V1 pruned as the oldest


def test_a_damaged_published_file_is_named_with_rollback_as_the_way_out(settings: Settings) -> None:
    publish_marked(settings, "V1")
    publish_marked(settings, "V2")
    settings.published_warehouse.write_bytes(b"\0" * 4096 + b"not a DuckDB file")
    publishing.close_published_readers()
    with pytest.raises(
        publishing.WarehouseError, match=r"cannot be opened: the file is damaged\. Run `make rollback`"
    ):
        publishing.query_published(settings, "select 1")
    with pytest.raises(publishing.WarehouseError, match="damaged"):
        publishing.prepare_candidate(settings)  # a refresh stops before building on it
    publishing.release_refresh_lock(settings)
    assert cli_rollback(settings).returncode == 0
    assert published_mark(settings) == "V1"
    assert all(
        publishing._version_of(p) for p in publishing.kept_versions(settings)
    )  # the damaged file is gone


def test_the_warehouse_is_private_to_the_account_whatever_the_umask(settings: Settings) -> None:
    """Files 0600 and folders 0700: the published file, its kept versions, the lock, the warehouse folders."""
    previous = os.umask(0o002)  # a permissive umask, as on many shared machines
    try:
        publish_marked(settings, "V1")
        publish_marked(settings, "V2")
    finally:
        os.umask(previous)
    warehouse = settings.warehouse_dir
    files = [
        settings.published_warehouse,
        warehouse / publishing.LOCK_FILE,
        *publishing.kept_versions(settings),
    ]
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in files} == {
        path.name: PRIVATE_FILE for path in files
    }
    assert stat.S_IMODE(warehouse.stat().st_mode) == PRIVATE_FOLDER
    assert stat.S_IMODE((warehouse / publishing.VERSIONS_FOLDER).stat().st_mode) == PRIVATE_FOLDER
