"""The embedded default source: a local ``.xlsx`` workbook, read with python-calamine.

python-calamine (Rust) reads cells about ten times faster than openpyxl; it returns date cells as
``date``/``datetime`` and numbers as ``float``, which is what the register expects. Before calamine reads a
worksheet, ``xlsx_scan`` streams its XML to learn its real extent (so a stray value at ``XFD1048576`` never
makes calamine allocate the empty grid between), its formula errors (which calamine reads as blank) and its
merged ranges. A worksheet with stray cells is read from a copy of the workbook without them.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Iterator, Sequence

from python_calamine import CalamineWorkbook

from huimao_sheets.errors import SourceError
from huimao_sheets.sources import Table
from huimao_sheets.sources.cells import as_person_reads
from huimao_sheets.sources.filetype import check_workbook_file
from huimao_sheets.sources.xlsx_scan import SheetScan, check_part_size, scan_sheet, without_cells
from huimao_sheets.sources.xlsx_write import Package

SHARED_STRINGS = "/sharedStrings"


class XlsxSource:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.name = str(path)
        self._workbook: CalamineWorkbook | None = None

    def _check_file(self) -> str:
        """``xlsx`` or ``xls``; anything else is a plain ``SourceError`` naming what the file really is."""
        return check_workbook_file(self.path)

    def _open(self, path: Path | None = None) -> CalamineWorkbook:
        if path is not None:
            return self._calamine(path)
        if self._workbook is None:
            self._check_file()
            self._workbook = self._calamine(self.path)
        return self._workbook

    def _calamine(self, path: Path) -> CalamineWorkbook:
        try:
            return CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types for every malformed file
            raise SourceError(
                f"无法读取工作簿 {self.path}: {exc}. "
                "请确认它是 Excel/WPS 保存的 .xlsx 文件，且没有加密。"
            ) from exc

    def sheet_titles(self) -> list[str]:
        return list(self._open().sheet_names)

    def scan(self, titles: Sequence[str]) -> dict[str, SheetScan]:
        """Each named worksheet's extent, stray cells, errors and merges, streamed from the zip (no grid)."""
        if self._check_file() == "xls":
            return {}  # an Excel 97-2003 file is no zip; its grid is bounded anyway (65,536 × 256)
        try:
            with zipfile.ZipFile(self.path) as archive:
                package = Package(archive)
                targets = package.targets()
                parts = {name: targets.get(rid, ("", ""))[1] for name, _, rid in package.sheets()}
                for kind, part in targets.values():
                    if kind.endswith(SHARED_STRINGS) and part in archive.namelist():
                        check_part_size(archive.getinfo(part), f"工作簿 {self.path} 的共享字符串（{part}）")
                return {title: scan_sheet(archive, parts[title], title)
                        for title in titles if parts.get(title) in archive.namelist()}
        except SourceError:
            raise
        except (zipfile.BadZipFile, KeyError, StopIteration, ValueError, OSError) as exc:
            raise SourceError(
                f"无法读取工作簿 {self.path}: {exc}. 请确认它是 Excel/WPS 保存的 .xlsx 文件，且没有加密。"
            ) from exc

    def read_tables(self, titles: Sequence[str]) -> dict[str, Table]:
        workbook = self._open()
        scans = self.scan(titles)
        stray = {title: scan for title, scan in scans.items() if scan.stray}
        with tempfile.TemporaryDirectory(prefix="huimao-read-") as folder:
            if stray:  # read those worksheets from a copy without their stray cells
                workbook = self._open(self._without_stray(stray, Path(folder) / "read.xlsx"))
            tables = {}
            for title in titles:
                try:
                    sheet = workbook.get_sheet_by_name(title)
                except Exception as exc:
                    raise SourceError(f"无法读取工作表“{title}”（{self.path}）: {exc}") from exc
                scan = scans.get(title) or SheetScan(title)
                rows = as_person_reads(_rows(sheet), scan.errors, scan.merges, width=scan.last_column or None)
                tables[title] = Table(title=title, rows=rows, stray=scan.stray)
        return tables

    def _without_stray(self, scans: dict[str, SheetScan], target: Path) -> Path:
        """A copy of the workbook whose worksheets in ``scans`` lack their stray cells."""
        with zipfile.ZipFile(self.path) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED,
                                                                     compresslevel=1) as out:
            package = Package(archive)
            targets = package.targets()
            refs = {targets.get(rid, ("", ""))[1]: scans[name].stray
                    for name, _, rid in package.sheets() if name in scans}
            for info in archive.infolist():
                if info.filename in refs:
                    without_cells(archive, info.filename, refs[info.filename], out)
                else:
                    with archive.open(info) as src, out.open(info.filename, "w", force_zip64=True) as dst:
                        while data := src.read(1 << 20):
                            dst.write(data)
        return target


def _rows(sheet) -> Iterator[list]:
    """Rows from sheet row 1, converted lazily so a million-row sheet is never all Python objects at once.

    calamine's ``iter_rows`` pads the blank rows above the data but not the blank columns to its left;
    we pad those so that column positions match the sheet's.
    """
    left = sheet.start[1] if sheet.start else 0
    if not left:
        return iter(sheet.iter_rows())  # the usual case: no Python step between calamine and the register
    pad = [""] * left
    return (pad + row for row in sheet.iter_rows())
