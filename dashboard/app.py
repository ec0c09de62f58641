"""Leaders' dashboard on the shared metrics: `make dashboard` serves it on 127.0.0.1:8501. Every figure comes
from shared_metrics.readouts; the pages (dashboard/page_scripts/, one address each) render dashboard/views/
with the sidebar's filters, which live in the address too (dashboard/filters.py)."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` starts in dashboard/

from dashboard.data import published_path, read
from dashboard.filters import sidebar_filters
from dashboard.pages import PAGES, script, url_path
from shared_metrics import readouts
from shared_metrics.publish import WarehouseError
from shared_metrics.report.store import newest_pack, reports_dir
from shared_metrics.settings import load_settings


def freshness() -> None:
    """Data as of, in the sidebar; a warning on every page when the landing is stale."""
    clocks = readouts.data_clocks(read)
    if clocks.empty:
        return
    st.sidebar.caption(f"Data as of {clocks['clock_at'].min():%Y-%m-%d %H:%M} UTC")
    warning = readouts.staleness_warning(clocks)
    if warning:
        st.warning(warning)


def alignment_pack() -> None:
    """The newest weekly alignment pack (rendered weekly by Dagster, or by `make report`), as a PDF to
    download from the sidebar."""
    pack = newest_pack(reports_dir(load_settings()))
    if pack is None:
        st.sidebar.caption("No weekly alignment pack yet: `make report` renders one.")
        return
    st.sidebar.download_button(
        f"Weekly alignment pack {pack.week} (PDF)",
        data=pack.pdf.read_bytes(),
        file_name=pack.pdf.name,
        mime="application/pdf",
    )


def main() -> None:
    st.set_page_config(page_title="Shared metrics", layout="wide")
    # Each page has its own address (the first one the root), so a leader can send a link to one.
    page = st.navigation(
        [
            st.Page(script(name), title=name, url_path=url_path(name), default=index == 0)
            for index, name in enumerate(PAGES)
        ]
    )
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
    sidebar_filters()
    freshness()
    alignment_pack()
    page.run()


main()
