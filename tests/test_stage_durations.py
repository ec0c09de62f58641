"""The Funnel page's stage durations come from counts per duration bin (stage_duration_histogram), not from
every person's days: pooled over any breakdown they stay within one bin of the exact median over
lead_funnel."""

from __future__ import annotations

import pytest

from shared_metrics import readouts

pytestmark = pytest.mark.xdist_group("small_warehouse")

BIN_RATIO = 2 ** (1 / 8) - 1  # var duration_bins_per_octave: a bin spans this share of 1 + hours


@pytest.mark.parametrize("breakdown", list(readouts.FUNNEL_BREAKDOWNS))
def test_binned_medians_stay_within_a_bin_of_the_exact_ones(warehouse, breakdown: str) -> None:
    def read(sql, parameters=None):
        return warehouse.execute(sql, parameters or []).df()

    where = readouts.Slice(start_month="2025-03-01", segments=("SMB", "Enterprise"))
    binned = readouts.stage_durations(read, where, breakdown)
    column = readouts.FUNNEL_BREAKDOWNS[breakdown]
    sql, parameters = where.where("cohort_month")
    medians = ", ".join(f'median({days}) as "{pair}"' for pair, days in readouts.STAGE_DURATIONS.items())
    exact = read(
        f"select {column} as breakdown, {medians} from metrics.lead_funnel where {sql} group by 1", parameters
    ).melt(id_vars="breakdown", var_name="stage_pair", value_name="exact_days")
    compared = binned.merge(exact.dropna(), on=["breakdown", "stage_pair"], how="outer")
    assert len(compared) == len(binned) == len(exact.dropna()) >= 10
    off = (compared["median_days"] - compared["exact_days"]).abs()
    assert (off <= BIN_RATIO * (compared["exact_days"] + 1 / 24)).all(), compared[off > 0].head()
    assert (off / compared["exact_days"].where(compared["exact_days"] > 0)).median() < 0.02
