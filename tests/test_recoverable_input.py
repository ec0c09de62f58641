"""Landed values that mean what the contract's mean, spelled otherwise, are read as the contract's: the
metrics equal the clean landing's and nothing more is quarantined, whatever the host's time zone
(issue 19)."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from refresh_helpers import metrics_differences

from shared_metrics.landing import TABLES
from shared_metrics.settings import Settings

pytestmark = pytest.mark.xdist_group("recoverable_input")


def respelled(value: str | None, row: int) -> str | None:
    """The same status as Salesforce might land it from another org or an export: case and spaces differ."""
    if value is None:
        return None
    return [value, value.upper(), f"  {value.lower()} ", f"{value}\t"][row % 4].replace("\t", " ")


def rewrite(landing: Path, table: str, change: Callable[[pa.Table], pa.Table], as_csv: bool = False) -> None:
    for part in (landing / table).glob("*.parquet"):
        rows = change(pq.read_table(part))
        part.unlink()  # a link to the clean landing: write a file of its own
        if as_csv:
            pcsv.write_csv(rows, part.with_suffix(".csv"))
        else:
            pq.write_table(rows, part)


def in_zone(rows: pa.Table, zone: str, as_text: bool) -> pa.Table:
    """Every timestamp column as the same instants seen from another zone: time-zone-aware Parquet columns,
    or CSV text with the offset (`2026-03-01 12:00:00+0200`)."""
    for index, field in enumerate(rows.schema):
        if pa.types.is_timestamp(field.type):
            aware = pc.cast(rows[field.name], pa.timestamp("us", tz=zone))
            column = pc.strftime(aware, format="%Y-%m-%d %H:%M:%S%z") if as_text else aware
            rows = rows.set_column(index, field.name, column)
    return rows


def money(rows: pa.Table) -> pa.Table:
    """Amounts as people write them in spreadsheets and exports: `$12,500.00`."""
    amounts = [None if a is None else f"${a:,.2f}" for a in rows["amount"].to_pylist()]
    return rows.set_column(rows.schema.get_field_index("amount"), "amount", pa.array(amounts, pa.string()))


def another_zone_than_the_hosts() -> str:
    """A zone whose offset differs from the host's (and from UTC), so the two builds really differ."""
    import datetime as dt

    local_offset = dt.datetime.now().astimezone().utcoffset()
    return "Pacific/Auckland" if local_offset != dt.timedelta(hours=12) else "Asia/Tokyo"


def test_respelled_statuses_zoned_times_and_written_amounts_give_the_clean_landings_metrics(
    tiny_template: Settings, refresh_in_process, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clean tiny landing as other extracts write it: statuses in other case and with spaces, leads as CSV
    with times in +02:00, tasks with time-zone-aware Parquet times in Tokyo, opportunities as CSV with
    amounts like `$12,500.00`, in a folder whose name holds a quote and brackets; refreshed on a host in
    another zone than the clean build's. Every metrics table and the data-quality reconciliation equal the
    clean build's."""
    landing = tmp_path / "it's [landing]"  # a quote and glob brackets in the path must not matter
    for table in TABLES:
        (landing / table).mkdir(parents=True)
        for part in (tiny_template.landing_dir / table).glob("*.parquet"):
            (landing / table / part.name).hardlink_to(part)

    def lead_statuses(rows: pa.Table) -> pa.Table:
        statuses = [respelled(v, i) for i, v in enumerate(rows["status"].to_pylist())]
        return rows.set_column(
            rows.schema.get_field_index("status"), "status", pa.array(statuses, pa.string())
        )

    def history_statuses(rows: pa.Table) -> pa.Table:
        fields = rows["field"].to_pylist()
        for column in ("old_value", "new_value"):
            values = [
                respelled(v, i) if field == "Status" else v
                for i, (field, v) in enumerate(zip(fields, rows[column].to_pylist(), strict=True))
            ]
            rows = rows.set_column(rows.schema.get_field_index(column), column, pa.array(values, pa.string()))
        return rows

    rewrite(landing, "lead", lambda rows: in_zone(lead_statuses(rows), "+02:00", as_text=True), as_csv=True)
    rewrite(landing, "lead_history", history_statuses)
    rewrite(landing, "task", lambda rows: in_zone(rows, "Asia/Tokyo", as_text=False))
    rewrite(landing, "opportunity", money, as_csv=True)
    settings = replace(tiny_template, landing_dir=landing, warehouse_dir=tmp_path / "warehouse")
    # The host's zone for this process (publishing) and what it starts (dbt, and DuckDB in it).
    monkeypatch.setenv("TZ", another_zone_than_the_hosts())
    time.tzset()
    try:
        assert refresh_in_process(settings)
    finally:
        monkeypatch.undo()
        time.tzset()

    problems = metrics_differences(tiny_template.published_warehouse, settings.published_warehouse)
    assert not problems, "\n".join(problems[:20])


def test_relanded_late_and_stampless_rows_are_taken_in_by_an_incremental_refresh(
    published_tiny: Settings, refresh_in_process
) -> None:
    """What EL tools routinely do, on top of a published warehouse: the same lead extract lands a second time,
    a lead is backfilled with a stamp far older than the incremental lookback, and one lands without any
    stamp. The next (incremental) refresh succeeds: the backfilled lead is staged, the stampless one
    quarantined with its reason, and every landed row is accounted for in data_quality."""
    landing, warehouse = published_tiny.landing_dir, published_tiny.published_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        staged = {
            lead for (lead,) in con.execute("select lead_id from staging.stg_salesforce__leads").fetchall()
        }
        newest = con.execute("select max(modified_at) from staging.stg_salesforce__leads").fetchone()[0]
    first_part = sorted((landing / "lead").glob("*.parquet"))[0]
    shutil.copyfile(first_part, landing / "lead" / "part-landed-again.parquet")
    rows = pq.read_table(first_part)
    valid = rows.filter(pc.is_in(rows["id"], pa.array(sorted(staged)))).slice(0, 2)
    stamp = valid.schema.get_field_index("system_modstamp")
    long_ago = pa.array([newest - dt.timedelta(days=40)] * 2, valid.schema.field(stamp).type)
    late = valid.slice(0, 1).set_column(0, "id", pa.array(["00QLATE0000000001"]))
    late = late.set_column(stamp, "system_modstamp", long_ago.slice(0, 1))
    stampless = valid.slice(1, 1).set_column(0, "id", pa.array(["00QNOSTAMP0000001"]))
    stampless = stampless.set_column(stamp, "system_modstamp", pa.nulls(1, valid.schema.field(stamp).type))
    pq.write_table(pa.concat_tables([late, stampless]), landing / "lead" / "part-backfill.parquet")

    assert refresh_in_process(published_tiny)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(
            "select lead_id from staging.stg_salesforce__leads where lead_id like '00QLATE%'"
        ).fetchall()
        quarantined = con.execute(
            """select record_id, quarantine_reason from staging.stg_salesforce__quarantined_rows
               where record_id like '00QNOSTAMP%'"""
        ).fetchall()
        lead_quality = con.execute(
            """select landed_row_count, staged_row_count from metrics.data_quality
               where source_table = 'lead' order by refreshed_at desc limit 1"""
        ).fetchone()
    assert found == [("00QLATE0000000001",)]
    assert quarantined == [("00QNOSTAMP0000001", "missing_version_stamp")]
    assert lead_quality == (len(pq.read_table(landing / "lead")), len(staged) + 1)
