"""The daily digest (日报): each morning, each person what they must do today — and nobody gets an empty mail.

For a person of the 员工 sheet with a valid address, as of day D:

- **follow-ups due today**: the clients they own (as 客户经理, or as the department's manager of a client
  with none) whose due date is D, by the rule of the overdue check and the weekly report
  (``checks.followup.followup_due``);
- **overdue follow-ups**: the ``overdue_followup`` findings they own, longest open first;
- **follow-ups without a plan**: the ``unplanned_followup`` findings they own — a follow-up, not a data error;
- **what needs them**: every other finding they own that is not data hygiene, in full, longest open first (and
  one they are told of — ``notify`` — on the day it is new, or the day an ``unanswered_problem`` is escalated
  to them); then the **cells to correct** (``Check.hygiene``), grouped by kind as in the weekly report;
- **pre-visit briefs** of their plans of D and the next working day, and **warnings** of a colleague's plan
  of a client they visited or plan within the collision window (``reports.brief``).

A person with none of these gets no message; one with only a brief or a warning gets one. Templates:
``daily.subject.j2``, ``daily.txt.j2`` and ``daily.html.j2`` (which extends the reports' ``base.html.j2``);
the words are the weekly reports' strings plus ``DAILY_STRINGS``. Messages are keyed ``("daily-digest", "2026-11-30", address)`` in the mail ledger,
so a person gets at most one digest a day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from huimao_sheets.checks import HYGIENE
from huimao_sheets.checks.followup import followup_due
from huimao_sheets.config import Settings
from huimao_sheets.findings import Finding
from huimao_sheets.findings_sheet import findings_sheet_info
from huimao_sheets.mail import Mail
from huimao_sheets.model import Register
from huimao_sheets.reports.activity import followup_row
from huimao_sheets.reports.brief import pre_visit_briefs
from huimao_sheets.reports.context import OWNER, OpenFindings, hygiene_groups, limited
from huimao_sheets.reports.recipients import Recipient, stand_ins
from huimao_sheets.reports.render import Renderer
from huimao_sheets.reports.strings import strings

KIND = "daily-digest"
OVERDUE = "overdue_followup"
UNPLANNED = "unplanned_followup"

DAILY_STRINGS: dict[str, dict[str, Any]] = {
    "zh": {
        "brand": "慧茂日报",
        "daily_subject": "【慧茂日报】{about} {md}（{weekday}）今日跟进 {due} · 逾期 {overdue}{unplanned} · 待改 {findings}",
        "day_title": "{date}（{weekday}）",
        "intro_daily": "以下是您今天（{date}，{weekday}）需要处理的事项。",
        "due_today": "今日应跟进",
        "due_line": "{client}：{reason}；上次拜访 {last}",
        "due_by_date": "下次跟进日期为今天",
        "overdue": "已逾期的跟进",
        "unplanned": "未做计划的跟进",
        "unplanned_note": "这些客户近期应跟进，但“拜访计划”中还没有到期日前的安排：请补上计划，下次检查会自动消失。",
        "unplanned_subject": " · 未做计划 {n}",
        "last_visit": "上次拜访",
        "never": "从未拜访",
        "brief_subject": " · 拜访简报 {n}",
        "warning_subject": " · 撞车提醒 {n}",
        "briefs": "拜访前简报",
        "briefs_note": "从今天到下一个工作日（{until}）计划拜访的客户：最近的拜访记录，以及近期拜访过或计划拜访该客户的同事。",
        "today": "今天",
        "brief_plan": "{date}（{when}）拜访 {client}",
        "purpose": "（目的：{purpose}）",
        "brief_visits": "最近{n}次拜访（共{total}次）",
        "brief_no_visits": "该客户还没有拜访记录。",
        "problems_label": "客户反映问题",
        "response_label": "应对措施",
        "colleague_visited": "{name}于{date}拜访过该客户",
        "colleague_plans": "{name}计划于{date}拜访该客户",
        "talk_to": "出发前请先与{names}沟通，以免撞车。",
        "stop": "。",
        "warnings": "同事的拜访计划",
        "warning": "{planner}计划于{date}拜访{client}",
        "you_visited": "您于{dates}拜访过该客户",
        "you_plan": "您计划于{dates}拜访该客户",
        "talk_first": "请先沟通。",
        "list_sep": "、",
        "clause_sep": "；",
        "dash": "——",
    },
    "en": {
        "brand": "Huimao daily",
        "daily_subject": "[Huimao daily] {about} {md} ({weekday}): {due} due today · {overdue} overdue{unplanned} · {findings} to fix",
        "day_title": "{date} ({weekday})",
        "intro_daily": "Here is what needs your attention today ({weekday} {date}).",
        "due_today": "Follow-ups due today",
        "due_line": "{client}: {reason}; last visit {last}",
        "due_by_date": "next follow-up date is today",
        "overdue": "Overdue follow-ups",
        "unplanned": "Follow-ups without a plan",
        "unplanned_note": "These clients are due for a follow-up soon, but the visit plan has nothing for them before "
                          "the due date: add a plan and they disappear at the next check.",
        "unplanned_subject": " · {n} without a plan",
        "last_visit": "Last visit",
        "never": "never visited",
        "brief_subject": " · planned visits: {n}",
        "warning_subject": " · colleagues' plans: {n}",
        "briefs": "Before your visits",
        "briefs_note": "Clients you plan to visit from today to the next working day ({until}): their latest visits, and the "
                       "colleagues who recently visited or plan to visit them.",
        "today": "today",
        "brief_plan": "{when} {date}: visit {client}",
        "purpose": " (purpose: {purpose})",
        "brief_visits": "Latest visits ({n} of {total})",
        "brief_no_visits": "No visit of this client is recorded yet.",
        "problems_label": "Problems raised",
        "response_label": "Response",
        "colleague_visited": "{name} visited on {date}",
        "colleague_plans": "{name} plans to visit on {date}",
        "talk_to": "Talk to {names} before you go, so that you do not collide.",
        "stop": ". ",
        "warnings": "Colleagues' plans",
        "warning": "{planner} plans to visit {client} on {date}",
        "you_visited": "you visited on {dates}",
        "you_plan": "you plan to visit on {dates}",
        "talk_first": "talk first.",
        "list_sep": ", ",
        "clause_sep": "; ",
        "dash": " — ",
    },
}


def daily_strings(language: str) -> dict[str, Any]:
    return {**strings(language), **DAILY_STRINGS.get(language, DAILY_STRINGS["zh"])}


def due_today(register: Register, as_of: date, settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Owner → the clients whose follow-up falls due on ``as_of`` (not before: those are overdue findings)."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in followup_due(register, as_of, settings):
        if d.due == as_of and d.owner is not None:
            found[d.owner].append(followup_row(d))
    for rows in found.values():
        rows.sort(key=lambda r: (r["client"], r["row"]))
    return found


def digest_mails(register: Register, findings: list[Finding], as_of: date, settings: Settings,
                 people: list[Recipient], first_seen: dict[str, date]) -> list[Mail]:
    """The day's digest for each of ``people`` who has something to do; plain data first, then templates."""
    t = daily_strings(settings.language)
    renderer = Renderer(settings)
    open_findings = OpenFindings(findings, first_seen, as_of, stand_ins(register))
    due = due_today(register, as_of, settings)
    briefs = pre_visit_briefs(register, as_of, settings)
    day = {"iso": as_of.isoformat(), "md": f"{as_of.month}/{as_of.day}", "weekday": t["weekdays"][as_of.weekday()]}
    mails = []
    for person in people:
        # What they own (or a colleague without an address owns), and what they are told of on the day it is
        # new (or, for a problem left unanswered, the day it is escalated to them).
        mine = [(f, role, behalf) for f, role, behalf in open_findings.for_person(person.name)
                if role == OWNER or open_findings.row(f, t)["new"] or escalated_on(f) == as_of.isoformat()]
        overdue = [e for e in mine if e[0].code == OVERDUE]
        unplanned = [e for e in mine if e[0].code == UNPLANNED]
        rest = [e for e in mine if e[0].code not in (OVERDUE, UNPLANNED)]
        business = [e for e in rest if e[0].code not in HYGIENE]   # in full: what needs the person
        hygiene = [e for e in rest if e[0].code in HYGIENE]        # cells to correct, by kind
        absent = open_findings.represented.get(person.name, [])
        today = due.get(person.name, []) + [row for name in absent for row in due.get(name, [])]
        own_briefs = _on_behalf(briefs.briefs, person.name, absent)
        warnings = _on_behalf(briefs.warnings, person.name, absent)
        if not (today or overdue or unplanned or rest or own_briefs or warnings):
            continue   # nobody gets an empty mail
        context = {
            "t": t, "lang": settings.language, "as_of": as_of.isoformat(), "day": day, "about": person.name,
            "findings_sheet": findings_sheet_info(settings, register.source),
            "recipient": {"name": person.name, "role": person.role},
            "due_today": limited(today), "overdue": limited(open_findings.rows(overdue, t)),
            "unplanned": limited(open_findings.rows(unplanned, t)),
            "findings": limited(open_findings.rows(business, t), len(business)),
            "hygiene": {"name": person.name, "hygiene": hygiene_groups(open_findings.rows(hygiene, t)),
                        "hygiene_count": len(hygiene)},
            "briefs": limited(own_briefs), "warnings": limited(warnings), "brief_until": briefs.days[1].isoformat(),
        }
        rendered = renderer.render("daily", context)
        mails.append(Mail(KIND, as_of.isoformat(), person.name, person.address, rendered.subject, rendered.text,
                          rendered.html, person.name))
    return mails


def escalated_on(f: Finding) -> str | None:
    """The day an ``unanswered_problem`` was last escalated (``details.escalated_on``), else None."""
    return f.details.get("escalated_on") if f.code == "unanswered_problem" else None


def _on_behalf(by_person: dict[str, list[dict[str, Any]]], name: str, absent: list[str]) -> list[dict[str, Any]]:
    """``name``'s rows, then those of the people whose mail ``name`` receives, marked ``on_behalf_of``."""
    rows = [{**r, "on_behalf_of": ""} for r in by_person.get(name, [])]
    return rows + [{**r, "on_behalf_of": other} for other in absent for r in by_person.get(other, [])]
