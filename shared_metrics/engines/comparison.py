"""The engine comparison: the whole project built on DuckDB, PostgreSQL and Spark from the same landing data,
every metrics table compared with DuckDB's (same rows, equal keys, numbers within 1e-9 relative).

Throw-away local servers are started and stopped: PostgreSQL (initdb in a temporary folder) unless
POSTGRES_HOST points at an existing one, and Spark's Thrift server (pyspark, local mode) unless SPARK_HOST
does. Both listen on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from shared_metrics.compare import tables_differences, warehouse_tables
from shared_metrics.engines import CANDIDATE_SUFFIX, SCHEMA_SUFFIX_ENV, build_arguments
from shared_metrics.engines.postgres import (
    Server,
    load_landing,
    local_server,
    postgres_tables,
    prepare_candidate_schemas,
    publish_candidate_schemas,
)
from shared_metrics.engines.spark import (
    ThriftServer,
    local_thrift_server,
    publish_version,
    spark_tables,
    version_suffix,
)
from shared_metrics.markdown import markdown_table
from shared_metrics.publish import version_now
from shared_metrics.refresh_mode import project_fingerprint
from shared_metrics.settings import DBT_EXECUTABLE, PROJECT_DIR, virtualenv_environment

AS_OF = "2026-11-01 12:00:00"  # one "now" for every engine
RELATIVE_TOLERANCE = 1e-9
# History that depends on when a refresh ran, not on the engine.
SKIPPED_TABLES = ("data_quality",)
ENGINES = ("postgres", "spark")
ENGINE_ARTIFACTS = PROJECT_DIR / "target" / "engines"
ENGINE_RESULTS = PROJECT_DIR / "bench" / "engines.json"
ENGINE_DOC = PROJECT_DIR / "docs" / "engines.md"


def dbt_build(target: str, environment: dict[str, str], data_tests: bool = True) -> float:
    """A full build (models, seeds and, unless told not to, data tests) on one engine; its wall time. Each
    engine's dbt artifacts (run_results.json: each node's time) stay in target/engines/<engine>."""
    started = time.perf_counter()
    command = [DBT_EXECUTABLE, "build", "--target", target, "--full-refresh", "--quiet"]
    command += ["--target-path", str(ENGINE_ARTIFACTS / target)]
    result = subprocess.run(
        command + build_arguments(target) + ([] if data_tests else ["--exclude-resource-type", "test"]),
        cwd=PROJECT_DIR,
        env=virtualenv_environment(**environment, SHARED_METRICS_AS_OF=AS_OF),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"dbt build on {target} failed:\n{result.stdout[-5000:]}{result.stderr[-2000:]}")
    return time.perf_counter() - started


@contextlib.contextmanager
def postgres_server() -> Iterator[Server]:
    if os.environ.get("POSTGRES_HOST"):
        yield Server.from_environment()
    else:
        with local_server() as server:
            yield server


@contextlib.contextmanager
def spark_server() -> Iterator[ThriftServer]:
    if os.environ.get("SPARK_HOST"):
        yield ThriftServer.from_environment()
    else:
        with local_thrift_server() as server:
            yield server


@contextlib.contextmanager
def build_on_postgres(landing: Path) -> Iterator[tuple[float, float, Callable[[], dict]]]:
    """Load the landing, build and test; (load seconds, build seconds, a reader of the metrics tables)."""
    with postgres_server() as server:
        started = time.perf_counter()
        load_landing(landing, server)
        load_seconds = time.perf_counter() - started
        prepare_candidate_schemas(server, history=[])
        environment = {**server.environment(), SCHEMA_SUFFIX_ENV: CANDIDATE_SUFFIX}
        seconds = dbt_build("postgres", environment)
        publish_candidate_schemas(server, version_now(), project_fingerprint())
        yield load_seconds, seconds, lambda: postgres_tables(server, "metrics", SKIPPED_TABLES)


@contextlib.contextmanager
def build_on_spark(landing: Path) -> Iterator[tuple[float, float, Callable[[], dict]]]:
    """Build over the landing Parquet files (the server reads them by path); as build_on_postgres."""
    with spark_server() as server:
        version = version_now()
        environment = {
            **server.environment(),
            "LANDING_DIR": str(landing.resolve()),
            SCHEMA_SUFFIX_ENV: version_suffix(version),
        }
        seconds = dbt_build("spark", environment)
        publish_version(server, version)  # readers read views onto this version
        yield 0.0, seconds, lambda: spark_tables(server, "metrics", SKIPPED_TABLES)


BUILDERS = {"postgres": build_on_postgres, "spark": build_on_spark}


@dataclass(frozen=True)
class Reference:
    """DuckDB's metrics tables, which every other engine must equal, and how long DuckDB took."""

    seconds: float
    tables: dict


def duckdb_reference(landing: Path, work: Path, data_tests: bool = True) -> Reference:
    """A full DuckDB build of the landing at the comparison's as-of, and its metrics tables."""
    duckdb_file = work / "duckdb" / "warehouse.duckdb"
    duckdb_file.parent.mkdir(parents=True, exist_ok=True)
    duckdb_file.unlink(missing_ok=True)
    environment = {"LANDING_DIR": str(landing), "DBT_DUCKDB_PATH": str(duckdb_file)}
    seconds = dbt_build("duckdb", environment, data_tests)
    return Reference(seconds, warehouse_tables(duckdb_file, "metrics", SKIPPED_TABLES))


def compare_engines(landing: Path, work: Path, engines: tuple[str, ...] = ENGINES) -> list[dict]:
    """Build and test on DuckDB and on each engine and compare each with DuckDB; one summary row per engine,
    DuckDB's first."""
    reference = duckdb_reference(landing, work)
    rows = [
        {
            "engine": "duckdb",
            "build seconds": round(reference.seconds, 1),
            "tables": len(reference.tables),
            "differences": 0,
        }
    ]
    for engine in engines:
        with BUILDERS[engine](landing) as (
            load_seconds,
            seconds,
            read_tables,
        ):
            problems = engine_differences(reference.tables, read_tables())
        rows.append(
            {
                "engine": engine,
                "build seconds": round(seconds, 1),
                "load seconds": round(load_seconds, 1),
                "tables": len(reference.tables),
                "differences": len(problems),
                "problems": problems,
            }
        )
    return rows


def engine_report(rows: list[dict]) -> str:
    """Engine, load and build time, tables compared, differences; then the slowest models per engine."""
    table = markdown_table(
        ["engine", "load seconds", "build seconds", "tables compared", "differences"],
        [
            [r["engine"], r.get("load seconds", 0.0), r["build seconds"], r["tables"], r["differences"]]
            for r in rows
        ],
    )
    slowest = [
        f"- {row['engine']}: " + ", ".join(f"{name} {seconds} s" for name, seconds in row["slowest"])
        for row in rows
    ]
    return "\n".join([table, "", "Slowest models and tests:", *slowest])


def record_results(leads: int, seed: int, rows: list[dict]) -> None:
    """Keep the latest equal run per size in bench/engines.json and docs/engines.md (the measured record)."""
    results = json.loads(ENGINE_RESULTS.read_text()) if ENGINE_RESULTS.exists() else {}
    results[str(leads)] = {
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seed": seed,
        "cores": os.cpu_count(),
        "rows": [{key: value for key, value in row.items() if key != "problems"} for row in rows],
    }
    ENGINE_RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    sections = [
        "# Engines",
        "",
        "Written by `make engines LEADS=N`; raw numbers in `bench/engines.json`. Only runs in which every",
        "engine's metrics tables equalled DuckDB's are recorded.",
        "",
    ]
    for size in sorted(results, key=int):
        result = results[size]
        when = f"{result['measured_at']}, seed {result['seed']}, {result['cores']} cores"
        sections += [f"## {int(size):,} leads ({when})", "", engine_report(result["rows"]), ""]
    ENGINE_DOC.write_text("\n".join(sections))


def engine_differences(reference: dict, other: dict) -> list[str]:
    """Every way another engine's metrics tables differ from DuckDB's (none when they are equal)."""
    return tables_differences("metrics", reference, other, RELATIVE_TOLERANCE, ("DuckDB", "the other engine"))
