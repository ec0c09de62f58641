"""Uncertainty of the rates readers show: the 95 % Wilson score interval, the same formula as dbt macro
wilson_bound (tests/test_uncertainty.py holds the two equal), for rates readers pool from a mart's counts."""

from __future__ import annotations

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
