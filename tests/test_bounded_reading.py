"""Reading as a person reads, within bounds: stray far cells, formula errors, merged cells, limits,
the write-back's leftovers and control characters on the console."""

from __future__ import annotations

import os
import zipfile
from datetime import date

import openpyxl
import pytest

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.errors import SourceError
from huimao_sheets.layout import CLIENTS, STAFF, VISITS
from huimao_sheets.outputs.console import printable
from huimao_sheets.sources import xlsx_scan
from huimao_sheets.sources.xlsx_write import replace_sheet
from sheets_standin import SheetsStandIn
from sheets_standin import key_file, standin  # noqa: F401  (fixtures)
from workbooks import AS_OF, STAFF_ROWS, client, make_workbook, visit

MESSY_CLIENTS = [client(), client(client_id="KH0002", 负责人手机="123"), client(client_id="KH0003", 客户经理=None)]


def all_findings(path):
    _register, result = check(str(path), AS_OF, Settings())
    return [f.to_dict() for f in result.findings]


@pytest.mark.parametrize("cell", ["XFD1048576", "XFD20000", "A1048576", "BZ2"])
def test_a_stray_far_cell_is_named_and_the_data_is_checked_as_usual(tmp_path, cell):
    clean = make_workbook(tmp_path, clients=MESSY_CLIENTS, visits=[visit()], name="clean.xlsx")
    stray = make_workbook(tmp_path, clients=MESSY_CLIENTS, visits=[visit()], name="stray.xlsx")
    wb = openpyxl.load_workbook(stray)
    wb[CLIENTS.title][cell] = "x"
    wb.save(stray)

    found = all_findings(stray)
    strays = [f for f in found if f["code"] == "stray_cell"]
    row = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert strays == [{
        "code": "stray_cell", "severity": "warning", "sheet": "客户档案", "rows": [row], "column": None,
        "client_ids": [], "staff": [], "owner": "陈总", "notify": [],
        "message": f"客户档案的单元格 {cell} 有内容，但离数据很远（隔着至少1000个空行或26个空列），检查时已忽略。请删除该单元格的内容",
        "details": {"cell": cell}}]
    assert [f for f in found if f["code"] != "stray_cell"] == all_findings(clean)


def test_a_value_near_the_data_is_data_not_stray(tmp_path):
    path = make_workbook(tmp_path, clients=[client()] + [None] * 5 + [client(client_id="KH0009", 负责人手机="1")])
    found = all_findings(path)
    assert not [f for f in found if f["code"] == "stray_cell"]
    assert [(f["code"], f["rows"]) for f in found if f["code"] == "invalid_phone"] == [("invalid_phone", [8])]


def test_a_stray_cell_at_the_far_corner_costs_no_memory(tmp_path):
    """The scan never builds a grid: a value at XFD1048576 leaves the block as the data's own."""
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb[CLIENTS.title]["XFD1048576"] = "x"
    wb.save(path)
    from huimao_sheets.sources.xlsx import XlsxSource

    scan = XlsxSource(path).scan([CLIENTS.title])[CLIENTS.title]
    assert (scan.last_row, scan.last_column, scan.stray) == (2, len(CLIENTS.fields), ["XFD1048576"])


def test_limits_stop_the_read_with_a_message_naming_the_sheet_and_the_limit(tmp_path, monkeypatch, run_cli):
    path = make_workbook(tmp_path, clients=[client(client_id=f"KH{i:04d}") for i in range(30)])
    monkeypatch.setattr(xlsx_scan, "MAX_CELLS", 100)
    code, out, err = run_cli("check", "--source", str(path), "--as-of", "2026-11-27")
    assert code == 2
    assert "工作表“客户档案”的数据区有 806 个单元格，超过上限 100 个单元格，没有读取" in out + err


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_part_unpacks_to_its_exact_bytes_a_bounded_piece_at_a_time(tmp_path, method):
    """The scan's own inflater gives what zipfile gives, never more than the piece size at once: a part that
    packs 1000× (as a zip bomb does) arrives in pieces."""
    xml = b"<row>" + b"0" * 3_000_000 + os.urandom(20_000) + b"</row>"
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(path) as archive:
        pieces = list(xlsx_scan.unpack(archive, archive.getinfo("xl/worksheets/sheet1.xml"), 1 << 16))
    assert b"".join(pieces) == xml
    assert max(map(len, pieces)) <= 1 << 16


def test_shared_strings_that_unpack_far_beyond_their_size_are_refused(tmp_path, monkeypatch):
    path = make_workbook(tmp_path, clients=[client(备注="重复" * 30000)])
    monkeypatch.setattr(xlsx_scan, "BOMB_FLOOR", 10_000)
    with pytest.raises(SourceError, match=r"(工作簿 .*register.xlsx 的共享字符串（xl/sharedStrings.xml）|工作表“客户档案”的 XML )解压后有 0 MB，是压缩大小的 \d+ 倍（上限 100 倍）"):
        check(str(path), AS_OF, Settings())


# --- formula errors -----------------------------------------------------------------------------

def test_formula_errors_are_findings_quoting_the_error_never_blanks(tmp_path):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期="#REF!", 客户综合评估="#N/A", 负责人="#DIV/0!")],
                         visits=[visit(拜访日期="#VALUE!"), visit(拜访人="#NAME?")])
    found = all_findings(path)
    errors = [(f["code"], f["sheet"], f["rows"], f["column"], f["message"]) for f in found
              if f["code"] in ("invalid_date", "invalid_value", "missing_required")]
    assert errors == [
        ("invalid_date", "客户档案", [2], "下次跟进日期", "客户档案第2行“下次跟进日期”是公式错误“#REF!”，请修正公式或填入实际内容"),
        ("invalid_date", "拜访记录", [2], "拜访日期", "拜访记录第2行“拜访日期”是公式错误“#VALUE!”，请修正公式或填入实际内容"),
        ("invalid_value", "客户档案", [2], "客户综合评估", "客户档案第2行“客户综合评估”是公式错误“#N/A”，请修正公式或填入实际内容"),
        ("invalid_value", "客户档案", [2], "负责人", "客户档案第2行“负责人”是公式错误“#DIV/0!”，请修正公式或填入实际内容"),
        ("invalid_value", "拜访记录", [3], "拜访人", "拜访记录第3行“拜访人”是公式错误“#NAME?”，请修正公式或填入实际内容"),
    ]


def test_excel_365_errors_the_reader_does_not_know_are_findings_and_the_sheet_is_read(tmp_path):
    """#SPILL! and #CALC! (dynamic-array formulas) stopped the whole read; now they are findings like #REF!."""
    path = make_workbook(tmp_path, clients=[client(客户综合评估="#N/A"), client(客户编号="KH0002", 负责人="#NULL!")],
                         visits=[visit(), visit(拜访人="#NUM!")])
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    for part in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        parts[part] = parts[part].replace(b"#N/A", b"#SPILL!").replace(b"#NULL!", b"#CALC!").replace(b"#NUM!", b"#FIELD!")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    found = all_findings(path)
    assert [(f["code"], f["sheet"], f["rows"], f["column"], f["details"]["value"]) for f in found
            if f["code"] == "invalid_value"] == [
        ("invalid_value", "客户档案", [2], "客户综合评估", "#SPILL!"),
        ("invalid_value", "客户档案", [3], "负责人", "#CALC!"),
        ("invalid_value", "拜访记录", [3], "拜访人", "#FIELD!"),
    ]
    assert [f["rows"] for f in found if f["code"] == "missing_required"] == []


def test_a_row_holding_only_a_formula_error_is_a_record_not_a_separator(tmp_path):
    path = make_workbook(tmp_path, clients=[client(), {"客户经理": "#REF!"}])
    found = all_findings(path)
    assert [(f["code"], f["column"]) for f in found if f["rows"] == [3] and f["code"] == "invalid_value"] == [
        ("invalid_value", "客户经理")]
    assert "客户编号" in [f["column"] for f in found if f["rows"] == [3] and f["code"] == "missing_required"]


def test_a_formula_error_message_in_english(tmp_path):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期="#NUM!")])
    _register, result = check(str(path), AS_OF, Settings(language="en"), only=["invalid_date"])
    assert [f.message for f in result.findings] == [
        "客户档案 row 2: “下次跟进日期” is the formula error “#NUM!”; fix the formula or type the value"]


# --- merged cells -------------------------------------------------------------------------------

def test_a_merged_range_reads_as_its_top_left_value_on_every_row(tmp_path):
    path = make_workbook(tmp_path, clients=[client(), client(client_id="KH0002", 客户经理=None)])
    wb = openpyxl.load_workbook(path)
    wb[CLIENTS.title].merge_cells("G2:G3")   # 客户经理 张伟 on both rows
    wb.save(path)
    register, result = check(str(path), AS_OF, Settings(), only=["missing_required"])
    assert result.findings == []
    assert [c.account_manager for c in register.clients] == ["张伟", "张伟"]


def test_google_merges_come_from_the_one_metadata_request(standin, key_file):  # noqa: F811
    headers = {spec: [f.header for f in spec.fields] for spec in (CLIENTS, VISITS, STAFF)}
    row = list(client().values())
    rows = [headers[CLIENTS], row, [*row[:6], "", *row[7:]]]
    rows[2][0] = "KH0002"
    book = standin.add_spreadsheet("KEY1", {
        CLIENTS.title: rows, VISITS.title: [headers[VISITS], [46000, "KH0001", None, "#REF!", "上门", "问题"]],
        STAFF.title: [headers[STAFF], *[list(s.values()) for s in STAFF_ROWS]]})
    book.sheet(CLIENTS.title).merges.append("G2:G3")
    register, result = check("gsheet:KEY1", AS_OF, Settings(credentials=str(key_file)))
    assert [(c.method, c.path.split("/")[-1]) for c in standin.calls] == [("GET", "KEY1"), ("GET", "values:batchGet")]
    assert standin.calls[0].query["fields"] == ["spreadsheetId,properties(title),sheets(properties,merges)"]
    assert [c.account_manager for c in register.clients] == ["张伟", "张伟"]
    assert not [f for f in result.findings if f.code == "missing_required"]
    assert [(f.code, f.rows, f.column, f.details["value"]) for f in result.findings if f.code == "invalid_value"] == [
        ("invalid_value", [2], "拜访人", "#REF!")]


# --- write-back and console ---------------------------------------------------------------------

def test_a_killed_write_backs_leftover_is_removed_by_the_next_write(tmp_path):
    path = make_workbook(tmp_path)
    leftover = tmp_path / ".~huimao-abc123de.xlsx"
    leftover.write_bytes(b"half a workbook")
    os.utime(leftover, (path.stat().st_mtime - 3600, path.stat().st_mtime - 3600))  # ten minutes older than the write
    other = tmp_path / ".~lock.other.xlsx#"
    other.write_bytes(b"")
    replace_sheet(path, "数据检查", [["问题"]])
    assert not leftover.exists()
    assert other.exists() and sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".~")) == [other.name]
    assert openpyxl.load_workbook(path)["数据检查"]["A1"].value == "问题"


def test_console_text_loses_terminal_escape_sequences():
    assert printable("张伟\x1b[2J\x1b]0;owned\x07\x9b31m") == "张伟[2J]0;owned31m"
    assert printable("第一行\n第二行\t备注") == "第一行\n第二行\t备注"
