"""Campaigns: lifetime ROI under a chosen attribution model, lead feedback, lead-score calibration."""

import plotly.express as px
import streamlit as st

from dashboard.data import help_for, read
from dashboard.views.common import DIFFERS_HELP, as_percent
from shared_metrics import readouts


def render(where: readouts.Slice) -> None:
    st.header("Campaigns")
    label = st.selectbox("Attribution model", list(readouts.ATTRIBUTION_MODELS))
    model = readouts.ATTRIBUTION_MODELS[label]
    st.caption(help_for("campaign_attribution", "attribution_model", "How credit is shared among touches."))
    st.caption("Campaigns that ran in the chosen months, each over its whole life: ROI is never per month.")
    by_type = readouts.campaign_roi_by_type(read, where, model)
    left, right = st.columns(2)
    left.plotly_chart(
        px.bar(
            by_type,
            x="campaign_type",
            y="cost_per_mql",
            title="Cost per MQL by campaign type",
            labels={"campaign_type": "campaign type", "cost_per_mql": "cost per MQL"},
        ),
        width="stretch",
    )
    right.plotly_chart(
        as_percent(
            px.bar(
                by_type,
                x="campaign_type",
                y="return_on_investment",
                title=f"Return on investment by campaign type, over the campaigns' lives ({label})",
                labels={"campaign_type": "campaign type", "return_on_investment": "ROI"},
            )
        ),
        width="stretch",
    )
    st.caption(help_for("campaign_roi", "return_on_investment", "(won - cost) / cost."))
    st.subheader("Campaign ROI (click a column to sort)")
    st.caption(help_for("campaign_roi", "cost_to_date_amount", "Spend to date (actual, else budget)."))
    st.dataframe(
        readouts.campaign_roi(read, where, model),
        hide_index=True,
        column_config={
            "campaign_name": "campaign",
            "campaign_type": "type",
            "cost_to_date_amount": st.column_config.NumberColumn("cost to date", format="%.0f"),
            "is_cost_budgeted": st.column_config.CheckboxColumn(
                "cost is budget", help="No actual cost booked yet"
            ),
            "is_return_maturing": st.column_config.CheckboxColumn(
                "return still coming in", help=help_for("campaign_roi", "is_return_maturing", "")
            ),
            "created_lead_count": "leads created",
            "mql_count": "MQLs",
            "mql_rate": st.column_config.NumberColumn("MQL rate", format="percent"),
            "mql_rate_lower": st.column_config.NumberColumn("95 % interval from", format="percent"),
            "mql_rate_upper": st.column_config.NumberColumn("to", format="percent"),
            "is_too_few": "too few to compare",
            "differs_from_rest": st.column_config.TextColumn(
                "MQL rate vs other campaigns", help=DIFFERS_HELP
            ),
            "p_value": None,
            "sql_count": "SQLs",
            "attributed_opportunities": st.column_config.NumberColumn(
                "credited opportunities", format="%.1f"
            ),
            "attributed_pipeline_amount": st.column_config.NumberColumn("credited pipeline", format="%.0f"),
            "attributed_won_amount": st.column_config.NumberColumn("credited won revenue", format="%.0f"),
            "cost_per_mql": st.column_config.NumberColumn("cost per MQL", format="%.0f"),
            "cost_per_opportunity": st.column_config.NumberColumn("cost per opportunity", format="%.0f"),
            "return_on_investment": st.column_config.NumberColumn("ROI", format="percent"),
        },
    )
    lead_feedback(where)
    score_calibration(where)


def lead_feedback(where: readouts.Slice) -> None:
    st.subheader("What sales did first with marketing's leads")
    st.caption(help_for("lead_feedback", "disposition", "First answer of sales to each handed-over lead."))
    st.plotly_chart(
        px.bar(
            readouts.lead_feedback(read, where),
            x="disposition",
            y="leads",
            color="reason",
            title="Handed-over leads by first disposition and reason",
            hover_data=["typical_days"],
            labels={"leads": "MQLs", "typical_days": "typical days to disposition"},
        ),
        width="stretch",
    )


def score_calibration(where: readouts.Slice) -> None:
    st.subheader("Lead score calibration")
    bands = readouts.score_calibration(read, where)
    st.caption(help_for("lead_score_calibration", "sql_rate", "SQLs / leads of the band."))
    figure = px.bar(
        bands,
        x="score_band_floor",
        y="sql_rate",
        hover_data=["leads", "won_rate"],
        title="SQL rate by lead-score band (mature cohorts); dashed line: the MQL score threshold",
        labels={"score_band_floor": "lead score band (from)", "sql_rate": "SQL rate", "won_rate": "won rate"},
    )
    if len(bands):
        figure.add_vline(
            x=float(bands["mql_score_threshold"].max()) - 0.5, line_dash="dash", line_color="crimson"
        )
    st.plotly_chart(as_percent(figure), width="stretch")
