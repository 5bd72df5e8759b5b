"""Findings for the terminal and for scripts: a table grouped by owner, JSON (the contract) or CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from huimao_sheets.findings import CheckResult

LABELS = {
    "zh": {"owner": "处理人", "nobody": "（无人处理）", "code": "问题", "where": "位置", "message": "说明",
           "total": "共 {n} 个问题（错误 {e}，提醒 {w}）", "clean": "没有发现问题。", "severity": "级别",
           "error": "错误", "warning": "提醒", "row": "第{rows}行"},
    "en": {"owner": "Owner", "nobody": "(no owner)", "code": "Finding", "where": "Where", "message": "Message",
           "total": "{n} findings ({e} errors, {w} warnings)", "clean": "No findings.", "severity": "Severity",
           "error": "error", "warning": "warning", "row": "row {rows}"},
}

CSV_COLUMNS = ("code", "severity", "owner", "sheet", "rows", "column", "client_ids", "staff", "message")


def to_json(result: CheckResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=1)


def to_csv(result: CheckResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for f in result.findings:
        writer.writerow([
            f.code, f.severity, f.owner or "", f.sheet, " ".join(map(str, f.rows)), f.column or "",
            " ".join(f.client_ids), " ".join(f.staff), _csv_safe(f.message),
        ])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Keep a cell from running as a formula when the CSV is opened in Excel/WPS."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# C0 and C1 control characters and DEL: ESC starts a terminal escape sequence (\x1b[2J clears the screen).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Cell text made safe for a terminal: control characters (escape sequences) removed; tabs and line
    breaks are kept."""
    return _CONTROL.sub("", text)


def print_table(result: CheckResult, console: Console, language: str = "zh", limit_per_owner: int | None = None) -> None:
    labels = LABELS[language]
    by_owner: dict[str, list] = defaultdict(list)
    for f in result.findings:
        by_owner[f.owner or labels["nobody"]].append(f)
    if not result.findings:
        console.print(labels["clean"])
        return
    for owner in sorted(by_owner, key=lambda o: (-len(by_owner[o]), o)):
        items = by_owner[owner]
        table = RichTable(title=f"{labels['owner']}: {printable(owner)} ({len(items)})", title_justify="left",
                          expand=False)
        table.add_column(labels["severity"], no_wrap=True)
        table.add_column(labels["code"], no_wrap=True)
        table.add_column(labels["where"], overflow="fold")
        table.add_column(labels["message"], overflow="fold", ratio=1)
        shown = items if limit_per_owner is None else items[:limit_per_owner]
        for f in shown:
            rows = labels["row"].format(rows=",".join(map(str, f.rows[:6])) + ("…" if len(f.rows) > 6 else ""))
            where = f"{f.sheet} {rows}" + (f" {f.column}" if f.column else "")
            style = "red" if f.severity == "error" else "yellow"
            # Text(...) keeps cell content literal: no rich markup from a client's name.
            table.add_row(Text(labels[f.severity], style=style), f.code, Text(printable(where)),
                          Text(printable(f.message)))
        if len(shown) < len(items):
            table.caption = f"… +{len(items) - len(shown)}"
        console.print(table)
    errors = sum(1 for f in result.findings if f.severity == "error")
    console.print(labels["total"].format(n=len(result.findings), e=errors, w=len(result.findings) - errors))
