"""Data quality: how fresh the landing is, row accounting per table, quarantined rows."""

import plotly.express as px
import streamlit as st

from dashboard.data import help_for, read
from shared_metrics import readouts


def render(where: readouts.Slice) -> None:
    del where  # about the whole landing, not a slice of it
    st.header("Data quality")
    st.subheader("Data as of: the clocks this refresh judged at")
    st.caption(help_for("data_clocks", "clock_at", "The landing's freshness watermark."))
    st.dataframe(readouts.data_clocks(read), hide_index=True)
    st.subheader("Freshness and row accounting (latest refresh)")
    st.caption(help_for("data_quality", "hours_since_newest_change", "Hours since the newest change."))
    st.dataframe(readouts.latest_data_quality(read), hide_index=True)
    quarantined = readouts.quarantined_rows(read)
    st.plotly_chart(
        px.bar(
            quarantined,
            x="source_table",
            y="quarantined_rows",
            color="quarantine_reason",
            title="Quarantined rows by reason",
            labels={
                "source_table": "landed table",
                "quarantined_rows": "rows",
                "quarantine_reason": "reason",
            },
        ),
        width="stretch",
    )
    st.caption(
        "Rows that broke the landing contract are kept out of every metric; each is listed with its reason "
        "in staging.stg_salesforce__quarantined_rows."
    )
    st.dataframe(quarantined, hide_index=True)
