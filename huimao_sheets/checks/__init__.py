"""The registry of checks. Each is a pure function ``(register, as_of, settings) -> list[Finding]``:
no I/O, no clock. Adding a check means writing the function and listing it here.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from huimao_sheets.checks.collisions import plan_collision, visit_collision
from huimao_sheets.checks.duplicate_client import duplicate_client
from huimao_sheets.checks.fields import future_date, invalid_date, invalid_phone, invalid_value, missing_required
from huimao_sheets.checks.followup import overdue_followup
from huimao_sheets.checks.relations import duplicate_row, unknown_client
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.findings import Finding
from huimao_sheets.model import Register
from huimao_sheets.register import gc_paused

Check = Callable[[Register, date, Settings], list[Finding]]

CHECKS: dict[str, Check] = {
    "missing_required": missing_required,
    "invalid_phone": invalid_phone,
    "invalid_date": invalid_date,
    "invalid_value": invalid_value,
    "future_date": future_date,
    "unknown_client": unknown_client,
    "duplicate_row": duplicate_row,
    "visit_collision": visit_collision,
    "plan_collision": plan_collision,
    "duplicate_client": duplicate_client,
    "overdue_followup": overdue_followup,
}


def select(only: list[str] | None) -> dict[str, Check]:
    """The checks to run: all, or the codes listed (``--only missing_required,invalid_phone``)."""
    if not only:
        return dict(CHECKS)
    unknown = [code for code in only if code not in CHECKS]
    if unknown:
        raise ConfigError(f"未知的检查 {', '.join(unknown)}。可选: {', '.join(CHECKS)}")
    return {code: CHECKS[code] for code in only}


def run_checks(register: Register, as_of: date, settings: Settings, only: list[str] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    with gc_paused():
        for check in select(only).values():
            findings.extend(check(register, as_of, settings))
    findings.sort(key=Finding.sort_key)
    return findings
