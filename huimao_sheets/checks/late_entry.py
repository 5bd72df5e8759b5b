"""``late_entry``: a visit entered into the log days after it happened (市场信息的反馈要客观、及时).

Only a service that reads the sheet every day can see it: the ledger of the state folder remembers the day
each visit was first seen (the as-of date of the run that first read it), keyed by ``visit_key`` — its
content (拜访日期, client, 拜访人, 拜访方式), never its row number, which moves, nor how the row names the client. The check stays pure: the
caller reads those days from the ledger and hands them over in ``Register.visits_seen`` (through
``snapshot.take_snapshot(visits_seen=…)``), then records the run's visits (``Ledger.record_visits``).

- ``visits_seen`` is None (no state folder, or nothing recorded yet: the first run records without
  flagging): no finding;
- a visit whose key is not in it is first seen today (the as-of date); one recorded by the first run has
  ``None`` (when it was entered is unknown) and is never late;
- a visit first seen more than ``late_entry_days`` working days (China's official calendar, default 2)
  after its 拜访日期 is late; owner the 拜访人. It is reported for ``REPORT_DAYS`` days after it was first
  seen (long enough for the weekly report), then closes: what is done cannot be undone.
  A visit entered twice (a ``duplicate_row`` group) is one late visit, reported on its first row.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from huimao_sheets.checks.common import client_ids, record_owner
from huimao_sheets.checks.relations import visit_key as same_visit
from huimao_sheets.checks.spec import Check
from huimao_sheets.config import Settings
from huimao_sheets.findings import WARNING, Finding
from huimao_sheets.model import Register, Visit
from huimao_sheets.normalize import Unreadable
from huimao_sheets.timing import work_calendar

REPORT_DAYS = 7


def visit_key(visit: Visit) -> str | None:
    """A visit's identity across runs: date, client, visitor and type; None without a date.

    The client is the registered client's 客户编号 when the visit matches one — however the row names it, so
    a visit logged by name and completed with its id later is the same visit — else the id or name typed."""
    if not isinstance(visit.visit_date, date):
        return None
    channel = visit.channel.raw if isinstance(visit.channel, Unreadable) else visit.channel
    registered = visit.client.client_id if visit.client is not None else None
    return json.dumps([visit.visit_date.isoformat(), registered or visit.client_id or visit.client_name or "",
                       visit.visitor or "", channel or ""], ensure_ascii=False)


def visit_keys(register: Register) -> list[str]:
    """The keys of every dated visit of the register, for the ledger to record."""
    return [key for key in map(visit_key, register.visits) if key is not None]


def late_entry(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    seen = register.visits_seen
    if seen is None:
        return []
    limit = settings.checks.late_entry_days
    calendar = work_calendar(settings)
    sheet = register.sheet_titles["visits"]
    findings = []
    reported: set[tuple] = set()
    for v in register.visits:
        key = visit_key(v)
        if key is None:
            continue
        first = seen.get(key, as_of)
        if first is None:
            continue   # recorded by the first run: when it was entered is unknown
        first = min(first, as_of)
        if first < as_of - timedelta(days=REPORT_DAYS) or (first - v.visit_date).days <= limit:
            continue   # reported for a week only; working days never outnumber calendar days
        days = calendar.working_days_between(v.visit_date, first)
        if days <= limit or same_visit(v) in reported:
            continue   # on time, or a second row of a visit entered twice
        reported.add(same_visit(v))
        findings.append(Finding(
            code="late_entry", sheet=sheet, rows=[v.row], column=None,
            client_ids=client_ids(v.client), staff=[v.visitor] if v.visitor else [],
            owner=record_owner(register, "visits", v),
            message=LATE_ENTRY.text(settings.language, row=v.row, date=v.visit_date.isoformat(),
                                    seen=first.isoformat(), days=days, limit=limit),
            details={"visit_date": v.visit_date.isoformat(), "first_seen": first.isoformat(), "working_days": days},
        ))
    return findings


LATE_ENTRY = Check(
    code="late_entry", severity=WARNING, function=late_entry,
    label={"zh": "拜访补录", "en": "Visit entered late"},
    message={
        "zh": "拜访记录第{row}行：{date}的拜访到{seen}才录入，晚了{days}个工作日（应在{limit}个工作日内录入）",
        "en": "Visits row {row}: the visit of {date} was entered on {seen}, {days} working days later "
              "(the rule is within {limit})",
    },
)
