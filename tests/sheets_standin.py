"""An in-process stand-in of the Google Sheets API v4, served to gspread's real HTTP code.

``SheetsStandIn`` is a ``requests`` transport adapter: mounted on the session that gspread uses, it
answers every request from spreadsheets held in memory, with bodies of the same shapes as the recorded
real responses in ``tests/data/sheets-api-samples/`` (``test_gsheets_source.py`` replays each sample to
check that). It logs every request (``calls``) and can inject faults (``fail``, ``fail_always``).

    standin = SheetsStandIn()
    standin.add_spreadsheet("KEY", {"客户档案": [["客户编号", …], …]})
    source = GoogleSheetSource.open("gsheet:KEY", key_file, transport=standin.transport())

Test modules import the fixtures ``standin`` (installed as the default transport, so the library and the
CLI reach it too) and ``key_file``.

Cells hold ``str``, ``int``/``float``, ``bool``, ``date``/``datetime`` (a date cell: a serial number when
read with ``SERIAL_NUMBER``), ``Formula`` or ``None``. Supported: spreadsheets.get (field masks, grid data
for ``ranges``), :batchUpdate (addSheet, deleteSheet, updateSheetProperties, setDataValidation,
appendDimension, updateCells with ``userEnteredValue``), values get/batchGet/update/append/clear/batchClear/batchUpdate.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import BaseAdapter

from huimao_sheets.sources import gsheets
from huimao_sheets.sources.gsheets import RetryPolicy, Transport

SAMPLES = Path(__file__).parent / "data" / "sheets-api-samples"
SERVICE_ACCOUNT = "huimao-checker@huimao-test.iam.gserviceaccount.com"
HOST = "https://sheets.googleapis.com"
EPOCH = date(1899, 12, 30)
DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26
QUOTA_MESSAGE = ("Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
                 "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.")
STATUS_TEXT = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED",
               500: "INTERNAL", 503: "UNAVAILABLE"}
DROP = 0                             # a fault status: the connection drops before any answer
FAULT_MESSAGES = {429: QUOTA_MESSAGE, 500: "Internal error encountered.", 503: "The service is currently unavailable."}


@dataclass(frozen=True)
class Formula:
    text: str
    value: Any = None


class ApiError(Exception):
    def __init__(self, status: int, message: str, details: list | None = None):
        super().__init__(message)
        self.status, self.message, self.details = status, message, details

    def body(self) -> dict:
        error = {"code": self.status, "message": self.message, "status": STATUS_TEXT.get(self.status, "UNKNOWN")}
        if self.details:
            error["details"] = self.details
        return {"error": error}


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = DEFAULT_ROWS
    columns: int = DEFAULT_COLUMNS
    frozen_rows: int = 0
    hidden: bool = False
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)     # (row, col), 0-based
    validations: list[tuple[dict, dict | None]] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)                      # A1 ranges, e.g. "G2:G3"

    def values(self) -> list[list[Any]]:
        """The sheet's cells as rows, blanks as "" and trailing blanks trimmed, for assertions in tests."""
        return [_trim([_blank(self.cells.get((r, c))) for c in range(self.columns)]) for r in range(self.extent()[0])]

    def set_values(self, rows: list[list[Any]]) -> None:
        """Replace every cell, as if staff had retyped the sheet."""
        self.cells = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row) if not _empty(v)}
        self.rows, self.columns = max(self.rows, len(rows)), max([self.columns, *(len(r) for r in rows)])

    def extent(self) -> tuple[int, int]:
        """(rows, columns) up to the last non-empty cell."""
        filled = [rc for rc, v in self.cells.items() if not _empty(v)]
        return (max(r for r, _ in filled) + 1, max(c for _, c in filled) + 1) if filled else (0, 0)

    def validation(self, row: int, col: int) -> dict | None:
        for rng, rule in reversed(self.validations):
            if _in_range(rng, row, col):
                return rule
        return None

    def properties(self, index: int) -> dict:
        grid = {"rowCount": self.rows, "columnCount": self.columns}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        props = {"sheetId": self.sheet_id, "title": self.title, "index": index, "sheetType": "GRID",
                 "gridProperties": grid}
        if self.hidden:
            props["hidden"] = True
        return props


@dataclass
class Spreadsheet:
    key: str
    title: str
    sheets: list[Sheet]
    access: str = "writer"           # writer / reader / none: how the file is shared with the caller

    def sheet(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise ApiError(400, f"Unable to parse range: {title}")


@dataclass
class Call:
    method: str
    path: str                        # decoded, e.g. /v4/spreadsheets/KEY/values/'数据检查'!A1:I3
    query: dict[str, list[str]]
    body: Any
    timeout: Any
    status: int = 0

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _trim(row: list[Any]) -> list[Any]:
    end = len(row)
    while end and _empty(row[end - 1]):
        end -= 1
    return row[:end]


def _in_range(rng: dict, row: int, col: int) -> bool:
    return (rng.get("startRowIndex", 0) <= row < rng.get("endRowIndex", 10**9)
            and rng.get("startColumnIndex", 0) <= col < rng.get("endColumnIndex", 10**9))


# --- A1 notation ---------------------------------------------------------------------------------

_CELL = re.compile(r"^([A-Z]*)(\d*)$")


def column_letter(col: int) -> str:
    """0-based column → A, B, …, Z, AA."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def split_range(text: str) -> tuple[str, str]:
    """``'My ''sheet'''!A1:B2`` → (``My 'sheet'``, ``A1:B2``)."""
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1:i + 2] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(text[i])
            i += 1
        rest = text[i + 1:]
        return "".join(title), rest[1:] if rest.startswith("!") else rest
    title, _, cells = text.partition("!")
    return title, cells


def parse_cells(cells: str, sheet: Sheet) -> tuple[int, int, int, int] | None:
    """``A1:B2`` / ``A:A`` / ``1:10`` / ``D4`` → (row0, col0, row1, col1), ends exclusive, clipped to the
    grid; ``None`` for the whole sheet."""
    if not cells:
        return None
    first, _, last = cells.upper().partition(":")
    last = last or first
    m1, m2 = _CELL.match(first), _CELL.match(last)
    if not m1 or not m2:
        raise ApiError(400, f"Unable to parse range: {cells}")
    c0 = _column_index(m1.group(1)) if m1.group(1) else 0
    r0 = int(m1.group(2)) - 1 if m1.group(2) else 0
    c1 = _column_index(m2.group(1)) + 1 if m2.group(1) else sheet.columns
    r1 = int(m2.group(2)) if m2.group(2) else sheet.rows
    return r0, c0, r1, c1


def a1(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    name = title if re.fullmatch(r"\w+", title) else "'" + title.replace("'", "''") + "'"
    start, end = f"{column_letter(c0)}{r0 + 1}", f"{column_letter(c1 - 1)}{r1}"
    return f"{name}!{start}" if start == end else f"{name}!{start}:{end}"


# --- rendering cells -----------------------------------------------------------------------------

def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def render(value: Any, value_option: str, date_option: str) -> Any:
    if isinstance(value, Formula):
        if value_option == "FORMULA":
            return value.text
        value = value.value
    if _empty(value):
        return ""
    if isinstance(value, (date, datetime)):
        if value_option == "FORMATTED_VALUE" or date_option == "FORMATTED_STRING":
            return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
        if isinstance(value, datetime):
            delta = value - datetime.combine(EPOCH, datetime.min.time(), value.tzinfo)
            return delta.days + delta.seconds / 86400
        return (value - EPOCH).days
    if value_option == "FORMATTED_VALUE":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, (int, float)):
            return _number_text(value)
    return value


def user_entered(value: Any) -> Any:
    """USER_ENTERED input: ``=…`` becomes a formula, numeric text a number (RAW keeps text as text)."""
    if isinstance(value, str):
        if value.startswith("="):
            return Formula(value)
        try:
            return int(value) if re.fullmatch(r"-?\d+", value) else float(value)
        except ValueError:
            return value
    return value


_HYPERLINK = re.compile(r'^=HYPERLINK\("([^"]*)",\s*"([^"]*)"\)$', re.IGNORECASE)


def _extended_value(value: dict) -> Any:
    """An ExtendedValue as a stored cell: exactly one kind; text stays text, a formula is a ``Formula``."""
    kinds = [k for k in ("numberValue", "stringValue", "boolValue", "formulaValue", "errorValue") if k in value]
    if len(kinds) != 1 or set(value) != set(kinds):
        raise ApiError(400, f"Invalid ExtendedValue: exactly one value kind expected, got {sorted(value)}")
    kind, = kinds
    if kind == "errorValue":
        raise ApiError(400, "Invalid value: errorValue cannot be written")
    if kind == "formulaValue":
        m = _HYPERLINK.match(value[kind])
        return Formula(value[kind], m.group(2) if m else None)
    return value[kind]


def _grid_range(sheet: Sheet, a1: str) -> dict:
    r0, c0, r1, c1 = parse_cells(a1, sheet)
    return {"sheetId": sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r1,
            "startColumnIndex": c0, "endColumnIndex": c1}


# --- field masks ---------------------------------------------------------------------------------

def parse_mask(text: str) -> dict:
    """``sheets(properties(sheetId,title),data)`` → {"sheets": {"properties": {...}, "data": {}}}."""
    mask: dict = {}
    stack = [mask]
    token = ""

    def flush() -> None:
        nonlocal token
        if token.strip():
            node = stack[-1]
            for part in token.strip().split("."):
                node = node.setdefault(part, {})
        token = ""

    for ch in text:
        if ch == "(":
            name, token = token.strip(), ""
            node = stack[-1]
            for part in name.split("."):
                node = node.setdefault(part, {})
            stack.append(node)
        elif ch == ")":
            flush()
            stack.pop()
        elif ch == ",":
            flush()
        else:
            token += ch
    flush()
    return mask


def apply_mask(value: Any, mask: dict) -> Any:
    if not mask:
        return value
    if isinstance(value, list):
        return [apply_mask(v, mask) for v in value]
    if isinstance(value, dict):
        return {k: apply_mask(v, mask[k]) for k, v in value.items() if k in mask}
    return value


# --- the adapter ---------------------------------------------------------------------------------

class SheetsStandIn(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.calls: list[Call] = []
        self._faults: list[tuple[int, float | None]] = []
        self._always: int | None = None
        self._next_sheet_id = 1000
        self.clock = FakeClock()

    # set-up and inspection, for tests

    def add_spreadsheet(self, key: str, sheets: dict[str, list[list[Any]]], *, title: str = "客户登记",
                        access: str = "writer", rows: int = DEFAULT_ROWS, columns: int = DEFAULT_COLUMNS) -> Spreadsheet:
        spreadsheet = Spreadsheet(key, title, [], access)
        for i, (name, values) in enumerate(sheets.items()):
            sheet = Sheet(i if i == 0 else self._new_sheet_id(), name, rows, columns)
            sheet.set_values(values)
            spreadsheet.sheets.append(sheet)
        self.spreadsheets[key] = spreadsheet
        return spreadsheet

    def fail(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        """Answer the next ``times`` requests with ``status`` (429, 500, 503…, or DROP: no answer at all)."""
        self._faults.extend([(status, retry_after)] * times)

    def fail_always(self, status: int | None) -> None:
        self._always = status

    def session(self, credentials: Any = None) -> requests.Session:
        """A session like the one gspread gets in production, with dummy credentials and this adapter."""
        session = AuthorizedSession(AnonymousCredentials())
        session.mount("https://", self)
        return session

    def transport(self, **retry: Any) -> Transport:
        """A Transport whose retries never really wait: they advance ``self.clock`` (a FakeClock) instead.
        ``retry`` overrides fields of RetryPolicy."""
        return Transport(session=self.session,
                         retry=RetryPolicy(**{"sleep": self.clock.sleep, "clock": self.clock.now, **retry}))

    def reads(self) -> list[Call]:
        return [c for c in self.calls if not c.is_write]

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.is_write]

    # requests' adapter interface

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        query = parse_qs(url.query, keep_blank_values=True)
        body = json.loads(request.body) if request.body else None
        call = Call(request.method, unquote(url.path), query, body, timeout)
        self.calls.append(call)
        retry_after = None
        try:
            if self._faults or self._always:
                status, retry_after = self._faults.pop(0) if self._faults else (self._always, None)
                if status == DROP:
                    call.status = DROP
                    raise requests.ConnectionError("stand-in: connection reset by peer")
                raise ApiError(status, FAULT_MESSAGES.get(status, "Error"))
            status, payload = 200, self._route(request.method, url.scheme + "://" + url.netloc, url.path, query, body)
        except ApiError as exc:
            status, payload = exc.status, exc.body()
        call.status = status
        return _response(request, status, payload, retry_after)

    def close(self) -> None:
        pass

    # routing

    def _route(self, method: str, host: str, path: str, query: dict, body: Any) -> dict:
        if host != HOST:
            raise ApiError(404, f"the stand-in serves only {HOST}, not {host}")
        m = re.match(r"^/v4/spreadsheets/([^/:]+)(?::(batchUpdate))?(?:/values(?::(batchGet|batchUpdate|batchClear)"
                     r"|/([^/:]+)(?::(clear|append))?))?$", path)
        if not m:
            raise ApiError(404, f"stand-in: no route for {method} {path}")
        key, sheet_batch, values_batch, rng, values_action = m.groups()
        book = self._book(key, write=method != "GET")
        rng = unquote(rng) if rng else None
        q = {k: v[-1] for k, v in query.items()}
        if method == "GET" and not (sheet_batch or values_batch or rng):
            return self._get_spreadsheet(book, query)
        if method == "POST" and sheet_batch:
            return self._batch_update(book, body or {})
        if method == "GET" and values_batch == "batchGet":
            return {"spreadsheetId": key, "valueRanges": [self._get_values(book, r, q) for r in query.get("ranges", [])]}
        if method == "POST" and values_batch == "batchUpdate":
            return self._values_batch_update(book, body or {})
        if method == "POST" and values_batch == "batchClear":
            return {"spreadsheetId": key, "clearedRanges": [self._clear(book, r) for r in (body or {}).get("ranges", [])]}
        if method == "GET" and rng:
            return self._get_values(book, rng, q)
        if method == "PUT" and rng:
            return {"spreadsheetId": key, **self._update(book, rng, body or {}, q.get("valueInputOption"))}
        if method == "POST" and values_action == "clear":
            return {"spreadsheetId": key, "clearedRange": self._clear(book, rng)}
        if method == "POST" and values_action == "append":
            return self._append(book, rng, body or {}, q.get("valueInputOption"))
        raise ApiError(404, f"stand-in: no route for {method} {path}")

    def _book(self, key: str, write: bool) -> Spreadsheet:
        book = self.spreadsheets.get(key)
        if book is None:
            raise ApiError(404, "Requested entity was not found.")
        if book.access == "none" or (write and book.access != "writer"):
            raise ApiError(403, "The caller does not have permission")
        return book

    def _new_sheet_id(self) -> int:
        self._next_sheet_id += 7919
        return self._next_sheet_id

    # spreadsheets.get

    def _get_spreadsheet(self, book: Spreadsheet, query: dict) -> dict:
        template = json.loads((SAMPLES / "01-GET-v4-spreadsheets-spreadsheetId-200.json").read_text("utf-8"))
        properties = template["response"]["body"]["properties"]
        properties.update(title=book.title, locale="zh_CN", timeZone="Asia/Shanghai")
        ranges: dict[str, list[str]] = {}
        for text in query.get("ranges", []):
            title, cells = split_range(text)
            book.sheet(title)
            ranges.setdefault(title, []).append(cells)
        mask = parse_mask(query["fields"][-1]) if "fields" in query else {}
        with_data = ("data" in mask.get("sheets", {})) or query.get("includeGridData", ["false"])[-1] == "true"
        sheets = []
        for index, sheet in enumerate(book.sheets):
            entry: dict[str, Any] = {"properties": sheet.properties(index)}
            if sheet.merges:  # as the real API: a GridRange per merge, only when the sheet has any
                entry["merges"] = [_grid_range(sheet, rng) for rng in sheet.merges]
            if with_data and (sheet.title in ranges or not ranges):
                entry["data"] = [self._grid_data(sheet, cells) for cells in ranges.get(sheet.title, [""])]
            sheets.append(entry)
        body = {"spreadsheetId": book.key, "properties": properties, "sheets": sheets,
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.key}/edit"}
        return apply_mask(body, mask)

    def _grid_data(self, sheet: Sheet, cells: str) -> dict:
        r0, c0, r1, c1 = parse_cells(cells, sheet) or (0, 0, sheet.rows, sheet.columns)
        r1, c1 = min(r1, sheet.rows), min(c1, sheet.columns)
        row_data = []
        for r in range(r0, r1):
            values = []
            for c in range(c0, c1):
                cell: dict[str, Any] = {}
                value = sheet.cells.get((r, c))
                if not _empty(value):
                    cell["formattedValue"] = render(value, "FORMATTED_VALUE", "FORMATTED_STRING")
                if (rule := sheet.validation(r, c)) is not None:
                    cell["dataValidation"] = copy.deepcopy(rule)
                values.append(cell)
            while values and not values[-1]:
                values.pop()
            row_data.append({"values": values} if values else {})
        while row_data and not row_data[-1]:
            row_data.pop()
        data: dict[str, Any] = {"rowData": row_data}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        return data

    # spreadsheets.batchUpdate: all requests apply, or none

    def _batch_update(self, book: Spreadsheet, body: dict) -> dict:
        work = copy.deepcopy(book)
        next_id = self._next_sheet_id
        replies = []
        for i, request in enumerate(body.get("requests", [])):
            if len(request) != 1:
                raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request expected")
            (kind, params), = request.items()
            handler = getattr(self, f"_req_{kind}", None)
            if handler is None:
                raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': "
                                    "Cannot find field.")
            try:
                replies.append(handler(work, params))
            except ApiError as exc:
                self._next_sheet_id = next_id
                raise ApiError(400, f"Invalid requests[{i}].{kind}: {exc.message}") from exc
        self.spreadsheets[book.key] = work
        return {"spreadsheetId": book.key, "replies": replies}

    def _sheet_by_id(self, book: Spreadsheet, sheet_id: Any) -> Sheet:
        for sheet in book.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise ApiError(400, f"No grid with id: {sheet_id}")

    def _req_addSheet(self, book: Spreadsheet, params: dict) -> dict:
        props = params.get("properties", {})
        title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
        if any(s.title == title for s in book.sheets):
            raise ApiError(400, f'A sheet with the name "{title}" already exists. Please enter another name.')
        sheet_id = props.get("sheetId", self._new_sheet_id())
        if any(s.sheet_id == sheet_id for s in book.sheets):
            raise ApiError(400, f"A sheet with the id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        sheet = Sheet(sheet_id, title, grid.get("rowCount", DEFAULT_ROWS), grid.get("columnCount", DEFAULT_COLUMNS),
                      grid.get("frozenRowCount", 0), props.get("hidden", False))
        self._check_grid(sheet)
        index = min(props.get("index", len(book.sheets)), len(book.sheets))
        book.sheets.insert(index, sheet)
        return {"addSheet": {"properties": sheet.properties(index)}}

    def _req_deleteSheet(self, book: Spreadsheet, params: dict) -> dict:
        book.sheets.remove(self._sheet_by_id(book, params.get("sheetId")))
        if not book.sheets:
            raise ApiError(400, "You can't remove all the sheets in a document.")
        return {}

    def _req_updateSheetProperties(self, book: Spreadsheet, params: dict) -> dict:
        props = params.get("properties", {})
        sheet = self._sheet_by_id(book, props.get("sheetId", 0))
        fields = [f.strip() for f in params.get("fields", "").split(",") if f.strip()]
        if not fields:
            raise ApiError(400, "At least one field must be updated, but 'fields' is empty.")
        grid = props.get("gridProperties", {})
        for f in fields:
            if f == "title":
                sheet.title = props["title"]
            elif f == "hidden":
                sheet.hidden = bool(props.get("hidden"))
            elif f == "gridProperties.rowCount":
                sheet.rows = grid["rowCount"]
            elif f == "gridProperties.columnCount":
                sheet.columns = grid["columnCount"]
            elif f == "gridProperties.frozenRowCount":
                sheet.frozen_rows = grid.get("frozenRowCount", 0)
            else:
                raise ApiError(400, f"stand-in: unsupported field {f}")
        if all(s.hidden for s in book.sheets):
            raise ApiError(400, "You can't hide all the sheets in a document.")
        self._check_grid(sheet)
        sheet.cells = {(r, c): v for (r, c), v in sheet.cells.items() if r < sheet.rows and c < sheet.columns}
        return {}

    def _req_appendDimension(self, book: Spreadsheet, params: dict) -> dict:
        sheet = self._sheet_by_id(book, params.get("sheetId"))
        if params.get("dimension") == "COLUMNS":
            sheet.columns += params["length"]
        else:
            sheet.rows += params["length"]
        return {}

    def _req_setDataValidation(self, book: Spreadsheet, params: dict) -> dict:
        rng = params.get("range", {})
        sheet = self._sheet_by_id(book, rng.get("sheetId", 0))
        rule = params.get("rule")
        if rule is not None and "condition" not in rule:
            raise ApiError(400, "Invalid data validation rule: condition is required")
        sheet.validations.append(({k: v for k, v in rng.items() if k != "sheetId"}, rule))
        return {}

    def _req_updateCells(self, book: Spreadsheet, params: dict) -> dict:
        """updateCells as the API documents it: ``rows`` of CellData written from ``start`` or over ``range``
        (whose cells the rows do not cover are cleared, for the fields named); ``fields`` is required. Only
        ``userEnteredValue`` is kept here; an ExtendedValue holds exactly one of stringValue (stored as text,
        never parsed), numberValue, boolValue, formulaValue (``=HYPERLINK(url, label)`` shows its label)."""
        if ("start" in params) == ("range" in params):
            raise ApiError(400, "Exactly one of start or range must be set.")
        fields = [f.strip() for f in params.get("fields", "").split(",") if f.strip()]
        if not fields:
            raise ApiError(400, "At least one field must be updated, but 'fields' is empty.")
        if fields not in (["userEnteredValue"], ["*"]):
            raise ApiError(400, f"stand-in: unsupported fields {params['fields']}")
        area = params.get("range") or params.get("start")
        sheet = self._sheet_by_id(book, area.get("sheetId", 0))
        r0, c0 = area.get("startRowIndex", area.get("rowIndex", 0)), area.get("startColumnIndex", area.get("columnIndex", 0))
        rows = params.get("rows", [])
        if "range" in params:
            r1, c1 = area.get("endRowIndex", sheet.rows), area.get("endColumnIndex", sheet.columns)
            if len(rows) > r1 - r0 or any(len(row.get("values", [])) > c1 - c0 for row in rows):
                raise ApiError(400, "The rows exceed the range.")
        else:
            r1 = r0 + len(rows)
            c1 = c0 + max((len(row.get("values", [])) for row in rows), default=0)
        if r1 > sheet.rows or c1 > sheet.columns:
            raise ApiError(400, f"Range ({a1(sheet.title, r0, c0, r1, c1)}) exceeds grid limits. "
                                f"Max rows: {sheet.rows}, max columns: {sheet.columns}")
        if "range" in params:
            sheet.cells = {(r, c): v for (r, c), v in sheet.cells.items() if not (r0 <= r < r1 and c0 <= c < c1)}
        for r, row in enumerate(rows):
            for c, cell in enumerate(row.get("values", [])):
                unknown = set(cell) - {"userEnteredValue", "userEnteredFormat", "note", "textFormatRuns",
                                       "dataValidation", "pivotTable", "dataSourceTable", "dataSourceFormula"}
                if unknown:
                    raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{sorted(unknown)[0]}\" at "
                                        f"'requests[0].update_cells.rows[{r}].values[{c}]': Cannot find field.")
                sheet.cells.pop((r0 + r, c0 + c), None)
                if "userEnteredValue" in cell:
                    sheet.cells[(r0 + r, c0 + c)] = _extended_value(cell["userEnteredValue"])
        return {}

    @staticmethod
    def _check_grid(sheet: Sheet) -> None:
        if sheet.rows < 1 or sheet.columns < 1:
            raise ApiError(400, "The grid must have at least one row and one column.")
        if sheet.frozen_rows and sheet.frozen_rows >= sheet.rows:
            raise ApiError(400, "You can't freeze all visible rows on the sheet.")

    # values

    def _get_values(self, book: Spreadsheet, text: str, q: dict) -> dict:
        title, cells = split_range(text)
        sheet = book.sheet(title)
        box = parse_cells(cells, sheet)
        if box is None:
            rows, cols = sheet.extent()
            box = (0, 0, rows, cols) if rows else (0, 0, sheet.rows, sheet.columns)
        r0, c0, r1, c1 = box[0], box[1], min(box[2], sheet.rows), min(box[3], sheet.columns)
        value_option = q.get("valueRenderOption", "FORMATTED_VALUE")
        date_option = q.get("dateTimeRenderOption", "SERIAL_NUMBER")
        values = [_trim([render(sheet.cells.get((r, c)), value_option, date_option) for c in range(c0, c1)])
                  for r in range(r0, r1)]
        while values and not values[-1]:
            values.pop()
        result: dict[str, Any] = {"range": a1(sheet.title, r0, c0, r1, c1), "majorDimension": "ROWS"}
        if values:
            result["values"] = values
        return result

    def _write(self, book: Spreadsheet, text: str, body: dict, option: str | None, *, append: bool = False) -> dict:
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "'valueInputOption' is required but not specified" if option is None
                           else f"Invalid value at 'value_input_option' ({option})")
        values = body.get("values")
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            message = f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), {json.dumps(values)}"
            raise ApiError(400, message, [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                           "fieldViolations": [{"field": "data.values", "description": message}]}])
        title, cells = split_range(text)
        sheet = book.sheet(title)
        r0, c0 = (parse_cells(cells, sheet) or (0, 0, 0, 0))[:2]
        if append:
            r0 = sheet.extent()[0]
        height, width = len(values), max((len(row) for row in values), default=0)
        if append:
            sheet.rows = max(sheet.rows, r0 + height)
        elif r0 + height > sheet.rows or c0 + width > sheet.columns:
            raise ApiError(400, f"Range ({a1(title, r0, c0, r0 + height, c0 + width)}) exceeds grid limits. "
                                f"Max rows: {sheet.rows}, max columns: {sheet.columns}")
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (dict, list)):
                    raise ApiError(400, f"Invalid values[{r}][{c}]: {json.dumps(value)}")
                stored = user_entered(value) if option == "USER_ENTERED" else value
                if _empty(stored):
                    sheet.cells.pop((r0 + r, c0 + c), None)
                else:
                    sheet.cells[(r0 + r, c0 + c)] = stored
        return {"updatedRange": a1(sheet.title, r0, c0, r0 + max(height, 1), c0 + max(width, 1)),
                "updatedRows": height, "updatedColumns": width, "updatedCells": sum(len(row) for row in values)}

    def _update(self, book: Spreadsheet, text: str, body: dict, option: str | None) -> dict:
        return self._write(book, text, body, option)

    def _append(self, book: Spreadsheet, text: str, body: dict, option: str | None) -> dict:
        sheet = book.sheet(split_range(text)[0])
        rows, cols = sheet.extent()
        table = a1(sheet.title, 0, 0, rows, cols) if rows else None
        updates = {"spreadsheetId": book.key, **self._write(book, text, body, option, append=True)}
        return {"spreadsheetId": book.key, **({"tableRange": table} if table else {}), "updates": updates}

    def _values_batch_update(self, book: Spreadsheet, body: dict) -> dict:
        work = copy.deepcopy(book)
        responses = [{"spreadsheetId": book.key, **self._write(work, d.get("range", ""), d, body.get("valueInputOption"))}
                     for d in body.get("data", [])]
        self.spreadsheets[book.key] = work
        touched = {split_range(d.get("range", ""))[0] for d in body.get("data", [])}
        return {"spreadsheetId": book.key,
                "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
                "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                "totalUpdatedSheets": len(touched),
                "responses": responses}

    def _clear(self, book: Spreadsheet, text: str) -> str:
        title, cells = split_range(text)
        sheet = book.sheet(title)
        r0, c0, r1, c1 = parse_cells(cells, sheet) or (0, 0, sheet.rows, sheet.columns)
        sheet.cells = {(r, c): v for (r, c), v in sheet.cells.items() if not (r0 <= r < r1 and c0 <= c < c1)}
        return a1(sheet.title, r0, c0, min(r1, sheet.rows), min(c1, sheet.columns))


def _response(request, status: int, payload: dict, retry_after: float | None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    response.headers["Content-Type"] = "application/json; charset=UTF-8"
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    response.encoding = "utf-8"
    response.url = request.url
    response.request = request
    response.reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
                       429: "Too Many Requests", 500: "Internal Server Error"}.get(status, "Error")
    return response


class FakeClock:
    """A monotonic clock that only moves when someone sleeps; remembers every sleep."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


# --- a service-account key file for tests ----------------------------------------------------------

@lru_cache(maxsize=1)
def _private_key_pem() -> str:
    """A fresh RSA key (made once per test process): google-auth parses it like a real downloaded key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def write_key_file(path: Path, client_email: str = SERVICE_ACCOUNT, **override: Any) -> Path:
    """A service-account JSON key like the one the Google Cloud console downloads, readable by its owner only."""
    info = {"type": "service_account", "project_id": "huimao-test", "private_key_id": "0123456789abcdef",
            "private_key": _private_key_pem(), "client_email": client_email, "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + client_email,
            "universe_domain": "googleapis.com", **override}
    path.write_text(json.dumps(info, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return path


# --- fixtures ---------------------------------------------------------------------------------------

@pytest.fixture
def standin(monkeypatch) -> SheetsStandIn:
    """The stand-in, serving every Google request of the test (the library's and the CLI's)."""
    served = SheetsStandIn()
    monkeypatch.setattr(gsheets, "DEFAULT_TRANSPORT", served.transport())
    return served


@pytest.fixture
def key_file(tmp_path) -> Path:
    return write_key_file(tmp_path / "credentials.json")
