"""The week's figures of each person, computed in one pass over the register (plain data for templates).

Definitions the reports rely on:

- a **visit of the week** is a 拜访记录 row whose 拜访日期 reads and falls Monday–Sunday of the week;
  its kind is 电话/上门/来访, or 其他 when the 拜访方式 is blank or unreadable;
- a **new client** is a registered client whose first dated visit ever falls in the week (the 客户档案
  has no creation date); it counts for the person who made that first visit;
- **plan vs actual**: a 拜访计划 row of the week is *done* when the same person visited the same client
  (by 客户编号, else by normalised 客户名称) in the same week; a visit of the week with no such plan is
  *unplanned*;
- a visit entered more than once (a ``duplicate_row`` group: identical after normalisation) counts once,
  as its first row, in every figure and in the trend; so does a plan entered more than once (the same
  拜访人, client and 计划日期), in plan vs actual and next week's plans;
- a **follow-up due next week** is a client whose due date as of the as-of date falls in the week after
  the report's week, by the rule the ``overdue_followup`` check uses (``checks.followup.followup_due``). It
  is listed for the client's owner (its 客户经理, else the department's manager), as its findings are.
  Each has a status: after the as-of date it is *planned* or *unplanned* exactly as the
  ``unplanned_followup`` check decides (a 拜访计划 row by anyone, dated from the as-of date to the due date:
  ``checks.followup.planned``); on the as-of date it is *due today*; before it (a report run later in the
  week, or for an older week) it is *overdue*, an ``overdue_followup`` finding;
- **next week's plans** are a person's 拜访计划 rows dated in the week after the report's week.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from huimao_sheets.checks.common import client_label
from huimao_sheets.checks.followup import Due, followup_due, planned
from huimao_sheets.checks.relations import visit_key
from huimao_sheets.config import Settings
from huimao_sheets.model import PlannedVisit, Register, Visit
from huimao_sheets.normalize import name_key
from huimao_sheets.reports.strings import CHANNEL_KEYS, OTHER_CHANNEL
from huimao_sheets.timing import Week

TREND_WEEKS = 4   # the company view shows this many weeks, the report's week last

# The status of a follow-up due next week (see the module docstring).
PLANNED, UNPLANNED, DUE_TODAY, OVERDUE = "planned", "unplanned", "due_today", "overdue"


def _first_entry(visit: Visit, counted: set[tuple]) -> bool:
    """Whether ``visit`` is the first row of its visit (a duplicate row of one already counted is not)."""
    key = visit_key(visit)
    if key in counted:
        return False
    counted.add(key)
    return True


def _first_plan(plan: PlannedVisit, counted: set[tuple]) -> bool:
    """Whether ``plan`` is the first row of its plan: the same 拜访人, client and day entered twice is one plan."""
    key = (plan.planned_date, _client_key(plan), plan.visitor)
    if key in counted:
        return False
    counted.add(key)
    return True


def channel_of(visit: Visit) -> str:
    return visit.channel if isinstance(visit.channel, str) else OTHER_CHANNEL


def _client_key(item: Visit | PlannedVisit) -> tuple | None:
    """What "the same client" means when matching plans to visits."""
    if item.client is not None:
        return ("client", id(item.client))
    if item.client_id:
        return ("id", item.client_id)
    if item.client_name:
        return ("name", name_key(item.client_name))
    return None


def _label(item: Visit | PlannedVisit) -> str:
    if item.client is not None:
        return client_label(item.client)
    return item.client_name or item.client_id or "—"


def visit_row(visit: Visit) -> dict[str, Any]:
    return {
        "date": visit.visit_date.isoformat(), "client": _label(visit), "channel": channel_of(visit),
        "visitor": visit.visitor or "", "problems": visit.problems or "", "outcome": visit.outcome or "",
        "row": visit.row,
    }


def empty_counts() -> dict[str, int]:
    return {key: 0 for key in CHANNEL_KEYS}


@dataclass
class PersonWeek:
    """One person's week, as plain data."""

    name: str
    visits: list[Visit] = field(default_factory=list)
    plans: list[PlannedVisit] = field(default_factory=list)
    new_clients: list[dict] = field(default_factory=list)
    followups: list[dict] = field(default_factory=list)
    next_plans: list[PlannedVisit] = field(default_factory=list)   # 拜访计划 rows dated in the next week

    def figures(self, week: Week) -> dict[str, Any]:
        """Everything the person's report shows except findings."""
        days = []
        by_channel = empty_counts()
        for day in week.days:
            counts = empty_counts()
            for v in self.visits:
                if v.visit_date == day:
                    counts[channel_of(v)] += 1
            for key, n in counts.items():
                by_channel[key] += n
            days.append({"date": day.isoformat(), "md": f"{day.month}/{day.day}", "weekday": day.weekday(),
                         "counts": counts, "total": sum(counts.values())})
        ordered = sorted(self.visits, key=lambda v: (v.visit_date, v.row))
        visited = {(_client_key(v), v.visitor) for v in self.visits}
        planned = {(_client_key(p), p.visitor) for p in self.plans}
        missed = [p for p in sorted(self.plans, key=lambda p: (p.planned_date, p.row))
                  if (_client_key(p), p.visitor) not in visited or _client_key(p) is None]
        return {
            "name": self.name,
            "visits": len(self.visits),
            "by_channel": by_channel,
            "days": days,
            "max_day": max((d["total"] for d in days), default=0),
            "new_clients": self.new_clients,
            "problems": [visit_row(v) for v in ordered if v.problems],
            "no_problems": [visit_row(v) for v in ordered if not v.problems],
            "planned": len(self.plans),
            "done": len(self.plans) - len(missed),
            "missed": [{"date": p.planned_date.isoformat(), "client": _label(p), "purpose": p.purpose or "",
                        "row": p.row} for p in missed],
            "unplanned": sum(1 for v in self.visits if (_client_key(v), v.visitor) not in planned),
            "followups": self.followups,
            "followups_planned": sum(1 for f in self.followups if f["status"] == PLANNED),
            "followups_unplanned": sum(1 for f in self.followups if f["status"] == UNPLANNED),
            "followups_due": sum(1 for f in self.followups if f["status"] in (DUE_TODAY, OVERDUE)),
            "next_plans": [plan_row(p) for p in sorted(self.next_plans, key=lambda p: (p.planned_date, p.row))],
        }


class Activity:
    """The register seen from one week: each person's visits, plans, new clients and due follow-ups."""

    def __init__(self, register: Register, week: Week, as_of: date, settings: Settings):
        self.register = register
        self.week = week
        self.as_of = as_of
        self.people: dict[str, PersonWeek] = {}
        first_visit: dict[int, Visit] = {}
        counted: set[tuple] = set()
        for v in register.visits:
            if not isinstance(v.visit_date, date):
                continue
            if v.visitor and week.contains(v.visit_date) and _first_entry(v, counted):
                self.person(v.visitor).visits.append(v)
            if v.client is None:
                continue
            key = id(v.client)
            if key not in first_visit or (v.visit_date, v.row) < (first_visit[key].visit_date, first_visit[key].row):
                first_visit[key] = v
        next_week = week.shifted(1)
        plans: set[tuple] = set()
        for p in register.plans:
            if p.visitor and isinstance(p.planned_date, date) and _first_plan(p, plans):
                if week.contains(p.planned_date):
                    self.person(p.visitor).plans.append(p)
                elif next_week.contains(p.planned_date):
                    self.person(p.visitor).next_plans.append(p)
        for client in register.clients:
            first = first_visit.get(id(client))
            if first is not None and first.visitor and week.contains(first.visit_date):
                self.person(first.visitor).new_clients.append(
                    {"client": client_label(client), "date": first.visit_date.isoformat(), "channel": channel_of(first)})
        self._followups(settings)

    def person(self, name: str) -> PersonWeek:
        found = self.people.get(name)
        if found is None:
            found = self.people[name] = PersonWeek(name)
        return found

    def _followups(self, settings: Settings) -> None:
        next_week = self.week.shifted(1)
        self.dues: dict[int, Due] = {}   # Client.index → its next follow-up
        for d in followup_due(self.register, self.as_of, settings):
            self.dues[d.client.index] = d
            if d.owner is None or not next_week.contains(d.due):
                continue
            status = followup_status(self.register, d, self.as_of)
            self.person(d.owner).followups.append(
                followup_row(d, status=status))
        for person in self.people.values():
            person.followups.sort(key=lambda f: (f["due"], f["client"]))

    def figures(self, name: str) -> dict[str, Any]:
        return self.people.get(name, PersonWeek(name)).figures(self.week)


def followup_status(register: Register, d: Due, as_of: date) -> str:
    """OVERDUE, DUE_TODAY, or — after ``as_of`` — PLANNED or UNPLANNED by ``checks.followup.planned``.

    The week after a report's week ends at most six days after the as-of date, inside the seven days that
    ``unplanned_followup`` looks ahead: a follow-up of that week is UNPLANNED exactly when the check reports it.
    """
    if d.due < as_of:
        return OVERDUE
    if d.due == as_of:
        return DUE_TODAY
    return PLANNED if planned(register, d.client, as_of, d.due) else UNPLANNED


def followup_row(d: Due, status: str | None = None) -> dict[str, Any]:
    """A due follow-up as the reports' templates show it; ``status``: ``followup_status`` (None where the
    report does not say)."""
    return {"due": d.due.isoformat(), "client": client_label(d.client), "reason": d.reason, "status": status,
            "rating": d.client.rating if isinstance(d.client.rating, str) else "", "cadence_days": d.cadence_days or 0,
            "row": d.client.row, "last_visit": d.last_visit.isoformat() if d.last_visit else None}


def plan_row(p: PlannedVisit) -> dict[str, Any]:
    """A 拜访计划 row as the reports show it: date, weekday (0 = Monday), client, purpose and sheet row."""
    return {"date": p.planned_date.isoformat(), "weekday": p.planned_date.weekday(), "client": _label(p),
            "purpose": p.purpose or "", "row": p.row}


def weekly_visit_counts(register: Register, weeks: list[Week]) -> dict[str | None, list[int]]:
    """Visitor → number of visits in each of ``weeks`` (one pass over the visits)."""
    index = {w: i for i, w in enumerate(weeks)}
    first, last = weeks[0].monday, weeks[-1].sunday
    counts: dict[str | None, list[int]] = defaultdict(lambda: [0] * len(weeks))
    counted: set[tuple] = set()
    for v in register.visits:
        if isinstance(v.visit_date, date) and first <= v.visit_date <= last and _first_entry(v, counted):
            i = index.get(Week.of(v.visit_date))
            if i is not None:
                counts[v.visitor][i] += 1
    return counts
