"""Business-time arithmetic in each territory's calendar, vectorized with numpy.

Times are int64 seconds since the Unix epoch, UTC. A territory works from ``workday_start_minute`` to
``workday_end_minute`` local time on weekdays that are not holidays (seeds ``business_calendar`` and
``business_holidays``). "Business seconds" count only working time; the dbt macros implement the same rule.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from shared_metrics.settings import SEEDS_DIR

DAY = 86_400
HOUR = 3_600


@dataclass(frozen=True)
class TerritoryCalendar:
    territory: str
    time_zone: str
    workday_start: int  # seconds after local midnight
    workday_end: int
    first_day: int  # epoch day covered by the tables below
    business_days: np.ndarray  # sorted epoch days (local dates) that are working days
    utc_offset_by_hour: np.ndarray  # seconds, indexed by UTC hour since first_day
    utc_offset_by_local_day: np.ndarray  # seconds at local noon, indexed by local day since first_day

    @property
    def workday_seconds(self) -> int:
        return self.workday_end - self.workday_start

    def to_local(self, utc: np.ndarray) -> np.ndarray:
        hour = (utc // HOUR) - self.first_day * 24
        return utc + self.utc_offset_by_hour[np.clip(hour, 0, len(self.utc_offset_by_hour) - 1)]

    def business_seconds_before(self, utc: np.ndarray) -> np.ndarray:
        """Working seconds from the start of the covered range up to each instant."""
        local = self.to_local(np.asarray(utc, dtype=np.int64))
        day, second_of_day = np.divmod(local, DAY)
        index = np.searchsorted(self.business_days, day, side="left")
        is_working_day = self.business_days[np.minimum(index, len(self.business_days) - 1)] == day
        within = np.clip(second_of_day - self.workday_start, 0, self.workday_seconds)
        return index * self.workday_seconds + np.where(is_working_day, within, 0)

    def add_business_seconds(self, utc: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """The instant that lies ``seconds`` (> 0) working seconds after each ``utc`` instant."""
        target = self.business_seconds_before(utc) + np.asarray(seconds, dtype=np.int64)
        length = self.workday_seconds
        day_index = (target - 1) // length
        if day_index.size and day_index.max() >= len(self.business_days):
            raise ValueError(f"business time beyond the calendar of {self.territory}; extend the range")
        local_day = self.business_days[day_index]
        local = local_day * DAY + self.workday_start + (target - day_index * length)
        offset = self.utc_offset_by_local_day[local_day - self.first_day]
        return local - offset

    def business_seconds_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        return self.business_seconds_before(end) - self.business_seconds_before(start)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_calendars(
    first: dt.date, last: dt.date, seeds_dir: Path = SEEDS_DIR
) -> dict[str, TerritoryCalendar]:
    """Calendars for every territory in the seeds, covering ``first`` to ``last`` (local dates)."""
    holidays: dict[str, set[dt.date]] = {}
    for row in _read_csv(seeds_dir / "business_holidays.csv"):
        holidays.setdefault(row["territory"], set()).add(dt.date.fromisoformat(row["holiday_date"]))
    epoch = dt.date(1970, 1, 1)
    first_day = (first - epoch).days
    days = np.arange(first_day, (last - epoch).days + 1)
    calendars = {}
    for row in _read_csv(seeds_dir / "business_calendar.csv"):
        territory, zone = row["territory"], ZoneInfo(row["time_zone"])
        closed = holidays.get(territory, set())
        dates = [epoch + dt.timedelta(int(d)) for d in days]
        working = np.array([d.weekday() < 5 and d not in closed for d in dates])
        base = dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC)
        by_hour = np.array(
            [
                int((base + dt.timedelta(hours=h)).astimezone(zone).utcoffset().total_seconds())
                for h in range(len(days) * 24)
            ],
            dtype=np.int64,
        )
        by_local_day = np.array(
            [
                int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=zone).utcoffset().total_seconds())
                for d in dates
            ],
            dtype=np.int64,
        )
        calendars[territory] = TerritoryCalendar(
            territory=territory,
            time_zone=row["time_zone"],
            workday_start=int(row["workday_start_minute"]) * 60,
            workday_end=int(row["workday_end_minute"]) * 60,
            first_day=first_day,
            business_days=days[working].astype(np.int64),
            utc_offset_by_hour=by_hour,
            utc_offset_by_local_day=by_local_day,
        )
    return calendars
