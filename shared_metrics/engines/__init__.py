"""Other engines the dbt project runs on (PostgreSQL, Spark): throw-away local servers and their loaders."""

from __future__ import annotations

import socket
from pathlib import Path


def free_local_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_arguments(target: str) -> list[str]:
    """Extra `dbt build` arguments for a target. Unit tests check SQL logic, on DuckDB: PostgreSQL cannot name
    their fixtures (63 characters at most), and on Spark they add minutes but nothing engine-specific."""
    return [] if target == "duckdb" else ["--exclude-resource-type", "unit_test"]


def prepare_landing(target: str, landing_dir: Path) -> str:
    """Make the landing files readable by a server target before dbt runs; says what was done."""
    if target == "postgres":
        from shared_metrics.engines.postgres import Server, load_landing

        server = Server.from_environment()
        loaded = load_landing(landing_dir, server)
        rows = ", ".join(f"{table} {count:,}" for table, count in loaded.items())
        return f"Loaded into raw on {server.host}:{server.port}/{server.database}: {rows}"
    if target == "spark":
        return f"Spark reads the landing Parquet files in place ({landing_dir}); dbt creates raw over them"
    raise ValueError(f"Unknown dbt target {target!r}: use duckdb, postgres or spark (DBT_TARGET).")
