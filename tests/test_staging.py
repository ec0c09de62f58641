"""The staging layer built by dbt from generated data: exact counts against the generator's planted truth."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
import yaml

from shared_metrics.generate import parameters as P
from shared_metrics.generate.text import FIRST_NAMES, LAST_NAMES
from shared_metrics.landing import PII_COLUMNS, TABLES, glob_literal, sql_literal
from shared_metrics.settings import PROJECT_DIR, SEEDS_DIR, Settings

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("small_warehouse")

STAGED_MODEL = {
    "user": "stg_salesforce__users",
    "group": "stg_salesforce__groups",
    "account": "stg_salesforce__accounts",
    "contact": "stg_salesforce__contacts",
    "lead": "stg_salesforce__leads",
    "lead_history": "stg_salesforce__lead_field_changes",
    "contact_history": "stg_salesforce__contact_field_changes",
    "campaign": "stg_salesforce__campaigns",
    "campaign_member": "stg_salesforce__campaign_members",
    "task": "stg_salesforce__tasks",
    "event": "stg_salesforce__events",
    "opportunity": "stg_salesforce__opportunities",
    "opportunity_history": "stg_salesforce__opportunity_stage_changes",
    "opportunity_contact_role": "stg_salesforce__opportunity_contact_roles",
}


@pytest.mark.parametrize("table", sorted(STAGED_MODEL))
def test_staging_keeps_exactly_the_valid_latest_rows(warehouse, small_truth: dict, table: str) -> None:
    staged = warehouse.execute(f"select count(*) from staging.{STAGED_MODEL[table]}").fetchall()[0][0]
    assert staged == small_truth["defects"]["tables"][table]["staged"]


@pytest.mark.parametrize("table", sorted(STAGED_MODEL))
def test_every_injected_defect_is_quarantined_with_its_reason(
    warehouse, small_truth: dict, table: str
) -> None:
    found = dict(
        warehouse.execute(
            "select quarantine_reason, count(*) from staging.stg_salesforce__quarantined_rows "
            "where source_table = ? group by 1",
            [table],
        ).fetchall()
    )
    assert found == small_truth["defects"]["tables"][table]["quarantined"]


def test_no_personal_data_leaves_the_landing_zone(tiny_template: Settings) -> None:
    """Every schema, table and view of a published file: no view reads the landing, no column or value is a
    name, email or phone, nor free text naming a person (the generator plants email, phone and name edits in
    lead history and names in task and event subjects; the scan finds them in the landing)."""
    pii_names = {c for columns in PII_COLUMNS.values() for c in columns} | {"name", "user_name"}
    with duckdb.connect(str(tiny_template.published_warehouse), read_only=True) as warehouse:
        listed = warehouse.execute("select distinct table_schema from information_schema.tables").fetchall()
        schemas = {schema for (schema,) in listed}
        assert "raw" not in schemas and {"staging", "intermediate", "metrics", "config"} <= schemas
        views = warehouse.execute("select sql from duckdb_views() where not internal").fetchall()
        assert not [sql for (sql,) in views if "read_parquet" in sql or "read_csv" in sql]
        columns = warehouse.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns"
        ).fetchall()
        assert not [c for c in columns if c[2] in pii_names]
        people = sorted(set(FIRST_NAMES) | set(LAST_NAMES))
        email_or_phone = r"[\w.+-]+@[\w-]+\.[\w.]+|\(\d{3}\) 555-\d{4}"
        # A full name anywhere in free text ("Call with Olivia Smith"), unless it is a rep's display name.
        full_name = rf"\b({'|'.join(FIRST_NAMES)}) ({'|'.join(LAST_NAMES)})\b"
        reps = warehouse.execute("select user_display_name from staging.stg_salesforce__users").fetchall()
        employees = [name for (name,) in reps]

        def personal_value(relation: str, column: str) -> str | None:
            """Any distinct value of the column that is personal data, matched without moving it to Python."""
            return warehouse.execute(
                f"""select any_value(value) from (select distinct "{column}" as value from {relation})
                    where regexp_matches(value, ?) or list_contains(?, value)
                        or (regexp_matches(value, ?) and not list_contains(?, value))""",
                [email_or_phone, people, full_name, employees],
            ).fetchall()[0][0]

        for table, column in (("lead_history", "new_value"), ("task", "subject"), ("event", "subject")):
            files = glob_literal(tiny_template.landing_dir / table) + "/*.parquet"
            landed = f"read_parquet({sql_literal(files)})"
            assert personal_value(landed, column) is not None, f"nothing planted in {table}.{column}"
        for schema, table, column, data_type in columns:
            if data_type == "VARCHAR":
                assert personal_value(f'{schema}."{table}"', column) is None, (schema, table, column)


@pytest.mark.check
def test_sources_document_exactly_the_landing_contract() -> None:
    sources = yaml.safe_load((PROJECT_DIR / "models/staging/salesforce/_salesforce__sources.yml").read_text())
    documented = {t["name"]: [c["name"] for c in t["columns"]] for t in sources["sources"][0]["tables"]}
    assert documented == {name: table.column_names for name, table in TABLES.items()}


def test_generator_plants_the_sales_sla_that_the_seed_sets() -> None:
    with (SEEDS_DIR / "sales_sla_targets.csv").open() as handle:
        targets = list(csv.DictReader(handle))
    assert {int(t["first_touch_target_business_minutes"]) for t in targets} == {
        P.SLA_FIRST_TOUCH_TARGET_MINUTES
    }
    assert {int(t["min_attempts"]) for t in targets} == {P.SLA_MIN_ATTEMPTS}
    assert {int(t["attempt_window_business_days"]) for t in targets} == {P.SLA_ATTEMPT_WINDOW_BUSINESS_DAYS}


def test_generator_uses_only_statuses_and_sources_the_seeds_map() -> None:
    with (SEEDS_DIR / "funnel_stage_map.csv").open() as handle:
        statuses = {row["lead_status"] for row in csv.DictReader(handle)}
    exits = {status for options in P.EXIT_BY_LAST_STAGE.values() for status, _ in options}
    assert exits <= statuses
    assert not set(P.UNKNOWN_STATUS_VALUES) & statuses
    with (SEEDS_DIR / "lead_source_map.csv").open() as handle:
        assert {row["lead_source"] for row in csv.DictReader(handle)} == set(P.LEAD_SOURCES)


@pytest.mark.parametrize("table", sorted(STAGED_MODEL))
def test_data_quality_accounts_for_every_landed_row_as_planted(
    warehouse, small_truth: dict, table: str
) -> None:
    landed, staged, quarantined, superseded, deleted, hours = warehouse.execute(
        """select landed_row_count, staged_row_count, quarantined_row_count, superseded_row_count,
                  deleted_row_count, hours_since_newest_change
           from metrics.data_quality where source_table = ?
           qualify refreshed_at = max(refreshed_at) over ()""",
        [table],
    ).fetchall()[0]
    planted = small_truth["defects"]["tables"][table]
    assert (landed, staged, superseded, deleted) == (
        planted["landed"],
        planted["staged"],
        planted["superseded"],
        planted["deleted"],
    )
    assert quarantined == sum(planted["quarantined"].values())
    assert hours > 0


def test_only_employees_are_named_reps_display_names_and_nothing_else(warehouse, small_landing: Path) -> None:
    employees = {
        name
        for (name,) in warehouse.execute(
            f"select distinct name from read_parquet('{small_landing}/user/*.parquet')"
        ).fetchall()
    }
    named = warehouse.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where column_name like '%display_name' and table_schema not in ('raw', 'config')"
    ).fetchall()
    assert any(schema == "metrics" for schema, *_ in named)
    for schema, table, column in named:
        values = {
            v for (v,) in warehouse.execute(f'select distinct "{column}" from {schema}."{table}"').fetchall()
        }
        assert values - {None} <= employees, (table, column)
