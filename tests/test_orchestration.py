"""Dagster: the code location, schedule and sensor, and write–audit–publish under failure, kill and load."""

import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest
from dagster import RunRequest, build_schedule_context, build_sensor_context
from refresh_helpers import (
    TINY_LEADS,
    cli_environment,
    digest,
    landing_with_an_impossible_status_change,
    start_cli_refresh,
)

import shared_metrics.publish as publishing
from orchestration.assets.dbt import DBT_RUN_FOLDERS_KEPT, prune_run_folders
from orchestration.cli import outcome_for_readers, process_tree, still_running, stop_process_tree
from shared_metrics.engines import free_local_port
from shared_metrics.publish import VERSIONS_FOLDER, published_version, query_published
from shared_metrics.settings import PROJECT_DIR, Settings, virtualenv_environment

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("orchestration")


# Publish a copy of the published warehouse N times, a second apart (versions are named by the second).
REPUBLISH = """
import sys, time
from shared_metrics.refresh_mode import FULL_REFRESH_ENV
from shared_metrics.publish import prepare_candidate, publish, release_refresh_lock
from shared_metrics.settings import load_settings
settings = load_settings()
for _ in range(int(sys.argv[1])):
    time.sleep(1.1)
    prepare_candidate(settings)
    publish(settings)
release_refresh_lock(settings)
"""
REPUBLISHES = 4


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def test_code_location_loads_with_every_model_as_an_asset_and_tests_as_checks(defs) -> None:
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert {
        "metrics/lead_funnel",
        "metrics/sales_sla_by_lead",
        "published_warehouse",
        "sla_alert_notifications",
        "salesforce/lead",
        "demo_landing_data",
        "staging/stg_salesforce__leads",
    } <= keys
    checks = defs.resolve_asset_graph().asset_check_keys
    assert any(check.asset_key.to_user_string() == "metrics/lead_funnel" for check in checks)
    assert {job.name for job in defs.resolve_all_job_defs()} >= {
        "refresh",
        "generate_demo_data",
        "send_sla_alerts",
    }
    # Every refresh ends with the SLA alerts, after the publish.
    assert "sla_alert_notifications" in {
        key.to_user_string() for key in defs.resolve_job_def("refresh").asset_layer.selected_asset_keys
    }
    assert defs.resolve_sensor_def("sla_alert_retries").default_status.value == "RUNNING"
    # Groups named for what they hold (the warehouse schema they fill; the alerts), none falling through to a
    # default.
    groups = {node.group_name for node in defs.resolve_asset_graph().asset_nodes}
    assert groups == {
        "landing",
        "demo",
        "config",
        "staging",
        "intermediate",
        "metrics",
        "published",
        "alerts",
    }


def test_daily_schedule_runs_at_six_utc_and_is_on_by_default(defs) -> None:
    schedule = defs.resolve_schedule_def("daily_refresh")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * *", "UTC")
    assert schedule.default_status.value == "RUNNING"
    context = build_schedule_context(scheduled_execution_time=dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC))
    assert isinstance(next(iter(schedule.evaluate_tick(context).run_requests)), RunRequest)


def test_landing_sensor_requests_a_refresh_only_when_files_change(defs, tmp_path: Path) -> None:
    from orchestration.resources import WarehouseResource

    sensor = defs.resolve_sensor_def("landing_files")
    assert sensor.default_status.value == "RUNNING"
    resources = {"warehouse": WarehouseResource(landing_dir=str(tmp_path), warehouse_dir=str(tmp_path / "w"))}

    def tick(cursor: str | None):
        return sensor.evaluate_tick(build_sensor_context(cursor=cursor, resources=resources))

    assert tick(None).skip_message  # nothing landed yet
    (tmp_path / "lead").mkdir()
    (tmp_path / "lead" / "part-0.parquet").write_bytes(b"x" * 10)
    first = tick(None)
    assert len(first.run_requests) == 1 and first.cursor
    assert tick(first.cursor).skip_message  # no change
    (tmp_path / "lead" / "part-1.parquet").write_bytes(b"y")
    second = tick(first.cursor)
    assert len(second.run_requests) == 1 and second.cursor != first.cursor


def test_all_assets_materialize_in_process_and_publish_with_a_version(tiny_template: Settings) -> None:
    """tiny_template is that refresh: the demo-data asset, then every landing, dbt and publish asset."""
    version = published_version(tiny_template)
    assert version
    rows = query_published(tiny_template, "select count(*) as n from metrics.lead_funnel")["n"][0]
    assert rows > TINY_LEADS * 0.9
    assert not (tiny_template.warehouse_dir / "candidate").exists()
    # Each dbt invocation's own target folder: only the newest few stay (two workers may be refreshing).
    run_folders = list((PROJECT_DIR / "target").glob("shared_metrics_dbt_assets-*"))
    assert 0 < len(run_folders) <= DBT_RUN_FOLDERS_KEPT + 2


def test_a_failing_dbt_test_blocks_publish_and_the_cli_names_the_failing_step_and_test(
    published_tiny: Settings, tmp_path: Path
) -> None:
    # Incremental (a warehouse is published): a row stamped ten years back is read all the same (a new id).
    before = digest(published_tiny.published_warehouse)
    broken = replace(published_tiny, landing_dir=tmp_path / "landing")
    landing_with_an_impossible_status_change(published_tiny.landing_dir, broken.landing_dir)
    process = start_cli_refresh(broken)
    output, _ = process.communicate(timeout=600)
    assert process.returncode != 0
    assert "Failed step: shared_metrics_dbt_assets" in output
    assert "Failed test: expression_is_true_lead_funnel" in output
    assert digest(published_tiny.published_warehouse) == before


@dataclass(frozen=True)
class StoppedRefresh:
    returncode: int
    output: str
    published_before: str  # digest of the published file when the refresh started


@pytest.fixture(scope="module")
def stopped_refresh(published_tiny: Settings) -> StoppedRefresh:
    """`make refresh` (the CLI) stopped by SIGTERM while dbt builds, as `timeout`, a service manager or Ctrl-C
    would stop it."""
    before = digest(published_tiny.published_warehouse)
    started = time.time()
    process = start_cli_refresh(published_tiny)
    candidate = published_tiny.warehouse_dir / "candidate" / "warehouse.duckdb"

    def written_by_this_refresh() -> bool:  # not the leftover of the failed refresh before
        try:
            return candidate.stat().st_mtime > started and candidate.stat().st_size > 0
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not written_by_this_refresh():
        time.sleep(0.05)
    time.sleep(1.0)  # now dbt is building
    process.send_signal(signal.SIGTERM)  # to the CLI only, as `timeout` or systemd would
    output, _ = process.communicate(timeout=60)
    return StoppedRefresh(process.returncode, output, before)


def test_a_refresh_stopped_by_a_signal_stops_dagster_and_dbt_and_keeps_the_published_warehouse(
    published_tiny: Settings, stopped_refresh: StoppedRefresh
) -> None:
    """The CLI stops dg and all it started (the refresh lock is free at once), says so, and leaves the
    published warehouse as it was (the next refresh, in the readers' test below, clears the candidate)."""
    assert stopped_refresh.returncode == 128 + signal.SIGTERM, stopped_refresh.output[-2000:]
    assert (
        "Refresh stopped (SIGTERM): Dagster and dbt were stopped too; the published warehouse was left"
        in stopped_refresh.output
    )
    publishing.acquire_refresh_lock(published_tiny)  # free: nothing the refresh started still holds it
    publishing.release_refresh_lock(published_tiny)
    assert digest(published_tiny.published_warehouse) == stopped_refresh.published_before


def test_a_kill_just_after_the_swap_says_the_new_version_is_live() -> None:
    assert outcome_for_readers("20261201T000000Z", "20261202T000000Z").startswith(
        "the new warehouse (version 20261202T000000Z) was published before it stopped and is live"
    )
    assert outcome_for_readers("20261201T000000Z", "20261201T000000Z") == (
        "the published warehouse was left as it was."
    )
    assert outcome_for_readers(None, None) == "the published warehouse was left as it was."


def test_readers_see_no_error_while_the_next_refresh_and_republishes_swap_the_file(
    published_tiny: Settings, stopped_refresh: StoppedRefresh
) -> None:
    """Readers go through query_published, the dashboard's read path, while a refresh (another process) builds
    and publishes, then while another process publishes copies again and again (swaps without a build). That
    refresh is the next after a stopped one: it clears the half-built candidate and publishes."""
    tiny_settings = published_tiny
    errors: list[str] = []
    latencies: list[float] = []
    done = threading.Event()

    def read_in_a_loop() -> None:
        while not done.is_set():
            started = time.perf_counter()
            try:
                rows = query_published(
                    tiny_settings, "select count(*), max(lead_id) from metrics.lead_funnel"
                )
                assert rows.iat[0, 0] > 0
            except (duckdb.Error, AssertionError) as exc:
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - started)
            # Readers like people's: frequent, not a busy loop that starves the refresh of both cores.
            time.sleep(0.02)

    readers = [threading.Thread(target=read_in_a_loop) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        process = start_cli_refresh(tiny_settings)
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output
        republished = subprocess.run(
            [sys.executable, "-c", REPUBLISH, str(REPUBLISHES)],
            cwd=PROJECT_DIR,
            env=cli_environment(tiny_settings),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert republished.returncode == 0, republished.stderr
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert not errors, errors[:3]
    assert len(latencies) > 50
    assert digest(tiny_settings.published_warehouse) != stopped_refresh.published_before
    assert not (tiny_settings.warehouse_dir / "candidate").exists()
    # Reported, not asserted (speed targets live in the benchmark).
    report = {
        "readers": len(readers),
        "publishes": 1 + REPUBLISHES,
        "queries": len(latencies),
        "errors": len(errors),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * statistics.quantiles(latencies, n=20)[18], 1),
    }
    (PROJECT_DIR / "test-artifacts").mkdir(exist_ok=True)
    (PROJECT_DIR / "test-artifacts" / "readers_during_refresh.json").write_text(json.dumps(report, indent=1))
    print(report)
    assert len(list((tiny_settings.warehouse_dir / VERSIONS_FOLDER).glob("*.duckdb"))) <= 3


def test_make_dagster_stops_its_webserver_daemon_and_code_servers_on_a_signal_to_its_group(
    tmp_path: Path,
) -> None:
    """`make dagster` (orchestration.cli dev) with the UI up: SIGTERM to its process group, as a service
    manager or a terminal sends, stops every process it started, wherever they are grouped, and the port."""
    port = free_local_port()
    (tmp_path / "dagster").mkdir()
    shutil.copyfile(PROJECT_DIR / "orchestration" / "dagster.yaml", tmp_path / "dagster" / "dagster.yaml")
    (tmp_path / "landing").mkdir()  # empty: the landing sensor starts nothing
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "dev", "--port", str(port)],
        cwd=PROJECT_DIR,
        env=virtualenv_environment(
            DAGSTER_HOME=str(tmp_path / "dagster"),
            LANDING_DIR=str(tmp_path / "landing"),
            WAREHOUSE_DIR=str(tmp_path / "warehouse"),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        tree = process_tree(process.pid)
        assert len(tree) >= 4, tree  # the CLI, dg dev, the webserver, the daemon (and code servers)
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            stop_process_tree(process)
    assert process.returncode == 128 + signal.SIGTERM, output[-2000:]
    assert "Dagster stopped (SIGTERM): its webserver, daemon and code servers were stopped too." in output
    assert not still_running(tree), still_running(tree)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)


@pytest.mark.check
def test_only_the_newest_dbt_run_folders_are_kept(tmp_path: Path) -> None:
    folders = []
    for age in range(DBT_RUN_FOLDERS_KEPT + 5, 0, -1):  # oldest first
        folder = tmp_path / f"shared_metrics_dbt_assets-run{age:03d}-x"
        folder.mkdir()
        os.utime(folder, (time.time() - age * 60, time.time() - age * 60))
        folders.append(folder)
    (tmp_path / "compiled").mkdir()  # dbt's own folders stay
    prune_run_folders(folders[-1])
    assert sorted(tmp_path.iterdir()) == sorted([tmp_path / "compiled", *folders[-DBT_RUN_FOLDERS_KEPT:]])
