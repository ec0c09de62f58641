"""Overview: the shared headline figures (the same as `make summary`) and marketing's month by month."""

import plotly.express as px
import streamlit as st

from dashboard.data import read
from dashboard.views.common import as_percent, percent
from shared_metrics import readouts


def render(where: readouts.Slice) -> None:
    st.header("Overview")
    figures = list(readouts.headline_figures(read, where).values())
    for row in (figures[:3], figures[3:]):
        for column, figure in zip(st.columns(3), row, strict=True):
            parts = (
                f"{figure.numerator:,.0f} of {figure.denominator:,.0f}"
                if figure.numerator is not None and figure.denominator
                else "no data"
            )
            column.metric(
                figure.label,
                percent(figure.value),
                help=f"{parts}; semantic-layer metric `{figure.metric}`"
                + (f"; {figure.note}" if figure.note else ""),
            )
    months = readouts.marketing_sla_by_month(read, where)
    if months.empty:
        st.info("No data for these filters.")
        return
    st.plotly_chart(
        px.bar(
            months,
            x="sla_month",
            y=["marketing_sourced_mqls", "mql_quota", "all_mqls"],
            barmode="group",
            title="Marketing-sourced MQLs against quota, all MQLs beside",
            labels={"sla_month": "month", "value": "MQLs", "variable": ""},
        ),
        width="stretch",
    )
    st.plotly_chart(
        as_percent(
            px.line(
                months,
                x="sla_month",
                y=["mql_quota_attainment", "sales_acceptance_rate"],
                markers=True,
                title="MQL quota attainment and sales acceptance rate (first disposition) by month",
                labels={"sla_month": "month", "value": "", "variable": ""},
            )
        ),
        width="stretch",
    )
