"""Tables → typed records: find the worksheets and headers, normalise every cell, keep row numbers.

A missing worksheet or required header is a ``SheetLayoutError`` naming the sheet, the header expected,
the headers found and the nearest match. Everything else a cell can hold becomes a record value
(possibly ``Unreadable``) for the checks to judge: reading never fails on a bad cell.
"""

from __future__ import annotations

import difflib
import gc
from contextlib import contextmanager
from datetime import date
from itertools import islice, repeat
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from huimao_sheets import layout
from huimao_sheets.config import Settings
from huimao_sheets.errors import SheetLayoutError
from huimao_sheets.layout import SHEETS, Field, SheetSpec, header_key
from huimao_sheets.memory import give_back
from huimao_sheets.model import Client, PlannedVisit, Register, Staff, Visit
from huimao_sheets.normalize import (
    CellError,
    Unreadable,
    cell_text,
    clean_text,
    is_blank,
    name_key,
    name_keys,
    normalize_client_id,
    normalize_name,
    normalize_person,
    parse_choice,
    parse_date,
    parse_email,
    parse_mobile,
)
from huimao_sheets.sources import SheetTable, Source
from huimao_sheets.sources.columns import Encoded

OPTIONAL_SHEETS = {"plans"}        # a workbook without a 拜访计划 sheet simply has no plans
HEADER_SEARCH_ROWS = 10            # the header is row 1, or the first row that looks like one
RECORD_TYPES = {"clients": Client, "visits": Visit, "staff": Staff, "plans": PlannedVisit}


def sheet_title(spec: SheetSpec, settings: Settings) -> str:
    return settings.sheets.get(spec.key, spec.title)


def field_header(spec: SheetSpec, f: Field, settings: Settings) -> str:
    """The header text the user's sheet uses for this field (configured, else the Chinese default)."""
    return settings.columns.get(spec.key, {}).get(f.key, f.header)


def _nearest(wanted: str, candidates: list[str]) -> str | None:
    keyed = {header_key(c): c for c in candidates if c}
    match = difflib.get_close_matches(header_key(wanted), list(keyed), n=1, cutoff=0.3)
    return keyed[match[0]] if match else None


def sheet_names(spec: SheetSpec, settings: Settings) -> tuple[str, ...]:
    """The titles ``spec``'s worksheet may have, the preferred first: configured, default, aliases."""
    return (sheet_title(spec, settings), spec.title, *spec.aliases)


def match_title(titles: Sequence[str], *names: str) -> str | None:
    """The title among ``titles`` that the first possible of ``names`` matches, with width, case and spaces
    folded; None when none does."""
    by_key = {header_key(t): t for t in titles}
    return next((by_key[k] for k in map(header_key, names) if k in by_key), None)


def configured_sheet_problems(titles: list[str], settings: Settings) -> list[tuple[str, str, str]]:
    """(key, configured title, why) of each ``[sheets]`` entry that names no worksheet among ``titles``."""
    return [(f"sheets.{spec.key}", configured,
             layout.missing_sheet_why(titles, _nearest(configured, titles), settings.language))
            for spec in SHEETS
            if (configured := settings.sheets.get(spec.key)) is not None and match_title(titles, configured) is None]


def configured_header_problems(spec: SheetSpec, title: str, rows: list[list[Any]],
                               settings: Settings) -> list[tuple[str, str, str]]:
    """(key, configured header, why) of each ``[columns.<sheet>]`` entry that is not a header of the sheet's
    header row. A sheet with no header at all has none: ``map_columns`` says what it lacks."""
    configured = settings.columns.get(spec.key, {})
    if not configured:
        return []
    index, _mapping = locate_columns(spec, rows, settings)
    headers = [text for c in (rows[index] if rows else []) if (text := cell_text(c).strip())]
    if not headers:
        return []
    present = {header_key(h) for h in headers}
    return [(f"columns.{spec.key}.{key}", header,
             layout.missing_header_why(title, headers, _nearest(header, headers), settings.language))
            for key, header in configured.items() if header_key(header) not in present]


def _config_mismatch(problems: list[tuple[str, str, str]], settings: Settings) -> str:
    fix = layout.mismatch_fix(settings.language)
    return "\n".join(settings.entry_error(key, value, why + fix) for key, value, why in problems)


def find_sheets(titles: list[str], settings: Settings) -> dict[str, str]:
    """Sheet key → the title the source uses (see ``match_title``); a missing worksheet, or one that the
    config names and the workbook lacks, is an error."""
    if problems := configured_sheet_problems(titles, settings):
        raise SheetLayoutError(_config_mismatch(problems, settings)).in_language(settings.language)
    found = {}
    for spec in SHEETS:
        if (title := match_title(titles, *sheet_names(spec, settings))) is not None:
            found[spec.key] = title
        elif spec.key not in OPTIONAL_SHEETS:
            wanted = sheet_title(spec, settings)
            nearest = _nearest(wanted, titles)
            hint = f"最接近的是“{nearest}”，是否需要改名？" if nearest else ""
            hint_en = f"The nearest is “{nearest}”: rename it? " if nearest else ""
            raise SheetLayoutError(
                f"找不到工作表“{wanted}”（{spec.english}）。工作簿中的工作表: {'、'.join(titles) or '（无）'}。{hint}"
                f"可运行 `huimao-sheets setup-sheet` 创建缺少的工作表，或在 huimao.toml 的 [sheets] 中指定名称。",
                en=f"No worksheet “{wanted}” ({spec.english}). The workbook's worksheets: "
                   f"{', '.join(titles) or '(none)'}. {hint_en}Run `huimao-sheets setup-sheet` to create the missing "
                   f"worksheets, or name it in the [sheets] section of huimao.toml.",
            ).in_language(settings.language)
    return found


def locate_columns(spec: SheetSpec, rows: list[list[Any]], settings: Settings) -> tuple[int, dict[str, int]]:
    """(header row index, field key → column index) of the row among the first ``HEADER_SEARCH_ROWS`` that
    names most fields; (0, {}) when none names any. Columns that staff added (微信, one with no header) are
    ignored. Never raises: ``map_columns`` judges what is missing.
    """
    # header text → (field, rank): the configured header ranks first, then the default, the key, the aliases.
    # A sheet with both 联系电话 (an office line, an alias) and 负责人手机 reads the mobile from 负责人手机.
    # A configured header names its field even when it is another field's default or alias.
    candidates: dict[str, tuple[str, int]] = {
        header_key(text): (key, 0) for key, text in reversed(settings.columns.get(spec.key, {}).items())}
    for f in spec.fields:
        for rank, text in enumerate((field_header(spec, f, settings), f.header, f.key, *f.aliases)):
            candidates.setdefault(header_key(text), (f.key, rank))

    best_index, best_mapping = 0, {}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        ranked: dict[str, tuple[int, int]] = {}  # field → (rank, column); the leftmost breaks ties
        for col, cell in enumerate(row):
            match = candidates.get(header_key(cell_text(cell)))
            if match and (match[0] not in ranked or match[1] < ranked[match[0]][0]):
                ranked[match[0]] = (match[1], col)
        mapping = {key: col for key, (_rank, col) in ranked.items()}
        if len(mapping) > len(best_mapping):
            best_index, best_mapping = index, mapping
    return best_index, best_mapping


def map_columns(spec: SheetSpec, title: str, rows: list[list[Any]], settings: Settings) -> tuple[int, dict[str, int]]:
    """(header row index, field key → column index) as ``locate_columns`` finds them; a required header
    that is missing, or a configured header that the sheet lacks, is a ``SheetLayoutError`` naming it, the
    headers found and the nearest one."""
    if problems := configured_header_problems(spec, title, rows, settings):
        raise SheetLayoutError(_config_mismatch(problems, settings)).in_language(settings.language)
    best_index, best_mapping = locate_columns(spec, rows, settings)
    header_cells = [cell_text(c).strip() for c in (rows[best_index] if rows else []) if cell_text(c).strip()]
    missing = [f for f in spec.fields if f.required and f.key not in best_mapping]
    if spec.key in ("visits", "plans") and "client_id" not in best_mapping and "client_name" not in best_mapping:
        missing.append(spec.field("client_name"))
    if missing and spec.key == "plans" and len(best_mapping) == 0 and not header_cells:
        return 0, {}  # an empty plans sheet: no plans yet
    if missing:
        f = missing[0]
        wanted = field_header(spec, f, settings)
        # The nearest among headers that are not already another field's: 负责人电话 for 负责人手机, not 负责人.
        used = set(best_mapping.values())
        row = rows[best_index] if rows else []
        unmapped = [cell_text(c).strip() for i, c in enumerate(row) if i not in used and cell_text(c).strip()]
        nearest = _nearest(wanted, unmapped)
        hint = f"最接近的是“{nearest}”。" if nearest else ""
        hint_en = f"The nearest is “{nearest}”. " if nearest else ""
        raise SheetLayoutError(
            f"工作表“{title}”缺少表头“{wanted}”（{f.english}）。表头行是第{best_index + 1}行，其中的表头: "
            f"{'、'.join(header_cells) or '（无）'}。{hint}"
            f"请在第{best_index + 1}行添加该列，或在 huimao.toml 的 [columns.{spec.key}] 中写明 {f.key} = \"实际表头\"。",
            en=f"Worksheet “{title}” has no header “{wanted}” ({f.english}). The header row is row {best_index + 1}, "
               f"with the headers: {', '.join(header_cells) or '(none)'}. {hint_en}Add the column in row "
               f"{best_index + 1}, or write {f.key} = \"the actual header\" in the [columns.{spec.key}] section of "
               f"huimao.toml.",
        ).in_language(settings.language)
    return best_index, best_mapping


def _parser(f: Field, as_of: date) -> Callable[[Any], Any]:
    if f.kind == layout.DATE:
        return lambda v: parse_date(v, as_of)
    if f.kind == layout.MOBILE:
        return parse_mobile
    if f.kind == layout.CHOICE:
        choices = f.choices
        return lambda v: parse_choice(v, choices)
    if f.kind == layout.NAME:
        return normalize_name
    if f.kind == layout.PERSON:
        return normalize_person
    if f.kind == layout.CLIENT_ID:
        return normalize_client_id
    if f.kind == layout.EMAIL:
        return parse_email
    return clean_text


_MISS = object()


def _parse_distinct(values: list[Any], parse: Callable[[Any], Any], cache: dict[Any, Any] | None) -> list[Any]:
    """``parse`` of each distinct value of a column (a formula error stays itself: the checks report it).
    Through ``cache`` when given: names, dates and list values repeat across sheets, so most cost one lookup;
    free text (``cache`` None) is parsed once per distinct value of its column."""
    if cache is None:
        return [v if v.__class__ is CellError else parse(v) for v in values]
    out = []
    for value in values:
        result = cache.get(value, _MISS)
        if result is _MISS:
            result = cache[value] = value if value.__class__ is CellError else parse(value)
        out.append(result)
    return out


def _spread(parsed: list[Any], codes: np.ndarray) -> list[Any]:
    """The parsed value of each row, from the parsed distinct values and the rows' codes (one numpy take)."""
    objects = np.empty(len(parsed), dtype=object)
    objects[:] = parsed
    return objects[codes].tolist()


def read_records(spec: SheetSpec, table: SheetTable, settings: Settings, as_of: date,
                 shared: dict[tuple, dict] | None = None, register: Register | None = None) -> tuple[list, set[str]]:
    """The sheet's records, in sheet order, each with its own row number; blank rows are skipped.

    A block of rows at a time (a part of a large sheet, which the table then lets go), column by column:
    each mapped column comes from the table ``Encoded`` (its distinct values once, a code per row); a row is a
    record when any mapped cell holds content (``_with_content``: each distinct value tested once at most);
    each distinct value is parsed once and the results are spread back to the records with one numpy take. ``shared`` holds the parse caches across sheets: a client id or a colleague's name
    read on one sheet is not parsed again on the next. With ``register``, the records whose cell is blank
    or unreadable are noted per column in ``register.empty_cells``/``unreadable_cells`` while the column is
    at hand, so that the cell checks need not visit every record again.
    """
    head = list(islice(iter(table.rows), HEADER_SEARCH_ROWS))
    header_index, mapping = map_columns(spec, table.title, head, settings)
    if register is not None:
        register.column_positions[spec.key] = mapping
    record_type = RECORD_TYPES[spec.key]
    fields = [f for f in spec.fields if f.key in mapping]
    if not fields:
        return [], set()
    shared = {} if shared is None else shared
    # Every cell but free text is memoised across sheets; a blank cell ('' or None) is None without a call.
    caches = {f: None if f.kind == layout.TEXT else shared.setdefault((f.kind, f.choices), {"": None, None: None})
              for f in fields}
    parsers = {f: _parser(f, as_of) for f in fields}
    records: list = []
    for first, block in table.blocks([mapping[f.key] for f in fields], header_index + 1):
        encoded = dict(zip(fields, block))
        del block
        kept = _with_content(list(encoded.values()))
        numbers = (kept + first + 1).tolist()
        columns, parsed = [], {}
        for f in spec.fields:
            column = encoded.pop(f, None)
            if column is None:
                columns.append(repeat(None, len(numbers)))
                continue
            parsed[f] = Encoded(_parse_distinct(column.values, parsers[f], caches[f]), column.codes[kept])
            columns.append(_spread(*parsed[f]))
        block_records = list(map(record_type, numbers, *columns))
        del columns
        records += block_records
        if register is not None:
            for f, column in parsed.items():
                _note_cells(register, (spec.key, f), block_records, column)
    return records, set(mapping)


# Kinds whose records may hold an Unreadable value; in any other (free text, names, ids) a formula error
# leaves the record's value blank (None) once noted.
READ_KINDS = (layout.DATE, layout.MOBILE, layout.CHOICE, layout.EMAIL)


def _note_cells(register: Register, key: tuple[str, Field], records: list, column: Encoded) -> None:
    """Note the records whose parsed value in ``column`` (one per record) is blank, unreadable or a formula
    error: each distinct value is tested once, the records are picked by the rows' codes."""
    sheet, f = key
    key = (sheet, f.key)
    kinds = [None if v is None else v.__class__ for v in column.values]

    def picked(kind: type | None) -> list[int]:
        return np.flatnonzero(np.array([k is kind for k in kinds], dtype=bool)[column.codes]).tolist()

    if None in kinds and (rows := picked(None)):
        register.empty_cells.setdefault(key, []).extend(records[i] for i in rows)
    if Unreadable in kinds and (rows := picked(Unreadable)):
        register.unreadable_cells.setdefault(key, []).extend(records[i] for i in rows)
    if CellError in kinds and (rows := picked(CellError)):
        errors = [(records[i], column.values[column.codes[i]]) for i in rows]
        register.formula_errors.setdefault(key, []).extend(errors)
        if f.kind not in READ_KINDS:
            for record, _ in errors:
                setattr(record, f.key, None)


def _with_content(columns: list[Encoded]) -> np.ndarray:
    """The indices of the rows with content (``_is_content``) in any of ``columns``. The columns with the fewest
    distinct values are looked at first, and each next one only at the rows none so far has content in: most
    rows are decided by a column of a few values, and each distinct value is tested once at most."""
    undecided = np.arange(len(columns[0].codes))
    for column in sorted(columns, key=lambda column: len(column.values)):
        codes = column.codes[undecided]
        content = np.zeros(len(column.values), dtype=bool)
        for code in np.flatnonzero(np.bincount(codes, minlength=len(content))).tolist():
            content[code] = _is_content(column.values[code])
        undecided = undecided[~content[codes]]
        if not len(undecided):
            break
    keep = np.ones(len(columns[0].codes), dtype=bool)
    keep[undecided] = False
    return np.flatnonzero(keep)


def _is_content(value: Any) -> bool:
    """False for what a separator row holds: blank, whitespace or a placeholder (a row of 无 and - is not a
    record). A formula error is content; a row with anything real in it is a record, however incomplete."""
    if value.__class__ is not str:
        return value is not None
    text = value.strip()
    return len(text) > 6 or not is_blank(text)   # a placeholder is at most 6 characters


def build_register(source: Source, settings: Settings, as_of: date) -> Register:
    """Read every worksheet the checks need (one batched read) and build the register."""
    titles = find_sheets(source.sheet_titles(), settings)
    # The visit log first: by far the largest sheet, it is read while little else is in memory.
    order = sorted(titles, key=lambda key: key != "visits")
    tables = source.read_tables([titles[key] for key in order])
    by_key = {key: tables.pop(title) for key, title in titles.items()}
    del tables  # register_from_tables holds the only reference and drops each sheet's cells once parsed
    with gc_paused():
        return register_from_tables(source.name, by_key, settings, as_of)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small objects that form no cycles:
    otherwise it rescans everything built so far again and again, which doubles the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def register_from_tables(source_name: str, tables: dict[str, SheetTable], settings: Settings, as_of: date) -> Register:
    """The register of ``tables`` (sheet key → table). The tables are taken from the dict as they are
    parsed, so that a sheet's cells are released before the next sheet's records are built (a million
    visits' cells are some 400 MB in the reader)."""
    register = Register(source=source_name, as_of=as_of)
    caches: dict[tuple, dict] = {}
    for spec in SHEETS:
        table = tables.pop(spec.key, None)
        register.sheet_titles[spec.key] = table.title if table else sheet_title(spec, settings)
        if table is None:
            register.columns[spec.key] = set()
            continue
        records, present = read_records(spec, table, settings, as_of, caches, register)
        if table.stray:
            register.stray_cells[spec.key] = list(table.stray)
        del table
        give_back()   # the sheet's cells and what parsing them took
        setattr(register, spec.key, records)
        register.columns[spec.key] = present
    _index(register)
    return register


def _index(register: Register) -> None:
    names = [client.name for client in register.clients if client.name]
    keys = dict(zip(names, name_keys(names)))   # each client name's name_key, made at once
    for client in register.clients:
        if client.client_id and client.client_id not in register.clients_by_id:
            register.clients_by_id[client.client_id] = client
        if client.name:
            register.clients_by_name.setdefault(keys[client.name], client)
    for member in register.staff:
        if member.name:
            register.staff_by_name.setdefault(member.name, member)
    # Each client's visits and plans, in sheet order: the checks work client by client.
    register.visits_by_client = [[] for _ in register.clients]
    register.plans_by_client = [[] for _ in register.clients]
    for index, client in enumerate(register.clients):
        client.index = index
    by_id, by_name = register.clients_by_id.get, register.clients_by_name.get
    for items, by_client in ((register.visits, register.visits_by_client), (register.plans, register.plans_by_client)):
        for item in items:
            # A visit's client is its 客户编号 when given (an unregistered id resolves to nothing), else its
            # name compared by name_key (nearly always a client's name, whose key is known). Written inline:
            # this loop runs once per visit.
            if item.client_id:
                client = by_id(item.client_id)
            elif item.client_name:
                client = by_name(keys.get(item.client_name) or name_key(item.client_name))
            else:
                client = None
            item.client = client
            if client is not None:
                by_client[client.index].append(item)

