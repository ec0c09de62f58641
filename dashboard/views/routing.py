"""Routing & accounts: how leads reach reps (time to assignment, queues' backlog, reassignments, owners who
left, leads worked outside their territory) and whether the router treats a team's reps alike."""

import plotly.express as px
import streamlit as st

from dashboard.data import help_for, read
from shared_metrics import readouts

SUMMARY_COLUMNS = {
    "queue_routed_leads": "queued",
    "assigned_leads": "assigned",
    "median_business_minutes_to_assignment": st.column_config.NumberColumn(
        "median minutes to assignment", format="%.0f"
    ),
    "assigned_after_mql": "assigned after MQL",
    "median_business_minutes_from_mql": st.column_config.NumberColumn(
        "median minutes MQL → rep", format="%.0f"
    ),
    "waiting_in_queue": "waiting now",
    "waiting_beyond_threshold": "waiting too long",
    "reassignments": "reassignments",
    "open_leads_owned_by_inactive_users": "open leads of inactive owners",
    "territory_mismatched_leads": "outside territory",
}


def assignment(where: readouts.Slice) -> None:
    summary = readouts.routing_summary(read, where)
    st.dataframe(summary, hide_index=True, column_config=SUMMARY_COLUMNS)
    st.caption(help_for("lead_routing", "business_minutes_to_assignment", "Business minutes to a rep."))
    weekly = readouts.assignment_delay_by_week(read, where)
    st.plotly_chart(
        px.line(
            weekly,
            x="created_week",
            y="median_business_minutes_to_assignment",
            color="segment",
            title="Median business minutes from creation to a rep, queued leads by week of creation",
            labels={"created_week": "week", "median_business_minutes_to_assignment": "business minutes"},
        ),
        width="stretch",
    )
    backlog = readouts.leads_waiting_by_queue(read, where)
    st.subheader("Waiting in queues now")
    if backlog.empty:
        st.info("No lead waits in a queue.")
    else:
        st.dataframe(
            backlog,
            hide_index=True,
            column_config={
                "waiting_leads": "waiting",
                "waiting_beyond_threshold": "beyond threshold",
                "longest_wait_business_hours": st.column_config.NumberColumn(
                    "longest wait (business hours)", format="%.1f"
                ),
            },
        )
    st.caption(help_for("lead_routing", "is_waiting_beyond_threshold", "Waiting past the threshold."))


def account_funnel(where: readouts.Slice) -> None:
    months = readouts.account_funnel_by_month(read, where)
    st.plotly_chart(
        px.line(
            months,
            x="activity_month",
            y=["engaged_people", "mql_people", "mqas", "opportunities_created", "mqa_sourced_opportunities"],
            title="Buying groups by month: engaged people, MQL people, MQAs, the opportunities that follow",
            labels={"activity_month": "month", "value": "count", "variable": ""},
        ),
        width="stretch",
    )
    st.caption(help_for("account_funnel", "is_mqa", "At least one of the account's people became an MQL."))


def existing_accounts(where: readouts.Slice) -> None:
    st.dataframe(
        readouts.leads_of_existing_accounts(read, where),
        hide_index=True,
        column_config={
            "matched_by_email_domain": "by email domain",
            "matched_by_company_name": "by company name",
            "of_customers": "of customers",
            "of_open_opportunity_accounts": "of accounts with open deals",
            "routed_away_from_account_owner": "not with the account owner",
        },
    )
    st.caption(
        help_for(
            "lead_routing",
            "is_routed_away_from_account_owner",
            "Leads of customers or open-deal accounts that another rep owns.",
        )
    )


def fairness(where: readouts.Slice) -> None:
    quarters = readouts.routing_quarters(read)
    if not quarters:
        st.info("No routed leads yet.")
        return
    quarter = st.selectbox(
        "Fiscal quarter of assignment", quarters, format_func=lambda day: f"{day:%Y-%m-%d}", key="routing_q"
    )
    teams = readouts.routing_fairness(read, where, quarter)
    st.dataframe(
        teams,
        hide_index=True,
        column_config={
            "rep_count": "reps",
            "routed_lead_count": "routed leads",
            "mean_lead_score": st.column_config.NumberColumn("mean score", format="%.1f"),
            "lead_volume_gini": st.column_config.NumberColumn("volume Gini", format="%.3f"),
            "lead_volume_max_min_ratio": st.column_config.NumberColumn("volume max/min", format="%.2f"),
            "mean_lead_score_max_min_ratio": st.column_config.NumberColumn("score max/min", format="%.2f"),
            "expected_sql_rate_max_min_ratio": st.column_config.NumberColumn("mix max/min", format="%.2f"),
            "raw_sql_rate_max_min_ratio": st.column_config.NumberColumn("SQL rate max/min", format="%.2f"),
            "mix_adjusted_sql_rate_max_min_ratio": st.column_config.NumberColumn(
                "adjusted SQL rate max/min", format="%.2f"
            ),
            "score_skew_z": st.column_config.NumberColumn("skew z", format="%.1f"),
            "is_quality_skewed": "quality skewed",
        },
    )
    st.caption(help_for("routing_fairness", "is_quality_skewed", "Reps' mean scores differ beyond chance."))
    if teams.empty:
        return
    team = st.selectbox("Reps of team", list(teams["team"]))
    mix = readouts.rep_lead_mix(read, quarter, team)
    st.plotly_chart(
        px.bar(
            mix.melt(id_vars="rep", value_vars=["raw_sql_rate", "mix_adjusted_sql_rate"]),
            x="rep",
            y="value",
            color="variable",
            barmode="group",
            title=f"{team}: SQL rate of the leads each rep received, raw and adjusted for their mix",
            labels={"value": "SQL rate", "variable": ""},
        ).update_yaxes(tickformat=".0%"),
        width="stretch",
    )
    st.caption(
        help_for(
            "routing_rep_mix", "mix_adjusted_sql_rate", "Observed ÷ expected SQLs, times the quarter rate."
        )
    )


def render(where: readouts.Slice) -> None:
    st.header("Routing & accounts")
    st.subheader("How leads reach reps")
    assignment(where)
    st.subheader("Accounts: buying groups and leads of existing accounts")
    account_funnel(where)
    existing_accounts(where)
    st.subheader("Routing fairness")
    fairness(where)
