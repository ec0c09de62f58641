"""Notable changes: which rates moved between a period and its baseline by more than chance explains.

Each rate is compared with a two-proportion z-test; the p-values of all rates compared together are then
held to a 5 % false discovery rate with Benjamini–Hochberg, so that among dozens of slices the pack does not
report the few that move by chance every week."""

from __future__ import annotations

import pandas as pd

from shared_metrics.stats import MIN_RATE_COUNT, benjamini_hochberg, two_proportion_z_test

FALSE_DISCOVERY_RATE = 0.05
COMPARISON_COLUMNS = [
    "figure",
    "breakdown",
    "current_successes",
    "current_trials",
    "baseline_successes",
    "baseline_trials",
]


def notable_changes(comparisons: pd.DataFrame, alpha: float = FALSE_DISCOVERY_RATE) -> pd.DataFrame:
    """``comparisons``: one row per rate and slice (COMPARISON_COLUMNS: successes and trials in the current
    period and in the baseline). Adds both rates, their difference, z and the p-value; is_tested when both
    periods have at least MIN_RATE_COUNT trials (fewer are too few to compare and are not tested);
    is_significant when Benjamini–Hochberg at ``alpha`` over the tested rows rejects "no change"."""
    missing = [column for column in COMPARISON_COLUMNS if column not in comparisons.columns]
    if missing:
        raise ValueError(f"notable_changes needs the columns {', '.join(missing)} in its comparisons table.")
    frame = comparisons.reset_index(drop=True).copy()
    tests = [
        two_proportion_z_test(
            row.current_successes, row.current_trials, row.baseline_successes, row.baseline_trials
        )
        for row in frame.itertuples()
    ]
    frame["current_rate"] = frame["current_successes"] / frame["current_trials"].where(
        frame["current_trials"] > 0
    )
    frame["baseline_rate"] = frame["baseline_successes"] / frame["baseline_trials"].where(
        frame["baseline_trials"] > 0
    )
    frame["difference"] = frame["current_rate"] - frame["baseline_rate"]
    frame["z"] = [z for z, _ in tests]
    frame["p_value"] = [p for _, p in tests]
    frame["is_tested"] = (
        (frame["current_trials"] >= MIN_RATE_COUNT)
        & (frame["baseline_trials"] >= MIN_RATE_COUNT)
        & frame["p_value"].notna()
    )
    frame["is_significant"] = benjamini_hochberg(frame["p_value"].where(frame["is_tested"]), alpha)
    return frame
