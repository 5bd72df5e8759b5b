"""The registry of checks: each a ``Check`` descriptor (``checks.spec``) around a pure function
``(register, as_of, settings) -> list[Finding]`` — no I/O, no clock. Adding a check means writing its module
and listing its descriptor here; the order here is the order of every report.
"""

from __future__ import annotations

from datetime import date

from huimao_sheets.checks.collisions import PLAN_COLLISION, VISIT_COLLISION
from huimao_sheets.checks.duplicate_client import DUPLICATE_CLIENT
from huimao_sheets.checks.fields import (
    FUTURE_DATE,
    INVALID_DATE,
    INVALID_PHONE,
    INVALID_VALUE,
    MISSING_REQUIRED,
    STRAY_CELL,
)
from huimao_sheets.checks.late_entry import LATE_ENTRY
from huimao_sheets.checks.followup import OVERDUE_FOLLOWUP, UNPLANNED_FOLLOWUP
from huimao_sheets.checks.relations import DUPLICATE_ROW, UNKNOWN_CLIENT
from huimao_sheets.checks.response import UNANSWERED_PROBLEM
from huimao_sheets.checks.spec import Check
from huimao_sheets.checks.staff import MISSING_EMAIL, UNKNOWN_STAFF
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.findings import Finding
from huimao_sheets.memory import give_back
from huimao_sheets.model import Register
from huimao_sheets.register import gc_paused

CHECKS: dict[str, Check] = {check.code: check for check in (
    MISSING_REQUIRED,
    INVALID_PHONE,
    INVALID_DATE,
    INVALID_VALUE,
    FUTURE_DATE,
    UNKNOWN_CLIENT,
    UNKNOWN_STAFF,
    DUPLICATE_ROW,
    VISIT_COLLISION,
    PLAN_COLLISION,
    DUPLICATE_CLIENT,
    OVERDUE_FOLLOWUP,
    STRAY_CELL,
    UNPLANNED_FOLLOWUP,
    LATE_ENTRY,
    UNANSWERED_PROBLEM,
    MISSING_EMAIL,
)}

ORDER = {code: i for i, code in enumerate(CHECKS)}
CLIENT_LEVEL = frozenset(code for code, check in CHECKS.items() if check.client_level)
HYGIENE = frozenset(code for code, check in CHECKS.items() if check.hygiene)


def label(code: str, language: str) -> str:
    """The short name of a finding code in ``language``."""
    check = CHECKS.get(code)
    return check.label[language] if check else code


def sort_key(finding: Finding) -> tuple:
    """Findings in the order of ``CHECKS``, then by sheet, rows and column."""
    return (ORDER.get(finding.code, len(ORDER)), finding.sheet, finding.rows, finding.column or "")


def select(only: list[str] | None) -> dict[str, Check]:
    """The checks to run: all, or the codes listed (``--only missing_required,invalid_phone``)."""
    if not only:
        return dict(CHECKS)
    unknown = [code for code in only if code not in CHECKS]
    if unknown:
        raise ConfigError(f"未知的检查 {', '.join(unknown)}。可选: {', '.join(CHECKS)}",
                          en=f"Unknown check {', '.join(unknown)}. The checks are: {', '.join(CHECKS)}")
    return {code: CHECKS[code] for code in only}


def run_checks(register: Register, as_of: date, settings: Settings, only: list[str] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    with gc_paused():
        for check in select(only).values():
            findings.extend(check(register, as_of, settings))
    findings.sort(key=sort_key)
    give_back()   # what the checks built and let go (duplicate_client: 120 MB at 100,000 clients), before the outputs
    return findings
