"""Checks of the 员工 sheet: who can be mailed, and who is named elsewhere but is not on it.

``missing_email``  a person whose 邮箱 is blank, not one plain address, or the address of someone listed above
                   them: they get no mail, so the finding goes to their 上级 (else their department's manager,
                   else the director).

``unknown_staff``  a 拜访人 (拜访记录, 拜访计划), 客户经理 (客户档案) or 上级 (员工) naming nobody on 员工, one
                   finding per sheet × column × name with all its rows and the nearest staff name when one is
                   close. Names are compared as the register reads them (width, spaces, traditional →
                   simplified: ``张　伟``, `` 张伟 `` and ``張偉`` are 张伟). An empty 员工 sheet flags nothing: a
                   register without staff rows cannot say who is unknown.
                   ``departed_clients`` lists the clients whose 客户经理 is not on 员工: the handover list.

``mail_roster`` is the one rule of who can be mailed: the reports' recipients and this check both use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

# Names are compared by the sound of each character, the same way for the typed name and the staff names, so
# pypinyin's table of phrases (common words, not names) is not loaded: 0.09 s and 44 MB of every check. A
# character with two readings then takes its first (长 → zhang), on both sides of the comparison alike.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
from pypinyin import lazy_pinyin  # noqa: E402 - after the setting above
from rapidfuzz import fuzz, process

from huimao_sheets.checks.common import (
    client_department,
    client_ids,
    department_manager,
    header,
    on_staff,
    record_owner,
)
from huimao_sheets.checks.spec import Check
from huimao_sheets.config import Settings
from huimao_sheets.findings import ERROR, WARNING, Finding, join_rows
from huimao_sheets.layout import CLIENTS, PLANS, ROLES, STAFF, VISITS
from huimao_sheets.model import Client, Register, Staff
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


def missing_email_finding(register: Register, settings: Settings, member: Staff, message: str,
                          details: dict) -> Finding:
    """A person who gets no mail, on their 员工 row's 邮箱 cell, for their 上级: this check's findings, and
    those the mail adds for an address the server refused for good (``reports.recipients.bounced``)."""
    return Finding(
        code=MISSING_EMAIL.code, severity=MISSING_EMAIL.severity, sheet=register.sheet_titles.get("staff", STAFF.title),
        rows=[member.row], column=header(STAFF, "email", settings), staff=[member.name],
        owner=record_owner(register, "staff", member), message=message, details=details,
    )


def missing_email(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    findings = []
    for item in mail_roster(register)[1]:
        member = item.member
        value = member.email.raw if isinstance(member.email, Unreadable) else (member.email or "")
        findings.append(missing_email_finding(
            register, settings, member, MISSING_EMAIL.text(settings.language, row=member.row, person=member.name),
            {"value": value, **({"shared_with": item.shared_with} if item.shared_with else {})}))
    return findings


MISSING_EMAIL = Check(
    code="missing_email", severity=WARNING, function=missing_email,
    label={"zh": "缺少有效邮箱", "en": "No valid email"},
    message={
        "zh": "员工第{row}行“{person}”没有有效邮箱，收不到周报",
        "en": "Staff row {row}: “{person}” has no valid email address and gets no report",
    },
)


# --- unknown_staff --------------------------------------------------------------------------------------

SIMILAR = 85        # rapidfuzz ratio (0–100) of the characters or of the pinyin from which a name is suggested
ROWS_SHOWN = 10     # rows written out in a message; the finding's ``rows`` holds them all

# The columns that name a person of 员工: (sheet, field key, the records).
_PERSON_COLUMNS = ((VISITS, "visitor", "visits"), (PLANS, "visitor", "plans"),
                   (CLIENTS, "account_manager", "clients"), (STAFF, "manager", "staff"))

_HINTS = {
    "zh": {"suggest": "是否应为“{suggestion}”？",
           "none": "请改为员工表中的姓名（已离职的，请交接给在职同事），或把此人加入员工表。"},
    "en": {"suggest": "Did you mean “{suggestion}”?",
           "none": "Use a name from the staff sheet (hand a departed colleague's work over to someone on it), "
                   "or add the person to the staff sheet."},
}


def _spelled(name: str) -> str:
    """A name as it sounds: toneless pinyin, so an input-method slip (张玮 for 张伟) is close."""
    return "".join(lazy_pinyin(name)).casefold()


def nearest_staff(name: str, names: list[str], spelled: list[str]) -> str | None:
    """The staff name closest to ``name`` by characters or by pinyin, when at least ``SIMILAR`` alike
    (the earlier in the sheet on a tie); ``spelled`` is ``names`` through ``_spelled``."""
    best: tuple[float, int] | None = None
    for query, choices in ((name, names), (_spelled(name), spelled)):
        found = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=SIMILAR)
        if found is not None:
            _, score, index = found
            if best is None or (score, -index) > (best[0], -best[1]):
                best = (score, index)
    return names[best[1]] if best else None


def _department(register: Register, key: str, record) -> str | None:
    """The department a row belongs to: its 所属部门, else its client's (or 客户经理's) department."""
    if key == "clients":
        return client_department(register, record)
    if key == "staff":
        return record.department
    return client_department(register, record.client)


def _shown_rows(rows: list[int], language: str) -> str:
    if len(rows) <= ROWS_SHOWN:
        return join_rows(rows, language)
    shown = join_rows(rows[:ROWS_SHOWN], language)
    return f"{shown}……（共{len(rows)}行）" if language == "zh" else f"{shown}, … ({len(rows)} rows)"


def unknown_staff(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    if not register.staff_by_name:
        return []   # an empty 员工 sheet: nobody is known, so nobody is unknown either
    names = list(register.staff_by_name)
    spelled = [_spelled(n) for n in names]
    language = settings.language
    findings = []
    for spec, key, records_key in _PERSON_COLUMNS:
        groups: dict[str, list] = {}   # unknown name → its records, in sheet order
        known, named = register.staff_by_name, attrgetter(key)   # this loop runs once per visit
        for record in getattr(register, records_key):
            name = named(record)
            if name and name not in known:
                groups.setdefault(name, []).append(record)
        if not groups:
            continue
        sheet = register.sheet_titles.get(records_key, spec.title)
        column = header(spec, key, settings)
        for name, records in groups.items():
            rows = sorted(r.row for r in records)
            department = next((d for d in (_department(register, records_key, r) for r in records) if d), None)
            suggestion = nearest_staff(name, names, spelled)
            hint = _HINTS[language]["suggest" if suggestion else "none"].format(suggestion=suggestion)
            clients = [r if records_key == "clients" else getattr(r, "client", None) for r in records]
            findings.append(Finding(
                code="unknown_staff", sheet=sheet, rows=rows, column=column,
                client_ids=client_ids(*clients), staff=[name],
                owner=department_manager(register, department),
                message=UNKNOWN_STAFF.text(language, sheet=sheet, column=column, name=name,
                                           rows=_shown_rows(rows, language), hint=hint),
                details={"name": name, "suggestion": suggestion, "department": department},
            ))
    return findings


def departed_clients(register: Register) -> list[Client]:
    """Clients whose 客户经理 is not on 员工 (someone who has left, or a misspelling), in register order:
    the handover list of their department's 部门经理 until someone on 员工 takes them over. Nothing when the
    员工 sheet is empty."""
    if not register.staff_by_name:
        return []
    return [c for c in register.clients if c.account_manager and not on_staff(register, c.account_manager)]


UNKNOWN_STAFF = Check(
    code="unknown_staff", severity=ERROR, function=unknown_staff,
    label={"zh": "员工表中无此人", "en": "Unknown staff"},
    message={
        "zh": "{sheet}“{column}”中的“{name}”不在员工表中（第{rows}行）。{hint}",
        "en": "{sheet} “{column}”: “{name}” is not on the staff sheet (rows {rows}). {hint}",
    },
)
