"""The routing audit recovers the generator's planted routing (tests/conftest.py's small warehouse, 250,000
leads): queue, assignment, reassignment, inactive-owner and territory counts exactly, the assignment delay's
median within sampling error, and the one team routed unfairly found while the fair ones are not."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from shared_metrics import readouts
from shared_metrics.generate.parameters import QUEUE_WAIT_THRESHOLD_BUSINESS_HOURS
from shared_metrics.generate.truth import ACCOUNT_MATCHES_FILE
from shared_metrics.settings import PROJECT_DIR

pytestmark = pytest.mark.xdist_group("small_warehouse")

Z = 4.0


def test_routing_counts_equal_the_planted_ones(warehouse, small_truth: dict) -> None:
    planted = small_truth["routing"]
    observed = warehouse.execute(
        """select count(*) filter (where is_queue_routed),
                  count(*) filter (where is_queue_routed and assigned_at is not null),
                  count(*) filter (where is_queue_routed and is_assigned_after_mql),
                  count(*) filter (where is_waiting_in_queue),
                  sum(reassignment_count),
                  count(*) filter (where is_owned_by_inactive_user),
                  count(*) filter (where is_owned_by_inactive_user and is_open),
                  count(*) filter (where is_territory_mismatch),
                  count(*) filter (where is_waiting_beyond_threshold)
           from metrics.lead_routing"""
    ).fetchall()[0]
    keys = (
        "queued",
        "assigned_from_queue",
        "assigned_after_mql",
        "in_queue_at_as_of",
        "reassigned",
        "owned_by_inactive_user",
        "open_owned_by_inactive_user",
        "territory_mismatches",
    )
    assert dict(zip(keys, observed[:-1], strict=True)) == {key: planted[key] for key in keys}
    assert all(planted[key] > 0 for key in keys), planted
    # The funnel clock stands a few hours before the generator's as-of: leads near the threshold may differ.
    expected_waiting = planted["waiting_beyond_threshold_at_as_of"]
    assert planted["stuck_in_queue"] <= planted["in_queue_at_as_of"]
    assert abs(observed[-1] - expected_waiting) <= max(3, 0.03 * expected_waiting), (observed, planted)


def test_queue_wait_threshold_is_the_planted_one() -> None:
    project = (PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    assert f"routing_queue_wait_threshold_business_hours: {QUEUE_WAIT_THRESHOLD_BUSINESS_HOURS}\n" in project


def test_assignment_delays_have_the_planted_median(warehouse, small_truth: dict) -> None:
    """Half the queued leads reach a rep within the planted median (business minutes of the rep's
    territory), to within sampling error; leads created in the last fortnight are left out (some still
    wait)."""
    as_of = dt.date.fromisoformat(small_truth["generator"]["as_of"])
    median = small_truth["routing"]["assignment_delay_median_business_minutes"]
    below, assigned = warehouse.execute(
        """select count(*) filter (where business_minutes_to_assignment < ?), count(*)
           from metrics.lead_routing
           where is_queue_routed and assigned_at is not null and created_at < ?""",
        [median, as_of - dt.timedelta(days=14)],
    ).fetchall()[0]
    assert assigned > 100_000
    assert abs(below / assigned - 0.5) <= Z * 0.5 / math.sqrt(assigned), (below, assigned)
    # From MQL: zero when the rep had the lead before its MQL, which most leads did.
    zero_share, positive_median = warehouse.execute(
        """select avg(case when business_minutes_from_mql_to_assignment = 0 then 1.0 else 0.0 end),
                  median(business_minutes_from_mql_to_assignment)
                      filter (where business_minutes_from_mql_to_assignment > 0)
           from metrics.lead_routing where is_queue_routed and mql_at is not null"""
    ).fetchall()[0]
    assert 0.8 < zero_share < 1 and 0 < positive_median < 2400


def test_the_unfair_team_is_found_and_the_fair_ones_are_not(warehouse, small_truth: dict) -> None:
    planted = small_truth["routing"]
    rows = warehouse.execute(
        """select team_name, fiscal_quarter_start, routed_lead_count, is_quality_skewed, score_skew_z
           from metrics.routing_fairness"""
    ).fetchall()
    unfair = [row for row in rows if row[0] == planted["unfair_team"]]
    fair_flagged = [row for row in rows if row[0] != planted["unfair_team"] and row[3]]
    assert len(unfair) >= 8 and len(rows) > 8 * len(unfair)
    assert all(is_skewed for _, _, count, is_skewed, _ in unfair if count >= 200), unfair
    assert not fair_flagged, fair_flagged


def test_rep_mix_matches_the_planted_propensity_and_the_adjustment_removes_it(
    warehouse, small_truth: dict
) -> None:
    """Per rep of the unfair team, pooled over quarters: the leads received equal the planted ones; the
    favoured reps' mix is better by the planted margin; their raw SQL rate shows it, the mix-adjusted rate
    does not."""
    planted = {rep["user_id"]: rep for rep in small_truth["routing"]["reps"]}
    favoured = set(small_truth["routing"]["favoured_user_ids"])
    rows = warehouse.execute(
        """select user_id, sum(routed_lead_count), sum(expected_sql_count), sum(sql_count),
                  sum(mix_adjusted_sql_rate * expected_sql_count) / sum(expected_sql_count)
           from metrics.routing_rep_mix where team_name = ? group by user_id""",
        [small_truth["routing"]["unfair_team"]],
    ).fetchall()
    assert {user for user, *_ in rows} >= favoured
    for user, routed, *_ in rows:
        assert routed == planted[user]["routed_leads"], user

    def pooled(users: set[str], column: int) -> float:
        chosen = [row for row in rows if row[0] in users]
        return sum(row[column] for row in chosen) / sum(row[1] for row in chosen)

    others = {row[0] for row in rows} - favoured
    planted_ratio = sum(planted[u]["planted_expected_sqls"] for u in favoured) / sum(
        planted[u]["routed_leads"] for u in favoured
    )
    planted_ratio /= sum(planted[u]["planted_expected_sqls"] for u in others) / sum(
        planted[u]["routed_leads"] for u in others
    )
    assert planted_ratio > 1.15
    assert pooled(favoured, 2) / pooled(others, 2) == pytest.approx(planted_ratio, rel=0.1)
    # The favoured reps convert more of their leads, and as many as their mix predicts (so do the others).
    assert pooled(favoured, 3) > pooled(others, 3)
    for users in (favoured, others):
        expected = sum(row[2] for row in rows if row[0] in users)
        observed = sum(row[3] for row in rows if row[0] in users)
        assert abs(observed - expected) <= Z * math.sqrt(expected), (users, observed, expected)


def test_every_lead_has_one_routing_row(warehouse) -> None:
    routing, funnel = warehouse.execute(
        """select (select count(*) from metrics.lead_routing),
                  (select count(*) from metrics.lead_funnel where person_type = 'lead')"""
    ).fetchall()[0]
    assert routing == funnel


def test_the_dashboards_routing_figures_are_the_planted_ones(warehouse, small_truth: dict) -> None:
    """The Routing & accounts page (its readouts) shows the planted counts; a territory filter narrows it."""
    planted = small_truth["routing"]
    read = readouts.connection_reader(warehouse)
    summary = readouts.routing_summary(read, readouts.Slice())
    totals = summary.drop(columns="territory").sum()
    assert int(totals["queue_routed_leads"]) == planted["queued"]
    assert int(totals["assigned_leads"]) == planted["assigned_from_queue"]
    assert int(totals["waiting_in_queue"]) == planted["in_queue_at_as_of"]
    assert int(totals["reassignments"]) == planted["reassigned"]
    assert int(totals["open_leads_owned_by_inactive_users"]) == planted["open_owned_by_inactive_user"]
    assert int(totals["territory_mismatched_leads"]) == planted["territory_mismatches"]
    dach = readouts.routing_summary(read, readouts.Slice(territories=("DACH",)))
    assert list(dach["territory"]) == ["DACH"]
    assert dach.iloc[0].to_dict() == summary.set_index("territory").loc["DACH"].to_dict() | {
        "territory": "DACH"
    }
    backlog = readouts.leads_waiting_by_queue(read, readouts.Slice())
    assert int(backlog["waiting_leads"].sum()) == planted["in_queue_at_as_of"]
    quarter = readouts.routing_quarters(read)[1]  # the last complete quarter
    teams = readouts.routing_fairness(read, readouts.Slice(), quarter)
    assert list(teams.loc[teams["is_quality_skewed"], "team"]) == [planted["unfair_team"]]
    reps = readouts.rep_lead_mix(read, quarter, planted["unfair_team"])
    assert len(reps) >= 6 and reps["mean_lead_score"].is_monotonic_decreasing


def test_leads_are_matched_to_the_planted_accounts(warehouse, small_landing) -> None:
    """Leads from companies that are already accounts are found by email domain or company name with precision
    and recall of at least 0.95; the routing audit flags exactly the planted leads of customers and accounts
    with open opportunities that went to someone other than the account's owner."""
    planted = pd.read_parquet(small_landing / ACCOUNT_MATCHES_FILE)
    assert len(planted) > 5_000 and 0.3 < planted["by_domain"].mean() < 0.9
    matched = warehouse.execute(
        """select lead_id, matched_account_id, account_match_method, is_routed_away_from_account_owner
           from metrics.lead_routing where matched_account_id is not null"""
    ).df()
    joined = matched.merge(planted, on="lead_id", how="outer", indicator=True)
    right = joined[(joined["_merge"] == "both") & (joined["matched_account_id"] == joined["account_id"])]
    precision, recall = len(right) / len(matched), len(right) / len(planted)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    for by_domain, method in ((True, "email_domain"), (False, "company_name")):
        found = right[right["by_domain"] == by_domain]
        assert (found["account_match_method"] == method).all()
        assert len(found) >= 0.95 * (planted["by_domain"] == by_domain).sum(), method
    expected = right["routed_elsewhere"] & (right["is_customer"] | right["has_open_opportunity"])
    assert (right["is_routed_away_from_account_owner"] == expected).all()
    assert 0 < expected.sum() < len(right)
    # The dashboard's table shows the same leads.
    shown = readouts.leads_of_existing_accounts(readouts.connection_reader(warehouse), readouts.Slice())
    assert shown["routed_away_from_account_owner"].sum() == matched["is_routed_away_from_account_owner"].sum()
    by_method = matched["account_match_method"].value_counts()
    assert shown["matched_by_email_domain"].sum() == by_method["email_domain"]
    assert shown["matched_by_company_name"].sum() == by_method["company_name"]
