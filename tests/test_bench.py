"""The benchmark's memory measure covers the whole process tree (dbt runs DuckDB in child processes)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench.run import tree_rss_bytes

pytestmark = pytest.mark.check


def test_tree_rss_counts_the_memory_of_child_processes() -> None:
    alone = tree_rss_bytes(os.getpid())
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; block = bytearray(300 * 2**20); time.sleep(30)"],
    )
    try:
        deadline = 50
        with_child = alone
        while deadline and with_child - alone < 250 * 2**20:
            subprocess.run(["sleep", "0.1"], check=True)
            with_child = tree_rss_bytes(os.getpid())
            deadline -= 1
    finally:
        child.kill()
        child.wait()
    assert alone > 10 * 2**20
    assert with_child - alone >= 250 * 2**20


def test_repeated_timings_report_the_median_run_with_its_spread() -> None:
    from bench.run import median_run

    runs = [
        {"seconds": 30.0, "peak_rss_gib": 1.0, "slowest": ["c"]},
        {"seconds": 10.0, "peak_rss_gib": 3.0, "slowest": ["a"]},
        {"seconds": 20.0, "peak_rss_gib": 2.0, "slowest": ["b"]},
    ]
    assert median_run(runs) == {
        "seconds": 20.0,
        "min_seconds": 10.0,
        "max_seconds": 30.0,
        "runs": 3,
        "peak_rss_gib": 3.0,
        "slowest": ["b"],
    }


def test_large_landings_build_one_model_at_a_time(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from shared_metrics.settings import ONE_DBT_THREAD_FROM_BYTES, duckdb_build_threads

    monkeypatch.delenv("DBT_THREADS", raising=False)
    (tmp_path / "lead").mkdir()
    part = tmp_path / "lead" / "part-00000.parquet"
    part.write_bytes(b"small")
    assert duckdb_build_threads(tmp_path) == 2
    with part.open("r+b") as file:  # sparse: the apparent size counts, no disk is used
        file.truncate(ONE_DBT_THREAD_FROM_BYTES)
    assert duckdb_build_threads(tmp_path) == 1
    monkeypatch.setenv("DBT_THREADS", "4")
    assert duckdb_build_threads(tmp_path) is None
