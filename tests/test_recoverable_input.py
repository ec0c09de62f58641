"""Landed values that mean what the contract's mean, spelled otherwise, are read as the contract's: the
metrics equal the clean landing's and nothing more is quarantined (issue 19)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shared_metrics.compare import warehouse_differences
from shared_metrics.landing import TABLES
from shared_metrics.settings import Settings

pytestmark = pytest.mark.xdist_group("recoverable_input")

# When the refresh ran, not what it read.
REFRESH_BOOKKEEPING = ("data_quality", "data_clocks")


def respelled(value: str | None, row: int) -> str | None:
    """The same status as Salesforce might land it from another org or an export: case and spaces differ."""
    if value is None:
        return None
    return [value, value.upper(), f"  {value.lower()} ", f"{value}\t"][row % 4].replace("\t", " ")


def rewrite(landing: Path, table: str, change: Callable[[pa.Table], pa.Table]) -> None:
    for part in (landing / table).glob("*.parquet"):
        rows = pq.read_table(part)
        part.unlink()  # a link to the clean landing: write a file of its own
        pq.write_table(change(rows), part)


def test_statuses_differing_only_in_case_or_spaces_give_the_clean_landings_metrics(
    tiny_template: Settings, refresh_in_process, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    for table in TABLES:
        (landing / table).mkdir(parents=True)
        for part in (tiny_template.landing_dir / table).glob("*.parquet"):
            (landing / table / part.name).symlink_to(part)

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

    rewrite(landing, "lead", lead_statuses)
    rewrite(landing, "lead_history", history_statuses)
    settings = replace(tiny_template, landing_dir=landing, warehouse_dir=tmp_path / "warehouse")
    assert refresh_in_process(settings)

    clean, respelt = tiny_template.published_warehouse, settings.published_warehouse
    tables, problems = warehouse_differences(clean, respelt, "metrics", 1e-12, skip=REFRESH_BOOKKEEPING)
    assert tables >= 14 and not problems, "\n".join(problems[:20])
    when = "refreshed_at, hours_since_newest_change"
    reconciliation = f"select * exclude ({when}) from metrics.data_quality order by source_table"
    with (
        duckdb.connect(str(clean), read_only=True) as before,
        duckdb.connect(str(respelt), read_only=True) as after,
    ):
        assert before.execute(reconciliation).fetchall() == after.execute(reconciliation).fetchall()
