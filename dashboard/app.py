"""Leaders' dashboard on the shared metrics: `make dashboard` serves it on 127.0.0.1:8501. Every figure comes
from shared_metrics.readouts; the pages in dashboard/views/ only render."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` starts in dashboard/

from dashboard.data import published_path, read
from dashboard.pages import PAGES
from dashboard.views import (
    campaigns,
    data_quality,
    funnel,
    overview,
    pipeline,
    pipeline_over_time,
    routing,
    sla,
)
from shared_metrics import readouts
from shared_metrics.publish import WarehouseError

RENDER = {
    "Overview": overview.render,
    "Funnel": funnel.render,
    "SLA": sla.render,
    "Pipeline": pipeline.render,
    "Pipeline over time": pipeline_over_time.render,
    "Routing & accounts": routing.render,
    "Campaigns": campaigns.render,
    "Data quality": data_quality.render,
}


def sidebar_filters() -> readouts.Slice:
    first, last = readouts.month_range(read)
    start, end = st.sidebar.date_input("Months", value=(first, last), min_value=first, max_value=last)
    options = readouts.segment_and_territory_options(read)
    segments = st.sidebar.multiselect("Segment", sorted(options["segment"].unique()))
    territories = st.sidebar.multiselect("Territory", sorted(options["territory"].unique()))
    teams = st.sidebar.multiselect("Team", readouts.team_options(read), help="Filters the sales SLA figures.")
    return readouts.Slice(
        str(start.replace(day=1)), str(end.replace(day=1)), tuple(segments), tuple(territories), tuple(teams)
    )


def freshness() -> None:
    """Data as of, in the sidebar; a warning on every page when the landing is stale."""
    clocks = readouts.data_clocks(read)
    if clocks.empty:
        return
    st.sidebar.caption(f"Data as of {clocks['clock_at'].min():%Y-%m-%d %H:%M} UTC")
    warning = readouts.staleness_warning(clocks)
    if warning:
        st.warning(warning)


def main() -> None:
    st.set_page_config(page_title="Shared metrics", layout="wide")
    page = st.sidebar.radio("Page", PAGES)
    if not published_path().exists():
        st.title("No warehouse published yet")
        st.write(
            f"There is no warehouse at `{published_path()}`. Build one with `make run` "
            "(or `make refresh` when the landing folder already has data), then reload this page."
        )
        return
    try:
        version, published_at = readouts.publication(read)
    except WarehouseError as damaged:
        st.title("The published warehouse cannot be read")
        st.write(str(damaged))
        return
    st.sidebar.caption(f"Published {published_at} UTC (version {version})")
    where = sidebar_filters()
    freshness()
    RENDER[page](where)


main()
