"""Campaign membership: the response that sourced a lead, later responses before MQL, and plain sends."""

from __future__ import annotations

import numpy as np

from shared_metrics.business_time import DAY
from shared_metrics.generate import parameters as P
from shared_metrics.generate.funnel import NO_TIME, Leads
from shared_metrics.generate.reference import CAMPAIGN_TYPE_BY_SOURCE, CAMPAIGN_TYPES, World

EXTRA_RESPONSES_PER_LEAD = 0.5
SENDS_PER_LEAD = 0.4
CONTACT_RESPONSE_RATE = 0.35
TYPE_SHARE = np.array(
    [
        share
        for source, share in zip(P.LEAD_SOURCES, P.LEAD_SOURCE_SHARE, strict=True)
        if source in CAMPAIGN_TYPE_BY_SOURCE
    ]
)
TYPE_SHARE = TYPE_SHARE / TYPE_SHARE.sum()


def campaign_at(
    world: World, rng: np.random.Generator, type_index: np.ndarray, when: np.ndarray
) -> np.ndarray:
    track = rng.integers(0, world.campaigns.tracks, len(when))
    return world.active_campaign(type_index, track, when // DAY)


def draw_lead_members(world: World, rng: np.random.Generator, leads: Leads) -> dict[str, np.ndarray]:
    """One row per (campaign, lead): campaign index, lead index, time, responded."""
    n = len(leads)
    sourced = np.flatnonzero(leads.origin_campaign >= 0)
    origin_time = leads.created[sourced] - rng.integers(0, 600, len(sourced))

    extra_count = rng.poisson(EXTRA_RESPONSES_PER_LEAD, n)
    extra_lead = np.repeat(np.arange(n), extra_count)
    horizon = np.where(
        leads.reached_at[extra_lead, 0] != NO_TIME,
        leads.reached_at[extra_lead, 0] - leads.created[extra_lead],
        60 * DAY,
    )
    extra_time = leads.created[extra_lead] + (rng.random(len(extra_lead)) * np.maximum(horizon, 1)).astype(
        np.int64
    )
    extra_type = rng.choice(len(CAMPAIGN_TYPES), len(extra_lead), p=TYPE_SHARE)
    extra_campaign = campaign_at(world, rng, extra_type, extra_time)

    send_count = rng.poisson(SENDS_PER_LEAD, n)
    send_lead = np.repeat(np.arange(n), send_count)
    send_time = leads.created[send_lead] + rng.integers(0, 90 * DAY, len(send_lead))
    send_campaign = campaign_at(world, rng, np.full(len(send_lead), CAMPAIGN_TYPES.index("Email")), send_time)

    campaign = np.concatenate([leads.origin_campaign[sourced], extra_campaign, send_campaign])
    lead = np.concatenate([sourced, extra_lead, send_lead])
    when = np.concatenate([origin_time, extra_time, send_time])
    responded = np.concatenate(
        [np.ones(len(sourced) + len(extra_lead), bool), np.zeros(len(send_lead), bool)]
    )
    keep = when <= world.as_of
    campaign, lead, when, responded = campaign[keep], lead[keep], when[keep], responded[keep]
    # A lead is a member of a campaign once: keep its first response (or first send).
    order = np.lexsort((when, ~responded, lead, campaign))
    campaign, lead, when, responded = campaign[order], lead[order], when[order], responded[order]
    first = np.ones(len(campaign), dtype=bool)
    first[1:] = (campaign[1:] != campaign[:-1]) | (lead[1:] != lead[:-1])
    return {
        "campaign": campaign[first],
        "lead": lead[first],
        "time": when[first],
        "responded": responded[first],
    }


def draw_contact_responses(
    world: World, rng: np.random.Generator, contacts: np.ndarray, opportunity_created: np.ndarray
) -> dict[str, np.ndarray]:
    """Contacts on opportunities that responded to a campaign within the year before the opportunity."""
    responds = rng.random(len(contacts)) < CONTACT_RESPONSE_RATE
    contact, created = contacts[responds], opportunity_created[responds]
    when = np.maximum(created - rng.integers(DAY, 365 * DAY, len(contact)), world.start)
    campaign = campaign_at(world, rng, rng.choice(len(CAMPAIGN_TYPES), len(contact), p=TYPE_SHARE), when)
    return {"campaign": campaign, "contact": contact, "time": when}
