"""``unanswered_problem``: a problem a client raised that nobody has answered (DESIGN §5, discipline).

市场反馈的任何信息都必须面对，并且必须给出应对的解决方案并实施之. A 拜访记录 row whose 客户反映问题 is filled in and
whose 应对措施 (an optional column; 解决方案, 处理措施 and ``response`` are accepted) is still blank more than
``response_days`` working days (China's official calendar, default 3) after its 拜访日期. Owner: the 拜访人.

``details.escalate`` says who else must hear of it (及时向公司层面汇报): ``"department"`` (the 部门经理) past
twice ``response_days``, ``"director"`` (the 市场总监's weekly mail) past three times, else ``None``.
Without the 应对措施 column the check finds nothing: the sheet has no place for a response yet
(``setup-sheet`` adds the column, ``doctor`` mentions it).
"""

from __future__ import annotations

from datetime import date

from huimao_sheets.checks.common import client_ids, header, record_owner
from huimao_sheets.checks.spec import Check
from huimao_sheets.config import Settings
from huimao_sheets.findings import WARNING, Finding
from huimao_sheets.layout import VISITS
from huimao_sheets.model import Register
from huimao_sheets.timing import work_calendar

DEPARTMENT, DIRECTOR = "department", "director"


def escalation(days: int, response_days: int) -> str | None:
    """Who else hears of a problem unanswered for ``days`` working days."""
    if days > 3 * response_days:
        return DIRECTOR
    if days > 2 * response_days:
        return DEPARTMENT
    return None


def unanswered_problem(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    if "response" not in register.columns.get("visits", set()):
        return []
    limit = settings.checks.response_days
    calendar = work_calendar(settings)
    sheet = register.sheet_titles["visits"]
    column = header(VISITS, "response", settings)
    findings = []
    for v in register.visits:
        if not v.problems or v.response or not isinstance(v.visit_date, date):
            continue
        if (as_of - v.visit_date).days <= limit:   # working days never outnumber calendar days
            continue
        days = calendar.working_days_between(v.visit_date, as_of)
        if days <= limit:
            continue
        findings.append(Finding(
            code="unanswered_problem", sheet=sheet, rows=[v.row], column=column,
            client_ids=client_ids(v.client), staff=[v.visitor] if v.visitor else [],
            owner=record_owner(register, "visits", v),
            message=UNANSWERED_PROBLEM.text(settings.language, row=v.row, date=v.visit_date.isoformat(),
                                            problems=v.problems, days=days),
            details={"visit_date": v.visit_date.isoformat(), "working_days": days,
                     "escalate": escalation(days, limit)},
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
