"""Business-time arithmetic: nights, weekends, holidays, time zones and daylight-saving changes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from shared_metrics.business_time import load_calendars

pytestmark = pytest.mark.check


@pytest.fixture(scope="module")
def calendars():
    return load_calendars(dt.date(2025, 12, 1), dt.date(2026, 12, 31))


def utc(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp())


def add(calendar, start: int, minutes: int) -> dt.datetime:
    out = calendar.add_business_seconds(np.array([start]), np.array([minutes * 60]))[0]
    return dt.datetime.fromtimestamp(int(out), dt.UTC)


def between(calendar, start: int, end: int) -> float:
    return float(calendar.business_seconds_between(np.array([start]), np.array([end]))[0]) / 60


def test_friday_afternoon_plus_two_hours_lands_on_monday_across_the_spring_dst_change(calendars):
    # New York: Fri 2026-03-06 16:00 EST is 21:00 UTC; clocks go forward on Sun 2026-03-08.
    assert add(calendars["North America"], utc(2026, 3, 6, 21), 120) == dt.datetime(
        2026, 3, 9, 14, tzinfo=dt.UTC
    )


def test_lead_arriving_at_night_starts_counting_at_nine_next_morning(calendars):
    # London in winter (UTC+0): 02:00 arrival, 30 business minutes later is 09:30.
    assert add(calendars["UK & Ireland"], utc(2026, 1, 14, 2), 30) == dt.datetime(
        2026, 1, 14, 9, 30, tzinfo=dt.UTC
    )
    assert between(calendars["UK & Ireland"], utc(2026, 1, 14, 2), utc(2026, 1, 14, 9, 30)) == 30


def test_holidays_pass_no_business_time(calendars):
    # DACH: Fri 2026-12-25 and Sat/Sun, then Mon 2026-12-28 is a working day (Christmas 25th and 26th).
    start = utc(2026, 12, 24, 15)  # 16:00 Berlin on Thursday: one working hour left
    # One hour on Thursday, nothing over Christmas and the weekend, one hour on Monday (10:00 Berlin).
    assert between(calendars["DACH"], start, utc(2026, 12, 28, 9)) == 120
    assert add(calendars["DACH"], start, 61) == dt.datetime(2026, 12, 28, 8, 1, tzinfo=dt.UTC)


def test_southern_hemisphere_daylight_saving_ends_in_april(calendars):
    # Sydney: AEDT (UTC+11) until Sun 2026-04-05 03:00, then AEST (UTC+10). Fri 2026-04-03 is Good Friday.
    thursday_end = utc(2026, 4, 2, 6)  # 17:00 AEDT
    monday_after = utc(2026, 4, 7, 0)  # Tuesday 10:00 AEST; Monday 2026-04-06 is Easter Monday
    assert between(calendars["APAC"], thursday_end, monday_after) == 60


def test_japan_has_no_daylight_saving_and_counts_eight_hours_a_day(calendars):
    monday_nine = utc(2026, 6, 15, 0)  # 09:00 JST
    assert between(calendars["Japan"], monday_nine, utc(2026, 6, 16, 0)) == 480
    assert between(calendars["Japan"], monday_nine, utc(2026, 6, 22, 0)) == 5 * 480


def test_adding_then_measuring_gives_back_the_same_business_time(calendars):
    rng = np.random.default_rng(3)
    starts = utc(2026, 1, 1) + rng.integers(0, 300 * 86_400, 2_000)
    seconds = rng.integers(1, 20 * 480 * 60, 2_000)
    for calendar in calendars.values():
        ends = calendar.add_business_seconds(starts, seconds)
        assert np.array_equal(calendar.business_seconds_between(starts, ends), seconds)
