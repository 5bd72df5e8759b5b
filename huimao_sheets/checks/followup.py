"""Follow-ups (DESIGN §5): each client's next due date, and the ``overdue_followup`` check built on it.

``followup_due`` is the one rule the product uses — the check, the daily digest's "due today" and the
weekly report's "follow-ups due next week" all call it. As of date D, per client:

- its **last visit** is the latest 拜访日期 on or before D (a visit dated after D has not happened yet);
- the **follow-up date** is the latest 下次跟进日期 on its register row or on a visit of that last day (two
  visits on one day: the later follow-up date counts, whatever their row order). It stands only while no
  visit happened on or after it;
- a client rated A/B/C is also due its rating's cadence after the last visit (A 14, B 30, C 60 days by
  default; D none);
- the **due date** is the earlier of the two, and the client's owner is ``checks.common.client_owner``
  (the 客户经理, else the manager of its department).

``overdue_followup`` reports, one finding per client, a due date before D with the days late. Days are
calendar days, or working days on China's official calendar when configured.

``unplanned_followup`` reports, one finding per client, a due date in the 7 calendar days after D (D + 1 to
D + 7; a follow-up due today is the daily digest's "due today") with no 拜访计划 row for the client — by
anyone — dated from D to the due date (``planned``). A plan dated after the due date does not count: the
follow-up would be late.
"""

from __future__ import annotations

import weakref
from datetime import date, timedelta
from typing import NamedTuple

from huimao_sheets.checks.collisions import day_counter
from huimao_sheets.checks.common import client_label, client_owner
from huimao_sheets.checks.spec import Check
from huimao_sheets.config import Settings
from huimao_sheets.findings import WARNING, Finding
from huimao_sheets.model import Client, Register

FOLLOWUP_DATE, CADENCE = "followup_date", "cadence"   # why a follow-up is due

REASONS = {
    FOLLOWUP_DATE: {"zh": "下次跟进日期已过", "en": "the next follow-up date has passed"},
    CADENCE: {"zh": "{rating}类客户应每{days}天跟进一次", "en": "rating {rating} clients are followed up every {days} days"},
}


class Due(NamedTuple):
    """A client's next follow-up: when, why, the last visit it counts from, and who must act. A named tuple:
    made for every client with a follow-up (a frozen dataclass cost 10 ms more at 20,000 clients) and shared,
    unchangeable, by the callers of ``followup_due``."""

    client: Client
    due: date
    reason: str                  # FOLLOWUP_DATE or CADENCE
    last_visit: date | None
    owner: str | None            # checks.common.client_owner
    cadence_days: int | None     # the client's rating's cadence, if it has one


def _last_visit(visits: list, as_of: date) -> tuple[date | None, date | None]:
    """A client's last visit on or before ``as_of`` and the latest 下次跟进日期 set on that day (None, None:
    never visited — a visit dated after the as-of date has not happened yet). One pass over the visits."""
    last = follow = None
    for v in visits:
        day = v.visit_date
        if not isinstance(day, date) or day > as_of or (last is not None and day < last):
            continue
        if day != last:
            last, follow = day, None   # a later day: its follow-up dates start afresh
        nxt = v.next_followup
        if isinstance(nxt, date) and (follow is None or nxt > follow):
            follow = nxt
    return last, follow


# The last answer of ``followup_due``: overdue_followup and unplanned_followup ask the same question of one
# register in one run (0.12 s at 20,000 clients). Keyed by the register (a register is not changed once
# built; the entry goes when the register does), the as-of date and the settings' content.
_last_answer: dict[str, tuple] = {}


def followup_due(register: Register, as_of: date, settings: Settings) -> list[Due]:
    """Every client that has a next follow-up as of ``as_of``, in register order (see the module docstring).

    A due date may lie before ``as_of`` (overdue), on it (due today) or after it. A client with neither a
    standing follow-up date nor a rated cadence with a visit to count from has none.
    """
    key = (as_of, settings.model_dump_json())
    last = _last_answer.get("due")
    if last is not None and last[0]() is register and last[1] == key:
        return list(last[2])
    dues = _followup_due(register, as_of, settings)
    _last_answer["due"] = (weakref.ref(register, lambda _: _last_answer.clear()), key, dues)
    return list(dues)


def _followup_due(register: Register, as_of: date, settings: Settings) -> list[Due]:
    counter = day_counter(settings)
    cadence = settings.checks.cadence_days
    dues = []
    for client, visits in zip(register.clients, register.visits_by_client):
        last_date, follow = _last_visit(visits, as_of)
        if isinstance(client.next_followup, date) and (follow is None or client.next_followup > follow):
            follow = client.next_followup   # the later of the row's and the last visit's 下次跟进日期
        due = reason = None
        if follow is not None and (last_date is None or last_date < follow):
            due, reason = follow, FOLLOWUP_DATE
        days = cadence.get(client.rating) if isinstance(client.rating, str) else None
        if days and last_date is not None:
            by_cadence = counter.add(last_date, days)
            if due is None or by_cadence <= due:   # the earlier; on one day, the cadence
                due, reason = by_cadence, CADENCE
        if due is not None:
            dues.append(Due(client, due, reason, last_date, client_owner(register, client), days))
    return dues


def overdue_followup(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    counter = day_counter(settings)
    sheet = register.sheet_titles["clients"]
    language = settings.language
    findings = []
    for d in followup_due(register, as_of, settings):
        if d.due >= as_of:
            continue
        client = d.client
        late = counter.between(d.due, as_of)
        reason_text = REASONS[d.reason][language].format(rating=client.rating, days=d.cadence_days)
        findings.append(Finding(
            code="overdue_followup", sheet=sheet, rows=[client.row], column=None,
            client_ids=[client.client_id] if client.client_id else [],
            staff=[client.account_manager] if client.account_manager else [],
            owner=d.owner,
            message=OVERDUE_FOLLOWUP.text(language, client=client_label(client), due=d.due.isoformat(),
                            days=late, reason=reason_text),
            details={"reason": d.reason, "due": d.due.isoformat(), "days_late": late,
                     "last_visit": d.last_visit.isoformat() if d.last_visit else None},
        ))
    return findings


UPCOMING_DAYS = 7   # unplanned_followup looks this many calendar days ahead


def _plan_dates(register: Register, client: Client) -> list[date]:
    """The dates of every visit planned for ``client``, by anyone."""
    plans = register.plans_by_client[client.index] if client.index >= 0 else []
    return [p.planned_date for p in plans if isinstance(p.planned_date, date)]


def planned(register: Register, client: Client, as_of: date, due: date) -> bool:
    """Whether anyone planned a visit to ``client`` dated from ``as_of`` to ``due`` (both included)."""
    return any(as_of <= d <= due for d in _plan_dates(register, client))


def later_plan(register: Register, client: Client, due: date) -> date | None:
    """The first visit planned for ``client`` after ``due`` (a late plan: the follow-up still needs one in time)."""
    return min((d for d in _plan_dates(register, client) if d > due), default=None)


def unplanned_followup(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    sheet = register.sheet_titles["clients"]
    language = settings.language
    horizon = as_of + timedelta(days=UPCOMING_DAYS)
    findings = []
    for d in followup_due(register, as_of, settings):
        if not as_of < d.due <= horizon or planned(register, d.client, as_of, d.due):
            continue
        client = d.client
        late = later_plan(register, client, d.due)
        message = UNPLANNED_FOLLOWUP.text(language, client=client_label(client), due=d.due.isoformat(),
                                          as_of=as_of.isoformat())
        if late is not None:
            message += LATE_PLAN[language].format(date=late.isoformat())
        findings.append(Finding(
            code="unplanned_followup", sheet=sheet, rows=[client.row], column=None,
            client_ids=[client.client_id] if client.client_id else [],
            staff=[client.account_manager] if client.account_manager else [],
            owner=d.owner, message=message,
            details={"reason": d.reason, "due": d.due.isoformat(),
                     "last_visit": d.last_visit.isoformat() if d.last_visit else None,
                     "later_plan": late.isoformat() if late else None},
        ))
    return findings


OVERDUE_FOLLOWUP = Check(
    code="overdue_followup", severity=WARNING, function=overdue_followup,
    label={"zh": "跟进逾期", "en": "Follow-up overdue"},
    message={
        "zh": "客户“{client}”应于{due}跟进，已逾期{days}天（{reason}）",
        "en": "Client “{client}” was due for follow-up on {due}; {days} days late ({reason})",
    },
    client_level=True,
)


# Said after the message when the client is planned, but only after the due date.
LATE_PLAN = {"zh": "（已有{date}的计划，晚于应跟进日期）", "en": " (a visit is planned for {date}, after the due date)"}


UNPLANNED_FOLLOWUP = Check(
    code="unplanned_followup", severity=WARNING, function=unplanned_followup,
    label={"zh": "跟进未做计划", "en": "Follow-up not planned"},
    message={
        "zh": "客户“{client}”应于{due}跟进，但拜访计划中没有{as_of}至{due}的安排",
        "en": "Client “{client}” is due for follow-up on {due}, but no visit is planned from {as_of} to {due}",
    },
    client_level=True,
)
