"""Cells as staff really leave them read as a person reads them, whatever the reader makes of their type.

fastexcel gives every cell of an ``.xlsx`` as text (``sources.columns``); where its text is not what a person
sees in the cell, the reader puts it right. Each workbook here is made with openpyxl and holds the cells as
Excel stores them: a time typed into a date column, a number in a date-formatted cell, a boolean, a fraction
of a second, a workbook that counts days from 1904.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.layout import CLIENTS, VISITS
from huimao_sheets.normalize import Unreadable
from workbooks import AS_OF, client, make_workbook, visit

NOTES = [f.header for f in CLIENTS.fields].index("备注") + 1
FOLLOWUP = [f.header for f in CLIENTS.fields].index("下次跟进日期") + 1
MOBILE = [f.header for f in CLIENTS.fields].index("负责人手机") + 1
RATING = [f.header for f in CLIENTS.fields].index("客户综合评估") + 1
VISIT_DATE = 1


def with_cells(path: Path, sheet: str, cells: dict[tuple[int, int], tuple[object, str | None]],
               date1904: bool = False) -> Path:
    """``path`` with each (row, column) set to (value, number format or None), as Excel would store it."""
    wb = openpyxl.load_workbook(path)
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb[sheet]
    for (row, column), (value, number_format) in cells.items():
        ws.cell(row, column).value = value
        if number_format:
            ws.cell(row, column).number_format = number_format
    wb.save(path)
    return path


def clients_with(tmp_path: Path, column: int, values: list[tuple[object, str | None]], date1904: bool = False):
    """The clients read from a workbook whose ``column`` holds ``values``, one client a row from row 2."""
    path = make_workbook(tmp_path, clients=[client(客户编号=f"KH{i:04d}", 客户名称=f"公司{i}")
                                            for i in range(1, len(values) + 1)])
    with_cells(path, CLIENTS.title, {(row, column): v for row, v in enumerate(values, start=2)}, date1904)
    register, result = check(str(path), AS_OF, Settings())
    return register.clients, result.findings


def test_a_time_alone_in_a_date_column_is_unreadable_and_quoted_as_the_time(tmp_path):
    # 10:30 typed into 拜访日期; a 0 or a negative number in a date-formatted cell (a formula's result):
    # fastexcel dates them 1899-12-31 or before; they are not dates but times.
    path = make_workbook(tmp_path, visits=[visit(), visit(), visit(), visit()])
    with_cells(path, VISITS.title, {(2, VISIT_DATE): (time(10, 30), "hh:mm"), (3, VISIT_DATE): (0.4375, "yyyy-mm-dd"),
                                    (4, VISIT_DATE): (0, "yyyy-mm-dd"), (5, VISIT_DATE): (-1, "yyyy-mm-dd")})
    register, result = check(str(path), AS_OF, Settings())
    assert [v.visit_date for v in register.visits] == [
        Unreadable("10:30:00"), Unreadable("10:30:00"), Unreadable("00:00:00"), Unreadable("00:00:00")]
    invalid = [(f.rows, f.message) for f in result.findings if f.code == "invalid_date"]
    assert invalid[0] == ([2], "拜访记录第2行“拜访日期”无法识别为日期：“10:30:00”（日期请写成“年-月-日”，例如 2026-11-03）")
    assert [rows for rows, _ in invalid] == [[2], [3], [4], [5]]


def test_a_time_alone_in_a_text_column_reads_as_the_time(tmp_path):
    clients, _ = clients_with(tmp_path, NOTES, [(time(10, 30), "hh:mm"), (time(23, 59, 59, 136000), "hh:mm:ss")])
    assert [c.notes for c in clients] == ["10:30:00", "23:59:59.136000"]


def test_a_number_beyond_any_date_in_a_date_formatted_cell_reads_as_the_number(tmp_path):
    # 20261103 typed into a date-formatted 下次跟进日期 (Excel shows ####): the compact date it spells.
    # A mobile in a date-formatted cell is beyond what the reader can date at all: it reads it as blank
    # and says so; the number is put back.
    clients, findings = clients_with(tmp_path, FOLLOWUP, [(20261103, "yyyy-mm-dd"), (2958466, "yyyy-mm-dd"),
                                                          (13800138000, "yyyy-mm-dd")])
    assert [c.next_followup for c in clients] == [date(2026, 11, 3), Unreadable("2958466"), Unreadable("13800138000")]
    assert [(f.rows, f.details["value"]) for f in findings if f.code == "invalid_date"] == [
        ([3], "2958466"), ([4], "13800138000")]


def test_a_mobile_in_a_date_formatted_cell_is_not_lost(tmp_path):
    clients, findings = clients_with(tmp_path, MOBILE, [(13800138000, "yyyy-mm-dd"), (13800138001, "m月d日")])
    assert [c.contact_mobile for c in clients] == ["13800138000", "13800138001"]
    assert [f for f in findings if f.code in ("missing_required", "invalid_phone")] == []


def test_boolean_cells_read_as_excel_shows_them(tmp_path):
    clients, findings = clients_with(tmp_path, RATING, [(True, None), (False, None), (0, None)])
    assert [c.rating for c in clients] == [Unreadable("TRUE"), Unreadable("FALSE"), Unreadable("0")]
    assert [(f.rows, f.details["value"]) for f in findings if f.code == "invalid_value"] == [
        ([2], "TRUE"), ([3], "FALSE"), ([4], "0")]


def test_a_boolean_and_the_same_word_typed_as_text_stay_apart(tmp_path):
    # fastexcel gives both as "true": the boolean reads as Excel shows it, the typed text as typed
    clients, findings = clients_with(tmp_path, RATING, [(True, None), ("true", None), ("false", None), (False, None)])
    assert [c.rating for c in clients] == [Unreadable("TRUE"), Unreadable("true"), Unreadable("false"),
                                           Unreadable("FALSE")]
    assert [(f.rows, f.details["value"]) for f in findings if f.code == "invalid_value"] == [
        ([2], "TRUE"), ([3], "true"), ([4], "false"), ([5], "FALSE")]


def test_a_boolean_and_a_zero_in_one_column_stay_apart(tmp_path):
    # FALSE == 0 in Python: a cache keyed by the cell's value alone would read the 0 as FALSE
    clients, _ = clients_with(tmp_path, NOTES, [(False, None), (0, None), (True, None), (1, None)])
    assert [c.notes for c in clients] == ["FALSE", "0", "TRUE", "1"]


def test_a_fraction_of_a_second_is_written_with_six_digits(tmp_path):
    clients, _ = clients_with(tmp_path, NOTES, [(datetime(2026, 11, 3, 10, 30, 15, 500000), "yyyy-mm-dd hh:mm:ss"),
                                                (datetime(2026, 11, 3, 10, 30), "yyyy-mm-dd hh:mm"),
                                                (datetime(2026, 11, 3), "yyyy-mm-dd")])
    assert [c.notes for c in clients] == ["2026-11-03 10:30:15.500000", "2026-11-03 10:30:00", "2026-11-03"]


def test_a_workbook_counting_days_from_1904_reads_dates_times_and_numbers_as_one_from_1900(tmp_path):
    clients, _ = clients_with(tmp_path, FOLLOWUP, [(date(2026, 11, 3), "yyyy-mm-dd"), (time(10, 30), "hh:mm"),
                                                   (0, "yyyy-mm-dd"), (20261103, "yyyy-mm-dd"),
                                                   (datetime(1904, 1, 2, 10, 30), "yyyy-mm-dd hh:mm")],
                              date1904=True)
    assert [c.next_followup for c in clients] == [date(2026, 11, 3), Unreadable("10:30:00"), Unreadable("00:00:00"),
                                                  date(2026, 11, 3), date(1904, 1, 2)]
