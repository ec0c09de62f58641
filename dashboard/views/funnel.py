"""Funnel: stage conversion of mature cohorts, what still matures, MQL→SQL by cohort, time between stages."""

import plotly.express as px
import streamlit as st

from dashboard.data import help_for, read
from dashboard.views.common import SOURCED_BY_COLORS, as_percent, with_error_bars
from shared_metrics import readouts


def render(where: readouts.Slice) -> None:
    st.header("Funnel")
    reached = readouts.leads_reaching_each_stage(read, where)
    st.plotly_chart(
        px.funnel(
            reached,
            x="people",
            y="stage",
            color="person_type",
            title="People of these cohorts reaching each stage so far: leads, and contacts that entered on "
            "their own (each person once)",
            labels={"person_type": "entered as"},
        ),
        width="stretch",
    )
    pairs = readouts.stage_conversion(read, where)
    st.caption(
        help_for("funnel_conversion", "conversion_rate", "People that reached B / people that reached A.")
        + " Rates pool only cohorts mature for the pair; "
        + help_for("funnel_conversion", "is_maturing", "")
    )
    maturing = pairs[pairs["maturing_cohorts"] > 0]
    if len(maturing):
        st.info(
            "Still maturing and left out of the rates: "
            + "; ".join(
                f"{row.from_stage}→{row.to_stage}: {row.maturing_cohorts} newest cohort month(s)"
                for row in maturing.itertuples()
            )
        )
    st.dataframe(
        pairs,
        hide_index=True,
        column_order=[
            "from_stage",
            "to_stage",
            "entered",
            "converted",
            "conversion_rate",
            "conversion_rate_lower",
            "conversion_rate_upper",
            "newest_mature_cohort",
            "maturing_cohorts",
        ],
        column_config={
            "from_stage": "from stage",
            "to_stage": "to stage",
            "entered": "reached from stage",
            "converted": "reached to stage",
            "conversion_rate": st.column_config.NumberColumn("conversion", format="percent"),
            "conversion_rate_lower": st.column_config.NumberColumn("95 % interval from", format="percent"),
            "conversion_rate_upper": st.column_config.NumberColumn("to", format="percent"),
            "newest_mature_cohort": "newest mature cohort",
            "maturing_cohorts": "cohorts still maturing",
        },
    )
    by_cohort = readouts.mql_to_sql_by_cohort(read, where)
    by_cohort["cohort"] = by_cohort["is_maturing"].map({True: "maturing", False: "mature"})
    st.plotly_chart(
        as_percent(
            px.line(
                by_cohort,
                x="cohort_month",
                y="mql_to_sql_rate",
                color="sourced_by",
                symbol="cohort",
                color_discrete_map=SOURCED_BY_COLORS,
                markers=True,
                title="MQL→SQL conversion by cohort month and who sourced the lead (metric mql_to_sql_rate); "
                "maturing cohorts may still rise",
                labels={
                    "cohort_month": "cohort month",
                    "mql_to_sql_rate": "MQL→SQL",
                    "sourced_by": "sourced by",
                },
            )
        ),
        width="stretch",
    )
    breakdown = st.radio("Break down by", list(readouts.FUNNEL_BREAKDOWNS), horizontal=True)
    by_breakdown = with_error_bars(readouts.conversion_by(read, where, breakdown), "conversion_rate")
    chart = px.line if breakdown == "Cohort month" else px.bar
    st.plotly_chart(
        as_percent(
            chart(
                by_breakdown,
                x="breakdown",
                y="conversion_rate",
                error_y="above",
                error_y_minus="below",
                color="stage_pair",
                hover_data={
                    "entered": True,
                    "is_too_few": True,
                    "differs_from_rest": True,
                    "above": False,
                    "below": False,
                },
                title=f"Stage conversion by {breakdown.lower()} (mature cohorts), with 95 % intervals",
                labels={
                    "breakdown": breakdown,
                    "conversion_rate": "conversion",
                    "stage_pair": "stages",
                    "is_too_few": "too few to compare",
                    "differs_from_rest": "vs the rest (5 % FDR)",
                },
                **({} if breakdown == "Cohort month" else {"barmode": "group"}),
            )
        ),
        width="stretch",
    )
    st.caption(
        "Bars show 95 % Wilson intervals: two rates whose intervals overlap may not differ at all. Hover: "
        "whether a value differs from the rest of its stage pair beyond chance (Benjamini–Hochberg, 5 % "
        "false discovery rate over the chart). "
        f"Fewer than {readouts.MIN_RATE_COUNT} people: too few to compare."
    )
    st.plotly_chart(
        px.bar(
            readouts.stage_durations(read, where, breakdown),
            x="breakdown",
            y="median_days",
            color="stage_pair",
            barmode="group",
            title=f"Time between stages (median days) by {breakdown.lower()}",
            labels={"breakdown": breakdown, "median_days": "median days", "stage_pair": "stages"},
        ),
        width="stretch",
    )
    st.caption(
        "Median days from reaching one stage to reaching the next, among leads that reached both "
        "(lead_funnel.days_lead_to_mql … days_opportunity_to_won)."
    )
