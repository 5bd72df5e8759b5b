"""``setup-sheet``: make a spreadsheet match the layout, so that bad input is stopped where it is typed.

For each worksheet of the layout (and the findings worksheet): create it with its header row when it is
missing; add the headers it lacks after the last one it has; freeze the header row; put a drop-down on
every value-list column (rating, likelihood, stage, visit type, role, industry) and date validation on
every date column. Staff data is never moved or deleted, and a second run changes nothing: what to do is
worked out here by comparing the layout with what the sheet has (``plan_changes``); the Google and xlsx
backends only report what is there and apply the changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from huimao_sheets import layout
from huimao_sheets.config import Settings
from huimao_sheets.findings_sheet import HEADERS as FINDINGS_HEADERS
from huimao_sheets.findings_sheet import findings_title
from huimao_sheets.layout import SHEETS, SheetSpec
from huimao_sheets.normalize import cell_text
from huimao_sheets.register import (
    HEADER_SEARCH_ROWS,
    field_header,
    locate_columns,
    match_title,
    sheet_names,
    sheet_title,
)
from huimao_sheets.sources import is_google_source
from huimao_sheets.sources.changes import Rule, SheetChange
from huimao_sheets.sources.xlsx_setup import XlsxBackend


@dataclass(frozen=True)
class SheetPlan:
    key: str                               # clients / visits / staff / plans / findings
    title: str
    headers: tuple[str, ...]               # in layout order
    fields: tuple[str, ...] = ()           # the field key of each header (none for the findings worksheet)
    spec: SheetSpec | None = None
    rules: tuple[tuple[str, Rule], ...] = ()   # (field key, rule)

    def header(self, key: str) -> str:
        return self.headers[self.fields.index(key)]


class Backend(Protocol):
    """What a spreadsheet tells the planner and how it applies the plan."""

    def titles(self) -> list[str]: ...
    def head(self, title: str) -> list[list[Any]]: ...      # the first rows' cells (HEADER_SEARCH_ROWS + 1)
    def frozen_rows(self, title: str) -> int: ...
    def rule_at(self, title: str, row: int, col: int) -> Rule | None: ...
    def apply(self, changes: list[SheetChange]) -> None: ...


def field_rule(f: layout.Field) -> Rule | None:
    if f.key == "industry":
        return Rule("list", layout.INDUSTRIES, strict=False)   # the list is open-ended: warn, do not reject
    if f.kind == layout.CHOICE:
        return Rule("list", f.choices)
    if f.kind == layout.DATE:
        return Rule("date")
    return None


def sheet_plans(settings: Settings) -> list[SheetPlan]:
    plans = []
    for spec in SHEETS:
        rules = tuple((f.key, rule) for f in spec.fields if (rule := field_rule(f)) is not None)
        headers = tuple(field_header(spec, f, settings) for f in spec.fields)
        plans.append(SheetPlan(spec.key, sheet_title(spec, settings), headers, tuple(f.key for f in spec.fields),
                               spec, rules))
    plans.append(SheetPlan("findings", findings_title(settings), tuple(FINDINGS_HEADERS[settings.language])))
    return plans


def _is_blank_row(row: list[Any]) -> bool:
    return all(not cell_text(c).strip() for c in row)


def plan_changes(backend: Backend, settings: Settings) -> list[SheetChange]:
    """What must change for the spreadsheet to match the layout; nothing when it already does.

    Worksheets and headers are found the way the register finds them, so that validation goes on the very
    column the checks read (客户综合评估, not a 客户评级 column left of it)."""
    titles = backend.titles()
    changes = []
    for plan in sheet_plans(settings):
        title = match_title(titles, *(sheet_names(plan.spec, settings) if plan.spec else (plan.title,)))
        if title is None:
            changes.append(_new_sheet(plan))
        elif plan.spec is not None:  # an existing findings worksheet is rewritten whole by every check
            change = _existing_sheet(plan, title, backend, settings)
            if change.note or not change.is_empty():
                changes.append(change)
    return changes


def _new_sheet(plan: SheetPlan) -> SheetChange:
    return SheetChange(plan.title, create=True, headers=list(enumerate(plan.headers)),
                       columns_needed=len(plan.headers), freeze=1,
                       rules=[(plan.fields.index(key), plan.header(key), rule) for key, rule in plan.rules])


def _existing_sheet(plan: SheetPlan, title: str, backend: Backend, settings: Settings) -> SheetChange:
    rows = backend.head(title)
    change = SheetChange(title)
    assert plan.spec is not None
    header_row, mapping = locate_columns(plan.spec, rows, settings)
    if not mapping and not all(_is_blank_row(r) for r in rows):
        change.note = "no_header"
        return change
    header_cells = rows[header_row] if header_row < len(rows) else []
    next_col = max((i + 1 for i, c in enumerate(header_cells) if cell_text(c).strip()), default=0)
    for key, text in zip(plan.fields, plan.headers):
        if key not in mapping:  # a missing header goes after the last one: no staff column moves
            mapping[key] = next_col
            change.headers.append((next_col, text))
            next_col += 1
    change.header_row = header_row
    change.columns_needed = next_col
    if backend.frozen_rows(title) < header_row + 1:
        change.freeze = header_row + 1
    for key, rule in plan.rules:
        if backend.rule_at(title, header_row + 1, mapping[key]) != rule:
            change.rules.append((mapping[key], plan.header(key), rule))
    return change


MESSAGES = {
    "zh": {"create": "创建工作表“{title}”，表头 {n} 列", "headers": "在“{title}”第{row}行添加表头：{names}",
           "freeze": "冻结“{title}”的前 {n} 行（表头）", "list": "“{title}”的“{header}”列：下拉选项 {values}",
           "date": "“{title}”的“{header}”列：只接受日期", "none": "表格已符合要求，无需改动。",
           "no_header": "“{title}”的前{n}行中找不到表头，未做改动：请在第1行写上表头后再运行。"},
    "en": {"create": "created worksheet “{title}” with {n} headers", "headers": "added headers to “{title}” row {row}: {names}",
           "freeze": "froze the first {n} row(s) of “{title}”", "list": "“{title}” column “{header}”: drop-down {values}",
           "date": "“{title}” column “{header}”: dates only", "none": "The spreadsheet already matches the layout.",
           "no_header": "no header found in the first {n} rows of “{title}”, so it was left unchanged: write the "
                        "headers in row 1 and run again"},
}


def describe(changes: list[SheetChange], language: str = "zh") -> list[str]:
    """One line per change, for the admin."""
    text = MESSAGES[language]
    lines = []
    for c in changes:
        if c.note:
            lines.append(text[c.note].format(title=c.title, n=HEADER_SEARCH_ROWS))
        if c.create:
            lines.append(text["create"].format(title=c.title, n=len(c.headers)))
        elif c.headers:
            names = "、".join(h for _, h in c.headers)
            lines.append(text["headers"].format(title=c.title, row=c.header_row + 1, names=names))
        if c.freeze and not c.create:
            lines.append(text["freeze"].format(title=c.title, n=c.freeze))
        for _, header, rule in c.rules:
            values = "/".join(rule.values)
            lines.append(text[rule.kind].format(title=c.title, header=header, values=values))
    return lines or [text["none"]]


def setup_sheet(source_spec: str, settings: Settings, credentials: str | None = None, *,
                transport: Any = None) -> list[SheetChange]:
    """Set up the spreadsheet ``source_spec`` (Google or xlsx); returns the changes made (empty: none)."""

    if is_google_source(source_spec):
        # Deferred on purpose: gspread and google-auth are heavy and an .xlsx set-up never needs them.
        from huimao_sheets.sources.gsheets import GoogleSheetSource
        from huimao_sheets.sources.gsheets_setup import GoogleBackend

        source = GoogleSheetSource.open(source_spec, credentials or settings.credentials, write=True,
                                        transport=transport)
        backend: Backend = GoogleBackend(source, HEADER_SEARCH_ROWS + 1)
    else:

        backend = XlsxBackend(source_spec, HEADER_SEARCH_ROWS + 1)
    changes = plan_changes(backend, settings)
    to_apply = [c for c in changes if not c.is_empty()]
    if to_apply:
        backend.apply(to_apply)
    return changes
