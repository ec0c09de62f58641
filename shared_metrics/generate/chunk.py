"""One chunk of leads with every row that hangs off them, written as one Parquet part per table: one function
per landed table turns the drawn entities into that table's columns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shared_metrics.business_time import DAY
from shared_metrics.generate import parameters as P
from shared_metrics.generate.activities import MEETING, TOUCH_TYPES, draw_touches
from shared_metrics.generate.campaign_members import draw_contact_responses, draw_lead_members
from shared_metrics.generate.contact_funnel import (
    ID_OFFSET,
    ContactFunnel,
    contact_person_truth,
    modified_at,
    plan_contact_funnel,
)
from shared_metrics.generate.defects import TableStats, junk_id_start, land
from shared_metrics.generate.funnel import NO_TIME, Leads, draw_leads
from shared_metrics.generate.matching import AccountMatches, plant_account_matches
from shared_metrics.generate.opportunities import FORECAST_CATEGORY, STAGE_PROBABILITY, draw_opportunities
from shared_metrics.generate.reference import World, other_rep_of_group
from shared_metrics.generate.routing import Routing, draw_routing, owner_changes, owner_ids, routing_sums
from shared_metrics.generate.scoring import planted_scores
from shared_metrics.generate.speed_to_lead import plant_speed_to_lead
from shared_metrics.generate.text import INDUSTRIES, LAST_NAMES, join, pick, sf_ids
from shared_metrics.generate.truth import chunk_sums, lead_propensity_rows

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


def _touch_owner_ids(
    world: World, rng: np.random.Generator, leads: Leads, lead_index: np.ndarray, user_id: pa.Array
) -> pa.Array:
    """Who made each touch: the lead's owner, or now and then a teammate of the owner's segment and
    territory (it works the owner's hours)."""
    owner = leads.owner[lead_index]
    teammate = rng.random(len(owner)) < P.TEAMMATE_TOUCH_RATE
    return user_id.take(pa.array(np.where(teammate, other_rep_of_group(world.reps, rng, owner), owner)))


@dataclass(frozen=True)
class ChunkIds:
    """The Salesforce ids of a chunk's rows and of the shared users and campaigns they point at."""

    base: int  # id numbers of this chunk's rows start after it
    user: pa.Array
    campaign: pa.Array
    account: pa.Array
    contact: pa.Array
    opportunity: pa.Array
    converted: np.ndarray  # per lead: index of its conversion (account, contact, opportunity), or -1

    def rows(self, kind: str, n: int, start: int = 0) -> pa.Array:
        """Ids for n new rows of a table that has no entity of its own (history, activities, members);
        `start` sets apart rows of one table that different modules add."""
        return sf_ids(kind, self.base + 1 + start + np.arange(n))

    def by_conversion(self, ids: pa.Array) -> pa.Array:
        """Per lead, the id its conversion created (null when not converted)."""
        converted = self.converted >= 0
        index = pa.array(np.where(converted, self.converted, 0))
        return pc.if_else(pa.array(converted), ids.take(index), pa.scalar(None, pa.string()))


def chunk_ids(world: World, leads: Leads, opps: dict, base: int) -> ChunkIds:
    conversions = len(opps["converted_lead"])
    converted = np.full(len(leads.created), -1, dtype=np.int64)
    converted[opps["converted_lead"]] = np.arange(conversions)
    return ChunkIds(
        base=base,
        user=sf_ids("user", world.reps.number),
        campaign=world.campaign_table["id"],
        account=sf_ids("account", opps["account"]["number"]),
        contact=sf_ids("contact", opps["contact"]["number"]),
        opportunity=sf_ids("opportunity", opps["opportunity"]["number"]),
        converted=converted,
    )


def lead_rows(drawn: dict, opps: dict, ids: ChunkIds) -> dict:
    """Leads, with the ids of what their conversion created."""
    conversions = len(opps["converted_lead"])
    lead = dict(drawn)
    for column in ("created_date", "converted_date", "system_modstamp"):
        lead[column] = timestamps(lead[column])
    lead["converted_account_id"] = ids.by_conversion(ids.account)
    lead["converted_contact_id"] = ids.by_conversion(ids.contact.slice(0, conversions))
    lead["converted_opportunity_id"] = ids.by_conversion(ids.opportunity.slice(0, conversions))
    return lead


def lead_history_rows(
    world: World,
    rng: np.random.Generator,
    leads: Leads,
    lead: dict,
    history: dict,
    owner: dict,
    ids: ChunkIds,
) -> dict:
    """A "created" row per lead, the status changes, some rating changes, some edits of the lead's email,
    phone or last name (their values are personal data the warehouse must not keep), and the owner changes."""
    n_leads = len(leads.created)
    status_lead = history["lead_index"]
    rating_lead, rating_time = _later_edits(world, rng, leads, 0.15, 30 * DAY)
    detail_lead, detail_time = _later_edits(world, rng, leads, P.CONTACT_DETAIL_CHANGE_RATE, 60 * DAY)
    detail_field, detail_old, detail_new = _contact_detail_edits(rng, lead, detail_lead)
    owner_lead = owner["lead_index"]
    hist_lead = np.concatenate([np.arange(n_leads), status_lead, rating_lead, detail_lead, owner_lead])
    return {
        "id": ids.rows("lead_history", len(hist_lead)),
        "lead_id": leads.id.take(pa.array(hist_lead)),
        "field": np.concatenate(
            [
                np.full(n_leads, "created", object),
                np.full(len(status_lead), "Status", object),
                np.full(len(rating_lead), "Rating", object),
                detail_field,
                np.full(len(owner_lead), "Owner", object),
            ]
        ),
        "old_value": np.concatenate(
            [
                np.full(n_leads, None, object),
                history["old_value"],
                np.full(len(rating_lead), "Cold", object),
                detail_old,
                owner["old_value"],
            ]
        ),
        "new_value": np.concatenate(
            [
                np.full(n_leads, None, object),
                history["new_value"],
                pc.take(lead["rating"], pa.array(rating_lead)).to_numpy(zero_copy_only=False),
                detail_new,
                owner["new_value"],
            ]
        ),
        "created_by_id": ids.user.take(pa.array(leads.owner[hist_lead])),
        "created_date": timestamps(
            np.concatenate(
                [leads.created, history["created_date"], rating_time, detail_time, owner["created_date"]]
            )
        ),
        "is_deleted": leads.is_deleted[hist_lead],
    }


def _later_edits(
    world: World, rng: np.random.Generator, leads: Leads, rate: float, within: int
) -> tuple[np.ndarray, np.ndarray]:
    """A share of the leads, each edited once within `within` seconds of its creation (up to the extract)."""
    edited = np.flatnonzero(rng.random(len(leads.created)) < rate)
    when = leads.created[edited] + rng.integers(DAY, within, len(edited))
    keep = when <= world.as_of
    return edited[keep], when[keep]


def _contact_detail_edits(
    rng: np.random.Generator, lead: dict, edited: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Field, old and new value of edits to the email, phone or last name of these leads."""
    taken = pa.array(edited, pa.int64())
    kind = rng.integers(0, 3, len(edited))
    email, phone, last = (pc.take(lead[c], taken) for c in ("email", "phone", "last_name"))
    old_last = pick(LAST_NAMES, rng.integers(0, len(LAST_NAMES), len(edited)))
    options = [
        ("Email", join("old.", email), email),
        ("Phone", pc.replace_substring(phone, "555-", "555-0"), phone),
        ("LastName", old_last, last),
    ]
    field = np.array([name for name, _, _ in options], dtype=object)[kind]
    old, new = (
        np.choose(kind, [values[i].to_numpy(zero_copy_only=False) for values in options]) for i in (1, 2)
    )
    return field, old, new


def _with_name(prefix: str, lead: dict, lead_index: np.ndarray) -> np.ndarray:
    """Subjects as reps type them, naming the person ("Call with Olivia Smith"): personal data."""
    taken = pa.array(lead_index, pa.int64())
    first, last = pc.take(lead["first_name"], taken), pc.take(lead["last_name"], taken)
    return join(f"{prefix} with ", join(first, last, sep=" ")).to_numpy(zero_copy_only=False)


def task_rows(
    world: World, rng: np.random.Generator, leads: Leads, lead: dict, touches: dict, ids: ChunkIds
) -> dict:
    """Calls and emails made, and open follow-up tasks."""
    is_meeting = touches["kind"] == MEETING
    task_lead = np.concatenate([touches["lead_index"][~is_meeting], touches["open_lead_index"]])
    task_time = np.concatenate([touches["time"][~is_meeting], touches["open_created"]])
    n_done = int((~is_meeting).sum())
    n_open = len(touches["open_lead_index"])
    kind_name = np.array(TOUCH_TYPES, dtype=object)
    task_type = np.concatenate([kind_name[touches["kind"][~is_meeting]], np.full(n_open, "Call", object)])
    completed = np.concatenate([flags(n_done, True), flags(n_open)])
    due = task_time + np.where(completed, 0, rng.integers(2 * DAY, 6 * DAY, len(task_lead)))
    return {
        "id": ids.rows("task", len(task_lead)),
        "who_id": leads.id.take(pa.array(task_lead)),
        "what_id": pa.nulls(len(task_lead), pa.string()),
        "owner_id": _touch_owner_ids(world, rng, leads, task_lead, ids.user),
        "subject": np.where(
            completed,
            np.where(task_type == "Call", _with_name("Call", lead, task_lead), "Email: follow-up"),
            "Follow up",
        ),
        "type": task_type,
        "task_subtype": task_type,
        "status": np.where(completed, "Completed", "Not Started"),
        "is_closed": completed,
        "activity_date": dates(due),
        "completed_date_time": timestamps(np.where(completed, task_time, NO_TIME)),
        "created_date": timestamps(task_time),
        "is_deleted": leads.is_deleted[task_lead],
        "system_modstamp": timestamps(task_time),
    }


def event_rows(
    world: World, rng: np.random.Generator, leads: Leads, lead: dict, touches: dict, ids: ChunkIds
) -> dict:
    """Meetings."""
    is_meeting = touches["kind"] == MEETING
    event_lead, event_time = touches["lead_index"][is_meeting], touches["time"][is_meeting]
    n_event = len(event_lead)
    return {
        "id": ids.rows("event", n_event),
        "who_id": leads.id.take(pa.array(event_lead)),
        "what_id": pa.nulls(n_event, pa.string()),
        "owner_id": _touch_owner_ids(world, rng, leads, event_lead, ids.user),
        "subject": _with_name("Meeting", lead, event_lead),
        "type": np.full(n_event, "Meeting", object),
        "event_subtype": np.full(n_event, "Event", object),
        "activity_date": dates(event_time),
        "start_date_time": timestamps(event_time),
        "end_date_time": timestamps(event_time + 1800),
        "duration_in_minutes": np.full(n_event, 30, np.int64),
        "created_date": timestamps(np.minimum(event_time - rng.integers(3600, 3 * DAY, n_event), event_time)),
        "is_deleted": leads.is_deleted[event_lead],
        "system_modstamp": timestamps(event_time),
    }


def account_rows(rng: np.random.Generator, leads: Leads, lead: dict, opps: dict, ids: ChunkIds) -> dict:
    """The accounts converted leads created."""
    account = opps["account"]
    first_lead = pa.array(account["lead"])
    return {
        "id": ids.account,
        "name": leads.company.take(first_lead),
        # Some accounts have no website on record: their domain shows only in their contacts' emails.
        "website": pc.if_else(
            pa.array(np.random.default_rng([ids.base, 5]).random(len(first_lead)) < P.ACCOUNT_WEBSITE_SHARE),
            join("https://www.", leads.domain.take(first_lead)),
            pa.scalar(None, pa.string()),
        ),
        "industry": pick(INDUSTRIES, rng.integers(0, len(INDUSTRIES), len(opps["converted_lead"]))),
        "number_of_employees": pc.take(lead["number_of_employees"], first_lead),
        "billing_country": pc.take(lead["country"], first_lead),
        "type": account["type"],
        "owner_id": ids.user.take(pa.array(account["owner"])),
        **never_changed(account["created"]),
    }


def contact_rows(lead: dict, opps: dict, funnel: ContactFunnel, ids: ChunkIds) -> dict:
    """The converted leads as contacts, then the other people of their opportunities."""
    contact = opps["contact"]
    converted = pa.array(opps["converted_lead"])
    return {
        "id": ids.contact,
        "account_id": ids.account.take(pa.array(contact["account"])),
        **{
            column: pa.concat_arrays([pc.take(lead[column], converted), contact["new_people"][column]])
            for column in ("first_name", "last_name", "email", "phone")
        },
        "title": contact["title"],
        "lead_source": contact["lead_source"],
        "owner_id": ids.user.take(pa.array(contact["owner"])),
        **never_changed(funnel.created),
        "system_modstamp": timestamps(modified_at(funnel)),
    }


def contact_history_rows(funnel: ContactFunnel, opps: dict, ids: ChunkIds) -> dict:
    """The contacts' status changes, as Salesforce's field history records them (by the contact's owner)."""
    status = funnel.status
    n = len(status["contact"])
    return {
        "id": ids.rows("contact_history", n),
        "contact_id": ids.contact.take(pa.array(status["contact"])),
        "field": np.full(n, P.CONTACT_STATUS_FIELD, object),
        "old_value": pa.array(status["old"], pa.string()),
        "new_value": pa.array(status["new"], pa.string()),
        "created_by_id": ids.user.take(pa.array(opps["contact"]["owner"][status["contact"]])),
        "created_date": timestamps(status["time"]),
        "is_deleted": flags(n),
    }


def contact_task_rows(funnel: ContactFunnel, opps: dict, ids: ChunkIds) -> dict:
    """Calls and emails to contacts after their MQL, by their owner."""
    touches = funnel.touches
    n = len(touches["contact"])
    return {
        "id": ids.rows("task", n, start=ID_OFFSET),
        "who_id": ids.contact.take(pa.array(touches["contact"])),
        "what_id": pa.nulls(n, pa.string()),
        "owner_id": ids.user.take(pa.array(opps["contact"]["owner"][touches["contact"]])),
        "subject": np.where(touches["kind"] == "Call", "Follow-up call", "Email: follow-up"),
        "type": touches["kind"],
        "task_subtype": touches["kind"],
        "status": np.full(n, "Completed", object),
        "is_closed": flags(n, True),
        "activity_date": dates(touches["time"]),
        "completed_date_time": timestamps(touches["time"]),
        "created_date": timestamps(touches["time"]),
        "is_deleted": flags(n),
        "system_modstamp": timestamps(touches["time"]),
    }


def appended(rows: dict, more: dict) -> dict:
    """Rows of one table from two modules, as one."""
    return {
        column: pa.concat_arrays([pa.array(values), pa.array(more[column]).cast(pa.array(values).type)])
        for column, values in rows.items()
    }


def opportunity_rows(leads: Leads, opps: dict, ids: ChunkIds) -> dict:
    """Opportunities as they stand now: from converted leads (new business) and their accounts' expansions."""
    opp = opps["opportunity"]
    origin = leads.origin_campaign[opp["lead"]]
    return {
        "id": ids.opportunity,
        "account_id": ids.account.take(pa.array(opp["account"])),
        "owner_id": ids.user.take(pa.array(opp["owner"])),
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
            ids.campaign.take(pa.array(np.maximum(origin, 0))),
            pa.scalar(None, pa.string()),
        ),
        "type": np.where(opp["is_from_lead"], "New Business", "Existing Business"),
        "forecast_category": np.array([FORECAST_CATEGORY[s] for s in opp["stage"]], dtype=object),
        "is_deleted": flags(len(opp["number"])),
        "system_modstamp": timestamps(opp["modstamp"]),
    }


def opportunity_history_rows(opps: dict, ids: ChunkIds) -> dict:
    """Each opportunity's stage, amount and close-date changes."""
    history = opps["opportunity_history"]
    n_rows = len(history["opportunity"])
    return {
        "id": ids.rows("opportunity_history", n_rows),
        "opportunity_id": ids.opportunity.take(pa.array(history["opportunity"])),
        "stage_name": history["stage"],
        "amount": history["amount"],
        "probability": np.array([STAGE_PROBABILITY[s] for s in history["stage"]]),
        "close_date": dates(history["close_at"]),
        "forecast_category": np.array([FORECAST_CATEGORY[s] for s in history["stage"]], dtype=object),
        "created_by_id": ids.user.take(pa.array(opps["opportunity"]["owner"][history["opportunity"]])),
        "created_date": timestamps(history["time"]),
        "is_deleted": flags(n_rows),
    }


def contact_role_rows(opps: dict, ids: ChunkIds) -> dict:
    """The people on each opportunity and their roles."""
    roles = opps["contact_role"]
    return {
        "id": ids.rows("opportunity_contact_role", len(roles["opportunity"])),
        "opportunity_id": ids.opportunity.take(pa.array(roles["opportunity"])),
        "contact_id": ids.contact.take(
            pa.array(np.searchsorted(opps["contact"]["number"], roles["contact"]))
        ),
        "role": roles["role"],
        "is_primary": roles["is_primary"],
        **never_changed(roles["created"]),
    }


def campaign_member_rows(
    leads: Leads, members: dict, contact_responses: dict, funnel: ContactFunnel, ids: ChunkIds
) -> dict:
    """Leads' responses and sends (a converted lead's carry its contact too, as conversion sets it), and
    contacts' responses: before their opportunity, and those that brought them into the funnel."""
    # A contact is a member of a campaign once.
    drawn = contact_responses
    drawn_pairs = set(zip(drawn["campaign"].tolist(), drawn["contact"].tolist(), strict=True))
    new = funnel.responses
    new_pairs = zip(new["campaign"].tolist(), new["contact"].tolist(), strict=True)
    fresh = np.array([pair not in drawn_pairs for pair in new_pairs], bool)
    contact_responses = {
        key: np.concatenate([drawn[key], new[key][fresh]]) for key in ("campaign", "contact", "time")
    }
    n_lead_members, n_contact_members = len(members["lead"]), len(contact_responses["contact"])
    member_time = np.concatenate([members["time"], contact_responses["time"]])
    responded = np.concatenate([members["responded"], flags(n_contact_members, True)])
    return {
        "id": ids.rows("campaign_member", n_lead_members + n_contact_members),
        "campaign_id": ids.campaign.take(
            pa.array(np.concatenate([members["campaign"], contact_responses["campaign"]]))
        ),
        "lead_id": pa.concat_arrays(
            [leads.id.take(pa.array(members["lead"])), pa.nulls(n_contact_members, pa.string())]
        ),
        "contact_id": pa.concat_arrays(
            [
                ids.by_conversion(ids.contact).take(pa.array(members["lead"])),
                ids.contact.take(pa.array(contact_responses["contact"])),
            ]
        ),
        "status": np.where(responded, "Responded", "Sent"),
        "has_responded": responded,
        "first_responded_date": dates(np.where(responded, member_time, NO_TIME)),
        "created_date": timestamps(member_time),
        "is_deleted": np.concatenate([leads.is_deleted[members["lead"]], flags(n_contact_members)]),
        "system_modstamp": timestamps(member_time),
    }


def account_match_rows(
    leads: Leads, matches: AccountMatches, routing: Routing, opps: dict, ids: ChunkIds
) -> dict[str, np.ndarray]:
    """The planted lead-to-account matches of live leads: the account, how the lead shows it, whether the
    account is a customer or has an open opportunity, and whether the lead went to a rep other than the
    account's owner (still waiting in a queue is not routed yet)."""
    account = np.searchsorted(opps["converted_lead"], matches.converted_lead)
    opportunity = opps["opportunity"]
    has_open = np.zeros(len(opps["converted_lead"]), dtype=bool)
    np.logical_or.at(has_open, opportunity["account"], ~opportunity["is_closed"])
    is_customer = opps["account"]["type"][account] == "Customer"
    elsewhere = ~routing.in_queue[matches.lead] & (
        leads.owner[matches.lead] != opps["account"]["owner"][account]
    )
    live = ~leads.is_deleted[matches.lead]
    return {
        "lead_id": leads.id.take(pa.array(matches.lead[live])).to_numpy(zero_copy_only=False),
        "account_id": ids.account.take(pa.array(account[live])).to_numpy(zero_copy_only=False),
        "by_domain": matches.by_domain[live],
        "is_customer": is_customer[live],
        "has_open_opportunity": has_open[account][live],
        "routed_elsewhere": elsewhere[live],
    }


def generate_chunk(world: World, chunk: int, n_leads: int, landing_dir: Path) -> dict:
    """Draw a chunk's leads and everything that hangs off them, land each table (with its planted defects) as
    one Parquet part, and return the chunk's row counts and planted sums."""
    rng = np.random.default_rng([world.seed, chunk])
    base = chunk * CHUNK_ID_SPAN
    leads, drawn = draw_leads(world, rng, base + 1 + np.arange(n_leads))
    # Matching and routing have their own random streams: the draws below stay as they were without them.
    matches = plant_account_matches(np.random.default_rng([world.seed, chunk, 4]), leads, drawn["lead"])
    routing = draw_routing(world, np.random.default_rng([world.seed, chunk, 3]), leads, matches)
    drawn["lead"]["owner_id"] = owner_ids(world, leads, routing)
    changes = owner_changes(world, leads, routing)  # landed in lead_history below
    np.maximum.at(drawn["lead"]["system_modstamp"], changes["lead_index"], changes["created_date"])
    members = draw_lead_members(world, rng, leads)
    score = planted_scores(leads, members)
    speed = plant_speed_to_lead(world.reps, leads.owner, score, leads.source, leads.p_next)
    touches, rep_expectations = draw_touches(world, rng, leads, speed)
    opps = draw_opportunities(world, rng, leads, base)
    ids = chunk_ids(world, leads, opps, base)
    funnel = plan_contact_funnel(world, np.random.default_rng([world.seed, chunk, 5]), opps, leads.is_deleted)
    lead = lead_rows(drawn["lead"], opps, ids)
    # In this order: each table draws from the chunk's random stream in turn.
    tables = {
        "lead": lead,
        "lead_history": lead_history_rows(world, rng, leads, lead, drawn["status_history"], changes, ids),
        "task": task_rows(world, rng, leads, lead, touches, ids),
        "event": event_rows(world, rng, leads, lead, touches, ids),
        "account": account_rows(rng, leads, lead, opps, ids),
        "contact": contact_rows(lead, opps, funnel, ids),
        "opportunity": opportunity_rows(leads, opps, ids),
        "opportunity_history": opportunity_history_rows(opps, ids),
        "opportunity_contact_role": contact_role_rows(opps, ids),
    }
    influence = opps["contact_for_influence"]
    contact_responses = draw_contact_responses(
        world,
        rng,
        np.searchsorted(opps["contact"]["number"], influence["contact"]),
        influence["opportunity_created"],
    )
    tables["campaign_member"] = campaign_member_rows(leads, members, contact_responses, funnel, ids)
    tables["task"] = appended(tables["task"], contact_task_rows(funnel, opps, ids))
    tables["contact_history"] = contact_history_rows(funnel, opps, ids)
    stats = {}
    for offset, (name, columns) in enumerate(tables.items()):
        landed, stats[name] = land(name, pa.table(columns), rng, junk_id_start(chunk) + offset * 10_000_000)
        write_part(landing_dir, name, chunk, landed)
    return {
        "stats": stats,
        "rep_sums": rep_expectations,
        "routing_sums": routing_sums(world, leads, routing),
        "account_matches": account_match_rows(leads, matches, routing, opps, ids),
        "contact_person_sums": contact_person_truth(funnel, contact_responses["contact"]),
        "lead_propensities": lead_propensity_rows(leads, speed),
        **chunk_sums(world, leads, members, opps),
    }


def write_part(landing_dir: Path, table: str, part: int, data: pa.Table) -> None:
    folder = landing_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, folder / f"part-{part:05d}.parquet", compression="zstd")


def reference_stats(world: World, landing_dir: Path) -> dict[str, TableStats]:
    """Land the tables shared by every chunk (users, campaigns, queues) once."""
    rng = np.random.default_rng([world.seed, 2_000_000])
    stats = {}
    for offset, (name, table) in enumerate(
        {"user": world.user_table, "campaign": world.campaign_table, "group": world.queue_table}.items()
    ):
        landed, stats[name] = land(name, table, rng, junk_id_start(99_999) + offset * 10_000_000)
        write_part(landing_dir, name, 0, landed)
    return stats
