"""Who gets which weekly report, from the 员工 sheet (姓名, 邮箱, 角色, 所属部门, 上级).

- every 客户经理: their own week (``weekly-person``);
- every 部门经理: their department's roll-up followed by their own week, in one message
  (``weekly-department``; ``weekly-person`` for a 部门经理 without a 所属部门);
- the 市场总监 and each 市场总监助理: the company view (``weekly-company``).

So each person with an address gets exactly one message a week.

A person whose 邮箱 is blank, not one plain address, or the address of someone listed above them gets
nothing and becomes a ``missing_email`` finding owned by their 上级 (else their department's manager, else
the director). A staff row without a name or a
readable role is left to the checks (``missing_required``/``invalid_value``); a name listed twice counts once.
"""

from __future__ import annotations

from dataclasses import dataclass

from huimao_sheets.checks.common import header, record_owner
from huimao_sheets.config import Settings
from huimao_sheets.findings import Finding, message
from huimao_sheets.layout import DEPARTMENT_MANAGER, DIRECTOR, DIRECTOR_ASSISTANT, ROLES, STAFF
from huimao_sheets.mail import valid_address
from huimao_sheets.model import Register, Staff
from huimao_sheets.normalize import Unreadable

PERSON, DEPARTMENT, COMPANY = "weekly-person", "weekly-department", "weekly-company"


@dataclass(frozen=True)
class Recipient:
    name: str
    address: str
    role: str
    department: str | None
    row: int

    @property
    def kind(self) -> str:
        """The report this person receives."""
        if self.role == DEPARTMENT_MANAGER and self.department:
            return DEPARTMENT
        if self.role in (DIRECTOR, DIRECTOR_ASSISTANT):
            return COMPANY
        return PERSON


def recipients(register: Register, settings: Settings) -> tuple[list[Recipient], list[Finding]]:
    """The people who get a report, in sheet order, and a ``missing_email`` finding for each who cannot."""
    found: list[Recipient] = []
    missing: list[Finding] = []
    seen: set[str] = set()
    owners: dict[str, str] = {}   # address → the person it belongs to (the first row that gives it)
    for member in register.staff:
        if not member.name or member.role not in ROLES or member.name in seen:
            continue
        seen.add(member.name)
        address = valid_address(member.email)
        if address is None or address.lower() in owners:
            shared = owners.get(address.lower()) if address else None
            missing.append(missing_email(register, settings, member, shared_with=shared))
            continue
        owners[address.lower()] = member.name
        found.append(Recipient(member.name, address, member.role, member.department, member.row))
    return found, missing


def missing_email(register: Register, settings: Settings, member: Staff, shared_with: str | None = None) -> Finding:
    """A person who gets no report: no address, one that is not a plain address, or another person's
    (``details.shared_with``: the report is keyed by address, so each person needs their own)."""
    sheet = register.sheet_titles.get("staff", STAFF.title)
    value = member.email.raw if isinstance(member.email, Unreadable) else (member.email or "")
    details = {"value": value, **({"shared_with": shared_with} if shared_with else {})}
    return Finding(
        code="missing_email", sheet=sheet, rows=[member.row], column=header(STAFF, "email", settings),
        staff=[member.name] if member.name else [], owner=record_owner(register, "staff", member),
        message=message("missing_email", settings.language, row=member.row, person=member.name),
        details=details,
    )
