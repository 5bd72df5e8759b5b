"""Counting days: calendar days, or working days on China's official calendar.

China moves working days around its holidays: 2026-10-01 is a holiday and Saturday 2026-10-10 a
make-up working day (调休). python ``holidays`` knows both; company-specific days off come from config.
"""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable

import holidays


@lru_cache(maxsize=1)
def china_calendar() -> Callable[..., holidays.HolidayBase]:
    """holidays' calendar of China. Asked for by country code (``country_holidays("CN")``), holidays imports
    its package of countries, which imports all 279 of them: 40–60 ms of every check. China's own module
    needs none of the others, so it is loaded from its file, where this version of holidays keeps it; should
    a later version keep it elsewhere, the calendar is asked for by country code as usual
    (tests/test_workdays.py compares the two)."""
    try:
        spec = importlib.util.spec_from_file_location(
            "holidays.countries.china", Path(holidays.__file__).with_name("countries") / "china.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.China
    except (OSError, ImportError, AttributeError):
        return partial(holidays.country_holidays, "CN")


@lru_cache(maxsize=64)
def _china(year: int) -> holidays.HolidayBase:
    return china_calendar()(years=year)


@lru_cache(maxsize=64)
def _make_up_days(year: int) -> frozenset[date]:
    """Weekend days that are official working days (调休上班)."""
    calendar = _china(year)
    workdays = getattr(calendar, "weekend_workdays", None) or set()
    return frozenset(d for d in workdays if d.year == year)


class WorkCalendar:
    """Answers are remembered per calendar: a check asks about the same few hundred days thousands of times."""

    def __init__(self, days_off: Iterable[date] = ()):
        self.days_off = frozenset(days_off)
        self._working: dict[date, bool] = {}
        self._between: dict[tuple[date, date], int] = {}

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if day in self.days_off:
            return False
        if day in _make_up_days(day.year):
            return True
        if day.weekday() >= 5:
            return False
        return day not in _china(day.year)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        known = self._between.get((start, end))
        if known is None:
            known = self._between[(start, end)] = sum(
                1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=i)))
        return known

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start."""
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day


class DayCounter:
    """Counts the days a check talks about, in calendar days or in working days."""

    def __init__(self, working: bool, calendar: WorkCalendar | None = None):
        self.working = working
        self.calendar = calendar or WorkCalendar()

    def add(self, start: date, n: int) -> date:
        return self.calendar.add_working_days(start, n) if self.working else start + timedelta(days=n)

    def between(self, start: date, end: date) -> int:
        return self.calendar.working_days_between(start, end) if self.working else (end - start).days
