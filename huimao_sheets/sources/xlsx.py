"""The embedded default source: a local ``.xlsx`` (or ``.xls``) workbook, read with fastexcel into Arrow.

fastexcel (Rust, on calamine) reads each worksheet straight into Arrow columns, every cell as text, with no
Python object per cell; the register then parses each column's distinct values once (``sources.columns``).
Before a worksheet is read, ``xlsx_scan`` streams its XML to learn its real extent (so a stray value at
``XFD1048576`` never makes the reader allocate the empty grid between), its formula errors (which calamine
reads as blank) and its merged ranges. A worksheet with stray cells is read from a copy of the workbook
without them.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Sequence

import fastexcel
import pyarrow as pa

from huimao_sheets.errors import SourceError
from huimao_sheets.sources.columns import ArrowTable
from huimao_sheets.sources.filetype import check_workbook_file
from huimao_sheets.sources.xlsx_scan import SheetScan, check_part_size, scan_sheet, without_cells
from huimao_sheets.sources.xlsx_write import Package

SHARED_STRINGS = "/sharedStrings"


class XlsxSource:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.name = str(path)
        self._workbook: fastexcel.ExcelReader | None = None

    def _check_file(self) -> str:
        """``xlsx`` or ``xls``; anything else is a plain ``SourceError`` naming what the file really is."""
        return check_workbook_file(self.path)

    def _reader(self, path: Path | None = None) -> fastexcel.ExcelReader:
        if path is None and self._workbook is not None:
            return self._workbook
        try:
            reader = fastexcel.read_excel(str(path or self.path))
        except Exception as exc:  # fastexcel raises its own error types for every malformed file
            raise SourceError(
                f"无法读取工作簿 {self.path}: {exc}. "
                "请确认它是 Excel/WPS 保存的 .xlsx 文件，且没有加密。"
            ) from exc
        if path is None:
            self._workbook = reader
        return reader

    def sheet_titles(self) -> list[str]:
        self._check_file()
        return list(self._reader().sheet_names)

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

    def read_tables(self, titles: Sequence[str]) -> dict[str, ArrowTable]:
        self._check_file()
        scans = self.scan(titles)
        stray = {title: scan for title, scan in scans.items() if scan.stray}
        with tempfile.TemporaryDirectory(prefix="huimao-read-") as folder:
            reader = self._reader(self._without_stray(stray, Path(folder) / "read.xlsx") if stray else None)
            tables = {}
            for title in titles:
                scan = scans.get(title) or SheetScan(title)
                tables[title] = self._arrow_table(reader, title, scan)
        return tables

    def _arrow_table(self, reader: fastexcel.ExcelReader, title: str, scan: SheetScan) -> ArrowTable:
        """One worksheet as Arrow text columns from sheet row 1 (``skip_rows=0`` keeps the blank rows above
        the data), its formula errors and merges from the scan."""
        try:
            sheet = reader.load_sheet(title, header_row=None, skip_rows=0, dtypes="string")
            columns = sheet.selected_columns
            data = pa.table(sheet.to_arrow()) if columns else pa.table({})
        except Exception as exc:
            raise SourceError(f"无法读取工作表“{title}”（{self.path}）: {exc}") from exc
        left = columns[0].absolute_index if columns else 0
        return ArrowTable(title, data, left=left, stray=scan.stray, errors=scan.errors, merges=scan.merges)

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

