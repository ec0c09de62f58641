"""Every conversion rate carries its 95 % Wilson interval (tests/conftest.py's small warehouse, 250,000
leads): over the thousands of independent cells of funnel_conversion (cohort month x sourced by x lead source
x segment x territory x stage pair), the intervals contain each cell's planted rate about 95 % of the time."""

from __future__ import annotations

import pytest

from shared_metrics.generate.truth import LEAD_PROPENSITIES_FILE
from shared_metrics.settings import PROJECT_DIR
from shared_metrics.stats import MIN_RATE_COUNT, wilson_interval

pytestmark = pytest.mark.xdist_group("small_warehouse")

FROM_STAGE_REACHED = """case planted.to_stage
    when 'MQL' then true
    when 'SAL' then funnel.mql_at is not null
    when 'SQL' then funnel.sal_at is not null
    when 'Opportunity' then funnel.sql_at is not null
    else funnel.opportunity_at is not null
end"""


@pytest.fixture(scope="module")
def cells_with_planted_rates(warehouse, small_landing, small_truth: dict) -> list[tuple]:
    """Per funnel_conversion row of leads in mature cohorts: its counts and interval, and the planted rate of
    exactly the leads it counts (the mean of their planted probabilities of reaching to_stage)."""
    return warehouse.execute(
        f"""with planted as (
                unpivot read_parquet('{small_landing / LEAD_PROPENSITIES_FILE}')
                on p_mql as 'MQL', p_sal as 'SAL', p_sql as 'SQL', p_opportunity as 'Opportunity',
                   p_won as 'Won'
                into name to_stage value probability
            ),
            entered as (
                select funnel.cohort_month, funnel.sourced_by, funnel.lead_source, funnel.segment,
                       funnel.territory, planted.to_stage, count(*) as planted_entered,
                       avg(planted.probability) as planted_rate
                from metrics.lead_funnel as funnel
                inner join planted on funnel.lead_id = planted.lead_id
                where funnel.person_type = 'lead' and funnel.cohort_month < cast($1 as date)
                    and {FROM_STAGE_REACHED}
                group by all
            )
            select cells.entered_count, entered.planted_entered, entered.planted_rate,
                   cells.conversion_rate_lower, cells.conversion_rate, cells.conversion_rate_upper,
                   cells.is_too_few
            from metrics.funnel_conversion as cells
            inner join entered using (cohort_month, sourced_by, lead_source, segment, territory, to_stage)
            where cells.person_type = 'lead'""",
        [small_truth["generator"]["mature_cohorts_created_before"]],
    ).fetchall()


def test_conversion_intervals_cover_the_planted_rates_95_percent_of_the_time(
    cells_with_planted_rates,
) -> None:
    cells = [cell for cell in cells_with_planted_rates if cell[0] >= 10]
    assert len(cells) >= 2000, len(cells)
    assert all(entered == planted for entered, planted, *_ in cells_with_planted_rates)
    covered = sum(lower - 1e-12 <= planted <= upper + 1e-12 for _, _, planted, lower, _, upper, _ in cells)
    # Binomial noise over 2,000+ cells is under 0.5 point; the planted probabilities vary within a cell, which
    # makes Wilson slightly conservative.
    assert 0.93 <= covered / len(cells) <= 0.985, covered / len(cells)


def test_each_interval_holds_its_rate_and_small_cells_are_flagged(cells_with_planted_rates) -> None:
    for entered, _, _, lower, rate, upper, is_too_few in cells_with_planted_rates:
        assert 0 <= lower <= rate <= upper <= 1
        assert is_too_few == (entered < 30)


def test_readers_pool_intervals_with_the_marts_formula_and_threshold(cells_with_planted_rates) -> None:
    """shared_metrics.stats (what readers use for pooled rates) equals dbt macro wilson_bound row by row."""
    entered = [cell[0] for cell in cells_with_planted_rates]
    converted = [round(cell[4] * cell[0]) for cell in cells_with_planted_rates]
    lower, upper = wilson_interval(converted, entered)
    for cell, low, high in zip(cells_with_planted_rates, lower, upper, strict=True):
        assert cell[3] == pytest.approx(low, abs=1e-12) and cell[5] == pytest.approx(high, abs=1e-12)
    project = (PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    assert f"min_rate_count: {MIN_RATE_COUNT}\n" in project
