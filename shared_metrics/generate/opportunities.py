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
    row_keep = row_time <= as_of
    row_opp, row_time, row_stage, row_amount, row_step = (
        row_opp[row_keep],
        row_time[row_keep],
        row_stage[row_keep],
        row_amount[row_keep],
        step[row_keep],
    )
    stage_now = np.empty(n_opp, dtype=object)
    stage_now[row_opp] = row_stage  # rows are in time order within each opportunity
    modstamp = np.zeros(n_opp, dtype=np.int64)
    np.maximum.at(modstamp, row_opp, row_time)
    is_closed = np.isin(stage_now, ["Closed Won", "Closed Lost"])
    current_amount = np.where(stage_now == "Prospecting", first_amount, amount)

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
            "close_at": close_at,
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
        "opportunity_history": {
            "opportunity": row_opp,
            "time": row_time,
            "stage": row_stage,
            "step": row_step,  # 0 for the first open stage
            "amount": row_amount,
            "close_at": close_at[row_opp],
        },
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
