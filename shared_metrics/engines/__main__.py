"""`make engines`: build the whole project on DuckDB, PostgreSQL and Spark from the same generated landing
data and compare every metrics table with DuckDB's (shared_metrics.engines.comparison).

Throw-away local servers are started and stopped: PostgreSQL (initdb in a temporary folder) unless
POSTGRES_HOST points at an existing one, and Spark's Thrift server (pyspark, local mode) unless SPARK_HOST
does. Both listen on 127.0.0.1 only. Prints engine, build time, tables compared and differences; exits 1 on
any difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared_metrics.dbt_results import slowest_nodes
from shared_metrics.engines import prepare_landing
from shared_metrics.engines.comparison import (
    ENGINE_ARTIFACTS,
    ENGINES,
    compare_engines,
    engine_report,
    record_results,
)
from shared_metrics.generate.landing_zone import generate
from shared_metrics.generate.truth import TRUTH_FILE
from shared_metrics.settings import PROJECT_DIR, load_settings


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
        print(prepare_landing("postgres", args.landing))
        return
    leads, seed = getattr(args, "leads", 100_000), getattr(args, "seed", 42)
    engines = tuple(getattr(args, "engines", ENGINES))
    work = PROJECT_DIR / "data" / "engines"
    landing = work / f"landing-{leads}-{seed}"
    if not (landing / TRUTH_FILE).exists():
        generate(leads, seed, landing, force=True, progress=False)
    rows = compare_engines(landing, work, engines)
    for row in rows:
        row["slowest"] = slowest_nodes(ENGINE_ARTIFACTS / row["engine"], 5, ("model", "test"))
    report = engine_report(rows)
    print(report)
    if not any(r["differences"] for r in rows):
        record_results(leads, seed, rows)
    for row in rows:
        for problem in row.get("problems", [])[:50]:
            print(f"{row['engine']}: {problem}")
    sys.exit(1 if any(r["differences"] for r in rows) else 0)


if __name__ == "__main__":
    main()
