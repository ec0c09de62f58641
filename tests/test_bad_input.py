"""Bad landing input: each case gets a clear error naming table, file and column with what to do, or a
quarantine row with a reason; a failed refresh leaves the published warehouse as it was."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from refresh_helpers import digest, start_cli_refresh

from shared_metrics.landing import TABLES
from shared_metrics.landing_check import LandingError, check_landing, require_valid_landing
from shared_metrics.settings import Settings

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("bad_input")

FLOAT = pa.float64()


def landed(source: Path, table: str) -> pa.Table:
    return pq.read_table(sorted((source / table).glob("*.parquet")))


def damaged_landing(source: Path, target: Path, table: str, land: Callable[[Path, pa.Table], None]) -> Path:
    """A copy of a landing folder (by links) in which `land` writes `table` again from its rows."""
    for name in TABLES:
        (target / name).mkdir(parents=True)
        if name != table:
            for part in (source / name).glob("*.parquet"):
                (target / name / part.name).hardlink_to(part)
    land(target / table, landed(source, table))
    return target


def only_problem(landing: Path) -> str:
    report = check_landing(landing)
    assert len(report.problems) == 1, report.problems
    return str(report.problems[0])


def test_a_missing_landing_folder_says_which_setting_to_fix(tmp_path: Path) -> None:
    message = only_problem(tmp_path / "nowhere")
    assert "nowhere: does not exist" in message and "LANDING_DIR" in message


def test_a_missing_table_names_the_folder_to_fill(tiny_settings: Settings, tmp_path: Path) -> None:
    landing = damaged_landing(tiny_settings.landing_dir, tmp_path, "event", lambda folder, rows: None)
    assert f"table event, folder {landing / 'event'}: no files landed" in only_problem(landing)


def test_an_empty_table_is_refused_as_a_failed_extract(tiny_settings: Settings, tmp_path: Path) -> None:
    def land(folder: Path, rows: pa.Table) -> None:
        pq.write_table(rows.slice(0, 0), folder / "part-0.parquet")

    message = only_problem(damaged_landing(tiny_settings.landing_dir, tmp_path, "task", land))
    assert "table task" in message and "landed 0 rows" in message


def test_a_missing_required_column_is_named(tiny_settings: Settings, tmp_path: Path) -> None:
    def land(folder: Path, rows: pa.Table) -> None:
        pq.write_table(rows.drop_columns(["status"]), folder / "part-0.parquet")

    message = only_problem(damaged_landing(tiny_settings.landing_dir, tmp_path, "lead", land))
    assert "table lead" in message and "column status: required column is missing" in message


def test_extra_columns_are_ignored_and_reported(tiny_settings: Settings, tmp_path: Path) -> None:
    def land(folder: Path, rows: pa.Table) -> None:
        extra = rows.append_column("favourite_colour", pa.array(["teal"] * len(rows)))
        pq.write_table(extra, folder / "part-0.parquet")

    report = check_landing(damaged_landing(tiny_settings.landing_dir, tmp_path, "account", land))
    assert not report.problems
    assert report.ignored_columns == {str(tmp_path / "account" / "part-0.parquet"): ["favourite_colour"]}


def test_a_column_of_the_wrong_type_is_named_with_both_types(tiny_settings: Settings, tmp_path: Path) -> None:
    def land(folder: Path, rows: pa.Table) -> None:
        index = rows.schema.get_field_index("amount")
        as_text = pc.cast(rows["amount"], pa.string())
        pq.write_table(rows.set_column(index, "amount", as_text), folder / "part-0.parquet")

    message = only_problem(damaged_landing(tiny_settings.landing_dir, tmp_path, "opportunity", land))
    assert (
        "table opportunity" in message
        and "column amount: landed as string, the contract says double" in message
    )


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_or_truncated_parquet_file_is_named(
    tiny_settings: Settings, tmp_path: Path, damage: str
) -> None:
    def land(folder: Path, rows: pa.Table) -> None:
        good = folder / "good.parquet"
        pq.write_table(rows, good)
        content = good.read_bytes()
        good.unlink()
        (folder / "part-0.parquet").write_bytes(
            b"not parquet" if damage == "garbage" else content[: len(content) // 2]
        )

    message = only_problem(damaged_landing(tiny_settings.landing_dir, tmp_path, "campaign", land))
    assert f"file {tmp_path / 'campaign' / 'part-0.parquet'}: not a readable Parquet file" in message
    assert "land it again" in message


def test_a_semicolon_separated_csv_is_refused(tiny_settings: Settings, tmp_path: Path) -> None:
    def land(folder: Path, rows: pa.Table) -> None:
        pcsv.write_csv(rows, folder / "export.csv", pcsv.WriteOptions(delimiter=";"))

    message = only_problem(damaged_landing(tiny_settings.landing_dir, tmp_path, "campaign", land))
    assert "export.csv: separated by ';', not by commas" in message


def test_a_latin1_csv_is_refused(tiny_settings: Settings, tmp_path: Path) -> None:
    def land(folder: Path, rows: pa.Table) -> None:
        pcsv.write_csv(rows, folder / "export.csv")
        text = (folder / "export.csv").read_text(encoding="utf-8").replace("Webinar", "Séminaire", 1)
        (folder / "export.csv").write_bytes(text.encode("latin-1"))

    message = only_problem(damaged_landing(tiny_settings.landing_dir, tmp_path, "campaign", land))
    assert "export.csv: not UTF-8" in message and "Export the CSV as UTF-8" in message


def test_columns_spelled_in_another_case_are_named_with_the_contracts_spelling(
    tiny_settings: Settings, tmp_path: Path
) -> None:
    def land(folder: Path, rows: pa.Table) -> None:
        renamed = [
            "Status" if n == "status" else "SystemModstamp" if n == "system_modstamp" else n
            for n in rows.column_names
        ]
        pq.write_table(rows.rename_columns(renamed), folder / "part-0.parquet")

    report = check_landing(damaged_landing(tiny_settings.landing_dir, tmp_path, "lead", land))
    problems = sorted(str(problem) for problem in report.problems)
    assert len(problems) == 2, problems
    assert "column status: required column is missing; `Status` landed instead" in problems[0]
    assert (
        "column system_modstamp: required column is missing; `SystemModstamp` landed instead" in problems[1]
    )
    assert all("contract's lower-case name" in problem for problem in problems)


def test_a_runaway_csv_field_is_a_problem_naming_the_row(tiny_settings: Settings, tmp_path: Path) -> None:
    """An unclosed quote runs over megabytes: read in bounded lines, reported with its row (not a crash)."""
    rows_landed = []

    def land(folder: Path, rows: pa.Table) -> None:
        pcsv.write_csv(rows, folder / "export.csv")
        with (folder / "export.csv").open("a", encoding="utf-8") as export:
            export.write('"' + "x" * (2 << 20) + "\n")
        rows_landed.append(len(rows))

    message = only_problem(damaged_landing(tiny_settings.landing_dir, tmp_path, "campaign", land))
    assert f"export.csv, row {rows_landed[0] + 1}: cannot be read as CSV" in message, message[:300]
    assert "unclosed quote" in message


def test_only_regular_files_inside_the_landing_folder_are_read(
    tiny_settings: Settings, tmp_path: Path
) -> None:
    """A link out of the landing folder (to another file, to /dev/zero), a named pipe and a folder named like
    an extract are each refused by name, and the check returns: nothing is read, nothing hangs."""
    landing = damaged_landing(
        tiny_settings.landing_dir,
        tmp_path / "landing",
        "lead",
        lambda folder, rows: pq.write_table(rows, folder / "p.parquet"),
    )
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("id,email\n1,someone@example.com\n")
    (landing / "lead" / "linked.csv").symlink_to(outside)
    (landing / "lead" / "zeros.csv").symlink_to("/dev/zero")
    os.mkfifo(landing / "lead" / "pipe.csv")
    (landing / "lead" / "folder.parquet").mkdir()
    problems = sorted(str(problem) for problem in check_landing(landing).problems)
    assert len(problems) == 4, problems
    folder = landing / "lead"
    assert f"file {folder / 'folder.parquet'}: is a folder, not a regular file" in problems[0]
    assert f"file {folder / 'linked.csv'}: is a link to {outside}, outside the landing folder" in problems[1]
    assert f"file {folder / 'pipe.csv'}: is a pipe, not a regular file" in problems[2]
    assert f"file {folder / 'zeros.csv'}: is a link to /dev/zero, outside the landing folder" in problems[3]
    assert all("move or remove this one" in problem for problem in problems)


def test_require_valid_landing_raises_with_every_problem(tmp_path: Path) -> None:
    with pytest.raises(LandingError, match="published warehouse is unchanged"):
        require_valid_landing(tmp_path / "nowhere")


def test_a_refresh_on_bad_input_fails_naming_the_problem_and_keeps_the_published_warehouse(
    published_tiny: Settings, tmp_path: Path
) -> None:
    def land(folder: Path, rows: pa.Table) -> None:
        pq.write_table(rows.drop_columns(["status"]), folder / "part-0.parquet")

    before = digest(published_tiny.published_warehouse)
    broken = replace(
        published_tiny, landing_dir=damaged_landing(published_tiny.landing_dir, tmp_path, "lead", land)
    )
    output, _ = start_cli_refresh(broken).communicate(timeout=600)
    assert "Refresh failed; the published warehouse was left as it was." in output
    assert "Landing problem: table lead" in output and "column status: required column is missing" in output
    assert digest(published_tiny.published_warehouse) == before
    log = Path(re.search(r"Full log: (\S+)", output).group(1))  # private to the account, like the warehouse
    assert (stat.S_IMODE(log.stat().st_mode), stat.S_IMODE(log.parent.stat().st_mode)) == (0o600, 0o700)
    dagster_files = list((broken.warehouse_dir.parent / "dagster").rglob("*"))  # DAGSTER_HOME of the refresh
    assert dagster_files and not [f for f in dagster_files if f.stat().st_mode & 0o077], dagster_files


def test_csv_extracts_with_extra_columns_are_read_and_bad_rows_quarantined_with_reasons(
    published_tiny: Settings, refresh_in_process, tmp_path: Path
) -> None:
    """Leads land as CSV with an extra column; opportunities carry two different rows with the same id and
    version, a negative amount, absurd ones, amounts that are no number (NaN, ±Inf in Parquet, `twelve` in a
    CSV extract), one written the way people write money (`$2,500.00`) and one created "next Tuesday". The
    refresh succeeds, stages every lead the Parquet landing staged and the money-formatted amount as 2500,
    and quarantines exactly the bad opportunities, each with its reason (issue 19: none becomes a silent
    null, nor a failed not-null test)."""

    def land_leads_as_csv(folder: Path, rows: pa.Table) -> None:
        extra = rows.append_column("favourite_colour", pa.array(["teal"] * len(rows)))
        pcsv.write_csv(extra, folder / "leads.csv")

    landing = damaged_landing(published_tiny.landing_dir, tmp_path / "landing", "lead", land_leads_as_csv)
    opportunities = landed(published_tiny.landing_dir, "opportunity")
    clean = opportunities.filter(pc.invert(opportunities["is_deleted"]))
    amount = clean.schema.get_field_index("amount")

    def bad_rows(ids: list[int], amounts: list, of_type: pa.DataType = FLOAT) -> pa.Table:
        """Copies of the first clean opportunity (same version) with these ids and amounts."""
        rows = pa.concat_tables([clean.slice(0, 1)] * len(ids))
        named = pa.array([f"006BAD{n:012d}" for n in ids])
        return rows.set_column(0, "id", named).set_column(amount, "amount", pa.array(amounts, of_type))

    conflicting = bad_rows([1, 1], [1000.0, 2000.0])
    in_parquet = bad_rows([2, 3, 4, 5, 6, 7], [-5.0, 1e12, 1e23, float("nan"), float("inf"), float("-inf")])
    pq.write_table(pa.concat_tables([conflicting, in_parquet]), landing / "opportunity" / "part-bad.parquet")
    as_text = bad_rows([8, 9, 10], ["twelve", "$2,500.00", "100"], pa.string())
    created = as_text.schema.get_field_index("created_date")
    when = pa.array([str(t) for t in as_text["created_date"].to_pylist()[:2]] + ["next Tuesday"])
    as_text = as_text.set_column(created, "created_date", when)
    pcsv.write_csv(as_text, landing / "opportunity" / "part-bad.csv")
    settings = replace(published_tiny, landing_dir=landing, warehouse_dir=tmp_path / "warehouse")
    assert refresh_in_process(settings)
    with duckdb.connect(str(settings.published_warehouse), read_only=True) as con:
        quarantined = dict(
            con.execute(
                """select quarantine_reason, count(*) from staging.stg_salesforce__quarantined_rows
                   where record_id like '006BAD%' group by 1"""
            ).fetchall()
        )
        leads = con.execute("select count(*) from staging.stg_salesforce__leads").fetchall()[0][0]
        money = con.execute(
            "select opportunity_amount from staging.stg_salesforce__opportunities where opportunity_id = ?",
            ["006BAD000000000009"],
        ).fetchall()
    with duckdb.connect(str(published_tiny.published_warehouse), read_only=True) as con:
        from_parquet = con.execute("select count(*) from staging.stg_salesforce__leads").fetchall()[0][0]
    assert quarantined == {
        "conflicting_versions": 1,
        "negative_amount": 1,
        "absurd_amount": 2,
        "unreadable_amount": 4,
        "missing_created_date": 1,
    }
    assert money == [(2500,)]
    assert leads == from_parquet
