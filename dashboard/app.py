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


def help_for(table: str, column: str, fallback: str) -> str:
    return column_description(table, column) or fallback


def sidebar_filters() -> Filters:
    months = query("select min(cohort_month) as first, max(cohort_month) as last from metrics.lead_funnel")
    first, last = months["first"][0], months["last"][0]
    options = query("select distinct segment, territory from metrics.lead_funnel")
    start, end = st.sidebar.date_input("Months", value=(first, last), min_value=first, max_value=last)
    segments = st.sidebar.multiselect("Segment", sorted(options["segment"].unique()))
    territories = st.sidebar.multiselect("Territory", sorted(options["territory"].unique()))
    teams = query(
        "select distinct owner_team_name from metrics.sales_sla_compliance where owner_team_name is not null"
    )
    chosen_teams = st.sidebar.multiselect("Team (sales SLA)", sorted(teams["owner_team_name"]))
    return Filters(
        str(start.replace(day=1)), str(end), tuple(segments), tuple(territories), tuple(chosen_teams)
    )


def overview(filters: Filters) -> None:
    st.header("Overview")
    where, parameters = filters.where("sla_month")
    marketing = query(
        f"""select sla_month, sum(mqls_delivered) as mqls, sum(mql_quota) as quota,
                   sum(mqls_accepted) as accepted, sum(mqls_accepted + mqls_rejected) as ruled,
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
        f"""select sum(entered_count) filter (where from_stage = 'MQL') as mqls,
                   sum(converted_count) filter (where from_stage = 'SAL') as sqls
            from metrics.funnel_conversion where {where_f} and not is_maturing""",
        parameters_f,
    )
    if marketing.empty:
        st.info("No data for these filters.")
        return
    current, previous = marketing.iloc[-1], marketing.iloc[-2] if len(marketing) > 1 else marketing.iloc[-1]
    columns = st.columns(4)
    columns[0].metric(
        "MQLs vs quota (last month)",
        f"{int(current.mqls):,} / {int(current.quota or 0):,}",
        delta=f"{int(current.mqls - previous.mqls):+,} MQLs",
        help=help_for("marketing_sla_compliance", "mql_attainment_rate", "MQLs delivered / quota."),
    )
    rate = conversion["sqls"][0] / conversion["mqls"][0] if conversion["mqls"][0] else None
    columns[1].metric(
        "MQL→SQL rate (matured cohorts)",
        percent(rate),
        help="Leads that reached SQL / leads that reached MQL, cohorts no longer maturing.",
    )
    if not sla.empty:
        columns[2].metric(
            "Sales SLA: first touch within target",
            percent(sla["first_touch_rate"].iloc[-1]),
            delta=percent(sla["first_touch_rate"].iloc[-1] - sla["first_touch_rate"].iloc[-2])
            if len(sla) > 1
            else None,
            help=help_for("sales_sla_compliance", "first_touch_within_target_rate", "Met / (met + missed)."),
        )
    columns[3].metric(
        "Marketing-sourced pipeline vs target",
        percent(current.pipeline / current.target if current.target else None),
        delta=f"{float(current.pipeline - previous.pipeline):+,.0f}",
        help=help_for("marketing_sla_compliance", "marketing_sourced_pipeline_attainment_rate", ""),
    )
    st.plotly_chart(
        px.bar(
            marketing, x="sla_month", y=["mqls", "quota"], barmode="group", title="MQLs delivered vs quota"
        ),
        width="stretch",
    )


def funnel(filters: Filters) -> None:
    st.header("Funnel")
    where, parameters = filters.where("cohort_month")
    pairs = query(
        f"""select from_stage, to_stage, stage_pair_order, sum(entered_count) as entered,
                   sum(converted_count) as converted,
                   sum(converted_count) / sum(entered_count) as conversion_rate,
                   median(median_days_to_convert) as typical_days
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
    by_source = query(
        f"""select lead_source, sum(converted_count) / sum(entered_count) as mql_rate
            from metrics.funnel_conversion where {where} and from_stage = 'Lead'
            group by 1 order by 2 desc""",
        parameters,
    )
    st.plotly_chart(
        px.bar(by_source, x="lead_source", y="mql_rate", title="Lead→MQL rate by source"), width="stretch"
    )


def sla(filters: Filters) -> None:
    st.header("SLA")
    where, parameters = filters.where(
        "cast(date_trunc('month', mql_week) as date)", territory_column="", team_column="owner_team_name"
    )
    teams = query(
        f"""select cast(date_trunc('month', mql_week) as date) as month, owner_team_name,
                   sum(first_touch_met_count)
                   / nullif(sum(first_touch_met_count + first_touch_missed_count), 0)
                       as first_touch_within_target_rate
            from metrics.sales_sla_compliance where {where} group by all order by 1""",
        parameters,
    )
    grid = teams.pivot(index="owner_team_name", columns="month", values="first_touch_within_target_rate")
    st.plotly_chart(
        px.imshow(
            grid,
            color_continuous_scale="RdYlGn",
            zmin=0,
            zmax=1,
            aspect="auto",
            title="Sales SLA: first touch within target, by team and month",
        ),
        width="stretch",
    )
    where_l, parameters_l = filters.where(
        "cast(date_trunc('month', mql_at) as date)", territory_column="", team_column="owner_team_name"
    )
    response = query(
        f"""select business_minutes_to_first_touch from metrics.sales_sla_by_lead
            where {where_l} and business_minutes_to_first_touch is not null""",
        parameters_l,
    )
    st.plotly_chart(
        px.histogram(
            response, x="business_minutes_to_first_touch", nbins=60, title="Response time (business minutes)"
        ),
        width="stretch",
    )
    where_m, parameters_m = filters.where("sla_month")
    marketing = query(
        f"""select sla_month, sum(mqls_delivered) / nullif(sum(mql_quota), 0) as mql_attainment_rate,
                   sum(mqls_accepted) / nullif(sum(mqls_accepted + mqls_rejected), 0) as sales_acceptance_rate
            from metrics.marketing_sla_compliance where {where_m} group by 1 order by 1""",
        parameters_m,
    )
    st.plotly_chart(
        px.line(
            marketing,
            x="sla_month",
            y=["mql_attainment_rate", "sales_acceptance_rate"],
            title="Marketing SLA by month",
        ),
        width="stretch",
    )


def pipeline(filters: Filters) -> None:
    st.header("Pipeline")
    where, parameters = filters.where("created_month")
    by_month = query(
        f"""select created_month, sourced_by, sum(pipeline_amount) as pipeline_amount,
                   sum(won_count) / nullif(sum(closed_count), 0) as win_rate,
                   sum(marketing_influenced_pipeline_amount) as marketing_influenced_pipeline_amount
            from metrics.pipeline_by_source where {where} group by all order by 1""",
        parameters,
    )
    st.caption(help_for("pipeline_by_source", "marketing_influenced_count", "Influence overlaps sourcing."))
    st.plotly_chart(
        px.bar(
            by_month,
            x="created_month",
            y="pipeline_amount",
            color="sourced_by",
            title="Pipeline created by who sourced it",
        ),
        width="stretch",
    )
    totals = by_month.groupby("sourced_by", as_index=False)[["pipeline_amount"]].sum()
    st.dataframe(totals, hide_index=True)


def campaigns(filters: Filters) -> None:
    st.header("Campaigns")
    if not has_table("metrics", "campaign_roi"):
        st.info("Campaign attribution and ROI arrive with the next release of the metrics layer.")
        return


def data_quality(filters: Filters) -> None:
    st.header("Data quality")
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
