"""The dashboard's reader of the published warehouse: read-only, cached per published version so that a new
publish shows up without a restart. Pages get figures from shared_metrics.readouts through `read`."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from shared_metrics import readouts
from shared_metrics.publish import query_published
from shared_metrics.settings import load_settings


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


def read(sql: str, parameters: Sequence = ()) -> pd.DataFrame:
    """A readouts.Reader over the published warehouse."""
    stamp = published_stamp()
    if stamp is None:
        raise FileNotFoundError(published_path())
    return _query(stamp, sql, tuple(parameters))


def help_for(table: str, column: str, fallback: str) -> str:
    """The column's documented meaning (dbt description) as a tooltip."""
    return readouts.column_description(read, table, column) or fallback
