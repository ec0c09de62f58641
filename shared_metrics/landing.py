"""The landing-zone contract: which raw tables land, with which columns and types.

One folder per table under ``LANDING_DIR`` holding Parquet files (``*.parquet``). Column names and
types follow what common EL tools land for Salesforce standard objects. The generator writes exactly this
shape, the dbt sources document it, and tests check the three agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

# Files a table folder may hold.
LANDED_FILE_PATTERNS = ("*.parquet", "*.csv")

TIMESTAMP = pa.timestamp("us")  # naive, UTC by convention (as Salesforce exports land)
DATE = pa.date32()
TEXT = pa.string()
FLAG = pa.bool_()
NUMBER = pa.float64()
INTEGER = pa.int64()
# The same types in SQL, spelled so that DuckDB and PostgreSQL both accept them.
SQL_TYPES = {
    TIMESTAMP: "timestamp",
    DATE: "date",
    TEXT: "text",
    FLAG: "boolean",
    NUMBER: "double precision",
    INTEGER: "bigint",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    is_pii: bool = False

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class LandingTable:
    name: str
    columns: tuple[Column, ...]
    # The column that orders versions of one row; None for append-only history tables.
    version_column: str | None = "system_modstamp"

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(c.name, c.type) for c in self.columns])

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cols(*spec: tuple) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in spec)


_AUDIT = (("is_deleted", FLAG), ("system_modstamp", TIMESTAMP))
# Tasks and events are both Salesforce activities and share these fields.
_ACTIVITY = (
    ("id", TEXT),
    ("who_id", TEXT),
    ("what_id", TEXT),
    ("owner_id", TEXT),
    ("subject", TEXT),
    ("type", TEXT),
)

TABLES: dict[str, LandingTable] = {
    t.name: t
    for t in [
        LandingTable(
            "user",
            _cols(
                ("id", TEXT),
                # A rep's display name: an employee, not a customer, so it may name reps in the metrics.
                ("name", TEXT),
                ("email", TEXT, True),
                ("manager_id", TEXT),
                ("user_role", TEXT),
                ("team", TEXT),
                ("territory", TEXT),
                ("time_zone_sid_key", TEXT),
                ("is_active", FLAG),
                ("created_date", TIMESTAMP),
                *_AUDIT,
            ),
        ),
        # Queues (Salesforce Group rows of type Queue) own leads waiting to be routed; other types may land.
        LandingTable(
            "group",
            _cols(
                ("id", TEXT),
                ("name", TEXT),
                ("developer_name", TEXT),
                ("type", TEXT),
                ("created_date", TIMESTAMP),
                *_AUDIT,
            ),
        ),
        LandingTable(
            "account",
            _cols(
                ("id", TEXT),
                ("name", TEXT),
                ("website", TEXT),
                ("industry", TEXT),
                ("number_of_employees", INTEGER),
                ("billing_country", TEXT),
                ("type", TEXT),
                ("owner_id", TEXT),
                ("created_date", TIMESTAMP),
                *_AUDIT,
            ),
        ),
        LandingTable(
            "contact",
            _cols(
                ("id", TEXT),
                ("account_id", TEXT),
                ("first_name", TEXT, True),
                ("last_name", TEXT, True),
                ("email", TEXT, True),
                ("phone", TEXT, True),
                ("title", TEXT),
                ("lead_source", TEXT),
                ("owner_id", TEXT),
                ("created_date", TIMESTAMP),
                *_AUDIT,
            ),
        ),
        LandingTable(
            "lead",
            _cols(
                ("id", TEXT),
                ("created_date", TIMESTAMP),
                ("owner_id", TEXT),
                ("status", TEXT),
                ("lead_source", TEXT),
                ("company", TEXT),
                ("industry", TEXT),
                ("title", TEXT),
                ("country", TEXT),
                ("number_of_employees", INTEGER),
                ("rating", TEXT),
                ("is_converted", FLAG),
                ("converted_date", TIMESTAMP),
                ("converted_contact_id", TEXT),
                ("converted_account_id", TEXT),
                ("converted_opportunity_id", TEXT),
                ("disqualified_reason_c", TEXT),
                ("recycled_reason_c", TEXT),
                ("first_name", TEXT, True),
                ("last_name", TEXT, True),
                ("email", TEXT, True),
                ("phone", TEXT, True),
                *_AUDIT,
            ),
        ),
        LandingTable(
            "lead_history",
            _cols(
                ("id", TEXT),
                ("lead_id", TEXT),
                ("field", TEXT),
                ("old_value", TEXT),
                ("new_value", TEXT),
                ("created_by_id", TEXT),
                ("created_date", TIMESTAMP),
                ("is_deleted", FLAG),
            ),
            version_column=None,
        ),
        LandingTable(
            "contact_history",
            _cols(
                ("id", TEXT),
                ("contact_id", TEXT),
                ("field", TEXT),
                ("old_value", TEXT),
                ("new_value", TEXT),
                ("created_by_id", TEXT),
                ("created_date", TIMESTAMP),
                ("is_deleted", FLAG),
            ),
            version_column=None,
        ),
        LandingTable(
            "campaign",
            _cols(
                ("id", TEXT),
                ("name", TEXT),
                ("type", TEXT),
                ("status", TEXT),
                ("start_date", DATE),
                ("end_date", DATE),
                ("budgeted_cost", NUMBER),
                ("actual_cost", NUMBER),
                ("is_active", FLAG),
                ("created_date", TIMESTAMP),
                *_AUDIT,
            ),
        ),
        LandingTable(
            "campaign_member",
            _cols(
                ("id", TEXT),
                ("campaign_id", TEXT),
                ("lead_id", TEXT),
                ("contact_id", TEXT),
                ("status", TEXT),
                ("has_responded", FLAG),
                ("first_responded_date", DATE),
                ("created_date", TIMESTAMP),
                *_AUDIT,
            ),
        ),
        LandingTable(
            "task",
            _cols(
                *_ACTIVITY,
                ("task_subtype", TEXT),
                ("status", TEXT),
                ("is_closed", FLAG),
                ("activity_date", DATE),
                ("completed_date_time", TIMESTAMP),
                ("created_date", TIMESTAMP),
                *_AUDIT,
            ),
        ),
        LandingTable(
            "event",
            _cols(
                *_ACTIVITY,
                ("event_subtype", TEXT),
                ("activity_date", DATE),
                ("start_date_time", TIMESTAMP),
                ("end_date_time", TIMESTAMP),
                ("duration_in_minutes", INTEGER),
                ("created_date", TIMESTAMP),
                *_AUDIT,
            ),
        ),
        LandingTable(
            "opportunity",
            _cols(
                ("id", TEXT),
                ("account_id", TEXT),
                ("owner_id", TEXT),
                ("name", TEXT),
                ("stage_name", TEXT),
                ("amount", NUMBER),
                ("probability", NUMBER),
                ("close_date", DATE),
                ("created_date", TIMESTAMP),
                ("is_closed", FLAG),
                ("is_won", FLAG),
                ("lead_source", TEXT),
                ("campaign_id", TEXT),
                ("type", TEXT),
                ("forecast_category", TEXT),
                *_AUDIT,
            ),
        ),
        LandingTable(
            "opportunity_history",
            _cols(
                ("id", TEXT),
                ("opportunity_id", TEXT),
                ("stage_name", TEXT),
                ("amount", NUMBER),
                ("probability", NUMBER),
                ("close_date", DATE),
                ("forecast_category", TEXT),
                ("created_by_id", TEXT),
                ("created_date", TIMESTAMP),
                ("is_deleted", FLAG),
            ),
            version_column=None,
        ),
        LandingTable(
            "opportunity_contact_role",
            _cols(
                ("id", TEXT),
                ("opportunity_id", TEXT),
                ("contact_id", TEXT),
                ("role", TEXT),
                ("is_primary", FLAG),
                ("created_date", TIMESTAMP),
                *_AUDIT,
            ),
        ),
    ]
}

PII_COLUMNS: dict[str, list[str]] = {
    name: [c.name for c in table.columns if c.is_pii] for name, table in TABLES.items()
}


def sql_literal(text: object) -> str:
    """`text` as a SQL string literal: quotes doubled, so a folder named `it's` cannot break the statement."""
    return "'" + str(text).replace("'", "''") + "'"


def glob_literal(path: object) -> str:
    """A path as a DuckDB glob that matches only itself: `[`, `*` and `?` in folder names are matched
    literally (append the wildcard part after escaping)."""
    return str(path).replace("[", "[[]").replace("*", "[*]").replace("?", "[?]")
