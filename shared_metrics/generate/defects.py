"""Injected defects at known rates: older row versions, exact duplicates and junk rows with one defect each.

Junk rows are copies of clean rows with a new id and exactly one broken rule, so the expected quarantine
count per reason is known exactly and the clean entities (and the planted truth) stay untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shared_metrics.business_time import DAY
from shared_metrics.generate import parameters as P
from shared_metrics.generate.text import JUNK_ID_BASE, ORPHAN_ID_BASE, sf_ids
from shared_metrics.landing import TABLES

YEAR = 365 * DAY
Breaker = Callable[[np.random.Generator, pa.Table], dict[str, pa.Array]]


@dataclass
class TableStats:
    landed: int = 0
    superseded: int = 0
    deleted: int = 0
    staged: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)

    def add(self, other: TableStats) -> None:
        self.landed += other.landed
        self.superseded += other.superseded
        self.deleted += other.deleted
        self.staged += other.staged
        for reason, count in other.quarantined.items():
            self.quarantined[reason] = self.quarantined.get(reason, 0) + count


@dataclass(frozen=True)
class JunkRule:
    reason: str
    rate: float
    breaks: Breaker
    source_filter: Callable[[pa.Table], pa.Array] | None = None


def orphan(column: str, parent: str) -> Breaker:
    def breaks(rng: np.random.Generator, rows: pa.Table) -> dict[str, pa.Array]:
        return {column: sf_ids(parent, ORPHAN_ID_BASE + rng.integers(0, 10**9, rows.num_rows))}

    return breaks


def null_id(rng: np.random.Generator, rows: pa.Table) -> dict[str, pa.Array]:
    return {"id": pa.nulls(rows.num_rows, pa.string())}


def unknown_value(column: str) -> Breaker:
    def breaks(rng: np.random.Generator, rows: pa.Table) -> dict[str, pa.Array]:
        values = np.array(P.UNKNOWN_STATUS_VALUES, dtype=object)
        return {column: pa.array(values[rng.integers(0, len(values), rows.num_rows)], pa.string())}

    return breaks


def years_later(*columns: str) -> Breaker:
    """Timestamps typed with the wrong year: far in the future."""

    def breaks(rng: np.random.Generator, rows: pa.Table) -> dict[str, pa.Array]:
        shift = pa.array(rng.integers(5, 180, rows.num_rows) * YEAR * 1_000_000, pa.duration("us"))
        out = {c: pc.add(pc.fill_null(rows[c], pc.max(rows[c])), shift) for c in columns}
        if "activity_date" in rows.column_names:
            out["activity_date"] = pc.cast(out[columns[0]], pa.date32())
        return out

    return breaks


def converted_before_created(rng: np.random.Generator, rows: pa.Table) -> dict[str, pa.Array]:
    back = pa.array(rng.integers(DAY, 30 * DAY, rows.num_rows) * 1_000_000, pa.duration("us"))
    return {
        "is_converted": pa.array(np.ones(rows.num_rows, bool)),
        "converted_date": pc.subtract(rows["created_date"], back),
    }


def junk_rules(table: str) -> list[JunkRule]:
    rules = [JunkRule("null_id", P.NULL_ID_RATE, null_id)]
    orphans = {
        "lead": [("owner_id", "user")],
        "lead_history": [("lead_id", "lead")],
        "contact_history": [("contact_id", "contact")],
        "campaign_member": [("campaign_id", "campaign"), ("lead_id", "lead")],
        "task": [("who_id", "lead")],
        "event": [("who_id", "lead")],
        "contact": [("account_id", "account")],
        "opportunity": [("account_id", "account")],
        "opportunity_history": [("opportunity_id", "opportunity")],
        "opportunity_contact_role": [("opportunity_id", "opportunity"), ("contact_id", "contact")],
    }
    rules += [
        JunkRule(f"orphan_{column}", P.ORPHAN_KEY_RATE, orphan(column, parent))
        for column, parent in orphans.get(table, [])
    ]
    if table == "lead":
        rules.append(JunkRule("unknown_status", P.UNKNOWN_STATUS_RATE, unknown_value("status")))
        rules.append(
            JunkRule("converted_before_created", P.IMPOSSIBLE_TIMESTAMP_RATE, converted_before_created)
        )
    if table == "lead_history":
        rules.append(
            JunkRule(
                "unknown_status",
                P.UNKNOWN_STATUS_RATE,
                unknown_value("new_value"),
                lambda t: pc.equal(t["field"], "Status"),
            )
        )
    if table == "contact_history":
        rules.append(
            JunkRule(
                "unknown_status",
                P.UNKNOWN_STATUS_RATE,
                unknown_value("new_value"),
                lambda t: pc.equal(t["field"], P.CONTACT_STATUS_FIELD),
            )
        )
    if table == "task":
        rules.append(
            JunkRule(
                "timestamp_in_future",
                P.IMPOSSIBLE_TIMESTAMP_RATE,
                years_later("completed_date_time", "created_date"),
                lambda t: pc.equal(t["status"], "Completed"),
            )
        )
    if table == "event":
        rules.append(
            JunkRule(
                "timestamp_in_future",
                P.IMPOSSIBLE_TIMESTAMP_RATE,
                years_later("created_date", "start_date_time", "end_date_time"),
            )
        )
    return rules


def _stale(table: str, rows: pa.Table, rng: np.random.Generator) -> pa.Table:
    """An older version of each row: an earlier modstamp and, where it matters, earlier values."""
    back = pa.array(rng.integers(60, 10 * DAY, rows.num_rows) * 1_000_000, pa.duration("us"))
    rows = rows.set_column(
        rows.schema.get_field_index("system_modstamp"),
        "system_modstamp",
        pc.subtract(rows["system_modstamp"], back),
    )
    rows = _replace(rows, {"is_deleted": pa.array(np.zeros(rows.num_rows, bool))})
    if table == "lead":
        rows = _replace(
            rows,
            {
                "status": pa.array(["Open - Not Contacted"] * rows.num_rows),
                "is_converted": pa.array(np.zeros(rows.num_rows, bool)),
                "converted_date": pa.nulls(rows.num_rows, pa.timestamp("us")),
            },
        )
    if table == "opportunity":
        rows = _replace(
            rows,
            {
                "stage_name": pa.array(["Prospecting"] * rows.num_rows),
                "is_closed": pa.array(np.zeros(rows.num_rows, bool)),
                "is_won": pa.array(np.zeros(rows.num_rows, bool)),
                "amount": pc.multiply(rows["amount"], 0.9),
            },
        )
    return rows


def _replace(rows: pa.Table, values: dict[str, pa.Array]) -> pa.Table:
    for name, array in values.items():
        index = rows.schema.get_field_index(name)
        rows = rows.set_column(index, name, array.cast(rows.schema.field(index).type))
    return rows


# Activities deleted in the CRM land as extra deleted rows, so that deletions never move the planted truth.
EXTRA_DELETED_TABLES = {"task", "event", "campaign_member"}


def land(
    table: str, clean: pa.Table, rng: np.random.Generator, junk_id_start: int
) -> tuple[pa.Table, TableStats]:
    """The table as it lands: clean rows plus versions, duplicates and junk, shuffled; and its counts."""
    contract = TABLES[table]
    clean = clean.select(contract.column_names).cast(contract.schema)
    n = clean.num_rows
    stats = TableStats(deleted=int(pc.sum(clean["is_deleted"]).as_py() or 0))
    stats.staged = n - stats.deleted
    parts = [clean]
    if n and contract.version_column:
        older = _stale(table, clean.filter(pa.array(rng.random(n) < P.SUPERSEDED_VERSION_RATE)), rng)
        parts.append(older)
        stats.superseded += older.num_rows
    if n:
        duplicates = clean.filter(pa.array(rng.random(n) < P.EXACT_DUPLICATE_RATE))
        parts.append(duplicates)
        stats.superseded += duplicates.num_rows
    valid = clean.filter(pc.invert(clean["is_deleted"]))
    next_id = junk_id_start
    if table in EXTRA_DELETED_TABLES and valid.num_rows:
        count = int(rng.binomial(n, P.DELETED_ACTIVITY_RATE))
        rows = valid.take(pa.array(rng.integers(0, valid.num_rows, count)))
        rows = _replace(
            rows,
            {"id": sf_ids(table, next_id + np.arange(count)), "is_deleted": pa.array(np.ones(count, bool))},
        )
        next_id += count
        parts.append(rows)
        stats.deleted += count
    for rule in junk_rules(table):
        pool = valid.filter(rule.source_filter(valid)) if rule.source_filter else valid
        if pool.num_rows == 0:
            continue
        count = max(1, int(rng.binomial(n, rule.rate)))
        rows = pool.take(pa.array(rng.integers(0, pool.num_rows, count)))
        rows = _replace(rows, {"id": sf_ids(table, next_id + np.arange(count))})
        rows = _replace(rows, rule.breaks(rng, rows))
        next_id += count
        parts.append(rows)
        stats.quarantined[rule.reason] = count
    landed = pa.concat_tables(parts)
    landed = landed.take(pa.array(rng.permutation(landed.num_rows)))
    stats.landed = landed.num_rows
    return landed, stats


def junk_id_start(chunk: int) -> int:
    return JUNK_ID_BASE + chunk * 100_000_000
