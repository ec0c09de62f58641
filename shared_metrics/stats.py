"""Uncertainty of the rates readers show: the 95 % Wilson score interval, the same formula as dbt macro
wilson_bound (tests/test_uncertainty.py holds the two equal), for rates readers pool from a mart's counts; and
whether a rate changed: a two-proportion z-test, with Benjamini–Hochberg over many (tests/test_weekly_pack.py
checks both against hand-computed values)."""

from __future__ import annotations

import math

import numpy as np

Z_95 = 1.959963984540054
# A rate over fewer than this is too few to compare: dbt var min_rate_count (tests/test_uncertainty.py holds
# them equal).
MIN_RATE_COUNT = 30


def wilson_interval(successes, trials) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper 95 % bounds of successes / trials, element-wise; NaN where there are no trials."""
    k = np.asarray(successes, dtype=float)
    n = np.where(np.asarray(trials, dtype=float) > 0, np.asarray(trials, dtype=float), np.nan)
    centre = (k + Z_95**2 / 2) / (n + Z_95**2)
    half = Z_95 * np.sqrt(k * (n - k) / n + Z_95**2 / 4) / (n + Z_95**2)
    # Kept as the macro keeps them: between 0 and the rate, the rate and 1 (rounding at 0 and n successes).
    rate = k / n
    return np.clip(centre - half, 0.0, rate), np.clip(centre + half, rate, 1.0)


def two_proportion_z_test(
    successes_a: float, trials_a: float, successes_b: float, trials_b: float
) -> tuple[float, float]:
    """Pooled two-proportion z-test of successes_a / trials_a against successes_b / trials_b: (z, two-sided
    p-value). z > 0 when a's rate is the higher. NaN for both when either side has no trials or the pooled
    rate is 0 or 1 (nothing varies, so nothing to test)."""
    if trials_a <= 0 or trials_b <= 0:
        return math.nan, math.nan
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    variance = pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b)
    if variance <= 0:
        return math.nan, math.nan
    z = (successes_a / trials_a - successes_b / trials_b) / math.sqrt(variance)
    return z, math.erfc(abs(z) / math.sqrt(2))


def benjamini_hochberg(p_values, alpha: float = 0.05) -> np.ndarray:
    """Which hypotheses to reject keeping the false discovery rate at ``alpha`` (Benjamini–Hochberg step-up):
    the k smallest p-values, k the largest rank with p_(k) <= k / m * alpha. A boolean array in the input's
    order; NaN p-values are never rejected and do not count among the m tests."""
    p = np.asarray(p_values, dtype=float)
    rejected = np.zeros(p.shape, dtype=bool)
    tested = np.flatnonzero(~np.isnan(p))
    if not len(tested):
        return rejected
    order = tested[np.argsort(p[tested], kind="stable")]
    thresholds = alpha * np.arange(1, len(order) + 1) / len(order)
    passing = np.flatnonzero(p[order] <= thresholds)
    if len(passing):
        rejected[order[: passing[-1] + 1]] = True
    return rejected
