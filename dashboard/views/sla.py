"""SLA: sales' first touch and attempts by team, week and rep; response times; marketing's side by month."""

import plotly.express as px
import streamlit as st

from dashboard.data import help_for, read
from dashboard.views.common import DIFFERS_HELP, as_percent, rate_heatmap, with_error_bars
from shared_metrics import readouts


def _speed_to_lead() -> None:
    """The raw gap between MQLs answered within the target and later, next to the like-with-like one."""
    effect = readouts.response_time_effect(read)
    if effect.empty:
        return
    effect = with_error_bars(effect, "difference")
    st.plotly_chart(
        as_percent(
            px.bar(
                effect,
                x="estimate",
                y="difference",
                error_y="above",
                error_y_minus="below",
                title="What a first touch within the target is worth: MQL to SQL gained (95 % interval)",
                labels={"estimate": "", "difference": "MQL to SQL, within target minus later"},
            )
        ),
        width="stretch",
    )
    st.caption(
        help_for(
            "response_time_effect",
            "adjusted_difference",
            "Adjusted: MQLs compared with alike ones (score band, source, segment, owner).",
        )
        + " Over all scored leads; the sidebar's filters do not apply."
    )


def render(where: readouts.Slice) -> None:
    st.header("SLA")
    teams = readouts.first_touch_by_team_and_week(read, where)
    st.caption(help_for("sales_sla_compliance", "first_touch_within_target_rate", "Met / (met + missed)."))
    grid = teams.pivot(index="team", columns="mql_week", values="first_touch_within_target_rate")
    st.plotly_chart(
        rate_heatmap(grid, "Sales SLA: first touch within target, by team and week", "team"), width="stretch"
    )
    st.subheader("Reps, least compliant first")
    st.caption(help_for("sales_sla_compliance", "enough_attempts_rate", "Decided MQLs with enough attempts."))
    st.dataframe(
        readouts.rep_compliance(read, where),
        hide_index=True,
        column_order=[
            "rep",
            "team",
            "received_mql_count",
            "first_touch_within_target_rate",
            "first_touch_within_target_rate_lower",
            "first_touch_within_target_rate_upper",
            "is_too_few",
            "differs_from_rest",
            "enough_attempts_rate",
            "never_touched",
        ],
        column_config={
            "received_mql_count": "MQLs received",
            "first_touch_within_target_rate": st.column_config.ProgressColumn(
                "first touch within target", format="percent", min_value=0, max_value=1
            ),
            "first_touch_within_target_rate_lower": st.column_config.NumberColumn(
                "95 % interval from", format="percent"
            ),
            "first_touch_within_target_rate_upper": st.column_config.NumberColumn("to", format="percent"),
            "is_too_few": "too few to compare",
            "differs_from_rest": st.column_config.TextColumn("first touch vs other reps", help=DIFFERS_HELP),
            "enough_attempts_rate": st.column_config.ProgressColumn(
                "enough attempts", format="percent", min_value=0, max_value=1
            ),
            "never_touched": "never touched",
        },
    )
    st.subheader("SLA alerts: MQLs due soon or just breached")
    st.caption(help_for("sla_alerts", "alert_kind", "At risk: due soon. Breached: missed recently."))
    alerts = readouts.sla_alerts(read, where)
    if alerts.empty:
        st.caption("No MQL's SLA falls due within the alert horizon or was breached recently.")
    else:
        st.dataframe(
            alerts,
            hide_index=True,
            column_order=[
                "owner_display_name",
                "manager_display_name",
                "person_id",
                "sla",
                "alert_kind",
                "due_at",
                "business_minutes_left",
                "attempts_within_window",
            ],
            column_config={
                "owner_display_name": "rep",
                "manager_display_name": "manager",
                "person_id": "MQL",
                "alert_kind": "alert",
                "due_at": st.column_config.DatetimeColumn("due (UTC)"),
                "business_minutes_left": st.column_config.NumberColumn(
                    "business minutes to due", format="%.0f"
                ),
                "attempts_within_window": "attempts so far",
            },
        )
    if where.teams:
        by_rep = readouts.first_touch_by_rep_and_week(read, where).pivot(
            index="rep", columns="mql_week", values="first_touch_within_target_rate"
        )
        st.plotly_chart(
            rate_heatmap(by_rep, "First touch within target, by rep and week", "rep"), width="stretch"
        )
    else:
        st.caption("Choose a team in the sidebar to see its reps week by week.")
    st.plotly_chart(
        px.bar(
            readouts.response_time_histogram(read, where),
            x="business_minutes_to_first_touch",
            y="mql_count",
            title="Response time: business minutes from MQL to first touch",
            labels={"business_minutes_to_first_touch": "business minutes", "mql_count": "MQLs"},
        ),
        width="stretch",
    )
    _speed_to_lead()
    st.plotly_chart(
        as_percent(
            px.line(
                readouts.marketing_sla_by_month(read, where),
                x="sla_month",
                y=["mql_quota_attainment", "sales_acceptance_rate"],
                title="Marketing SLA by month: marketing-sourced MQLs vs quota, sales acceptance rate",
                labels={"sla_month": "month", "value": "", "variable": ""},
            )
        ),
        width="stretch",
    )
