"""Cells as a person reads them, for every source: formula errors kept, merged ranges filled.

A formula error (``#REF!``, ``#N/A``…) is not a blank: it becomes a ``CellError`` that the register reports
on its cell. A merged range (客户经理 G2:G3) shows its top-left value on every row and column it covers, so
each covered cell reads as that value.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from huimao_sheets.normalize import CellError

ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#ERROR!"})

Merge = tuple[int, int, int, int]   # (first row, first column, last row, last column), 1-based, inclusive


def as_person_reads(rows: Iterable[list[Any]], errors: dict[tuple[int, int], str] | None = None,
                    merges: list[Merge] | None = None, width: int | None = None,
                    error_text: bool = False) -> Iterable[list[Any]]:
    """``rows`` (sheet row 1 first) with formula errors as ``CellError`` and merged ranges filled.

    ``errors``: (row, column) → error text, for sources that read errors as blank (calamine);
    ``error_text``: text cells that spell an error are errors (Google returns ``#REF!`` as text);
    ``width``: no merge is filled beyond this column (a merge over a whole row stays bounded).
    Without errors or merges the rows pass through untouched.
    """
    if not errors and not merges and not error_text:
        return rows
    return _patched(rows, errors or {}, sorted(merges or []), width, error_text)


def _patched(rows: Iterable[list[Any]], errors: dict[tuple[int, int], str], merges: list[Merge],
             width: int | None, error_text: bool) -> Iterator[list[Any]]:
    error_rows = {r for r, _ in errors}
    pending = iter(merges)
    upcoming = next(pending, None)
    active: list[tuple[int, int, int, Any]] = []   # (last row, first column, last column, value)
    for n, row in enumerate(rows, start=1):
        if error_text:
            row = [CellError(v) if v.__class__ is str and v in ERROR_VALUES else v for v in row]
        if n in error_rows:
            row = list(row)
            for (r, c), text in errors.items():
                if r == n:
                    row.extend([""] * (c - len(row)))
                    row[c - 1] = CellError(text)
        while upcoming is not None and upcoming[0] <= n:
            r1, c1, r2, c2 = upcoming
            if r1 == n:
                value = row[c1 - 1] if c1 <= len(row) else None
                if value not in (None, ""):
                    active.append((r2, c1, min(c2, width or c2), value))
            upcoming = next(pending, None)
        if active:
            active = [m for m in active if m[0] >= n]
            row = list(row)
            for _, c1, c2, value in active:
                row.extend([""] * (c2 - len(row)))
                for c in range(c1 - 1, c2):
                    if row[c] in (None, ""):
                        row[c] = value
        yield row
