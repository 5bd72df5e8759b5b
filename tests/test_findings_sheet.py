"""The findings worksheet 数据检查: its rows, sorted by owner, each linking to the cell it is about, and
replacing it — in a Google Sheet in one batchUpdate of typed values (no user text runs as a formula) without
touching a worksheet that staff edit, in an xlsx without losing anything else in the workbook, and never
while Excel/WPS has the workbook open."""

from __future__ import annotations

import copy
import os
import stat
import zipfile
from datetime import date

import openpyxl
import pytest
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError, SourceError
from huimao_sheets.findings import CheckResult, Finding
from huimao_sheets.findings_sheet import cell_locator, findings_rows, replace_findings_sheet
from huimao_sheets.ledger import finding_fingerprint
from huimao_sheets.sources.gsheets import GoogleSheetSource
from huimao_sheets.sources.xlsx import XlsxSource
from sheets_standin import Formula, key_file, standin  # noqa: F401  (fixtures)
from workbooks import STAFF_ROWS, client, make_workbook, visit

KEY = "1FindingsSheetKey_0123456789abcdefghijklmnop"
AS_OF = date(2026, 11, 27)
FORMULA = '=IMPORTXML("http://x","//a")'


@pytest.fixture(autouse=True)
def scratch_folder(tmp_path_factory, monkeypatch):
    """Writing the findings sheet records first-seen dates in the state folder (``./.huimao`` unless told
    otherwise): run each test in a folder of its own, not in the repository."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def result_of(*findings: Finding) -> CheckResult:
    return CheckResult(as_of=AS_OF, source="test", findings=list(findings))


MISSING = Finding(code="missing_required", severity="error", sheet="客户档案", rows=[17], column="负责人手机", owner="张伟",
                  client_ids=["KH0012"], staff=["张伟"], message="客户档案第17行缺少“负责人手机”")
DUPLICATE = Finding(code="duplicate_row", severity="error", sheet="拜访记录", rows=[9, 4], column=None, owner="李娜",
                    client_ids=["KH0003"], staff=["李娜"], message="拜访记录第4、9行是同一条记录，重复录入了2次，请删除多余的行")


def test_each_finding_is_one_row_of_code_severity_owner_sheet_row_column_cell_client_message_first_seen():
    assert findings_rows(result_of(MISSING, DUPLICATE)) == [
        ["问题代码", "级别", "处理人", "工作表", "行", "列", "单元格", "客户", "说明", "首次发现"],
        ["missing_required", "错误", "张伟", "客户档案", 17, "负责人手机", "A17", "KH0012", "客户档案第17行缺少“负责人手机”", AS_OF],
        ["duplicate_row", "错误", "李娜", "拜访记录", "4、9", "", "A4", "KH0003", DUPLICATE.message, AS_OF],
    ]
    assert findings_rows(result_of(DUPLICATE), "en")[0] == [
        "code", "severity", "owner", "sheet", "row", "column", "cell", "client", "message", "first seen"]
    assert findings_rows(result_of(DUPLICATE), "en")[1][1:5] == ["error", "李娜", "拜访记录", "4, 9"]


def test_first_seen_dates_come_from_the_mapping_and_default_to_the_as_of_date():
    first_seen = {finding_fingerprint(MISSING): date(2026, 11, 2)}
    rows = findings_rows(result_of(MISSING, DUPLICATE), first_seen=first_seen)
    assert [row[9] for row in rows[1:]] == [date(2026, 11, 2), AS_OF]


def test_check_write_findings_keeps_the_first_seen_dates_the_ledger_already_holds(tmp_path):
    from huimao_sheets.ledger import Ledger

    path = make_workbook(tmp_path, clients=[client(负责人手机=None)])
    settings = Settings(state_dir=str(tmp_path / "state"))
    _register, earlier = check(str(path), date(2026, 11, 2), settings)
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        ledger.observe(earlier.findings, date(2026, 11, 2))
    check(str(path), AS_OF, settings, write_findings=True)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("数据检查").to_python()
    assert [(row[0], row[9]) for row in rows[1:]] == [("missing_required", "2026-11-02")]


def test_check_write_findings_by_hand_keeps_first_seen_dates_from_one_day_to_the_next(tmp_path, run_cli):
    path = make_workbook(tmp_path, clients=[client(负责人手机=None)])
    for day in ("2026-11-26", "2026-11-27"):                  # a daily run by hand, no scheduler
        code, _, err = run_cli("check", "--source", str(path), "--as-of", day, "--write-findings")
        assert code == 1, err                                  # the blank mobile is an error
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("数据检查").to_python()
    assert [(row[0], row[9]) for row in rows[1:]] == [("missing_required", "2026-11-26")]


def test_a_check_by_hand_closes_every_fixed_finding_missing_email_included(tmp_path):
    from huimao_sheets.ledger import Ledger, finding_fingerprint

    settings = Settings(state_dir=str(tmp_path / "state"))
    no_email = Finding(code="missing_email", sheet="员工", rows=[8], column="邮箱", owner="赵经理", staff=["刘洋"],
                       message="员工第8行“刘洋”没有有效邮箱，收不到周报")
    with Ledger.in_state_dir(settings.state_dir) as ledger:   # a job saw both on 11-20
        ledger.observe([MISSING, no_email], date(2026, 11, 20))
    path = make_workbook(tmp_path, clients=[client()])        # mobile and address filled in since
    check(str(path), AS_OF, settings, write_findings=True)
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        assert ledger.first_seen([finding_fingerprint(MISSING), finding_fingerprint(no_email)]) == {}


# --- Google -----------------------------------------------------------------------------------------

@pytest.fixture
def settings(key_file) -> Settings:
    return Settings(credentials=str(key_file))


def google_register(clients: list[dict], visits: list[dict] = ()) -> dict[str, list[list]]:
    """The same rows as tests/workbooks.py builds into an xlsx, as worksheets of the stand-in."""
    def sheet(rows: list[dict], headers: list[str]) -> list[list]:
        return [headers, *([row.get(h) for h in headers] for row in rows)]

    return {"客户档案": sheet(clients, list(client())), "拜访记录": sheet(list(visits), list(visit())),
            "员工": sheet(STAFF_ROWS, list(STAFF_ROWS[0])), "拜访计划": [["计划日期", "客户编号", "客户名称", "拜访人", "目的"]]}


def messy_clients() -> list[dict]:
    return [client(client_id="KH0001", 负责人手机=None),
            client(client_id="KH0002", 客户名称=FORMULA, 客户综合评估="A", 下次跟进日期=date(2026, 11, 1)),
            client(client_id="KH0003", 客户经理=FORMULA, 合作可能评估="很高")]


def written_values(sheet) -> list[list]:
    """The stand-in sheet's cells as a reader sees them: a link formula shows its label."""
    return [[v.value if isinstance(v, Formula) else v for v in row] for row in sheet.values()]


def test_check_write_findings_reads_twice_writes_once_typed_values_and_touches_only_its_own_sheet(standin, settings):
    book = standin.add_spreadsheet(KEY, google_register(messy_clients(), [visit()]))
    staff_sheets = copy.deepcopy({s.title: s.cells for s in book.sheets})
    register, result = check(f"gsheet:{KEY}", AS_OF, settings, write_findings=True)

    assert [c.method for c in standin.reads()] == ["GET", "GET"]
    write, = standin.writes()
    assert write.path == f"/v4/spreadsheets/{KEY}:batchUpdate"
    add, cells = write.body["requests"]
    sheet_id = 1                                   # the smallest id no worksheet has (客户档案 is 0)
    assert sheet_id not in {s.sheet_id for s in book.sheets}
    height = len(result.findings) + 1
    assert add == {"addSheet": {"properties": {"sheetId": sheet_id, "title": "数据检查", "gridProperties": {
        "rowCount": height, "columnCount": 10, "frozenRowCount": 1}}}}
    assert cells["updateCells"]["range"] == {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": height,
                                             "startColumnIndex": 0, "endColumnIndex": 10}
    assert cells["updateCells"]["fields"] == "userEnteredValue"

    book = standin.spreadsheets[KEY]
    assert {s.title: s.cells for s in book.sheets if s.title != "数据检查"} == staff_sheets
    written = written_values(book.sheet("数据检查"))
    expected = [[v.isoformat() if isinstance(v, date) else v for v in row]
                for row in findings_rows(result, locate=cell_locator(register, settings))]
    assert written == expected
    unknown = [row for row in written if row[0] == "unknown_staff"]
    assert len(unknown) == 1 and f"“{FORMULA}”不在员工表中" in unknown[0][8], \
        "a staff name that looks like a formula is stored as that very text (it names nobody on 员工)"
    values = [c.get("userEnteredValue", {}) for row in cells["updateCells"]["rows"] for c in row["values"]]
    assert {kind for v in values for kind in v} == {"stringValue", "numberValue", "formulaValue"}
    assert {v["formulaValue"].split("(")[0] for v in values if "formulaValue" in v} == {"=HYPERLINK"}, \
        "the only formulas are the links"
    assert any(FORMULA in row[8] for row in written), "and a client name inside a message is text too"


def test_the_next_run_overwrites_every_old_row_in_one_request(standin, settings):
    standin.add_spreadsheet(KEY, google_register(messy_clients()))
    check(f"gsheet:{KEY}", AS_OF, settings, write_findings=True)
    sheet = standin.spreadsheets[KEY].sheet("数据检查")
    old_grid = (sheet.rows, sheet.columns)
    assert len(sheet.values()) == old_grid[0] > 3
    standin.spreadsheets[KEY].sheet("客户档案").set_values(  # staff fixed all but one problem
        google_register([client(client_id="KH0001", 负责人手机=None)])["客户档案"])
    standin.calls.clear()

    _register, result = check(f"gsheet:{KEY}", AS_OF, settings, write_findings=True)
    sheet = standin.spreadsheets[KEY].sheet("数据检查")
    assert [row[0] for row in sheet.values()] == ["问题代码", "missing_required"]
    write, = standin.writes()
    cells, = write.body["requests"]
    assert cells["updateCells"]["range"] == {"sheetId": sheet.sheet_id, "startRowIndex": 0, "endRowIndex": old_grid[0],
                                             "startColumnIndex": 0, "endColumnIndex": old_grid[1]}
    assert len(cells["updateCells"]["rows"]) == 2, "the old rows are cleared by the same request's range"


def test_a_grid_too_small_for_the_findings_grows_first(standin, settings):
    standin.add_spreadsheet(KEY, {**google_register(messy_clients()), "数据检查": [["old"]]}, rows=2, columns=3)
    _register, result = check(f"gsheet:{KEY}", AS_OF, settings, write_findings=True)
    write, = standin.writes()
    sheet = standin.spreadsheets[KEY].sheet("数据检查")
    grow, cells = write.body["requests"]
    assert grow == {"updateSheetProperties": {
        "properties": {"sheetId": sheet.sheet_id, "gridProperties": {"rowCount": len(result.findings) + 1, "columnCount": 10}},
        "fields": "gridProperties.rowCount,gridProperties.columnCount"}}
    assert list(cells) == ["updateCells"], "grown, then written, in one batchUpdate"
    assert len(sheet.values()) == len(result.findings) + 1


def test_writing_on_a_fresh_connection_costs_two_requests(standin, settings):
    standin.add_spreadsheet(KEY, {"客户档案": [["客户编号"]]})
    source = GoogleSheetSource.open(f"gsheet:{KEY}", settings.credentials, write=True)
    source.replace_sheet("数据检查", findings_rows(result_of(MISSING)))
    assert [c.method for c in standin.calls] == ["GET", "POST"], "the metadata, then one batchUpdate"
    standin.calls.clear()
    GoogleSheetSource.open(f"gsheet:{KEY}", settings.credentials, write=True).replace_sheet(
        "数据检查", findings_rows(result_of(DUPLICATE)))
    assert [c.method for c in standin.calls] == ["GET", "POST"]


def test_the_command_line_writes_the_findings_and_still_prints_them(standin, settings, monkeypatch, capsys):
    import json
    import sys

    from huimao_sheets import cli

    standin.add_spreadsheet(KEY, google_register(messy_clients()))
    monkeypatch.setattr(sys, "argv", ["huimao-sheets", "check", "--source", f"gsheet:{KEY}", "--as-of", "2026-11-27",
                                      "--credentials", settings.credentials, "--format", "json", "--write-findings"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    doc = json.loads(capsys.readouterr().out)
    assert done.value.code == 1
    assert len(standin.spreadsheets[KEY].sheet("数据检查").values()) == len(doc["findings"]) + 1
    assert len(standin.reads()) == 2 and len(standin.writes()) == 1


def test_write_findings_refuses_only_and_a_findings_title_that_names_a_staff_sheet(standin, settings, tmp_path):
    path = make_workbook(tmp_path)
    with pytest.raises(ConfigError, match="不能与 --only 同时使用"):
        check(str(path), AS_OF, settings, ["missing_required"], write_findings=True)
    clash = Settings(sheets={"findings": "员工"})
    with pytest.raises(ConfigError, match="数据检查表的名称“员工”与员工编辑的工作表“员工”相同"):
        check(str(path), AS_OF, clash, write_findings=True)


# --- xlsx --------------------------------------------------------------------------------------------

def all_cells(path) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


PACKAGE_INDEX = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}


def test_the_xlsx_write_adds_the_findings_sheet_and_keeps_every_other_part_byte_for_byte(tmp_path):
    path = make_workbook(tmp_path, clients=messy_clients())
    wb = openpyxl.load_workbook(path)
    for cell in (c for row in wb["客户档案"].iter_rows() for c in row if c.value == FORMULA):
        cell.data_type = "s"  # typed as text, as Excel stores '=IMPORTXML…
    wb["客户档案"]["A1"].font = Font(bold=True)
    notes = wb.create_sheet("微信群")
    notes.append(["备注", FORMULA, date(2026, 11, 3), 13800138000, "=SUM(1,2)"])
    notes["B1"].data_type = "s"
    notes.merge_cells("A3:B3")
    wb.save(path)
    path.chmod(0o640)
    before, cells_before = parts(path), all_cells(path)

    register, result = check(str(path), AS_OF, Settings(), write_findings=True)

    after = parts(path)
    new = set(after) - set(before)
    assert new == {"xl/worksheets/sheet6.xml"}
    assert {n: d for n, d in after.items() if n not in PACKAGE_INDEX | new} == \
           {n: d for n, d in before.items() if n not in PACKAGE_INDEX}, "staff sheets, styles, formulas: untouched"
    cells = all_cells(path)
    assert list(cells) == [*cells_before, "数据检查"]
    assert {k: v for k, v in cells.items() if k != "数据检查"} == cells_before
    expected = [[float(v) if isinstance(v, int) else v.isoformat() if isinstance(v, date) else v for v in row]
                for row in findings_rows(result, locate=cell_locator(register, Settings()))]
    assert cells["数据检查"] == expected
    assert any(row[0] == "unknown_staff" and FORMULA in row[8] for row in cells["数据检查"])
    assert b"<f>" not in after["xl/worksheets/sheet6.xml"], "every findings cell is a value, none a formula"
    wb = openpyxl.load_workbook(path)  # and openpyxl (like Excel) reads the package
    assert wb["数据检查"].freeze_panes == "A2"
    assert [c.data_type for c in wb["数据检查"]["I"] if FORMULA in str(c.value)] == ["s", "s"]
    assert wb["微信群"]["E1"].value == "=SUM(1,2)"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx"], "no temporary file left"


def test_the_xlsx_write_replaces_an_old_findings_sheet_in_its_place(tmp_path):
    path = make_workbook(tmp_path, clients=[client(负责人手机=None)])
    wb = openpyxl.load_workbook(path)
    old = wb.create_sheet("数据检查", 1)
    for _ in range(50):
        old.append(["stale", "row"])
    wb.save(path)
    check(str(path), AS_OF, Settings(), write_findings=True)
    after = all_cells(path)
    assert list(after)[1] == "数据检查"
    assert [row[0] for row in after["数据检查"]] == ["问题代码", "missing_required"]
    assert len(after["数据检查"]) == 2, "no stale row left"


@pytest.mark.parametrize("lock", ["~$register.xlsx", ".~lock.register.xlsx#"])
def test_the_xlsx_write_refuses_while_the_workbook_is_open_in_excel_wps_or_libreoffice(tmp_path, lock):
    path = make_workbook(tmp_path, clients=[client(负责人手机=None)])
    (tmp_path / lock).write_bytes(b"owner")
    content = path.read_bytes()
    with pytest.raises(SourceError) as error:
        check(str(path), AS_OF, Settings(), write_findings=True)
    assert str(error.value) == (
        f"工作簿 {path} 正在被 Excel/WPS 打开（发现锁文件 {lock}），为免覆盖别人的修改，没有写入。"
        f"请先关闭该工作簿再运行；如果确实没有人打开它，删除 {tmp_path / lock} 即可。")
    assert path.read_bytes() == content


def test_a_strict_open_xml_workbook_is_refused_untouched(tmp_path):
    path = make_workbook(tmp_path, clients=[client(负责人手机=None)])
    strict = parts(path)
    strict["xl/workbook.xml"] = strict["xl/workbook.xml"].replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in strict.items():
            archive.writestr(name, data)
    content = path.read_bytes()
    with pytest.raises(SourceError, match="无法读取工作簿 .* 的结构: 不是常规的 Office Open XML 工作簿"):
        replace_findings_sheet(XlsxSource(path), result_of(MISSING), Settings(), {})
    assert path.read_bytes() == content


def test_the_xlsx_write_keeps_the_original_when_saving_fails(tmp_path, monkeypatch):
    path = make_workbook(tmp_path, clients=[client(负责人手机=None)])
    content = path.read_bytes()

    real_writestr = zipfile.ZipFile.writestr

    def full_disk(self, name, data, *args, **kwargs):
        if name == "xl/worksheets/sheet5.xml" or getattr(name, "filename", "") == "xl/worksheets/sheet5.xml":
            raise OSError(28, "No space left on device")
        return real_writestr(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full_disk)
    with pytest.raises(SourceError, match="无法保存工作簿 .*No space left on device"):
        replace_findings_sheet(XlsxSource(path), result_of(MISSING), Settings(), {})
    assert path.read_bytes() == content
    assert sorted(os.listdir(tmp_path)) == ["register.xlsx"]


# --- sorted by owner, each row linking to its cell -------------------------------------------------------

def test_rows_sort_by_owner_then_as_every_report_orders_them_with_nobody_named_last():
    def finding(code, owner, row):
        return Finding(code=code, severity="error", sheet="客户档案", rows=[row], column=None, owner=owner,
                       message=f"{code} {row}")

    result = result_of(finding("missing_required", "李娜", 5), finding("missing_required", "张伟", 3),
                       finding("missing_required", None, 2), finding("overdue_followup", "李娜", 4),
                       finding("invalid_phone", "张伟", 9), finding("missing_required", "李娜", 7))
    rows = findings_rows(result)
    assert [(row[2], row[0], row[4]) for row in rows[1:]] == [
        ("张伟", "missing_required", 3), ("张伟", "invalid_phone", 9),
        ("李娜", "missing_required", 5), ("李娜", "missing_required", 7), ("李娜", "overdue_followup", 4),
        ("", "missing_required", 2)]


def linked_workbook(tmp_path):
    """A register whose 客户档案 has a column staff added at A (微信), so every header stands one column right
    of the default layout: 负责人手机 at G, 合作可能评估 at K."""
    path = make_workbook(tmp_path, clients=[client(client_id="KH0001", 负责人手机=None),
                                            client(client_id="KH0002", 客户名称="厦门海达物流有限公司", 客户经理="李娜", 合作可能评估="很高")],
                         visits=[visit(), visit()])
    wb = openpyxl.load_workbook(path)
    wb["客户档案"].insert_cols(1)
    wb["客户档案"]["A1"] = "微信"
    wb.save(path)
    return path


def test_each_xlsx_row_links_to_the_real_cell_of_its_finding(tmp_path):
    path = linked_workbook(tmp_path)
    check(str(path), AS_OF, Settings(), write_findings=True)

    sheet = openpyxl.load_workbook(path)["数据检查"]
    assert sheet["G1"].value == "单元格" and sheet["G1"].hyperlink is None
    links = {(row[0].value, row[2].value): (row[6].value, row[6].hyperlink.location, row[6].hyperlink.display)
             for row in sheet.iter_rows(min_row=2)}
    assert links == {
        ("missing_required", "张伟"): ("G2", "'客户档案'!G2", "G2"),     # the real column of 负责人手机
        ("duplicate_row", "张伟"): ("A2", "'拜访记录'!A2", "A2"),        # rows 2 and 3: the first, column A
        ("invalid_value", "李娜"): ("K3", "'客户档案'!K3", "K3"),        # 合作可能评估
    }
    assert [row[4].value for row in sheet.iter_rows(min_row=2) if row[0].value == "duplicate_row"] == ["2、3"], \
        "the row column lists every row of the finding"
    assert all(row[6].hyperlink.target is None for row in sheet.iter_rows(min_row=2)), "internal links only"


def test_a_sheet_title_with_a_quote_is_quoted_in_the_link(tmp_path):
    from huimao_sheets.sources import Link
    from huimao_sheets.sources.xlsx_write import replace_sheet

    path = make_workbook(tmp_path)
    replace_sheet(path, "数据检查", [["单元格"], ["B7"]], [Link(1, 0, "Tom's <客户>", "B7")])
    assert openpyxl.load_workbook(path)["数据检查"]["A2"].hyperlink.location == "'Tom''s <客户>'!B7"


def test_each_google_row_links_to_its_cell_with_a_hyperlink_to_its_gid_and_range(standin, settings):
    rows = google_register([client(client_id="KH0001", 负责人手机=None),
                            client(client_id="KH0002", 客户名称="厦门海达物流有限公司", 客户经理="李娜", 合作可能评估="很高")], [visit(), visit()])
    rows["客户档案"] = [["微信", *row] for row in rows["客户档案"]]
    book = standin.add_spreadsheet(KEY, rows)
    gid = {s.title: s.sheet_id for s in book.sheets}
    check(f"gsheet:{KEY}", AS_OF, settings, write_findings=True)

    write, = standin.writes()
    cells = write.body["requests"][-1]["updateCells"]["rows"]
    link_cells = [row["values"][6] for row in cells]
    assert link_cells[0] == {"userEnteredValue": {"stringValue": "单元格"}}
    assert [(row["values"][0]["userEnteredValue"]["stringValue"], cell["userEnteredValue"]["formulaValue"])
            for row, cell in zip(cells[1:], link_cells[1:])] == [
        ("missing_required", f'=HYPERLINK("#gid={gid["客户档案"]}&range=G2","G2")'),
        ("duplicate_row", f'=HYPERLINK("#gid={gid["拜访记录"]}&range=A2","A2")'),
        ("invalid_value", f'=HYPERLINK("#gid={gid["客户档案"]}&range=K3","K3")'),
    ]
    written = written_values(standin.spreadsheets[KEY].sheet("数据检查"))
    assert [row[6] for row in written[1:]] == ["G2", "A2", "K3"]


def test_a_link_formula_takes_only_a_sheet_id_and_a_cell_address():
    from huimao_sheets.sources.gsheets import hyperlink_formula

    assert hyperlink_formula(1234, "AB12") == '=HYPERLINK("#gid=1234&range=AB12","AB12")'
    for bad in ('A1","x") & IMPORTXML("http://x', "=A1", "a1", ""):
        with pytest.raises(ValueError):
            hyperlink_formula(1, bad)
