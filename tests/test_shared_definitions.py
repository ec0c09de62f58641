"""Each shared definition (DESIGN.md, "Shared definitions") is computed once: the warehouse recovers the
planted truth for it, and every table showing the same figure agrees with the others over the same slice."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict

import pytest

from shared_metrics.settings import SEEDS_DIR

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("small_warehouse")


def seed_rows(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def sourced_by() -> dict[str, str]:
    return {row["lead_source"]: row["sourced_by"] for row in seed_rows("lead_source_map")}


HANDOVER_MEASURES = ("mqls", "first_accepted", "first_recycled", "first_disqualified", "first_pending")


@pytest.fixture(scope="module")
def planted_handovers(
    small_truth: dict, sourced_by: dict[str, str], warehouse
) -> dict[tuple[str, str, str, str], dict]:
    """(MQL month, segment, territory, sourced by) -> MQLs and first dispositions: the leads' as planted, plus
    the contact persons' as the person model counts them (their totals are held to the planted ones in
    tests/test_people.py), since every MQL is marketing's delivery, whether a lead or a contact."""
    cells: dict[tuple[str, str, str, str], dict] = defaultdict(lambda: defaultdict(int))
    for row in small_truth["handovers"]:
        key = (row["mql_month"], row["segment"], row["territory"], sourced_by[row["lead_source"]])
        for measure in HANDOVER_MEASURES:
            cells[key][measure] += row[measure]
    contacts = warehouse.execute(
        """select cast(cast(date_trunc('month', people.mql_at) as date) as varchar),
                  people.segment, people.territory, people.sourced_by, count(*),
                  count(*) filter (where dispositions.disposition = 'accepted'),
                  count(*) filter (where dispositions.disposition = 'recycled'),
                  count(*) filter (where dispositions.disposition = 'disqualified'),
                  count(*) filter (where dispositions.disposition = 'pending')
           from metrics.lead_funnel as people
           inner join intermediate.int_people__dispositioned as dispositions using (person_id)
           where people.person_type = 'contact'
           group by all"""
    ).fetchall()
    assert contacts, "the planted landing has contact MQLs"
    for month, segment, territory, sourced, *counts in contacts:
        for measure, count in zip(HANDOVER_MEASURES, counts, strict=True):
            cells[(month, segment, territory, sourced)][measure] += count
    return cells


def test_sales_acceptance_counts_sales_first_disposition_as_planted(warehouse, planted_handovers) -> None:
    """A lead recycled before a later acceptance was first recycled: the marketing SLA counts it so."""
    planted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (month, _, _, sourced), counts in planted_handovers.items():
        if sourced == "marketing":
            planted[month][0] += counts["first_accepted"]
            planted[month][1] += counts["mqls"] - counts["first_pending"]
    observed = {
        str(month): [int(accepted), int(dispositioned)]
        for month, accepted, dispositioned in warehouse.execute(
            """select sla_month, sum(marketing_sourced_accepted_mql_count),
                      sum(marketing_sourced_dispositioned_mql_count)
               from metrics.marketing_sla_compliance group by 1 having sum(marketing_sourced_mql_count) > 0"""
        ).fetchall()
    }
    assert observed == dict(planted)


def test_marketing_is_measured_on_the_mqls_it_sourced_against_its_quota(warehouse, planted_handovers) -> None:
    quotas = {
        (row["segment"], row["territory"], row["effective_from"]): int(row["monthly_mql_quota"])
        for row in seed_rows("marketing_sla_targets")
    }

    def quota(month: str, segment: str, territory: str) -> int:
        in_force = [start for s, t, start in quotas if (s, t) == (segment, territory) and start <= month]
        return quotas[(segment, territory, max(in_force))]

    planted_marketing: dict[tuple[str, str, str], int] = defaultdict(int)
    planted_all: dict[tuple[str, str, str], int] = defaultdict(int)
    for (month, segment, territory, sourced), counts in planted_handovers.items():
        planted_all[(month, segment, territory)] += counts["mqls"]
        if sourced == "marketing":
            planted_marketing[(month, segment, territory)] += counts["mqls"]
    rows = warehouse.execute(
        """select cast(sla_month as varchar), segment, territory, marketing_sourced_mql_count, mql_count,
                  mql_quota, mql_quota_attainment
           from metrics.marketing_sla_compliance where mql_count > 0"""
    ).fetchall()
    assert {(m, s, t): n for m, s, t, n, *_ in rows if n} == dict(planted_marketing)
    assert {(m, s, t): n for m, s, t, _, n, *_ in rows} == dict(planted_all)
    for month, segment, territory, delivered, _, mql_quota, attainment in rows:
        assert mql_quota == quota(month, segment, territory)
        assert attainment == pytest.approx(delivered / mql_quota)
    # Sales', partners' and referrals' MQLs are not marketing's delivery (the planted mix has many).
    assert sum(planted_marketing.values()) < 0.75 * sum(planted_all.values())


def test_marketing_sla_and_lead_feedback_show_one_acceptance_rate(warehouse) -> None:
    marketing_sla = warehouse.execute(
        """select sla_month, sum(marketing_sourced_accepted_mql_count),
                  sum(marketing_sourced_dispositioned_mql_count)
           from metrics.marketing_sla_compliance group by 1 order by 1"""
    ).fetchall()
    feedback = warehouse.execute(
        """select handover_month, sum(lead_count) filter (where disposition = 'accepted'),
                  sum(lead_count) filter (where disposition <> 'pending')
           from metrics.lead_feedback where sourced_by = 'marketing' group by 1 order by 1"""
    ).fetchall()
    assert [row for row in marketing_sla if row[2]] == feedback


def test_sla_clocks_still_running_at_the_landing_watermark_are_pending_as_planted(
    warehouse, small_truth: dict
) -> None:
    """The landing ends weeks before the refresh runs: MQLs still inside their windows at the data's own time
    are pending, not missed (the reps' planted sums are over leads; contact persons have their own)."""
    reps = small_truth["sales_sla"]["reps"]
    planted = (
        sum(rep["first_touch_pending_at_as_of"] for rep in reps),
        sum(rep["attempts_pending_at_as_of"] for rep in reps),
    )
    observed = warehouse.execute(
        """select count(*) filter (where first_touch_sla_status = 'pending'),
                  count(*) filter (where attempts_sla_status = 'pending')
           from metrics.sales_sla_by_lead where person_type = 'lead'"""
    ).fetchall()[0]
    assert planted[0] > 0 and planted[1] > 0
    # The watermark lies a few hours before the generator's as-of (the last touch of a Friday evening).
    for seen, expected in zip(observed, planted, strict=True):
        assert abs(seen - expected) <= max(3, 0.03 * expected), (observed, planted)


def test_the_clocks_stand_at_the_landing_watermark_and_say_how_stale_it_is(
    warehouse, small_truth: dict
) -> None:
    as_of = dt.datetime.fromisoformat(small_truth["generator"]["as_of"])
    rows = warehouse.execute(
        "select clock_name, clock_at, refreshed_at, hours_behind_refresh, is_stale from metrics.data_clocks"
    ).fetchall()
    assert {name for name, *_ in rows} == {"sales_sla", "funnel", "campaigns"}
    for name, clock_at, refreshed_at, hours_behind, is_stale in rows:
        assert as_of - dt.timedelta(days=3) <= clock_at <= as_of, name
        assert hours_behind == pytest.approx((refreshed_at - clock_at).total_seconds() / 3600)
        assert is_stale == (hours_behind > 72), name


def test_campaign_cost_is_the_planted_spend_to_date_never_future_spend(warehouse, small_truth: dict) -> None:
    observed = dict(
        warehouse.execute(
            """select campaign_id, cost_to_date_amount from metrics.campaign_roi
               where attribution_model = 'linear'"""
        ).fetchall()
    )
    planted = {campaign["campaign_id"]: campaign["cost_to_date"] for campaign in small_truth["campaigns"]}
    assert observed.keys() == planted.keys()
    assert {c: round(observed[c], 2) for c in planted} == {c: round(v, 2) for c, v in planted.items()}
    # Campaigns that have not started yet have spent nothing, whatever their budget.
    assert any(value == 0 for value in planted.values())


def test_campaign_roi_sets_all_credited_revenue_against_all_spend_over_the_campaigns_life(warehouse) -> None:
    rows = warehouse.execute(
        """with credited as (
               select campaign_id, attribution_model, sum(attributed_won_amount) as won
               from metrics.campaign_attribution group by all
           ),
           monthly as (
               select campaign_id, attribution_model, sum(cost_amount) as cost
               from metrics.campaign_results_monthly group by all
           )
           select roi.attribution_model, roi.return_on_investment, coalesce(credited.won, 0), monthly.cost
           from metrics.campaign_roi as roi
           inner join monthly using (campaign_id, attribution_model)
           left join credited using (campaign_id, attribution_model)"""
    ).fetchall()
    assert rows
    for model, roi, won, cost in rows:
        assert (roi is None) == (cost == 0), model
        if cost:
            assert roi == pytest.approx((won - cost) / cost), model
    pooled = warehouse.execute(
        """select attribution_model, (sum(attributed_won_amount) - sum(cost_to_date_amount))
                                     / sum(cost_to_date_amount)
           from metrics.campaign_roi group by 1"""
    ).fetchall()
    # A believable business: campaigns return a few times their cost over their lives, under every model.
    assert all(0.5 < roi < 6 for _, roi in pooled), pooled


def test_cohorts_count_as_mature_for_opportunity_to_won_only_once_their_deals_have_closed(
    warehouse, small_truth: dict
) -> None:
    """Pooled over every cohort the mart calls mature for Opportunity→Won, the win rate is the planted one: a
    maturity shorter than the sales cycle would count deals still open as lost."""
    planted = {
        (row["lead_source"], row["segment"]): row["expected_converted"] / row["entered"]
        for row in small_truth["stage_conversion"]
        if row["to_stage"] == "Won" and row["entered"]
    }
    cells = warehouse.execute(
        """select cohort_month, lead_source, segment, sum(entered_count), sum(converted_count)
           from metrics.funnel_conversion
           where to_stage = 'Won' and not is_maturing and person_type = 'lead' group by all"""
    ).fetchall()
    mature_before = dt.date.fromisoformat(small_truth["generator"]["mature_cohorts_created_before"])
    # The mart trusts cohorts younger than the generator's own (deliberately long) maturity too.
    newest = max(cohort for cohort, *_ in cells)
    assert newest >= mature_before

    def deviation(chosen: list) -> tuple[float, float]:
        """Won minus planted expectation, and its standard deviation."""
        expected = sum(n * planted[(s, g)] for _, s, g, n, _ in chosen)
        variance = sum(n * planted[(s, g)] * (1 - planted[(s, g)]) for _, s, g, n, _ in chosen)
        return sum(won for *_, won in chosen) - expected, variance**0.5

    # Pooled, and the newest mature cohort alone, where a maturity shorter than the cycle shows first.
    for chosen in (cells, [cell for cell in cells if cell[0] == newest]):
        difference, deviation_sd = deviation(chosen)
        assert abs(difference) <= 4 * deviation_sd, (difference, deviation_sd)


@pytest.mark.check
def test_every_shared_definition_names_the_one_model_that_computes_it() -> None:
    import json

    from shared_metrics.settings import PROJECT_DIR

    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    models = {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    definitions = seed_rows("shared_definitions")
    assert {row["concept"] for row in definitions} >= {
        "Cohort",
        "MQL",
        "The clock",
        "Sales acceptance",
        "Marketing SLA",
        "Sourced by",
        "Campaign ROI",
    }
    assert not [row["computed_in"] for row in definitions if row["computed_in"] not in models]


def test_tables_that_show_the_same_figure_agree_over_the_same_slice(warehouse) -> None:
    """MQLs handed over, marketing-sourced pipeline and SLA outcomes, per month, wherever they appear."""

    def per_month(sql: str) -> dict:
        return {str(month): tuple(values) for month, *values in warehouse.execute(sql).fetchall()}

    mqls = per_month(
        """select sla_month, sum(mql_count) from metrics.marketing_sla_compliance
           group by 1 having sum(mql_count) > 0"""
    )
    assert mqls == per_month("select handover_month, sum(lead_count) from metrics.lead_feedback group by 1")
    assert mqls == per_month(
        "select mql_month, sum(received_mql_count) from metrics.sales_sla_compliance group by 1"
    )
    assert mqls == per_month(
        "select cast(date_trunc('month', mql_at) as date), count(*) from metrics.lead_funnel "
        "where mql_at is not null group by 1"
    )
    pipeline = per_month(
        """select sla_month, sum(marketing_sourced_opportunity_count), sum(marketing_sourced_pipeline_amount)
           from metrics.marketing_sla_compliance
           group by 1 having sum(marketing_sourced_opportunity_count) > 0"""
    )
    assert pipeline == per_month(
        """select created_month, sum(created_opportunity_count), sum(pipeline_amount)
           from metrics.pipeline_by_source where sourced_by = 'marketing' group by 1"""
    )
    sla = per_month(
        """select mql_month, sum(first_touch_met_count), sum(first_touch_missed_count),
                  sum(enough_attempts_count), sum(attempts_pending_count)
           from metrics.sales_sla_compliance group by 1"""
    )
    assert sla == per_month(
        """select mql_month, count(*) filter (where first_touch_sla_status = 'met'),
                  count(*) filter (where first_touch_sla_status = 'missed'),
                  count(*) filter (where attempts_sla_status = 'met'),
                  count(*) filter (where attempts_sla_status = 'pending')
           from metrics.sales_sla_by_lead group by 1"""
    )
