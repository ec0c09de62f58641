"""Preflight of the landing folder against the landing contract, before any refresh touches the warehouse.

Each problem names the table, file and column and says what to do; a refresh with a problem stops before
building, so the published warehouse stays as it was. Extra columns are not problems: they are ignored and
reported. Row-level defects (null or orphan keys, impossible timestamps, unknown statuses, ...) are not
checked here: staging quarantines those rows with a reason (staging.stg_salesforce__quarantined_rows).
"""

from __future__ import annotations

import csv
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from shared_metrics.landing import TABLES, LandingTable

# Longest CSV line (and field) read: DuckDB refuses lines over 2 MB; a bounded read cannot exhaust memory.
CSV_LINE_LIMIT = 1 << 20
csv.field_size_limit(CSV_LINE_LIMIT)


class _LineTooLong(Exception):
    pass


@dataclass(frozen=True)
class LandingProblem:
    where: str  # table, file and column concerned
    what: str  # what is wrong
    fix: str  # what to do

    def __str__(self) -> str:
        return f"Landing problem: {self.where}: {self.what}. {self.fix}"


@dataclass
class LandingReport:
    problems: list[LandingProblem] = field(default_factory=list)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)  # file -> extra columns
    files: int = 0

    def problem(self, where: str, what: str, fix: str) -> None:
        self.problems.append(LandingProblem(where, what, fix))


class LandingError(Exception):
    """The landing folder breaks the contract; the message lists every problem."""

    def __init__(self, report: LandingReport):
        self.report = report
        super().__init__(
            f"{len(report.problems)} landing problem(s); nothing was built and the published warehouse is "
            "unchanged.\n" + "\n".join(str(p) for p in report.problems)
        )


def _compatible(landed: pa.DataType, expected: pa.DataType) -> bool:
    """Types staging can cast without losing meaning (an integer amount, a date for a timestamp, ...)."""
    if landed == expected or pa.types.is_null(landed):
        return True
    groups = [
        lambda t: pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t),
        lambda t: pa.types.is_timestamp(t) or pa.types.is_date(t),
        lambda t: pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t),
        pa.types.is_boolean,
    ]
    return any(group(landed) and group(expected) for group in groups)


def _spelling(name: str) -> str:
    """A column name without case, underscores or other separators: `SystemModstamp` ~ `system_modstamp`."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _check_columns(report: LandingReport, table: LandingTable, file: Path, names: list[str]) -> None:
    where = f"table {table.name}, file {file}"
    landed_as = {_spelling(name): name for name in names}
    for missing in (c for c in table.column_names if c not in names):
        if similar := landed_as.get(_spelling(missing)):
            report.problem(
                f"{where}, column {missing}",
                f"required column is missing; `{similar}` landed instead (contract spelling: `{missing}`)",
                "Rename the column in the extract to the contract's lower-case name and land it again.",
            )
            continue
        report.problem(
            f"{where}, column {missing}",
            "required column is missing",
            "Add it to the extract (the landing contract: shared_metrics/landing.py) and land it again.",
        )
    extra = [n for n in names if n not in table.column_names]
    if extra:
        report.ignored_columns[str(file)] = extra


def _check_parquet(report: LandingReport, table: LandingTable, file: Path) -> int:
    try:
        metadata = pq.read_metadata(file)
        schema = metadata.schema.to_arrow_schema()
    except (OSError, pa.ArrowException) as exc:
        report.problem(
            f"table {table.name}, file {file}",
            f"not a readable Parquet file ({exc})",
            "The file is corrupt or truncated: land it again (or remove it).",
        )
        return 0
    _check_columns(report, table, file, schema.names)
    expected = {c.name: c.type for c in table.columns}
    for landed in schema:
        if landed.name in expected and not _compatible(landed.type, expected[landed.name]):
            report.problem(
                f"table {table.name}, file {file}, column {landed.name}",
                f"landed as {landed.type}, the contract says {expected[landed.name]}",
                "Fix the column's type in the extract and land it again.",
            )
    return metadata.num_rows


def _bounded_lines(handle: TextIO) -> Iterator[str]:
    """The file's lines, none read beyond CSV_LINE_LIMIT characters."""
    while line := handle.readline(CSV_LINE_LIMIT):
        if len(line) >= CSV_LINE_LIMIT and not line.endswith("\n"):
            raise _LineTooLong
        yield line


def _check_csv(report: LandingReport, table: LandingTable, file: Path) -> int:
    where = f"table {table.name}, file {file}"
    rows = 0
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            lines = _bounded_lines(handle)
            header = next(lines, "")
            if not header:
                return 0
            if "," not in header:
                try:
                    delimiter = csv.Sniffer().sniff(header, delimiters=";\t|").delimiter
                    what = f"separated by {delimiter!r}, not by commas"
                except csv.Error:
                    what = "has no comma-separated header"
                report.problem(where, what, "Export comma-separated CSV with a header row and land it again.")
                return 0
            records = csv.reader([header])
            _check_columns(report, table, file, next(records))
            records = csv.reader(lines)
            for _ in records:
                rows += 1
    except UnicodeDecodeError as exc:
        report.problem(
            where,
            f"not UTF-8 (byte {exc.object[exc.start]:#x} after {rows} rows; Latin-1 or Windows-1252 export?)",
            "Export the CSV as UTF-8 and land it again.",
        )
        return 0
    except (_LineTooLong, csv.Error) as exc:
        detail = f"a line longer than {CSV_LINE_LIMIT:,} characters" if isinstance(exc, _LineTooLong) else exc
        report.problem(
            f"{where}, row {rows + 1}",
            f"cannot be read as CSV ({detail})",
            "An unclosed quote or a runaway field: fix the export (quote and escape fields), land it again.",
        )
        return 0
    except OSError as exc:
        report.problem(where, f"cannot be read ({exc.strerror})", "Make the file readable and land it again.")
        return 0
    return rows


def _landed_file_problem(file: Path, landing_dir: Path) -> str | None:
    """Why a landed file must not be read at all, or None: only regular files inside the landing folder are
    (a FIFO would block the refresh, /dev/zero exhaust memory, a link could read any file of the machine)."""
    try:
        target = file.resolve(strict=True)
        mode = target.stat().st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not target.is_relative_to(landing_dir.resolve()):
        return f"is a link to {target}, outside the landing folder"
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "a special file"
        return f"is {kind}, not a regular file"
    return None


def check_landing(landing_dir: Path) -> LandingReport:
    """Every problem of the landing folder against the contract (empty list: ready to refresh)."""
    report = LandingReport()
    if not landing_dir.is_dir():
        report.problem(
            f"landing folder {landing_dir}",
            "does not exist",
            "Set LANDING_DIR to the folder your extracts land in, or run `make generate` for demo data.",
        )
        return report
    for table in TABLES.values():
        folder = landing_dir / table.name
        parquet, csvs = sorted(folder.glob("*.parquet")), sorted(folder.glob("*.csv"))
        if not parquet and not csvs:
            report.problem(
                f"table {table.name}, folder {folder}",
                "no files landed (expected *.parquet or *.csv)",
                "Land the table's extract there; every table of the contract is needed for a refresh.",
            )
            continue
        rows = 0
        for file in parquet + csvs:
            if problem := _landed_file_problem(file, landing_dir):
                report.problem(
                    f"table {table.name}, file {file}",
                    problem,
                    "Land extracts as regular files inside LANDING_DIR; move or remove this one.",
                )
            else:
                rows += (_check_parquet if file.suffix == ".parquet" else _check_csv)(report, table, file)
        report.files += len(parquet) + len(csvs)
        if rows == 0 and not any(p.where.startswith(f"table {table.name},") for p in report.problems):
            report.problem(
                f"table {table.name}, folder {folder}",
                "landed 0 rows",
                "The extract probably failed: land it again (the published warehouse keeps its data).",
            )
    return report


def require_valid_landing(landing_dir: Path) -> LandingReport:
    """The report when the landing folder keeps the contract; LandingError naming every problem when not."""
    report = check_landing(landing_dir)
    if report.problems:
        raise LandingError(report)
    return report
