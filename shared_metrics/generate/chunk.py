"""One chunk of leads with every row that hangs off them, written as one Parquet part per table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shared_metrics.business_time import DAY
from shared_metrics.generate import parameters as P
from shared_metrics.generate.activities import MEETING, TOUCH_TYPES, draw_touches
from shared_metrics.generate.campaign_members import draw_contact_responses, draw_lead_members
from shared_metrics.generate.defects import TableStats, junk_id_start, land
from shared_metrics.generate.funnel import DISPOSITIONS, NO_TIME, REACHED, Leads, draw_leads
from shared_metrics.generate.opportunities import FORECAST_CATEGORY, STAGE_PROBABILITY, draw_opportunities
from shared_metrics.generate.reference import TERRITORIES, World
from shared_metrics.generate.scoring import lead_scores
from shared_metrics.generate.text import INDUSTRIES, TITLES, pick, sf_ids

CHUNK_ID_SPAN = 10**10  # id numbers of chunk c start at c * CHUNK_ID_SPAN


def timestamps(seconds: np.ndarray) -> pa.Array:
    seconds = np.asarray(seconds, dtype=np.int64)
    missing = seconds == NO_TIME
    micros = np.where(missing, 0, seconds) * 1_000_000
    return pa.array(micros.astype("datetime64[us]"), mask=missing, type=pa.timestamp("us"))


def dates(seconds: np.ndarray) -> pa.Array:
    return pc.cast(timestamps(seconds), pa.date32())


def flags(n: int, value: bool = False) -> np.ndarray:
    return np.full(n, value, dtype=bool)


def never_changed(created: np.ndarray) -> dict[str, pa.Array | np.ndarray]:
    """Bookkeeping columns of a record that was created and not changed or deleted since."""
    return {
        "created_date": timestamps(created),
        "is_deleted": flags(len(created)),
        "system_modstamp": timestamps(created),
    }


def _planted_stage_sums(world: World, leads: Leads) -> dict:
    """Per stage transition, source and segment: leads that reached the earlier stage (in mature cohorts)
    and the sum of their planted probabilities of reaching the next one."""
    mature = (leads.created < world.mature_before) & ~leads.is_deleted
    cell = leads.source * len(P.SEGMENTS) + leads.segment
    cells = len(P.LEAD_SOURCES) * len(P.SEGMENTS)
    out = {}
    previous_reached = mature
    for k, stage in enumerate(REACHED):
        eligible = previous_reached
        out[stage] = {
            "entered": np.bincount(cell[eligible], minlength=cells),
            "expected_converted": np.bincount(
                cell[eligible], weights=leads.p_next[eligible, k], minlength=cells
            ),
        }
        previous_reached = eligible & (leads.reached_at[:, k] != NO_TIME)
    return out


def _planted_handovers(leads: Leads) -> dict[tuple, np.ndarray]:
    """Per MQL month, segment, territory and lead source (non-deleted MQLs up to as_of): MQLs and their first
    dispositions by sales, counted per DISPOSITIONS entry."""
    mql = (leads.reached_at[:, 0] != NO_TIME) & ~leads.is_deleted
    month = leads.reached_at[mql, 0].astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    keys = np.stack([month, leads.segment[mql], leads.territory[mql], leads.source[mql]], axis=1)
    cells, cell = np.unique(keys, axis=0, return_inverse=True)
    counts = np.zeros((len(cells), len(DISPOSITIONS)), dtype=np.int64)
    np.add.at(counts, (cell.ravel(), leads.first_disposition[mql]), 1)
    return {tuple(int(v) for v in key): counts[i] for i, key in enumerate(cells)}


def _planted_campaign_sums(world: World, leads: Leads) -> dict:
    mature = (leads.created < world.mature_before) & ~leads.is_deleted
    sourced = mature & (leads.origin_campaign >= 0)
    n = len(world.campaigns.number)
    return {
        "sourced_leads": np.bincount(leads.origin_campaign[sourced], minlength=n),
        "expected_mqls": np.bincount(
            leads.origin_campaign[sourced], weights=leads.p_next[sourced, 0], minlength=n
        ),
    }


def _planted_score_sums(world: World, leads: Leads, members: dict[str, np.ndarray]) -> dict:
    """Per lead-score band (mature, non-deleted leads): leads and the sums of their planted probabilities of
    reaching SQL, Opportunity and Won. Responses count up to MQL: the generator draws none after it."""
    responses = np.bincount(members["lead"][members["responded"]], minlength=len(leads))
    score = lead_scores(
        {
            "segment": (P.SEGMENTS, leads.segment),
            "title": (TITLES, leads.title),
            "lead_source": (P.LEAD_SOURCES, leads.source),
        },
        responses,
    )
    band = np.floor_divide(score, P.LEAD_SCORE_BAND_WIDTH) * P.LEAD_SCORE_BAND_WIDTH
    mature = (leads.created < world.mature_before) & ~leads.is_deleted
    reach = np.cumprod(leads.p_next, axis=1)  # P(reaching MQL, SAL, SQL, Opportunity, Won)
    sums = {}
    for value in np.unique(band[mature]):
        chosen = mature & (band == value)
        sums[int(value)] = {
            "leads": int(chosen.sum()),
            "expected_sqls": float(reach[chosen, 2].sum()),
            "expected_opportunities": float(reach[chosen, 3].sum()),
            "expected_won": float(reach[chosen, 4].sum()),
        }
    return sums


def _touch_owner_ids(
    world: World, rng: np.random.Generator, leads: Leads, lead_index: np.ndarray, user_id: pa.Array
) -> pa.Array:
    """Who made each touch: the lead's owner, or now and then a teammate of the same segment and territory."""
    reps = world.reps
    owner = leads.owner[lead_index]
    group = leads.segment[lead_index] * len(TERRITORIES) + leads.territory[lead_index]
    start, size = reps.group_start[group], reps.group_size[group]
    teammate = (rng.random(len(owner)) < P.TEAMMATE_TOUCH_RATE) & (size > 1)
    shift = 1 + (rng.random(len(owner)) * np.maximum(size - 1, 1)).astype(np.int64)
    return user_id.take(pa.array(np.where(teammate, start + (owner - start + shift) % size, owner)))


def generate_chunk(world: World, chunk: int, n_leads: int, landing_dir: Path) -> dict:
    rng = np.random.default_rng([world.seed, chunk])
    base = chunk * CHUNK_ID_SPAN
    numbers = base + 1 + np.arange(n_leads)
    leads, drawn = draw_leads(world, rng, numbers)
    lead_columns, history = drawn["lead"], drawn["status_history"]
    touches, rep_expectations = draw_touches(world, rng, leads)
    members = draw_lead_members(world, rng, leads)
    opps = draw_opportunities(world, rng, leads, base)
    reps, as_of = world.reps, world.as_of
    user_id = sf_ids("user", reps.number)
    campaign_id = world.campaign_table["id"]
    deleted_lead = leads.is_deleted

    # Leads, with the ids of what their conversion created.
    conv = opps["converted_lead"]
    n_conv = len(conv)
    account_ids = sf_ids("account", opps["account"]["number"])
    contact_ids = sf_ids("contact", opps["contact"]["number"])
    opportunity_ids = sf_ids("opportunity", opps["opportunity"]["number"])
    lead_to_conv = np.full(n_leads, -1, dtype=np.int64)
    lead_to_conv[conv] = np.arange(n_conv)

    def by_conversion(ids: pa.Array) -> pa.Array:
        index = pa.array(np.where(lead_to_conv >= 0, lead_to_conv, 0))
        return pc.if_else(pa.array(lead_to_conv >= 0), ids.take(index), pa.scalar(None, pa.string()))

    lead = dict(lead_columns)
    lead["created_date"] = timestamps(lead["created_date"])
    lead["converted_date"] = timestamps(lead["converted_date"])
    lead["system_modstamp"] = timestamps(lead["system_modstamp"])
    lead["converted_account_id"] = by_conversion(account_ids)
    lead["converted_contact_id"] = by_conversion(contact_ids.slice(0, n_conv))
    lead["converted_opportunity_id"] = by_conversion(opportunity_ids.slice(0, n_conv))

    # Lead history: a "created" row, the status changes, and some rating changes.
    owner_ids = user_id.take(pa.array(leads.owner))
    status_lead = history["lead_index"]
    rating_lead = np.flatnonzero(rng.random(n_leads) < 0.15)
    rating_time = leads.created[rating_lead] + rng.integers(DAY, 30 * DAY, len(rating_lead))
    rating_keep = rating_time <= as_of
    rating_lead, rating_time = rating_lead[rating_keep], rating_time[rating_keep]
    hist_lead = np.concatenate([np.arange(n_leads), status_lead, rating_lead])
    n_hist = len(hist_lead)
    lead_history = {
        "id": sf_ids("lead_history", base + 1 + np.arange(n_hist)),
        "lead_id": leads.id.take(pa.array(hist_lead)),
        "field": np.concatenate(
            [
                np.full(n_leads, "created", object),
                np.full(len(status_lead), "Status", object),
                np.full(len(rating_lead), "Rating", object),
            ]
        ),
        "old_value": np.concatenate(
            [np.full(n_leads, None, object), history["old_value"], np.full(len(rating_lead), "Cold", object)]
        ),
        "new_value": np.concatenate(
            [
                np.full(n_leads, None, object),
                history["new_value"],
                pc.take(lead["rating"], pa.array(rating_lead)).to_numpy(zero_copy_only=False),
            ]
        ),
        "created_by_id": owner_ids.take(pa.array(hist_lead)),
        "created_date": timestamps(np.concatenate([leads.created, history["created_date"], rating_time])),
        "is_deleted": deleted_lead[hist_lead],
    }

    # Tasks (calls, emails, open tasks) and events (meetings).
    t_lead, t_time, t_kind = touches["lead_index"], touches["time"], touches["kind"]
    is_meeting = t_kind == MEETING
    task_lead = np.concatenate([t_lead[~is_meeting], touches["open_lead_index"]])
    task_time = np.concatenate([t_time[~is_meeting], touches["open_created"]])
    n_done = int((~is_meeting).sum())
    n_open = len(touches["open_lead_index"])
    kind_name = np.array(TOUCH_TYPES, dtype=object)
    task_type = np.concatenate([kind_name[t_kind[~is_meeting]], np.full(n_open, "Call", object)])
    completed = np.concatenate([flags(n_done, True), flags(n_open)])
    due = task_time + np.where(completed, 0, rng.integers(2 * DAY, 6 * DAY, len(task_lead)))
    task = {
        "id": sf_ids("task", base + 1 + np.arange(len(task_lead))),
        "who_id": leads.id.take(pa.array(task_lead)),
        "what_id": pa.nulls(len(task_lead), pa.string()),
        "owner_id": _touch_owner_ids(world, rng, leads, task_lead, user_id),
        "subject": np.where(
            completed, np.where(task_type == "Call", "Call", "Email: follow-up"), "Follow up"
        ),
        "type": task_type,
        "task_subtype": task_type,
        "status": np.where(completed, "Completed", "Not Started"),
        "is_closed": completed,
        "activity_date": dates(due),
        "completed_date_time": timestamps(np.where(completed, task_time, NO_TIME)),
        "created_date": timestamps(task_time),
        "is_deleted": deleted_lead[task_lead],
        "system_modstamp": timestamps(task_time),
    }
    event_lead, event_time = t_lead[is_meeting], t_time[is_meeting]
    n_event = len(event_lead)
    event = {
        "id": sf_ids("event", base + 1 + np.arange(n_event)),
        "who_id": leads.id.take(pa.array(event_lead)),
        "what_id": pa.nulls(n_event, pa.string()),
        "owner_id": _touch_owner_ids(world, rng, leads, event_lead, user_id),
        "subject": np.full(n_event, "Meeting", object),
        "type": np.full(n_event, "Meeting", object),
        "event_subtype": np.full(n_event, "Event", object),
        "activity_date": dates(event_time),
        "start_date_time": timestamps(event_time),
        "end_date_time": timestamps(event_time + 1800),
        "duration_in_minutes": np.full(n_event, 30, np.int64),
        "created_date": timestamps(np.minimum(event_time - rng.integers(3600, 3 * DAY, n_event), event_time)),
        "is_deleted": deleted_lead[event_lead],
        "system_modstamp": timestamps(event_time),
    }

    # Accounts, contacts, opportunities and their history and contact roles.
    acc = opps["account"]
    account = {
        "id": account_ids,
        "name": leads.company.take(pa.array(acc["lead"])),
        "industry": pick(INDUSTRIES, rng.integers(0, len(INDUSTRIES), n_conv)),
        "number_of_employees": pc.take(lead["number_of_employees"], pa.array(acc["lead"])),
        "billing_country": pc.take(lead["country"], pa.array(acc["lead"])),
        "type": acc["type"],
        "owner_id": user_id.take(pa.array(acc["owner"])),
        **never_changed(acc["created"]),
    }
    con = opps["contact"]
    converted_person = {
        k: pc.take(lead[k], pa.array(conv)) for k in ("first_name", "last_name", "email", "phone")
    }
    contact = {
        "id": contact_ids,
        "account_id": account_ids.take(pa.array(con["account"])),
        **{k: pa.concat_arrays([converted_person[k], con["new_people"][k]]) for k in converted_person},
        "title": con["title"],
        "lead_source": con["lead_source"],
        "owner_id": user_id.take(pa.array(con["owner"])),
        **never_changed(con["created"]),
    }
    opp = opps["opportunity"]
    n_opp = len(opp["number"])
    origin = leads.origin_campaign[opp["lead"]]
    opportunity = {
        "id": opportunity_ids,
        "account_id": account_ids.take(pa.array(opp["account"])),
        "owner_id": user_id.take(pa.array(opp["owner"])),
        "name": pc.binary_join_element_wise(
            leads.company.take(pa.array(opp["lead"])),
            np.where(opp["is_from_lead"], "New Business", "Expansion"),
            " - ",
        ),
        "stage_name": opp["stage"],
        "amount": opp["amount"],
        "probability": np.array([STAGE_PROBABILITY[s] for s in opp["stage"]]),
        "close_date": dates(opp["close_at"]),
        "created_date": timestamps(opp["created"]),
        "is_closed": opp["is_closed"],
        "is_won": opp["is_won"],
        "lead_source": opp["lead_source"],
        "campaign_id": pc.if_else(
            pa.array(opp["is_from_lead"] & (origin >= 0)),
            campaign_id.take(pa.array(np.maximum(origin, 0))),
            pa.scalar(None, pa.string()),
        ),
        "type": np.where(opp["is_from_lead"], "New Business", "Existing Business"),
        "forecast_category": np.array([FORECAST_CATEGORY[s] for s in opp["stage"]], dtype=object),
        "is_deleted": flags(n_opp),
        "system_modstamp": timestamps(opp["modstamp"]),
    }
    oh = opps["opportunity_history"]
    n_oh = len(oh["opportunity"])
    opportunity_history = {
        "id": sf_ids("opportunity_history", base + 1 + np.arange(n_oh)),
        "opportunity_id": opportunity_ids.take(pa.array(oh["opportunity"])),
        "stage_name": oh["stage"],
        "amount": oh["amount"],
        "probability": np.array([STAGE_PROBABILITY[s] for s in oh["stage"]]),
        "close_date": dates(oh["close_at"]),
        "forecast_category": np.array([FORECAST_CATEGORY[s] for s in oh["stage"]], dtype=object),
        "created_by_id": user_id.take(pa.array(opp["owner"][oh["opportunity"]])),
        "created_date": timestamps(oh["time"]),
        "is_deleted": flags(n_oh),
    }
    roles = opps["contact_role"]
    n_roles = len(roles["opportunity"])
    role_contact_index = np.searchsorted(con["number"], roles["contact"])
    opportunity_contact_role = {
        "id": sf_ids("opportunity_contact_role", base + 1 + np.arange(n_roles)),
        "opportunity_id": opportunity_ids.take(pa.array(roles["opportunity"])),
        "contact_id": contact_ids.take(pa.array(role_contact_index)),
        "role": roles["role"],
        "is_primary": roles["is_primary"],
        **never_changed(roles["created"]),
    }

    # Campaign members: leads' responses and sends, and opportunity contacts' responses.
    influence = opps["contact_for_influence"]
    contact_responses = draw_contact_responses(
        world, rng, np.searchsorted(con["number"], influence["contact"]), influence["opportunity_created"]
    )
    n_lead_members, n_contact_members = len(members["lead"]), len(contact_responses["contact"])
    member_time = np.concatenate([members["time"], contact_responses["time"]])
    responded = np.concatenate([members["responded"], flags(n_contact_members, True)])
    campaign_member = {
        "id": sf_ids("campaign_member", base + 1 + np.arange(n_lead_members + n_contact_members)),
        "campaign_id": campaign_id.take(
            pa.array(np.concatenate([members["campaign"], contact_responses["campaign"]]))
        ),
        "lead_id": pa.concat_arrays(
            [leads.id.take(pa.array(members["lead"])), pa.nulls(n_contact_members, pa.string())]
        ),
        "contact_id": pa.concat_arrays(
            [pa.nulls(n_lead_members, pa.string()), contact_ids.take(pa.array(contact_responses["contact"]))]
        ),
        "status": np.where(responded, "Responded", "Sent"),
        "has_responded": responded,
        "first_responded_date": dates(np.where(responded, member_time, NO_TIME)),
        "created_date": timestamps(member_time),
        "is_deleted": np.concatenate([deleted_lead[members["lead"]], flags(n_contact_members)]),
        "system_modstamp": timestamps(member_time),
    }

    tables = {
        "lead": lead,
        "lead_history": lead_history,
        "task": task,
        "event": event,
        "account": account,
        "contact": contact,
        "opportunity": opportunity,
        "opportunity_history": opportunity_history,
        "opportunity_contact_role": opportunity_contact_role,
        "campaign_member": campaign_member,
    }
    stats = {}
    for offset, (name, columns) in enumerate(tables.items()):
        landed, stats[name] = land(name, pa.table(columns), rng, junk_id_start(chunk) + offset * 10_000_000)
        write_part(landing_dir, name, chunk, landed)
    return {
        "stats": stats,
        "stage_sums": _planted_stage_sums(world, leads),
        "campaign_sums": _planted_campaign_sums(world, leads),
        "score_sums": _planted_score_sums(world, leads, members),
        "handovers": _planted_handovers(leads),
        "rep_sums": rep_expectations,
        "territory_leads": np.bincount(leads.territory, minlength=len(TERRITORIES)),
    }


def write_part(landing_dir: Path, table: str, part: int, data: pa.Table) -> None:
    folder = landing_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, folder / f"part-{part:05d}.parquet", compression="zstd")


def reference_stats(world: World, landing_dir: Path) -> dict[str, TableStats]:
    """Land the tables shared by every chunk (users, campaigns) once."""
    rng = np.random.default_rng([world.seed, 2_000_000])
    stats = {}
    for offset, (name, table) in enumerate(
        {"user": world.user_table, "campaign": world.campaign_table}.items()
    ):
        landed, stats[name] = land(name, table, rng, junk_id_start(99_999) + offset * 10_000_000)
        write_part(landing_dir, name, 0, landed)
    return stats
