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
from datetime import date
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


def _episodes(events: list[Event], window: int, counter: DayCounter, linked) -> list[list[Event]]:
    """Connected groups of events, where ``linked(a, b)`` pairs within the window are joined."""
    events = sorted(events)
    parent = list(range(len(events)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Working days stretch a window over weekends and holidays: scan a generous calendar span.
    span = window if not counter.working else window * 2 + 14
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


def _visit_events(visits: list, as_of: date) -> list[Event]:
    """A client's visits that can collide: a visitor and a readable date, on or before the as-of date
    (a visit dated later has not happened — future_date reports it)."""
    return [Event(v.visit_date, v.visitor, v.row, False) for v in visits
            if v.visitor is not None and isinstance(v.visit_date, date) and v.visit_date <= as_of]


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
        if not plans:
            continue
        events = _plan_events(plans) + _visit_events(visits, as_of)
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
                message=PLAN_COLLISION.text(settings.language, client=client_label(client),
                                staff="、".join(staff), window=window, start=start.isoformat(), end=end.isoformat()),
                details={"visit_rows": sorted(e.row for e in episode if not e.is_plan),
                         "start": start.isoformat(), "end": end.isoformat(), "window_days": window},
            ))
    return findings


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
        "zh": "客户“{client}”：{staff}的拜访计划与他人的计划或近期拜访相隔不超过{window}天（{start}至{end}），请先互相沟通",
        "en": "Client “{client}”: plans by {staff} fall within {window} days of another's plan or visit ({start} to {end}); agree who goes",
    },
    client_level=True,
)
