"""The embedded default source: a local ``.xlsx`` (or ``.xls``) workbook, read with fastexcel into Arrow.

fastexcel (Rust, on calamine) reads each worksheet straight into Arrow columns, every cell as text, with no
Python object per cell; each column is dictionary-encoded at once, and the register parses each distinct
value once (``sources.columns``). Before a worksheet is read, ``xlsx_scan`` streams its XML to learn its
real extent (so a stray value at ``XFD1048576`` never makes the reader allocate the empty grid between),
and its merged ranges; calamine reports the formula errors it reads, with their position. A worksheet with
stray cells or error values calamine does not know (#SPILL!: the scan then looks for error cells too), or
one larger than ``PART_BYTES`` of XML, is read from a temporary copy of the workbook: without those cells,
and the large one split into worksheets of whole rows read one after the other (the reader holds a whole
worksheet as a grid: some 800 MB for a million visits).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, Sequence

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc

from huimao_sheets.errors import SourceError
from huimao_sheets.memory import give_back
from huimao_sheets.sources.columns import ArrowTable, compact, lost_value
from huimao_sheets.sources.filetype import check_workbook_file
from huimao_sheets.sources.xlsx_scan import READER_ERRORS, SheetScan, check_part_size, copy_sheet, scan_sheet
from huimao_sheets.sources.xlsx_write import Package

SHARED_STRINGS = "/sharedStrings"
_BOOLEAN_TEXT = pa.array(["true", "false"])
_DATE1904 = re.compile(r'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"')
_ERROR_CELL = re.compile(r"\bError\((\w+)\)")   # how fastexcel reports a formula error: … got 'Error(Ref)'
_UNKNOWN_ERROR = "Unsupported cell error value"    # how calamine refuses one it does not know (#SPILL!)
PART_BYTES = 128 << 20   # a worksheet whose XML unpacks to more (some 250,000 rows) is read in parts of about this size


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
                "请确认它是 Excel/WPS 保存的 .xlsx 文件，且没有加密。",
                en=f"Cannot read workbook {self.path}: {exc}. Check that it is an .xlsx file saved by Excel or WPS "
                   "and that it is not encrypted.",
            ) from exc
        if path is None:
            self._workbook = reader
        return reader

    def sheet_titles(self) -> list[str]:
        self._check_file()
        return list(self._reader().sheet_names)

    def scan(self, titles: Sequence[str], errors: bool = False) -> dict[str, SheetScan]:
        """Each named worksheet's extent, stray cells and merges (with ``errors``, its error cells too),
        streamed from the zip (no grid)."""
        if self._check_file() == "xls":
            return {}  # an Excel 97-2003 file is no zip; its grid is bounded anyway (65,536 × 256)
        try:
            with zipfile.ZipFile(self.path) as archive:
                package = Package(archive)
                targets = package.targets()
                parts = {name: targets.get(rid, ("", ""))[1] for name, _, rid in package.sheets()}
                for kind, part in targets.values():
                    if kind.endswith(SHARED_STRINGS) and part in archive.namelist():
                        check_part_size(archive.getinfo(part), f"工作簿 {self.path} 的共享字符串（{part}）",
                                        f"The shared strings ({part}) of workbook {self.path}")
                return {title: scan_sheet(archive, parts[title], title, errors)
                        for title in titles if parts.get(title) in archive.namelist()}
        except SourceError:
            raise
        except (zipfile.BadZipFile, KeyError, StopIteration, ValueError, OSError) as exc:
            raise SourceError(
                f"无法读取工作簿 {self.path}: {exc}. 请确认它是 Excel/WPS 保存的 .xlsx 文件，且没有加密。",
                en=f"Cannot read workbook {self.path}: {exc}. Check that it is an .xlsx file saved by Excel or WPS "
                   "and that it is not encrypted.",
            ) from exc

    def read_tables(self, titles: Sequence[str]) -> dict[str, ArrowTable]:
        self._check_file()
        try:
            return self._read_tables(titles, self.scan(titles))
        except _UnknownErrorValue:
            # A cell holds an error value calamine does not know (#SPILL!): find the error cells, and read
            # the worksheets without those cells.
            return self._read_tables(titles, self.scan(titles, errors=True))

    def _read_tables(self, titles: Sequence[str], scans: dict[str, SheetScan]) -> dict[str, ArrowTable]:
        with tempfile.TemporaryDirectory(prefix="huimao-read-") as folder:
            copy, parts = self._read_copy(scans, Path(folder) / "read.xlsx")
            if copy is not None:
                self._workbook = None   # the reader holds the workbook's shared strings: one reader at a time
            reader = self._reader(copy)
            date1904 = self._date1904()
            tables = {title: self._arrow_table(reader, title, parts.get(title, [(title, 1)]),
                                               scans.get(title) or SheetScan(title), date1904) for title in titles}
        give_back()   # the reader's grids and columns
        return tables

    def _date1904(self) -> bool:
        """Whether the workbook counts days from 1904 (a Mac Excel setting: ``<workbookPr date1904="1"/>``)."""
        if self._check_file() == "xls":
            return False
        with zipfile.ZipFile(self.path) as archive:
            return bool(_DATE1904.search(Package(archive).workbook_xml))

    def _arrow_table(self, reader: fastexcel.ExcelReader, title: str, parts: list[tuple[str, int]],
                     scan: SheetScan, date1904: bool = False) -> ArrowTable:
        """One worksheet as Arrow text columns from sheet row 1, read part by part (``_read_copy``: a part's
        title and the sheet row it begins at), each part's columns compacted at once; its formula errors
        as the reader reports them (and those the scan found), its merges from the scan. The first part is
        read from sheet row 1 (``skip_rows=0``: the blank rows above the data count); a later part from its
        first row, which holds a value, so that the reader's grid of it starts there."""
        pieces = []   # (first row, first column, the part's columns compacted, its rows)
        errors = dict(scan.errors)
        try:
            for name, first in parts:
                sheet = reader.load_sheet(name, header_row=None, skip_rows=0 if first == 1 else None,
                                          dtypes="string")
                if sheet.selected_columns:
                    batch, lost = sheet.to_arrow_with_errors()
                    columns = sheet.selected_columns
                    for error in lost.errors if lost else []:
                        if (kind := _ERROR_CELL.search(error.detail)) and kind.group(1) in READER_ERRORS:
                            row, j = error.position
                            errors[(first + row, columns[j].absolute_index + 1)] = READER_ERRORS[kind.group(1)]

                    def flags(name: str = name, first: int = first) -> pa.RecordBatch:
                        """The part read again, every cell as a boolean (a text cell reads blank)."""
                        return reader.load_sheet(name, header_row=None, skip_rows=0 if first == 1 else None,
                                                 dtypes="boolean").to_arrow()

                    pieces.append((first, columns[0].absolute_index,
                                   _restored(batch, lost, flags), batch.num_rows))
                    del batch
                del sheet
                if len(parts) > 1:
                    give_back()   # the reader's grid and columns of the part, before the next is read
        except Exception as exc:
            if _UNKNOWN_ERROR in str(exc) and not scan.errors_read and self._check_file() == "xlsx":
                raise _UnknownErrorValue from exc
            raise SourceError(f"无法读取工作表“{title}”（{self.path}）: {exc}",
                              en=f"Cannot read worksheet “{title}” ({self.path}): {exc}") from exc
        left = min((at for _, at, _, _ in pieces), default=0)
        width = max((at + len(columns) for _, at, columns, _ in pieces), default=0) - left
        tables, covered = [], 0
        for first, at, columns, rows in pieces:
            if first - 1 > covered:   # blank rows between two parts
                tables.append(_aligned([], first - 1 - covered, 0, width))
            tables.append(_aligned(columns, rows, at - left, width))
            covered = first - 1 + rows
        return ArrowTable(title, tables, left=left, stray=scan.stray, errors=errors, merges=scan.merges,
                          date1904=date1904)

    def _read_copy(self, scans: dict[str, SheetScan],
                   target: Path) -> tuple[Path | None, dict[str, list[tuple[str, int]]]]:
        """The workbook to read: None (this one) unless a worksheet has cells to leave out (stray cells, error
        values the reader does not know: ``SheetScan.left_out``) or its XML unpacks to more than
        ``PART_BYTES``; else a copy of it where those cells are left out and each such large
        worksheet is split into worksheets of about ``PART_BYTES`` of rows, read one after the other, so that
        the reader never holds a whole large sheet (fastexcel holds some 800 MB for a million visits).
        Returns the copy and, per rewritten title, its parts in order: (title, the sheet row it begins at)."""
        if self._check_file() == "xls" or not scans:
            return None, {}
        with zipfile.ZipFile(self.path) as archive:
            package = Package(archive)
            targets = package.targets()
            titles = {targets.get(rid, ("", ""))[1]: name for name, _, rid in package.sheets() if name in scans}
            rewritten = {part: title for part, title in titles.items()
                         if scans[title].left_out or archive.getinfo(part).file_size > PART_BYTES}
            if not rewritten:
                return None, {}
            taken = {name for name, _, _ in package.sheets()}
            parts: dict[str, list[tuple[str, int]]] = {}
            with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
                for info in archive.infolist():
                    if info.filename in (package.workbook, package.rels, "[Content_Types].xml"):
                        continue   # written last, naming the parts added
                    title = rewritten.get(info.filename)
                    if title is None:
                        with archive.open(info) as src, out.open(info.filename, "w", force_zip64=True) as dst:
                            while data := src.read(1 << 20):
                                dst.write(data)
                        continue
                    names = [title]

                    def open_part(k: int, part: str = info.filename, title: str = title, names=names):
                        if k:
                            names.append(_part_title(title, k, taken))
                            part = package.add_worksheet(names[-1])
                        return out.open(part, "w", force_zip64=True)

                    starts = copy_sheet(archive, info.filename, open_part, size=PART_BYTES,
                                        without=scans[title].left_out)
                    parts[title] = list(zip(names, starts))
                out.writestr(package.workbook, package.workbook_xml.encode("utf-8"))
                out.writestr(package.rels, package.rels_xml.encode("utf-8"))
                out.writestr("[Content_Types].xml", package.types_xml.encode("utf-8"))
        return target, parts


class _UnknownErrorValue(Exception):
    """calamine refused a worksheet for an error value it does not know (``read_tables`` reads again)."""


def _part_title(title: str, k: int, taken: set[str]) -> str:
    """A worksheet title for part ``k`` of ``title`` that no worksheet has."""
    n = 0
    while (name := f"{title} ({k + 1}.{n})" if n else f"{title} ({k + 1})") in taken:
        n += 1
    taken.add(name)
    return name


def _restored(batch: pa.RecordBatch, lost, flags: Callable[[], pa.RecordBatch]) -> list[pa.DictionaryArray]:
    """The batch's columns, compacted, with the cells fastexcel could not give as text (``lost``: a number in a
    date-formatted cell beyond any date, which it reads as blank) put back as the number a person reads,
    and its boolean cells as Excel shows them, ``TRUE``/``FALSE``. fastexcel writes a boolean ``true``, as
    someone may type it: only when a column holds that text (looked for among its distinct values) is the
    part read again as booleans (``flags``), where a typed text is blank."""
    columns = list(map(compact, batch.columns))
    marked = [j for j, column in enumerate(columns) if pc.any(pc.is_in(column.dictionary, _BOOLEAN_TEXT)).as_py()]
    if marked:
        booleans = flags()
        for j in marked:
            column = batch.column(j)
            cells = pc.and_(pc.is_in(column, _BOOLEAN_TEXT), pc.is_valid(booleans.column(j)))
            columns[j] = compact(pc.if_else(cells, pc.utf8_upper(column), column))
    by_column: dict[int, dict[int, str]] = {}
    for error in lost.errors if lost else []:
        row, column = error.position
        if (text := lost_value(error.detail)) is not None and column < len(columns):
            by_column.setdefault(column, {})[row] = text
    for column, texts in by_column.items():
        cells = columns[column].to_pylist()
        for row, text in texts.items():
            cells[row] = text
        columns[column] = compact(pa.array(cells, pa.string()))
    return columns


def _aligned(columns: list[pa.Array], rows: int, left: int, width: int) -> pa.Table:
    """A part's ``columns`` as a table of ``width`` columns, its own starting at ``left``, the rest blank."""
    aligned = [compact(pa.nulls(rows, pa.string()))] * width
    aligned[left:left + len(columns)] = columns
    return pa.table(aligned, names=[str(j) for j in range(width)])
