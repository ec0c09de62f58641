"""What dbt's last run recorded (run_results.json): where the time went."""

from __future__ import annotations

import json
from pathlib import Path

from shared_metrics.settings import PROJECT_DIR


def slowest_nodes(
    target_path: Path = PROJECT_DIR / "target", count: int = 8, kinds: tuple[str, ...] = ("model",)
) -> list[list]:
    """The `count` slowest nodes of the given kinds (model, test, seed, ...) in the last dbt invocation that
    wrote its artifacts to target_path, as [name, seconds]."""
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    chosen = [r for r in results if r["unique_id"].split(".")[0] in kinds]
    ordered = sorted(chosen, key=lambda r: r["execution_time"], reverse=True)[:count]
    return [[r["unique_id"].split(".")[-1], round(r["execution_time"], 1)] for r in ordered]
