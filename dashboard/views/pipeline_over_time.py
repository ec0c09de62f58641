"""Pipeline over time: how the quarter's pipeline moved (waterfall), the weekly snapshots, pacing against the
shared targets per territory, and the scorecards up the manager chain."""

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard.data import help_for, read
from dashboard.views.common import as_percent
from shared_metrics import readouts


def waterfall(where: readouts.Slice) -> None:
    left, right = st.columns(2)
    period_label = left.selectbox("Period", list(readouts.WATERFALL_PERIODS))
    period_type = readouts.WATERFALL_PERIODS[period_label]
    starts = readouts.waterfall_period_starts(read, period_type)
    if not starts:
        st.info("No pipeline history yet.")
        return
    period_start = right.selectbox("Starting", starts, format_func=lambda day: f"{day:%Y-%m-%d}")
    steps = readouts.pipeline_waterfall(read, where, period_type, period_start)
    figure = go.Figure(
        go.Waterfall(
            x=[step.replace("_", " ") for step in steps["step"]],
            y=steps["amount"],
            measure=steps["measure"],
            connector={"line": {"color": "#999"}},
        )
    )
    figure.update_layout(
        title=f"Pipeline due in the fiscal quarter: opening to closing, {period_label.lower()} from "
        f"{period_start:%Y-%m-%d}",
        yaxis_title="amount",
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(help_for("pipeline_waterfall", "closing_amount", "Open pipeline due in the quarter."))


def snapshot_trend(where: readouts.Slice) -> None:
    trend = readouts.pipeline_snapshot_trend(read, where)
    figure = px.area(
        trend,
        x="week_start",
        y="open_amount",
        color="forecast_category",
        title="Open pipeline at each week's end, by forecast category",
        labels={
            "week_start": "week",
            "open_amount": "open pipeline",
            "forecast_category": "forecast category",
        },
    )
    weekly = trend.groupby("week_start", as_index=False)[
        ["weighted_amount", "closing_this_quarter_amount"]
    ].sum()
    figure.add_scatter(
        x=weekly["week_start"],
        y=weekly["weighted_amount"],
        name="weighted",
        mode="lines",
        line={"color": "black"},
    )
    figure.add_scatter(
        x=weekly["week_start"],
        y=weekly["closing_this_quarter_amount"],
        name="due this quarter",
        mode="lines",
        line={"dash": "dash", "color": "crimson"},
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(help_for("pipeline_snapshot", "weighted_amount", "Amount times stage probability."))


def pacing(where: readouts.Slice) -> None:
    quarters = readouts.pacing_quarters(read)
    if not quarters:
        st.info("No targets in force yet.")
        return
    quarter = st.selectbox("Fiscal quarter", quarters, format_func=lambda day: f"{day:%Y-%m-%d}")
    by_territory = readouts.target_pacing_by_territory(read, where, quarter)
    figure = as_percent(
        px.bar(
            by_territory,
            x="territory",
            y="bookings_attainment",
            title="Bookings against target per territory (bars); the quarter's business days gone (marks)",
            labels={"bookings_attainment": "attainment"},
            hover_data=["won_amount", "bookings_target_amount", "bookings_pacing", "pipeline_coverage"],
        )
    )
    figure.add_scatter(
        x=by_territory["territory"],
        y=by_territory["elapsed_share"],
        name="elapsed share",
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 40, "color": "crimson"},
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(help_for("sales_target_pacing", "bookings_pacing", "Attainment ÷ elapsed share."))
    st.dataframe(
        by_territory,
        hide_index=True,
        column_config={
            "won_amount": st.column_config.NumberColumn("bookings", format="%.0f"),
            "bookings_target_amount": st.column_config.NumberColumn("target", format="%.0f"),
            "bookings_attainment": st.column_config.NumberColumn("attainment", format="percent"),
            "elapsed_share": st.column_config.NumberColumn("quarter gone", format="percent"),
            "bookings_pacing": st.column_config.NumberColumn("pacing", format="%.2f"),
            "pipeline_attainment": st.column_config.NumberColumn(
                "pipeline created vs target", format="percent"
            ),
            "pipeline_coverage": st.column_config.NumberColumn("coverage", format="%.2f"),
        },
    )
    role = st.selectbox("Scorecards of", readouts.SCORECARD_ROLES, index=1)
    st.dataframe(
        readouts.scorecard(read, quarter, role),
        hide_index=True,
        column_config={
            "rep_count": "reps",
            "won_amount": st.column_config.NumberColumn("bookings", format="%.0f"),
            "bookings_quota_amount": st.column_config.NumberColumn("quota", format="%.0f"),
            "quota_attainment": st.column_config.NumberColumn("attainment", format="percent"),
            "win_rate": st.column_config.NumberColumn("win rate", format="percent"),
            "average_won_cycle_days": st.column_config.NumberColumn("cycle (days)", format="%.0f"),
            "created_amount": st.column_config.NumberColumn("pipeline created", format="%.0f"),
            "pipeline_coverage": st.column_config.NumberColumn("coverage", format="%.2f"),
            "first_touch_within_target_rate": st.column_config.NumberColumn(
                "first touch in SLA", format="percent"
            ),
            "enough_attempts_rate": st.column_config.NumberColumn("attempts in SLA", format="percent"),
        },
    )
    st.caption(help_for("sales_scorecard", "bookings_quota_amount", "Home-cell target split among its reps."))


def render(where: readouts.Slice) -> None:
    st.header("Pipeline over time")
    waterfall(where)
    snapshot_trend(where)
    st.subheader("Pacing against the shared targets")
    pacing(where)
