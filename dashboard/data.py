"""Reading the published warehouse for the dashboard: read-only, one short connection per query, cached per
published version so that a new publish shows up without a restart."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from shared_metrics.publish import query_published
from shared_metrics.settings import load_settings


@dataclass(frozen=True)
class Filters:
    start_month: str
    end_month: str
    segments: tuple[str, ...]
    territories: tuple[str, ...]
    teams: tuple[str, ...] = ()

    def where(
        self,
        month_column: str,
        segment_column: str = "segment",
        territory_column: str = "territory",
        team_column: str = "",
    ):
        """A bound-parameter filter: (sql, parameters). Values are never pasted into the SQL."""
        clauses = [f"{month_column} between cast(? as date) and cast(? as date)"]
        parameters: list = [self.start_month, self.end_month]
        if segment_column and self.segments:
            clauses.append(f"{segment_column} in ({', '.join('?' for _ in self.segments)})")
            parameters += list(self.segments)
        if territory_column and self.territories:
            clauses.append(f"{territory_column} in ({', '.join('?' for _ in self.territories)})")
            parameters += list(self.territories)
        if team_column and self.teams:
            clauses.append(f"{team_column} in ({', '.join('?' for _ in self.teams)})")
            parameters += list(self.teams)
        return " and ".join(clauses), parameters


def published_path() -> Path:
    return load_settings().published_warehouse


def published_stamp() -> str | None:
    """Changes whenever a new warehouse is published (os.replace gives the path a new file)."""
    path = published_path()
    if not path.exists():
        return None
    stat = path.stat()
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


@st.cache_data(show_spinner=False, max_entries=512)
def _query(stamp: str, sql: str, parameters: tuple) -> pd.DataFrame:
    del stamp  # part of the cache key only
    return query_published(load_settings(), sql, list(parameters))


def query(sql: str, parameters: list | None = None) -> pd.DataFrame:
    stamp = published_stamp()
    if stamp is None:
        raise FileNotFoundError(published_path())
    return _query(stamp, sql, tuple(parameters or []))


def has_table(schema: str, table: str) -> bool:
    rows = query(
        "select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    )
    return bool(rows["n"][0])


def publication() -> tuple[str, str]:
    if not has_table("meta", "publication"):
        return ("unknown", "unknown")
    rows = query("select version, cast(published_at as varchar) as published_at from meta.publication")
    return (rows["version"][0], rows["published_at"][0]) if len(rows) else ("unknown", "unknown")


def column_description(table: str, column: str) -> str:
    """The column's dbt description, persisted by dbt as a comment; empty when none."""
    rows = query(
        "select comment from duckdb_columns() "
        "where schema_name = 'metrics' and table_name = ? and column_name = ?",
        [table, column],
    )
    return str(rows["comment"][0]) if len(rows) and rows["comment"][0] else ""
