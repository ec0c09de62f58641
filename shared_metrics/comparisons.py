"""Which rates differ by more than chance explains: a rate against its baseline (the weekly pack's notable
changes) or a rep, source, campaign or territory against the rest (the dashboard's comparisons).

Each rate is compared with a two-proportion z-test; the p-values of all rates compared together are then
held to a 5 % false discovery rate with Benjamini–Hochberg, so that among dozens of slices a reader is not
shown the few that differ by chance every week as if they were real."""

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


def versus_the_rest(
    frame: pd.DataFrame,
    successes: str,
    trials: str,
    within: str | None = None,
    alpha: float = FALSE_DISCOVERY_RATE,
) -> pd.DataFrame:
    """Each row's rate (``successes`` / ``trials``) against the rest of its table pooled (or the rest of its
    ``within`` group), all rows held together to the false discovery rate. Adds p_value and differs_from_rest:
    "higher" or "lower" when the difference holds, "" when it does not or the row is too few to compare."""
    groups = frame[within] if within else pd.Series(0, index=frame.index)
    rest_successes = frame.groupby(groups)[successes].transform("sum") - frame[successes]
    rest_trials = frame.groupby(groups)[trials].transform("sum") - frame[trials]
    tested = notable_changes(
        pd.DataFrame(
            {
                "figure": successes,
                "breakdown": range(len(frame)),
                "current_successes": frame[successes].fillna(0).to_numpy(),
                "current_trials": frame[trials].fillna(0).to_numpy(),
                "baseline_successes": rest_successes.fillna(0).to_numpy(),
                "baseline_trials": rest_trials.fillna(0).to_numpy(),
            }
        ),
        alpha,
    )
    direction = tested["difference"].gt(0).map({True: "higher", False: "lower"})
    return frame.assign(
        p_value=tested["p_value"].to_numpy(),
        differs_from_rest=direction.where(tested["is_significant"], "").to_numpy(),
    )
