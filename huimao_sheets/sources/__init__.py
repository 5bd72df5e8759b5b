"""Sources know spreadsheets, not clients: they read named worksheets as tables of cells.

A ``Table`` keeps the sheet's own row numbering: ``rows[0]`` is sheet row 1 (the header, normally).
Cells are whatever the spreadsheet stores: ``str``, ``int``/``float``, ``bool``, ``date``/``datetime``,
``None``/``""`` for a blank, or a ``CellError`` for a formula error; a merged range reads as its top-left
value on every cell it covers (``sources.cells``). The xlsx source gives the same cells as an
``ArrowTable`` (``sources.columns``): Arrow columns, taken by the register a column and a part at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, NamedTuple, Protocol, Sequence

from huimao_sheets.sources.columns import ArrowTable, Encoded, encode


@dataclass
class Table:
    """One worksheet's cells. ``rows`` holds sheet row 1, 2, 3… in order (any iterable, kept as a list)."""

    title: str
    rows: Iterable[list[Any]]
    stray: list[str] = field(default_factory=list)   # A1 references of values far from the data, not in rows

    def __post_init__(self) -> None:
        self.rows = list(self.rows)   # read twice: the header search, then the columns

    def blocks(self, positions: list[int], start: int) -> Iterator[tuple[int, list[Encoded]]]:
        """The columns ``positions`` (0-based) of the rows from index ``start`` on, as the register takes
        them (``ArrowTable`` gives the same, a part at a time): here one block; a row too short for a
        column reads blank there."""
        rows = self.rows[start:]
        yield start, [encode([row[p] if p < len(row) else None for row in rows]) for p in positions]


SheetTable = Table | ArrowTable   # what a source's read_tables gives


class Link(NamedTuple):
    """A cell of a table being written that links to a cell of another worksheet of the same spreadsheet:
    ``row`` and ``column`` are 0-based in the table, ``sheet`` is the target worksheet's title and ``cell``
    the target's A1 address (``F12``). The xlsx writer makes it an internal hyperlink, the Google one a
    ``HYPERLINK`` to ``#gid=…&range=…``."""

    row: int
    column: int
    sheet: str
    cell: str


class Source(Protocol):
    """What the register needs from a spreadsheet."""

    name: str

    def sheet_titles(self) -> list[str]: ...

    def read_tables(self, titles: Sequence[str]) -> dict[str, SheetTable]:
        """Read the named worksheets (titles as the source spells them) in as few requests as possible."""
        ...


def is_google_source(spec: str) -> bool:
    return spec.startswith("gsheet:") or spec.startswith("https://docs.google.com/spreadsheets/")


def google_key(spec: str) -> str | None:
    """The spreadsheet's key in ``gsheet:KEY`` or a Google Sheets address (None if there is none)."""
    if spec.startswith("gsheet:"):
        return spec[len("gsheet:"):].strip() or None
    m = re.search(r"/spreadsheets/d/([a-zA-Z0-9_-]+)", spec)
    return m.group(1) if m else None


DEFAULT_SOURCE = "客户登记.xlsx"


def resolve_source(spec: str | None, settings) -> str:
    """Where the register is: ``--source``, else ``source`` of huimao.toml, else ``./客户登记.xlsx``."""
    return spec or settings.source or DEFAULT_SOURCE


def open_source(spec: str, credentials: str | None = None, *, write: bool = False) -> Source:
    """Pick the source from its spelling: a Google Sheets URL or ``gsheet:KEY``, else an ``.xlsx`` path.

    The two backends are imported here, on demand, on purpose: gspread and google-auth are heavy and an
    ``.xlsx`` run never needs them (and the backends import this module's ``Table``)."""
    if is_google_source(spec):
        from huimao_sheets.sources.gsheets import GoogleSheetSource

        return GoogleSheetSource.open(spec, credentials=credentials, write=write)
    from huimao_sheets.sources.filetype import check_workbook_file
    from huimao_sheets.sources.xlsx import XlsxSource

    if write:  # refuse what cannot be written (an .xls) before reading anything
        check_workbook_file(spec, write=True)
    return XlsxSource(spec)
