"""A large worksheet is read in parts, and reads exactly as if read whole; cells read as a person reads them.

The xlsx source splits a worksheet whose XML is larger than ``PART_BYTES`` into parts of whole rows, so that
the reader never holds a whole large sheet (``sources.xlsx``, ``xlsx_scan.copy_sheet``). Here the limit is
made tiny so that a small workbook is split into many parts, with a merged range, formula errors and blank
rows across the cuts.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path

import openpyxl

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.layout import CLIENTS, VISITS
from huimao_sheets.sources import xlsx
from workbooks import AS_OF, client, make_workbook, visit


def messy_workbook(tmp_path: Path) -> Path:
    clients = [client(client_id=f"KH{i:04d}", 客户名称=f"福州鼎盛{i}贸易有限公司", 负责人手机="123" if i % 7 == 0 else "13800138000",
                      客户综合评估="#REF!" if i % 11 == 0 else "B", 下次跟进日期=date(2026, 11, 1 + i % 20))
               for i in range(1, 120)]
    clients[40:40] = [None, None, None]   # blank separator rows
    for at in range(80, 100, 3):          # rows holding only a formula error, some of them beginning a part
        clients.insert(at, {"客户经理": "#REF!"})
    visits = [visit(客户编号=f"KH{i % 119 + 1:04d}", 拜访日期=date(2026, 11, 1 + i % 25) if i % 3 else "2026/11/5",
                    拜访人="李娜" if i % 5 else "张伟") for i in range(300)]
    path = make_workbook(tmp_path, clients=clients, visits=visits)
    wb = openpyxl.load_workbook(path)
    wb[CLIENTS.title].merge_cells("G60:G75")   # 客户经理 over rows that several parts hold (openpyxl blanks G61:G75)
    wb.save(path)
    return path


def everything(path: Path) -> tuple[list, list]:
    register, result = check(str(path), AS_OF, Settings())
    return ([(c.row, c.client_id, c.account_manager, c.rating, c.next_followup) for c in register.clients],
            [f.to_dict() for f in result.findings])


def test_a_sheet_read_in_parts_reads_as_the_whole_sheet(tmp_path, monkeypatch):
    path = messy_workbook(tmp_path)
    whole = everything(path)
    monkeypatch.setattr(xlsx, "PART_BYTES", 2000)
    with tempfile.TemporaryDirectory() as folder:
        source = xlsx.XlsxSource(path)
        titles = [CLIENTS.title, VISITS.title]
        _copy, parts = source._read_copy(source.scan(titles), Path(folder) / "copy.xlsx")
    assert len(parts[CLIENTS.title]) > 5 and len(parts[VISITS.title]) > 5
    assert [first for _, first in parts[CLIENTS.title]][:2] == [1, parts[CLIENTS.title][1][1]]
    assert everything(path) == whole
    clients, found = whole
    assert [manager for row, _, manager, _, _ in clients if 60 <= row <= 75] == ["张伟"] * 16
    assert [f["rows"] for f in found if f["code"] == "invalid_value" and f["column"] == "客户综合评估"][:2] == [[12], [23]]
    assert [f["rows"][0] for f in found if f["code"] == "invalid_value" and f["column"] == "客户经理"] == list(
        range(82, 102, 3))


def test_cells_read_as_a_person_reads_them(tmp_path):
    """A date cell is its date wherever it stands, a number cell is the number as shown (no ``.0``)."""
    path = make_workbook(tmp_path, clients=[
        client(负责人手机=13800138000, 下次跟进日期=datetime(2026, 12, 1)),
        client(client_id="KH0002", 负责人手机=date(2026, 11, 3), 下次跟进日期=46000),
        client(client_id="KH0003", 负责人手机=1.5, 下次跟进日期="2026年12月3日")])
    register, result = check(str(path), AS_OF, Settings(), only=["invalid_phone"])
    assert [(c.contact_mobile, c.next_followup) for c in register.clients][0] == ("13800138000", date(2026, 12, 1))
    assert [c.next_followup for c in register.clients][1:] == [date(2025, 12, 9), date(2026, 12, 3)]
    assert [(f.rows, f.details["value"]) for f in result.findings] == [([3], "2026-11-03"), ([4], "1.5")]
