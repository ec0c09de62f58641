"""`make bench`: how fast and how big the refresh is at a given size, written to bench/results.json and
docs/benchmarks.md. Speed targets live here, never in timed tests.

Measures, for LEADS leads (data cached per size and seed under data/bench/):
- generator throughput (when the data is generated);
- full refresh per layer (seeds, staging, intermediate, metrics + semantic, tests): wall time and the peak
  RSS of the whole process tree (sampled from /proc, so Linux only);
- overhead ratio: dbt's run of every model versus executing the same compiled SQL directly in DuckDB;
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

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

RESULTS = PROJECT_DIR / "bench" / "results.json"
REPORT = PROJECT_DIR / "docs" / "benchmarks.md"
VENV_BIN = Path(sys.executable).parent
LAYERS = [
    ("seeds", ["seed"]),
    ("staging", ["run", "--select", "path:models/staging"]),
    ("intermediate", ["run", "--select", "path:models/intermediate"]),
    ("metrics", ["run", "--select", "path:models/marts", "path:models/semantic"]),
    ("tests", ["test"]),
]
PAGES = ["Overview", "Funnel", "SLA", "Pipeline", "Campaigns", "Data quality"]


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

    dashboard.data.query_published = capture
    for name in PAGES:
        page["name"] = name
        app = AppTest.from_file(str(PROJECT_DIR / "dashboard" / "app.py"), default_timeout=300).run()
        app.sidebar.radio[0].set_value(name).run()
    publishing.query_published = original
    settings = load_settings()
    timings: dict[str, list[float]] = {}
    for name, sql, parameters in captured:
        for _ in range(repeats):
            started = time.perf_counter()
            original(settings, sql, parameters)
            timings.setdefault(name, []).append(1000 * (time.perf_counter() - started))
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
        full, overhead, incremental = run["full_refresh"], run["overhead"], run["incremental"]
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
        steps += [[f"dbt {name}", m["seconds"], m["peak_rss_gib"]] for name, m in full["layers"].items()]
        steps.append(["**full refresh**", f"**{full['seconds']}**", f"**{full['peak_rss_gib']}**"])
        queries = run["dashboard_queries"]
        pages = [[name, p["queries"], p["p50_ms"], p["p95_ms"]] for name, p in queries["pages"].items()]
        every = queries["all"]
        pages.append(["**all pages**", every["queries"], every["p50_ms"], every["p95_ms"]])
        lines += [
            f"## {int(leads):,} leads ({run['measured_at']}, {run['machine']['cores']} cores, "
            f"{run['machine']['memory_gib']} GiB)",
            "",
            markdown_table(["step", "seconds", "peak RSS (GiB)"], steps),
            "",
            "Overhead ratio (dbt run of all models ÷ the same SQL run directly in DuckDB): "
            f"{overhead['ratio']} ({overhead['dbt_seconds']} s vs {overhead['direct_seconds']} s).",
            "",
            f"Incremental ratio: {incremental['ratio'] or 'not measured'} — {incremental['note']}",
            "",
            markdown_table(["dashboard page", "queries", "p50 ms", "p95 ms"], pages),
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=20, help="timings per dashboard query")
    args = parser.parse_args(argv)

    landing, generator = landing_for(args.leads, args.seed)
    warehouse_dir = PROJECT_DIR / "data" / "bench" / f"warehouse-{args.leads}-{args.seed}"
    shutil.rmtree(warehouse_dir, ignore_errors=True)
    warehouse_dir.mkdir(parents=True)
    warehouse = warehouse_dir / "warehouse.duckdb"
    env = {
        **os.environ,
        "LANDING_DIR": str(landing),
        "WAREHOUSE_DIR": str(warehouse_dir),
        "DBT_DUCKDB_PATH": str(warehouse),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    dbt = str(VENV_BIN / "dbt")
    layers = {}
    for name, command in LAYERS:
        print(f"dbt {name} …", flush=True)
        layers[name] = measured([dbt, *command, "--quiet"], env)
    full = {
        "seconds": round(sum(m["seconds"] for m in layers.values()), 2),
        "peak_rss_gib": max(m["peak_rss_gib"] for m in layers.values()),
        "layers": layers,
    }
    print("overhead …", flush=True)
    run_all = measured([dbt, "run", "--quiet"], env)
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
        # An incremental model's SQL merges from a temporary table of that run; it is cheap, left out.
        if manifest["nodes"][r["unique_id"]]["config"]["materialized"] in ("table", "view")
    ]
    direct = direct_sql_seconds(warehouse, compiled)
    print("dashboard queries …", flush=True)
    dashboard = dashboard_query_latencies(warehouse_dir, args.repeats)
    run = {
        "measured_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "generator": generator,
        "full_refresh": full,
        "overhead": {
            "dbt_seconds": run_all["seconds"],
            "direct_seconds": round(direct, 2),
            "ratio": round(run_all["seconds"] / direct, 2) if direct else None,
        },
        "incremental": {"ratio": None, "note": "incremental models are not built yet (issue 10)."},
        "dashboard_queries": dashboard,
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[str(args.leads)] = run
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    REPORT.write_text(render_report(results))
    print(json.dumps(run, indent=1))


if __name__ == "__main__":
    main()
