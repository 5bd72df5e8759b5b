"""The week a report covers: an ISO week, Monday to Sunday."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from huimao_sheets.errors import ConfigError

_WEEK = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Week:
    year: int        # the ISO year (2026-W01 may start in December 2025)
    number: int      # 1..53

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    @property
    def label(self) -> str:
        """``2026-W48``: the period of the report in the ledger and on the command line."""
        return f"{self.year}-W{self.number:02d}"

    def span(self) -> str:
        """``11/23–11/29``"""
        return f"{self.monday.month}/{self.monday.day}–{self.sunday.month}/{self.sunday.day}"

    def contains(self, day: date) -> bool:
        return self.monday <= day <= self.sunday

    def shifted(self, weeks: int) -> "Week":
        return Week.of(self.monday + timedelta(weeks=weeks))

    @classmethod
    def of(cls, day: date) -> "Week":
        iso = day.isocalendar()
        return cls(iso.year, iso.week)


def week_before(as_of: date) -> Week:
    """The most recent complete ISO week before ``as_of``: its Sunday is before ``as_of``.

    On Monday 2026-11-30 that is 2026-W48 (11/23–11/29); on Sunday 2026-11-29 it is still 2026-W47.
    """
    return Week.of(as_of - timedelta(days=as_of.isoweekday()))


def parse_week(text: str) -> Week:
    """``2026-W48`` (also ``2026W48``, ``2026-w48``)."""
    m = _WEEK.match(text or "")
    if m:
        try:
            week = Week(int(m.group(1)), int(m.group(2)))
            week.monday  # noqa: B018 - raises for a week the year does not have
            return week
        except ValueError:
            pass
    raise ConfigError(f"--week 的值“{text}”无效，请写成 ISO 周，例如 2026-W48（该年的第 1–52/53 周）")
