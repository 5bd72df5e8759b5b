"""``setup-sheet`` on a local ``.xlsx`` workbook, with openpyxl: what the workbook has, and the plan applied.

openpyxl rewrites the whole file. It keeps values, styles, merged cells, column widths, frozen panes,
data validation, conditional formatting and comments, but not images, charts or shapes, and it drops the
cached result of every formula (the reader would see those cells blank until Excel recalculates). So a
workbook holding any of these is refused with an explanation rather than saved with a loss. A run with
nothing to change does not save at all. Saving goes through ``xlsx_write.atomic_write`` (temporary file,
then replace; never while the workbook is open in Excel/WPS).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from huimao_sheets.errors import SourceError
from huimao_sheets.sources.changes import Rule, SheetChange
from huimao_sheets.sources.filetype import check_workbook_file
from huimao_sheets.sources.xlsx_write import atomic_write, refuse_if_open

EXCEL_MAX_ROW = 1048576
FIRST_SERIAL, LAST_SERIAL = "18264", "73051"    # 1950-01-01 … 2100-12-31, the dates normalize.py reads
DATE_HINT = "请输入日期，例如 2026-11-03"
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_UNKEPT = {"xl/drawings/": ("图片或图形", "pictures or shapes"), "xl/charts/": ("图表", "charts"),
           "xl/media/": ("图片", "pictures"), "vbaProject": ("宏", "macros")}
_FORMULAS = ("公式（保存后公式的计算结果会丢失）", "formulas (their results would be lost on saving)")


def unkept_content(path: Path) -> tuple[str, str] | None:
    """What openpyxl would lose in this workbook (images, charts, macros, formula results), if anything:
    its Chinese and English names."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            for marker, what in _UNKEPT.items():
                if marker in name:
                    return what
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml") and _FORMULA.search(archive.read(name)):
                return _FORMULAS
    return None


def excel_validation(rule: Rule) -> DataValidation:
    if rule.kind == "list":
        dv = DataValidation(type="list", formula1='"' + ",".join(rule.values) + '"', allow_blank=True)
    else:
        dv = DataValidation(type="date", operator="between", formula1=FIRST_SERIAL, formula2=LAST_SERIAL,
                            allow_blank=True, promptTitle="日期", prompt=DATE_HINT)
        dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.errorStyle = "stop" if rule.strict else "warning"
    return dv


def rule_from_excel(dv: DataValidation) -> Rule:
    strict = bool(dv.showErrorMessage) and (dv.errorStyle or "stop") == "stop"
    if dv.type == "list" and dv.formula1 and dv.formula1.startswith('"'):
        return Rule("list", tuple(dv.formula1.strip('"').split(",")), strict)
    if dv.type == "date":
        return Rule("date", (), strict)
    return Rule(str(dv.type), (), strict)


def _remove_column(ws: Worksheet, col: int, first_row: int) -> None:
    """Take column ``col`` (1-based) from ``first_row`` down out of every existing validation, so that the
    new rule does not overlap an old one (Excel rejects overlapping validation)."""
    target = CellRange(min_col=col, max_col=col, min_row=first_row, max_row=EXCEL_MAX_ROW)
    for dv in list(ws.data_validations.dataValidation):
        kept = []
        for rng in dv.sqref.ranges:
            if rng.isdisjoint(target):
                kept.append(rng)
                continue
            if rng.min_col < col:
                kept.append(CellRange(min_col=rng.min_col, max_col=col - 1, min_row=rng.min_row, max_row=rng.max_row))
            if rng.max_col > col:
                kept.append(CellRange(min_col=col + 1, max_col=rng.max_col, min_row=rng.min_row, max_row=rng.max_row))
            if rng.min_row < first_row:
                kept.append(CellRange(min_col=col, max_col=col, min_row=rng.min_row, max_row=first_row - 1))
        if kept:
            dv.sqref = " ".join(r.coord for r in kept)
        else:
            ws.data_validations.dataValidation.remove(dv)


class XlsxBackend:
    """The workbook as ``setup_sheet.plan_changes`` sees it. A missing file becomes a new workbook."""

    def __init__(self, path: str | Path, head_rows: int):
        self.path = Path(path)
        self.head_rows = head_rows
        self.lost: tuple[str, str] | None = None
        refuse_if_open(self.path)
        if not self.path.exists():
            self.workbook = Workbook()
            self.workbook.remove(self.workbook.active)
            return
        check_workbook_file(self.path, write=True)
        try:
            self.lost = unkept_content(self.path)
            self.workbook = openpyxl.load_workbook(self.path)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise SourceError(f"无法打开工作簿 {self.path}: {exc}. 请确认它是 Excel/WPS 保存的 .xlsx 文件，且没有加密。",
                              en=f"Cannot open workbook {self.path}: {exc}. Make sure it is an .xlsx file saved by "
                                 "Excel or WPS, without a password.") from exc

    def titles(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def head(self, title: str) -> list[list[Any]]:
        ws = self.workbook[title]
        return [list(row) for row in ws.iter_rows(min_row=1, max_row=self.head_rows, values_only=True)]

    def frozen_rows(self, title: str) -> int:
        pane = self.workbook[title].freeze_panes
        return CellRange(pane).min_row - 1 if pane else 0

    def rule_at(self, title: str, row: int, col: int) -> Rule | None:
        coord = f"{get_column_letter(col + 1)}{row + 1}"
        found = None
        for dv in self.workbook[title].data_validations.dataValidation:
            if coord in dv.sqref:
                found = rule_from_excel(dv)
        return found

    def apply(self, changes: list[SheetChange]) -> None:
        if self.lost:
            raise SourceError(
                f"工作簿 {self.path} 中有{self.lost[0]}，setup-sheet 用 openpyxl 保存时无法保留，所以没有改动它。"
                "请在 Excel/WPS 中按 README 手工设置下拉选项，或把数据复制到 `huimao-sheets setup-sheet --source 新工作簿.xlsx` "
                "生成的新工作簿中（公式列可先“粘贴为数值”）。",
                en=f"Workbook {self.path} holds {self.lost[1]}, which setup-sheet could not keep when saving with "
                   "openpyxl, so it was left unchanged. Set the drop-down lists by hand in Excel or WPS as the README "
                   "says, or copy the data into the new workbook that `huimao-sheets setup-sheet --source new.xlsx` "
                   "makes (paste formula columns as values first)."
            )
        for change in changes:
            ws = self.workbook.create_sheet(change.title) if change.create else self.workbook[change.title]
            for col, text in change.headers:
                cell = ws.cell(row=change.header_row + 1, column=col + 1)
                cell.value = text
                cell.data_type = "s"
            if change.freeze:
                pane = ws.freeze_panes
                column = CellRange(pane).min_col if pane else 1
                ws.freeze_panes = f"{get_column_letter(column)}{change.freeze + 1}"
            first_row = change.header_row + 2
            for col, _, rule in change.rules:
                _remove_column(ws, col + 1, first_row)
                dv = excel_validation(rule)
                letter = get_column_letter(col + 1)
                dv.add(f"{letter}{first_row}:{letter}{EXCEL_MAX_ROW}")
                ws.add_data_validation(dv)
        atomic_write(self.path, self.workbook.save)
