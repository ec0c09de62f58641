"""The semantic layer's 95 % interval bounds, written from its proportions rather than by hand.

A ratio metric in models/semantic/metrics.yml whose numerator counts a subset of its denominator says so with
``config: {meta: {rate_interval: wilson}}``. For each, this writes two derived metrics, ``<metric>_lower`` and
``<metric>_upper``, into models/semantic/rate_intervals.yml: the Wilson score bounds over the same two counts,
the formula of the marts' macro wilson_bound and of shared_metrics.stats (tests hold them equal). Run
``python -m shared_metrics.semantic_intervals`` after marking a metric; ``--check`` fails when the file is out
of date (a test runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from shared_metrics.settings import PROJECT_DIR
from shared_metrics.stats import Z_95

METRICS_FILE = PROJECT_DIR / "models" / "semantic" / "metrics.yml"
INTERVALS_FILE = PROJECT_DIR / "models" / "semantic" / "rate_intervals.yml"
HEADER = (
    "# Written by `python -m shared_metrics.semantic_intervals` from the metrics marked\n"
    "# `meta: {rate_interval: wilson}` in metrics.yml: do not edit by hand.\n"
)


def _input_metric(side: str | dict) -> dict:
    """A ratio's numerator or denominator as a derived metric's input (name, and its filter if any)."""
    return {"name": side} if isinstance(side, str) else dict(side)


def wilson_expression(successes: str, trials: str, side: str) -> str:
    """The Wilson bound in MetricFlow's SQL over two metric names, as the macro wilson_bound computes it."""
    k, n = f"cast({successes} as double)", trials
    sign = "-" if side == "lower" else "+"
    return (
        f"({k} + {Z_95**2 / 2!r}) / ({n} + {Z_95**2!r}) {sign} {Z_95!r} * "
        f"sqrt({k} * ({n} - {successes}) / {n} + {Z_95**2 / 4!r}) / ({n} + {Z_95**2!r})"
    )


def interval_metrics(metrics: list[dict]) -> list[dict]:
    out = []
    for metric in metrics:
        if metric.get("config", {}).get("meta", {}).get("rate_interval") != "wilson":
            continue
        if metric["type"] != "ratio":
            raise ValueError(
                f"{METRICS_FILE}: metric {metric['name']} asks for a rate interval but is not a ratio."
            )
        numerator = _input_metric(metric["type_params"]["numerator"])
        denominator = _input_metric(metric["type_params"]["denominator"])
        for side, word in (("lower", "from"), ("upper", "to")):
            out.append(
                {
                    "name": f"{metric['name']}_{side}",
                    "label": f"{metric.get('label', metric['name'])}, 95 % interval {word}",
                    "description": (
                        f"{side.capitalize()} bound of {metric['name']}'s 95 % Wilson interval from the same "
                        "counts (the formula of the marts' macro wilson_bound; tests hold them equal)."
                    ),
                    "type": "derived",
                    "type_params": {
                        "expr": wilson_expression(numerator["name"], denominator["name"], side),
                        "metrics": [dict(numerator), dict(denominator)],
                    },
                }
            )
    return out


def render(metrics_file: Path = METRICS_FILE) -> str:
    metrics = yaml.safe_load(metrics_file.read_text(encoding="utf-8"))["metrics"]
    body = yaml.safe_dump(
        {"version": 2, "metrics": interval_metrics(metrics)}, sort_keys=False, allow_unicode=True, width=110
    )
    return HEADER + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when rate_intervals.yml is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not INTERVALS_FILE.exists() or INTERVALS_FILE.read_text(encoding="utf-8") != text:
            print(
                f"{INTERVALS_FILE} is out of date: run `python -m shared_metrics.semantic_intervals` "
                "and commit it.",
                file=sys.stderr,
            )
            return 1
        return 0
    INTERVALS_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {INTERVALS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
