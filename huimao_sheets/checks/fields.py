"""Cell-level checks: one finding per row × column.

``missing_required``  a required cell is blank (also 无, -, N/A, a full-width space)
``invalid_phone``     a 负责人手机 that is not a valid mainland mobile
``invalid_date``      a date cell that no supported form reads
``invalid_value``     a value outside its list (rating, likelihood, stage, visit type, role)
``future_date``       a visit dated after the as-of date (a warning: usually a mistyped year)
``stray_cell``        a value far from the data (XFD1048576), which the reader left out: delete it

A formula error (``#REF!``, ``#N/A``…) is never a blank: in a date column it is ``invalid_date``, in any other
column ``invalid_value``, its message (``FORMULA_ERROR``) quoting the error.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Iterator

from huimao_sheets import layout
from huimao_sheets.checks.common import client_ids, department_manager, header, record_owner
from huimao_sheets.checks.spec import Check
from huimao_sheets.config import Settings
from huimao_sheets.findings import ERROR, WARNING, Finding
from huimao_sheets.layout import SHEETS, Field, SheetSpec
from huimao_sheets.model import Client, Register
from huimao_sheets.normalize import date_hint
from huimao_sheets.sources.xlsx_scan import COLUMN_GAP, ROW_GAP


def _records(register: Register) -> Iterator[tuple[SheetSpec, list]]:
    for spec in SHEETS:
        yield spec, getattr(register, spec.key)


def _row_clients(record) -> list[str]:
    if isinstance(record, Client):
        return client_ids(record)
    client = getattr(record, "client", None)
    if client is not None:
        return client_ids(client)
    given = getattr(record, "client_id", None)
    return [given] if given else []


def _row_staff(spec: SheetSpec, record) -> list[str]:
    person = {"clients": "account_manager", "visits": "visitor", "plans": "visitor", "staff": "name"}[spec.key]
    value = getattr(record, person, None)
    return [value] if value else []


def _cell_finding(check: Check, register: Register, settings: Settings, spec: SheetSpec, record, f: Field,
                  template: dict[str, str] | None = None, **params) -> Finding:
    """The finding on ``record``'s cell of ``f``; its message is the check's, or ``template``'s."""
    column = header(spec, f.key, settings)
    sheet = register.sheet_titles[spec.key]
    return Finding(
        code=check.code, sheet=sheet, rows=[record.row], column=column,
        client_ids=_row_clients(record), staff=_row_staff(spec, record),
        owner=record_owner(register, spec.key, record),
        message=(template[settings.language].format if template else partial(check.text, settings.language))(
            sheet=sheet, row=record.row, column=column, column_en=f.english, **params),
        details={k: v for k, v in params.items() if k in ("value", "choices")},
    )


def missing_required(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    findings = []
    for spec, records in _records(register):
        present = register.columns.get(spec.key, set())
        required = [f for f in spec.fields if f.required and f.key in present]
        # A visit or plan names its client by 客户编号 or 客户名称: one of the two is required.
        either = spec.key in ("visits", "plans")
        missing_client_field = spec.field("client_name") if "client_name" in present else (
            spec.field("client_id") if either else None)
        # The register noted each column's blank cells while reading: no need to visit every record.
        for f in required:
            findings += [_cell_finding(MISSING_REQUIRED, register, settings, spec, record, f)
                         for record in register.empty_cells.get((spec.key, f.key), ())]
        if either:
            no_id = register.empty_cells.get((spec.key, "client_id"), []) if "client_id" in present else records
            findings += [_cell_finding(MISSING_REQUIRED, register, settings, spec, record, missing_client_field)
                         for record in no_id if record.client_name is None]
    return findings


def _unreadable(register: Register, settings: Settings, check: Check, kinds: tuple[str, ...]) -> list[Finding]:
    findings = []
    for spec, records in _records(register):
        fields = [f for f in spec.fields if f.kind in kinds and f.key in register.columns.get(spec.key, set())]
        if not fields:
            continue
        separator = "、" if settings.language == "zh" else ", "
        for f in fields:
            extra = {"choices": separator.join(f.choices)} if f.choices else {}
            for record in register.unreadable_cells.get((spec.key, f.key), ()):
                value = getattr(record, f.key).raw
                if check.code == "invalid_date":  # the day the month lacks, or the form to write
                    extra = {"hint": date_hint(value, settings.language)}
                findings.append(_cell_finding(check, register, settings, spec, record, f, value=value, **extra))
    return findings


# The message of invalid_date/invalid_value on a cell that holds a formula error.
FORMULA_ERROR = {
    "zh": "{sheet}第{row}行“{column}”是公式错误“{value}”，请修正公式或填入实际内容",
    "en": "{sheet} row {row}: “{column}” is the formula error “{value}”; fix the formula or type the value",
}


def _formula_errors(register: Register, settings: Settings, check: Check, dates: bool) -> list[Finding]:
    """Formula errors in date columns (``dates``) or in every other column, each quoted in its message."""
    findings = []
    for spec in SHEETS:
        for f in spec.fields:
            if (f.kind == layout.DATE) == dates:
                findings += [_cell_finding(check, register, settings, spec, record, f, FORMULA_ERROR, value=error.raw)
                             for record, error in register.formula_errors.get((spec.key, f.key), ())]
    return findings


def invalid_phone(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    return _unreadable(register, settings, INVALID_PHONE, (layout.MOBILE,))


def invalid_date(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    return (_unreadable(register, settings, INVALID_DATE, (layout.DATE,))
            + _formula_errors(register, settings, INVALID_DATE, dates=True))


def invalid_value(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    return (_unreadable(register, settings, INVALID_VALUE, (layout.CHOICE,))
            + _formula_errors(register, settings, INVALID_VALUE, dates=False))


def stray_cell(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    """A value far from the data, which the reader left out so as never to read the empty grid between."""
    findings = []
    owner = department_manager(register, None)
    for spec in SHEETS:
        sheet = register.sheet_titles.get(spec.key, spec.title)
        for cell in register.stray_cells.get(spec.key, ()):
            row = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            findings.append(Finding(
                code=STRAY_CELL.code, sheet=sheet, rows=[row], column=None, owner=owner,
                message=STRAY_CELL.text(settings.language, sheet=sheet, cell=cell, rows=ROW_GAP, columns=COLUMN_GAP),
                details={"cell": cell}))
    return findings


def future_date(register: Register, as_of: date, settings: Settings) -> list[Finding]:
    """A visit dated after the as-of date: the date reads, but the visit cannot have happened yet."""
    limit = as_of + timedelta(days=settings.checks.future_date_grace_days)
    spec = layout.VISITS
    f = spec.field("visit_date")
    return [
        _cell_finding(FUTURE_DATE, register, settings, spec, v, f, value=v.visit_date.isoformat(),
                      as_of=as_of.isoformat())
        for v in register.visits
        if isinstance(v.visit_date, date) and v.visit_date > limit
    ]


MISSING_REQUIRED = Check(
    code="missing_required", severity=ERROR, function=missing_required,
    hygiene=True,
    label={"zh": "必填项为空", "en": "Required cell blank"},
    message={
        "zh": "{sheet}第{row}行缺少“{column}”",
        "en": "{sheet} row {row}: “{column}” ({column_en}) is missing",
    },
)


INVALID_PHONE = Check(
    code="invalid_phone", severity=ERROR, function=invalid_phone,
    hygiene=True,
    label={"zh": "手机号无效", "en": "Invalid mobile"},
    message={
        "zh": "{sheet}第{row}行“{column}”不是有效的大陆手机号码：“{value}”",
        "en": "{sheet} row {row}: “{column}” is not a valid mainland mobile number: “{value}”",
    },
)


INVALID_DATE = Check(
    code="invalid_date", severity=ERROR, function=invalid_date,
    hygiene=True,
    label={"zh": "日期无法识别", "en": "Unreadable date"},
    message={
        "zh": "{sheet}第{row}行“{column}”无法识别为日期：“{value}”{hint}",
        "en": "{sheet} row {row}: “{column}” is not a date: “{value}”{hint}",
    },
)


INVALID_VALUE = Check(
    code="invalid_value", severity=ERROR, function=invalid_value,
    hygiene=True,
    label={"zh": "取值不在范围内", "en": "Value not in list"},
    message={
        "zh": "{sheet}第{row}行“{column}”的值“{value}”不在可选范围内（{choices}）",
        "en": "{sheet} row {row}: “{column}” value “{value}” is not one of {choices}",
    },
)


FUTURE_DATE = Check(
    code="future_date", severity=WARNING, function=future_date,
    hygiene=True,
    label={"zh": "日期晚于今天", "en": "Date in the future"},
    message={
        "zh": "{sheet}第{row}行“{column}”为{value}，晚于检查日期{as_of}，年份是否写错？",
        "en": "{sheet} row {row}: “{column}” is {value}, after the as-of date {as_of}; is the year mistyped?",
    },
)


STRAY_CELL = Check(
    code="stray_cell", severity=WARNING, function=stray_cell,
    label={"zh": "远离数据的单元格", "en": "Stray cell"},
    message={
        "zh": "{sheet}的单元格 {cell} 有内容，但离数据很远（隔着至少{rows}个空行或{columns}个空列），检查时已忽略。请删除该单元格的内容",
        "en": "{sheet} cell {cell} holds a value far from the data (past {rows} empty rows or {columns} empty columns); "
              "it was ignored: delete it",
    },
    hygiene=True,   # a cell to clear, grouped with the other cells to correct
)
