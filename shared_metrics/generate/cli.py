"""Command line: write a synthetic Salesforce landing zone with planted truth.

python -m shared_metrics.generate --leads 100000 --seed 42 [--out data/landing]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from shared_metrics.generate.landing_zone import generate, today_utc
from shared_metrics.generate.truth import TRUTH_FILE
from shared_metrics.landing import TABLES
from shared_metrics.settings import load_settings


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
