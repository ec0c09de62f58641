"""Sales touches (tasks and events) in each rep's working hours, with the planted SLA behaviour per rep."""

from __future__ import annotations

import numpy as np

from shared_metrics.business_time import DAY
from shared_metrics.generate import parameters as P
from shared_metrics.generate.funnel import NO_TIME, Leads
from shared_metrics.generate.reference import TERRITORIES, World
from shared_metrics.generate.speed_to_lead import SpeedToLead, p_fast_given_outcome, p_never_given_outcome

TOUCH_TYPES = list(P.TOUCH_TYPE_SHARE)
MEETING = TOUCH_TYPES.index("Meeting")
# An MQL's SLA window has closed for certain this long after MQL (5 business days plus holidays).
SLA_SETTLED_AFTER = 21 * DAY


def add_business_seconds(
    world: World, territory: np.ndarray, start: np.ndarray, seconds: np.ndarray
) -> np.ndarray:
    """Each start plus that many working seconds of its territory's calendar."""
    out = np.empty(len(start), dtype=np.int64)
    for t, name in enumerate(TERRITORIES):
        mask = territory == t
        if mask.any():
            out[mask] = world.calendars[name].add_business_seconds(start[mask], seconds[mask])
    return out


def workday_seconds(world: World, territory: np.ndarray) -> np.ndarray:
    return np.array([world.calendars[name].workday_seconds for name in TERRITORIES], dtype=np.int64)[
        territory
    ]


def business_seconds_until(world: World, territory: np.ndarray, start: np.ndarray, end: int) -> np.ndarray:
    """Working seconds in each territory's calendar from each start to one end (negative if later)."""
    out = np.empty(len(start), dtype=np.int64)
    for t, name in enumerate(TERRITORIES):
        mask = territory == t
        if mask.any():
            calendar = world.calendars[name]
            until_end = calendar.business_seconds_before(np.array([end]))[0]
            out[mask] = until_end - calendar.business_seconds_before(start[mask])
    return out


def draw_touches(
    world: World, rng: np.random.Generator, leads: Leads, speed: SpeedToLead
) -> tuple[dict, dict]:
    """Completed touches and open tasks; returns the touches and the per-rep planted SLA expectations. How
    fast the first touch comes follows the planted speed-to-lead (speed_to_lead.py), given each outcome."""
    reps = world.reps
    t_mql = leads.reached_at[:, 0]
    mql = np.flatnonzero(t_mql != NO_TIME)
    rep = leads.owner[mql]
    territory = reps.territory[rep]
    day_length = workday_seconds(world, territory)
    m = len(mql)
    p_never = p_never_given_outcome(speed, leads.last_stage)[mql]
    never = rng.random(m) < p_never
    p_fast = p_fast_given_outcome(speed, leads.p_next[:, 2], leads.last_stage)[mql]
    fast = rng.random(m) < p_fast
    target = P.SLA_FIRST_TOUCH_TARGET_MINUTES * 60
    first = np.where(fast, rng.integers(60, target + 1, m), rng.integers(target + 60, 3 * day_length))
    enough = rng.random(m) < reps.p_enough_attempts[rep]
    window = P.SLA_ATTEMPT_WINDOW_BUSINESS_DAYS * day_length
    within = np.where(
        enough, P.SLA_MIN_ATTEMPTS + rng.integers(0, 3, m), rng.integers(1, P.SLA_MIN_ATTEMPTS, m)
    )
    after = np.where(enough, 0, rng.integers(0, 3, m))
    count = np.where(never, 0, within + after)

    owner_of = np.repeat(np.arange(m), count)
    position = np.arange(len(owner_of)) - np.repeat(np.cumsum(count) - count, count)
    first_o, window_o = first[owner_of], window[owner_of]
    offset = np.where(
        position == 0,
        first_o,
        np.where(
            position < within[owner_of],
            first_o + (rng.random(len(owner_of)) * (window_o - first_o)).astype(np.int64),
            window_o + rng.integers(60, 5 * day_length[owner_of]),
        ),
    )
    offset = np.maximum(offset, 1)
    when = add_business_seconds(world, territory[owner_of], t_mql[mql][owner_of], offset)

    # Outbound leads get prospecting touches before they qualify: these never count for the SLA.
    outbound = np.flatnonzero(leads.source == list(P.LEAD_SOURCES).index("Outbound Prospecting"))
    pre_count = rng.integers(1, 4, len(outbound))
    pre_lead = np.repeat(outbound, pre_count)
    pre_territory = reps.territory[leads.owner[pre_lead]]
    pre_when = add_business_seconds(
        world,
        pre_territory,
        leads.created[pre_lead],
        rng.integers(60, 2 * workday_seconds(world, pre_territory) + 1),
    )
    pre_keep = pre_when < np.minimum(leads.reached_at[pre_lead, 0], NO_TIME - 1)

    lead_index = np.concatenate([mql[owner_of], pre_lead[pre_keep]])
    when = np.concatenate([when, pre_when[pre_keep]])
    keep = when <= world.as_of
    lead_index, when = lead_index[keep], when[keep]
    kind = rng.choice(len(TOUCH_TYPES), len(lead_index), p=list(P.TOUCH_TYPE_SHARE.values()))

    # Open (planned) tasks: created after MQL, not completed, so never a touch.
    n_open = rng.binomial(m, P.OPEN_TASK_RATE)
    open_of = rng.choice(m, n_open, replace=True) if m else np.zeros(0, dtype=np.int64)
    open_created = add_business_seconds(
        world, territory[open_of], t_mql[mql][open_of], rng.integers(60, 2 * day_length[open_of] + 1)
    )
    open_keep = open_created <= world.as_of

    # MQLs whose SLA clocks still run at as_of: no touch yet within the first-touch target, fewer than the
    # required attempts within the attempt window (business time of the owner's territory since MQL).
    since_mql = business_seconds_until(world, territory, t_mql[mql], world.as_of)
    touched_by = np.zeros(m, dtype=np.int64)
    np.add.at(touched_by, owner_of, (offset <= np.minimum(window_o, since_mql[owner_of])).astype(np.int64))
    live = ~leads.is_deleted[mql]
    first_touch_pending = live & (since_mql <= target) & (never | (first > since_mql))
    attempts_pending = live & (since_mql <= window) & (touched_by < P.SLA_MIN_ATTEMPTS)

    # Planted expectations per rep over MQLs whose SLA window has closed.
    settled = (t_mql[mql] <= world.as_of - SLA_SETTLED_AFTER) & ~leads.is_deleted[mql]
    touched_probability = 1.0 - p_never
    n_reps = len(reps.number)
    expectations = {
        "mqls": np.bincount(rep[settled], minlength=n_reps),
        "expected_first_touch_within_target": np.bincount(
            rep[settled],
            weights=(touched_probability * p_fast)[settled],
            minlength=n_reps,
        ),
        "expected_enough_attempts": np.bincount(
            rep[settled],
            weights=(touched_probability * reps.p_enough_attempts[rep])[settled],
            minlength=n_reps,
        ),
        "expected_never_touched": np.bincount(rep[settled], weights=p_never[settled], minlength=n_reps),
        "first_touch_pending_at_as_of": np.bincount(rep[first_touch_pending], minlength=n_reps),
        "attempts_pending_at_as_of": np.bincount(rep[attempts_pending], minlength=n_reps),
    }
    touches = {
        "lead_index": lead_index,
        "time": when,
        "kind": kind,
        "open_lead_index": mql[open_of][open_keep],
        "open_created": open_created[open_keep],
    }
    return touches, expectations
