"""The production source: a shared Google Sheet, through gspread's HTTP client and a service account.

Reading every worksheet costs two requests whatever the row count: the spreadsheet's metadata, then one
``values:batchGet`` with ``UNFORMATTED_VALUE`` and ``SERIAL_NUMBER``, so a date arrives as a serial number
(days since 1899-12-30) and a phone typed as a number stays a number; the register normalises both.
Writing the service's own worksheet is one ``batchUpdate`` (``replace_sheet``).

Every request has a timeout; 408, 429 and 5xx answers and dropped connections are retried with bounded
exponential backoff and jitter (gspread's own ``BackOffHTTPClient`` retries forever without jitter).
Every Google error becomes a ``SourceError`` that says what to do — an unshared sheet names the service
account's ``client_email``. This is the only module that imports gspread.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any, Callable, Sequence

import gspread
import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name, rowcol_to_a1

from huimao_sheets.errors import SourceError
from huimao_sheets.sources import Link, Table, google_key
from huimao_sheets.sources.cells import as_person_reads
from huimao_sheets.sources.google_credentials import load_service_account

# The one metadata request: every worksheet's properties and merged ranges, no cell data.
METADATA_PARAMS = {"includeGridData": "false", "fields": "spreadsheetId,properties(title),sheets(properties,merges)"}
READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
               "majorDimension": "ROWS"}
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class RetryPolicy:
    """Bounded exponential backoff with jitter: wait ≈ base·2ⁿ (capped), times a random 0.5–1.0.

    With the defaults a request is tried 7 times and waits at most 1+2+4+8+16+32 = 63 s in all, long
    enough for a per-minute quota to refill; ``deadline`` bounds the total wait. ``sleep``, ``clock`` and
    ``jitter`` are injectable so that tests run without waiting.
    """

    attempts: int = 7
    base_delay: float = 1.0
    max_delay: float = 32.0
    deadline: float = 120.0
    timeout: tuple[float, float] = (10.0, 120.0)      # (connect, read) seconds, on every request
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based), honouring a server's Retry-After."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        wait = ceiling * (0.5 + 0.5 * self.jitter())
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait


class GaveUp(Exception):
    """A request still failed (429, 5xx, network) after every try the retry policy allows."""

    def __init__(self, error: Exception, attempts: int, waited: float):
        super().__init__(str(error))
        self.error, self.attempts, self.waited = error, attempts, waited


def _retryable(status: int) -> bool:
    return status in (408, 429) or status >= 500


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


class RetryingHTTPClient(gspread.HTTPClient):
    """gspread's HTTP client with a timeout on every request and bounded, jittered retries."""

    def __init__(self, auth: Credentials, session: requests.Session | None = None, *, policy: RetryPolicy):
        super().__init__(auth, session)
        self.policy = policy
        self.timeout = policy.timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        policy = self.policy
        start = policy.clock()
        for attempt in range(1, policy.attempts + 1):
            retry_after = None
            try:
                return super().request(*args, **kwargs)
            except APIError as exc:
                if not _retryable(exc.response.status_code):
                    raise
                error, retry_after = exc, _retry_after(exc.response)
            except (requests.ConnectionError, requests.Timeout, TransportError) as exc:
                error = exc
            if attempt == policy.attempts:
                break
            wait = policy.delay(attempt, retry_after)
            if policy.clock() - start + wait > policy.deadline:
                break
            policy.sleep(wait)
        raise GaveUp(error, attempt, policy.clock() - start)


def authorized_session(credentials: Credentials) -> requests.Session:
    """The production session: google-auth's AuthorizedSession (looked up when called, so it can be swapped)."""
    from google.auth.transport import requests as google_requests

    return google_requests.AuthorizedSession(credentials)


@dataclass
class Transport:
    """How requests reach Google: a session for the credentials (tests mount the stand-in here) and retries."""

    session: Callable[[Credentials], requests.Session] = authorized_session
    retry: RetryPolicy = field(default_factory=RetryPolicy)


DEFAULT_TRANSPORT = Transport()


def spreadsheet_key(spec: str) -> str:
    """``gsheet:KEY`` or ``https://docs.google.com/spreadsheets/d/KEY/edit#gid=0`` → ``KEY``."""
    key = google_key(spec) or ""
    if not _KEY.match(key):
        raise SourceError(
            f"无法从“{spec}”中读出 Google 表格的 KEY。请写成 gsheet:KEY，或粘贴浏览器地址栏中的完整链接 "
            "https://docs.google.com/spreadsheets/d/KEY/edit。",
            en=f"Cannot find a Google Sheet's KEY in “{spec}”. Write gsheet:KEY, or paste the whole link from the "
               "browser's address bar, https://docs.google.com/spreadsheets/d/KEY/edit."
        )
    return key


def sheet_cell(value: Any) -> Any:
    """A Python value as a JSON cell for RAW input: dates as ISO text, blanks as empty strings."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def cell_data(value: Any, formula: str | None = None) -> dict:
    """A Python value as the CellData of ``updateCells``: a typed value, never parsed (``stringValue``
    ``=SUM(1)`` stays that text); a blank is ``{}``, which clears the cell. ``formula``: ours, never a user's."""
    if formula is not None:
        return {"userEnteredValue": {"formulaValue": formula}}
    value = sheet_cell(value)
    if value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


_A1 = re.compile(r"^[A-Z]{1,3}[1-9][0-9]{0,6}$")


def hyperlink_formula(sheet_id: int, cell: str) -> str:
    """``=HYPERLINK("#gid=123&range=F12","F12")``: a link that opens cell F12 of worksheet 123 in place.
    Only a sheetId and an A1 address go into it, both checked, so no text a user typed can become a formula."""
    if not _A1.match(cell) or not isinstance(sheet_id, int):
        raise ValueError(f"not a cell address: {sheet_id!r} {cell!r}")
    return f'=HYPERLINK("#gid={sheet_id}&range={cell}","{cell}")'


def cell_range(title: str, row: int, col: int) -> str:
    """A1 address of a cell (1-based row and column) on worksheet ``title``, quoted as the API wants."""
    return absolute_range_name(title, rowcol_to_a1(row, col))


class GoogleSheetSource:
    """One spreadsheet, addressed by its key. Metadata is fetched once and reused until a write changes it."""

    def __init__(self, key: str, http: RetryingHTTPClient, client_email: str, name: str):
        self.key = key
        self.http = http
        self.client_email = client_email
        self.name = name
        self._metadata: dict | None = None

    @classmethod
    def open(cls, spec: str, credentials: str | None = None, *, write: bool = False,
             transport: Transport | None = None) -> "GoogleSheetSource":
        """Open ``spec`` as the service account in ``credentials`` (read-only scope unless ``write``)."""
        transport = transport or DEFAULT_TRANSPORT
        key = spreadsheet_key(spec)
        account = load_service_account(credentials, write=write)
        session = transport.session(account.credentials)
        client = gspread.Client(account.credentials, session=session,
                                http_client=partial(RetryingHTTPClient, policy=transport.retry))
        return cls(key, client.http_client, account.client_email, spec)

    # --- reading -------------------------------------------------------------------------------

    def metadata(self) -> dict:
        """The spreadsheet's title and its worksheets' properties and merges (one request, then cached)."""
        if self._metadata is None:
            self._metadata = self._call(self.http.fetch_sheet_metadata, self.key, params=dict(METADATA_PARAMS))
        return self._metadata

    def sheet_properties(self) -> dict[str, dict]:
        """Worksheet title → its properties (sheetId, index, gridProperties…)."""
        return {s["properties"]["title"]: s["properties"] for s in self.metadata().get("sheets", [])}

    def sheet_titles(self) -> list[str]:
        return list(self.sheet_properties())

    def read_tables(self, titles: Sequence[str]) -> dict[str, Table]:
        """All the named worksheets in one ``values:batchGet``; a range without ``values`` is an empty sheet."""
        if not titles:
            return {}
        missing = [t for t in titles if t not in self.sheet_properties()]
        if missing:
            raise SourceError(f"Google 表格中没有工作表“{'、'.join(missing)}”。现有: {'、'.join(self.sheet_titles())}。",
                              en=f"The Google Sheet has no worksheet “{'”, “'.join(missing)}”. It has: "
                                 f"{', '.join(self.sheet_titles())}.")
        ranges = [absolute_range_name(title) for title in titles]
        body = self._call(self.http.values_batch_get, self.key, ranges, params=dict(READ_PARAMS))
        value_ranges = body.get("valueRanges", [])
        if len(value_ranges) != len(titles):
            raise SourceError(f"Google Sheets 返回了 {len(value_ranges)} 个区域，而请求的是 {len(titles)} 个。请重试。",
                              en=f"Google Sheets returned {len(value_ranges)} ranges where {len(titles)} were asked "
                                 "for. Try again.")
        return {title: self._table(title, vr.get("values", [])) for title, vr in zip(titles, value_ranges)}

    def _table(self, title: str, values: list[list[Any]]) -> Table:
        """A worksheet's values with formula errors kept (Google sends ``#REF!`` as text) and its merged
        ranges (from the metadata already read) filled with their top-left value."""
        props = self.sheet_properties()[title]
        merges = [(m.get("startRowIndex", 0) + 1, m.get("startColumnIndex", 0) + 1,
                   m.get("endRowIndex", 0), m.get("endColumnIndex", 0))
                  for m in self.sheet_merges().get(title, [])]
        width = props.get("gridProperties", {}).get("columnCount")
        return Table(title, list(as_person_reads(values, merges=merges, width=width, error_text=True)))

    def sheet_merges(self) -> dict[str, list[dict]]:
        """Worksheet title → its merged ranges (GridRanges, 0-based, end exclusive), from the metadata."""
        return {s["properties"]["title"]: s.get("merges", []) for s in self.metadata().get("sheets", [])}

    def grid_heads(self, titles: Sequence[str], rows: int) -> dict[str, list[list[dict]]]:
        """The first ``rows`` rows of each worksheet as cells with ``formattedValue`` and ``dataValidation``
        (one request), for setting the sheet up without reading its data."""
        if not titles:
            return {}
        params = {
            "ranges": [absolute_range_name(t, f"1:{rows}") for t in titles],
            "fields": "sheets(properties(sheetId,title),data(rowData(values(formattedValue,dataValidation))))",
        }
        body = self._call(self.http.fetch_sheet_metadata, self.key, params=params)
        heads: dict[str, list[list[dict]]] = {}
        for sheet in body.get("sheets", []):
            title = sheet["properties"]["title"]
            if title in titles:
                data = sheet.get("data") or [{}]
                heads[title] = [row.get("values", []) for row in data[0].get("rowData", [])]
        return heads

    # --- writing -------------------------------------------------------------------------------

    def batch_update(self, requests_: list[dict]) -> dict:
        """One ``spreadsheets.batchUpdate`` (applied atomically by Google); forgets the cached metadata."""
        body = self._call(self.http.batch_update, self.key, {"requests": requests_})
        self._metadata = None
        return body

    def write_values(self, data: list[tuple[str, list[list[Any]]]]) -> dict:
        """One ``values:batchUpdate`` with RAW input: no text a user typed is ever run as a formula."""
        payload = {"valueInputOption": "RAW",
                   "data": [{"range": rng, "majorDimension": "ROWS",
                             "values": [[sheet_cell(v) for v in row] for row in values]} for rng, values in data]}
        return self._call(self.http.values_batch_update, self.key, payload)

    def replace_sheet(self, title: str, rows: list[list[Any]], frozen_rows: int = 1,
                      links: Sequence[Link] = ()) -> None:
        """Make worksheet ``title`` hold exactly ``rows``, creating it when missing; ``links`` are cells of
        ``rows`` that link to cells of other worksheets.

        One request besides the metadata (already read by a run): a ``batchUpdate`` — applied by Google
        as a whole — that adds the worksheet (with a sheetId chosen here) or grows its grid when needed,
        then writes every cell with ``updateCells`` over the whole grid, so the new content replaces the
        old in one step (cells and rows left over from a longer list are cleared), never an empty sheet
        between. Each cell is a typed value — text as ``stringValue``, which Google stores as text even
        when it begins with ``=`` — so nothing a user typed runs as a formula; the only formulas are the
        links, built here from a sheetId and an A1 address: ``=HYPERLINK("#gid=…&range=F12","F12")``.
        """
        width = max(1, max((len(r) for r in rows), default=1))
        sheets = self.sheet_properties()
        existing = sheets.get(title)
        requests_: list[dict] = []
        if existing is None:
            taken = {p.get("sheetId") for p in sheets.values()}
            sheet_id = next(i for i in range(1, len(taken) + 2) if i not in taken)   # the smallest free id
            height = max(len(rows), frozen_rows + 1)
            requests_.append({"addSheet": {"properties": {
                "sheetId": sheet_id, "title": title,
                "gridProperties": {"rowCount": height, "columnCount": width, "frozenRowCount": frozen_rows}}}})
        else:
            sheet_id = existing["sheetId"]
            grid = existing.get("gridProperties", {})
            old_height, old_width = grid.get("rowCount", 0), grid.get("columnCount", 0)
            height, width = max(len(rows), old_height), max(width, old_width)
            if (height, width) != (old_height, old_width):
                requests_.append({"updateSheetProperties": {
                    "properties": {"sheetId": sheet_id,
                                   "gridProperties": {"rowCount": height, "columnCount": width}},
                    "fields": "gridProperties.rowCount,gridProperties.columnCount"}})
        formulas = {(link.row, link.column): hyperlink_formula(sheets[link.sheet]["sheetId"], link.cell)
                    for link in links if link.sheet in sheets}
        requests_.append({"updateCells": {
            "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": height,
                      "startColumnIndex": 0, "endColumnIndex": width},
            "rows": [{"values": [cell_data(v, formulas.get((r, c))) for c, v in enumerate(row)]}
                     for r, row in enumerate(rows)],
            "fields": "userEnteredValue"}})
        self.batch_update(requests_)

    # --- errors --------------------------------------------------------------------------------

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GaveUp as exc:
            raise self._gave_up(exc) from exc.error
        except APIError as exc:
            raise self._api_error(exc) from exc
        except RefreshError as exc:
            raise SourceError(
                f"Google 拒绝了服务账号 {self.client_email} 的凭据（{exc.args[0] if exc.args else exc}）。"
                "密钥可能已被删除或停用：请在 Google Cloud 控制台为该服务账号新建 JSON 密钥。",
                en=f"Google refused the credentials of the service account {self.client_email} "
                   f"({exc.args[0] if exc.args else exc}). The key may have been deleted or disabled: create a new "
                   "JSON key for the service account in the Google Cloud console."
            ) from exc

    def _api_error(self, exc: APIError) -> SourceError:
        status = exc.response.status_code
        message = str(exc.error.get("message", ""))
        if status == 403 and ("has not been used" in message or "is disabled" in message):
            return SourceError(
                "服务账号所在的 Google Cloud 项目还没有启用 Google Sheets API。请在控制台“API 和服务”中启用它，"
                f"几分钟后再试。（Google: {message}）",
                en="The Google Sheets API is not enabled in the service account's Google Cloud project. Enable it "
                   f"under “APIs & Services” in the console and try again a few minutes later. (Google: {message})"
            )
        if status == 403:
            return SourceError(
                f"没有权限访问 Google 表格 {self.key}（403）。请在表格中点“共享”，把服务账号 {self.client_email} "
                f"添加为“编辑者”，然后重试。The sheet is not shared with {self.client_email}.",
                en=f"No permission to open the Google Sheet {self.key} (403): it is not shared with "
                   f"{self.client_email}. Click “Share” in the sheet, add the service account {self.client_email} "
                   "as an editor, and try again."
            )
        if status == 404:
            return SourceError(
                f"找不到 Google 表格 {self.key}（404）：KEY 或链接有误，或表格已被删除。请从浏览器地址栏复制 "
                "https://docs.google.com/spreadsheets/d/KEY/edit 中的 KEY。",
                en=f"Google Sheet {self.key} not found (404): the KEY or the link is wrong, or the sheet was "
                   "deleted. Copy the KEY from https://docs.google.com/spreadsheets/d/KEY/edit in the browser's "
                   "address bar."
            )
        if status == 401:
            return SourceError(f"Google 不接受服务账号 {self.client_email} 的凭据（401）。请重新生成 JSON 密钥。",
                               en=f"Google does not accept the credentials of the service account "
                                  f"{self.client_email} (401). Create a new JSON key.")
        return SourceError(f"Google Sheets 拒绝了请求（{status}）: {message}",
                           en=f"Google Sheets refused the request ({status}): {message}")

    def _gave_up(self, exc: GaveUp) -> SourceError:
        tries = f"试了 {exc.attempts} 次、共等待 {exc.waited:.0f} 秒后仍失败"
        tries_en = f"still failing after {exc.attempts} tries and {exc.waited:.0f} seconds of waiting"
        error = exc.error
        if isinstance(error, APIError) and error.response.status_code == 429:
            return SourceError(
                f"Google Sheets 的请求配额已用完（429 RESOURCE_EXHAUSTED），{tries}。"
                "请过几分钟再运行，或在 Google Cloud 控制台提高 Sheets API 的配额。",
                en=f"The Google Sheets request quota is used up (429 RESOURCE_EXHAUSTED), {tries_en}. Run again in "
                   "a few minutes, or raise the Sheets API quota in the Google Cloud console."
            )
        if isinstance(error, APIError):
            return SourceError(
                f"Google Sheets 暂时不可用（{error.response.status_code}），{tries}。请稍后再试。",
                en=f"Google Sheets is unavailable for now ({error.response.status_code}), {tries_en}. Try again later."
            )
        return SourceError(f"连不上 Google Sheets（{type(error).__name__}），{tries}。请检查网络或代理设置。",
                           en=f"Cannot reach Google Sheets ({type(error).__name__}), {tries_en}. Check the network "
                              "or the proxy settings.")
