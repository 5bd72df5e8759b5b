"""A worksheet held as Arrow columns: each column's distinct values once, and per row the index of its value.

The xlsx source reads a worksheet with fastexcel straight into Arrow (every cell as text, so nothing typed is
lost to type inference), without a Python object per cell. The register then takes one column at a time as
an ``Encoded`` column — its distinct values (as a person reads them) and one small integer per row — parses
each distinct value once and spreads the results back to the rows with one numpy take.

What fastexcel reads differently from a person is put right here, per distinct value or per cell:

- a date cell arrives as ``2026-11-03 00:00:00``: it reads as ``2026-11-03`` (with a time of day, as
  ``2026-11-03 10:30:00``, as before; a fraction of a second with six digits, ``10:30:15.500000``);
- a time of day alone (``10:30``, a serial below 1: also a 0 or a negative number in a date column) arrives
  dated 1899-12-31 or before: it reads as its time, ``10:30:00`` (a date column finds it unreadable);
- a number too large for a date in a date-formatted cell (``20261103`` typed into a date column) arrives as
  a date after the year 9999 (``+57373-01-04 00:00:00``): it reads as the number, ``20261103``; one too
  large for even that is dropped by the reader, which says so, and ``xlsx`` puts its number back;
- a boolean cell arrives as ``true``/``false``, as does text typed so: ``xlsx`` tells them apart, and the
  boolean reads as Excel shows it, ``TRUE``/``FALSE``;
- formula errors (which calamine reads as blank) and merged ranges come from the worksheet scan
  (``xlsx_scan``): an error cell becomes a ``CellError``, a blank cell under a merge its top-left value.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Iterator, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from huimao_sheets.normalize import SHEETS_EPOCH, CellError, cell_text

# Arrow's buffers come from the C allocator, as the reader's do, so that what a large read frees goes back to
# the system (``memory.give_back``); Arrow's default (mimalloc) keeps it for the process.
pa.set_memory_pool(pa.system_memory_pool())

Merge = tuple[int, int, int, int]   # (first row, first column, last row, last column), 1-based, inclusive
# A date-time as fastexcel writes it: a year of four digits, or "+" and more beyond 9999; milliseconds if any.
_DATETIME = re.compile(r"^(\+\d{5,}|\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$")
# The day fastexcel gives a time alone (a serial below 1; a negative one, a day before), per date system.
_TIME_DAY, _TIME_DAY_1904 = "1899-12-31", "1904-01-01"
_EPOCH_1904 = date(1904, 1, 1)
ROW_BLOCK = 1000                    # rows made Python lists at a time by ``ArrowTable.rows``


class Encoded(NamedTuple):
    """One column of a table from some row on: ``values[codes[i]]`` is the cell of its i-th row."""

    values: list[Any]
    codes: np.ndarray

    def cells(self) -> list[Any]:
        return [self.values[c] for c in self.codes.tolist()]


def encode(cells: list[Any]) -> Encoded:
    """``cells`` as an ``Encoded`` column. Keyed by type and value: ``True``, ``1`` and ``1.0`` stay apart."""
    index: dict[tuple[type, Any], int] = {}
    codes = np.fromiter((index.setdefault((v.__class__, v), len(index)) for v in cells), dtype=np.int64,
                        count=len(cells))
    return Encoded([v for _, v in index], codes)


def compact(column: pa.Array) -> pa.DictionaryArray:
    """A text column dictionary-encoded: each distinct value stored once, a small index per row (a fraction
    of the reader's own column, whose buffers it lets go)."""
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    return pc.dictionary_encode(column)


def as_read(value: str | None, date1904: bool = False) -> str | None:
    """A cell's text from fastexcel as a person reads it (see the module's notes): a date cell without a time
    of day is its date, a time alone is its time, a number too large for a date is the number. Any other
    text is itself. ``date1904``: the workbook counts days from 1904 (a Mac
    Excel setting), where a time alone is dated 1904-01-01."""
    if value is None or len(value) < 19:
        return value
    if value[13:14] != ":" and value[0] != "+" or not (m := _DATETIME.match(value)):
        return value
    year, month, day, hours, minutes, seconds, fraction = m.groups()
    fraction = f".{fraction:0<6.6}" if fraction else ""   # as Python writes microseconds
    clock = f"{hours}:{minutes}:{seconds}{fraction}"
    if year[0] == "+":
        return cell_text(_serial(int(year), int(month), int(day), int(hours) * 3600 + int(minutes) * 60
                                 + int(seconds) + float(fraction or 0), date1904))
    if value[:10] <= (_TIME_DAY_1904 if date1904 else _TIME_DAY):
        return clock
    if clock == "00:00:00":
        return value[:10]
    return f"{year}-{month}-{day} {clock}"


def _serial(year: int, month: int, day: int, seconds: float, date1904: bool) -> float:
    """The spreadsheet serial of a day after the year 9999 (and a time of day in seconds): the day is moved
    back by whole 400-year cycles of 146,097 days into what ``date`` can hold."""
    cycles = (year - 2000) // 400 + 1
    epoch = _EPOCH_1904 if date1904 else SHEETS_EPOCH
    days = (date(year - 400 * cycles, month, day) - epoch).days + 146_097 * cycles
    return days + seconds / 86_400


def lost_value(detail: str) -> str | None:
    """The text of a cell that fastexcel could not give as text, from its error's ``detail`` (a number in a
    date-formatted cell beyond any date: ``… ExcelDateTime { value: 13800138000.0, …``): the number as a
    person reads it; None when the detail holds no number."""
    m = _LOST_VALUE.search(detail)
    return cell_text(float(m.group(1))) if m else None


_LOST_VALUE = re.compile(r"\bvalue: (-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")


class ArrowTable:
    """One worksheet's cells as Arrow text columns, in ``parts`` read one after the other: the first part's
    row 0 is sheet row 1, each next part goes on below the one before, and column j is sheet column
    ``left`` + j + 1 in every part. ``errors`` and ``merges`` (1-based, from the scan) are applied as columns
    are taken; ``date1904``: the workbook counts days from 1904 (``as_read``). Quacks like ``sources.Table``: ``title``, ``stray``, ``rows`` (lazily, as lists) and
    ``blocks``, which hands the parts over one at a time and lets each go once its columns are taken."""

    def __init__(self, title: str, parts: list[pa.Table], left: int = 0, stray: list[str] | None = None,
                 errors: dict[tuple[int, int], str] | None = None, merges: list[Merge] | None = None,
                 date1904: bool = False):
        self.title = title
        self.parts = [part for part in parts if part.num_rows]
        self.left = left
        self.stray = stray or []
        self.errors = errors or {}
        self.merges = merges or []
        self.date1904 = date1904
        columns = self.parts[0].num_columns if self.parts else 0
        self.width = left + columns if columns else 0
        # A merge's top-left value, looked up now: its part may be let go before the rows it covers.
        self._tops = {(r1, c1): self._cell(r1, c1) for r1, c1, _r2, _c2 in self.merges}

    @property
    def rows(self) -> Iterator[list[Any]]:
        """Rows from sheet row 1 as lists, a block at a time (for the header search and the doctor)."""
        first = 0
        for part in self.parts:
            for start in range(0, part.num_rows, ROW_BLOCK):
                stop = min(start + ROW_BLOCK, part.num_rows)
                columns = [self._encoded(part, first, c, start, stop).cells() for c in range(self.width)]
                yield from (list(row) for row in zip(*columns))
            first += part.num_rows

    def blocks(self, positions: list[int], start: int) -> Iterator[tuple[int, list[Encoded]]]:
        """(index of the block's first row, the columns ``positions`` of its rows) for the rows from index
        ``start`` on, a part at a time; each part is let go once its columns are taken (so a large sheet's
        Arrow columns and its records are never all in memory at once)."""
        first = 0
        while self.parts:
            part = self.parts.pop(0)
            lo = max(start - first, 0)
            if lo < part.num_rows:
                yield first + lo, [self._encoded(part, first, p, lo, part.num_rows) for p in positions]
            first += part.num_rows
            del part

    def _encoded(self, part: pa.Table, first: int, position: int, start: int, stop: int) -> Encoded:
        """Column ``position`` (0-based in the sheet) of ``part`` (whose row 0 is row index ``first``), for
        its rows ``start`` ≤ i < ``stop``."""
        index = position - self.left
        if 0 <= index < part.num_columns:
            dictionary = part.column(index).slice(start, stop - start).combine_chunks()
            if pa.types.is_dictionary(dictionary.type) and len(dictionary.dictionary) > stop - start:
                dictionary = dictionary.dictionary_decode()   # a few rows (the header search): read only theirs
            if not pa.types.is_dictionary(dictionary.type):
                dictionary = pc.dictionary_encode(dictionary)
            values = [as_read(v, self.date1904) for v in dictionary.dictionary.to_pylist()]
            blank = len(values)
            values.append(None)
            codes = dictionary.indices.fill_null(blank).to_numpy(zero_copy_only=False).astype(np.int64)
        else:
            values, codes = [None], np.zeros(stop - start, dtype=np.int64)
        return self._patched(Encoded(values, codes), position + 1, first + start, first + stop)

    def _cell(self, row: int, column: int) -> Any:
        """The cell at 1-based (row, column), formula errors applied."""
        if (row, column) in self.errors:
            return CellError(self.errors[(row, column)])
        first = 0
        for part in self.parts:
            if row - 1 < first + part.num_rows:
                index = column - 1 - self.left
                if 0 <= index < part.num_columns:
                    return as_read(part.column(index)[row - 1 - first].as_py(), self.date1904)
                return None
            first += part.num_rows
        return None

    def _patched(self, column: Encoded, number: int, start: int, stop: int) -> Encoded:
        """``column`` (sheet column ``number``, row indices ``start``…``stop``) with its formula errors as
        ``CellError`` and its blank cells under a merged range filled with the range's top-left value."""
        errors = [(r, text) for (r, c), text in self.errors.items() if c == number and start < r <= stop]
        merges = [m for m in self.merges if m[1] <= number <= min(m[3], self.width) and m[0] <= stop and m[2] > start]
        if not errors and not merges:
            return column
        values, codes = column.values, column.codes.copy()

        def put(row: int, value: Any) -> None:
            values.append(value)
            codes[row - 1 - start] = len(values) - 1

        for row, text in errors:
            put(row, CellError(text))
        for r1, c1, r2, _c2 in merges:
            value = self._tops[(r1, c1)]
            if value in (None, ""):
                continue
            for row in range(max(r1, start + 1), min(r2, stop) + 1):
                if values[codes[row - 1 - start]] in (None, ""):
                    put(row, value)
        return Encoded(values, codes)
