"""One read, one check: ``take_snapshot`` reads the register and runs the checks once, and every output of
a run — the terminal, the 数据检查 sheet, the ledger, the daily digests, the weekly reports — takes the
``Snapshot`` it returns. Nothing downstream reads the source or runs a check again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping

from huimao_sheets.checks import run_checks
from huimao_sheets.config import Settings
from huimao_sheets.findings import CheckResult, Finding
from huimao_sheets.model import Register
from huimao_sheets.register import build_register
from huimao_sheets.sources import Source


@dataclass(frozen=True)
class Snapshot:
    as_of: date
    source: str                    # the source's name, as messages show it
    register: Register
    findings: list[Finding]
    complete: bool                 # every check ran (not ``--only``/a job's list): absent findings are fixed

    def result(self) -> CheckResult:
        return CheckResult(as_of=self.as_of, source=self.source, findings=self.findings)


def take_snapshot(source: Source, settings: Settings, as_of: date, only: list[str] | None = None,
                  visits_seen: Mapping[str, date | None] | None = None) -> Snapshot:
    """Read ``source`` as of ``as_of`` and run the checks (all, or the codes in ``only``) once.

    ``visits_seen``: the ledger's first-seen days of visits (``Ledger.visits_seen``) for ``late_entry``;
    None where there is no state folder (the check then finds nothing)."""
    register = build_register(source, settings, as_of)
    register.visits_seen = visits_seen
    findings = run_checks(register, as_of, settings, only)
    return Snapshot(as_of, source.name, register, findings, complete=not only)
