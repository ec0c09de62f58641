"""The semantic layer (MetricFlow) gives the same numbers as the marts and the dashboard, and every number in
the metrics layer has a definition."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dashboard.pages import PAGES
from shared_metrics import semantic_intervals
from shared_metrics.settings import PROJECT_DIR, VENV_BIN, virtualenv_environment
from shared_metrics.stats import wilson_interval

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("small_warehouse")

MF = str(VENV_BIN / "mf")


@pytest.fixture(scope="module")
def mf_query(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    """Runs `mf query` against the small built warehouse (read-only, target `published`)."""
    folder = tmp_path_factory.mktemp("mf")
    environment = virtualenv_environment(WAREHOUSE_DIR=str(built_warehouse.parent), DBT_TARGET="published")

    def run(metrics: str, group_by: str | None, where: str | None = None) -> pd.DataFrame:
        output = folder / f"{len(list(folder.iterdir()))}.csv"
        command = [MF, "query", "--metrics", metrics, "--csv", str(output), "--quiet"]
        if group_by:
            command += ["--group-by", group_by]
        if where:
            command += ["--where", where]
        finished = subprocess.run(
            command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=300
        )
        assert finished.returncode == 0, finished.stdout + finished.stderr
        return pd.read_csv(output)

    run.environment = environment
    return run


def test_mf_validate_configs_passes_against_the_warehouse(mf_query) -> None:
    finished = subprocess.run(
        [MF, "validate-configs"],
        cwd=PROJECT_DIR,
        env=mf_query.environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "ERRORS: 0" in finished.stdout and "ERRORS: 1" not in finished.stdout


def by_key(frame: pd.DataFrame, key: str, value: str) -> dict:
    """value by key; dates and timestamps keyed by their day (mf returns months as timestamps)."""

    def day_or_text(k: object) -> str:
        text = str(k)
        return text[:10] if re.match(r"\d{4}-\d{2}-\d{2}", text) else text

    values = {day_or_text(k): v for k, v in zip(frame[key], frame[value], strict=True)}
    assert len(values) == len(frame), f"duplicate keys in {key}"
    return values


def assert_same(semantic: dict, mart: dict) -> None:
    assert semantic.keys() == mart.keys()
    for key, value in mart.items():
        assert semantic[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key


def test_mql_to_sql_for_marketing_sourced_enterprise_equals_the_dashboard_figure(mf_query, warehouse) -> None:
    semantic = mf_query(
        "mql_to_sql_rate",
        "metric_time__month",
        "{{ Dimension('lead__segment') }} = 'Enterprise'"
        " and {{ Dimension('lead__sourced_by') }} = 'marketing'",
    )
    # The dashboard's query (Funnel page, MQL→SQL by cohort month and sourced by).
    mart = warehouse.execute(
        """select cohort_month, sum(converted_count) filter (where from_stage = 'SAL')
                  / sum(entered_count) filter (where from_stage = 'MQL') as rate
           from metrics.funnel_conversion where segment = 'Enterprise' and sourced_by = 'marketing'
           group by 1 having sum(entered_count) filter (where from_stage = 'MQL') > 0"""
    ).df()
    assert_same(
        by_key(semantic, "metric_time__month", "mql_to_sql_rate"), by_key(mart, "cohort_month", "rate")
    )


def test_sales_sla_compliance_per_team_equals_the_mart(mf_query, warehouse) -> None:
    semantic = mf_query("sales_sla_first_touch_compliance", "mql__team")
    mart = warehouse.execute(
        """select owner_team_name, sum(first_touch_met_count)
                  / sum(first_touch_met_count + first_touch_missed_count) as rate
           from metrics.sales_sla_compliance group by 1"""
    ).df()
    assert_same(
        by_key(semantic, "mql__team", "sales_sla_first_touch_compliance"),
        by_key(mart, "owner_team_name", "rate"),
    )


def test_marketing_sourced_pipeline_and_win_rate_equal_the_mart(mf_query, warehouse) -> None:
    semantic = mf_query("marketing_sourced_pipeline", "metric_time__month")
    mart = warehouse.execute(
        """select created_month, sum(pipeline_amount) as amount from metrics.pipeline_by_source
           where sourced_by = 'marketing' group by 1"""
    ).df()
    assert_same(
        by_key(semantic, "metric_time__month", "marketing_sourced_pipeline"),
        by_key(mart, "created_month", "amount"),
    )
    semantic = mf_query("win_rate", "pipeline_cell__sourced_by")
    mart = warehouse.execute(
        """select sourced_by, sum(won_count) / sum(closed_count) as rate from metrics.pipeline_by_source
           group by 1 having sum(closed_count) > 0"""
    ).df()
    assert_same(by_key(semantic, "pipeline_cell__sourced_by", "win_rate"), by_key(mart, "sourced_by", "rate"))


def test_quota_attainment_and_attributed_pipeline_equal_the_marts(mf_query, warehouse) -> None:
    semantic = mf_query("mql_quota_attainment", "metric_time__month")
    mart = warehouse.execute(
        """select sla_month, sum(marketing_sourced_mql_count) / sum(mql_quota) as rate
           from metrics.marketing_sla_compliance group by 1 having sum(mql_quota) > 0"""
    ).df()
    assert_same(
        by_key(semantic, "metric_time__month", "mql_quota_attainment"), by_key(mart, "sla_month", "rate")
    )
    semantic = mf_query("attributed_pipeline", "campaign_result__attribution_model")
    mart = warehouse.execute(
        """select attribution_model, sum(attributed_pipeline_amount) as amount
           from metrics.campaign_attribution group by 1"""
    ).df()
    assert_same(
        by_key(semantic, "campaign_result__attribution_model", "attributed_pipeline"),
        by_key(mart, "attribution_model", "amount"),
    )


@pytest.mark.check
def test_every_metric_has_a_label_and_a_description() -> None:
    manifest = json.loads((PROJECT_DIR / "target" / "semantic_manifest.json").read_text())
    assert len(manifest["metrics"]) >= 30
    missing = [m["name"] for m in manifest["metrics"] if not m.get("label") or not m.get("description")]
    assert not missing


@pytest.mark.check
def test_every_model_and_column_in_metrics_is_described() -> None:
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    models = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"].endswith("metrics")
    ]
    assert len(models) >= 14
    undescribed = [m["name"] for m in models if not m["description"].strip()]
    undescribed += [
        f"{model['name']}.{column['name']}"
        for model in models
        for column in model["columns"].values()
        if not column["description"].strip()
    ]
    assert not undescribed


@pytest.mark.check
def test_the_glossary_is_up_to_date() -> None:
    from shared_metrics.glossary import GLOSSARY, render

    assert GLOSSARY.read_text(encoding="utf-8") == render(), "docs/metrics.md is stale: run `make docs`"


@pytest.mark.check
def test_dashboard_exposures_cover_every_page_and_every_table_it_reads() -> None:
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    dashboards = [e for e in manifest["exposures"].values() if e["type"] == "dashboard"]
    assert {e["label"] for e in dashboards} == set(PAGES)
    exposed = {manifest["nodes"][node]["name"] for e in dashboards for node in e["depends_on"]["nodes"]}
    readouts = (PROJECT_DIR / "shared_metrics" / "readouts.py").read_text()
    read = set(re.findall(r"\b(?:metrics|staging)\.(\w+)", readouts))
    assert read <= exposed, read - exposed


def mf_where(figure, where) -> str:
    """The MetricFlow filter for the slice a readouts Figure covers (its months and its dimensions)."""
    clauses = []
    if figure.start_month:
        clauses.append(f"{{{{ TimeDimension('metric_time', 'month') }}}} >= '{figure.start_month}'")
    if figure.end_month:
        clauses.append(f"{{{{ TimeDimension('metric_time', 'month') }}}} <= '{figure.end_month}'")
    for dimension, values in (
        ("segment", where.segments),
        ("territory", where.territories),
        ("team", where.teams),
    ):
        if dimension in figure.dimensions and values:
            listed = ", ".join(f"'{value}'" for value in values)
            clauses.append(f"{{{{ Dimension('{figure.entity}__{dimension}') }}}} in ({listed})")
    return " and ".join(clauses)


def test_every_headline_figure_equals_mf_query_over_the_same_slice(mf_query, warehouse) -> None:
    """The Overview page and `make summary` show readouts.headline_figures: each equals its metric."""
    from shared_metrics import readouts

    read = readouts.connection_reader(warehouse)
    chosen = readouts.Slice(
        "2025-03-01",
        "2026-08-01",
        segments=("Enterprise", "Mid-Market"),
        territories=("North America", "DACH"),
        teams=tuple(readouts.team_options(read)[:3]),
    )
    figures = readouts.headline_figures(read, chosen)
    assert len(figures) == 6 and all(figure.value is not None for figure in figures.values())
    by_query: dict[str, list] = {}
    for figure in figures.values():
        by_query.setdefault(mf_where(figure, chosen), []).append(figure)
    for where, same_filter in by_query.items():
        semantic = mf_query(",".join(figure.metric for figure in same_filter), None, where)
        for figure in same_filter:
            assert semantic[figure.metric].iloc[0] == pytest.approx(figure.value, rel=1e-9), figure.name


def test_pipeline_over_time_metrics_equal_the_marts(mf_query, warehouse) -> None:
    """Stage advance rate, open pipeline (a balance: a month shows its last week), bookings attainment and the
    close-date push rate read the same through the semantic layer as from the marts."""
    semantic = mf_query("stage_advance_rate", "stage_cell__shared_stage")
    mart = warehouse.execute(
        """select shared_stage, sum(advanced_count) / sum(advanced_count + lost_at_stage_count) as rate
           from metrics.opportunity_stage_conversion group by 1"""
    ).df()
    assert_same(
        by_key(semantic, "stage_cell__shared_stage", "stage_advance_rate"),
        by_key(mart, "shared_stage", "rate"),
    )
    semantic = mf_query("open_pipeline", "metric_time__month")
    mart = warehouse.execute(
        """with last_weeks as (
               select date_trunc('month', week_start) as month, max(week_start) as week_start
               from metrics.pipeline_snapshot group by 1
           )
           select last_weeks.month, sum(open_amount) as amount
           from metrics.pipeline_snapshot inner join last_weeks using (week_start) group by 1"""
    ).df()
    assert_same(by_key(semantic, "metric_time__month", "open_pipeline"), by_key(mart, "month", "amount"))
    semantic = mf_query("bookings_attainment", "target_cell__segment")
    mart = warehouse.execute(
        """select segment, sum(won_amount) / sum(bookings_target_amount) as attainment
           from metrics.sales_target_pacing group by 1"""
    ).df()
    assert_same(
        by_key(semantic, "target_cell__segment", "bookings_attainment"), by_key(mart, "segment", "attainment")
    )
    semantic = mf_query("close_date_push_rate", "slipping_opportunity__segment")
    mart = warehouse.execute(
        """select segment, avg(case when push_count > 0 then 1.0 else 0 end) as rate
           from metrics.opportunity_slippage group by 1"""
    ).df()
    assert_same(
        by_key(semantic, "slipping_opportunity__segment", "close_date_push_rate"),
        by_key(mart, "segment", "rate"),
    )


def test_rep_scorecard_metrics_count_each_rep_once_and_equal_the_managers_rows(mf_query, warehouse) -> None:
    """Quota attainment per team through the semantic layer (the reps' rows only) equals each team manager's
    own rows of sales_scorecard, and the reps' win rate over everyone equals the head of sales' rows:
    no rep counted twice, whatever the grouping."""
    semantic = mf_query("quota_attainment", "rep_quarter__team_name")
    mart = warehouse.execute(
        """select team_name, sum(won_amount) / sum(bookings_quota_amount) as attainment
           from metrics.sales_scorecard where user_role = 'Sales Manager' group by 1"""
    ).df()
    assert len(mart) >= 10
    assert_same(
        by_key(semantic, "rep_quarter__team_name", "quota_attainment"),
        by_key(mart, "team_name", "attainment"),
    )
    semantic = mf_query("rep_win_rate", None)
    head = warehouse.execute(
        """select sum(won_count) / sum(closed_count) from metrics.sales_scorecard
           where manager_user_id is null"""
    ).fetchall()[0][0]
    assert float(semantic["rep_win_rate"].iloc[0]) == pytest.approx(float(head), rel=1e-9)


def test_routing_metrics_equal_the_routing_audit(mf_query, warehouse) -> None:
    """Per territory: queued leads, the median time to assignment, leads stuck in a queue and open leads owned
    by deactivated users read the same through the semantic layer as from lead_routing."""
    metrics = (
        "queue_routed_leads,median_business_minutes_to_assignment,leads_stuck_in_queue,"
        "open_leads_owned_by_inactive_users,leads_routed_away_from_account_owner"
    )
    semantic = mf_query(metrics, "routed_lead__territory")
    mart = warehouse.execute(
        """select territory,
                  count(*) filter (where is_queue_routed) as queue_routed_leads,
                  median(business_minutes_to_assignment) filter (where is_queue_routed)
                      as median_business_minutes_to_assignment,
                  count(*) filter (where is_waiting_beyond_threshold) as leads_stuck_in_queue,
                  count(*) filter (where is_owned_by_inactive_user and is_open)
                      as open_leads_owned_by_inactive_users,
                  count(*) filter (where is_routed_away_from_account_owner)
                      as leads_routed_away_from_account_owner
           from metrics.lead_routing group by 1"""
    ).df()
    for metric in metrics.split(","):
        assert_same(by_key(semantic, "routed_lead__territory", metric), by_key(mart, "territory", metric))


def test_people_read_the_same_through_the_semantic_layer(mf_query, warehouse) -> None:
    """Leads, contact persons and their MQLs per person type: the same through MetricFlow as in the mart."""
    semantic = mf_query("leads_created,mqls", "lead__person_type")
    mart = warehouse.execute(
        """select person_type, count(*) as leads_created, count(mql_at) as mqls
           from metrics.lead_funnel group by 1"""
    ).df()
    for metric in ("leads_created", "mqls"):
        assert_same(by_key(semantic, "lead__person_type", metric), by_key(mart, "person_type", metric))


def test_conversion_intervals_read_the_same_through_the_semantic_layer(mf_query, warehouse) -> None:
    """MQL→SQL per cohort month with its 95 % interval: MetricFlow's derived bounds equal the readers' Wilson
    interval (shared_metrics.stats, itself held equal to the marts' macro) over the same counts."""
    semantic = mf_query("mql_to_sql_rate_lower,mql_to_sql_rate_upper", "metric_time__month")
    counts = warehouse.execute(
        """select cohort_month, count(sql_at) as sqls, count(mql_at) as mqls
           from metrics.lead_funnel group by 1 having count(mql_at) > 0"""
    ).df()
    lower, upper = wilson_interval(counts["sqls"], counts["mqls"])
    expected = counts.assign(mql_to_sql_rate_lower=lower, mql_to_sql_rate_upper=upper)
    for bound in ("mql_to_sql_rate_lower", "mql_to_sql_rate_upper"):
        assert_same(by_key(semantic, "metric_time__month", bound), by_key(expected, "cohort_month", bound))


def test_sla_interval_bounds_read_the_same_as_the_sla_mart(mf_query, warehouse) -> None:
    """First-touch compliance by team with its 95 % interval: MetricFlow's derived bounds equal the Wilson
    interval of the SLA mart's summed counts (the readers' formula, held equal to the marts' macro)."""
    bounds = "sales_sla_first_touch_compliance_lower,sales_sla_first_touch_compliance_upper"
    semantic = mf_query(bounds, "mql__team")
    counts = warehouse.execute(
        """select owner_team_name as team, sum(first_touch_met_count) as met,
                  sum(first_touch_met_count + first_touch_missed_count) as decided
           from metrics.sales_sla_compliance group by 1 having decided > 0"""
    ).df()
    lower, upper = wilson_interval(counts["met"], counts["decided"])
    expected = counts.assign(
        sales_sla_first_touch_compliance_lower=lower, sales_sla_first_touch_compliance_upper=upper
    )
    for bound in bounds.split(","):
        assert_same(by_key(semantic, "mql__team", bound), by_key(expected, "team", bound))


@pytest.mark.check
def test_every_proportion_has_its_interval_bounds_written() -> None:
    """rate_intervals.yml is current with the metrics marked `rate_interval: wilson`, and every ratio of a
    subset to its whole is marked (attainments and costs per are not proportions)."""
    assert semantic_intervals.main(["--check"]) == 0
    metrics = yaml.safe_load(semantic_intervals.METRICS_FILE.read_text(encoding="utf-8"))["metrics"]
    ratios = {
        m["name"]: m.get("config", {}).get("meta", {}).get("rate_interval")
        for m in metrics
        if m["type"] == "ratio"
    }
    not_proportions = {name for name in ratios if "attainment" in name or name.startswith("cost_per_")}
    assert {name for name, interval in ratios.items() if interval != "wilson"} == not_proportions
