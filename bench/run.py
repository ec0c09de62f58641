"""`make bench`: how fast and how big the refresh is at a given size, written to bench/results.json and
docs/benchmarks.md. Speed targets live here, never in timed tests.

Measures, for LEADS leads (data cached per size and seed under data/bench/):
- generator throughput (when the data is generated);
- full refresh per layer (seeds, staging, intermediate, metrics + semantic, tests): wall time and the peak
  RSS of the whole process tree (sampled from /proc, so Linux only);
- overhead ratio: dbt's run of every model versus executing the same compiled SQL directly in DuckDB
  (by default only up to 1M leads, where its target is; it costs two more full builds);
- incremental ratio: one more day of landed changes (shared_metrics.generate.daily: new leads, status
  changes, calls, late updates, late-landing rows, deletions) refreshed incrementally (`dbt build` on the full
  build) versus the full refresh, with the slowest models of each;
- dashboard queries: p50 / p95 latency of every query each page runs, on the built warehouse;
- the machine (cores, memory, versions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from shared_metrics.dbt_results import slowest_nodes
from shared_metrics.engines import build_arguments
from shared_metrics.settings import DBT_EXECUTABLE, PROJECT_DIR, duckdb_build_threads, virtualenv_environment

RESULTS = PROJECT_DIR / "bench" / "results.json"
REPORT = PROJECT_DIR / "docs" / "benchmarks.md"
LAYERS = [
    ("seeds", ["seed"]),
    ("staging", ["run", "--select", "path:models/staging"]),
    ("intermediate", ["run", "--select", "path:models/intermediate"]),
    ("metrics", ["run", "--select", "path:models/marts", "path:models/semantic"]),
    # As a refresh runs them: data tests, not the unit tests (they check the SQL's logic: make check, CI).
    ("tests", ["test", "--exclude-resource-type", "unit_test"]),
]
# The opportunity journey and pipeline-over-time models, also rebuilt on their own after the full refresh:
# their time and peak memory apart from the rest of the metrics layer.
PIPELINE_OVER_TIME = [
    "int_opportunities__states_spanned",
    "int_opportunities__stages_visited",
    "int_opportunities__close_dates_pushed",
    "int_users__manager_chain_walked",
    "opportunity_stages",
    "opportunity_stage_conversion",
    "opportunity_slippage",
    "sales_velocity",
    "pipeline_snapshot",
    "pipeline_waterfall",
    "sales_target_pacing",
    "sales_scorecard",
]


def tree_rss_bytes(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    members, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in members:
                members.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in members)


def measured(command: list[str], env: dict[str, str]) -> dict:
    """Run a command; its wall time and the peak RSS of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_bytes(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{output.decode(errors='replace')[-3000:]}")
    return {"seconds": round(time.perf_counter() - started, 2), "peak_rss_gib": round(peak / 2**30, 2)}


def landing_for(leads: int, seed: int) -> tuple[Path, dict | None]:
    landing = PROJECT_DIR / "data" / "bench" / f"landing-{leads}-{seed}"
    if (landing / "_truth.json").exists():
        return landing, None
    result = measured(
        [
            sys.executable,
            "-m",
            "shared_metrics.generate",
            "--leads",
            str(leads),
            "--seed",
            str(seed),
            "--out",
            str(landing),
            "--force",
            "--quiet",
        ],
        os.environ.copy(),
    )
    result["leads_per_second"] = round(leads / result["seconds"])
    return landing, result


def direct_sql_seconds(warehouse: Path, compiled: list[Path]) -> float:
    """Execute the SQL dbt ran for every model again, directly in DuckDB, on a copy of the warehouse."""
    import duckdb

    copy = warehouse.parent / "direct" / warehouse.name  # same file name: DuckDB's catalog is named after it
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(warehouse, copy)
    statements = [path.read_text() for path in compiled if path.exists()]
    started = time.perf_counter()
    with duckdb.connect(str(copy)) as con:
        con.execute(f"set memory_limit = '{os.environ.get('DUCKDB_MEMORY_LIMIT', '6GB')}'")
        con.execute("set preserve_insertion_order = false")
        for sql in statements:
            con.execute(sql)
    seconds = time.perf_counter() - started
    shutil.rmtree(copy.parent)
    return seconds


def dashboard_query_latencies(warehouse_dir: Path, repeats: int) -> dict:
    """Every query each dashboard page runs (captured while AppTest renders it), timed on its own."""
    os.environ["WAREHOUSE_DIR"] = str(warehouse_dir)
    # The dashboard package is imported from the project folder (`python bench/run.py` starts in bench/; the
    # app's own path change lasts only while AppTest runs it).
    sys.path.insert(0, str(PROJECT_DIR))
    from streamlit.testing.v1 import AppTest

    import shared_metrics.publish as publishing
    from shared_metrics.settings import load_settings

    captured: list[tuple[str, str, list]] = []
    original = publishing.query_published
    page = {"name": ""}

    def capture(settings, sql, parameters=None):
        captured.append((page["name"], sql, list(parameters or [])))
        return original(settings, sql, parameters)

    publishing.query_published = capture
    import dashboard.data
    from dashboard.pages import PAGES, script

    dashboard.data.query_published = capture
    for name in PAGES:
        page["name"] = name
        app = AppTest.from_file(str(PROJECT_DIR / "dashboard" / "app.py"), default_timeout=300).run()
        app.switch_page(script(name)).run()
    publishing.query_published = original
    settings = load_settings()
    timings: dict[str, list[float]] = {}
    for name, sql, parameters in captured:
        for _ in range(repeats):
            started = time.perf_counter()
            original(settings, sql, parameters)
            timings.setdefault(name, []).append(1000 * (time.perf_counter() - started))
    publishing.close_published_readers()  # the next steps write this file in place
    every = [t for values in timings.values() for t in values]

    def summary(values: list[float]) -> dict:
        ordered = sorted(values)
        return {
            "queries": len(values) // repeats,
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        }

    return {"pages": {name: summary(values) for name, values in timings.items()}, "all": summary(every)}


def machine() -> dict:
    import dagster
    import duckdb
    from dbt.version import __version__ as dbt_version

    memory_kib = int(
        next(
            line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
        ).split()[1]
    )
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 2**20, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt_core": dbt_version,
        "dagster": dagster.__version__,
        "duckdb_memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "6GB"),
    }


def render_report(results: dict) -> str:
    from shared_metrics.markdown import markdown_table

    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench LEADS=N` (bench/run.py); raw numbers in `bench/results.json`.",
        "",
    ]
    for leads, run in sorted(results.items(), key=lambda item: int(item[0])):
        full, overhead, incremental = run["full_refresh"], run.get("overhead"), run.get("incremental")
        steps = []
        if run.get("generator"):
            generator = run["generator"]
            steps.append(
                [
                    f"generate data ({generator['leads_per_second']:,} leads/s)",
                    generator["seconds"],
                    generator["peak_rss_gib"],
                ]
            )
        steps += [
            [f"dbt {name}", f"{m['seconds']}{_range(m)}", m["peak_rss_gib"]]
            for name, m in full["layers"].items()
        ]
        steps.append(
            ["**full refresh**", f"**{full['seconds']}**{_range(full)}", f"**{full['peak_rss_gib']}**"]
        )
        queries = run["dashboard_queries"]
        pages = [[name, p["queries"], p["p50_ms"], p["p95_ms"]] for name, p in queries["pages"].items()]
        every = queries["all"]
        pages.append(["**all pages**", every["queries"], every["p50_ms"], every["p95_ms"]])
        if overhead:
            overhead_line = (
                "Overhead ratio (dbt's full rebuild of all models ÷ the same SQL run directly in DuckDB): "
                f"{overhead['ratio']} ({overhead['dbt_seconds']} s vs {overhead['direct_seconds']} s)."
            )
        else:
            overhead_line = "Overhead ratio: not measured at this size (its target is at 1M leads)."
        lines += [
            f"## {int(leads):,} leads ({run['measured_at']}, {run['machine']['cores']} cores, "
            f"{run['machine']['memory_gib']} GiB)",
            "",
            markdown_table(["step", "seconds", "peak RSS (GiB)"], steps),
            "",
            overhead_line,
            "",
        ]
        if incremental and incremental.get("seconds"):
            landed = sum(incremental["landed_rows"].values())
            lines += [
                f"Incremental ratio: **{incremental['ratio']}** — one more day ({incremental['day']}, "
                f"{landed:,} landed rows) refreshed incrementally with models and tests in "
                f"{incremental['seconds']} s{_range(incremental)} (peak {incremental['peak_rss_gib']} GiB) "
                f"against the full refresh's {full['seconds']} s (medians).",
                "",
                "Where the time goes (slowest dbt nodes, seconds):",
                "",
                markdown_table(
                    [
                        "full refresh: staging",
                        "s",
                        "full: intermediate",
                        "s",
                        "full: metrics",
                        "s",
                        "incremental day",
                        "s",
                    ],
                    _side_by_side(
                        [
                            full["layers"][name].get("slowest", [])
                            for name in ("staging", "intermediate", "metrics")
                        ]
                        + [incremental["slowest"]]
                    ),
                ),
                "",
            ]
        else:
            lines += ["Incremental ratio: not measured.", ""]
        if run.get("pipeline_over_time"):
            alone = run["pipeline_over_time"]
            lines += [
                f"Pipeline over time ({len(alone['models'])} models rebuilt alone on the full warehouse): "
                f"{alone['seconds']} s, peak {alone['peak_rss_gib']} GiB.",
                "",
                markdown_table(["model", "seconds"], alone["models"]),
                "",
            ]
        lines += [markdown_table(["dashboard page", "queries", "p50 ms", "p95 ms"], pages), ""]
    return "\n".join(lines)


def _range(measure: dict) -> str:
    """' (min–max of n runs)' for a repeated measure; empty for a single one."""
    if measure.get("runs", 1) < 2:
        return ""
    return f" ({measure['min_seconds']}–{measure['max_seconds']}, {measure['runs']} runs)"


def _side_by_side(columns: list[list[list]]) -> list[list]:
    """Lists of [name, seconds] as adjacent column pairs of one table."""
    rows = max(len(column) for column in columns)
    return [
        [cell for column in columns for cell in (column[i] if i < len(column) else ["", ""])]
        for i in range(rows)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=20, help="timings per dashboard query")
    parser.add_argument(
        "--runs", type=int, default=3, help="full and incremental refreshes timed (median, min and max)"
    )
    parser.add_argument(
        "--overhead",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure the overhead ratio (default: up to 1M leads, where its target is)",
    )
    args = parser.parse_args(argv)
    if args.overhead is None:
        args.overhead = args.leads <= 1_000_000

    landing, generator = landing_for(args.leads, args.seed)
    warehouse_dir = PROJECT_DIR / "data" / "bench" / f"warehouse-{args.leads}-{args.seed}"
    shutil.rmtree(warehouse_dir, ignore_errors=True)
    warehouse_dir.mkdir(parents=True)
    warehouse = warehouse_dir / "warehouse.duckdb"
    env = virtualenv_environment(
        DBT_TARGET="duckdb",
        LANDING_DIR=str(landing),
        WAREHOUSE_DIR=str(warehouse_dir),
        DBT_DUCKDB_PATH=str(warehouse),
        # As many dbt threads as a refresh of this landing uses.
        DBT_THREADS=os.environ.get("DBT_THREADS") or str(duckdb_build_threads(landing)),
    )
    dbt = DBT_EXECUTABLE
    # One refresh id for the layers run as separate dbt invocations (macros/incremental_refresh.sql).
    env["SHARED_METRICS_REFRESH_ID"] = f"bench-full-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
    runs = []
    for run_number in range(1, args.runs + 1):
        warehouse.unlink(missing_ok=True)
        layers = {}
        for name, command in LAYERS:
            print(f"dbt {name} (run {run_number} of {args.runs}) …", flush=True)
            layers[name] = measured([dbt, *command, "--quiet"], env)
            if name != "tests":
                layers[name]["slowest"] = slowest_nodes()
        runs.append(layers)
    layers = {name: median_run([run[name] for run in runs]) for name, _ in LAYERS}
    totals = [sum(run[name]["seconds"] for name, _ in LAYERS) for run in runs]
    full = {
        **spread(totals),
        "peak_rss_gib": max(m["peak_rss_gib"] for m in layers.values()),
        "layers": layers,
    }
    print("pipeline over time, rebuilt alone …", flush=True)
    pipeline_over_time = measured(
        [dbt, "run", "--full-refresh", "--select", *PIPELINE_OVER_TIME, "--quiet"], env
    )
    pipeline_over_time["models"] = slowest_nodes(count=len(PIPELINE_OVER_TIME))
    del env["SHARED_METRICS_REFRESH_ID"]
    print("dashboard queries …", flush=True)
    dashboard = dashboard_query_latencies(warehouse_dir, args.repeats)
    figures = headline_figures(warehouse)
    print("incremental refresh of one more day …", flush=True)
    incremental = incremental_refresh(landing, warehouse, env, full["seconds"], args.runs)
    overhead = overhead_ratio(warehouse, env) if args.overhead else None
    run = {
        "measured_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "generator": generator,
        "full_refresh": full,
        "pipeline_over_time": pipeline_over_time,
        "overhead": overhead,
        "incremental": incremental,
        "dashboard_queries": dashboard,
        "headline_figures": figures,
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[str(args.leads)] = run
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    REPORT.write_text(render_report(results))
    print(json.dumps(run, indent=1))


def headline_figures(warehouse: Path) -> dict:
    """The shared figures at this size (readouts.headline_figures), so runs can be compared."""
    import duckdb

    from shared_metrics import readouts

    with duckdb.connect(str(warehouse), read_only=True) as con:
        figures = readouts.headline_figures(readouts.connection_reader(con))
    return {
        f.name: {"value": f.value, "numerator": f.numerator, "denominator": f.denominator}
        for f in figures.values()
    }


def incremental_refresh(
    landing: Path, warehouse: Path, env: dict[str, str], full_seconds: float, runs: int
) -> dict:
    """Land one more day and refresh incrementally as a refresh does (models and data tests in one dbt build,
    tests on the rewritten rows), `runs` times from the same full build; then take the day's files away again
    so that the cached landing stays as generated."""
    from shared_metrics.generate.daily import land_day
    from shared_metrics.generate.parameters import DEFAULT_AS_OF
    from shared_metrics.refresh_mode import TEST_SCOPE_ENV

    day = DEFAULT_AS_OF + dt.timedelta(days=1)
    full_build = warehouse.with_name("full-build.duckdb")
    shutil.copyfile(warehouse, full_build)
    landed = land_day(landing, day)
    builds = []
    try:
        for _ in range(runs):
            shutil.copyfile(full_build, warehouse)
            builds.append(
                measured(
                    [DBT_EXECUTABLE, "build", "--quiet", *build_arguments("duckdb")],
                    {**env, TEST_SCOPE_ENV: "refreshed"},
                )
            )
    finally:
        for table in landed:
            (landing / table / f"day-{day:%Y%m%d}.parquet").unlink(missing_ok=True)
        full_build.unlink(missing_ok=True)
    build = median_run(builds)
    return {
        "day": day.isoformat(),
        "landed_rows": landed,
        **build,
        "ratio": round(build["seconds"] / full_seconds, 3),
        "slowest": slowest_nodes(count=12),
    }


def spread(seconds: list[float]) -> dict:
    """The median of repeated timings, with their min and max."""
    return {
        "seconds": round(statistics.median(seconds), 2),
        "min_seconds": round(min(seconds), 2),
        "max_seconds": round(max(seconds), 2),
        "runs": len(seconds),
    }


def median_run(measures: list[dict]) -> dict:
    """Repeated measures of one step: its median time (min, max) and the largest peak memory."""
    return {
        **sorted(measures, key=lambda m: m["seconds"])[len(measures) // 2],
        **spread([m["seconds"] for m in measures]),
        "peak_rss_gib": max(m["peak_rss_gib"] for m in measures),
    }


def overhead_ratio(warehouse: Path, env: dict[str, str]) -> dict:
    """dbt's full rebuild of every model versus the same compiled SQL run directly in DuckDB."""
    dbt = DBT_EXECUTABLE
    print("overhead …", flush=True)
    run_all = measured([dbt, "run", "--full-refresh", "--quiet"], env)
    run_results = json.loads((PROJECT_DIR / "target" / "run_results.json").read_text())["results"]
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    in_run_order = sorted(
        (r for r in run_results if r["unique_id"].startswith("model.") and r["timing"]),
        key=lambda r: r["timing"][0]["started_at"],
    )
    compiled = [
        PROJECT_DIR
        / "target"
        / "run"
        / "shared_metrics"
        / manifest["nodes"][r["unique_id"]]["original_file_path"]
        for r in in_run_order
        # A model that is never rebuilt (history) merges from a temporary table of that run: left out.
        if manifest["nodes"][r["unique_id"]]["config"].get("full_refresh") is not False
    ]
    direct = direct_sql_seconds(warehouse, compiled)
    return {
        "dbt_seconds": run_all["seconds"],
        "direct_seconds": round(direct, 2),
        "ratio": round(run_all["seconds"] / direct, 2) if direct else None,
    }


if __name__ == "__main__":
    main()
