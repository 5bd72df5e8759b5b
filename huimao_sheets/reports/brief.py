"""The pre-visit brief of the daily digest (在拜访客户之前应先与相关同事进行相关沟通，以免造成“撞车”).

As of day D, every 拜访计划 row dated from D to the next working day after D (China's official calendar and
the company's days off: ``timing.work_calendar``; a weekend between them included) whose client is on the
register and whose 拜访人 is named gives its planner a **brief** of the client:

- the client's last ``LAST_VISITS`` visits on or before D (latest first): date, 拜访人, 拜访方式, 客户反映问题,
  拜访结果 and 应对措施 (when the sheet has that column) — what colleagues already learned;
- every **colleague** (anyone but the planner) who visited the client on or before D, or plans to visit it,
  within the collision window of the planned day (``checks.collision_window_days``, counted as the
  collision checks count: ``checks.day_count``), by name and date.

Each such colleague gets a **warning** in their own digest: the planner, the client, the planned day and the
dates of the colleague's own visits or plans — unless their own brief of the same client already names the
planner (two colleagues both planning the client in these days read of each other once).

A planner with two plans of one client in these days gets one brief, of the earlier plan. Pure: the register,
the day and the settings in, plain data out (cell text raw: the HTML templates escape it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from huimao_sheets.checks.collisions import day_counter
from huimao_sheets.checks.common import client_label
from huimao_sheets.config import Settings
from huimao_sheets.model import Client, PlannedVisit, Register, Visit
from huimao_sheets.reports.activity import channel_of
from huimao_sheets.timing import work_calendar

LAST_VISITS = 3
VISITED, PLANS = "visited", "plans"


@dataclass
class Briefs:
    """Person → their briefs (as the planner) and their warnings (as a colleague), each list in date order."""

    days: tuple[date, date]                                          # D and the next working day after it
    briefs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    warnings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def brief_days(as_of: date, settings: Settings) -> tuple[date, date]:
    """The days whose plans get a brief: ``as_of`` and the next working day after it."""
    return as_of, work_calendar(settings).add_working_days(as_of, 1)


def _visit(v: Visit) -> dict[str, Any]:
    return {"date": v.visit_date.isoformat(), "visitor": v.visitor or "", "channel": channel_of(v),
            "problems": v.problems or "", "outcome": v.outcome or "", "response": v.response or "", "row": v.row}


def _colleagues(plan: PlannedVisit, visits: list[Visit], plans: list[PlannedVisit], as_of: date,
                settings: Settings) -> list[dict[str, Any]]:
    """Others who visited (on or before ``as_of``) or plan the client within the window of ``plan``."""
    window, counter = settings.checks.collision_window_days, day_counter(settings)
    day = plan.planned_date
    events = {(v.visitor, VISITED, v.visit_date) for v in visits
              if v.visitor and v.visitor != plan.visitor and isinstance(v.visit_date, date) and v.visit_date <= as_of
              and abs(counter.between(v.visit_date, day)) <= window}
    events |= {(p.visitor, PLANS, p.planned_date) for p in plans
               if p.visitor and p.visitor != plan.visitor and isinstance(p.planned_date, date)
               and abs(counter.between(p.planned_date, day)) <= window}
    return [{"name": name, "kind": kind, "date": d.isoformat()}
            for name, kind, d in sorted(events, key=lambda e: (e[2], e[0], e[1]))]


def _brief(plan: PlannedVisit, client: Client, register: Register, as_of: date, settings: Settings) -> dict[str, Any]:
    visits = register.visits_by_client[client.index]
    past = sorted((v for v in visits if isinstance(v.visit_date, date) and v.visit_date <= as_of),
                  key=lambda v: (v.visit_date, v.row), reverse=True)
    return {
        "client": client_label(client), "client_id": client.client_id or "", "date": plan.planned_date.isoformat(),
        "weekday": plan.planned_date.weekday(), "today": plan.planned_date == as_of, "purpose": plan.purpose or "",
        "planner": plan.visitor, "row": plan.row,
        "visits": [_visit(v) for v in past[:LAST_VISITS]], "visit_count": len(past),
        "colleagues": _colleagues(plan, visits, register.plans_by_client[client.index], as_of, settings),
    }


def pre_visit_briefs(register: Register, as_of: date, settings: Settings) -> Briefs:
    """The briefs of the plans of ``as_of`` and the next working day, and the colleagues' warnings."""
    first, last = brief_days(as_of, settings)
    chosen: dict[tuple[str, int], PlannedVisit] = {}    # (planner, client index) → the earliest plan
    for p in sorted(register.plans, key=lambda p: (p.planned_date if isinstance(p.planned_date, date) else last, p.row)):
        if (p.visitor and p.client is not None and isinstance(p.planned_date, date)
                and first <= p.planned_date <= last):
            chosen.setdefault((p.visitor, p.client.index), p)
    briefs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (planner, _index), plan in chosen.items():
        briefs[planner].append(_brief(plan, plan.client, register, as_of, settings))

    warnings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for planner, items in briefs.items():
        for b in items:
            for name in dict.fromkeys(c["name"] for c in b["colleagues"]):
                own = briefs.get(name, [])
                if any(o["client"] == b["client"] and planner in {c["name"] for c in o["colleagues"]} for o in own):
                    continue   # their own brief of this client already names the planner
                mine = [c for c in b["colleagues"] if c["name"] == name]
                warnings[name].append({
                    "planner": planner, "client": b["client"], "client_id": b["client_id"], "date": b["date"],
                    "visited": [c["date"] for c in mine if c["kind"] == VISITED],
                    "planned": [c["date"] for c in mine if c["kind"] == PLANS]})
    for rows in (*briefs.values(), *warnings.values()):
        rows.sort(key=lambda r: (r["date"], r["client"]))
    return Briefs((first, last), dict(briefs), dict(warnings))
