"""Checks of the 员工 sheet as the mail sees it.

``missing_email``  a person whose 邮箱 is blank, not one plain address, or the address of someone listed above
                   them: they get no mail, so the finding goes to their 上级 (else their department's manager,
                   else the director).

``mail_roster`` is the one rule of who can be mailed: the reports' recipients and this check both use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from huimao_sheets.checks.common import header, record_owner
from huimao_sheets.checks.spec import Check
from huimao_sheets.config import Settings
from huimao_sheets.findings import WARNING, Finding
from huimao_sheets.layout import ROLES, STAFF
from huimao_sheets.model import Register, Staff
from huimao_sheets.normalize import Unreadable, valid_address


@dataclass(frozen=True)
class Unreachable:
    member: Staff
    shared_with: str | None      # the colleague whose address this row repeats


def mail_roster(register: Register) -> tuple[list[tuple[Staff, str]], list[Unreachable]]:
    """Everyone of the 员工 sheet with a name and a readable role, in sheet order (a name listed twice
    counts once): those with their own valid address, and those without one."""
    reachable: list[tuple[Staff, str]] = []
    unreachable: list[Unreachable] = []
    seen: set[str] = set()
    owners: dict[str, str] = {}   # address → the person it belongs to (the first row that gives it)
    for member in register.staff:
        if not member.name or member.role not in ROLES or member.name in seen:
            continue
        seen.add(member.name)
        address = valid_address(member.email)
        if address is None or address.lower() in owners:
            unreachable.append(Unreachable(member, owners.get(address.lower()) if address else None))
            continue
        owners[address.lower()] = member.name
        reachable.append((member, address))
    return reachable, unreachable


def missing_email(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    sheet = register.sheet_titles.get("staff", STAFF.title)
    column = header(STAFF, "email", settings)
    findings = []
    for item in mail_roster(register)[1]:
        member = item.member
        value = member.email.raw if isinstance(member.email, Unreadable) else (member.email or "")
        findings.append(Finding(
            code="missing_email", sheet=sheet, rows=[member.row], column=column,
            staff=[member.name], owner=record_owner(register, "staff", member),
            message=MISSING_EMAIL.text(settings.language, row=member.row, person=member.name),
            details={"value": value, **({"shared_with": item.shared_with} if item.shared_with else {})},
        ))
    return findings


MISSING_EMAIL = Check(
    code="missing_email", severity=WARNING, function=missing_email,
    label={"zh": "缺少有效邮箱", "en": "No valid email"},
    message={
        "zh": "员工第{row}行“{person}”没有有效邮箱，收不到周报",
        "en": "Staff row {row}: “{person}” has no valid email address and gets no report",
    },
)
