"""撞车: two colleagues working one client without knowing it.

``visit_collision``  two or more different staff visited one client within the window of each other
                     (default 7 days, inclusive). One finding per client and episode: the visits linked,
                     directly or through each other, by a pair of different visitors within the window.
``plan_collision``   a planned visit within the window of another person's plan or visit of the same
                     client. One finding per client and episode, on the 拜访计划 rows; the visits
                     involved are listed in ``details.visit_rows``.

One person spelled ``张伟``, `` 张伟 `` or ``张　伟`` is one visitor: names are normalised when read.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from operator import attrgetter
from typing import NamedTuple

from huimao_sheets.checks.common import client_label, client_owner
from huimao_sheets.checks.spec import Check
from huimao_sheets.config import Settings
from huimao_sheets.findings import WARNING, Finding
from huimao_sheets.model import Register
from huimao_sheets.timing import work_calendar
from huimao_sheets.workdays import DayCounter


class Event(NamedTuple):
    day: date
    person: str
    row: int
    is_plan: bool


def day_counter(settings: Settings) -> DayCounter:
    return DayCounter(settings.checks.day_count == "working", work_calendar(settings))


def _span(window: int, counter: DayCounter) -> int:
    """The calendar days two events may be apart and still be within ``window``: working days stretch a
    window over weekends and holidays, so a generous span is scanned."""
    return window if not counter.working else window * 2 + 14


def _shifted(day: date, days: int) -> date:
    """``day`` moved by ``days``, held within the calendar (a plan typed for the year 1 or 9999 is a date)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


def _episodes(events: list[Event], window: int, counter: DayCounter, linked) -> list[list[Event]]:
    """Connected groups of events, where ``linked(a, b)`` pairs within the window are joined."""
    events = sorted(events)
    parent = list(range(len(events)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    span = _span(window, counter)
    for i, a in enumerate(events):
        for j in range(i + 1, len(events)):
            b = events[j]
            if (b.day - a.day).days > span:
                break
            if a.person != b.person and linked(a, b) and counter.between(a.day, b.day) <= window:
                parent[find(j)] = find(i)
    groups: dict[int, list[Event]] = defaultdict(list)
    for i, event in enumerate(events):
        groups[find(i)].append(event)
    return [g for g in groups.values() if len(g) > 1]


def _people(events: list[Event]) -> list[str]:
    seen: dict[str, None] = {}
    for e in events:
        seen.setdefault(e.person, None)
    return list(seen)


def _visit_events(visits: list, as_of: date, since: date = date.min) -> list[Event]:
    """A client's visits that can collide: a visitor and a readable date, on or before the as-of date
    (a visit dated later has not happened — future_date reports it); with ``since``, on or after it."""
    return [Event(v.visit_date, v.visitor, v.row, False) for v in visits
            if v.visitor is not None and isinstance(v.visit_date, date) and since <= v.visit_date <= as_of]


_visitor = attrgetter("visitor")


def _plan_events(plans: list) -> list[Event]:
    return [Event(p.planned_date, p.visitor, p.row, True) for p in plans
            if p.visitor is not None and isinstance(p.planned_date, date)]


def visit_collision(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    window = settings.checks.collision_window_days
    counter = day_counter(settings)
    sheet = register.sheet_titles["visits"]
    findings = []
    for client, visits in zip(register.clients, register.visits_by_client):
        if len(visits) < 2 or len({v.visitor for v in visits}) < 2:
            continue  # one visitor (the usual case) cannot collide
        events = _visit_events(visits, as_of)
        for episode in _episodes(events, window, counter, lambda a, b: True):
            staff = _people(episode)
            start, end = episode[0].day, episode[-1].day
            owner = client_owner(register, client)
            findings.append(Finding(
                code="visit_collision", sheet=sheet, rows=[e.row for e in episode], column=None,
                client_ids=[client.client_id] if client.client_id else [], staff=staff,
                owner=owner, notify=[s for s in staff if s != owner],
                message=VISIT_COLLISION.text(settings.language, client=client_label(client),
                                staff="、".join(staff), start=start.isoformat(), end=end.isoformat()),
                details={"start": start.isoformat(), "end": end.isoformat(), "window_days": window},
            ))
    return findings


def plan_collision(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    window = settings.checks.collision_window_days
    counter = day_counter(settings)
    sheet = register.sheet_titles["plans"]
    findings = []
    for client, plans, visits in zip(register.clients, register.plans_by_client, register.visits_by_client):
        planned = _plan_events(plans)
        if not planned:
            continue
        planners = {e.person for e in planned}
        if len(planners) == 1 and not set(map(_visitor, visits)) - planners - {None}:
            continue  # one person plans and visits the client (the usual case): nobody to collide with
        # A visit takes part only through a plan within the window (visit–visit pairs are visit_collision's
        # business), so the visits farther than the span from every plan cannot: they are left out at once.
        span = _span(window, counter)
        first, last = _shifted(min(e.day for e in planned), -span), _shifted(max(e.day for e in planned), span)
        events = planned + _visit_events(visits, min(as_of, last), since=first)
        if len({e.person for e in events}) < 2:
            continue
        # Visit–visit pairs are visit_collision's business; here a plan must be on one side.
        for episode in _episodes(events, window, counter, lambda a, b: a.is_plan or b.is_plan):
            plan_rows = [e.row for e in episode if e.is_plan]
            if not plan_rows:
                continue
            staff = _people(episode)
            start, end = episode[0].day, episode[-1].day
            # The planner must act (talk before going); every colleague the plan collides with hears of it.
            owner = next((e.person for e in episode if e.is_plan and e.person), None) or client_owner(register, client)
            findings.append(Finding(
                code="plan_collision", sheet=sheet, rows=plan_rows, column=None,
                client_ids=[client.client_id] if client.client_id else [], staff=staff,
                owner=owner, notify=[s for s in staff if s != owner],
                message=_plan_collision_message(settings.language, client_label(client), owner, episode, window),
                details={"visit_rows": sorted(e.row for e in episode if not e.is_plan),
                         "start": start.isoformat(), "end": end.isoformat(), "window_days": window},
            ))
    return findings


# The parts of a plan collision's message: the planner's plan, then each colleague's visits or plans.
_CLAUSES = {
    "zh": {"visit": "{person}已于{dates}拜访", "plan": "{person}也计划于{dates}拜访",
           "joiner": "，", "dates": "、", "more_dates": "等", "more_people": "另有{n}位同事也在此期间拜访或计划拜访"},
    "en": {"visit": "{person} visited on {dates}", "plan": "{person} also plans to visit on {dates}",
           "joiner": "; ", "dates": ", ", "more_dates": ", …", "more_people": "{n} more colleagues visit or plan to visit then"},
}
_MAX_DATES = 3      # dates shown per person and kind; more read as 等 / …
_MAX_COLLEAGUES = 4  # colleagues' clauses shown; the rest are counted


def _dates(days: list[date], parts: dict) -> str:
    shown = parts["dates"].join(d.isoformat() for d in days[:_MAX_DATES])
    return shown + (parts["more_dates"] if len(days) > _MAX_DATES else "")


def _plan_collision_message(language: str, client: str, planner: str, episode: list[Event], window: int) -> str:
    """Say who plans what and when, and each colleague's visit or plan it collides with, by date."""
    parts = _CLAUSES[language]
    by_clause: dict[tuple[str, bool], list[date]] = {}
    for e in episode:  # in date order: clauses follow the first date of each person's visits or plans
        by_clause.setdefault((e.person, e.is_plan), []).append(e.day)
    planned = by_clause.pop((planner, True))
    by_clause.pop((planner, False), None)   # the planner's own visits are no news to them (details.visit_rows)
    clauses = [parts["plan" if is_plan else "visit"].format(person=person, dates=_dates(days, parts))
               for (person, is_plan), days in by_clause.items()]
    if len(clauses) > _MAX_COLLEAGUES:
        hidden = {person for person, _ in list(by_clause)[_MAX_COLLEAGUES:]}
        hidden -= {person for person, _ in list(by_clause)[:_MAX_COLLEAGUES]}
        clauses = clauses[:_MAX_COLLEAGUES] + ([parts["more_people"].format(n=len(hidden))] if hidden else [])
    return PLAN_COLLISION.text(language, client=client, planner=planner, planned=_dates(planned, parts),
                               others=parts["joiner"].join(clauses), window=window)


VISIT_COLLISION = Check(
    code="visit_collision", severity=WARNING, function=visit_collision,
    label={"zh": "拜访撞车", "en": "Visit collision"},
    message={
        "zh": "客户“{client}”在{start}至{end}期间被{staff}先后拜访（撞车），请先互相沟通",
        "en": "Client “{client}” was visited by {staff} between {start} and {end} (collision); talk to each other first",
    },
    client_level=True,
)


PLAN_COLLISION = Check(
    code="plan_collision", severity=WARNING, function=plan_collision,
    label={"zh": "计划撞车", "en": "Plan collision"},
    message={
        "zh": "客户“{client}”：{planner}计划于{planned}拜访，{others}，相隔不超过{window}天，请先互相沟通",
        "en": "Client “{client}”: {planner} plans to visit on {planned}; {others} — within {window} days of each other; agree who goes",
    },
    client_level=True,
)
