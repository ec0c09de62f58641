"""Speed-to-lead against its planted effect (tests/conftest.py's small warehouse, 250,000 leads).

The generator plants a first touch within the SLA target as doubling the odds of SAL -> SQL, and has reps
answer high-score leads and some sources first (shared_metrics/generate/speed_to_lead.py). Each lead's planted
chance of SQL either way is in the truth, so the effect over exactly the MQLs response_time_effect compares is
known: the adjusted estimate's interval must hold it and the raw one's must not. The same truth gives each
MQL's planted chance of a first touch within target, which the SLA intervals must cover about 95 % of the
time.
"""

from __future__ import annotations

import pytest

from shared_metrics.generate.truth import LEAD_PROPENSITIES_FILE

pytestmark = pytest.mark.xdist_group("small_warehouse")

# The MQLs response_time_effect compares, from the warehouse's own columns; the planted columns are the truth.
COMPARED_MQLS = """
    with planted as (select * from read_parquet('{propensities}')),
    mqls as (
        select
            funnel.score_band_floor, funnel.lead_source, funnel.segment, funnel.territory, sla.owner_user_id,
            sla.first_touch_sla_status = 'met' as is_within_target,
            planted.p_sql_if_touched_within_target - planted.p_sql_if_touched_later as sql_effect,
            (planted.p_sql_if_touched_within_target - planted.p_sql_if_touched_later)
                * planted.p_opportunity * planted.p_won as won_effect,
            sla.mql_at
        from metrics.sales_sla_by_lead as sla
        inner join metrics.lead_funnel as funnel on sla.person_id = funnel.person_id
        inner join planted on funnel.lead_id = planted.lead_id
        where sla.person_type = 'lead' and not sla.is_never_touched
            and sla.first_touch_sla_status in ('met', 'missed')
            and sla.mql_at <= (select clock_at from metrics.data_clocks where clock_name = 'funnel')
                - to_days(cast($maturity_days as integer))
    ),
    strata as (
        select
            count(*) as mql_count, count_if(is_within_target) as within_target_count,
            sum(sql_effect) as sql_effect, sum(won_effect) as won_effect
        from mqls
        group by score_band_floor, lead_source, segment, territory, owner_user_id
    )
    select
        sum(mql_count) as compared_mql_count,
        sum(sql_effect) / sum(mql_count) as planted_sql_effect,
        sum(won_effect) / sum(mql_count) as planted_won_effect
    from strata
    where within_target_count between 1 and mql_count - 1
"""


def planted_effect(warehouse, small_landing, outcome_stage: str) -> tuple[int, float]:
    maturity_days = warehouse.execute(
        "select maturity_days from config.funnel_stages where funnel_stage = $1", [outcome_stage]
    ).fetchone()[0]
    compared, sql_effect, won_effect = warehouse.execute(
        COMPARED_MQLS.format(propensities=small_landing / LEAD_PROPENSITIES_FILE),
        {"maturity_days": maturity_days},
    ).fetchone()
    return compared, sql_effect if outcome_stage == "SQL" else won_effect


def effect_row(warehouse, outcome_stage: str) -> dict:
    cursor = warehouse.execute(
        "select * from metrics.response_time_effect where outcome_stage = $1", [outcome_stage]
    )
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def test_adjusted_estimate_recovers_the_planted_speed_effect_and_the_raw_one_does_not(
    warehouse, small_landing
) -> None:
    compared, planted = planted_effect(warehouse, small_landing, "SQL")
    effect = effect_row(warehouse, "SQL")
    assert effect["compared_mql_count"] == compared
    # The same MQLs: most of them have a like one answered the other way.
    assert compared >= 0.8 * effect["mql_count"], (compared, effect["mql_count"])
    assert 0.05 < planted < 0.25, planted  # a first touch within target is worth some 12 points
    assert effect["adjusted_difference_lower"] <= planted, (planted, effect)
    assert planted <= effect["adjusted_difference_upper"], (planted, effect)
    # Reps answer the leads that convert anyway first: the raw gap overstates the effect beyond its interval.
    assert effect["raw_difference_lower"] > planted, (planted, effect)
    assert effect["raw_difference"] - planted > 2 * (effect["adjusted_difference"] - planted)


def test_the_effect_carries_on_to_won_within_its_interval(warehouse, small_landing) -> None:
    compared, planted = planted_effect(warehouse, small_landing, "Won")
    effect = effect_row(warehouse, "Won")
    assert effect["compared_mql_count"] == compared
    assert effect["adjusted_difference_lower"] <= planted, (planted, effect)
    assert planted <= effect["adjusted_difference_upper"], (planted, effect)


def test_raw_response_time_rates_carry_their_intervals(warehouse) -> None:
    rows = warehouse.execute(
        """select mql_count, sql_count, mql_to_sql_rate_lower, mql_to_sql_rate, mql_to_sql_rate_upper,
                  is_too_few
           from metrics.response_time_impact"""
    ).fetchall()
    assert rows
    for mqls, sqls, lower, rate, upper, too_few in rows:
        assert lower <= sqls / mqls <= upper and rate == pytest.approx(sqls / mqls)
        assert too_few == (mqls < 30)


def test_sla_intervals_cover_each_reps_planted_first_touch_rate_95_percent_of_the_time(
    warehouse, small_landing
) -> None:
    """Per sales_sla_compliance row (MQL week x rep x team x segment) of leads only: the planted rate of its
    decided MQLs is the mean of their planted chances of a first touch within target (never touched counts as
    missed, as the SLA counts it)."""
    cells = warehouse.execute(
        f"""with planted as (select * from read_parquet('{small_landing / LEAD_PROPENSITIES_FILE}')),
            decided as (
                select sla.mql_week, sla.owner_user_id, sla.owner_team_name, sla.segment,
                       count(*) as decided_count,
                       avg(planted.p_first_touch_within_target) as planted_rate
                from metrics.sales_sla_by_lead as sla
                inner join planted on sla.lead_id = planted.lead_id
                where sla.person_type = 'lead' and sla.first_touch_sla_status in ('met', 'missed')
                group by all
            )
            select decided.decided_count, decided.planted_rate, cells.first_touch_met_count,
                   cells.first_touch_within_target_rate_lower, cells.first_touch_within_target_rate_upper
            from metrics.sales_sla_compliance as cells
            inner join decided using (mql_week, owner_user_id, owner_team_name, segment)
            where cells.first_touch_met_count + cells.first_touch_missed_count = decided.decided_count
                and decided.decided_count >= 5"""
    ).fetchall()
    assert len(cells) >= 3000, len(cells)
    covered = sum(lower <= planted <= upper for _, planted, _, lower, upper in cells) / len(cells)
    # Wilson's coverage sits a little above 95 % at these counts (5 to about 20 per rep and week).
    assert 0.93 <= covered <= 0.985, (covered, len(cells))
