"""Leads and their way through the funnel: attributes, planted stage outcomes, timing and status history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from shared_metrics.business_time import DAY
from shared_metrics.generate import parameters as P
from shared_metrics.generate.reference import CAMPAIGN_TYPE_BY_SOURCE, CAMPAIGN_TYPES, TERRITORIES, World
from shared_metrics.generate.text import INDUSTRIES, TITLES, companies, people, pick, sf_ids

NO_TIME = np.iinfo(np.int64).max  # "never happens"
# Sales' first disposition of a handed-over MQL, as of as_of (see DESIGN.md, "Sales acceptance").
DISPOSITIONS = ["pending", "accepted", "recycled", "disqualified"]
INITIAL_STATUS = "Open - Not Contacted"
RATINGS = ["Hot", "Warm", "Cold"]
# Stage index: 0 Lead, 1 MQL, 2 SAL, 3 SQL, 4 Opportunity, 5 Won.
REACHED = ["MQL", "SAL", "SQL", "Opportunity", "Won"]


def lognormal_seconds(
    rng: np.random.Generator, spec: tuple[float, float, float, float], n: int
) -> np.ndarray:
    median, sigma, low, high = spec
    days = np.clip(median * np.exp(rng.normal(0.0, sigma, n)), low, high)
    return (days * DAY).astype(np.int64)


def categorical(rng: np.random.Generator, cumulative_rows: np.ndarray) -> np.ndarray:
    """One draw per row from each row's cumulative distribution."""
    return (rng.random(len(cumulative_rows))[:, None] > cumulative_rows[:, :-1]).sum(axis=1)


@dataclass
class Leads:
    number: np.ndarray
    id: pa.Array
    created: np.ndarray
    source: np.ndarray
    segment: np.ndarray
    title: np.ndarray  # index into TITLES
    territory: np.ndarray
    owner: np.ndarray  # index into world.reps
    company: pa.Array
    domain: pa.Array
    origin_campaign: np.ndarray  # campaign index, -1 when not campaign-sourced
    p_next: (
        np.ndarray
    )  # [n, 5] planted probability of reaching MQL, SAL, SQL, Opportunity, Won from the stage before
    last_stage: np.ndarray  # furthest stage the lead will ever reach (0..5), as_of aside
    reached_at: np.ndarray  # [n, 5] first time each of MQL..Won is reached (NO_TIME if never)
    close_at: np.ndarray  # opportunity close time (NO_TIME without opportunity)
    recycled_before_accept: np.ndarray
    first_disposition: np.ndarray  # index into DISPOSITIONS, as of as_of (0 also for leads never MQL)
    is_deleted: np.ndarray
    status: np.ndarray  # status at as_of
    modstamp: np.ndarray

    def __len__(self) -> int:
        return len(self.number)


def day_weights() -> np.ndarray:
    """Lead creation per day: growth over the window and a weekly rhythm (weekends are quiet)."""
    days = np.arange(P.HISTORY_DAYS)
    weekday = (days + 3) % 7  # epoch day 0 was a Thursday; only the pattern matters
    rhythm = np.array([1.15, 1.2, 1.15, 1.05, 0.9, 0.35, 0.3])[weekday]
    weights = rhythm * (1.0 + 0.6 * days / P.HISTORY_DAYS)
    return weights / weights.sum()


def _first_dispositions(
    reached_at: np.ndarray,
    last_stage: np.ndarray,
    recycled_before_accept: np.ndarray,
    t_recycled: np.ndarray,
    exit_status: np.ndarray,
    t_exit: np.ndarray,
    as_of: int,
) -> np.ndarray:
    """The first thing sales did with each MQL by as_of: accepted it, sent it back, disqualified it, or
    nothing yet. A lead recycled before its later acceptance was first recycled."""
    first = np.zeros(len(last_stage), dtype=np.int64)
    mql = reached_at[:, 0] != NO_TIME
    accepted = mql & (reached_at[:, 1] != NO_TIME) & ~recycled_before_accept
    recycled_first = mql & recycled_before_accept & (t_recycled <= as_of)
    exited = mql & (last_stage == 1) & (t_exit <= as_of)
    first[accepted] = DISPOSITIONS.index("accepted")
    first[recycled_first | (exited & (exit_status == "Recycled"))] = DISPOSITIONS.index("recycled")
    first[exited & (exit_status == "Disqualified")] = DISPOSITIONS.index("disqualified")
    return first


def draw_leads(world: World, rng: np.random.Generator, numbers: np.ndarray) -> tuple[Leads, dict]:
    """The leads of one chunk with everything the planted truth decides, and their landed columns."""
    n = len(numbers)
    as_of = world.as_of
    created = world.start + rng.choice(P.HISTORY_DAYS, n, p=day_weights()) * DAY + rng.integers(0, DAY, n)
    source = rng.choice(len(P.LEAD_SOURCES), n, p=P.LEAD_SOURCE_SHARE)
    segment = categorical(rng, np.cumsum(P.SEGMENT_SHARE_BY_SOURCE, axis=1)[source])
    territory = rng.choice(len(TERRITORIES), n, p=P.TERRITORY_SHARE)
    countries = [c for t in TERRITORIES for c in P.TERRITORY_COUNTRIES[t]]
    country_offset = np.cumsum([0] + [len(P.TERRITORY_COUNTRIES[t]) for t in TERRITORIES])
    country = country_offset[territory] + (rng.random(n) * np.diff(country_offset)[territory]).astype(
        np.int64
    )
    low = np.log(np.array([r[0] for r in P.EMPLOYEE_RANGE_BY_SEGMENT]))[segment]
    high = np.log(np.array([r[1] + 1 for r in P.EMPLOYEE_RANGE_BY_SEGMENT]))[segment]
    employees = np.floor(np.exp(rng.uniform(low, high))).astype(np.int64)
    group = segment * len(TERRITORIES) + territory
    reps = world.reps
    owner = reps.group_start[group] + (rng.random(n) * reps.group_size[group]).astype(np.int64)

    # Campaign-sourced leads come from the campaign of their source's type that ran that day.
    type_of_source = np.array(
        [
            CAMPAIGN_TYPES.index(CAMPAIGN_TYPE_BY_SOURCE[s]) if s in CAMPAIGN_TYPE_BY_SOURCE else -1
            for s in P.LEAD_SOURCES
        ]
    )[source]
    has_campaign = type_of_source >= 0
    origin_campaign = np.full(n, -1, dtype=np.int64)
    origin_campaign[has_campaign] = world.active_campaign(
        type_of_source[has_campaign],
        rng.integers(0, world.campaigns.tracks, int(has_campaign.sum())),
        created[has_campaign] // DAY,
    )
    lift = np.where(has_campaign, world.campaigns.lift[np.maximum(origin_campaign, 0)], 1.0)

    title = rng.integers(0, len(TITLES), n)
    title_multiplier = np.array([P.TITLE_MULTIPLIER[t] for t in TITLES])[title]

    rates = P.stage_rate_table()
    p_next = np.stack([rates[stage][source, segment] for stage in REACHED], axis=1)
    p_next[:, 0] = np.minimum(p_next[:, 0] * lift * title_multiplier[:, 0], 0.95)
    p_next[:, 2] = np.minimum(p_next[:, 2] * title_multiplier[:, 1], 0.95)
    passes = rng.random((n, len(REACHED))) < p_next
    reaches = np.cumprod(passes, axis=1).astype(bool)
    last_stage = reaches.sum(axis=1)

    # Timing of each stage if it is reached.
    t_mql = created + lognormal_seconds(rng, P.DAYS_TO_MQL, n)
    recycled_before_accept = reaches[:, 1] & (rng.random(n) < P.RECYCLE_BEFORE_ACCEPT_RATE)
    t_recycled = t_mql + rng.integers(1 * DAY, 10 * DAY, n)
    t_requalified = t_recycled + rng.integers(5 * DAY, 30 * DAY, n)
    t_sal = np.where(recycled_before_accept, t_requalified, t_mql) + lognormal_seconds(
        rng, P.DAYS_MQL_TO_SAL, n
    )
    t_sql = t_sal + lognormal_seconds(rng, P.DAYS_SAL_TO_SQL, n)
    skip_sal_status = reaches[:, 2] & (rng.random(n) < P.SKIP_SAL_STATUS_RATE)
    t_sal = np.where(skip_sal_status, t_sql, t_sal)  # a skipped stage is reached when the later one is
    t_opp = t_sql + lognormal_seconds(rng, P.DAYS_SQL_TO_OPPORTUNITY, n)
    cycle = np.zeros(n, dtype=np.int64)
    for s, spec in enumerate(P.SALES_CYCLE_DAYS_BY_SEGMENT):
        cycle = np.where(segment == s, lognormal_seconds(rng, spec, n), cycle)
    t_close = np.where(reaches[:, 3], t_opp + cycle, NO_TIME)
    potential = np.stack([t_mql, t_sal, t_sql, t_opp, t_close], axis=1)
    reached_at = np.where(reaches & (potential <= as_of), potential, NO_TIME)

    # Leads that stop before an opportunity end in a status drawn from EXIT_BY_LAST_STAGE.
    exit_status = np.full(n, "", dtype=object)
    last_time = np.where(last_stage == 0, created, potential[np.arange(n), np.maximum(last_stage - 1, 0)])
    for stage_index, stage in enumerate(["Lead", "MQL", "SAL", "SQL"]):
        options = P.EXIT_BY_LAST_STAGE[stage]
        mask = last_stage == stage_index
        choice = rng.choice(len(options), int(mask.sum()), p=[share for _, share in options])
        exit_status[mask] = np.array([status for status, _ in options], dtype=object)[choice]
    t_exit = last_time + lognormal_seconds(rng, P.DAYS_TO_EXIT, n)
    has_exit_event = np.isin(exit_status, ["Nurturing", "Recycled", "Disqualified"])
    first_disposition = _first_dispositions(
        reached_at, last_stage, recycled_before_accept, t_recycled, exit_status, t_exit, as_of
    )

    # Status history: candidate events per lead, kept when they happened by as_of.
    slots = [
        (reaches[:, 0], t_mql, "Marketing Qualified"),
        (recycled_before_accept, t_recycled, "Recycled"),
        (recycled_before_accept, t_requalified, "Marketing Qualified"),
        (reaches[:, 1] & ~skip_sal_status, t_sal, "Sales Accepted"),
        (reaches[:, 2], t_sql, "Sales Qualified"),
        (reaches[:, 3], t_opp, "Closed - Converted"),
    ]
    lead_index, event_time, new_status = [], [], []
    for happens, when, status in slots:
        keep = happens & (when <= as_of)
        lead_index.append(np.flatnonzero(keep))
        event_time.append(when[keep])
        new_status.append(np.full(int(keep.sum()), status, dtype=object))
    keep = has_exit_event & (t_exit <= as_of)
    lead_index.append(np.flatnonzero(keep))
    event_time.append(t_exit[keep])
    new_status.append(exit_status[keep])
    lead_index = np.concatenate(lead_index)
    event_time = np.concatenate(event_time)
    new_status = np.concatenate(new_status)
    order = np.lexsort((event_time, lead_index))
    lead_index, event_time, new_status = lead_index[order], event_time[order], new_status[order]
    first_of_lead = np.ones(len(lead_index), dtype=bool)
    first_of_lead[1:] = lead_index[1:] != lead_index[:-1]
    old_status = np.empty(len(new_status), dtype=object)
    old_status[1:] = new_status[:-1]
    old_status[first_of_lead] = INITIAL_STATUS
    status = np.full(n, INITIAL_STATUS, dtype=object)
    status[lead_index] = new_status  # later events overwrite earlier ones: sorted by time within lead
    modstamp = created.copy()
    np.maximum.at(modstamp, lead_index, event_time)

    is_converted = reached_at[:, 3] != NO_TIME
    # Independent of the outcome, so that deletions never bias the planted rates.
    is_deleted = rng.random(n) < P.DELETED_LEAD_RATE
    company, domain = companies(rng, numbers)
    ids = sf_ids("lead", numbers)
    leads = Leads(
        number=numbers,
        id=ids,
        created=created,
        source=source,
        segment=segment,
        title=title,
        territory=territory,
        owner=owner,
        company=company,
        domain=domain,
        origin_campaign=origin_campaign,
        p_next=p_next,
        last_stage=last_stage,
        reached_at=reached_at,
        close_at=t_close,
        recycled_before_accept=recycled_before_accept,
        first_disposition=first_disposition,
        is_deleted=is_deleted,
        status=status,
        modstamp=modstamp,
    )
    person = people(rng, numbers, domain)
    ever_recycled = recycled_before_accept | (status == "Recycled")
    columns = {
        "id": ids,
        "created_date": created,
        "owner_id": sf_ids("user", reps.number[owner]),
        "status": status,
        "lead_source": np.array(P.LEAD_SOURCES, dtype=object)[source],
        "company": company,
        "industry": pick(INDUSTRIES, rng.integers(0, len(INDUSTRIES), n)),
        "title": pick(TITLES, title),
        "country": np.array(countries, dtype=object)[country],
        "number_of_employees": employees,
        "rating": pick(RATINGS, rng.choice(3, n, p=[0.2, 0.45, 0.35])),
        "is_converted": is_converted,
        "converted_date": np.where(is_converted, reached_at[:, 3], NO_TIME),
        "disqualified_reason_c": np.where(
            status == "Disqualified",
            np.array(P.DISQUALIFIED_REASONS, dtype=object)[rng.integers(0, len(P.DISQUALIFIED_REASONS), n)],
            None,
        ),
        "recycled_reason_c": np.where(
            ever_recycled,
            np.array(P.RECYCLED_REASONS, dtype=object)[rng.integers(0, len(P.RECYCLED_REASONS), n)],
            None,
        ),
        **person,
        "is_deleted": is_deleted,
        "system_modstamp": modstamp,
    }
    history = {
        "lead_index": lead_index,
        "created_date": event_time,
        "old_value": old_status,
        "new_value": new_status,
    }
    return leads, {"lead": columns, "status_history": history}
