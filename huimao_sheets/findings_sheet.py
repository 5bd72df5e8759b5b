"""The service's own worksheet, 数据检查: one row per open finding, rewritten after every check.

Columns: code, severity, owner, sheet, row, column, client, message, first seen (Chinese headers by
default, English with ``language = "en"``). The worksheet is replaced as a whole — in the Google Sheet
with RAW input in at most three requests, in an ``.xlsx`` through a temporary file — and no worksheet
that staff edit is ever written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Mapping

from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.findings import CheckResult, join_rows
from huimao_sheets.layout import FINDINGS_SHEET, SHEETS, header_key
from huimao_sheets.ledger import Ledger, finding_fingerprint
from huimao_sheets.register import sheet_title
from huimao_sheets.sources import Source, google_key, is_google_source, xlsx_write
from huimao_sheets.sources.xlsx import XlsxSource

HEADERS = {
    "zh": ["问题代码", "级别", "处理人", "工作表", "行", "列", "客户", "说明", "首次发现"],
    "en": ["code", "severity", "owner", "sheet", "row", "column", "client", "message", "first seen"],
}
SEVERITY = {"zh": {"error": "错误", "warning": "提醒"}, "en": {"error": "error", "warning": "warning"}}


def findings_title(settings: Settings) -> str:
    """The findings worksheet's title: ``[sheets] findings = "…"`` in huimao.toml, else 数据检查."""
    return settings.sheets.get("findings", FINDINGS_SHEET)


def findings_rows(result: CheckResult, language: str = "zh",
                  first_seen: Mapping[str, date] | None = None) -> list[list[Any]]:
    """The worksheet's rows, header first.

    ``first_seen`` maps a finding's fingerprint (``ledger.finding_fingerprint``) to the date it was first
    seen; a finding it does not know was first seen on the as-of date.
    """
    rows: list[list[Any]] = [list(HEADERS[language])]
    for f in result.findings:
        seen = first_seen.get(finding_fingerprint(f), result.as_of) if first_seen is not None else result.as_of
        where: Any = f.rows[0] if len(f.rows) == 1 else join_rows(f.rows, language)
        rows.append([f.code, SEVERITY[language].get(f.severity, f.severity), f.owner or "", f.sheet, where,
                     f.column or "", " ".join(f.client_ids), f.message, seen])
    return rows


def check_not_a_staff_sheet(title: str, settings: Settings) -> None:
    """Refuse a findings title that names a worksheet staff edit (a configuration mistake)."""
    for spec in SHEETS:
        names = {sheet_title(spec, settings), spec.title, *spec.aliases}
        if header_key(title) in {header_key(n) for n in names}:
            raise ConfigError(
                f"数据检查表的名称“{title}”与员工编辑的工作表“{spec.title}”相同。服务从不写员工的工作表："
                "请在 huimao.toml 的 [sheets] 中给 findings 另起一个名字（默认“数据检查”）。"
            )


def observed_first_seen(result: CheckResult, settings: Settings) -> dict[str, date]:
    """Record ``result`` in the ledger of the state folder and return the first-seen dates: a check by hand
    keeps them from one day to the next, as a job does. Findings no longer found are closed."""
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        return ledger.observe(result.findings, result.as_of)


def replace_findings_sheet(source: Source, result: CheckResult, settings: Settings,
                           first_seen: Mapping[str, date]) -> int:
    """Replace the findings worksheet of ``source`` (Google or xlsx) with ``result``; returns the finding count.
    ``first_seen``: fingerprint → the day the ledger first saw the finding."""
    title = findings_title(settings)
    check_not_a_staff_sheet(title, settings)
    rows = findings_rows(result, settings.language, first_seen)
    if isinstance(source, XlsxSource):
        xlsx_write.replace_sheet(source.path, title, rows)
    else:
        source.replace_sheet(title, rows)  # GoogleSheetSource
    return len(rows) - 1


def findings_sheet_info(settings: Settings, source_name: str) -> dict[str, str | None]:
    """Where a person finds their full list, as a mail names it: the worksheet (with its workbook for an
    .xlsx), the column to filter on, and for Google a link that opens the spreadsheet."""
    title = findings_title(settings)
    link = None
    if is_google_source(source_name):
        key = google_key(source_name)
        link = f"https://docs.google.com/spreadsheets/d/{key}/edit" if key else None
    else:
        title = f"{title}（{Path(source_name).name}）" if settings.language == "zh" else f"{title} ({Path(source_name).name})"
    return {"title": title, "owner_column": HEADERS[settings.language][2], "link": link}
