"""``check``: the library function behind ``huimao-sheets check`` (the command is a thin layer over it)."""

from __future__ import annotations

from datetime import date

from huimao_sheets.checks.late_entry import visit_keys
from huimao_sheets.config import Settings
from huimao_sheets.ledger import Ledger
from huimao_sheets.errors import ConfigError
from huimao_sheets.findings import CheckResult
from huimao_sheets.findings_sheet import observed_first_seen, replace_findings_sheet
from huimao_sheets.model import Register
from huimao_sheets.snapshot import take_snapshot
from huimao_sheets.sources import open_source


def check(source_spec: str, as_of: date, settings: Settings, only: list[str] | None = None,
          credentials: str | None = None, *, write_findings: bool = False,
          use_state: bool = False) -> tuple[Register, CheckResult]:
    """Read the register and run the checks once.

    With ``write_findings`` the source is opened with write access and its 数据检查 worksheet is
    replaced by the findings, in the same connection (for Google: 2 reads, then 1 write); the
    findings are recorded in the ledger of the state folder first, so a daily check by hand keeps their
    first-seen dates.

    With ``use_state`` (``check --state DIR`` given, or ``--write-findings``) the ledger of the state folder
    gives the first-seen days of visits (``late_entry``) and records this read's visits; without it
    ``late_entry`` finds nothing and no state folder is touched.
    """
    if write_findings and only:
        raise ConfigError("--write-findings 会替换整个数据检查表，不能与 --only 同时使用。",
                          en="--write-findings replaces the whole findings worksheet and cannot go with --only.")
    source = open_source(source_spec, credentials or settings.credentials, write=write_findings)
    seen = None
    if use_state:
        with Ledger.in_state_dir(settings.state_dir) as ledger:
            seen = ledger.visits_seen()
    snapshot = take_snapshot(source, settings, as_of, only, visits_seen=seen)
    if use_state:
        with Ledger.in_state_dir(settings.state_dir) as ledger:
            ledger.record_visits(visit_keys(snapshot.register), as_of)
    result = snapshot.result()
    if write_findings:
        replace_findings_sheet(source, result, settings, observed_first_seen(result, settings), snapshot.register)
    return snapshot.register, result
