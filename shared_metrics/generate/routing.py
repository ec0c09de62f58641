"""Lead routing: queues, a round robin with planted delays, reassignments, deactivated owners, misrouted
territories and one team routed unfairly.

It runs on its own random stream right after the leads are drawn and changes only who owns them
(``leads.owner`` becomes the owner at the as-of, or the rep a queued lead will go to), so every other planted
draw stays as it was and everything drawn later (touches, opportunities, scorecards) follows the routed owner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shared_metrics.generate import parameters as P
from shared_metrics.generate.activities import add_business_seconds, business_seconds_until, workday_seconds
from shared_metrics.generate.funnel import NO_TIME, Leads, lognormal_seconds
from shared_metrics.generate.matching import AccountMatches
from shared_metrics.generate.reference import NEVER, TERRITORIES, World, other_rep_of_group
from shared_metrics.generate.text import TITLES, sf_ids

OUTBOUND = P.LEAD_SOURCES.index("Outbound Prospecting")
HIGH_FIT_TITLES = np.array([P.TITLE_MULTIPLIER[t][0] >= P.UNFAIR_HIGH_FIT_MULTIPLIER for t in TITLES])


@dataclass
class Routing:
    queue: np.ndarray  # per lead: the queue it entered at creation (index of its group), or -1
    first_rep: np.ndarray  # the rep of the first assignment (the owner at creation when not queued)
    assigned_at: np.ndarray  # a queued lead's assignment (NO_TIME: still queued at the as-of)
    reassigned_at: np.ndarray  # handed from first_rep to leads.owner (NO_TIME: never, by the as-of)
    stuck: np.ndarray  # queued and never to be assigned

    @property
    def in_queue(self) -> np.ndarray:
        """Owned by its queue at the as-of."""
        return (self.queue >= 0) & (self.assigned_at == NO_TIME)


def _active_at(world: World, rng: np.random.Generator, rep: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Each rep, or a never-deactivated rep of the same group where the rep was deactivated by then: routing
    skips deactivated reps."""
    reps = world.reps
    out = rep.copy()
    gone = np.flatnonzero(reps.deactivated_at[rep] <= when)
    group = reps.segment[rep[gone]] * len(TERRITORIES) + reps.territory[rep[gone]]
    for g in np.unique(group):
        members = reps.group_start[g] + np.arange(reps.group_size[g])
        active = members[reps.deactivated_at[members] == NEVER]
        rows = gone[group == g]
        out[rows] = active[rng.integers(0, len(active), len(rows))]
    return out


def draw_routing(world: World, rng: np.random.Generator, leads: Leads, matches: AccountMatches) -> Routing:
    """Route the chunk's leads (updates ``leads.owner``)."""
    reps = world.reps
    n = len(leads)
    territories = len(TERRITORIES)
    queued = (leads.source != OUTBOUND) & (rng.random(n) < P.QUEUE_ROUTED_SHARE)
    stuck = queued & (leads.last_stage == 0) & (rng.random(n) < P.STUCK_IN_QUEUE_RATE)

    # Where the router sends each lead: its group's rep as drawn, now and then a rep of another territory, and
    # in the unfair team a favoured rep for most high-fit leads.
    owner = leads.owner.copy()
    misrouted = queued & ~stuck & (rng.random(n) < P.MISROUTED_TERRITORY_RATE)
    other_group = (
        leads.segment * territories + (leads.territory + rng.integers(1, territories, n)) % territories
    )
    other_rep = reps.group_start[other_group] + (rng.random(n) * reps.group_size[other_group]).astype(
        np.int64
    )
    owner = np.where(misrouted, other_rep, owner)
    team_reps = np.flatnonzero(np.array(reps.team, dtype=object) == world.unfair_team)
    favoured = team_reps[: P.UNFAIR_FAVOURED_REPS]
    to_favoured = (
        queued
        & ~misrouted
        & np.isin(owner, team_reps)
        & HIGH_FIT_TITLES[leads.title]
        & (rng.random(n) < P.UNFAIR_HIGH_FIT_SHARE)
    )
    owner = np.where(to_favoured, favoured[rng.integers(0, len(favoured), n)], owner)
    # Account-based routing: some leads of a known account go to the rep its converted lead went to.
    to_account = rng.random(len(matches.lead)) < P.ACCOUNT_OWNER_ROUTED_SHARE
    owner[matches.lead[to_account]] = owner[matches.converted_lead[to_account]]

    # Reassignment: the router's first pick hands the lead to a colleague of the same group later.
    reassigned = ~stuck & (rng.random(n) < P.REASSIGNMENT_RATE)
    first_rep = np.where(reassigned, other_rep_of_group(world.reps, rng, owner), owner)
    territory = reps.territory[first_rep]
    delay = lognormal_seconds(rng, _minutes_as_days(P.ASSIGNMENT_DELAY_BUSINESS_MINUTES), n)
    assigned_at = np.where(
        queued, add_business_seconds(world, territory, leads.created, delay), leads.created
    )
    later = rng.uniform(*P.REASSIGN_AFTER_BUSINESS_DAYS, n) * workday_seconds(world, territory)
    reassigned_at = add_business_seconds(world, territory, assigned_at, later.astype(np.int64))
    first_rep = _active_at(world, rng, first_rep, assigned_at)
    owner = np.where(reassigned, _active_at(world, rng, owner, reassigned_at), first_rep)

    # What has happened by the as-of.
    assigned_at = np.where(stuck | (assigned_at > world.as_of), NO_TIME, assigned_at)
    reassigned &= (first_rep != owner) & (reassigned_at <= world.as_of) & (assigned_at != NO_TIME)
    owner = np.where(reassigned, owner, first_rep)
    leads.owner = owner
    return Routing(
        queue=np.where(queued, leads.segment * territories + leads.territory, -1),
        first_rep=first_rep,
        assigned_at=np.where(queued, assigned_at, leads.created),
        reassigned_at=np.where(reassigned, reassigned_at, NO_TIME),
        stuck=stuck,
    )


def _minutes_as_days(spec: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    median, sigma, low, high = spec
    return median / 1440, sigma, low / 1440, high / 1440


def owner_ids(world: World, leads: Leads, routing: Routing) -> pa.Array:
    """Each lead's owner at the as-of: its queue while it waits there, else its rep."""
    queue = np.maximum(routing.queue, 0)
    user = sf_ids("user", world.reps.number[leads.owner])
    return pa.array(
        np.where(routing.in_queue, world.queue_table["id"].to_numpy(zero_copy_only=False)[queue], user)
    )


def owner_changes(world: World, leads: Leads, routing: Routing) -> dict[str, np.ndarray]:
    """The owner changes by the as-of, as Salesforce's lead history writes them: each change twice, once with
    the ids and once with the display names (field Owner both times)."""
    queue_ids = world.queue_table["id"].to_numpy(zero_copy_only=False)
    queue_names = world.queue_table["name"].to_numpy(zero_copy_only=False)
    user_ids = sf_ids("user", world.reps.number).to_numpy(zero_copy_only=False)
    user_names = world.user_table["name"].to_numpy(zero_copy_only=False)[: len(world.reps.number)]
    from_queue = np.flatnonzero((routing.queue >= 0) & (routing.assigned_at != NO_TIME))
    handed_on = np.flatnonzero(routing.reassigned_at != NO_TIME)
    lead_index = np.concatenate([from_queue, handed_on])
    queue, first, final = routing.queue[from_queue], routing.first_rep, leads.owner
    old_id = np.concatenate([queue_ids[queue], user_ids[first[handed_on]]])
    new_id = np.concatenate([user_ids[first[from_queue]], user_ids[final[handed_on]]])
    old_name = np.concatenate([queue_names[queue], user_names[first[handed_on]]])
    new_name = np.concatenate([user_names[first[from_queue]], user_names[final[handed_on]]])
    when = np.concatenate([routing.assigned_at[from_queue], routing.reassigned_at[handed_on]])
    return {
        "lead_index": np.tile(lead_index, 2),
        "old_value": np.concatenate([old_id, old_name]),
        "new_value": np.concatenate([new_id, new_name]),
        "created_date": np.tile(when, 2),
    }


def routing_sums(world: World, leads: Leads, routing: Routing) -> dict:
    """A chunk's share of the planted routing truth, over leads that are not deleted: counts, and per rep the
    routed leads received and their planted propensity."""
    reps = world.reps
    live = ~leads.is_deleted
    queued = routing.queue >= 0
    in_queue = routing.in_queue & live
    assigned = queued & ~routing.in_queue & live
    waiting = np.flatnonzero(in_queue)
    waited = business_seconds_until(world, leads.territory[waiting], leads.created[waiting], world.as_of)
    threshold = P.QUEUE_WAIT_THRESHOLD_BUSINESS_HOURS * 3600
    owner = leads.owner
    owned_by_user = live & ~routing.in_queue
    inactive = owned_by_user & (reps.deactivated_at[owner] != NEVER)
    is_open = ~np.isin(leads.status, ["Closed - Converted", "Disqualified"])
    mql_at = leads.reached_at[:, 0]
    team_reps = np.flatnonzero(np.array(reps.team, dtype=object) == world.unfair_team)
    n_reps = len(reps.number)
    planted_sql = leads.p_next[:, 0] * leads.p_next[:, 1] * leads.p_next[:, 2]
    counts = {
        "queued": int((queued & live).sum()),
        "assigned_from_queue": int(assigned.sum()),
        "assigned_after_mql": int((assigned & (mql_at < routing.assigned_at)).sum()),
        "in_queue_at_as_of": int(in_queue.sum()),
        "stuck_in_queue": int((in_queue & routing.stuck).sum()),
        "waiting_beyond_threshold_at_as_of": int((waited > threshold).sum()),
        "reassigned": int(((routing.reassigned_at != NO_TIME) & live).sum()),
        "owned_by_inactive_user": int(inactive.sum()),
        "open_owned_by_inactive_user": int((inactive & is_open).sum()),
        "territory_mismatches": int((owned_by_user & (reps.territory[owner] != leads.territory)).sum()),
        "routed_high_fit_to_unfair_team": int(
            (assigned & np.isin(routing.first_rep, team_reps) & HIGH_FIT_TITLES[leads.title]).sum()
        ),
    }
    return {
        "counts": counts,
        # Per rep, the routed leads received first and the sum of their planted probabilities of reaching SQL.
        "rep_routed_leads": np.bincount(routing.first_rep[assigned], minlength=n_reps),
        "rep_planted_expected_sql": np.bincount(
            routing.first_rep[assigned], weights=planted_sql[assigned], minlength=n_reps
        ),
    }
