"""`make report`: render the weekly alignment pack from the published warehouse and print where it is.

python -m shared_metrics.report [--week 2026-W43]
"""

from __future__ import annotations

import argparse
import sys

from shared_metrics.report.pdf import MissingFontError
from shared_metrics.report.store import NoPublishedWarehouseError, render_published
from shared_metrics.report.weekly import ReportWeekError, parse_week
from shared_metrics.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--week", help="ISO week, e.g. 2026-W43 (default: the last complete week)")
    arguments = parser.parse_args(argv)
    try:
        week = parse_week(arguments.week) if arguments.week else None
        files = render_published(load_settings(), week)
    except (NoPublishedWarehouseError, ReportWeekError, MissingFontError) as problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"Weekly alignment pack {files.week}:\n  {files.html}\n  {files.pdf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
