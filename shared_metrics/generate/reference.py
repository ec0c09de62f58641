"""Reference data shared by every chunk: reps in teams, campaigns, the calendars and the time window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shared_metrics.business_time import DAY, TerritoryCalendar, load_calendars
from shared_metrics.generate import parameters as P
from shared_metrics.generate.text import FIRST_NAMES, LAST_NAMES, join, pick, sf_ids

TERRITORIES = list(P.TERRITORY_COUNTRIES)
NEVER = np.iinfo(np.int64).max  # epoch seconds of something that never happens
REPS_PER_TEAM = 8
# Campaign type per lead source; Outbound Prospecting has none.
CAMPAIGN_TYPE_BY_SOURCE = {
    "Web": "Website",
    "Paid Search": "Paid Search",
    "Webinar": "Webinar",
    "Event": "Trade Show",
    "Content Syndication": "Content Syndication",
    "Email": "Email",
    "Partner": "Partner",
    "Referral": "Referral Program",
}
CAMPAIGN_TYPES = list(CAMPAIGN_TYPE_BY_SOURCE.values())
# What a B2B business pays per response: campaigns return a few times their cost over their lives, not 10x.
COST_PER_RESPONSE_BY_TYPE = {
    "Website": 200.0,
    "Paid Search": 240.0,
    "Webinar": 220.0,
    "Trade Show": 620.0,
    "Content Syndication": 200.0,
    "Email": 120.0,
    "Partner": 460.0,
    "Referral Program": 700.0,
}
MISSING_ACTUAL_COST_RATE = 0.08


def epoch_seconds(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * DAY


@dataclass
class Reps:
    """Sales reps (lead owners) grouped by segment and territory; their managers are not in here."""

    number: np.ndarray  # id numbers
    segment: np.ndarray
    territory: np.ndarray
    group_start: np.ndarray  # first rep of each (segment, territory) group, groups ordered segment-major
    group_size: np.ndarray
    p_fast_first_touch: np.ndarray
    p_never_touched: np.ndarray
    p_enough_attempts: np.ndarray
    team: list[str]
    # When each rep was deactivated (epoch seconds; NEVER for reps still active): routing gives them no lead
    # after it, and the user row's system_modstamp records it, as Salesforce stamps a deactivation.
    deactivated_at: np.ndarray


@dataclass
class Campaigns:
    number: np.ndarray
    type_index: np.ndarray
    start_day: np.ndarray  # epoch days
    end_day: np.ndarray
    lift: np.ndarray
    lookup_key: np.ndarray  # sorted (type, track, start day) keys, for finding the active campaign
    lookup_index: np.ndarray
    tracks: int


@dataclass
class World:
    seed: int
    leads: int
    as_of: int  # epoch seconds
    mature_before: int  # epoch seconds: cohorts created before it are in the planted stage truth
    start: int  # epoch seconds of the first day leads are created
    calendars: dict[str, TerritoryCalendar]
    reps: Reps
    campaigns: Campaigns
    user_table: pa.Table
    campaign_table: pa.Table
    queue_table: pa.Table  # one lead queue (a Salesforce Group of type Queue) per segment x territory
    unfair_team: str  # the team whose routing sends high-fit leads to a few favoured reps

    def active_campaign(self, type_index: np.ndarray, track: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Index of the campaign of each type and track that runs on each day."""
        c = self.campaigns
        key = (type_index * c.tracks + track) * 1_000_000 + day
        position = np.searchsorted(c.lookup_key, key, side="right") - 1
        return c.lookup_index[position]


def _reps(rng: np.random.Generator, leads: int, time_zones: dict[str, str]) -> tuple[Reps, pa.Table]:
    total_reps = int(np.clip(leads // 1500, 36, 6000))
    # Reps per (segment, territory) follow the expected lead volume of that group.
    segment_share = P.LEAD_SOURCE_SHARE @ P.SEGMENT_SHARE_BY_SOURCE
    share = np.outer(segment_share, P.TERRITORY_SHARE).ravel()
    group_size = np.maximum(2, np.round(share * total_reps)).astype(np.int64)
    group_start = np.concatenate([[0], np.cumsum(group_size)[:-1]])
    n_reps = int(group_size.sum())
    group = np.repeat(np.arange(len(group_size)), group_size)
    segment = group // len(TERRITORIES)
    territory = group % len(TERRITORIES)
    team_in_group = (np.arange(n_reps) - group_start[group]) // REPS_PER_TEAM
    team_names = [
        f"{TERRITORIES[t]} {P.SEGMENTS[s]} {k + 1}"
        for s, t, k in zip(segment, territory, team_in_group, strict=True)
    ]
    # The manager chain: a manager per team, a director per territory, one head of sales; numbered after the
    # reps in that order.
    teams, rep_team = np.unique(np.array(team_names, dtype=object), return_inverse=True)
    team_territory_index = np.zeros(len(teams), dtype=np.int64)
    team_territory_index[rep_team] = territory
    manager_number = n_reps + 1 + np.arange(len(teams))
    director_number = manager_number[-1] + 1 + np.arange(len(TERRITORIES))
    head_number = director_number[-1] + 1
    rep_number = 1 + np.arange(n_reps)
    reps = Reps(
        number=rep_number,
        segment=segment,
        territory=territory,
        group_start=group_start,
        group_size=group_size,
        p_fast_first_touch=rng.uniform(*P.REP_FAST_FIRST_TOUCH_RANGE, n_reps).round(3),
        p_never_touched=rng.uniform(*P.REP_NEVER_TOUCH_RANGE, n_reps).round(3),
        p_enough_attempts=rng.uniform(*P.REP_ENOUGH_ATTEMPTS_RANGE, n_reps).round(3),
        team=team_names,
        deactivated_at=np.full(n_reps, NEVER, dtype=np.int64),
    )
    all_numbers = np.concatenate([rep_number, manager_number, director_number, [head_number]])
    n_users = len(all_numbers)
    first = pick(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), n_users))
    last = pick(LAST_NAMES, rng.integers(0, len(LAST_NAMES), n_users))
    name = join(first, last, sep=" ")
    email = join(join(first, last, sep="."), "salesco.example", sep="@")
    user_territory = [TERRITORIES[t] for t in np.concatenate([territory, team_territory_index])] + TERRITORIES
    user_territory.append(TERRITORIES[0])
    created = np.datetime64("2023-01-01T09:00:00") + rng.integers(0, 500, n_users).astype("timedelta64[D]")
    table = pa.table(
        {
            "id": sf_ids("user", all_numbers),
            "name": name,
            "email": email,
            "manager_id": pa.concat_arrays(
                [
                    sf_ids("user", manager_number[rep_team]),
                    sf_ids("user", director_number[team_territory_index]),
                    sf_ids("user", np.full(len(TERRITORIES), head_number)),
                    pa.nulls(1, pa.string()),
                ]
            ),
            "user_role": ["Sales Rep"] * n_reps
            + ["Sales Manager"] * len(teams)
            + ["Sales Director"] * len(TERRITORIES)
            + ["Head of Sales"],
            "team": list(team_names) + list(teams) + TERRITORIES + ["Sales"],
            "territory": user_territory,
            "time_zone_sid_key": [time_zones[t] for t in user_territory],
            "is_active": rng.random(n_users) > 0.03,
            "created_date": created.astype("datetime64[us]"),
            "is_deleted": np.zeros(n_users, dtype=bool),
            "system_modstamp": created.astype("datetime64[us]"),
        }
    )
    return reps, table


def _campaigns(rng: np.random.Generator, leads: int, first_day: int, last_day: int, as_of_day: int):
    tracks = int(np.clip(leads // 200_000, 1, 20))
    rows = []
    for type_index in range(len(CAMPAIGN_TYPES)):
        for track in range(tracks):
            day = first_day - int(rng.integers(30, 90))
            while day <= last_day:
                length = int(rng.integers(30, 91))
                rows.append((type_index, track, day, day + length - 1))
                day += length
    type_index, track, start_day, end_day = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    n = len(rows)
    number = 1 + np.arange(n)
    lift = np.exp(rng.normal(0.0, P.CAMPAIGN_LIFT_SIGMA, n)).round(3)
    key = (type_index * tracks + track) * 1_000_000 + start_day
    order = np.argsort(key, kind="stable")
    campaigns = Campaigns(number, type_index, start_day, end_day, lift, key[order], order, tracks)

    # Budget from the expected responses of the campaign's window; actual cost once it has started.
    type_share = {
        CAMPAIGN_TYPE_BY_SOURCE[s]: w
        for s, w in zip(P.LEAD_SOURCES, P.LEAD_SOURCE_SHARE, strict=True)
        if s in CAMPAIGN_TYPE_BY_SOURCE
    }
    per_day = np.array([type_share[t] for t in CAMPAIGN_TYPES])[type_index] * leads / P.HISTORY_DAYS / tracks
    cost_per_response = np.array([COST_PER_RESPONSE_BY_TYPE[t] for t in CAMPAIGN_TYPES])[type_index]
    budget = np.round(per_day * (end_day - start_day + 1) * cost_per_response * 1.6, -2) + 500.0
    started = start_day <= as_of_day
    actual = np.where(
        started & (rng.random(n) > MISSING_ACTUAL_COST_RATE), budget * rng.uniform(0.7, 1.3, n), np.nan
    )
    status = np.where(end_day < as_of_day, "Completed", np.where(started, "In Progress", "Planned"))
    start_date = start_day.astype("datetime64[D]")
    # Set up three weeks ahead, but never after the extract (a planned campaign exists already).
    created_day = np.minimum(start_day - 21, as_of_day - 1)
    created = created_day.astype("datetime64[D]").astype("datetime64[us]") + np.timedelta64(10, "h")
    type_names = np.array(CAMPAIGN_TYPES, dtype=object)[type_index]
    months = np.datetime_as_string(start_date, unit="M")
    table = pa.table(
        {
            "id": sf_ids("campaign", number),
            "name": [f"{m} {t} #{k}" for m, t, k in zip(months, type_names, number, strict=True)],
            "type": type_names,
            "status": status,
            "start_date": start_date,
            "end_date": end_day.astype("datetime64[D]"),
            "budgeted_cost": budget,
            "actual_cost": pa.array(np.round(actual, 2), from_pandas=True),
            "is_active": status == "In Progress",
            "created_date": created,
            "is_deleted": np.zeros(n, dtype=bool),
            "system_modstamp": np.minimum(end_day, as_of_day).astype("datetime64[D]").astype("datetime64[us]")
            + np.timedelta64(18, "h"),
        }
    )
    return campaigns, table


def _with_deactivations(rng: np.random.Generator, reps: Reps, users: pa.Table, as_of: int) -> pa.Table:
    """Deactivates a share of the reps (at least two) on top of the users drawn inactive, each at a time
    that is its last modification; the reps keep theirs for routing."""
    n_reps = len(reps.number)
    inactive = ~users["is_active"].to_numpy(zero_copy_only=False)
    chosen = rng.choice(n_reps, max(2, round(P.DEACTIVATED_REP_SHARE * n_reps)), replace=False)
    inactive[chosen] = True
    created = users["created_date"].to_numpy().astype("datetime64[s]").astype(np.int64)
    days_before = rng.uniform(*P.DEACTIVATED_DAYS_BEFORE_AS_OF, len(inactive))
    deactivated = np.maximum(as_of - (days_before * DAY).astype(np.int64), created + 30 * DAY)
    modstamp = np.where(inactive, deactivated, created)
    reps.deactivated_at[:] = np.where(inactive, deactivated, NEVER)[:n_reps]
    users = users.set_column(users.schema.get_field_index("is_active"), "is_active", pa.array(~inactive))
    return users.set_column(
        users.schema.get_field_index("system_modstamp"),
        "system_modstamp",
        pa.array((modstamp * 1_000_000).astype("datetime64[us]")),
    )


def _queues() -> pa.Table:
    """One inbound lead queue per segment x territory, numbered in the reps' group order (segment-major)."""
    names = [f"{territory} {segment} Inbound" for segment in P.SEGMENTS for territory in TERRITORIES]
    created = np.full(len(names), np.datetime64("2023-01-01T09:00:00", "us"))
    return pa.table(
        {
            "id": sf_ids("group", 1 + np.arange(len(names))),
            "name": names,
            "developer_name": [
                name.replace(" & ", "_").replace(" ", "_").replace("-", "_") for name in names
            ],
            "type": ["Queue"] * len(names),
            "created_date": created,
            "is_deleted": np.zeros(len(names), dtype=bool),
            "system_modstamp": created,
        }
    )


def _unfair_team(reps: Reps) -> str:
    """The first team of the largest segment x territory group: its routing favours a few reps."""
    largest = int(np.argmax(reps.group_size))
    return reps.team[int(reps.group_start[largest])]


def other_rep_of_group(reps: Reps, rng: np.random.Generator, rep: np.ndarray) -> np.ndarray:
    """Another rep of each rep's segment x territory group (the rep itself in a group of one)."""
    group = reps.segment[rep] * len(TERRITORIES) + reps.territory[rep]
    start, size = reps.group_start[group], reps.group_size[group]
    shift = 1 + (rng.random(len(rep)) * np.maximum(size - 1, 1)).astype(np.int64)
    return np.where(size > 1, start + (rep - start + shift) % size, rep)


def build_world(leads: int, seed: int, as_of: dt.date) -> World:
    rng = np.random.default_rng([seed, 1_000_000])
    start_date = as_of - dt.timedelta(days=P.HISTORY_DAYS)
    first_day = (start_date - dt.date(1970, 1, 1)).days
    as_of_day = (as_of - dt.date(1970, 1, 1)).days
    calendars = load_calendars(start_date - dt.timedelta(days=30), as_of + dt.timedelta(days=120))
    reps, users = _reps(rng, leads, {name: c.time_zone for name, c in calendars.items()})
    campaigns, campaign_table = _campaigns(rng, leads, first_day, as_of_day + 60, as_of_day)
    # Its own stream, so that routing leaves every other draw as it was.
    users = _with_deactivations(np.random.default_rng([seed, 1_000_001]), reps, users, epoch_seconds(as_of))
    return World(
        seed=seed,
        leads=leads,
        as_of=epoch_seconds(as_of),
        mature_before=epoch_seconds(P.mature_cohorts_before(as_of)),
        start=epoch_seconds(start_date),
        calendars=calendars,
        reps=reps,
        campaigns=campaigns,
        user_table=users,
        campaign_table=campaign_table,
        queue_table=_queues(),
        unfair_team=_unfair_team(reps),
    )
