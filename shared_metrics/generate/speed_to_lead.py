"""Speed-to-lead, planted causally and confounded, so an adjusted estimate can be checked against a known
effect.

A first touch within the SLA target multiplies the odds of SAL -> SQL by SPEED_TO_LEAD_SQL_ODDS_RATIO. Reps
answer high-score leads and some sources faster, and those leads convert better anyway: a raw fast-versus-slow
comparison overstates the effect, while one within score band, source and segment recovers it.

The funnel (funnel.draw_leads) draws each lead's SQL outcome from its planted rate p before any touch exists.
The touch speed is drawn afterwards from its distribution given that outcome (Bayes' rule), which gives
exactly the joint distribution of "speed first, then the outcome from the speed": P(fast) = q,
P(SQL | fast) = p_fast, P(SQL | slow) = p_slow, with q * p_fast + (1 - q) * p_slow = p. Every planted stage
rate stays as it was. Holding each lead's rate fixed makes p_fast and p_slow depend on q, and so on the
owner's own speed: the owner is a confounder too (as a good rep is both fast and convincing), and
response_time_effect compares leads of the same owner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shared_metrics.generate import parameters as P
from shared_metrics.generate.reference import Reps

FAST_TOUCH_LOG_ODDS_BY_SOURCE = np.array([P.FAST_TOUCH_LOG_ODDS_BY_SOURCE[s] for s in P.LEAD_SOURCES])


@dataclass
class SpeedToLead:
    p_fast_touch: np.ndarray  # P(first touch within target | touched), before the outcome is known
    p_sql_if_fast: np.ndarray  # P(SAL -> SQL | first touch within target)
    p_sql_if_slow: np.ndarray  # P(SAL -> SQL | first touch later)
    p_never_touched: np.ndarray  # P(never touched | MQL that sales never accepts): the owner's
    p_sal_if_touched: np.ndarray  # P(SAL | MQL touched): leads never touched are never accepted


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1.0 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def plant_speed_to_lead(
    reps: Reps, owner: np.ndarray, score: np.ndarray, source: np.ndarray, p_next: np.ndarray
) -> SpeedToLead:
    """Per lead: how likely its owner answers it within target, and its SAL -> SQL rate either way. The rates
    solve q * p_fast + (1 - q) * p_slow = p_sql with odds(p_fast) = odds ratio * odds(p_slow)."""
    rep_p_fast, p_never = reps.p_fast_first_touch[owner], reps.p_never_touched[owner]
    p_sal, p_sql = p_next[:, 1], p_next[:, 2]
    q = _expit(
        _logit(rep_p_fast)
        + P.FAST_TOUCH_LOG_ODDS_PER_SCORE_POINT * (score - P.SPEED_TO_LEAD_REFERENCE_SCORE)
        + FAST_TOUCH_LOG_ODDS_BY_SOURCE[source]
    )
    # p_slow is the root in [0, 1] of a * x^2 + b * x - p_sql = 0 (the marginal equation times 1 + (r - 1) x).
    r = P.SPEED_TO_LEAD_SQL_ODDS_RATIO
    a = (1.0 - q) * (r - 1.0)
    b = q * r + (1.0 - q) - p_sql * (r - 1.0)
    safe_a = np.where(a > 1e-12, a, 1.0)
    p_slow = np.where(a > 1e-12, (-b + np.sqrt(b * b + 4.0 * a * p_sql)) / (2.0 * safe_a), p_sql / b)
    p_fast = r * p_slow / (1.0 + (r - 1.0) * p_slow)
    return SpeedToLead(
        p_fast_touch=q,
        p_sql_if_fast=p_fast,
        p_sql_if_slow=p_slow,
        p_never_touched=p_never,
        p_sal_if_touched=p_sal / (p_sal + (1.0 - p_sal) * (1.0 - p_never)),
    )


def p_never_given_outcome(speed: SpeedToLead, last_stage: np.ndarray) -> np.ndarray:
    """P(never touched | the lead's drawn funnel outcome): only MQLs that sales never accepts go untouched."""
    return np.where(last_stage == 1, speed.p_never_touched, 0.0)


def p_fast_given_outcome(speed: SpeedToLead, p_sql: np.ndarray, last_stage: np.ndarray) -> np.ndarray:
    """P(first touch within target | touched, the lead's drawn funnel outcome). Speed acts on SAL -> SQL
    only, so a lead that never reached SAL says nothing about it."""
    q = speed.p_fast_touch
    reached_sal = last_stage >= 2
    reached_sql = last_stage >= 3
    if_sql = q * speed.p_sql_if_fast / p_sql
    if_not_sql = q * (1.0 - speed.p_sql_if_fast) / (1.0 - p_sql)
    return np.where(reached_sal, np.where(reached_sql, if_sql, if_not_sql), q)
