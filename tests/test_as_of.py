"""SHARED_METRICS_AS_OF (the refresh's "now"): an offset becomes UTC, nonsense stops the refresh with what to
write instead of a traceback (issue 19, item 9)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from orchestration.cli import failure_report
from orchestration.resources import WarehouseResource
from shared_metrics.refresh_mode import full_rebuild_reason
from shared_metrics.settings import AS_OF_ENV, SettingsError, as_of_override, load_settings

pytestmark = pytest.mark.check


def test_an_as_of_with_an_offset_is_handed_to_dbt_in_utc(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(AS_OF_ENV, "2026-11-01T14:30:00+02:00")
    assert as_of_override() == dt.datetime(2026, 11, 1, 12, 30)
    for name in ("DBT_TARGET", "LANDING_DIR", "WAREHOUSE_DIR", "DBT_DUCKDB_PATH"):
        monkeypatch.setenv(name, os.environ.get(name, ""))
    WarehouseResource(landing_dir=str(tmp_path), warehouse_dir=str(tmp_path)).export_for_dbt(None)
    assert os.environ[AS_OF_ENV] == "2026-11-01 12:30:00"


def test_no_as_of_means_the_landings_own_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(AS_OF_ENV, raising=False)
    assert as_of_override() is None


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01", "01/11/2026 12:00"])
def test_an_unreadable_as_of_stops_the_refresh_naming_the_variable_and_an_example(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(AS_OF_ENV, raw)
    with pytest.raises(
        SettingsError, match=rf"{AS_OF_ENV}='{raw}' is not a date and time: write e\.g\. 2026"
    ):
        full_rebuild_reason(load_settings())  # the refresh's first look at it, before any candidate exists


def test_the_cli_failure_report_shows_the_settings_message(tmp_path: Path) -> None:
    log = tmp_path / "refresh.log"
    log.write_text(
        'dagster - ERROR - refresh - STEP_FAILURE - Execution of step "shared_metrics_dbt_assets" failed.\n'
        "shared_metrics.settings.SettingsError: SHARED_METRICS_AS_OF='yesterday' is not a date and time: "
        "write e.g. 2026-11-01 12:00:00 (UTC)\n"
    )
    assert "SHARED_METRICS_AS_OF='yesterday' is not a date and time" in failure_report(log)
