"""Pipeline: created by who sourced it, marketing-influenced and marketing's target; win rates by source."""

import plotly.express as px
import streamlit as st

from dashboard.data import help_for, read
from dashboard.views.common import SOURCED_BY_COLORS, as_percent, with_error_bars
from shared_metrics import readouts


def render(where: readouts.Slice) -> None:
    st.header("Pipeline")
    influenced = readouts.influenced_pipeline_by_month(read, where)
    target = readouts.marketing_sla_by_month(read, where)
    figure = px.bar(
        readouts.pipeline_by_month(read, where),
        x="created_month",
        y="pipeline_amount",
        color="sourced_by",
        color_discrete_map=SOURCED_BY_COLORS,
        title="Pipeline created by who sourced it (bars); marketing-influenced and its target (lines)",
        labels={"created_month": "month created", "pipeline_amount": "pipeline", "sourced_by": "sourced by"},
    )
    figure.add_scatter(
        x=influenced["created_month"],
        y=influenced["marketing_influenced_pipeline_amount"],
        name="marketing-influenced",
        mode="lines",
        line={"color": "black"},
    )
    figure.add_scatter(
        x=target["sla_month"],
        y=target["marketing_sourced_pipeline_target_amount"],
        name="marketing-sourced target",
        mode="lines",
        line={"dash": "dash", "color": "crimson"},
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(help_for("pipeline_by_source", "sourced_by", "Who sourced the lead."))
    st.caption(help_for("pipeline_by_source", "marketing_influenced_pipeline_amount", "Influence overlaps."))
    rates = with_error_bars(readouts.win_rates(read, where), "win_rate")
    st.plotly_chart(
        as_percent(
            px.bar(
                rates,
                x="lead_source",
                y="win_rate",
                error_y="above",
                error_y_minus="below",
                color="sourced_by",
                color_discrete_map=SOURCED_BY_COLORS,
                title="Win rate by lead source, with 95 % intervals",
                hover_data={
                    "closed_opportunities": True,
                    "won_amount": True,
                    "is_too_few": True,
                    "differs_from_rest": True,
                    "above": False,
                    "below": False,
                },
                labels={
                    "lead_source": "lead source",
                    "win_rate": "win rate",
                    "sourced_by": "sourced by",
                    "differs_from_rest": "vs other sources (5 % FDR)",
                },
            )
        ),
        width="stretch",
    )
    st.caption(help_for("pipeline_by_source", "win_rate", "Won / closed."))
    st.dataframe(
        rates,
        hide_index=True,
        column_config={
            "lead_source": "lead source",
            "sourced_by": "sourced by",
            "win_rate": st.column_config.NumberColumn("win rate", format="percent"),
            "closed_opportunities": "closed opportunities",
            "won_amount": st.column_config.NumberColumn("won amount", format="%.0f"),
        },
    )
