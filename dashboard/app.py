"""Leaders' dashboard on the shared metrics: `make dashboard` serves it on 127.0.0.1:8501."""

import sys
from pathlib import Path

import plotly.express as px
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` starts in dashboard/

from dashboard.data import Filters, column_description, has_table, publication, published_path, query

PAGES = ["Overview", "Funnel", "SLA", "Pipeline", "Campaigns", "Data quality"]


def percent(value) -> str:
    return "n/a" if value is None or value != value else f"{100 * float(value):.1f}%"


def change(rates) -> str | None:
    """The last value against the one before, in percentage points."""
    if len(rates) < 2 or rates.iloc[-1] != rates.iloc[-1] or rates.iloc[-2] != rates.iloc[-2]:
        return None
    return f"{100 * float(rates.iloc[-1] - rates.iloc[-2]):+.1f} pp"


def help_for(table: str, column: str, fallback: str) -> str:
    return column_description(table, column) or fallback


def sidebar_filters() -> Filters:
    months = query("select min(cohort_month) as first, max(cohort_month) as last from metrics.lead_funnel")
    first, last = months["first"][0], months["last"][0]
    # From the aggregate, not the lead-grain table: the same values, a thousand times fewer rows.
    options = query("select distinct segment, territory from metrics.funnel_conversion")
    start, end = st.sidebar.date_input("Months", value=(first, last), min_value=first, max_value=last)
    segments = st.sidebar.multiselect("Segment", sorted(options["segment"].unique()))
    territories = st.sidebar.multiselect("Territory", sorted(options["territory"].unique()))
    teams = query(
        "select distinct owner_team_name from metrics.sales_sla_compliance where owner_team_name is not null"
    )
    chosen_teams = st.sidebar.multiselect("Team", sorted(teams["owner_team_name"]))
    return Filters(
        str(start.replace(day=1)), str(end), tuple(segments), tuple(territories), tuple(chosen_teams)
    )


def overview(filters: Filters) -> None:
    st.header("Overview")
    where, parameters = filters.where("sla_month")
    marketing = query(
        f"""select sla_month, sum(marketing_sourced_mql_count) as mqls, sum(mql_count) as all_mqls,
                   sum(mql_quota) as quota, sum(marketing_sourced_accepted_mql_count) as accepted,
                   sum(marketing_sourced_dispositioned_mql_count) as ruled,
                   sum(marketing_sourced_pipeline_amount) as pipeline,
                   sum(marketing_sourced_pipeline_target_amount) as target
            from metrics.marketing_sla_compliance where {where} group by sla_month order by sla_month""",
        parameters,
    )
    where_sla, parameters_sla = filters.where(
        "cast(date_trunc('month', mql_week) as date)", territory_column="", team_column="owner_team_name"
    )
    sla = query(
        f"""select cast(date_trunc('month', mql_week) as date) as month,
                   sum(first_touch_met_count)
                   / nullif(sum(first_touch_met_count + first_touch_missed_count), 0)
                       as first_touch_rate
            from metrics.sales_sla_compliance where {where_sla} group by 1 order by 1""",
        parameters_sla,
    )
    where_f, parameters_f = filters.where("cohort_month")
    conversion = query(
        f"""select cohort_month,
                   sum(converted_count) filter (where from_stage = 'SAL')
                   / nullif(sum(entered_count) filter (where from_stage = 'MQL'), 0) as mql_to_sql_rate
            from metrics.funnel_conversion where {where_f} and not is_maturing
            group by 1 order by 1""",
        parameters_f,
    )
    if marketing.empty:
        st.info("No data for these filters.")
        return
    current, previous = marketing.iloc[-1], marketing.iloc[-2] if len(marketing) > 1 else marketing.iloc[-1]
    columns = st.columns(4)
    columns[0].metric(
        "Marketing-sourced MQLs vs quota (last month)",
        f"{int(current.mqls):,} / {int(current.quota or 0):,}",
        delta=f"{int(current.mqls - previous.mqls):+,} MQLs",
        help=help_for("marketing_sla_compliance", "mql_quota_attainment", "MQLs delivered / quota."),
    )
    columns[1].metric(
        "MQL→SQL rate (last matured cohort)",
        percent(conversion["mql_to_sql_rate"].iloc[-1]) if len(conversion) else "n/a",
        delta=change(conversion["mql_to_sql_rate"]),
        help="Leads of the cohort that reached SQL / those that reached MQL, for the newest cohort month "
        "no longer maturing (see funnel_conversion.is_maturing).",
    )
    if not sla.empty:
        columns[2].metric(
            "Sales SLA: first touch within target",
            percent(sla["first_touch_rate"].iloc[-1]),
            delta=change(sla["first_touch_rate"]),
            help=help_for("sales_sla_compliance", "first_touch_within_target_rate", "Met / (met + missed)."),
        )
    columns[3].metric(
        "Marketing-sourced pipeline vs target",
        percent(current.pipeline / current.target if current.target else None),
        delta=f"{float(current.pipeline - previous.pipeline):+,.0f}",
        help=help_for("marketing_sla_compliance", "marketing_sourced_pipeline_attainment", ""),
    )
    st.plotly_chart(
        px.bar(
            marketing,
            x="sla_month",
            y=["mqls", "quota", "all_mqls"],
            barmode="group",
            title="Marketing-sourced MQLs vs quota (all MQLs beside)",
            labels={"sla_month": "month", "value": "MQLs", "variable": ""},
        ),
        width="stretch",
    )


# One colour per "sourced by" value on every chart.
SOURCED_BY_COLORS = {
    "marketing": "#1f77b4",
    "sales": "#ff7f0e",
    "partner": "#2ca02c",
    "other": "#9467bd",
    "unknown": "#7f7f7f",
}

# Breakdowns offered on the funnel page: label -> column (a fixed list, so no user text reaches the SQL).
FUNNEL_BREAKDOWNS = {
    "Cohort month": "cohort_month",
    "Lead source": "lead_source",
    "Sourced by": "sourced_by",
    "Segment": "segment",
    "Territory": "territory",
}
# Days between consecutive stages in lead_funnel, in funnel order.
STAGE_DURATIONS = {
    "Lead→MQL": "days_lead_to_mql",
    "MQL→SAL": "days_mql_to_sal",
    "SAL→SQL": "days_sal_to_sql",
    "SQL→Opportunity": "days_sql_to_opportunity",
    "Opportunity→Won": "days_opportunity_to_won",
}


def funnel(filters: Filters) -> None:
    st.header("Funnel")
    where, parameters = filters.where("cohort_month")
    pairs = query(
        f"""select from_stage, to_stage, stage_pair_order, sum(entered_count) as entered,
                   sum(converted_count) as converted,
                   sum(converted_count) / sum(entered_count) as conversion_rate
            from metrics.funnel_conversion where {where} group by all order by stage_pair_order""",
        parameters,
    )
    st.caption(
        help_for("funnel_conversion", "conversion_rate", "Leads that reached B / leads that reached A.")
    )
    stages = [*pairs["from_stage"], pairs["to_stage"].iloc[-1]] if len(pairs) else []
    counts = [*pairs["entered"], pairs["converted"].iloc[-1]] if len(pairs) else []
    st.plotly_chart(px.funnel(x=counts, y=stages, title="Leads reaching each stage"), width="stretch")
    st.dataframe(pairs, hide_index=True)

    mql_to_sql = query(
        f"""select cohort_month, sourced_by,
                   sum(converted_count) filter (where from_stage = 'SAL')
                   / nullif(sum(entered_count) filter (where from_stage = 'MQL'), 0) as mql_to_sql_rate
            from metrics.funnel_conversion where {where} group by all order by 1, 2""",
        parameters,
    )
    st.plotly_chart(
        px.line(
            mql_to_sql,
            x="cohort_month",
            y="mql_to_sql_rate",
            color="sourced_by",
            color_discrete_map=SOURCED_BY_COLORS,
            markers=True,
            title="MQL→SQL conversion by cohort month and who sourced the lead (metric mql_to_sql_rate)",
            labels={"cohort_month": "cohort month", "mql_to_sql_rate": "MQL→SQL"},
        ),
        width="stretch",
    )
    breakdown = st.radio("Break down by", list(FUNNEL_BREAKDOWNS), horizontal=True)
    column = FUNNEL_BREAKDOWNS[breakdown]
    by_breakdown = query(
        f"""select {column} as breakdown, from_stage || '→' || to_stage as stage_pair, stage_pair_order,
                   sum(converted_count) / nullif(sum(entered_count), 0) as conversion_rate
            from metrics.funnel_conversion where {where} group by all order by stage_pair_order, 1""",
        parameters,
    )
    chart = px.line if column == "cohort_month" else px.bar
    st.plotly_chart(
        chart(
            by_breakdown,
            x="breakdown",
            y="conversion_rate",
            color="stage_pair",
            title=f"Stage conversion by {breakdown.lower()}",
            labels={"breakdown": breakdown, "conversion_rate": "conversion rate"},
            **({} if column == "cohort_month" else {"barmode": "group"}),
        ),
        width="stretch",
    )
    durations = query(
        f"""select {column} as breakdown,
                   {", ".join(f'median({c}) as "{label}"' for label, c in STAGE_DURATIONS.items())}
            from metrics.lead_funnel where {where} group by 1 order by 1""",
        parameters,
    ).melt(id_vars="breakdown", var_name="stage_pair", value_name="median_days")
    st.plotly_chart(
        px.bar(
            durations,
            x="breakdown",
            y="median_days",
            color="stage_pair",
            barmode="group",
            title=f"Time between stages (median days) by {breakdown.lower()}",
            labels={"breakdown": breakdown, "median_days": "median days"},
        ),
        width="stretch",
    )
    st.caption(
        "Median days from reaching one stage to reaching the next, among leads that reached both "
        "(lead_funnel.days_lead_to_mql … days_opportunity_to_won)."
    )


def rate_heatmap(grid, title: str, rows: str):
    """A 0-1 rate by row and week of MQL, red to green."""
    return px.imshow(
        grid,
        color_continuous_scale="RdYlGn",
        zmin=0,
        zmax=1,
        aspect="auto",
        title=title,
        labels={"x": "week of MQL", "y": rows, "color": "rate"},
    )


def sla(filters: Filters) -> None:
    st.header("SLA")
    where, parameters = filters.where(
        "cast(date_trunc('month', mql_week) as date)", territory_column="", team_column="owner_team_name"
    )
    rate = "sum(first_touch_met_count) / nullif(sum(first_touch_met_count + first_touch_missed_count), 0)"
    teams = query(
        f"""select mql_week, owner_team_name, {rate} as first_touch_within_target_rate
            from metrics.sales_sla_compliance where {where} group by all order by 1""",
        parameters,
    )
    st.caption(help_for("sales_sla_compliance", "first_touch_within_target_rate", "Met / (met + missed)."))
    grid = teams.pivot(index="owner_team_name", columns="mql_week", values="first_touch_within_target_rate")
    st.plotly_chart(
        rate_heatmap(grid, "Sales SLA: first touch within target, by team and week", "team"), width="stretch"
    )
    reps = query(
        f"""select owner_user_id as rep_user_id, owner_team_name as team, sum(mqls_received) as mqls,
                   {rate} as first_touch_within_target_rate,
                   sum(enough_attempts_count)
                   / nullif(sum(mqls_received - attempts_pending_count), 0) as enough_attempts_rate,
                   sum(never_touched_count) as never_touched
            from metrics.sales_sla_compliance where {where} group by all order by 4""",
        parameters,
    )
    st.subheader("Reps, least compliant first")
    st.caption(help_for("sales_sla_compliance", "enough_attempts_rate", "Settled MQLs with enough attempts."))
    st.dataframe(
        reps,
        hide_index=True,
        column_config={
            "first_touch_within_target_rate": st.column_config.ProgressColumn(
                "first touch within target", format="percent", min_value=0, max_value=1
            ),
            "enough_attempts_rate": st.column_config.ProgressColumn(
                "enough attempts", format="percent", min_value=0, max_value=1
            ),
        },
    )
    if filters.teams:
        rep_weeks = query(
            f"""select owner_user_id, mql_week, {rate} as first_touch_within_target_rate
                from metrics.sales_sla_compliance where {where} group by all order by 1""",
            parameters,
        )
        by_rep = rep_weeks.pivot(
            index="owner_user_id", columns="mql_week", values="first_touch_within_target_rate"
        )
        st.plotly_chart(
            rate_heatmap(by_rep, "First touch within target, by rep and week", "rep"), width="stretch"
        )
    else:
        st.caption("Choose a team in the sidebar to see its reps week by week.")
    where_l, parameters_l = filters.where(
        "cast(date_trunc('month', mql_at) as date)", territory_column="", team_column="owner_team_name"
    )
    # Binned in the warehouse: millions of MQLs, sixty bars.
    response = query(
        f"""with minutes as (
                select business_minutes_to_first_touch as minutes from metrics.sales_sla_by_lead
                where {where_l} and business_minutes_to_first_touch is not null
            ),
            bin as (select greatest(max(minutes) / 60, 1) as width from minutes)
            select floor(minutes / width) * width as business_minutes_to_first_touch, count(*) as mqls
            from minutes cross join bin group by 1 order by 1""",
        parameters_l,
    )
    st.plotly_chart(
        px.bar(
            response, x="business_minutes_to_first_touch", y="mqls", title="Response time (business minutes)"
        ),
        width="stretch",
    )
    where_m, parameters_m = filters.where("sla_month")
    marketing = query(
        f"""select sla_month,
                   sum(marketing_sourced_mql_count) / nullif(sum(mql_quota), 0) as mql_quota_attainment,
                   sum(marketing_sourced_accepted_mql_count)
                   / nullif(sum(marketing_sourced_dispositioned_mql_count), 0) as sales_acceptance_rate
            from metrics.marketing_sla_compliance where {where_m} group by 1 order by 1""",
        parameters_m,
    )
    st.plotly_chart(
        px.line(
            marketing,
            x="sla_month",
            y=["mql_quota_attainment", "sales_acceptance_rate"],
            title="Marketing SLA by month",
        ),
        width="stretch",
    )


def pipeline(filters: Filters) -> None:
    st.header("Pipeline")
    where, parameters = filters.where("created_month")
    by_month = query(
        f"""select created_month, sourced_by, sum(pipeline_amount) as pipeline_amount
            from metrics.pipeline_by_source where {where} group by all order by 1, 2""",
        parameters,
    )
    influenced = query(
        f"""select created_month, sum(marketing_influenced_pipeline_amount) as influenced
            from metrics.pipeline_by_source where {where} group by 1 order by 1""",
        parameters,
    )
    where_m, parameters_m = filters.where("sla_month")
    target = query(
        f"""select sla_month as created_month, sum(marketing_sourced_pipeline_target_amount) as target
            from metrics.marketing_sla_compliance where {where_m} group by 1 order by 1""",
        parameters_m,
    )
    figure = px.bar(
        by_month,
        x="created_month",
        y="pipeline_amount",
        color="sourced_by",
        color_discrete_map=SOURCED_BY_COLORS,
        title="Pipeline created by source (bars), marketing-influenced and marketing target (lines)",
        labels={"created_month": "month created", "pipeline_amount": "pipeline"},
    )
    figure.add_scatter(
        x=influenced["created_month"],
        y=influenced["influenced"],
        name="marketing-influenced",
        mode="lines",
        line={"color": "black"},
    )
    figure.add_scatter(
        x=target["created_month"],
        y=target["target"],
        name="marketing-sourced target",
        mode="lines",
        line={"dash": "dash", "color": "crimson"},
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(help_for("pipeline_by_source", "sourced_by", "Who sourced the lead."))
    st.caption(help_for("pipeline_by_source", "marketing_influenced_pipeline_amount", "Influence overlaps."))
    win_rates = query(
        f"""select lead_source, sourced_by, sum(won_count) / nullif(sum(closed_count), 0) as win_rate,
                   sum(closed_count) as closed_opportunities, sum(won_amount) as won_amount
            from metrics.pipeline_by_source where {where} group by all order by 3 desc""",
        parameters,
    )
    st.plotly_chart(
        px.bar(
            win_rates,
            x="lead_source",
            y="win_rate",
            color="sourced_by",
            color_discrete_map=SOURCED_BY_COLORS,
            title="Win rate by lead source",
            hover_data=["closed_opportunities", "won_amount"],
            labels={"lead_source": "lead source", "win_rate": "win rate"},
        ),
        width="stretch",
    )
    st.caption(help_for("pipeline_by_source", "win_rate", "Won / closed."))
    st.dataframe(win_rates, hide_index=True)


ATTRIBUTION_MODELS = {
    "W-shaped": "w_shaped",
    "U-shaped": "u_shaped",
    "Linear": "linear",
    "Time decay": "time_decay",
    "First touch": "first_touch",
    "Last touch": "last_touch",
}


def campaigns(filters: Filters) -> None:
    st.header("Campaigns")
    if not has_table("metrics", "campaign_roi"):
        st.info("This warehouse predates campaign attribution: run `make refresh` to add it.")
        return
    label = st.selectbox("Attribution model", list(ATTRIBUTION_MODELS))
    st.caption(help_for("campaign_attribution", "attribution_model", "How credit is shared among touches."))
    # Campaigns that started in the chosen months, each over its whole life (ROI is never per month).
    where, parameters = filters.where("start_month", segment_column="", territory_column="")
    roi = query(
        f"""select campaign_name, campaign_type, cost_to_date_amount as cost,
                   is_cost_budgeted as budgeted, is_return_maturing as return_maturing,
                   leads_created as leads, mqls, sqls,
                   attributed_opportunities as opportunities,
                   attributed_pipeline_amount as pipeline, attributed_won_amount as won,
                   cost_per_mql, cost_per_opportunity, return_on_investment as roi
            from metrics.campaign_roi where {where} and attribution_model = ?
            order by won desc""",
        [*parameters, ATTRIBUTION_MODELS[label]],
    )
    by_type = roi.groupby("campaign_type", as_index=False)[["cost", "mqls", "won"]].sum()
    by_type["cost_per_mql"] = by_type["cost"] / by_type["mqls"].where(by_type["mqls"] > 0)
    left, right = st.columns(2)
    left.plotly_chart(
        px.bar(by_type, x="campaign_type", y="cost_per_mql", title="Cost per MQL by campaign type"),
        width="stretch",
    )
    right.plotly_chart(
        px.bar(
            by_type.assign(roi=(by_type["won"] - by_type["cost"]) / by_type["cost"]),
            x="campaign_type",
            y="roi",
            title=f"Return on investment by campaign type ({label})",
        ).update_yaxes(tickformat=".0%"),
        width="stretch",
    )
    st.caption(help_for("campaign_roi", "return_on_investment", "(won - cost) / cost."))
    st.subheader("Campaign ROI (click a column to sort)")
    st.caption(help_for("campaign_roi", "cost_to_date_amount", "Spend to date (actual, else budget)."))
    st.dataframe(
        roi,
        hide_index=True,
        column_config={
            "budgeted": st.column_config.CheckboxColumn("cost is budget", help="No actual cost booked yet"),
            "return_maturing": st.column_config.CheckboxColumn(
                "return still coming in", help="Its leads' opportunities are still closing"
            ),
            "roi": st.column_config.NumberColumn("ROI", format="percent"),
            "cost_per_mql": st.column_config.NumberColumn("cost per MQL", format="%.0f"),
            "cost_per_opportunity": st.column_config.NumberColumn("cost per opportunity", format="%.0f"),
        },
    )
    lead_feedback(filters)
    score_calibration(filters)


def lead_feedback(filters: Filters) -> None:
    st.subheader("What sales did with marketing's leads")
    where, parameters = filters.where("handover_month", territory_column="", team_column="owner_team_name")
    feedback = query(
        f"""select disposition, coalesce(disposition_reason, disposition) as reason,
                   sum(lead_count) as leads, median(median_days_to_disposition) as typical_days
            from metrics.lead_feedback where {where} group by all order by leads desc""",
        parameters,
    )
    st.caption(help_for("lead_feedback", "disposition", "First answer of sales to each handed-over lead."))
    st.plotly_chart(
        px.bar(
            feedback,
            x="disposition",
            y="leads",
            color="reason",
            title="Handed-over leads by first disposition and reason",
            hover_data=["typical_days"],
        ),
        width="stretch",
    )


def score_calibration(filters: Filters) -> None:
    st.subheader("Lead score calibration")
    where, parameters = filters.where("cohort_month", segment_column="", territory_column="")
    bands = query(
        f"""select score_band_floor, sum(lead_count) as leads,
                   sum(sql_count) / nullif(sum(lead_count), 0) as sql_rate,
                   sum(won_count) / nullif(sum(lead_count), 0) as won_rate,
                   max(mql_score_threshold) as threshold
            from metrics.lead_score_calibration where {where} and not is_maturing
            group by 1 order by 1""",
        parameters,
    )
    st.caption(help_for("lead_score_calibration", "sql_rate", "SQLs / leads of the band."))
    figure = px.bar(
        bands,
        x="score_band_floor",
        y="sql_rate",
        hover_data=["leads", "won_rate"],
        title="SQL rate by lead-score band (matured cohorts); dashed line: MQL score threshold",
        labels={"score_band_floor": "lead score band (from)", "sql_rate": "SQL rate"},
    )
    if len(bands):
        figure.add_vline(x=float(bands["threshold"].max()) - 0.5, line_dash="dash", line_color="crimson")
    st.plotly_chart(figure, width="stretch")


def data_quality(filters: Filters) -> None:
    st.header("Data quality")
    if has_table("metrics", "data_quality"):
        latest = query(
            """select source_table, landed_row_count, staged_row_count, quarantined_row_count,
                      superseded_row_count, deleted_row_count, newest_change_at, hours_since_newest_change
               from metrics.data_quality qualify refreshed_at = max(refreshed_at) over () order by 1"""
        )
        st.subheader("Freshness and row accounting (latest refresh)")
        st.caption(help_for("data_quality", "hours_since_newest_change", "Hours since the newest change."))
        st.dataframe(latest, hide_index=True)
    quarantined = query(
        """select source_table, quarantine_reason, count(*) as quarantined_rows
           from staging.stg_salesforce__quarantined_rows group by all order by 1, 2"""
    )
    st.plotly_chart(
        px.bar(
            quarantined,
            x="source_table",
            y="quarantined_rows",
            color="quarantine_reason",
            title="Quarantined rows by reason",
        ),
        width="stretch",
    )
    st.caption(
        "Rows that broke the landing contract are kept out of every metric; each is listed with its reason "
        "in staging.stg_salesforce__quarantined_rows."
    )
    st.dataframe(quarantined, hide_index=True)


RENDER = {
    "Overview": overview,
    "Funnel": funnel,
    "SLA": sla,
    "Pipeline": pipeline,
    "Campaigns": campaigns,
    "Data quality": data_quality,
}


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
    version, published_at = publication()
    st.sidebar.caption(f"Published {published_at} UTC (version {version})")
    RENDER[page](sidebar_filters())


main()
