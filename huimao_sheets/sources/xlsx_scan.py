"""Know a worksheet before reading it: its real extent, stray cells, formula errors and merged ranges.

calamine (under fastexcel) holds a worksheet as a dense grid from its first to its last cell, so one value
typed at ``XFD1048576`` makes it allocate 16,384 × 1,048,576 cells (hundreds of GB: the process aborts).
This module streams the worksheet's XML inside the xlsx zip, a megabyte at a time, and never builds a grid:

- the **data block** runs from the first row and column down and right until a gap of at least
  ``ROW_GAP`` empty rows or ``COLUMN_GAP`` empty columns. A cell holding a value beyond such a gap is a
  **stray cell**: it is reported (``stray_cell``) and left out of the read. A cell with only a format and no
  value is not a value (calamine skips it too). The ``<dimension>`` element is not trusted;
- ``t="e"`` cells are formula errors (``#REF!``…). The reader reports those it knows with their position
  (``sources.xlsx``); only when it refuses one (Excel 365's ``#SPILL!``) are they looked for here
  (``errors=True``), so that the read can leave those cells out while their text is kept;
- ``<mergeCell ref="G2:G3"/>`` ranges are kept, so that a merged cell reads as its top-left value;
- limits (``MAX_*``) bound what a read may cost; beyond them the read stops with a ``SourceError`` that
  names the sheet and the limit (exit 2);
- ``copy_sheet`` copies a worksheet without its stray cells and, when it is large, as several worksheets
  of whole rows, so that the reader's grid of each is small (``sources.xlsx``).

The common case is cheap: row numbers are compared a chunk at a time and no cell reference is read unless a
chunk has a gap of ``ROW_GAP`` rows or a cell beyond column Z. Only then is every cell reference read.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterator

from isal import isal_zlib

from huimao_sheets.errors import SourceError

ROW_GAP = 1000                  # a value below this many empty rows is far from the data
COLUMN_GAP = 26                 # … or right of this many empty columns (a whole alphabet)
MAX_ROWS = 1_048_576            # rows of the data block (Excel's own maximum)
MAX_COLUMNS = 1_000             # columns of the data block
MAX_CELLS = 30_000_000          # rows × columns of the data block: calamine holds ~32 bytes a cell (≈1 GB)
MAX_PART_BYTES = 1 << 30        # a worksheet's or the shared strings' XML, unpacked (1 GiB)
MAX_EXPANSION = 100             # a part over BOMB_FLOOR that unpacks to more than 100× its packed size
BOMB_FLOOR = 50 << 20           # … is a zip bomb, not a register (real sheets pack 5–15×)
CHUNK = 1 << 20
SCAN_CHUNK = 1 << 18            # a quarter: a piece of a register's rows (~500 bytes each) spans < ROW_GAP rows

_ROW_TAG = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_WIDE_REF = re.compile(rb'<c r="[A-Z]{2}')   # a literal prefix: fast (a prefixed sheet is read cell by cell)
# A cell's opening tag: its reference and whether it closes at once (``<c r="A5" s="1"/>`` holds nothing).
_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?(/?)>')
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF_ATTR = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')
_ROW_END = re.compile(rb'</(?:\w+:)?row>')
_SHEET_DATA = re.compile(rb'<(\w+:)?sheetData\b[^>]*>')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*/>')


# The error values the reader (calamine) knows, by the name it gives each. A worksheet holding any other —
# Excel 365's #SPILL!, #CALC!, #FIELD!… of dynamic-array formulas — is refused whole, so it is read from a
# copy without those cells (``SheetScan.left_out``), whose text the scan keeps.
READER_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
                 "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}


def column_number(letters: str | bytes) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27, ``XFD`` → 16384."""
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class SheetScan:
    """What a worksheet holds, found without reading its values. Rows and columns are 1-based."""

    title: str
    last_row: int = 0                      # of the data block
    last_column: int = 0
    stray: list[str] = field(default_factory=list)              # A1 references, in sheet order
    errors: dict[tuple[int, int], str] = field(default_factory=dict)   # (row, column) → "#REF!"
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, col1, row2, col2)
    errors_read: bool = False          # whether ``errors`` holds every error cell (``scan_sheet(errors=True)``)

    @property
    def left_out(self) -> list[str]:
        """The cells the read must leave out (A1 references): stray cells, and formula errors whose value the
        reader does not know."""
        known = READER_ERRORS.values()
        return self.stray + [a1(row, column) for (row, column), text in self.errors.items() if text not in known]


def check_part_size(info: zipfile.ZipInfo, part: str, part_en: str) -> None:
    """Refuse a part whose declared unpacked size is beyond the limits, before unpacking anything.
    ``part`` names it for the user: 工作表“客户档案”的 XML, 工作簿的共享字符串（sharedStrings.xml）; ``part_en``
    in English."""
    if info.file_size > MAX_PART_BYTES:
        raise _too_big(part, part_en)
    if info.file_size > BOMB_FLOOR and info.file_size > MAX_EXPANSION * max(info.compress_size, 1):
        size, times = info.file_size / 2**20, info.file_size // max(info.compress_size, 1)
        raise SourceError(
            f"{part}解压后有 {size:.0f} MB，是压缩大小的 {times} 倍（上限 {MAX_EXPANSION} 倍），不像正常的工作簿，没有读取。"
            "请用 Excel/WPS 打开后另存为新的 .xlsx 再试。",
            en=f"{part_en} unpacks to {size:.0f} MB, {times} times its packed size (limit {MAX_EXPANSION} times): "
               "not like a normal workbook, so it was not read. Open it in Excel or WPS, save it as a new .xlsx and "
               "try again.",
        )


def _too_big(part: str, part_en: str) -> SourceError:
    return SourceError(
        f"{part}解压后超过 {MAX_PART_BYTES / 2**20:.0f} MB（上限），没有读取。"
        "请把旧数据移到另一个工作簿，或删除不需要的内容后再试。",
        en=f"{part_en} unpacks to more than {MAX_PART_BYTES / 2**20:.0f} MB (the limit), so it was not read. Move old "
           "data to another workbook, or delete what is not needed, and try again.",
    )


def scan_sheet(archive: zipfile.ZipFile, part: str, title: str, errors: bool = False) -> SheetScan:
    """Stream worksheet ``part`` of ``archive`` and find its data block, stray cells and merges; with
    ``errors``, its error cells too."""
    info = archive.getinfo(part)
    check_part_size(info, f"工作表“{title}”的 XML ", f"The XML of worksheet “{title}”")
    scan = SheetScan(title, errors_read=errors)
    last_row = 0                  # the last row number seen, while no gap has been met
    detailed = False              # whether every cell reference must be read
    unpacked = 0
    buffer = b""
    chunks = unpack(archive, info, SCAN_CHUNK)
    while True:
        data = next(chunks, b"")
        unpacked += len(data)
        if unpacked > MAX_PART_BYTES:
            raise _too_big(f"工作表“{title}”的 XML ", f"The XML of worksheet “{title}”")
        buffer += data
        end = _last_row_end(buffer) if data else len(buffer)
        if end <= 0 and data:
            continue
        piece, buffer = buffer[:end], buffer[end:]
        if not detailed:
            bounds = _row_bounds(piece)
            if bounds is None or _WIDE_REF.search(piece) or (bounds and bounds[0] - last_row > ROW_GAP):
                detailed = True     # a gap, a row without a number or a cell beyond column Z
            elif bounds:
                last_row = bounds[1]
        if errors and b't="e"' in piece:
            for attrs, body in _ERROR_CELL.findall(piece):
                ref, value = _REF_ATTR.search(attrs), _VALUE.search(body)
                if ref:
                    text = value.group(1).decode("utf-8", "replace") if value else "#VALUE!"
                    scan.errors[(int(ref.group(2)), column_number(ref.group(1)))] = text
        if not data and b"mergeCell" in piece:   # <mergeCells> follows the last row
            scan.merges += [(int(r1), column_number(c1), int(r2), column_number(c2))
                            for c1, r1, c2, r2 in _MERGE.findall(piece)]
        if not data:
            break
    if detailed:
        _find_block(archive, part, scan)
    else:
        scan.last_row = last_row
        scan.last_column = 26 if last_row else 0   # no reference beyond column Z
    scan.errors = {rc: v for rc, v in scan.errors.items() if rc[0] <= scan.last_row and rc[1] <= scan.last_column}
    _check_limits(scan)
    return scan


def unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
    """Part ``info`` of ``archive`` unpacked, at most ``size`` bytes at a time (a zip bomb never unpacks more
    than that at once). A deflated part (every part Excel, WPS and LibreOffice write) is inflated with ISA-L,
    three times as fast as zlib — a third of the scan of a large sheet — straight from its packed bytes; its
    checksum is left to the reader, which reads the part next. Any other part is read through ``zipfile``."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1 or not archive.filename:
        with archive.open(info) as stream:   # stored, encrypted (zipfile says so) or another method
            while data := stream.read(size):
                yield data
        return
    with open(archive.filename, "rb") as file:
        file.seek(info.header_offset)
        header = file.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"Bad local header of {info.filename}")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        file.seek(info.header_offset + 30 + name_length + extra_length)
        inflater = isal_zlib.decompressobj(-isal_zlib.MAX_WBITS)   # raw deflate, as zip holds it
        left = info.compress_size
        try:
            while left > 0 or inflater.unconsumed_tail:
                packed = inflater.unconsumed_tail
                if not packed:
                    packed = file.read(min(size // 8 or 1, left))   # about ``size`` unpacked (XML packs 5–15×)
                    if not packed:
                        raise zipfile.BadZipFile(f"{info.filename} is cut short")
                    left -= len(packed)
                if data := inflater.decompress(packed, size):
                    yield data
                if inflater.eof:
                    return
            if data := inflater.flush():
                yield data
        except isal_zlib.error as exc:   # a damaged part: the workbook's error, not the scan's
            raise zipfile.BadZipFile(f"{info.filename}: {exc}") from exc


def _last_row_end(buffer: bytes) -> int:
    """The end of the last complete ``</row>`` in ``buffer`` (0 when there is none)."""
    end = buffer.rfind(b"row>")
    while end >= 0:
        start = buffer.rfind(b"<", 0, end)
        if start >= 0 and buffer[start + 1:start + 2] == b"/":
            return end + 4
        end = buffer.rfind(b"row>", 0, end)
    return 0


def _row_bounds(piece: bytes) -> tuple[int, int] | tuple[()] | None:
    """The first and last row number of ``piece`` (``()`` when it has no row); None when it may hold a gap
    of ``ROW_GAP`` rows or rows without a number: then every cell is read."""
    at = piece.rfind(b"<row ")   # opening tags (text holds no "<": it is escaped)
    if at < 0:
        return None if b"<row>" in piece or b":row " in piece else ()
    first = _ROW_TAG.search(piece)
    last = _ROW_TAG.match(piece, at)
    if first is None or last is None:
        return None
    lo, hi = int(first.group(1)), int(last.group(1))
    if hi - lo < ROW_GAP:
        return (lo, hi)   # too few numbers for a gap of ROW_GAP: the rows need not be counted (a pass saved)
    count = piece.count(b"<row ")
    # ``count`` rows span hi - lo + 1 numbers: fewer than ROW_GAP of them missing means no gap of ROW_GAP.
    return (lo, hi) if hi - lo + 1 - count < ROW_GAP else None


def _block_end(numbers: list[int], gap: int) -> int:
    """The last number before the first gap of at least ``gap`` missing numbers (``numbers`` ascending)."""
    numbers = sorted(set(numbers))
    last = numbers[0]
    for n in numbers[1:]:
        if n - last > gap:
            break
        last = n
    return last


def _find_block(archive: zipfile.ZipFile, part: str, scan: SheetScan) -> None:
    """Read every cell reference (the slow, exact pass) and set the data block and the stray cells."""
    cells: list[tuple[int, int]] = []
    buffer = b""
    for data in unpack(archive, archive.getinfo(part), CHUNK):
        buffer += data
        end = _last_row_end(buffer)
        if end:
            cells += [(int(r), column_number(c)) for c, r, empty in _CELL.findall(buffer[:end]) if not empty]
            buffer = buffer[end:]
        cells += [(int(r), column_number(c)) for c, r, empty in _CELL.findall(buffer) if not empty]
    if not cells:
        return
    scan.last_row = _block_end([r for r, _ in cells], ROW_GAP)
    scan.last_column = _block_end([c for r, c in cells if r <= scan.last_row], COLUMN_GAP)
    scan.stray = [a1(r, c) for r, c in cells if r > scan.last_row or c > scan.last_column]


def a1(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _check_limits(scan: SheetScan) -> None:
    for value, limit, what, what_en in ((scan.last_row, MAX_ROWS, "行", "rows"),
                                        (scan.last_column, MAX_COLUMNS, "列", "columns"),
                                        (scan.last_row * scan.last_column, MAX_CELLS, "个单元格", "cells")):
        if value > limit:
            raise SourceError(
                f"工作表“{scan.title}”的数据区有 {value:,} {what}，超过上限 {limit:,} {what}，没有读取。"
                "请删除不需要的行列，或把旧数据移到另一个工作簿后再试。",
                en=f"The data of worksheet “{scan.title}” spans {value:,} {what_en}, over the limit of {limit:,} "
                   f"{what_en}, so it was not read. Delete the rows and columns not needed, or move old data to "
                   "another workbook, and try again.",
            )


def copy_sheet(archive: zipfile.ZipFile, part: str, open_part: Callable[[int], BinaryIO], *,
               size: int | None = None, without: list[str] = ()) -> list[int]:
    """Copy worksheet ``part`` without the cells ``without`` (A1 references) and, with ``size``, as several
    worksheets of about ``size`` bytes of XML each, a megabyte at a time. Each part is the XML before
    ``<sheetData>`` (without ``<dimension>``, which may name the far cells or the whole sheet), whole rows
    (keeping their numbers), then the closing tags. ``open_part(k)`` gives the k-th part's file (0-based);
    returns the sheet row each part begins at (1 for the first: it holds whatever is above the data)."""
    drop = _cells_pattern(without)
    chunks = unpack(archive, archive.getinfo(part), CHUNK)
    head = b""
    while (data := next(chunks, b"")) and not _SHEET_DATA.search(head + data):
        head += data
    head += data
    opening = _SHEET_DATA.search(head)
    if opening is None or opening.group(0).endswith(b"/>"):   # no rows: one part, as it is
        with open_part(0) as target:
            target.write(head)
            for data in chunks:
                target.write(data)
        return [1]
    prefix = _DIMENSION.sub(b"", head[:opening.end()])
    ns = opening.group(1) or b""
    closing = b"</" + ns + b"sheetData></" + ns + b"worksheet>"
    buffer, written, starts = head[opening.end():], 0, [1]
    target = open_part(0)
    target.write(prefix)
    while True:
        data = next(chunks, b"")
        buffer += data
        end = _last_row_end(buffer) if data else len(buffer)
        piece, buffer = buffer[:end], buffer[end:]
        while size is not None and written + len(piece) >= size:
            # A new part begins at the first row after ``size`` bytes that carries its number and holds
            # a value, within the complete rows at hand.
            cut = piece.find(b"<row", max(size - written, 1))
            while cut > 0 and not (first := _first_row_with_value(piece, cut)):
                cut = piece.find(b"<row", cut + 1)
            if cut <= 0:
                break
            target.write(drop.sub(b"", piece[:cut]) if drop else piece[:cut])
            target.write(closing)
            target.close()
            starts.append(first)
            target, written, piece = open_part(len(starts) - 1), 0, piece[cut:]
            target.write(prefix)
        target.write(drop.sub(b"", piece) if drop else piece)
        written += len(piece)
        if not data:
            break
    target.close()
    return starts


_HOLDS_VALUE = re.compile(rb'<(?:\w+:)?[vt](?:\s[^>]*)?>[^<]')   # a value or an inline string, not empty


def _first_row_with_value(rows: bytes, at: int) -> int | None:
    """The number of the row that begins at ``at`` in ``rows``, when that row is complete there, carries its
    number and holds a value; else None. A part begins only at such a row: the reader then starts the
    part's grid at it (a row without a number counts on from the row before it, and a row of blank cells
    would not be the grid's first), so the part's rows are known to begin there."""
    tag = _ROW_TAG.match(rows, at)
    end = _ROW_END.search(rows, at)
    if tag is None or end is None or rows.find(b"<row", at + 1, end.start()) >= 0:
        return None
    return int(tag.group(1)) if _HOLDS_VALUE.search(rows, at, end.start()) else None


def _cells_pattern(refs: list[str]) -> re.Pattern[bytes] | None:
    """A pattern of the cells ``refs`` whole (``<c r="XFD1048576" …>…</c>`` or ``<c r="…"/>``)."""
    if not refs:
        return None
    wanted = b"|".join(re.escape(r.encode()) for r in refs)
    return re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="(?:' + wanted + rb')"[^>]*?(?:/>|>.*?</(?:\w+:)?c>)', re.S)
