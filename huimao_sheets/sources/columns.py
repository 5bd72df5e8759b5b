"""A worksheet held as Arrow columns: each column's distinct values once, and per row the index of its value.

The xlsx source reads a worksheet with fastexcel straight into Arrow (every cell as text, so nothing typed is
lost to type inference), without a Python object per cell. The register then takes one column at a time as
an ``Encoded`` column — its distinct values (as a person reads them) and one small integer per row — parses
each distinct value once and spreads the results back to the rows with one numpy take.

What fastexcel reads differently from a person is put right here, per distinct value or per cell:

- a date cell arrives as ``2026-11-03 00:00:00``: it reads as ``2026-11-03`` (with a time of day, as
  ``2026-11-03 10:30:00``, as before);
- formula errors (which calamine reads as blank) and merged ranges come from the worksheet scan
  (``xlsx_scan``): an error cell becomes a ``CellError``, a blank cell under a merge its top-left value.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from huimao_sheets.normalize import CellError

Merge = tuple[int, int, int, int]   # (first row, first column, last row, last column), 1-based, inclusive
_MIDNIGHT = re.compile(r"^\d{4}-\d{2}-\d{2} 00:00:00$")
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


def as_read(value: str | None) -> str | None:
    """A cell's text from fastexcel as a person reads it: a date cell without a time of day is its date."""
    if value is not None and len(value) == 19 and _MIDNIGHT.match(value):
        return value[:10]
    return value


class ArrowTable:
    """One worksheet's cells as Arrow text columns: row i of ``data`` is sheet row i + 1, column j is sheet
    column ``left`` + j + 1. ``errors`` and ``merges`` (1-based, from the scan) are applied as columns are
    taken. Quacks like ``sources.Table``: ``title``, ``stray``, ``rows`` (lazily, as lists) and ``encoded``."""

    def __init__(self, title: str, data: pa.Table, left: int = 0, stray: list[str] | None = None,
                 errors: dict[tuple[int, int], str] | None = None, merges: list[Merge] | None = None):
        self.title = title
        self.data = data
        self.left = left
        self.stray = stray or []
        self.errors = errors or {}
        self.merges = merges or []

    @property
    def height(self) -> int:
        return self.data.num_rows

    @property
    def width(self) -> int:
        return self.left + self.data.num_columns if self.data.num_columns else 0

    @property
    def rows(self) -> Iterator[list[Any]]:
        """Rows from sheet row 1 as lists, a block at a time (for the header search and the doctor)."""
        for start in range(0, self.height, ROW_BLOCK):
            stop = min(start + ROW_BLOCK, self.height)
            columns = [self.encoded(c, start, stop).cells() for c in range(self.width)]
            yield from (list(row) for row in zip(*columns))

    def encoded(self, position: int, start: int, stop: int | None = None) -> Encoded:
        """Column ``position`` (0-based in the sheet) for rows ``start`` ≤ i < ``stop`` (0-based)."""
        stop = self.height if stop is None else min(stop, self.height)
        start = min(start, stop)
        index = position - self.left
        if 0 <= index < self.data.num_columns:
            column = self.data.column(index).slice(start, stop - start)
            column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
            dictionary = pc.dictionary_encode(column)
            values = [as_read(v) for v in dictionary.dictionary.to_pylist()]
            blank = len(values)
            values.append(None)
            codes = dictionary.indices.fill_null(blank).to_numpy(zero_copy_only=False).astype(np.int64)
        else:
            values, codes = [None], np.zeros(stop - start, dtype=np.int64)
        return self._patched(Encoded(values, codes), position + 1, start, stop)

    def _cell(self, row: int, column: int) -> Any:
        """The cell at 1-based (row, column), formula errors applied (for a merge's top-left value)."""
        if (row, column) in self.errors:
            return CellError(self.errors[(row, column)])
        index = column - 1 - self.left
        if not (0 <= index < self.data.num_columns and row <= self.height):
            return None
        return as_read(self.data.column(index)[row - 1].as_py())

    def _patched(self, column: Encoded, number: int, start: int, stop: int) -> Encoded:
        """``column`` (sheet column ``number``, rows ``start``…``stop`` 0-based) with its formula errors as
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
            value = self._cell(r1, c1)
            if value in (None, ""):
                continue
            for row in range(max(r1, start + 1), min(r2, stop) + 1):
                if values[codes[row - 1 - start]] in (None, ""):
                    put(row, value)
        return Encoded(values, codes)
