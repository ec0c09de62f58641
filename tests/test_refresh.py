"""`make run`'s refresh: demo data into an empty landing, build, publish; a failure publishes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from shared_metrics import refresh


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def refresh_env(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    monkeypatch.setenv("LANDING_DIR", str(landing))
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("DEMO_LEADS", "3000")
    return landing, warehouse


def test_refresh_generates_demo_data_builds_and_publishes(refresh_env, capsys) -> None:
    landing, warehouse = refresh_env
    refresh.main()
    published = warehouse / "warehouse.duckdb"
    assert (landing / "_truth.json").exists()
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from staging.stg_salesforce__leads").fetchall()[0][0] > 2_500
    output = capsys.readouterr().out
    assert "Quarantined rows by reason" in output and "stg_salesforce__leads" in output
    assert not (warehouse / "candidate").exists()


def test_failed_refresh_leaves_published_warehouse_unchanged(refresh_env) -> None:
    landing, warehouse = refresh_env
    refresh.main()
    published = warehouse / "warehouse.duckdb"
    before = digest(published)
    (landing / "lead" / "part-99999.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(SystemExit, match="published warehouse was left as it was"):
        refresh.main()
    assert digest(published) == before
