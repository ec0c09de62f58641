"""Closed-loop metrics recover the generator's planted campaign effects and score-band conversion.

Tolerances follow tests/test_shared_metrics.py: Z standard errors of the planted expectation. Counts of
leads per campaign or band can differ slightly from the planted ones because the generator deletes a few
campaign responses at random (a deleted response no longer sources a lead or earns engagement points).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("small_warehouse")

Z = 4.0
COUNT_SLACK = 0.02  # share of leads that deleted campaign responses may move


def mature_before(truth: dict) -> str:
    return truth["generator"]["mature_cohorts_created_before"]


def test_each_campaign_recovers_its_planted_mql_rate(warehouse, small_truth: dict) -> None:
    """The leads each campaign created convert at its planted rate. The mart counts every person a campaign
    brought in: less the contact persons (as the person model has them), what is left are the leads."""
    observed = {
        campaign: (int(leads), int(mqls))
        for campaign, leads, mqls in warehouse.execute(
            """with contacts as (
                   select sourcing_campaign_id as campaign_id, count(*) as people, count(mql_at) as mqls
                   from metrics.lead_funnel
                   where person_type = 'contact' and sourcing_campaign_id is not null and cohort_month < $1
                   group by 1
               )
               select results.campaign_id,
                      sum(results.created_lead_count) - coalesce(any_value(contacts.people), 0),
                      sum(results.mql_count) - coalesce(any_value(contacts.mqls), 0)
               from metrics.campaign_results_monthly as results
               left join contacts using (campaign_id)
               where results.attribution_model = 'linear' and results.roi_month < $1 group by 1""",
            [mature_before(small_truth)],
        ).fetchall()
    }
    checked, misses = 0, []
    planted_rates, recovered_rates = [], []
    for campaign in small_truth["campaigns"]:
        planted_leads = campaign["sourced_leads_in_mature_cohorts"]
        if planted_leads < 200:
            continue
        leads, mqls = observed[campaign["campaign_id"]]
        assert abs(leads - planted_leads) <= COUNT_SLACK * planted_leads, campaign["campaign_id"]
        rate = campaign["expected_mqls"] / planted_leads
        recovered = mqls / leads
        checked += 1
        planted_rates.append(rate)
        recovered_rates.append(recovered)
        if abs(recovered - rate) > Z * math.sqrt(rate * (1 - rate) / leads):
            misses.append((campaign["campaign_id"], round(rate, 4), round(recovered, 4), leads))
    assert checked >= 20
    assert not misses, misses
    # The planted lifts spread campaigns apart; the recovered rates keep their order.
    assert np.corrcoef(planted_rates, recovered_rates)[0, 1] > 0.9


def test_score_bands_recover_planted_conversion(warehouse, small_truth: dict) -> None:
    observed = {
        int(band): (int(leads), int(sqls), int(opportunities), int(won))
        for band, leads, sqls, opportunities, won in warehouse.execute(
            """select score_band_floor, sum(lead_count), sum(sql_count), sum(opportunity_count),
                      sum(won_count)
               from metrics.lead_score_calibration where cohort_month < ? group by 1""",
            [mature_before(small_truth)],
        ).fetchall()
    }
    misses = []
    for planted in small_truth["lead_score_bands"]:
        if planted["leads"] < 300:
            continue
        leads, *reached = observed[planted["score_band_floor"]]
        assert abs(leads - planted["leads"]) <= COUNT_SLACK * planted["leads"], planted
        measures = ("expected_sqls", "expected_opportunities", "expected_won")
        for measure, count in zip(measures, reached, strict=True):
            rate = planted[measure] / planted["leads"]
            if abs(count / leads - rate) > Z * math.sqrt(rate * (1 - rate) / leads):
                misses.append((planted["score_band_floor"], measure, round(rate, 4), round(count / leads, 4)))
    assert not misses, misses


def test_lead_score_separates_good_leads_from_bad(warehouse, small_truth: dict) -> None:
    """The planted title effect makes higher bands convert better: the top band beats the bottom one."""
    rates = warehouse.execute(
        """select score_band_floor, sum(sql_count) / sum(lead_count)
           from metrics.lead_score_calibration where cohort_month < ?
           group by 1 having sum(lead_count) >= 1000 order by 1""",
        [mature_before(small_truth)],
    ).fetchall()
    assert rates[-1][1] > 2 * rates[0][1]
