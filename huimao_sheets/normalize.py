"""Reading cells as a person would: dates, mobiles, names, client ids and value lists.

Every parser takes any cell value (str, number, bool, date, None) and never raises. It returns the
normalised value, ``None`` for a blank cell, or ``Unreadable(raw)`` for a cell that has content but no
supported form reads it. The register stores that result; checks turn ``Unreadable`` into findings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from functools import lru_cache
from typing import Any

import phonenumbers

# Cells that people type to mean "nothing here".
PLACEHOLDERS = frozenset({"无", "-", "--", "—", "——", "/", "n/a", "na", "none", "null", "暂无", "空", "—-", "待定"})

_WHITESPACE = re.compile(r"\s+")  # \s covers U+3000 (ideographic space) and NBSP
SHEETS_EPOCH = date(1899, 12, 30)  # day 0 of Excel (1900 system) and Google Sheets serials


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A non-blank cell that no supported form reads. ``raw`` is the text as shown to the user."""

    raw: str

    def __bool__(self) -> bool:  # an unreadable value is never a usable value
        return False


@dataclass(frozen=True, slots=True)
class CellError(Unreadable):
    """A formula error such as ``#REF!``, ``#DIV/0!`` or ``#N/A``, as the source read it: never a blank,
    never a value. Parsers keep it as it is (``register.read_records``); the checks report it on its cell."""

    def __str__(self) -> str:
        return self.raw


def cell_text(value: Any) -> str:
    """A cell as text a person would read: numbers without a spurious '.0', dates as ISO."""
    if value.__class__ is str:   # most cells: first, as the register reads every distinct value through here
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_blank(value: Any) -> bool:
    """Empty, whitespace-only (U+3000 too) or a placeholder such as 无, -, N/A."""
    if isinstance(value, str):
        s = value.strip()
        return s == "" or (len(s) <= 6 and _is_placeholder(s))
    return value is None


@lru_cache(maxsize=4096)
def _is_placeholder(text: str) -> bool:
    s = unicodedata.normalize("NFKC", text).strip()
    return s == "" or s.casefold() in PLACEHOLDERS


def clean_text(value: Any) -> str | None:
    """Free text, trimmed (inner line breaks and spaces kept as typed); blank or a placeholder → None."""
    if is_blank(value):
        return None
    return cell_text(value).strip()


@lru_cache(maxsize=65536)
def _name(text: str) -> str | None:
    s = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    return s or None


def normalize_name(value: Any) -> str | None:
    """A person or company name: NFKC (full-width → half-width) and every whitespace removed.

    ``张伟``, `` 张伟 `` and ``张　伟`` are one person.
    """
    if is_blank(value):
        return None
    return _name(cell_text(value))


_CLIENT_ID = re.compile(r"^([A-Z]+)[-_]?(\d+)$")


@lru_cache(maxsize=65536)
def _client_id(text: str) -> str:
    s = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).upper()
    m = _CLIENT_ID.match(s)
    return f"{m.group(1)}{m.group(2)}" if m else s


@lru_cache(maxsize=65536)
def _person(text: str) -> str | None:
    name = _name(text)
    return to_simplified(name) if name and not name.isascii() else name


def normalize_person(value: Any) -> str | None:
    """A person's name: as ``normalize_name``, and traditional characters made simplified (張偉 → 张伟),
    so that one colleague typed two ways is one person."""
    if is_blank(value):
        return None
    return _person(cell_text(value))


def normalize_client_id(value: Any) -> str | None:
    """``kh0123``, ``ＫＨ0123``, `` KH 0123 ``, ``KH-0123`` → ``KH0123``."""
    if is_blank(value):
        return None
    return _client_id(cell_text(value))


# --- dates -----------------------------------------------------------------------------------

_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEARLESS = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
# A weekday written after the date: 2026-11-03（周二）, 11月3日 星期二, 2026/11/3 礼拜二.
_WEEKDAY = re.compile(r"\s*\(?(?:周|星期|礼拜)[一二三四五六日天]\)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
# Serials between 1950 and 2100: any other number in a date column is a typing mistake.
_SERIAL_MIN, _SERIAL_MAX = 18264, 73051


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def from_serial(serial: float) -> date | None:
    """A spreadsheet serial (days since 1899-12-30; a fraction is the time of day) → date."""
    if not (_SERIAL_MIN <= serial <= _SERIAL_MAX):
        return None
    return SHEETS_EPOCH + timedelta(days=int(serial))


def _nearest_year(month: int, day: int, as_of: date) -> date | None:
    """A year-less date is the one nearest the as-of date (``12/30`` read on 1 January is last year's)."""
    candidates = [d for y in (as_of.year - 1, as_of.year, as_of.year + 1) if (d := _safe_date(y, month, day))]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - as_of).days), d > as_of))


@lru_cache(maxsize=65536)
def _date_from_text(text: str, as_of: date) -> date | None:
    s = _WEEKDAY.sub("", unicodedata.normalize("NFKC", text).strip())
    if m := _FULL_DATE.match(s):
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _COMPACT_DATE.match(s):
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _YEARLESS.match(s):
        return _nearest_year(int(m.group(1)), int(m.group(2)), as_of)
    if _SERIAL.match(s):
        return from_serial(float(s))
    return None


def parse_date(value: Any, as_of: date) -> date | Unreadable | None:
    """Read a date cell in any form staff type it; ``as_of`` places year-less dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return Unreadable(cell_text(value))
    if isinstance(value, (int, float)):
        if value != value:  # NaN
            return Unreadable(cell_text(value))
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            found = _date_from_text(str(int(value)), as_of)
        else:
            found = from_serial(float(value))
        return found if found else Unreadable(cell_text(value))
    text = str(value)
    found = _date_from_text(text, as_of)
    return found if found else Unreadable(text.strip())


def _date_parts(text: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a text written in one of the date forms, whether or not that day exists."""
    s = _WEEKDAY.sub("", unicodedata.normalize("NFKC", text).strip())
    if m := _FULL_DATE.match(s) or _COMPACT_DATE.match(s):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m := _YEARLESS.match(s):
        return None, int(m.group(1)), int(m.group(2))
    return None


DATE_HINTS = {
    "zh": {"form": "（日期请写成“年-月-日”，例如 2026-11-03）",
           "month": "（没有{month}月：月份应为 1–12）",
           "day": "（{when}只有{days}天，没有{day}日）"},
    "en": {"form": " (write dates as year-month-day, e.g. 2026-11-03)",
           "month": " (there is no month {month}: months are 1–12)",
           "day": " ({when} has {days} days, not {day})"},
}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def date_hint(text: str, language: str = "zh") -> str:
    """What is wrong with a date cell that does not read: a day the month does not have (2026-11-31), a
    month that does not exist (2026-13-01), or a form that is not a date's (the form is shown)."""
    import calendar

    hints = DATE_HINTS[language]
    parts = _date_parts(str(text))
    if parts is None:
        return hints["form"]
    year, month, day = parts
    if not 1 <= month <= 12:
        return hints["month"].format(month=month)
    days = calendar.monthrange(year if year else 2025, month)[1]   # a year-less 2/29 is a finding: say 28
    if 1 <= day <= days:
        return hints["form"]   # a real day in a form we do not read (e.g. a year before 1900)
    if language == "en":
        when = f"{_MONTHS_EN[month - 1]} {year}" if year else _MONTHS_EN[month - 1]
    else:
        when = f"{year}年{month}月" if year else f"{month}月"
    return hints["day"].format(when=when, days=days, day=day)


# --- mobiles ---------------------------------------------------------------------------------

_PHONE_JUNK = re.compile(r"[\s\-()（）.·‐‑–—_/]")
_MOBILE_SHAPE = re.compile(r"^(?:\+?86|0086)?(1\d{10})$")


@lru_cache(maxsize=None)
def _valid_mobile_prefix(prefix: str) -> bool:
    """Whether numbers starting with these five digits are mainland mobiles (phonenumbers' metadata).

    In China's numbering plan the first five digits decide whether an 11-digit 1xx number is a mobile, so
    validity is computed once per prefix (at most a few thousand) instead of once per client. A number of
    either type is valid (``is_valid_number`` is ``number_type`` not UNKNOWN, for +86's one region).
    """
    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(prefix + "000000"))
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def parse_mobile(value: Any) -> str | Unreadable | None:
    """A mainland China mobile as 11 digits (``13800138000``), or Unreadable.

    Accepts spaces, dashes, brackets, ``+86``/``0086``/``86``, full-width digits and a number cell.
    Validity (the 1xx prefix ranges that are really allocated to mobiles) comes from phonenumbers.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return Unreadable(cell_text(value))
    raw = cell_text(value)
    s = _PHONE_JUNK.sub("", unicodedata.normalize("NFKC", raw.removesuffix(".0")))
    m = _MOBILE_SHAPE.match(s)
    if not m:
        return Unreadable(raw.strip())
    digits = m.group(1)
    return digits if _valid_mobile_prefix(digits[:5]) else Unreadable(raw.strip())


# --- value lists -----------------------------------------------------------------------------

_CHOICE_SUFFIXES = re.compile(r"(级|类|等|拜访)$")


def parse_choice(value: Any, choices: tuple[str, ...]) -> str | Unreadable | None:
    """One of ``choices``: width and case folded, whitespace removed, ``A级``/``上门拜访`` accepted."""
    if is_blank(value):
        return None
    raw = cell_text(value)
    s = _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw)).upper()
    if s in choices:
        return s
    stripped = _CHOICE_SUFFIXES.sub("", s)
    if stripped in choices:
        return stripped
    return Unreadable(raw.strip())


_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def parse_email(value: Any) -> str | Unreadable | None:
    """An e-mail address, trimmed; anything that is not a plain address (no spaces, no newlines) is Unreadable."""
    if is_blank(value):
        return None
    raw = cell_text(value)
    s = unicodedata.normalize("NFKC", raw).strip()
    return s if _EMAIL.match(s) else Unreadable(raw.strip())


# --- matching keys ---------------------------------------------------------------------------

_T2S = None


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC's t2s table)."""
    global _T2S
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s")
    return _T2S.convert(text)


@lru_cache(maxsize=131072)
def name_key(name: str) -> str:
    """How a visit's 客户名称 is matched to the register: normalised, simplified, case-folded.

    ``鼎盛貿易有限公司``, ``鼎盛贸易 有限公司`` and ``鼎盛贸易有限公司`` have one key.
    """
    return to_simplified(_WHITESPACE.sub("", unicodedata.normalize("NFKC", name))).casefold()


def simplified_all(texts: list[str]) -> list[str]:
    """Traditional → simplified for many texts with one OpenCC call."""
    if not texts:
        return []
    return to_simplified("\n".join(t.replace("\n", " ") for t in texts)).split("\n")


def name_keys(names: list[str]) -> list[str]:
    """``name_key`` of each of ``names``, simplified with one OpenCC call for all (``simplified_all``)."""
    return [key.casefold() for key in
            simplified_all([_WHITESPACE.sub("", unicodedata.normalize("NFKC", name)) for name in names])]


def valid_address(value: object) -> str | None:
    """The address if ``value`` is one plain e-mail address (as the 员工 sheet must hold), else None."""
    parsed = parse_email(value) if isinstance(value, str) else None
    if not isinstance(parsed, str) or len(parsed) > 254:
        return None
    try:
        Address(addr_spec=parsed)
    except (ValueError, IndexError, HeaderParseError):
        return None
    return parsed
