"""Write a synthetic Salesforce landing zone: the shared reference tables, then chunks of leads (in up to two
processes), then the planted truth beside them."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import sys
from pathlib import Path

from tqdm import tqdm

from shared_metrics.generate import parameters as P
from shared_metrics.generate.chunk import generate_chunk, reference_stats
from shared_metrics.generate.reference import World, build_world
from shared_metrics.generate.truth import (
    ACCOUNT_MATCHES_FILE,
    LEAD_PROPENSITIES_FILE,
    TRUTH_FILE,
    json_default,
    planted_truth,
    write_truth_rows,
)
from shared_metrics.landing import TABLES

_WORLD: World | None = None  # set in each worker process


def _init_worker(world: World) -> None:
    global _WORLD
    _WORLD = world


def _run_chunk(job: tuple[int, int, str]) -> dict:
    chunk, n, landing_dir = job
    assert _WORLD is not None
    return generate_chunk(_WORLD, chunk, n, Path(landing_dir))


def _chunks(leads: int) -> list[tuple[int, int]]:
    return [
        (c, min(P.CHUNK_LEADS, leads - c * P.CHUNK_LEADS))
        for c in range((leads + P.CHUNK_LEADS - 1) // P.CHUNK_LEADS)
    ]


def _prepare(out: Path, force: bool) -> None:
    existing = [p for p in out.iterdir()] if out.exists() else []
    if existing and not force:
        raise SystemExit(
            f"{out} is not empty ({len(existing)} entries). Pass --force to replace the generated tables "
            "there, or choose another --out folder."
        )
    for name in [*TABLES, TRUTH_FILE, ACCOUNT_MATCHES_FILE, LEAD_PROPENSITIES_FILE]:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate(
    leads: int,
    seed: int,
    out: Path,
    as_of: dt.date = P.DEFAULT_AS_OF,
    workers: int | None = None,
    force: bool = False,
    progress: bool = True,
) -> dict:
    """Write the landing zone for ``leads`` leads into ``out``; returns the planted truth (_truth.json)."""
    if leads < 1:
        raise SystemExit("--leads must be at least 1.")
    _prepare(out, force)
    world = build_world(leads, seed, as_of)
    reference = reference_stats(world, out)
    jobs = [(c, n, str(out)) for c, n in _chunks(leads)]
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs), 2))
    bar = tqdm(total=leads, unit="lead", unit_scale=True, disable=not progress, file=sys.stderr)
    results = []
    if workers == 1:
        _init_worker(world)
        for job in jobs:
            results.append(_run_chunk(job))
            bar.update(job[1])
    else:
        # forkserver, not fork: a fork of a process with other threads (Dagster's, pytest-xdist's) can copy a
        # lock some thread held and hang the child forever.
        context = multiprocessing.get_context("forkserver")
        with context.Pool(workers, initializer=_init_worker, initargs=(world,), maxtasksperchild=4) as pool:
            for job, result in zip(jobs, pool.imap(_run_chunk, jobs), strict=True):
                results.append(result)
                bar.update(job[1])
    bar.close()
    truth = planted_truth(world, leads, as_of, results, reference)
    (out / TRUTH_FILE).write_text(json.dumps(truth, indent=1, default=json_default) + "\n", encoding="utf-8")
    write_truth_rows(out / ACCOUNT_MATCHES_FILE, [result["account_matches"] for result in results])
    write_truth_rows(out / LEAD_PROPENSITIES_FILE, [result["lead_propensities"] for result in results])
    return truth


def today_utc() -> dt.date:
    """The demo's default as-of: its data ends today, so a fresh demo looks live."""
    return dt.datetime.now(dt.UTC).date()
