"""What ``setup-sheet`` asks a spreadsheet to change, as both backends (Google, xlsx) can apply it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    """A validation rule as both backends can express it: a value list or a date."""

    kind: str                              # "list" or "date"
    values: tuple[str, ...] = ()
    strict: bool = True                    # reject other input (False: only warn)


@dataclass
class SheetChange:
    title: str
    create: bool = False
    header_row: int = 0                    # 0-based row of the header
    headers: list[tuple[int, str]] = field(default_factory=list)     # (0-based column, text) to write
    columns_needed: int = 0                # the grid must have at least this many columns
    freeze: int | None = None              # freeze this many rows
    rules: list[tuple[int, str, Rule]] = field(default_factory=list)  # (column, header, rule) from header_row+1
    note: str | None = None                # something the admin must do by hand: a key of setup_sheet.MESSAGES

    def is_empty(self) -> bool:
        return not (self.create or self.headers or self.freeze or self.rules)
