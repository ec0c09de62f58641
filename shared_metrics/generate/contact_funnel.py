"""Contacts in the funnel: primary contacts whom marketing qualified before sales opened their deal, other
contacts who respond and are qualified later, and converted leads' contacts qualified again (still the one
person their lead is). Status changes land in contact_history, as Salesforce field history tracks them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shared_metrics.business_time import DAY
from shared_metrics.generate import parameters as P
from shared_metrics.generate.activities import SLA_SETTLED_AFTER, add_business_seconds, workday_seconds
from shared_metrics.generate.campaign_members import TYPE_SHARE, campaign_at
from shared_metrics.generate.reference import CAMPAIGN_TYPES, World

MQL, SAL, SQL = "Marketing Qualified", "Sales Accepted", "Sales Qualified"
DISPOSITIONS = list(P.CONTACT_FIRST_DISPOSITION_SHARE)
# Rows this chunk adds to tables other modules fill start this far into the chunk's id range.
ID_OFFSET = 5 * 10**9


@dataclass(frozen=True)
class ContactFunnel:
    """Per planted journey (index into the chunk's contacts) and the rows it lands."""

    created: np.ndarray  # every contact's creation (earlier for contacts that came in before their deal)
    status: dict[str, np.ndarray]  # contact, time, old, new: one row per status change
    responses: dict[str, np.ndarray]  # contact, time, campaign
    touches: dict[str, np.ndarray]  # contact, time, kind ("Call" or "Email")
    entered: np.ndarray  # contacts whose journey entered the funnel by the as-of
    truth: dict[str, int]


def _journeys(rng: np.random.Generator, world: World, opps: dict, created: np.ndarray) -> dict:
    """The three kinds of journey: status changes (contact, time, new status) and the responses that start
    them; the contact-sourced journeys' contacts are created before their response."""
    opportunity = opps["opportunity"]
    n_conv = opps["n_converted"]
    n_opp, n_contacts = len(opportunity["number"]), len(created)
    # Sourced: the primary contact of a sales-created opportunity (same index as the opportunity).
    sales = np.arange(n_conv, n_opp)
    low, high = P.CONTACT_SOURCED_RESPONSE_DAYS_BEFORE
    response = opportunity["created"][sales] - (rng.uniform(low, high, len(sales)) * DAY).astype(np.int64)
    chosen = (rng.random(len(sales)) < P.CONTACT_SOURCED_SHARE) & (response >= world.start)
    a, a_response = sales[chosen], response[chosen]
    a_mql = a_response + rng.integers(0, DAY, len(a))
    a_sal = a_mql + rng.integers(3600, 2 * DAY, len(a))
    a_sql = opportunity["created"][a] - rng.integers(600, DAY, len(a))
    created[a] = a_response - rng.integers(DAY, 180 * DAY, len(a))
    # Responders: other contacts on opportunities, qualified after a later response.
    extra = np.arange(n_opp, n_contacts)
    b = extra[rng.random(len(extra)) < P.CONTACT_MQL_SHARE]
    b_response = created[b] + rng.integers(DAY, 300 * DAY, len(b))
    b_mql = b_response + rng.integers(0, DAY, len(b))
    disposition = rng.choice(len(DISPOSITIONS), len(b), p=list(P.CONTACT_FIRST_DISPOSITION_SHARE.values()))
    b_disposed = b_mql + rng.integers(3600, 4 * DAY, len(b))
    qualified = (disposition == DISPOSITIONS.index(SAL)) & (rng.random(len(b)) < P.CONTACT_SAL_TO_SQL_RATE)
    b_sql = b_disposed + rng.integers(DAY, 10 * DAY, len(b))
    # Requalified: converted leads' contacts, marked MQL again long after their conversion.
    c = np.flatnonzero(rng.random(n_conv) < P.REQUALIFIED_CONVERTED_CONTACT_SHARE)
    c_response = created[c] + rng.integers(30 * DAY, 400 * DAY, len(c))
    c_mql = c_response + rng.integers(0, DAY, len(c))
    bq = b[qualified]
    return {
        "status_contact": np.concatenate([a, a, a, b, b, bq, c]),
        "status_time": np.concatenate([a_mql, a_sal, a_sql, b_mql, b_disposed, b_sql[qualified], c_mql]),
        "status_new": np.concatenate(
            [
                np.full(len(a), MQL, object),
                np.full(len(a), SAL, object),
                np.full(len(a), SQL, object),
                np.full(len(b), MQL, object),
                np.array(DISPOSITIONS, object)[disposition],
                np.full(len(bq), SQL, object),
                np.full(len(c), MQL, object),
            ]
        ),
        "response_contact": np.concatenate([a, b, c]),
        "response_time": np.concatenate([a_response, b_response, c_response]),
        "sourced": a,
        "responders": b,
        "responder_response": b_response,
        "requalified": c,
        "requalified_response": c_response,
        "requalified_mql": c_mql,
        "mql_contact": np.concatenate([a, b]),
        "mql_at": np.concatenate([a_mql, b_mql]),
    }


def _touches(rng: np.random.Generator, world: World, owner: np.ndarray, mql_at: np.ndarray) -> dict:
    """Calls and emails after each contact's MQL in its owner's business time; the first within the target
    with CONTACT_FAST_FIRST_TOUCH_RATE."""
    m = len(mql_at)
    territory = world.reps.territory[owner]
    day_length = workday_seconds(world, territory)
    target = P.SLA_FIRST_TOUCH_TARGET_MINUTES * 60
    fast = rng.random(m) < P.CONTACT_FAST_FIRST_TOUCH_RATE
    first = np.where(fast, rng.integers(60, target + 1, m), rng.integers(target + 60, 3 * day_length))
    count = rng.integers(1, 5, m)
    of = np.repeat(np.arange(m), count)
    position = np.arange(len(of)) - np.repeat(np.cumsum(count) - count, count)
    offset = np.where(position == 0, first[of], first[of] + rng.integers(60, 5 * day_length[of]))
    when = add_business_seconds(world, territory[of], mql_at[of], offset)
    kind = np.where(rng.random(len(of)) < 0.6, "Call", "Email").astype(object)
    return {"of": of, "time": when, "kind": kind, "fast": fast}


def plan_contact_funnel(
    world: World, rng: np.random.Generator, opps: dict, lead_deleted: np.ndarray
) -> ContactFunnel:
    """The chunk's contact journeys, what lands of them by the as-of, and their planted truth. `lead_deleted`:
    per lead, whether it was deleted; a deleted converted lead leaves its contact the only record of the
    person, so a requalified contact of one is a contact person."""
    as_of = world.as_of
    created = opps["contact"]["created"].copy()
    owner = opps["contact"]["owner"]
    j = _journeys(rng, world, opps, created)

    order = np.lexsort((j["status_time"], j["status_contact"]))
    contact, time, new = j["status_contact"][order], j["status_time"][order], j["status_new"][order]
    first_of_contact = np.r_[True, contact[1:] != contact[:-1]]
    old = np.where(first_of_contact, None, np.r_[None, new[:-1]]).astype(object)
    landed = time <= as_of
    status = {"contact": contact[landed], "time": time[landed], "old": old[landed], "new": new[landed]}

    response_keep = j["response_time"] <= as_of
    response_contact, response_time = j["response_contact"][response_keep], j["response_time"][response_keep]
    campaign = campaign_at(
        world, rng, rng.choice(len(CAMPAIGN_TYPES), len(response_contact), p=TYPE_SHARE), response_time
    )

    mql_keep = j["mql_at"] <= as_of
    mql_contact, mql_at = j["mql_contact"][mql_keep], j["mql_at"][mql_keep]
    touch = _touches(rng, world, owner[mql_contact], mql_at)
    touch_keep = touch["time"] <= as_of

    sourced = j["sourced"]
    responders = j["responders"][j["responder_response"] <= as_of]
    reached = {stage: np.unique(status["contact"][status["new"] == stage]) for stage in (MQL, SAL, SQL)}
    opportunity = opps["opportunity"]
    settled = mql_at <= as_of - SLA_SETTLED_AFTER
    orphaned = lead_deleted[opps["converted_lead"][j["requalified"]]]
    requalified = j["requalified"][~orphaned]
    orphaned_in = orphaned & (j["requalified_response"] <= as_of)
    orphaned_settled = orphaned & (j["requalified_mql"] <= as_of - SLA_SETTLED_AFTER)
    truth = {
        "contact_persons_mql": len(np.setdiff1d(reached[MQL], requalified)),
        "contact_persons_sal": len(np.union1d(reached[SAL], reached[SQL])),
        "contact_persons_sql": len(reached[SQL]),
        "contact_persons_opportunity": len(sourced),
        "contact_persons_won": int(opportunity["is_won"][sourced].sum()),
        "requalified_converted_contacts": int(np.isin(requalified, reached[MQL]).sum()),
        # Not followed up: the journeys' touches are planted for the contacts of live leads only.
        "contact_mqls_settled": int(settled.sum() + orphaned_settled.sum()),
        "contact_first_touch_met_settled": int((settled & touch["fast"]).sum()),
    }
    return ContactFunnel(
        created=created,
        status=status,
        responses={"contact": response_contact, "time": response_time, "campaign": campaign},
        touches={
            "contact": mql_contact[touch["of"]][touch_keep],
            "time": touch["time"][touch_keep],
            "kind": touch["kind"][touch_keep],
        },
        entered=np.union1d(np.union1d(sourced, responders), j["requalified"][orphaned_in]),
        truth=truth,
    )


def contact_person_truth(funnel: ContactFunnel, responded_contacts: np.ndarray) -> dict[str, int]:
    """The chunk's contact persons: the journeys' and every other contact with a campaign response (drawn
    elsewhere: `responded_contacts`), converted leads' contacts never among them."""
    return {"contact_persons": len(np.union1d(funnel.entered, responded_contacts)), **funnel.truth}


def modified_at(funnel: ContactFunnel) -> np.ndarray:
    """Per contact, its creation or its latest landed status change: a field change modifies the contact."""
    latest = funnel.created.copy()
    np.maximum.at(latest, funnel.status["contact"], funnel.status["time"])
    return latest
