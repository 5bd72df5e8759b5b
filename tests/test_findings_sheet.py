"""The findings worksheet 数据检查: its rows, and replacing it — in a Google Sheet with RAW input in at
most three requests without touching a worksheet that staff edit, in an xlsx without losing anything
else in the workbook, and never while Excel/WPS has the workbook open."""

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
from huimao_sheets.findings_sheet import findings_rows, replace_findings_sheet
from huimao_sheets.ledger import finding_fingerprint
from huimao_sheets.sources.gsheets import GoogleSheetSource
from huimao_sheets.sources.xlsx import XlsxSource
from sheets_standin import key_file, standin  # noqa: F401  (fixtures)
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


def test_each_finding_is_one_row_of_code_severity_owner_sheet_row_column_client_message_first_seen():
    assert findings_rows(result_of(MISSING, DUPLICATE)) == [
        ["问题代码", "级别", "处理人", "工作表", "行", "列", "客户", "说明", "首次发现"],
        ["missing_required", "错误", "张伟", "客户档案", 17, "负责人手机", "KH0012", "客户档案第17行缺少“负责人手机”", AS_OF],
        ["duplicate_row", "错误", "李娜", "拜访记录", "4、9", "", "KH0003", DUPLICATE.message, AS_OF],
    ]
    assert findings_rows(result_of(DUPLICATE), "en")[0] == [
        "code", "severity", "owner", "sheet", "row", "column", "client", "message", "first seen"]
    assert findings_rows(result_of(DUPLICATE), "en")[1][1:5] == ["error", "李娜", "拜访记录", "4, 9"]


def test_first_seen_dates_come_from_the_mapping_and_default_to_the_as_of_date():
    first_seen = {finding_fingerprint(MISSING): date(2026, 11, 2)}
    rows = findings_rows(result_of(MISSING, DUPLICATE), first_seen=first_seen)
    assert [row[8] for row in rows[1:]] == [date(2026, 11, 2), AS_OF]


def test_check_write_findings_keeps_the_first_seen_dates_the_ledger_already_holds(tmp_path):
    from huimao_sheets.ledger import Ledger

    path = make_workbook(tmp_path, clients=[client(负责人手机=None)])
    settings = Settings(state_dir=str(tmp_path / "state"))
    _register, earlier = check(str(path), date(2026, 11, 2), settings)
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        ledger.observe(earlier.findings, date(2026, 11, 2))
    check(str(path), AS_OF, settings, write_findings=True)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("数据检查").to_python()
    assert [(row[0], row[8]) for row in rows[1:]] == [("missing_required", "2026-11-02")]


def test_check_write_findings_by_hand_keeps_first_seen_dates_from_one_day_to_the_next(tmp_path, run_cli):
    path = make_workbook(tmp_path, clients=[client(负责人手机=None)])
    for day in ("2026-11-26", "2026-11-27"):                  # a daily run by hand, no scheduler
        code, _, err = run_cli("check", "--source", str(path), "--as-of", day, "--write-findings")
        assert code == 1, err                                  # the blank mobile is an error
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("数据检查").to_python()
    assert [(row[0], row[8]) for row in rows[1:]] == [("missing_required", "2026-11-26")]


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


def test_check_write_findings_reads_twice_writes_twice_raw_and_touches_only_its_own_sheet(standin, settings):
    book = standin.add_spreadsheet(KEY, google_register(messy_clients(), [visit()]))
    staff_sheets = copy.deepcopy({s.title: s.cells for s in book.sheets})
    _register, result = check(f"gsheet:{KEY}", AS_OF, settings, write_findings=True)

    assert [c.method for c in standin.reads()] == ["GET", "GET"]
    writes = standin.writes()
    assert len(writes) == 2, "addSheet, then one RAW values.update"
    add, put = writes
    assert add.body == {"requests": [{"addSheet": {"properties": {
        "title": "数据检查", "gridProperties": {"rowCount": len(result.findings) + 1, "columnCount": 9, "frozenRowCount": 1}}}}]}
    assert (put.method, put.query["valueInputOption"]) == ("PUT", ["RAW"])
    assert put.path == f"/v4/spreadsheets/{KEY}/values/'数据检查'!A1:I{len(result.findings) + 1}"

    book = standin.spreadsheets[KEY]
    assert {s.title: s.cells for s in book.sheets if s.title != "数据检查"} == staff_sheets
    written = book.sheet("数据检查").values()
    expected = [[v.isoformat() if isinstance(v, date) else v for v in row]
                for row in findings_rows(result)]
    assert written == expected
    unknown = [row for row in written if row[0] == "unknown_staff"]
    assert len(unknown) == 1 and f"“{FORMULA}”不在员工表中" in unknown[0][7], \
        "a staff name that looks like a formula is stored as that very text (it names nobody on 员工)"
    assert all(isinstance(v, (str, int)) for row in written for v in row)
    assert any(FORMULA in row[7] for row in written), "and so is a client name inside a message"


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
    put, = standin.writes()
    assert put.path.endswith(f"/values/'数据检查'!A1:I{old_grid[0]}") and put.query["valueInputOption"] == ["RAW"]
    assert put.body["values"][2:] == [[""] * 9] * (old_grid[0] - 2), "the old rows are blanked in the same request"


def test_a_grid_too_small_for_the_findings_grows_first(standin, settings):
    standin.add_spreadsheet(KEY, {**google_register(messy_clients()), "数据检查": [["old"]]}, rows=2, columns=3)
    _register, result = check(f"gsheet:{KEY}", AS_OF, settings, write_findings=True)
    grow, put = standin.writes()
    sheet = standin.spreadsheets[KEY].sheet("数据检查")
    assert grow.body == {"requests": [{"updateSheetProperties": {
        "properties": {"sheetId": sheet.sheet_id, "gridProperties": {"rowCount": len(result.findings) + 1, "columnCount": 9}},
        "fields": "gridProperties.rowCount,gridProperties.columnCount"}}]}
    assert len(sheet.values()) == len(result.findings) + 1


def test_writing_on_a_fresh_connection_costs_at_most_three_requests(standin, settings):
    standin.add_spreadsheet(KEY, {"客户档案": [["客户编号"]]})
    source = GoogleSheetSource.open(f"gsheet:{KEY}", settings.credentials, write=True)
    source.replace_sheet("数据检查", findings_rows(result_of(MISSING)))
    assert [c.method for c in standin.calls] == ["GET", "POST", "PUT"]
    standin.calls.clear()
    GoogleSheetSource.open(f"gsheet:{KEY}", settings.credentials, write=True).replace_sheet(
        "数据检查", findings_rows(result_of(DUPLICATE)))
    assert [c.method for c in standin.calls] == ["GET", "PUT"], "the grid is big enough: one write"


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
    assert len(standin.reads()) == 2 and len(standin.writes()) == 2


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

    _register, result = check(str(path), AS_OF, Settings(), write_findings=True)

    after = parts(path)
    new = set(after) - set(before)
    assert new == {"xl/worksheets/sheet6.xml"}
    assert {n: d for n, d in after.items() if n not in PACKAGE_INDEX | new} == \
           {n: d for n, d in before.items() if n not in PACKAGE_INDEX}, "staff sheets, styles, formulas: untouched"
    cells = all_cells(path)
    assert list(cells) == [*cells_before, "数据检查"]
    assert {k: v for k, v in cells.items() if k != "数据检查"} == cells_before
    expected = [[float(v) if isinstance(v, int) else v.isoformat() if isinstance(v, date) else v for v in row]
                for row in findings_rows(result)]
    assert cells["数据检查"] == expected
    assert any(row[0] == "unknown_staff" and FORMULA in row[7] for row in cells["数据检查"])
    assert b"<f>" not in after["xl/worksheets/sheet6.xml"], "every findings cell is a value, none a formula"
    wb = openpyxl.load_workbook(path)  # and openpyxl (like Excel) reads the package
    assert wb["数据检查"].freeze_panes == "A2"
    assert [c.data_type for c in wb["数据检查"]["H"] if FORMULA in str(c.value)] == ["s", "s"]
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
