"""Command line: write a synthetic Salesforce landing zone with planted truth.

python -m shared_metrics.generate --leads 100000 --seed 42 [--out data/landing]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from shared_metrics.generate import parameters as P
from shared_metrics.generate.chunk import generate_chunk, reference_stats
from shared_metrics.generate.defects import TableStats
from shared_metrics.generate.funnel import DISPOSITIONS, REACHED
from shared_metrics.generate.reference import CAMPAIGN_TYPES, TERRITORIES, World, build_world
from shared_metrics.generate.text import sf_ids
from shared_metrics.landing import TABLES
from shared_metrics.settings import load_settings

TRUTH_FILE = "_truth.json"
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
            "there, "
            "or choose another --out folder."
        )
    for name in [*TABLES, TRUTH_FILE]:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _campaign_cost_to_date(campaigns: pa.Table, as_of: dt.date) -> np.ndarray:
    """Each campaign's spend up to the day before as_of: its actual cost (else budget) spread evenly over its
    days, counting only the days it has run."""
    start = campaigns["start_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    end = campaigns["end_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    actual = campaigns["actual_cost"].to_numpy(zero_copy_only=False).astype(float)
    cost = np.where(np.isnan(actual), campaigns["budgeted_cost"].to_numpy(), actual)
    days = end - start + 1
    as_of_day = (as_of - dt.date(1970, 1, 1)).days
    return cost / days * np.clip(as_of_day - start, 0, days)


def _truth(
    world: World, leads: int, as_of: dt.date, results: list[dict], reference: dict[str, TableStats]
) -> dict:
    tables: dict[str, TableStats] = dict(reference)
    for result in results:
        for name, stats in result["stats"].items():
            tables.setdefault(name, TableStats()).add(stats)
    stage_rows = []
    for stage in REACHED:
        entered = sum(r["stage_sums"][stage]["entered"] for r in results)
        expected = sum(r["stage_sums"][stage]["expected_converted"] for r in results)
        previous = P.STAGES[P.STAGES.index(stage) - 1]
        for cell in range(len(entered)):
            source, segment = divmod(cell, len(P.SEGMENTS))
            stage_rows.append(
                {
                    "from_stage": previous,
                    "to_stage": stage,
                    "lead_source": P.LEAD_SOURCES[source],
                    "segment": P.SEGMENTS[segment],
                    "entered": int(entered[cell]),
                    "expected_converted": round(float(expected[cell]), 6),
                }
            )
    reps = world.reps
    # generate() refuses fewer than one lead, so there is always at least one chunk's sums.
    rep_sums = {k: sum(r["rep_sums"][k] for r in results) for k in results[0]["rep_sums"]}
    user_ids = sf_ids("user", reps.number).to_pylist()
    rep_rows = [
        {
            "user_id": user_id,
            "team": reps.team[i],
            "territory": TERRITORIES[reps.territory[i]],
            "segment": P.SEGMENTS[reps.segment[i]],
            "p_first_touch_within_target_if_touched": float(reps.p_fast_first_touch[i]),
            "p_never_touched_if_not_accepted": float(reps.p_never_touched[i]),
            "p_enough_attempts_if_touched": float(reps.p_enough_attempts[i]),
            "settled_mqls": int(rep_sums["mqls"][i]),
            "first_touch_pending_at_as_of": int(rep_sums["first_touch_pending_at_as_of"][i]),
            "attempts_pending_at_as_of": int(rep_sums["attempts_pending_at_as_of"][i]),
            **{
                measure: round(float(rep_sums[measure][i]), 6)
                for measure in (
                    "expected_first_touch_within_target",
                    "expected_enough_attempts",
                    "expected_never_touched",
                )
            },
        }
        for i, user_id in enumerate(user_ids)
    ]
    campaigns = world.campaigns
    sourced = sum(r["campaign_sums"]["sourced_leads"] for r in results)
    expected_mqls = sum(r["campaign_sums"]["expected_mqls"] for r in results)
    campaign_ids = world.campaign_table["id"].to_pylist()
    cost_to_date = _campaign_cost_to_date(world.campaign_table, as_of)
    campaign_rows = [
        {
            "campaign_id": campaign_ids[i],
            "type": CAMPAIGN_TYPES[campaigns.type_index[i]],
            "lift": float(campaigns.lift[i]),
            "sourced_leads_in_mature_cohorts": int(sourced[i]),
            "expected_mqls": round(float(expected_mqls[i]), 6),
            "cost_to_date": round(float(cost_to_date[i]), 6),
        }
        for i in range(len(campaign_ids))
    ]
    handovers: dict[tuple, np.ndarray] = {}
    for result in results:
        for key, counts in result["handovers"].items():
            handovers[key] = handovers.get(key, 0) + counts
    handover_rows = [
        {
            "mql_month": str(np.datetime64(month, "M")) + "-01",
            "segment": P.SEGMENTS[segment],
            "territory": TERRITORIES[territory],
            "lead_source": P.LEAD_SOURCES[source],
            "mqls": int(counts.sum()),
            **{f"first_{d}": int(counts[i]) for i, d in enumerate(DISPOSITIONS)},
        }
        for (month, segment, territory, source), counts in sorted(handovers.items())
    ]
    score_rows: dict[int, dict] = {}
    for result in results:
        for band, sums in result["score_sums"].items():
            row = score_rows.setdefault(band, {"score_band_floor": band, **dict.fromkeys(sums, 0)})
            for measure, value in sums.items():
                row[measure] += value
    return {
        "generator": {
            "leads": leads,
            "seed": world.seed,
            "as_of": as_of.isoformat(),
            "history_days": P.HISTORY_DAYS,
            "first_lead_date": (as_of - dt.timedelta(days=P.HISTORY_DAYS)).isoformat(),
            "mature_cohorts_created_before": P.mature_cohorts_before(as_of).isoformat(),
        },
        "notes": {
            "stage_conversion": (
                "Leads in mature, non-deleted cohorts that reached from_stage (entered) and the sum "
                "of their planted probabilities of reaching to_stage (expected_converted)."
            ),
            "sales_sla": (
                "Per rep, over non-deleted MQLs at least 21 days before as_of: the expected number "
                "first touched within target, with enough attempts, and never touched; over all non-deleted "
                "MQLs: how many SLA clocks still run at as_of (no touch yet within the first-touch target; "
                "fewer than the required attempts within the window)."
            ),
            "lead_score_bands": (
                "Per score band (seed lead_scoring_rules, bands of LEAD_SCORE_BAND_WIDTH points), over "
                "mature non-deleted leads: leads and the sums of their planted probabilities of reaching "
                "SQL, Opportunity and Won."
            ),
            "handovers": (
                "Per MQL month (UTC), segment, territory and lead source, over non-deleted leads that "
                "became MQLs by as_of: MQLs and how many sales first accepted, recycled, disqualified, or "
                "had not ruled on (pending) by as_of."
            ),
            "defects": (
                "Exact counts per landed table: rows landed, superseded versions (older versions and "
                "exact duplicates), deleted entities, staged rows, and quarantined junk rows by reason."
            ),
        },
        "stage_conversion": stage_rows,
        "sales_sla": {
            "first_touch_target_minutes": P.SLA_FIRST_TOUCH_TARGET_MINUTES,
            "min_attempts": P.SLA_MIN_ATTEMPTS,
            "attempt_window_business_days": P.SLA_ATTEMPT_WINDOW_BUSINESS_DAYS,
            "reps": rep_rows,
        },
        "campaigns": campaign_rows,
        "handovers": handover_rows,
        "lead_score_bands": [score_rows[band] for band in sorted(score_rows)],
        "defects": {
            "rates": {
                "superseded_version": P.SUPERSEDED_VERSION_RATE,
                "exact_duplicate": P.EXACT_DUPLICATE_RATE,
                "deleted_lead": P.DELETED_LEAD_RATE,
                "deleted_activity": P.DELETED_ACTIVITY_RATE,
                "null_id": P.NULL_ID_RATE,
                "orphan_key": P.ORPHAN_KEY_RATE,
                "unknown_status": P.UNKNOWN_STATUS_RATE,
                "impossible_timestamp": P.IMPOSSIBLE_TIMESTAMP_RATE,
            },
            "tables": {
                name: {
                    "landed": s.landed,
                    "superseded": s.superseded,
                    "deleted": s.deleted,
                    "staged": s.staged,
                    "quarantined": dict(sorted(s.quarantined.items())),
                }
                for name, s in sorted(tables.items())
            },
        },
    }


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
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_init_worker, initargs=(world,), maxtasksperchild=4) as pool:
            for job, result in zip(jobs, pool.imap(_run_chunk, jobs), strict=True):
                results.append(result)
                bar.update(job[1])
    bar.close()
    truth = _truth(world, leads, as_of, results, reference)
    (out / TRUTH_FILE).write_text(json.dumps(truth, indent=1, default=_json_default) + "\n", encoding="utf-8")
    return truth


def today_utc() -> dt.date:
    """The demo's default as-of: its data ends today, so a fresh demo looks live."""
    return dt.datetime.now(dt.UTC).date()


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serializable: {type(value)}")


def main(argv: list[str] | None = None) -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(
        prog="python -m shared_metrics.generate", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--leads", type=int, default=settings.demo_leads, help="number of leads (default %(default)s)"
    )
    parser.add_argument(
        "--seed", type=int, default=settings.demo_seed, help="random seed (default %(default)s)"
    )
    parser.add_argument(
        "--out", type=Path, default=settings.landing_dir, help="landing folder (default LANDING_DIR)"
    )
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=today_utc(),
        help="the data's 'now': nothing happens after it (default: today, UTC)",
    )
    parser.add_argument("--workers", type=int, default=None, help="processes (default: up to 2)")
    parser.add_argument("--force", action="store_true", help="replace generated tables already in --out")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    truth = generate(args.leads, args.seed, args.out, args.as_of, args.workers, args.force, not args.quiet)
    landed = sum(t["landed"] for t in truth["defects"]["tables"].values())
    print(
        f"Wrote {args.leads:,} leads ({landed:,} landed rows in {len(TABLES)} tables) to {args.out} "
        f"in {time.perf_counter() - started:.1f} s; planted truth in {args.out / TRUTH_FILE}"
    )
