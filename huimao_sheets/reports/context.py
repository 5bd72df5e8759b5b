"""The context of each weekly report: plain data (dicts, lists, strings, numbers) built before rendering,
so a template only lays it out. Cell text stays raw here; the HTML templates escape it (autoescape).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from huimao_sheets.checks import CHECKS, HYGIENE, ORDER, label
from huimao_sheets.checks.common import client_label
from huimao_sheets.checks.staff import departed_clients
from huimao_sheets.config import SpotCheckSettings
from huimao_sheets.findings import ERROR, Finding
from huimao_sheets.layout import ACCOUNT_MANAGER, DEPARTMENT_MANAGER
from huimao_sheets.ledger import finding_fingerprint
from huimao_sheets.model import Client, Register, Visit
from huimao_sheets.reports.activity import (
    TREND_WEEKS,
    Activity,
    empty_counts,
    visit_row,
    weekly_visit_counts,
)
from huimao_sheets.reports.spot_checks import spot_check_section
from huimao_sheets.timing import Week

LIST_LIMIT = 50          # rows of one list shown in a mail; the rest are counted ("… and 12 more")
HYGIENE_SAMPLE = 3       # data-hygiene findings of one kind shown in a mail; the 数据检查 sheet has them all
OWNER, NOTIFIED = "owner", "notify"   # how a person comes to read a finding
TOP_N = 10               # longest-open findings in the company view
COLLISION_CODES = ("visit_collision", "plan_collision")

PersonContext = Callable[[str], dict[str, Any]]   # name → person_context(...), possibly cached

# The figures summed over people for department and company rows.
_SUMMED = ("visits", "new_clients", "problems", "no_problems", "planned", "done", "unplanned", "followups",
           "findings", "errors", "followups_planned", "followups_unplanned", "followups_due", "next_plans")


@dataclass
class OpenFindings:
    """The open findings with their first-seen dates, and who reads each: its owner, the people it
    notifies, and — for a person nobody can mail — the colleague who receives their mail on their behalf
    (``on_behalf``: absent person → stand-in, ``recipients.stand_ins``)."""

    findings: list[Finding]
    first_seen: dict[str, date]
    as_of: date
    on_behalf: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_owner: dict[str | None, list[Finding]] = defaultdict(list)
        self.by_notified: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            self.by_owner[f.owner].append(f)
            for name in f.notify:
                self.by_notified[name].append(f)
        self.represented: dict[str, list[str]] = defaultdict(list)   # stand-in → the absent people
        for absent, stand_in in self.on_behalf.items():
            self.represented[stand_in].append(absent)
        self._rows: dict[int, dict[str, Any]] = {}

    def for_person(self, name: str) -> list[tuple[Finding, str, str]]:
        """What ``name`` reads: (finding, OWNER or NOTIFIED, on whose behalf or ""), each finding once."""
        seen: set[int] = set()
        found = []
        for who, behalf in [(name, "")] + [(absent, absent) for absent in self.represented.get(name, [])]:
            for role, findings in ((OWNER, self.by_owner.get(who, [])), (NOTIFIED, self.by_notified.get(who, []))):
                for f in findings:
                    if id(f) not in seen:
                        seen.add(id(f))
                        found.append((f, role, behalf))
        return found

    def row(self, f: Finding, t: dict, role: str = OWNER, behalf: str = "") -> dict[str, Any]:
        found = self._rows.get(id(f))
        if found is None:
            seen = self.first_seen.get(finding_fingerprint(f), self.as_of)
            found = self._rows[id(f)] = {
                "code": f.code, "label": label(f.code, t["lang"]), "severity": f.severity,
                "message": f.message, "owner": f.owner or "", "first_seen": seen.isoformat(),
                "days_open": max((self.as_of - seen).days, 0), "new": seen >= self.as_of}
        return {**found, "role": role, "on_behalf_of": behalf}

    def rows(self, findings: list, t: dict) -> list[dict[str, Any]]:
        """Longest open first, then in the order of the findings contract. ``findings``: findings, or the
        (finding, role, on behalf of) entries of ``for_person``."""
        entries = [f if isinstance(f, tuple) else (f, OWNER, "") for f in findings]
        rows = [self.row(f, t, role, behalf) for f, role, behalf in entries]
        rows.sort(key=lambda r: (-r["days_open"], ORDER.get(r["code"], 99)))
        return rows


def hygiene_groups(rows: list[dict[str, Any]], first: int = HYGIENE_SAMPLE) -> list[dict[str, Any]]:
    """Data-hygiene findings grouped by kind, in the contract's order: the label, the count, the first rows."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r["code"]].append(r)
    return [{"code": code, "label": items[0]["label"], "severity": items[0]["severity"], "count": len(items),
             "rows": items[:first], "more": max(len(items) - first, 0)}
            for code, items in sorted(groups.items(), key=lambda kv: ORDER.get(kv[0], 99))]


def signed(n: int) -> str:
    """A change with its sign, as a reader expects it: ``+12``, ``−3`` (a minus sign), ``±0``."""
    if n > 0:
        return f"+{n}"
    if n < 0:
        return f"\u2212{-n}"
    return "\u00b10"


def limited(rows: list, limit: int = LIST_LIMIT) -> dict[str, Any]:
    """A list as a mail shows it: the first ``limit`` rows and how many more there are."""
    return {"rows": rows[:limit], "more": max(len(rows) - limit, 0), "count": len(rows)}


def week_info(week: Week) -> dict[str, Any]:
    return {"label": week.label, "year": week.year, "number": week.number, "span": week.span(),
            "start": week.monday.isoformat(), "end": week.sunday.isoformat()}


def person_context(activity: Activity, name: str, open_findings: OpenFindings, t: dict) -> dict[str, Any]:
    """One person's week: visits by day and kind, new clients, problems, plans, follow-ups, findings."""
    figures = activity.figures(name)
    mine = open_findings.by_owner.get(name, [])
    rows = open_findings.rows(open_findings.for_person(name), t)
    business = [r for r in rows if r["code"] not in HYGIENE]
    hygiene = [r for r in rows if r["code"] in HYGIENE]
    return {
        **figures,
        "new_clients": limited(figures["new_clients"]),
        "problems": limited(figures["problems"]),
        "no_problems": limited(figures["no_problems"]),
        "missed": limited(figures["missed"]),
        "followups": limited(figures["followups"]),
        "next_plans": limited(figures["next_plans"]),
        "findings": limited(business, len(business)),   # business first, in full: what needs the person
        "hygiene": hygiene_groups(hygiene),             # cells to correct, by kind; the sheet lists them all
        "hygiene_count": len(hygiene),
        "open_count": len(mine),
        "on_behalf_of": open_findings.represented.get(name, []),
        "errors": sum(1 for f in mine if f.severity == ERROR),
        "warnings": sum(1 for f in mine if f.severity != ERROR),
    }


def summary(person: dict[str, Any]) -> dict[str, Any]:
    """The numbers of a person's week that add up across a department."""
    return {
        "name": person["name"], "visits": person["visits"], "by_channel": person["by_channel"],
        "new_clients": person["new_clients"]["count"], "problems": person["problems"]["count"],
        "no_problems": person["no_problems"]["count"], "planned": person["planned"], "done": person["done"],
        "unplanned": person["unplanned"], "followups": person["followups"]["count"],
        "findings": person["open_count"], "errors": person["errors"],
        "followups_planned": person["followups_planned"], "followups_unplanned": person["followups_unplanned"],
        "followups_due": person["followups_due"],
        "next_plans": person["next_plans"]["count"],
    }


def add_up(rows: list[dict[str, Any]], name: str = "") -> dict[str, Any]:
    total: dict[str, Any] = {key: sum(r[key] for r in rows) for key in _SUMMED}
    total["by_channel"] = empty_counts()
    for r in rows:
        for key, n in r["by_channel"].items():
            total["by_channel"][key] += n
    total["name"] = name
    return total


def department_members(register: Register, department: str) -> list[str]:
    """客户经理 and 部门经理 of a department, in sheet order, each once."""
    names: dict[str, None] = {}
    for s in register.staff:
        if s.name and s.department == department and s.role in (ACCOUNT_MANAGER, DEPARTMENT_MANAGER):
            names.setdefault(s.name, None)
    return list(names)


def team_visits(activity: Activity, members: list[str]) -> list[Visit]:
    """The visits of the week made by the team's members (each entered visit once)."""
    return [v for m in members for v in activity.people.get(m, _NOBODY).visits]


def handover(activity: Activity, clients: list[Client]) -> dict[str, Any]:
    """Clients whose 客户经理 has left 员工, as a handover list: the client, the manager named, the last visit
    (on or before the as-of date) and the next follow-up due; soonest due first, never-due last. Listed in
    full: each is a client nobody looks after."""
    rows = []
    for c in clients:
        days = [v.visit_date for v in activity.register.visits_by_client[c.index]
                if isinstance(v.visit_date, date) and v.visit_date <= activity.as_of]
        due = activity.dues.get(c.index)
        rows.append({"client": client_label(c), "manager": c.account_manager or "", "row": c.row,
                     "last_visit": max(days).isoformat() if days else "", "due": due.due.isoformat() if due else "",
                     "overdue": due is not None and due.due < activity.as_of})
    rows.sort(key=lambda r: (not r["due"], r["due"], r["row"]))
    return {"rows": rows, "count": len(rows)}


def departed_by_department(register: Register) -> dict[str | None, list[Client]]:
    """The handover lists: clients whose 客户经理 is not on 员工, by the department whose 部门经理 takes them
    over — their 所属部门 — and under None those of no department, or of one without a 部门经理 (the
    director's)."""
    found: dict[str | None, list[Client]] = defaultdict(list)
    for c in departed_clients(register):
        found[c.department if c.department and register.managers_of(c.department) else None].append(c)
    return found


class _Nobody:
    visits: list = []


_NOBODY = _Nobody()


def department_context(activity: Activity, department: str, open_findings: OpenFindings, t: dict,
                       person: PersonContext | None = None, spot_check_key: bytes | None = None,
                       spot_check: SpotCheckSettings = SpotCheckSettings()) -> dict[str, Any]:
    """A department's week: each member's figures, the totals, the team's collisions and a spot-check sample
    of the team's visits (``reports.spot_checks``, keyed with the install's secret and the department; no
    sample without the key)."""
    person = person or (lambda name: person_context(activity, name, open_findings, t))
    members = department_members(activity.register, department)
    people = [summary(person(m)) for m in members]
    team = set(members)
    collisions = [f for f in open_findings.findings
                  if f.code in COLLISION_CODES and (team & set(f.staff) or f.owner in team)]
    days = []
    for i, day in enumerate(activity.week.days):
        total = sum(1 for m in members for v in activity.people.get(m, _NOBODY).visits if v.visit_date == day)
        days.append({"date": day.isoformat(), "md": f"{day.month}/{day.day}", "weekday": i, "total": total})
    return {
        "name": department,
        "members": people,
        "max_visits": max((p["visits"] for p in people), default=0),
        "totals": add_up(people, department),
        "days": days,
        "max_day": max((d["total"] for d in days), default=0),
        "collisions": limited(open_findings.rows(collisions, t)),
        "spot_check": spot_check_section(team_visits(activity, members), activity.week, spot_check_key, spot_check,
                                         scope=department),
        "handover": handover(activity, departed_by_department(activity.register).get(department, [])),
    }


def departments(register: Register) -> list[str]:
    """Departments that have 客户经理 or 部门经理, in sheet order."""
    found: dict[str, None] = {}
    for s in register.staff:
        if s.department and s.role in (ACCOUNT_MANAGER, DEPARTMENT_MANAGER):
            found.setdefault(s.department, None)
    return list(found)


def company_context(activity: Activity, previous: Activity, open_findings: OpenFindings, t: dict,
                    person: PersonContext | None = None) -> dict[str, Any]:
    """The company's week: per department, the week-over-week trend and the largest problems."""
    person = person or (lambda name: person_context(activity, name, open_findings, t))
    register = activity.register
    weeks = [activity.week.shifted(i - TREND_WEEKS + 1) for i in range(TREND_WEEKS)]
    counts = weekly_visit_counts(register, weeks)
    dept_of = {s.name: s.department for s in register.staff if s.name}

    # Everyone who did or owns something, by department; people not in the 员工 sheet in a row of
    # their own. (Visits without a visitor are missing_required findings and count in no department.)
    people_by_dept: dict[str, set[str]] = defaultdict(set)
    for name in {*activity.people, *previous.people, *open_findings.by_owner, *counts}:
        if name is not None:
            people_by_dept[dept_of.get(name) or t["unassigned"]].add(name)
    names = departments(register)
    names += sorted(d for d in people_by_dept if d not in names)

    rows = []
    for name in names:
        members = sorted(people_by_dept.get(name, ()))
        now = add_up([summary(person(m)) for m in members], name)
        before = sum(len(previous.people[m].visits) for m in members if m in previous.people)
        trend = [sum(counts[m][i] for m in members if m in counts) for i in range(TREND_WEEKS)]
        if name == t["unassigned"] and not (now["visits"] or now["findings"] or any(trend)):
            continue
        rows.append({**now, "members": len(department_members(register, name)), "previous_visits": before,
                     "change": now["visits"] - before, "change_text": signed(now["visits"] - before), "trend": trend})

    totals = add_up(rows, t["company"])
    totals["previous_visits"] = sum(r["previous_visits"] for r in rows)
    totals["change"] = totals["visits"] - totals["previous_visits"]
    totals["change_text"] = signed(totals["change"])
    totals["trend"] = [sum(r["trend"][i] for r in rows) for i in range(TREND_WEEKS)]

    # the problems escalated to the director have their own section above: not repeated as the longest-open
    listed = {id(f) for f in escalated_to_director(open_findings.findings)}
    by_code = Counter(f.code for f in open_findings.findings)
    owners = Counter(f.owner for f in open_findings.findings if f.owner)
    errors = Counter(f.owner for f in open_findings.findings if f.owner and f.severity == ERROR)
    return {
        "departments": rows,
        "totals": totals,
        "trend_weeks": [{"label": w.label, "number": w.number, "span": w.span()} for w in weeks],
        "max_trend": max((n for r in rows for n in r["trend"]), default=0),
        "max_visits": max((r["visits"] for r in rows), default=0),
        "by_code": [{"code": c, "label": label(c, t["lang"]), "severity": CHECKS[c].severity if c in CHECKS else "",
                     "count": n}
                    for c, n in sorted(by_code.items(), key=lambda kv: (-kv[1], ORDER.get(kv[0], 99)))],
        "max_code": max(by_code.values(), default=0),
        "longest_open": open_findings.rows([f for f in open_findings.findings if id(f) not in listed], t)[:TOP_N],
        "top_owners": [{"name": o, "department": dept_of.get(o) or "", "count": n, "errors": errors.get(o, 0)}
                       for o, n in owners.most_common(5)],
        "findings": len(open_findings.findings),
        "handover": handover(activity, departed_by_department(register).get(None, [])),
        "unanswered": unanswered_summary(open_findings, t, dept_of),
    }


def escalated_to_director(findings: list[Finding]) -> list[Finding]:
    """Problems left unanswered past three times ``response_days``: the company view lists them."""
    return [f for f in findings if f.code == "unanswered_problem" and f.details.get("escalate") == "director"]


def unanswered_summary(open_findings: OpenFindings, t: dict, dept_of: dict[str, str | None],
                       oldest: int = TOP_N) -> dict[str, Any]:
    """The director's view of the problems escalated to them: how many each 拜访人 (the owner) has left and
    the oldest in working days, most first; and the ``oldest`` longest unanswered in full. Each is listed in
    full in the owner's mail and their 部门经理's; the 数据检查 sheet has them all."""
    found = sorted(escalated_to_director(open_findings.findings),
                   key=lambda f: (-f.details.get("working_days", 0), f.rows))
    by_owner: dict[str, list[Finding]] = defaultdict(list)
    for f in found:
        by_owner[f.owner or ""].append(f)
    people = [{"name": name, "department": dept_of.get(name) or "", "count": len(items),
               "oldest_days": items[0].details.get("working_days", 0)}
              for name, items in by_owner.items()]
    people.sort(key=lambda r: (-r["count"], -r["oldest_days"], r["name"]))
    return {**limited([open_findings.row(f, t) for f in found], oldest), "by_owner": people}
