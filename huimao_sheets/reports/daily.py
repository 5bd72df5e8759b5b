"""The daily digest (日报): each morning, each person what they must do today — and nobody gets an empty mail.

For a person of the 员工 sheet with a valid address, as of day D:

- **follow-ups due today**: the clients they own (as 客户经理, or as the department's manager of a client
  with none) whose due date is D, by the rule of the overdue check and the weekly report
  (``checks.followup.followup_due``);
- **overdue follow-ups**: the ``overdue_followup`` findings they own, longest open first;
- **data problems to fix**: every other finding they own, longest open first.

A person with none of the three gets no message. Templates: ``daily.subject.j2``, ``daily.txt.j2`` and
``daily.html.j2`` (which extends the reports' ``base.html.j2``); the words are the weekly reports' strings
plus ``DAILY_STRINGS``. Messages are keyed ``("daily-digest", "2026-11-30", address)`` in the mail ledger,
so a person gets at most one digest a day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from huimao_sheets.checks.followup import followup_due
from huimao_sheets.config import Settings
from huimao_sheets.findings import Finding
from huimao_sheets.findings_sheet import findings_sheet_info
from huimao_sheets.mail import Mail
from huimao_sheets.model import Register
from huimao_sheets.reports.activity import followup_row
from huimao_sheets.reports.context import OWNER, OpenFindings, limited
from huimao_sheets.reports.recipients import Recipient, stand_ins
from huimao_sheets.reports.render import Renderer
from huimao_sheets.reports.strings import strings

KIND = "daily-digest"
OVERDUE = "overdue_followup"

DAILY_STRINGS: dict[str, dict[str, Any]] = {
    "zh": {
        "brand": "慧茂日报",
        "daily_subject": "【慧茂日报】{about} {md}（{weekday}）今日跟进 {due} · 逾期 {overdue} · 待改 {findings}",
        "day_title": "{date}（{weekday}）",
        "intro_daily": "以下是您今天（{date}，{weekday}）需要处理的事项。",
        "due_today": "今日应跟进",
        "overdue": "已逾期的跟进",
        "to_fix": "待改正的数据问题",
        "to_fix_note": "改正表格后，下次检查会自动消失。",
        "last_visit": "上次拜访",
        "never": "从未拜访",
    },
    "en": {
        "brand": "Huimao daily",
        "daily_subject": "[Huimao daily] {about} {md} ({weekday}): {due} due today · {overdue} overdue · {findings} to fix",
        "day_title": "{date} ({weekday})",
        "intro_daily": "Here is what needs your attention today ({weekday} {date}).",
        "due_today": "Follow-ups due today",
        "overdue": "Overdue follow-ups",
        "to_fix": "Data problems to fix",
        "to_fix_note": "They disappear at the next check once the sheet is fixed.",
        "last_visit": "Last visit",
        "never": "never visited",
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
    day = {"iso": as_of.isoformat(), "md": f"{as_of.month}/{as_of.day}", "weekday": t["weekdays"][as_of.weekday()]}
    mails = []
    for person in people:
        # What they own (or a colleague without an address owns), and what they are told of on the day it is new.
        mine = [(f, role, behalf) for f, role, behalf in open_findings.for_person(person.name)
                if role == OWNER or open_findings.row(f, t)["new"]]
        overdue = [e for e in mine if e[0].code == OVERDUE]
        to_fix = [e for e in mine if e[0].code != OVERDUE]
        today = due.get(person.name, []) + [row for absent in open_findings.represented.get(person.name, [])
                                            for row in due.get(absent, [])]
        if not (today or overdue or to_fix):
            continue   # nobody gets an empty mail
        context = {
            "t": t, "lang": settings.language, "as_of": as_of.isoformat(), "day": day, "about": person.name,
            "findings_sheet": findings_sheet_info(settings, register.source),
            "recipient": {"name": person.name, "role": person.role},
            "due_today": limited(today), "overdue": limited(open_findings.rows(overdue, t)),
            "findings": limited(open_findings.rows(to_fix, t)),
        }
        rendered = renderer.render("daily", context)
        mails.append(Mail(KIND, as_of.isoformat(), person.name, person.address, rendered.subject, rendered.text,
                          rendered.html, person.name))
    return mails
