"""The planted truth: what each chunk of generated leads was drawn to do (sums per stage, rep, campaign, score
band and handover cell) and their assembly into `_truth.json`, the truth the warehouse is tested against."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from shared_metrics.business_time import DAY
from shared_metrics.generate import parameters as P
from shared_metrics.generate.defects import TableStats
from shared_metrics.generate.funnel import DISPOSITIONS, NO_TIME, REACHED, Leads
from shared_metrics.generate.opportunities import OPEN_STAGES
from shared_metrics.generate.reference import CAMPAIGN_TYPES, NEVER, TERRITORIES, World
from shared_metrics.generate.scoring import planted_scores
from shared_metrics.generate.speed_to_lead import SpeedToLead, p_fast_given_outcome, p_never_given_outcome
from shared_metrics.generate.text import sf_ids

TRUTH_FILE = "_truth.json"
# One row per planted lead-to-account match (too many for the JSON at scale), beside it.
ACCOUNT_MATCHES_FILE = "_truth_account_matches.parquet"
# Per live lead, its planted probability of reaching each stage once it reached the one before: the planted
# rate of any group of leads is their mean, so intervals can be checked against it.
LEAD_PROPENSITIES_FILE = "_truth_lead_propensities.parquet"


def chunk_sums(world: World, leads: Leads, members: dict[str, np.ndarray], opps: dict) -> dict:
    """A chunk's share of the planted truth (summed over chunks by planted_truth)."""
    return {
        "stage_sums": _planted_stage_sums(world, leads),
        "opportunity_stage_sums": _planted_opportunity_stage_sums(world, opps),
        "close_date_push_sums": _planted_close_date_push_sums(world, opps),
        "reopening_sums": _planted_reopening_sums(world, opps),
        "campaign_sums": _planted_campaign_sums(world, leads),
        "score_sums": _planted_score_sums(world, leads, members),
        "handovers": _planted_handovers(leads),
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


# Days in stage are counted in bins this wide (half a day), up to DAYS_IN_STAGE_BINS: medians from the sums.
DAYS_IN_STAGE_BIN = 0.5
DAYS_IN_STAGE_BINS = 1500


def _planted_opportunity_stage_sums(world: World, opps: dict) -> dict:
    """Per segment and open stage, over the landed stage history (rows in time order per opportunity):
    opportunities of mature cohorts that left the stage by the as-of (every visit of it ended: a reopened
    deal visits the stage it was lost from twice), how many advanced (to a later stage or won, not lost), the
    sum of their planted probabilities of advancing, and a histogram of their days in the stage (all
    visits)."""
    opportunity = opps["opportunity"]
    # Stage changes only: pushes and amount edits happen within a stage.
    history = {
        k: v[opps["opportunity_history"]["is_stage_change"]] for k, v in opps["opportunity_history"].items()
    }
    row_opp, time, stage = history["opportunity"], history["time"], history["stage"]
    # The next row of the same opportunity, if it happened by the as-of (later rows were not landed).
    has_next = np.append(row_opp[1:] == row_opp[:-1], False)
    next_time = np.append(time[1:], NO_TIME)
    next_stage = np.append(stage[1:], "")
    is_open_row = ~np.isin(stage, ["Closed Won", "Closed Lost"])
    is_counted = is_open_row & (opportunity["created"][row_opp] < world.mature_before)
    # One opportunity x stage from its visits.
    visit_stage = np.minimum(history["step"], len(OPEN_STAGES) - 1)[is_counted]
    pairs, pair = np.unique(row_opp[is_counted] * len(OPEN_STAGES) + visit_stage, return_inverse=True)
    pair = pair.ravel()
    pair_opp, pair_stage = pairs // len(OPEN_STAGES), pairs % len(OPEN_STAGES)
    left = np.bincount(pair, weights=~has_next[is_counted], minlength=len(pairs)) == 0
    advanced = left & (
        np.bincount(pair, weights=(next_stage != "Closed Lost")[is_counted], minlength=len(pairs)) > 0
    )
    days = np.bincount(pair, weights=np.where(has_next, (next_time - time) / DAY, 0.0)[is_counted])
    segment = opportunity["segment"][pair_opp]
    lost_rate = np.hstack([P.LOST_DEAL_ADVANCE_BY_SEGMENT, np.zeros((len(P.SEGMENTS), 1))])
    planted = np.where(opportunity["will_be_won"][pair_opp], 1.0, lost_rate[segment, pair_stage])
    cell = segment * len(OPEN_STAGES) + pair_stage
    cells = len(P.SEGMENTS) * len(OPEN_STAGES)
    day_bin = np.minimum((days / DAYS_IN_STAGE_BIN).astype(np.int64), DAYS_IN_STAGE_BINS - 1)
    histogram = np.zeros((cells, DAYS_IN_STAGE_BINS), dtype=np.int64)
    np.add.at(histogram, (cell[left], day_bin[left]), 1)
    return {
        "left": np.bincount(cell[left], minlength=cells),
        "advanced": np.bincount(cell[advanced], minlength=cells),
        "expected_advanced": np.bincount(cell[left], weights=planted[left], minlength=cells),
        "days_histogram": histogram,
    }


def _planted_reopening_sums(world: World, opps: dict) -> dict:
    """Per segment, over opportunities of mature cohorts: deals lost by the as-of (at least once), how many
    were reopened and how many lost again by then; and over the deals first lost long enough before the as-of
    that their reopening is decided (REOPEN_AFTER_DAYS), how many were reopened and the expected number."""
    opportunity, history = opps["opportunity"], opps["opportunity_history"]
    n_opp = len(opportunity["created"])
    lost_rows = history["is_stage_change"] & (history["stage"] == "Closed Lost")
    losses = np.bincount(history["opportunity"][lost_rows], minlength=n_opp)
    first_lost_at = np.full(n_opp, NO_TIME)
    np.minimum.at(first_lost_at, history["opportunity"][lost_rows], history["time"][lost_rows])
    reopened = np.bincount(history["opportunity"][history["is_reopening"]], minlength=n_opp) > 0
    lost = (opportunity["created"] < world.mature_before) & (losses > 0)
    settled = lost & (first_lost_at <= world.as_of - int(P.REOPEN_AFTER_DAYS[1] * DAY))
    segments, segment = len(P.SEGMENTS), opportunity["segment"]
    return {
        "lost": np.bincount(segment[lost], minlength=segments),
        "reopened": np.bincount(segment[lost & reopened], minlength=segments),
        "lost_again": np.bincount(segment[lost & (losses > 1)], minlength=segments),
        "settled_lost": np.bincount(segment[settled], minlength=segments),
        "settled_reopened": np.bincount(segment[settled & reopened], minlength=segments),
        "expected_settled_reopened": np.bincount(
            segment[settled], weights=P.REOPEN_PROBABILITY_BY_SEGMENT[segment[settled]], minlength=segments
        ),
    }


def _planted_close_date_push_sums(world: World, opps: dict) -> dict:
    """Per segment, over opportunities of mature cohorts: how many, how many have at least one landed
    close-date push, the pushes landed, and the expected number pushed at the planted probability."""
    opportunity, history = opps["opportunity"], opps["opportunity_history"]
    mature = opportunity["created"] < world.mature_before
    segments = len(P.SEGMENTS)
    # A push counts when it moves the close date to a later day (steps shorter than a day may not).
    row_opp, close_day = history["opportunity"], history["close_at"] // DAY
    later_day = (row_opp[1:] == row_opp[:-1]) & (close_day[1:] > close_day[:-1])
    moved = history["is_push"] & np.r_[False, later_day]
    pushes = np.bincount(row_opp[moved], minlength=len(mature))
    return {
        "opportunities": np.bincount(opportunity["segment"][mature], minlength=segments),
        "pushed": np.bincount(opportunity["segment"][mature & (pushes > 0)], minlength=segments),
        "pushes": np.bincount(opportunity["segment"][mature], weights=pushes[mature], minlength=segments),
        "expected_pushed": np.bincount(
            opportunity["segment"][mature],
            weights=P.CLOSE_DATE_PUSH_PROBABILITY_BY_SEGMENT[opportunity["segment"][mature]],
            minlength=segments,
        ),
    }


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
    score = planted_scores(leads, members)
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


def campaign_cost_to_date(campaigns: pa.Table, as_of: dt.date) -> np.ndarray:
    """Each campaign's spend up to the day before as_of: its actual cost (else budget) spread evenly over its
    days, counting only the days it has run."""
    start = campaigns["start_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    end = campaigns["end_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    actual = campaigns["actual_cost"].to_numpy(zero_copy_only=False).astype(float)
    cost = np.where(np.isnan(actual), campaigns["budgeted_cost"].to_numpy(), actual)
    days = end - start + 1
    as_of_day = (as_of - dt.date(1970, 1, 1)).days
    return cost / days * np.clip(as_of_day - start, 0, days)


NOTES = {
    "opportunity_stages": (
        "Opportunities of mature cohorts that left an open stage by the as-of (left), how many advanced to a "
        "later stage or were won (advanced), the sum of their planted probabilities of advancing "
        "(expected_advanced), and their median days in the stage (to the half day)."
    ),
    "close_date_pushes": (
        "Per segment, opportunities of mature cohorts, how many have at least one landed close-date push "
        "(pushed), the pushes landed, and the expected number pushed at the planted push_probability "
        "(expected_pushed)."
    ),
    "reopenings": (
        "Per segment, opportunities of mature cohorts lost by the as-of (lost), how many of them were "
        "reopened (reopened) and lost again (lost_again) by then; of those first lost at least the longest "
        "planted reopening delay before the as-of (settled_lost), how many were reopened (settled_reopened) "
        "and the expected number at the planted reopen_probability (expected_settled_reopened)."
    ),
    "stage_conversion": (
        "Leads in mature, non-deleted cohorts that reached from_stage (entered) and the sum "
        "of their planted probabilities of reaching to_stage (expected_converted)."
    ),
    "sales_sla": (
        "Per rep, over non-deleted MQLs at least 21 days before as_of: the expected number "
        "first touched within target, with enough attempts, and never touched; over all non-deleted "
        "MQLs: how many SLA clocks still run at as_of (no touch yet within the first-touch target; "
        "fewer than the required attempts within the window)."
    ),
    "lead_score_bands": (
        "Per score band (seed lead_scoring_rules, bands of LEAD_SCORE_BAND_WIDTH points), over "
        "mature non-deleted leads: leads and the sums of their planted probabilities of reaching "
        "SQL, Opportunity and Won."
    ),
    "handovers": (
        "Per MQL month (UTC), segment, territory and lead source, over non-deleted leads that "
        "became MQLs by as_of: MQLs and how many sales first accepted, recycled, disqualified, or "
        "had not ruled on (pending) by as_of."
    ),
    "routing": (
        "Over non-deleted leads: how many entered a queue at creation (queued), were assigned from it by the "
        "as-of (assigned_from_queue; after their MQL: assigned_after_mql), still wait in a queue at the "
        "as-of (in_queue_at_as_of; never to be assigned: stuck_in_queue; longer than the threshold in the "
        "lead's territory's business hours: waiting_beyond_threshold_at_as_of), were handed from one rep to "
        "another (reassigned), are owned by a deactivated user (owned_by_inactive_user; not converted or "
        "disqualified: open_owned_by_inactive_user) or by a rep of another territory (territory_mismatches); "
        "the team routed unfairly and its favoured reps; the planted median assignment delay; per rep, the "
        "routed leads it received first and the sum of their planted probabilities of reaching SQL."
    ),
    "people": (
        "Contacts that entered the funnel on their own (contact persons: a campaign response or a status "
        "in contact_history by the as-of; never a converted lead's contact, which is its lead's person), "
        "how many reached MQL, SAL, SQL, Opportunity (primary contact of a sales-created opportunity they "
        "were qualified for) and Won; converted leads' contacts marked MQL again (the same person, not a "
        "new one); contact MQLs at least 21 days before as_of and how many of them were first touched "
        "within the SLA target."
    ),
    "defects": (
        "Exact counts per landed table: rows landed, superseded versions (older versions and "
        "exact duplicates), deleted entities, staged rows, and quarantined junk rows by reason."
    ),
}


def planted_truth(
    world: World, leads: int, as_of: dt.date, chunks: list[dict], reference: dict[str, TableStats]
) -> dict:
    """The whole landing's planted truth from every chunk's sums (there is always at least one chunk)."""
    return {
        "generator": {
            "leads": leads,
            "seed": world.seed,
            "as_of": as_of.isoformat(),
            "history_days": P.HISTORY_DAYS,
            "first_lead_date": (as_of - dt.timedelta(days=P.HISTORY_DAYS)).isoformat(),
            "mature_cohorts_created_before": P.mature_cohorts_before(as_of).isoformat(),
        },
        "notes": NOTES,
        "stage_conversion": _stage_conversion_rows(chunks),
        "opportunity_stages": _opportunity_stage_rows(chunks),
        "close_date_pushes": _close_date_push_rows(chunks),
        "reopenings": _reopening_rows(chunks),
        "sales_sla": {
            "first_touch_target_minutes": P.SLA_FIRST_TOUCH_TARGET_MINUTES,
            "min_attempts": P.SLA_MIN_ATTEMPTS,
            "attempt_window_business_days": P.SLA_ATTEMPT_WINDOW_BUSINESS_DAYS,
            "reps": _rep_rows(world, chunks),
        },
        "routing": _routing_truth(world, chunks),
        "people": {
            "contact_status_field": P.CONTACT_STATUS_FIELD,
            **{
                key: sum(chunk["contact_person_sums"][key] for chunk in chunks)
                for key in chunks[0]["contact_person_sums"]
            },
        },
        "campaigns": _campaign_rows(world, as_of, chunks),
        "handovers": _handover_rows(chunks),
        "lead_score_bands": _score_band_rows(chunks),
        "defects": {
            "rates": {
                "superseded_version": P.SUPERSEDED_VERSION_RATE,
                "exact_duplicate": P.EXACT_DUPLICATE_RATE,
                "deleted_lead": P.DELETED_LEAD_RATE,
                "deleted_activity": P.DELETED_ACTIVITY_RATE,
                "null_id": P.NULL_ID_RATE,
                "orphan_key": P.ORPHAN_KEY_RATE,
                "unknown_status": P.UNKNOWN_STATUS_RATE,
                "impossible_timestamp": P.IMPOSSIBLE_TIMESTAMP_RATE,
            },
            "tables": _defect_counts(chunks, reference),
        },
    }


def _stage_conversion_rows(chunks: list[dict]) -> list[dict]:
    rows = []
    for stage in REACHED:
        entered = sum(chunk["stage_sums"][stage]["entered"] for chunk in chunks)
        expected = sum(chunk["stage_sums"][stage]["expected_converted"] for chunk in chunks)
        previous = P.STAGES[P.STAGES.index(stage) - 1]
        for cell in range(len(entered)):
            source, segment = divmod(cell, len(P.SEGMENTS))
            rows.append(
                {
                    "from_stage": previous,
                    "to_stage": stage,
                    "lead_source": P.LEAD_SOURCES[source],
                    "segment": P.SEGMENTS[segment],
                    "entered": int(entered[cell]),
                    "expected_converted": round(float(expected[cell]), 6),
                }
            )
    return rows


def _opportunity_stage_rows(chunks: list[dict]) -> list[dict]:
    """Per segment and open stage, over opportunities of mature cohorts: how many left the stage by the as-of,
    how many of them advanced (a later stage or won), the expected number from the planted probabilities (1
    for deals drawn to be won, the segment's LOST_DEAL_ADVANCE_BY_SEGMENT for the others), and the median days
    in the stage (to the half day)."""
    sums = {
        key: sum(chunk["opportunity_stage_sums"][key] for chunk in chunks)
        for key in ("left", "advanced", "expected_advanced", "days_histogram")
    }
    # A deal drawn to be lost never advances past the last open stage.
    lost_deal_advance = np.hstack([P.LOST_DEAL_ADVANCE_BY_SEGMENT, np.zeros((len(P.SEGMENTS), 1))])
    rows = []
    for cell, histogram in enumerate(sums["days_histogram"]):
        segment, stage = divmod(cell, len(OPEN_STAGES))
        left = int(sums["left"][cell])
        median_bin = int(np.searchsorted(np.cumsum(histogram), (left + 1) / 2)) if left else None
        rows.append(
            {
                "segment": P.SEGMENTS[segment],
                "stage": OPEN_STAGES[stage],
                "left": left,
                "advanced": int(sums["advanced"][cell]),
                "expected_advanced": round(float(sums["expected_advanced"][cell]), 6),
                "lost_deal_advance_rate": float(lost_deal_advance[segment, stage]),
                "median_days_in_stage": (
                    None if median_bin is None else (median_bin + 0.5) * DAYS_IN_STAGE_BIN
                ),
            }
        )
    return rows


def _close_date_push_rows(chunks: list[dict]) -> list[dict]:
    sums = {
        key: sum(chunk["close_date_push_sums"][key] for chunk in chunks)
        for key in ("opportunities", "pushed", "pushes", "expected_pushed")
    }
    return [
        {
            "segment": name,
            "opportunities": int(sums["opportunities"][s]),
            "pushed": int(sums["pushed"][s]),
            "pushes": int(sums["pushes"][s]),
            "expected_pushed": round(float(sums["expected_pushed"][s]), 6),
            "push_probability": float(P.CLOSE_DATE_PUSH_PROBABILITY_BY_SEGMENT[s]),
        }
        for s, name in enumerate(P.SEGMENTS)
    ]


def _reopening_rows(chunks: list[dict]) -> list[dict]:
    keys = ("lost", "reopened", "lost_again", "settled_lost", "settled_reopened", "expected_settled_reopened")
    sums = {key: sum(chunk["reopening_sums"][key] for chunk in chunks) for key in keys}
    return [
        {
            "segment": name,
            **{key: int(sums[key][s]) for key in keys[:-1]},
            "expected_settled_reopened": round(float(sums["expected_settled_reopened"][s]), 6),
            "reopen_probability": float(P.REOPEN_PROBABILITY_BY_SEGMENT[s]),
        }
        for s, name in enumerate(P.SEGMENTS)
    ]


def _rep_rows(world: World, chunks: list[dict]) -> list[dict]:
    reps = world.reps
    sums = {measure: sum(chunk["rep_sums"][measure] for chunk in chunks) for measure in chunks[0]["rep_sums"]}
    return [
        {
            "user_id": user_id,
            "team": reps.team[i],
            "territory": TERRITORIES[reps.territory[i]],
            "segment": P.SEGMENTS[reps.segment[i]],
            "p_first_touch_within_target_if_touched": float(reps.p_fast_first_touch[i]),
            "p_never_touched_if_not_accepted": float(reps.p_never_touched[i]),
            "p_enough_attempts_if_touched": float(reps.p_enough_attempts[i]),
            "settled_mqls": int(sums["mqls"][i]),
            "first_touch_pending_at_as_of": int(sums["first_touch_pending_at_as_of"][i]),
            "attempts_pending_at_as_of": int(sums["attempts_pending_at_as_of"][i]),
            **{
                measure: round(float(sums[measure][i]), 6)
                for measure in (
                    "expected_first_touch_within_target",
                    "expected_enough_attempts",
                    "expected_never_touched",
                )
            },
        }
        for i, user_id in enumerate(sf_ids("user", reps.number).to_pylist())
    ]


def _routing_truth(world: World, chunks: list[dict]) -> dict:
    reps = world.reps
    team_reps = np.flatnonzero(np.array(reps.team, dtype=object) == world.unfair_team)
    return {
        "queue_routed_share": P.QUEUE_ROUTED_SHARE,
        "assignment_delay_median_business_minutes": P.ASSIGNMENT_DELAY_BUSINESS_MINUTES[0],
        "queue_wait_threshold_business_hours": P.QUEUE_WAIT_THRESHOLD_BUSINESS_HOURS,
        "unfair_team": world.unfair_team,
        "favoured_user_ids": sf_ids("user", reps.number[team_reps[: P.UNFAIR_FAVOURED_REPS]]).to_pylist(),
        "deactivated_user_ids": sf_ids("user", reps.number[reps.deactivated_at != NEVER]).to_pylist(),
        **{
            key: sum(chunk["routing_sums"]["counts"][key] for chunk in chunks)
            for key in chunks[0]["routing_sums"]["counts"]
        },
        "reps": [
            {
                "user_id": user_id,
                "team": reps.team[i],
                "routed_leads": int(sum(chunk["routing_sums"]["rep_routed_leads"][i] for chunk in chunks)),
                "planted_expected_sqls": round(
                    float(sum(chunk["routing_sums"]["rep_planted_expected_sql"][i] for chunk in chunks)), 6
                ),
            }
            for i, user_id in enumerate(sf_ids("user", reps.number).to_pylist())
        ],
    }


def _campaign_rows(world: World, as_of: dt.date, chunks: list[dict]) -> list[dict]:
    campaigns = world.campaigns
    sourced = sum(chunk["campaign_sums"]["sourced_leads"] for chunk in chunks)
    expected_mqls = sum(chunk["campaign_sums"]["expected_mqls"] for chunk in chunks)
    cost_to_date = campaign_cost_to_date(world.campaign_table, as_of)
    return [
        {
            "campaign_id": campaign_id,
            "type": CAMPAIGN_TYPES[campaigns.type_index[i]],
            "lift": float(campaigns.lift[i]),
            "sourced_leads_in_mature_cohorts": int(sourced[i]),
            "expected_mqls": round(float(expected_mqls[i]), 6),
            "cost_to_date": round(float(cost_to_date[i]), 6),
        }
        for i, campaign_id in enumerate(world.campaign_table["id"].to_pylist())
    ]


def _handover_rows(chunks: list[dict]) -> list[dict]:
    handovers: dict[tuple, np.ndarray] = {}
    for chunk in chunks:
        for key, counts in chunk["handovers"].items():
            handovers[key] = handovers.get(key, 0) + counts
    return [
        {
            "mql_month": str(np.datetime64(month, "M")) + "-01",
            "segment": P.SEGMENTS[segment],
            "territory": TERRITORIES[territory],
            "lead_source": P.LEAD_SOURCES[source],
            "mqls": int(counts.sum()),
            **{f"first_{d}": int(counts[i]) for i, d in enumerate(DISPOSITIONS)},
        }
        for (month, segment, territory, source), counts in sorted(handovers.items())
    ]


def _score_band_rows(chunks: list[dict]) -> list[dict]:
    rows: dict[int, dict] = {}
    for chunk in chunks:
        for band, sums in chunk["score_sums"].items():
            row = rows.setdefault(band, {"score_band_floor": band, **dict.fromkeys(sums, 0)})
            for measure, value in sums.items():
                row[measure] += value
    return [rows[band] for band in sorted(rows)]


def _defect_counts(chunks: list[dict], reference: dict[str, TableStats]) -> dict:
    tables: dict[str, TableStats] = dict(reference)
    for chunk in chunks:
        for name, stats in chunk["stats"].items():
            tables.setdefault(name, TableStats()).add(stats)
    return {
        name: {
            "landed": s.landed,
            "superseded": s.superseded,
            "deleted": s.deleted,
            "staged": s.staged,
            "quarantined": dict(sorted(s.quarantined.items())),
        }
        for name, s in sorted(tables.items())
    }


def lead_propensity_rows(leads: Leads, speed: SpeedToLead) -> dict[str, np.ndarray]:
    """A chunk's live leads with their planted probability of reaching each stage from the one before, and the
    speed-to-lead: an MQL's chance of SQL with a first touch within target or later, among MQLs sales touched,
    and its chance of a first touch within target given what it was drawn to do."""
    live = ~leads.is_deleted
    touched_and_fast = (1.0 - p_never_given_outcome(speed, leads.last_stage)) * p_fast_given_outcome(
        speed, leads.p_next[:, 2], leads.last_stage
    )
    return {
        "lead_id": leads.id.filter(pa.array(live)).to_numpy(zero_copy_only=False),
        **{f"p_{stage.lower()}": leads.p_next[live, k] for k, stage in enumerate(REACHED)},
        "p_sql_if_touched_within_target": (speed.p_sal_if_touched * speed.p_sql_if_fast)[live],
        "p_sql_if_touched_later": (speed.p_sal_if_touched * speed.p_sql_if_slow)[live],
        "p_first_touch_within_target": touched_and_fast[live],
    }


def write_truth_rows(path, chunks: list[dict[str, np.ndarray]]) -> None:
    """Per-row planted truth of every chunk (account matches, lead propensities) as one Parquet file."""
    columns = {name: np.concatenate([chunk[name] for chunk in chunks]) for name in chunks[0]}
    pq.write_table(pa.table(columns), path)


def json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serializable: {type(value)}")
