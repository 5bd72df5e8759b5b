"""The service's own worksheet, 数据检查: one row per open finding, rewritten after every check.

Columns: code, severity, owner, sheet, row, column, cell, client, message, first seen (Chinese headers by
default, English with ``language = "en"``). Rows are sorted by owner, so that a person who filters or scrolls
the sheet finds their rows together, then in the order of every report (``checks.sort_key``). The cell
column names the cell a finding is about (``F12``: its column's header position in that worksheet, on its
first row; column A for a finding about a whole row) and links to it.

The worksheet is replaced as a whole — in the Google Sheet in one ``batchUpdate`` whose cells are typed
values (text is never run as a formula), in an ``.xlsx`` through a temporary file — and no worksheet that
staff edit is ever written.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Mapping

from huimao_sheets.checks import sort_key
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.findings import CheckResult, Finding, join_rows
from huimao_sheets.layout import FINDINGS_SHEET, SHEETS, header_key
from huimao_sheets.ledger import Ledger, finding_fingerprint
from huimao_sheets.model import Register
from huimao_sheets.register import field_header, sheet_title
from huimao_sheets.sources import Link, Source, google_key, is_google_source, xlsx_write
from huimao_sheets.sources.xlsx import XlsxSource

HEADERS = {
    "zh": ["问题代码", "级别", "处理人", "工作表", "行", "列", "单元格", "客户", "说明", "首次发现"],
    "en": ["code", "severity", "owner", "sheet", "row", "column", "cell", "client", "message", "first seen"],
}
SEVERITY = {"zh": {"error": "错误", "warning": "提醒"}, "en": {"error": "error", "warning": "warning"}}
SHEET_COLUMN, CELL_COLUMN = 3, 6   # 0-based: the worksheet a finding is on, and the cell that links to it


def findings_title(settings: Settings) -> str:
    """The findings worksheet's title: ``[sheets] findings = "…"`` in huimao.toml, else 数据检查."""
    return settings.sheets.get("findings", FINDINGS_SHEET)


def by_owner(findings: list[Finding]) -> list[Finding]:
    """The findings sorted by owner (those with nobody named last), then as every report orders them."""
    return sorted(findings, key=lambda f: (not f.owner, f.owner or "", sort_key(f)))


def cell_locator(register: Register | None, settings: Settings) -> Callable[[Finding], str]:
    """A function giving the A1 address of the cell a finding is about, on its first row: a stray cell's
    own address; else the column where the finding's header stands in that worksheet (as the register found
    it); else column A (a finding about a whole row, or a column the sheet lacks)."""
    keys = {title: key for key, title in register.sheet_titles.items()} if register else {}
    columns: dict[tuple[str, str], int] = {}
    for spec in SHEETS:
        positions = register.column_positions.get(spec.key, {}) if register else {}
        for f in spec.fields:
            if f.key in positions:
                columns[(spec.key, field_header(spec, f, settings))] = positions[f.key]

    def locate(finding: Finding) -> str:
        if finding.details.get("cell"):
            return str(finding.details["cell"])
        column = columns.get((keys.get(finding.sheet, ""), finding.column or ""), 0)
        return f"{xlsx_write.column_letter(column + 1)}{finding.rows[0]}"

    return locate


def findings_rows(result: CheckResult, language: str = "zh", first_seen: Mapping[str, date] | None = None,
                  locate: Callable[[Finding], str] | None = None) -> list[list[Any]]:
    """The worksheet's rows, header first, sorted by owner (``by_owner``).

    ``first_seen`` maps a finding's fingerprint (``ledger.finding_fingerprint``) to the date it was first
    seen; a finding it does not know was first seen on the as-of date. ``locate`` gives the cell a finding
    is about (``cell_locator``); without it, column A of the finding's first row.
    """
    locate = locate or cell_locator(None, Settings())
    rows: list[list[Any]] = [list(HEADERS[language])]
    for f in by_owner(result.findings):
        seen = first_seen.get(finding_fingerprint(f), result.as_of) if first_seen is not None else result.as_of
        where: Any = f.rows[0] if len(f.rows) == 1 else join_rows(f.rows, language)
        rows.append([f.code, SEVERITY[language].get(f.severity, f.severity), f.owner or "", f.sheet, where,
                     f.column or "", locate(f) if f.rows else "", " ".join(f.client_ids), f.message, seen])
    return rows


def cell_links(rows: list[list[Any]]) -> list[Link]:
    """The links of the findings rows: each row's cell column to that cell of the finding's worksheet."""
    return [Link(r, CELL_COLUMN, row[SHEET_COLUMN], row[CELL_COLUMN])
            for r, row in enumerate(rows[1:], start=1) if row[CELL_COLUMN]]


def check_not_a_staff_sheet(title: str, settings: Settings) -> None:
    """Refuse a findings title that names a worksheet staff edit (a configuration mistake)."""
    for spec in SHEETS:
        names = {sheet_title(spec, settings), spec.title, *spec.aliases}
        if header_key(title) in {header_key(n) for n in names}:
            raise ConfigError(
                f"数据检查表的名称“{title}”与员工编辑的工作表“{spec.title}”相同。服务从不写员工的工作表："
                "请在 huimao.toml 的 [sheets] 中给 findings 另起一个名字（默认“数据检查”）。",
                en=f"The findings worksheet's name “{title}” is that of the staff-edited worksheet “{spec.title}”, and "
                   "the service never writes a worksheet staff edit: give findings another name under [sheets] in "
                   "huimao.toml (the default is “数据检查”)."
            )


def observed_first_seen(result: CheckResult, settings: Settings) -> dict[str, date]:
    """Record ``result`` in the ledger of the state folder and return the first-seen dates: a check by hand
    keeps them from one day to the next, as a job does. Findings no longer found are closed."""
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        return ledger.observe(result.findings, result.as_of)


def replace_findings_sheet(source: Source, result: CheckResult, settings: Settings,
                           first_seen: Mapping[str, date], register: Register | None = None) -> int:
    """Replace the findings worksheet of ``source`` (Google or xlsx) with ``result``; returns the finding count.
    ``first_seen``: fingerprint → the day the ledger first saw the finding; ``register``: the register the
    findings came from, whose column positions place each finding's link on its cell."""
    title = findings_title(settings)
    check_not_a_staff_sheet(title, settings)
    rows = findings_rows(result, settings.language, first_seen, cell_locator(register, settings))
    links = cell_links(rows)
    if isinstance(source, XlsxSource):
        xlsx_write.replace_sheet(source.path, title, rows, links)
    else:
        source.replace_sheet(title, rows, links=links)  # GoogleSheetSource
    return len(rows) - 1


LEFTOVER_AGE = timedelta(seconds=xlsx_write.LEFTOVER_AGE_SECONDS)   # the write-back's own rule


def remove_temp_leftovers(source: Source, now: datetime) -> list[Path]:
    """At the start of a run, remove the temporary files (``.~huimao-XXXXXXXX.xlsx``) that a killed
    write-back left beside an .xlsx workbook: ours by name and owner, last modified more than
    ``LEFTOVER_AGE`` before ``now``. A Google source has none. Returns the files removed."""
    if not isinstance(source, XlsxSource):
        return []
    return xlsx_write.remove_leftovers(source.path, older_than=(now - LEFTOVER_AGE).timestamp())


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
    return {"title": title, "owner_column": HEADERS[settings.language][2], "code_column": HEADERS[settings.language][0],
            "link": link}
