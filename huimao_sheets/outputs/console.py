"""Findings for the terminal and for scripts: a summary table, JSON (the contract) or CSV.

The table is for a person: counts per finding code and per owner, then the first findings of each code
(``limit``, 10 by default; ``None`` shows all). JSON carries every finding (DESIGN §4), CSV too, made safe
for Excel/WPS.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from typing import Callable

from rich.console import Console
import orjson
from rich.cells import cell_len
from rich.text import Text

from huimao_sheets.checks import CHECKS
from huimao_sheets.findings import ERROR, CheckResult, Finding

DEFAULT_LIMIT = 10   # findings shown per code in the table

LABELS = {
    "zh": {"owner": "处理人", "nobody": "（无人处理）", "code": "问题", "count": "数量",
           "total": "共 {n} 个问题（错误 {e}，提醒 {w}）", "clean": "没有发现问题。", "severity": "级别",
           "error": "错误", "warning": "提醒", "errors": "错误", "warnings": "提醒",
           "by_code": "按问题类型", "by_owner": "按处理人",
           "section": "{code} {label}（{n} 个）", "section_part": "{code} {label}（{n} 个，显示前 {shown} 个）",
           "more": "… 另有 {n} 个未显示：--limit N 显示更多，--all 显示全部，--format csv 导出全部",
           "csv": {"code": "问题代码", "severity": "级别", "owner": "处理人", "sheet": "工作表", "rows": "行",
                   "column": "列", "client_ids": "客户编号", "staff": "相关员工", "message": "说明"}},
    "en": {"owner": "Owner", "nobody": "(no owner)", "code": "Finding", "count": "Count",
           "total": "{n} findings ({e} errors, {w} warnings)", "clean": "No findings.", "severity": "Severity",
           "error": "error", "warning": "warning", "errors": "Errors", "warnings": "Warnings",
           "by_code": "By finding", "by_owner": "By owner",
           "section": "{code} {label} ({n})", "section_part": "{code} {label} ({n}, first {shown} shown)",
           "more": "… {n} more not shown: --limit N shows more, --all shows every one, --format csv exports all",
           "csv": {"code": "code", "severity": "severity", "owner": "owner", "sheet": "sheet", "rows": "rows",
                   "column": "column", "client_ids": "client_ids", "staff": "staff", "message": "message"}},
}

CSV_COLUMNS = ("code", "severity", "owner", "sheet", "rows", "column", "client_ids", "staff", "message")

# C0 and C1 control characters and DEL: ESC starts a terminal escape sequence (\x1b[2J clears the screen).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Cell text made safe for a terminal: control characters (escape sequences) removed; tabs and line
    breaks are kept."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """``printable`` text on one line of the table: tabs and line breaks become spaces, so a cell cannot
    start what looks like another line of the output."""
    return " ".join(printable(text).replace("\t", " ").splitlines())


# --- JSON ------------------------------------------------------------------------------------


def to_json(result: CheckResult) -> bytearray:
    """The findings contract (DESIGN §4) as one document (``write_json``)."""
    out = bytearray()
    write_json(result, out.extend)
    return out


def write_json(result: CheckResult, write: Callable[[bytes], object]) -> None:
    """The findings contract (DESIGN §4): one JSON document in UTF-8, one finding per line, written through
    ``write`` (a file's ``write``) a finding at a time, so that the whole document is never in memory (38 MB
    at 100,000 clients; building it raised the command's peak by 130 MB, to its highest).

    orjson writes fifty thousand findings in a tenth of the time of the json module's C encoder; each
    encoding's buffer is freed before the next is made (encoding them all first left some 8 KB of
    scattered free memory per finding: 340 MB at 45,000)."""
    head = orjson.dumps({"as_of": result.as_of.isoformat(), "source": result.source, "counts": result.counts()})
    if not result.findings:
        write(head[:-1] + b',"findings":[]}')
        return
    write(head[:-1] + b',"findings":[\n')
    last = len(result.findings) - 1
    for i, finding in enumerate(result.findings):
        write(orjson.dumps(finding.to_dict()))
        write(b",\n" if i < last else b"\n]}")


# --- CSV -------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """A field a spreadsheet will not run as a formula (OWASP, CSV injection): one that begins with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(result: CheckResult, language: str = "zh") -> str:
    """Every finding as one CSV line, for Excel/WPS: UTF-8 with a BOM (so Excel on Chinese Windows reads
    it as UTF-8), headers and severities in ``language``, and every field made safe by ``csv_safe``."""
    labels = LABELS[language]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([labels["csv"][c] for c in CSV_COLUMNS])
    for f in result.findings:
        writer.writerow([csv_safe(v) for v in (
            f.code, labels[f.severity], f.owner or "", f.sheet, " ".join(map(str, f.rows)), f.column or "",
            " ".join(f.client_ids), " ".join(f.staff), f.message)])
    return out.getvalue()


# --- the table -------------------------------------------------------------------------------


def print_table(result: CheckResult, console: Console, language: str = "zh",
                limit: int | None = DEFAULT_LIMIT) -> None:
    """A summary a person can read: the totals, counts per code and per owner, then each code's first
    ``limit`` findings (all with ``None``), one line each: owner and message. Lines are never wrapped here
    (the terminal does that), so the output is the same at any width."""
    for line, style in table_lines(result, language, limit):
        console.print(Text(line, style=style), soft_wrap=True)


def table_lines(result: CheckResult, language: str = "zh",
                limit: int | None = DEFAULT_LIMIT) -> list[tuple[str, str]]:
    """The lines of ``print_table`` with their style (cell text already through ``one_line``)."""
    labels = LABELS[language]
    findings = result.findings
    if not findings:
        return [(labels["clean"], "")]
    by_code: dict[str, list[Finding]] = {}
    errors_of: Counter[str] = Counter()
    warnings_of: Counter[str] = Counter()
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
        (errors_of if f.severity == ERROR else warnings_of)[one_line(f.owner or labels["nobody"])] += 1
    errors = sum(errors_of.values())
    lines = [(labels["total"].format(n=len(findings), e=errors, w=len(findings) - errors), "bold"), ("", "")]

    lines.append((labels["by_code"], "bold"))
    rows = [[code, _label(code, language), labels[items[0].severity], str(len(items))]
            for code, items in by_code.items()]
    lines += [(line, _style(items[0].severity))
              for line, items in zip(_aligned(rows, right={3}), by_code.values())]
    lines.append(("", ""))

    totals = errors_of + warnings_of
    lines.append((labels["by_owner"], "bold"))
    rows = [[labels["owner"], labels["errors"], labels["warnings"], labels["count"]]]
    rows += [[owner, str(errors_of[owner]), str(warnings_of[owner]), str(totals[owner])]
             for owner in sorted(totals, key=lambda o: (-totals[o], o))]
    lines += [(line, "") for line in _aligned(rows, right={1, 2, 3})]

    for code, items in by_code.items():
        shown = items if limit is None else items[:limit]
        key = "section" if len(shown) == len(items) else "section_part"
        lines.append(("", ""))
        lines.append((labels[key].format(code=code, label=_label(code, language), n=len(items), shown=len(shown)),
                      "bold " + _style(items[0].severity)))
        rows = [[one_line(f.owner or labels["nobody"]), one_line(f.message)] for f in shown]
        lines += [(line, "") for line in _aligned(rows)]
        if len(shown) < len(items):
            lines.append(("  " + labels["more"].format(n=len(items) - len(shown)), "dim"))
    return lines


def _aligned(rows: list[list[str]], right: set[int] = frozenset()) -> list[str]:
    """Rows as lines indented by two spaces, columns padded to their widest cell (Chinese characters
    count two), the last column unpadded unless right-aligned."""
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    last = len(widths) - 1
    out = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - cell_len(cell))
            cells.append(pad + cell if i in right else (cell if i == last else cell + pad))
        out.append("  " + "  ".join(cells))
    return out


def _label(code: str, language: str) -> str:
    check = CHECKS.get(code)
    return check.label[language] if check else ""


def _style(severity: str) -> str:
    return "red" if severity == ERROR else "yellow"
