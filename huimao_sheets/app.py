"""The library functions behind the CLI: each command is a thin layer over one of these."""

from __future__ import annotations

from datetime import date

from huimao_sheets.checks import run_checks
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.findings import CheckResult
from huimao_sheets.model import Register
from huimao_sheets.register import build_register
from huimao_sheets.sources import open_source

DEFAULT_SOURCE = "客户登记.xlsx"


def resolve_source(source: str | None, settings: Settings) -> str:
    return source or settings.source or DEFAULT_SOURCE



def check(source_spec: str, as_of: date, settings: Settings, only: list[str] | None = None,
          credentials: str | None = None, *, write_findings: bool = False,
          first_seen=None) -> tuple[Register, CheckResult]:
    """Read the register and run the checks: the heart of ``huimao-sheets check``.

    With ``write_findings`` the source is opened with write access and its 数据检查 worksheet is replaced
    by the findings, in the same connection (for Google: 2 reads, then at most 2 writes). ``first_seen``:
    see ``findings_sheet.write_findings``; by default the findings are recorded in the ledger of the state
    folder (``findings_sheet.observed_first_seen``), so that a daily check by hand keeps their dates.
    """
    if write_findings and only:
        raise ConfigError("--write-findings 会替换整个数据检查表，不能与 --only 同时使用。")
    source = open_source(source_spec, credentials or settings.credentials, write=write_findings)
    register = build_register(source, settings, as_of)
    findings = run_checks(register, as_of, settings, only)
    result = CheckResult(as_of=as_of, source=source.name, findings=findings)
    if write_findings:
        from huimao_sheets.findings_sheet import observed_first_seen, write_findings as replace_findings_sheet

        if first_seen is None:
            first_seen = lambda r: observed_first_seen(r, settings)  # noqa: E731 - recorded as the sheet is written
        replace_findings_sheet(source, result, settings, first_seen)
    return register, result


def write_findings(source_spec: str, settings: Settings, result: CheckResult, credentials: str | None = None,
                   first_seen=None) -> int:
    """Replace the 数据检查 worksheet of ``source_spec`` with ``result`` (a check already made).

    For Google this opens a new connection with write access: at most 3 requests. ``first_seen``: see
    ``findings_sheet.write_findings``. Returns the number of findings written.
    """
    from huimao_sheets.findings_sheet import write_findings as replace_findings_sheet

    source = open_source(source_spec, credentials or settings.credentials, write=True)
    return replace_findings_sheet(source, result, settings, first_seen)
