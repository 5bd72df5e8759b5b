"""``unanswered_problem``: a problem a client raised that nobody has answered (DESIGN §5, discipline).

市场反馈的任何信息都必须面对，并且必须给出应对的解决方案并实施之. A 拜访记录 row whose 客户反映问题 is filled in and
whose 应对措施 (an optional column; 解决方案, 处理措施 and ``response`` are accepted) is still blank more than
``response_days`` working days (China's official calendar, default 3) after its 拜访日期. Owner: the 拜访人.

``details.escalate`` says who else must hear of it (及时向公司层面汇报): ``"department"`` past twice
``response_days``, ``"director"`` past three times, else ``None``; ``details.escalated_on`` is the working day
it reached that level (the daily digest tells those notified on that day). Escalated, ``notify`` names the
部门经理 of the row's department (the 拜访人's 所属部门 on 员工, else the client's; a department without a
manager: the 市场总监); past three times it names the 市场总监 too, whose weekly mail lists it (逾期未应对的问题).
The owner is never in ``notify``.
A visit entered twice (a ``duplicate_row`` group: ``checks.relations.visit_key``) is one problem: answered when
any of its rows has a response, else one finding, on its first row — nobody reads it twice in one mail.
Without the 应对措施 column the check finds nothing: the sheet has no place for a response yet
(``setup-sheet`` adds the column, ``doctor`` mentions it).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Iterator

from huimao_sheets.checks.common import client_department, client_ids, department_manager, header, record_owner
from huimao_sheets.checks.relations import _client_key as client_key, visit_key as same_visit
from huimao_sheets.checks.spec import Check
from huimao_sheets.config import Settings
from huimao_sheets.findings import WARNING, Finding
from huimao_sheets.layout import VISITS
from huimao_sheets.model import Register, Visit
from huimao_sheets.timing import work_calendar
from huimao_sheets.workdays import WorkCalendar

DEPARTMENT, DIRECTOR = "department", "director"
LEVELS = ((DIRECTOR, 3), (DEPARTMENT, 2))   # who else hears, past this many times response_days


def escalation(days: int, response_days: int) -> str | None:
    """Who else hears of a problem unanswered for ``days`` working days."""
    return next((level for level, times in LEVELS if days > times * response_days), None)


def _notified(register: Register, v: Visit, escalate: str | None, owner: str | None,
              managers: dict[str | None, str | None], director_name: str | None) -> list[str]:
    """Who hears of an escalated problem besides its owner: the department's manager (for the manager's own
    problem, his 上级), then the director (``director_name``). ``managers``: ``department_manager`` by
    department, filled as asked (each asking reads the whole 员工 sheet; thousands of findings ask of a few
    departments)."""
    if escalate is None:
        return []
    member = register.staff_by_name.get(v.visitor) if v.visitor else None
    department = member.department if member and member.department else client_department(register, v.client)
    manager = managers.get(department, _UNASKED)
    if manager is _UNASKED:
        manager = managers[department] = department_manager(register, department)
    if manager == owner:   # the 部门经理's own problem goes one level up: his 上级, else the 市场总监
        own = register.staff_by_name.get(owner) if owner else None
        manager = own.manager if own and own.manager and own.manager != owner else director_name
    names = [manager, director_name if escalate == DIRECTOR else None]
    return [n for n in dict.fromkeys(names) if n and n != owner]


_UNASKED = object()


def _escalated_on(calendar: WorkCalendar, v: Visit, escalate: str | None, response_days: int,
                  cache: dict[tuple[date, str], str]) -> str | None:
    """The working day on which the problem reached the level ``escalate`` (``cache``: by date and level)."""
    if escalate is None:
        return None
    key = (v.visit_date, escalate)
    if key not in cache:
        cache[key] = calendar.add_working_days(v.visit_date, dict(LEVELS)[escalate] * response_days + 1).isoformat()
    return cache[key]


def _same_day(v: Visit) -> tuple:
    """The cheap part of a visit's identity (``relations.visit_key``): its day, 拜访人 and client."""
    return v.visit_date, v.visitor, client_key(v)


def _of_their_clients(register: Register, candidates: list[Visit]) -> Iterator[Visit]:
    """The visits that may share a client with the ``candidates``: their clients' visits (each client once),
    and the visits of no registered client when a candidate has none: a fraction of the log, not all of it."""
    for index in {v.client.index for v in candidates if v.client is not None}:
        yield from register.visits_by_client[index]
    if any(v.client is None for v in candidates):
        yield from (v for v in register.visits if v.client is None)


def _other_rows(register: Register, candidates: list[Visit]) -> set[int]:
    """The ids of the ``candidates`` not to report: rows of a visit entered more than once whose problem was
    answered in another of its rows, or that an earlier row of the visit reports already. Full visit keys
    are made only where two rows share a day, a 拜访人 and a client (the rare case: at 100,000 clients, keys
    of every answered row of a day and 拜访人 were some 100,000, 90 MB)."""
    wanted = Counter(map(_same_day, candidates))
    answered_rows = [v for v in _of_their_clients(register, candidates)
                     if v.problems and v.response and _same_day(v) in wanted]
    answered = {same_visit(v) for v in answered_rows}
    answered_days = set(map(_same_day, answered_rows))
    reported: set[tuple] = set()
    skip = set()
    for v in candidates:
        day = _same_day(v)
        if wanted[day] == 1 and day not in answered_days:
            continue   # the only row of its day, 拜访人 and client: no other row of the same visit
        key = same_visit(v)
        if key in answered or key in reported:
            skip.add(id(v))
        reported.add(key)
    return skip


def unanswered_problem(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    if "response" not in register.columns.get("visits", set()):
        return []
    limit = settings.checks.response_days
    calendar = work_calendar(settings)
    sheet = register.sheet_titles["visits"]
    column = header(VISITS, "response", settings)
    candidates = [v for v in register.visits if v.problems and not v.response and isinstance(v.visit_date, date)
                  and (as_of - v.visit_date).days > limit]   # working days never outnumber calendar days
    skip = _other_rows(register, candidates)
    working: dict[date, int] = {}   # visit date → working days to as_of: counted once per date, not per row
    escalated: dict[tuple[date, str], str] = {}
    managers: dict[str | None, str | None] = {}
    director = register.director()
    director_name = director.name if director else None
    findings = []
    for v in candidates:
        if id(v) in skip:
            continue
        days = working.get(v.visit_date)
        if days is None:
            days = working[v.visit_date] = calendar.working_days_between(v.visit_date, as_of)
        if days <= limit:
            continue
        escalate = escalation(days, limit)
        owner = record_owner(register, "visits", v)
        findings.append(Finding(
            code="unanswered_problem", sheet=sheet, rows=[v.row], column=column,
            client_ids=client_ids(v.client), staff=[v.visitor] if v.visitor else [],
            owner=owner, notify=_notified(register, v, escalate, owner, managers, director_name),
            message=UNANSWERED_PROBLEM.text(settings.language, row=v.row, date=v.visit_date.isoformat(),
                                            problems=v.problems, days=days),
            details={"visit_date": v.visit_date.isoformat(), "working_days": days, "escalate": escalate,
                     "escalated_on": _escalated_on(calendar, v, escalate, limit, escalated)},
        ))
    return findings


UNANSWERED_PROBLEM = Check(
    code="unanswered_problem", severity=WARNING, function=unanswered_problem,
    label={"zh": "问题未应对", "en": "Problem unanswered"},
    message={
        "zh": "拜访记录第{row}行：{date}客户反映的问题“{problems}”已{days}个工作日没有填写应对措施",
        "en": "Visits row {row}: no response for {days} working days to the problem the client raised on {date}: "
              "{problems}",
    },
)
