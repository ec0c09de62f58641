"""Accounts, contacts and opportunities: from converted leads and created directly by sales."""

from __future__ import annotations

import numpy as np

from shared_metrics.business_time import DAY
from shared_metrics.generate import parameters as P
from shared_metrics.generate.funnel import NO_TIME, Leads, lognormal_seconds
from shared_metrics.generate.reference import World
from shared_metrics.generate.text import TITLES, people, pick

OPEN_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review"]
STAGE_PROBABILITY = {
    "Prospecting": 10.0,
    "Qualification": 20.0,
    "Needs Analysis": 40.0,
    "Proposal/Price Quote": 60.0,
    "Negotiation/Review": 80.0,
    "Closed Won": 100.0,
    "Closed Lost": 0.0,
}
FORECAST_CATEGORY = {
    "Prospecting": "Pipeline",
    "Qualification": "Pipeline",
    "Needs Analysis": "Pipeline",
    "Proposal/Price Quote": "Best Case",
    "Negotiation/Review": "Commit",
    "Closed Won": "Closed",
    "Closed Lost": "Omitted",
}
SALES_CREATED_PER_CONVERTED = 0.25
SALES_CREATED_SOURCES = ["Outbound Prospecting", "Partner", "Referral", "Web", None]
SALES_CREATED_SOURCE_SHARE = [0.45, 0.15, 0.15, 0.10, 0.15]
CONTACT_ROLES = ["Economic Buyer", "Technical Buyer", "Influencer", "Evaluator"]


def _with_pushes_and_amount_edits(
    rng: np.random.Generator,
    segment: np.ndarray,
    created: np.ndarray,
    close_at: np.ndarray,
    stage_opp: np.ndarray,
    stage_time: np.ndarray,
    stage: np.ndarray,
    stage_amount: np.ndarray,
    step: np.ndarray,
) -> dict:
    """The stage rows plus the planted close-date pushes and amount edits, as history rows in time order per
    opportunity, each with the stage, amount and expected close date in force at its time."""
    n_opp = len(created)
    cycle = close_at - created
    # Pushes: a pushed deal's expected close dates climb from an optimistic first date to its real close in
    # equal steps; each push comes shortly before the date it moves.
    is_pushed = rng.random(n_opp) < P.CLOSE_DATE_PUSH_PROBABILITY_BY_SEGMENT[segment]
    push_count = np.where(
        is_pushed,
        np.minimum(rng.geometric(1 - P.CLOSE_DATE_PUSH_AGAIN_PROBABILITY, n_opp), P.CLOSE_DATE_MAX_PUSHES),
        0,
    )
    first_close = np.where(
        is_pushed,
        created + (cycle * rng.uniform(*P.FIRST_CLOSE_DATE_SHARE_OF_CYCLE, n_opp)).astype(np.int64),
        close_at,
    )
    push_opp = np.repeat(np.arange(n_opp), push_count)
    push_number = np.arange(len(push_opp)) - np.repeat(np.cumsum(push_count) - push_count, push_count) + 1
    steps = np.maximum(push_count[push_opp], 1)
    due_before = first_close[push_opp] + (close_at - first_close)[push_opp] * (push_number - 1) // steps
    push_time = due_before - (rng.uniform(0, P.PUSH_DAYS_BEFORE_DUE, len(push_opp)) * DAY).astype(np.int64)
    push_time = np.clip(push_time, created[push_opp] + 3600, close_at[push_opp] - 1)
    # The n-th push in time sets the n-th later date, whatever the jitter did to their order.
    push_time = push_time[np.lexsort((push_time, push_opp))]
    # Amount edits: once, at a time while the deal is open, by a lognormal factor.
    is_edited = rng.random(n_opp) < P.AMOUNT_EDIT_PROBABILITY_BY_SEGMENT[segment]
    edit_factor = np.exp(rng.normal(0.0, P.AMOUNT_EDIT_SIGMA, n_opp))
    edit_opp = np.flatnonzero(is_edited)
    edit_time = (
        created[edit_opp]
        + 3600
        + (rng.random(len(edit_opp)) * np.maximum(cycle[edit_opp] - 7200, 0)).astype(np.int64)
    )

    # Every row in time order per opportunity; on equal times the stage row first (kind 0, 1 push, 2 edit).
    opp = np.concatenate([stage_opp, push_opp, edit_opp])
    time = np.concatenate([stage_time, push_time, edit_time])
    kind = np.concatenate(
        [
            np.zeros(len(stage_opp), np.int8),
            np.ones(len(push_opp), np.int8),
            np.full(len(edit_opp), 2, np.int8),
        ]
    )
    order = np.lexsort((kind, time, opp))
    opp, time, kind = opp[order], time[order], kind[order]
    stage_row = np.concatenate([np.arange(len(stage_opp)), np.full(len(push_opp) + len(edit_opp), -1)])[order]
    # Each opportunity's first row is a stage row (its creation): carry the stage forward to later rows.
    stage_row = np.maximum.accumulate(stage_row)
    first_of_opp = np.r_[True, opp[1:] != opp[:-1]]
    start = np.flatnonzero(first_of_opp)[np.cumsum(first_of_opp) - 1]

    def so_far(flags: np.ndarray) -> np.ndarray:
        counts = np.cumsum(flags)
        return counts - counts[start] + flags[start]

    pushes_so_far = so_far(kind == 1)
    edited = so_far(kind == 2) > 0
    k = push_count[opp]
    close_date = np.where(
        k > 0,
        first_close[opp] + (close_at - first_close)[opp] * pushes_so_far // np.maximum(k, 1),
        close_at[opp],
    )
    row_amount = np.round(stage_amount[stage_row] * np.where(edited, edit_factor[opp], 1.0), -2)
    return {
        "opportunity": opp,
        "time": time,
        "stage": stage[stage_row],
        "step": step[stage_row],  # of the stage in force: 0 for the first open stage
        "is_stage_change": kind == 0,
        "is_push": kind == 1,
        "amount": row_amount,
        "close_at": close_date,
    }


def _with_reopenings(rng: np.random.Generator, segment: np.ndarray, history: dict) -> dict:
    """The history plus the planted reopenings: a lost deal reopened in the stage it was lost from, with a new
    expected close date, and lost again on that date (rows still in time order per opportunity)."""
    lost_rows = np.flatnonzero(history["is_stage_change"] & (history["stage"] == "Closed Lost"))
    lost_opp = history["opportunity"][lost_rows]
    reopened = rng.random(len(lost_rows)) < P.REOPEN_PROBABILITY_BY_SEGMENT[segment[lost_opp]]
    # The loss is each lost deal's last row: the row before it carries the stage it was lost from.
    lost_rows = lost_rows[reopened]
    n = len(lost_rows)
    reopen_time = history["time"][lost_rows] + (rng.uniform(*P.REOPEN_AFTER_DAYS, n) * DAY).astype(np.int64)
    lost_again_time = reopen_time + (rng.uniform(*P.REOPENED_OPEN_DAYS, n) * DAY).astype(np.int64)
    added = {
        "opportunity": np.tile(history["opportunity"][lost_rows], 2),
        "time": np.concatenate([reopen_time, lost_again_time]),
        "stage": np.concatenate([history["stage"][lost_rows - 1], history["stage"][lost_rows]]),
        "step": np.concatenate([history["step"][lost_rows - 1], history["step"][lost_rows]]),
        "is_stage_change": np.ones(2 * n, bool),
        "is_push": np.zeros(2 * n, bool),
        "amount": np.tile(history["amount"][lost_rows], 2),
        "close_at": np.tile(lost_again_time, 2),
        "is_reopening": np.r_[np.ones(n, bool), np.zeros(n, bool)],
    }
    history = {**history, "is_reopening": np.zeros(len(history["time"]), bool)}
    merged = {column: np.concatenate([history[column], added[column]]) for column in history}
    # Rows at equal times keep their order: the reopenings come after every earlier row of their deal.
    order = np.lexsort((np.arange(len(merged["time"])), merged["time"], merged["opportunity"]))
    return {column: values[order] for column, values in merged.items()}


def draw_opportunities(world: World, rng: np.random.Generator, leads: Leads, base: int) -> dict:
    as_of = world.as_of
    converted = np.flatnonzero(leads.reached_at[:, 3] != NO_TIME)
    n_conv = len(converted)

    # Sales-created opportunities on accounts that converted leads created.
    n_sales = round(n_conv * SALES_CREATED_PER_CONVERTED) if n_conv else 0
    on_lead = converted[rng.integers(0, n_conv, n_sales)] if n_sales else np.zeros(0, dtype=np.int64)
    sales_created = np.maximum(
        leads.reached_at[on_lead, 3] + rng.integers(DAY, 400 * DAY, n_sales), world.start
    )
    sales_keep = sales_created <= as_of
    on_lead, sales_created = on_lead[sales_keep], sales_created[sales_keep]
    n_sales = len(on_lead)

    # Opportunities: first the converted leads', then the sales-created ones.
    account_of_lead = np.full(len(leads), -1, dtype=np.int64)
    account_of_lead[converted] = np.arange(n_conv)
    opp_lead = np.concatenate([converted, on_lead])
    opp_account = account_of_lead[opp_lead]
    n_opp = len(opp_lead)
    segment = leads.segment[opp_lead]
    created = np.concatenate([leads.reached_at[converted, 3], sales_created])
    source_names = np.array(P.LEAD_SOURCES, dtype=object)
    sales_source = np.array(SALES_CREATED_SOURCES, dtype=object)[
        rng.choice(len(SALES_CREATED_SOURCES), n_sales, p=SALES_CREATED_SOURCE_SHARE)
    ]
    lead_source = np.concatenate([source_names[leads.source[converted]], sales_source])
    won_rate = P.stage_rate_table()["Won"].mean(axis=0)[leads.segment[on_lead]]
    is_won_eventually = np.concatenate([leads.last_stage[converted] == 5, rng.random(n_sales) < won_rate])
    cycle = np.concatenate(
        [
            leads.close_at[converted] - leads.reached_at[converted, 3],
            np.zeros(n_sales, dtype=np.int64),
        ]
    )
    for s, spec in enumerate(P.SALES_CYCLE_DAYS_BY_SEGMENT):
        sales_segment = segment[n_conv:] == s
        cycle[n_conv:][sales_segment] = lognormal_seconds(rng, spec, int(sales_segment.sum()))
    close_at = created + cycle
    amount = np.zeros(n_opp)
    for s, (median, sigma) in enumerate(P.AMOUNT_BY_SEGMENT):
        mask = segment == s
        amount[mask] = np.round(median * np.exp(rng.normal(0.0, sigma, int(mask.sum()))), -2)

    # Stage history: every open stage in order for deals that will be won; deals that will be lost advance
    # stage by stage with their segment's planted probability and are lost where they stop. Each visited stage
    # takes its segment's planted share of the cycle (with noise), then the deal closes.
    advances = rng.random((n_opp, len(OPEN_STAGES) - 1)) < P.LOST_DEAL_ADVANCE_BY_SEGMENT[segment]
    stages_before_close = np.where(
        is_won_eventually, len(OPEN_STAGES), 1 + np.cumprod(advances, axis=1).sum(axis=1)
    )
    row_opp = np.repeat(np.arange(n_opp), stages_before_close + 1)
    first_row = np.cumsum(stages_before_close + 1) - stages_before_close - 1
    step = np.arange(len(row_opp)) - np.repeat(first_row, stages_before_close + 1)
    steps = stages_before_close[row_opp]
    is_close_row = step == steps
    weight = np.where(
        is_close_row,
        0.0,
        P.STAGE_TIME_WEIGHT_BY_SEGMENT[segment[row_opp], np.minimum(step, len(OPEN_STAGES) - 1)]
        * np.exp(rng.normal(0.0, P.STAGE_TIME_NOISE_SIGMA, len(row_opp))),
    )
    weight_through = np.cumsum(weight)
    start_offset = np.repeat(weight_through[first_row] - weight[first_row], stages_before_close + 1)
    weight_before = weight_through - weight - start_offset
    weight_total = np.bincount(row_opp, weights=weight, minlength=n_opp)
    row_time = created[row_opp] + (cycle[row_opp] * (weight_before / weight_total[row_opp])).astype(np.int64)
    row_time = np.where(is_close_row, created[row_opp] + cycle[row_opp], row_time)
    row_stage = np.where(
        is_close_row,
        np.where(is_won_eventually[row_opp], "Closed Won", "Closed Lost"),
        np.array(OPEN_STAGES, dtype=object)[np.minimum(step, len(OPEN_STAGES) - 1)],
    ).astype(object)
    first_amount = np.round(amount * rng.uniform(0.7, 1.1, n_opp), -2)
    row_amount = np.where(step == 0, first_amount[row_opp], amount[row_opp])
    history = _with_pushes_and_amount_edits(
        rng, segment, created, close_at, row_opp, row_time, row_stage, row_amount, step
    )
    history = _with_reopenings(rng, segment, history)
    row_keep = history["time"] <= as_of
    history = {column: values[row_keep] for column, values in history.items()}
    row_opp, row_time = history["opportunity"], history["time"]
    # Rows are in time order within each opportunity: the last one kept is how it stands at the as-of.
    stage_now = np.empty(n_opp, dtype=object)
    stage_now[row_opp] = history["stage"]
    current_amount = np.zeros(n_opp)
    current_amount[row_opp] = history["amount"]
    current_close_at = close_at.copy()
    current_close_at[row_opp] = history["close_at"]
    modstamp = np.zeros(n_opp, dtype=np.int64)
    np.maximum.at(modstamp, row_opp, row_time)
    is_closed = np.isin(stage_now, ["Closed Won", "Closed Lost"])

    # Accounts (one per converted lead) and contacts (converted, primary for sales-created, extra).
    account_number = base + 1 + np.arange(n_conv)
    opp_number = base + 1 + np.arange(n_opp)
    converted_contact = base + 1 + np.arange(n_conv)
    sales_primary = base + 1 + n_conv + np.arange(n_sales)
    extra_count = rng.integers(0, 3, n_opp)
    extra_opp = np.repeat(np.arange(n_opp), extra_count)
    extra_contact = base + 1 + n_conv + n_sales + np.arange(len(extra_opp))
    contact_account = np.concatenate([np.arange(n_conv), opp_account[n_conv:], opp_account[extra_opp]])
    contact_number = np.concatenate([converted_contact, sales_primary, extra_contact])
    contact_created = np.concatenate([created[:n_conv], created[n_conv:], created[extra_opp]])
    n_contacts = len(contact_number)
    account_domain = leads.domain.take(converted)

    new_people = people(rng, contact_number[n_conv:], account_domain.take(contact_account[n_conv:]))
    owner_of_account = leads.owner[converted]
    opp_owner = owner_of_account[opp_account]
    won_by_account = np.zeros(n_conv, dtype=bool)
    np.logical_or.at(won_by_account, opp_account, stage_now == "Closed Won")

    roles_opp = np.concatenate([np.arange(n_opp), extra_opp])
    roles_contact = np.concatenate([np.concatenate([converted_contact, sales_primary]), extra_contact])
    roles_primary = np.concatenate([np.ones(n_opp, bool), np.zeros(len(extra_opp), bool)])

    return {
        "n_converted": n_conv,
        "converted_lead": converted,
        "account": {
            "number": account_number,
            "lead": converted,
            "created": created[:n_conv],
            "type": np.where(won_by_account, "Customer", "Prospect"),
            "owner": owner_of_account,
        },
        "contact": {
            "number": contact_number,
            "account": contact_account,
            "created": contact_created,
            "new_people": new_people,
            "title": pick(TITLES, rng.integers(0, len(TITLES), n_contacts)),
            "lead_source": np.concatenate(
                [lead_source[:n_conv], lead_source[n_conv:], lead_source[extra_opp]]
            ),
            "owner": np.concatenate([owner_of_account, opp_owner[n_conv:], opp_owner[extra_opp]]),
        },
        "opportunity": {
            "number": opp_number,
            "lead": opp_lead,
            "account": opp_account,
            "owner": opp_owner,
            "created": created,
            "close_at": current_close_at,
            "stage": stage_now,
            "amount": current_amount,
            "is_closed": is_closed,
            "is_won": stage_now == "Closed Won",
            "lead_source": lead_source,
            "is_from_lead": np.arange(n_opp) < n_conv,
            "modstamp": modstamp,
            "segment": segment,
            "will_be_won": is_won_eventually,
        },
        "opportunity_history": history,
        "contact_role": {
            "opportunity": roles_opp,
            "contact": roles_contact,
            "is_primary": roles_primary,
            "role": np.where(
                roles_primary,
                "Decision Maker",
                np.array(CONTACT_ROLES, dtype=object)[rng.integers(0, len(CONTACT_ROLES), len(roles_opp))],
            ),
            "created": created[roles_opp],
        },
        "contact_for_influence": {"contact": extra_contact, "opportunity_created": created[extra_opp]},
    }
