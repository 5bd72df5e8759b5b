"""The schedule's vocabulary, as pure functions: times of day, weekdays, the ``when`` of a job, its slots and
periods, and the ISO ``Week`` a weekly report covers. No clock: every function takes its moment.

Forms of ``when`` (times in Asia/Shanghai)::

    workdays 08:00          every working day on China's official calendar (make-up working weekends
                            included; company days off from ``checks.company_days_off`` excluded)
    daily 07:30             every day
    monday 08:00            once a week on Monday — or, when Monday is a day off, on the week's first
                            working day after it (a week with none has no run). Any weekday works.
    every 2 hours           at 00:00, 02:00, … every day; also ``every 30 minutes`` (at least 5)
    workdays every 2 hours  the same, on working days only

Chinese day words work too: ``工作日 08:00``, ``每天 07:30``, ``周一 08:00``, ``星期一 08:00``.

Each scheduled instant is a *slot* with a *period*: ``2026-11-30`` (daily), ``2026-W49`` (weekly: the ISO
week the run falls in; a weekly report run then covers the week before), ``2026-11-30T10:00`` (intervals).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterator

from huimao_sheets.clock import SHANGHAI
from huimao_sheets.errors import ConfigError
from huimao_sheets.workdays import WorkCalendar

TZ = SHANGHAI
SEARCH_DAYS = 21                     # a weekly slot may be two weeks away (a week of holidays)
MIN_INTERVAL = timedelta(minutes=5)

WORKDAYS, DAILY, WEEKLY, INTERVAL = "workdays", "daily", "weekly", "interval"


_DAY_WORDS = {"workdays": WORKDAYS, "workday": WORKDAYS, "工作日": WORKDAYS, "daily": DAILY, "每天": DAILY,
              "每日": DAILY}
_WEEKDAYS: dict[str, int] = {}
for _i, (_en, _zh) in enumerate(zip(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
                                    "一二三四五六日")):
    _WEEKDAYS.update({_en: _i, _en[:3]: _i, f"周{_zh}": _i, f"星期{_zh}": _i})
_WEEKDAYS.update({"周天": 6, "星期天": 6})
_WEEKDAY_NAMES = {"zh": "一二三四五六日", "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                              "Saturday", "Sunday")}

class TimingError(ConfigError, ValueError):
    """A time of day or a ``when`` that cannot be read (a ValueError too, for the callers that validate)."""


WHEN_FORMS = '"workdays 08:00"、"monday 08:00"、"daily 07:30"、"every 2 hours"、"every 30 minutes"、"workdays every 2 hours"'


def parse_time_of_day(text: str) -> time:
    """``08:00`` or ``8:00`` → 08:00; anything else is a ValueError that says what is valid."""
    m = re.fullmatch(r"\s*(\d{1,2})[:：](\d{2})\s*", str(text))
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    raise TimingError(f"“{text}”不是时刻，请写成 HH:MM，例如 08:00 或 17:30",
                      en=f"“{text}” is not a time of day: write HH:MM, e.g. 08:00 or 17:30")


@dataclass(frozen=True)
class When:
    """A parsed ``when``: see the module docstring for the forms."""

    text: str
    kind: str                          # workdays / daily / weekly / interval
    at: time | None = None             # the time of day (not for intervals)
    weekday: int | None = None         # 0 = Monday (weekly)
    every: timedelta | None = None     # the interval
    workdays_only: bool = False        # an interval on working days only

    def describe(self, language: str = "zh") -> str:
        at = self.at.strftime("%H:%M") if self.at else ""
        zh = language == "zh"
        if self.kind == WORKDAYS:
            return f"工作日 {at}" if zh else f"working days {at}"
        if self.kind == DAILY:
            return f"每天 {at}" if zh else f"every day {at}"
        if self.kind == WEEKLY:
            day = _WEEKDAY_NAMES[language][self.weekday]
            return (f"每周{day} {at}（逢休息日顺延至本周下一个工作日）" if zh
                    else f"{day}s {at} (on a day off, the week's next working day)")
        minutes = int(self.every.total_seconds() // 60)
        span = (f"{minutes // 60} 小时" if zh else f"{minutes // 60} hours") if minutes % 60 == 0 else \
            (f"{minutes} 分钟" if zh else f"{minutes} minutes")
        if zh:
            return f"{'工作日' if self.workdays_only else ''}每 {span}"
        return f"every {span}{' on working days' if self.workdays_only else ''}"


def parse_when(text: str) -> When:
    """Read a job's ``when``; a ValueError names the valid forms."""
    s = " ".join(str(text).strip().lower().split())
    m = re.fullmatch(r"(?:(workdays?|工作日)\s*)?every\s+(\d+)\s*(minutes?|mins?|m|hours?|hrs?|h)", s)
    if m:
        n = int(m.group(2))
        every = timedelta(hours=n) if m.group(3).startswith("h") else timedelta(minutes=n)
        if not MIN_INTERVAL <= every <= timedelta(days=1):
            raise TimingError(f"间隔“{text}”应在 5 分钟到 24 小时之间",
                              en=f"the interval “{text}” should be between 5 minutes and 24 hours")
        return When(str(text), INTERVAL, every=every, workdays_only=bool(m.group(1)))
    m = re.fullmatch(r"(\S+?)\s*(\d{1,2}[:：]\d{2})", s)
    if m:
        word, at = m.group(1), parse_time_of_day(m.group(2))
        if word in _DAY_WORDS:
            return When(str(text), _DAY_WORDS[word], at=at)
        if word in _WEEKDAYS:
            return When(str(text), WEEKLY, at=at, weekday=_WEEKDAYS[word])
    raise TimingError(f"无法识别“{text}”。可写成 {WHEN_FORMS}（时间为北京时间）",
                      en=f"“{text}” is not a schedule. Write {WHEN_FORMS.replace('、', ', ')} (Beijing time)")


def work_calendar(settings) -> WorkCalendar:
    """China's official calendar plus the company's own days off (``checks.company_days_off`` of the settings)."""
    return WorkCalendar(settings.checks.company_days_off)


# --- slots ------------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Slot:
    at: datetime        # aware, Asia/Shanghai
    period: str         # what the ledger's runs are keyed by


def weekly_day(when: When, day: date, calendar: WorkCalendar) -> date | None:
    """The day of ``day``'s ISO week on which a weekly job runs: its weekday, or the first working day
    after it in the same week; None when the rest of the week is off."""
    monday = day - timedelta(days=day.weekday())
    for offset in range(when.weekday, 7):
        candidate = monday + timedelta(days=offset)
        if calendar.is_working_day(candidate):
            return candidate
    return None


def slots_on(when: When, day: date, calendar: WorkCalendar) -> list[Slot]:
    """The job's slots on one calendar day, in order."""
    if when.kind == INTERVAL:
        if when.workdays_only and not calendar.is_working_day(day):
            return []
        start = datetime.combine(day, time(0), TZ)
        count = math.ceil(timedelta(days=1) / when.every)
        return [Slot(at, f"{day.isoformat()}T{at:%H:%M}") for at in (start + i * when.every for i in range(count))]
    runs = (when.kind == DAILY
            or (when.kind == WORKDAYS and calendar.is_working_day(day))
            or (when.kind == WEEKLY and weekly_day(when, day, calendar) == day))
    if not runs:
        return []
    period = Week.of(day).label if when.kind == WEEKLY else day.isoformat()
    return [Slot(datetime.combine(day, when.at, TZ), period)]


def latest_slot(when: When, now: datetime, calendar: WorkCalendar) -> Slot | None:
    """The last slot at or before ``now``."""
    now = now.astimezone(TZ)
    for back in range(SEARCH_DAYS + 1):
        slots = [s for s in slots_on(when, now.date() - timedelta(days=back), calendar) if s.at <= now]
        if slots:
            return slots[-1]
    return None


def next_slot(when: When, now: datetime, calendar: WorkCalendar) -> Slot | None:
    """The first slot after ``now``."""
    now = now.astimezone(TZ)
    for ahead in range(SEARCH_DAYS + 1):
        slots = [s for s in slots_on(when, now.date() + timedelta(days=ahead), calendar) if s.at > now]
        if slots:
            return slots[0]
    return None


def slots_before(when: When, slot: Slot, calendar: WorkCalendar) -> Iterator[Slot]:
    """Earlier slots, newest first, going back at most a year."""
    day = slot.at.date()
    for back in range(0, 366):
        for s in reversed(slots_on(when, day - timedelta(days=back), calendar)):
            if s.at < slot.at:
                yield s


def period_of(when: When, moment: datetime) -> str:
    """The period a run at ``moment`` is for (a run by hand: ``run JOB --as-of DATE``)."""
    moment = moment.astimezone(TZ)
    if when.kind == WEEKLY:
        return Week.of(moment.date()).label
    if when.kind == INTERVAL:
        midnight = datetime.combine(moment.date(), time(0), TZ)
        start = midnight + ((moment - midnight) // when.every) * when.every
        return f"{moment.date().isoformat()}T{start:%H:%M}"
    return moment.date().isoformat()


# --- the ISO week of a report ---------------------------------------------------------------------

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
    raise ConfigError(f"--week 的值“{text}”无效，请写成 ISO 周，例如 2026-W48（该年的第 1–52/53 周）",
                      en=f"--week “{text}” is not valid: write an ISO week, e.g. 2026-W48 (week 1–52/53 of the year)")
