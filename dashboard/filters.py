"""The sidebar's filters, kept in the page's address (?from=2025-01&to=2025-06&segment=SMB&territory=EMEA
&team=...): a copied link reopens the same page on the same slice. Values the warehouse does not have are
dropped, so an old link still opens."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.data import read
from shared_metrics import readouts

SLICE_KEY = "slice"


def _months_from_address(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    def month(key: str, default: dt.date) -> dt.date:
        try:
            chosen = dt.date.fromisoformat(f"{st.query_params.get(key)}-01")
        except (TypeError, ValueError):
            return default
        return min(max(chosen, first), last)

    return month("from", first), month("to", last)


def _chosen_in_address(key: str, options: list[str]) -> list[str]:
    return [value for value in st.query_params.get_all(key) if value in options]


def sidebar_filters() -> None:
    """The filters, started from the address, written back to it on every change; the slice is kept for the
    page (current_slice)."""
    first, last = (pd.Timestamp(month).date() for month in readouts.month_range(read))
    months = st.sidebar.date_input(
        "Months", value=_months_from_address(first, last), min_value=first, max_value=last
    )
    start, end = (months[0], months[-1]) if months else (first, last)
    options = readouts.segment_and_territory_options(read)
    segment_options = sorted(options["segment"].unique())
    territory_options = sorted(options["territory"].unique())
    team_options = readouts.team_options(read)
    segments = st.sidebar.multiselect(
        "Segment", segment_options, default=_chosen_in_address("segment", segment_options)
    )
    territories = st.sidebar.multiselect(
        "Territory", territory_options, default=_chosen_in_address("territory", territory_options)
    )
    teams = st.sidebar.multiselect(
        "Team",
        team_options,
        default=_chosen_in_address("team", team_options),
        help="Filters the sales SLA figures.",
    )
    start, end = start.replace(day=1), end.replace(day=1)
    address = {
        "from": f"{start:%Y-%m}" if start > first else None,
        "to": f"{end:%Y-%m}" if end < last else None,
        "segment": segments,
        "territory": territories,
        "team": teams,
    }
    st.query_params.from_dict({key: value for key, value in address.items() if value})
    st.session_state[SLICE_KEY] = readouts.Slice(
        str(start), str(end), tuple(segments), tuple(territories), tuple(teams)
    )


def current_slice() -> readouts.Slice:
    """The slice the sidebar's filters chose in this run."""
    return st.session_state[SLICE_KEY]
