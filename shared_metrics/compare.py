"""Compare two warehouses table by table: same tables, same rows, equal keys and text, numbers equal within a
relative tolerance (parallel sums of doubles may differ in the last digits between runs and engines)."""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

# Bookkeeping that differs between two correct builds by design: which refresh wrote a row.
BOOKKEEPING_COLUMNS = ("refreshed_by",)


def warehouse_tables(warehouse: Path, schema: str, skip: tuple[str, ...] = ()) -> dict[str, pd.DataFrame]:
    """Every table of `schema` except `skip`, as in_fixed_order gives it."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
                [schema],
            ).fetchall()
            if name not in skip
        ]
        return {name: in_fixed_order(con.execute(f'select * from {schema}."{name}"').df()) for name in names}


def in_fixed_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Without bookkeeping columns, engine-neutral values (decimals as floats, dates as timestamps), rows
    sorted by every column, exact columns first, so that two builds' results line up row by row."""
    frame = frame.drop(columns=[c for c in BOOKKEEPING_COLUMNS if c in frame.columns])
    for column in frame.columns:
        values = frame[column].dropna()
        if frame[column].dtype == object and len(values):
            sample = values.iloc[0]
            if isinstance(sample, decimal.Decimal):
                frame[column] = frame[column].astype(float)
            elif isinstance(sample, dt.date):
                frame[column] = pd.to_datetime(frame[column])
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].astype("datetime64[us]")
    exact = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])]
    approximate = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    if len(frame):
        frame = frame.sort_values(exact + approximate, na_position="last", kind="stable")
    return frame.reset_index(drop=True)


def table_differences(name: str, left: pd.DataFrame, right: pd.DataFrame, rtol: float) -> list[str]:
    """What differs between two versions of one table, one line per problem (empty when equal)."""
    if list(left.columns) != list(right.columns):
        return [f"{name}: columns differ: {list(left.columns)} vs {list(right.columns)}"]
    if len(left) != len(right):
        return [f"{name}: {len(left):,} rows vs {len(right):,}"]
    problems = []
    for column in left.columns:
        a, b = left[column].reset_index(drop=True), right[column].reset_index(drop=True)
        if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
            equal = np.isclose(a.to_numpy(), b.to_numpy(), rtol=rtol, atol=0.0, equal_nan=True)
        else:
            equal = (a == b) | (a.isna() & b.isna())
        if not equal.all():
            first = int(np.flatnonzero(~np.asarray(equal))[0])
            problems.append(
                f"{name}.{column}: {int((~np.asarray(equal)).sum()):,} values differ "
                f"(first at row {first}: {a[first]!r} vs {b[first]!r})"
            )
    return problems


def tables_differences(
    schema: str,
    first: dict[str, pd.DataFrame],
    second: dict[str, pd.DataFrame],
    rtol: float,
    names: tuple[str, str],
) -> list[str]:
    """Every difference between two sets of `schema`'s tables (by table name), the sets named by `names`."""
    problems = [f"{schema}.{table}: only in {names[0]}" for table in sorted(first.keys() - second.keys())]
    problems += [f"{schema}.{table}: only in {names[1]}" for table in sorted(second.keys() - first.keys())]
    for table in sorted(first.keys() & second.keys()):
        problems += table_differences(f"{schema}.{table}", first[table], second[table], rtol)
    return problems


def warehouse_differences(
    left: Path, right: Path, schema: str, rtol: float, skip: tuple[str, ...] = ()
) -> tuple[int, list[str]]:
    """How many tables of `schema` were compared and every difference found."""
    first, second = warehouse_tables(left, schema, skip), warehouse_tables(right, schema, skip)
    problems = tables_differences(schema, first, second, rtol, (str(left), str(right)))
    return len(first.keys() | second.keys()), problems
