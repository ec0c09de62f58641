"""`make engines`: build the whole project on DuckDB, PostgreSQL and Spark from the same generated landing
data and compare every metrics table with DuckDB's (same rows, equal keys, numbers within 1e-9 relative).

Throw-away local servers are started and stopped: PostgreSQL (initdb in a temporary folder) unless
POSTGRES_HOST points at an existing one, and Spark's Thrift server (pyspark, local mode) unless SPARK_HOST
does. Both listen on 127.0.0.1 only. Prints engine, build time, tables compared and differences; exits 1 on
any difference.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from shared_metrics.compare import table_differences, warehouse_tables
from shared_metrics.engines.postgres import Server, load_landing, local_server, postgres_tables
from shared_metrics.engines.spark import ThriftServer, local_thrift_server, spark_tables
from shared_metrics.generate.cli import TRUTH_FILE, generate
from shared_metrics.markdown import markdown_table
from shared_metrics.settings import DBT_EXECUTABLE, PROJECT_DIR, load_settings

AS_OF = "2026-11-01 12:00:00"  # one "now" for every engine
RELATIVE_TOLERANCE = 1e-9
# History that depends on when a refresh ran, not on the engine.
SKIPPED_TABLES = ("data_quality",)
ENGINES = ("postgres", "spark")


# Unit tests check SQL logic on DuckDB; PostgreSQL cannot name their fixtures (63 characters at most), and
# they add nothing engine-specific on Spark but minutes.
ENGINE_BUILD_OPTIONS = {
    "duckdb": [],
    "postgres": ["--exclude-resource-type", "unit_test"],
    "spark": ["--exclude-resource-type", "unit_test"],
}


def dbt_build(target: str, environment: dict[str, str]) -> float:
    """A full build (models, seeds, data tests) on one engine; its wall time."""
    started = time.perf_counter()
    command = [DBT_EXECUTABLE, "build", "--target", target, "--full-refresh", "--quiet"]
    result = subprocess.run(
        command + ENGINE_BUILD_OPTIONS[target],
        cwd=PROJECT_DIR,
        env={**os.environ, **environment, "SHARED_METRICS_AS_OF": AS_OF},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"dbt build on {target} failed:\n{result.stdout[-5000:]}{result.stderr[-2000:]}")
    return time.perf_counter() - started


@contextlib.contextmanager
def postgres_server() -> Iterator[Server]:
    if os.environ.get("POSTGRES_HOST"):
        yield Server(
            host=os.environ["POSTGRES_HOST"],
            port=int(os.environ.get("POSTGRES_PORT", "5432")),
            user=os.environ.get("POSTGRES_USER", "postgres"),
            password=os.environ.get("POSTGRES_PASSWORD", ""),
            database=os.environ.get("POSTGRES_DB", "shared_metrics"),
        )
    else:
        with local_server() as server:
            yield server


@contextlib.contextmanager
def spark_server() -> Iterator[ThriftServer]:
    if os.environ.get("SPARK_HOST"):
        yield ThriftServer(
            host=os.environ["SPARK_HOST"],
            port=int(os.environ.get("SPARK_PORT", "10000")),
            user=os.environ.get("SPARK_USER", "dbt"),
        )
    else:
        with local_thrift_server() as server:
            yield server


@contextlib.contextmanager
def build_on_postgres(landing: Path) -> Iterator[tuple[float, float, Callable[[], dict]]]:
    """Load the landing, build; (load seconds, build seconds, a reader of the metrics tables)."""
    with postgres_server() as server:
        started = time.perf_counter()
        load_landing(landing, server)
        load_seconds = time.perf_counter() - started
        seconds = dbt_build("postgres", server.environment())
        yield load_seconds, seconds, lambda: postgres_tables(server, "metrics", SKIPPED_TABLES)


@contextlib.contextmanager
def build_on_spark(landing: Path) -> Iterator[tuple[float, float, Callable[[], dict]]]:
    """Build over the landing Parquet files (the server reads them by path); as build_on_postgres."""
    with spark_server() as server:
        seconds = dbt_build("spark", {**server.environment(), "LANDING_DIR": str(landing.resolve())})
        yield 0.0, seconds, lambda: spark_tables(server, "metrics", SKIPPED_TABLES)


BUILDERS = {"postgres": build_on_postgres, "spark": build_on_spark}


def compare_engines(landing: Path, work: Path, engines: tuple[str, ...] = ENGINES) -> list[dict]:
    """Build on DuckDB and on each engine and compare each with DuckDB; one summary row per engine."""
    duckdb_file = work / "duckdb" / "warehouse.duckdb"
    duckdb_file.parent.mkdir(parents=True, exist_ok=True)
    duckdb_file.unlink(missing_ok=True)
    seconds = dbt_build("duckdb", {"LANDING_DIR": str(landing), "DBT_DUCKDB_PATH": str(duckdb_file)})
    reference = warehouse_tables(duckdb_file, "metrics", SKIPPED_TABLES)
    rows = [{"engine": "duckdb", "build seconds": round(seconds, 1), "tables": len(reference)}]
    rows[0]["differences"] = 0
    for engine in engines:
        with BUILDERS[engine](landing) as (load_seconds, seconds, read_tables):
            problems = _differences(reference, read_tables())
        rows.append(
            {
                "engine": engine,
                "build seconds": round(seconds, 1),
                "load seconds": round(load_seconds, 1),
                "tables": len(reference),
                "differences": len(problems),
                "problems": problems,
            }
        )
    return rows


def _differences(reference: dict, other: dict) -> list[str]:
    problems = [f"metrics.{name}: missing" for name in reference.keys() - other.keys()]
    problems += [f"metrics.{name}: not in DuckDB" for name in other.keys() - reference.keys()]
    for name in sorted(reference.keys() & other.keys()):
        problems += table_differences(f"metrics.{name}", reference[name], other[name], RELATIVE_TOLERANCE)
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    compare = commands.add_parser("compare", help="build on every engine and compare (the default)")
    compare.add_argument("--leads", type=int, default=100_000)
    compare.add_argument("--seed", type=int, default=42)
    compare.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    load = commands.add_parser(
        "load-postgres", help="copy LANDING_DIR into schema raw of the server POSTGRES_HOST etc. point at"
    )
    load.add_argument("--landing", type=Path, default=load_settings().landing_dir)
    args = parser.parse_args(argv)
    if args.command == "load-postgres":
        with postgres_server() as server:
            loaded = load_landing(args.landing, server)
        print("Loaded into raw: " + ", ".join(f"{table} {rows:,}" for table, rows in loaded.items()))
        return
    leads, seed = getattr(args, "leads", 100_000), getattr(args, "seed", 42)
    engines = tuple(getattr(args, "engines", ENGINES))
    work = PROJECT_DIR / "data" / "engines"
    landing = work / f"landing-{leads}-{seed}"
    if not (landing / TRUTH_FILE).exists():
        generate(leads, seed, landing, force=True, progress=False)
    rows = compare_engines(landing, work, engines)
    print(
        markdown_table(
            ["engine", "build seconds", "tables compared", "differences"],
            [[r["engine"], r["build seconds"], r["tables"], r["differences"]] for r in rows],
        )
    )
    for row in rows:
        for problem in row.get("problems", [])[:50]:
            print(f"{row['engine']}: {problem}")
    sys.exit(1 if any(r["differences"] for r in rows) else 0)


if __name__ == "__main__":
    main()
