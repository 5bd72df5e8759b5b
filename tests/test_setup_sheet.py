"""``setup-sheet``: missing worksheets and headers are created, header rows frozen, value lists and dates
validated where staff type them — on a Google Sheet and in an xlsx — without moving or deleting any staff
data, and a second run changes nothing (on Google: writes nothing)."""

from __future__ import annotations

import sys

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from huimao_sheets import cli
from huimao_sheets.config import Settings
from huimao_sheets.errors import SourceError
from huimao_sheets.findings_sheet import HEADERS as FINDINGS_HEADERS
from huimao_sheets.layout import CHANNELS, CLIENTS, INDUSTRIES, LIKELIHOODS, PLANS, RATINGS, ROLES, STAFF, STAGES, VISITS
from huimao_sheets.register import build_register
from huimao_sheets.setup_sheet import describe, setup_sheet
from huimao_sheets.sources.xlsx import XlsxSource
from sheets_standin import key_file, standin  # noqa: F401  (fixtures)
from workbooks import AS_OF, client, make_workbook

KEY = "1SetupSheetKey_0123456789abcdefghijklmnopqrs"
LAYOUT_HEADERS = {spec.title: [f.header for f in spec.fields] for spec in (CLIENTS, VISITS, STAFF, PLANS)}


def one_of(values) -> dict:
    return {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in values]},
            "showCustomUi": True, "strict": True}


DATE_RULE = {"condition": {"type": "DATE_IS_VALID"}, "inputMessage": "请输入日期，例如 2026-11-03", "strict": True}
INDUSTRY_RULE = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in INDUSTRIES]},
                 "showCustomUi": True}  # an open list: a warning mark, not a rejection
# (worksheet, header) → the rule of its column
EXPECTED_RULES = {
    ("客户档案", "行业"): INDUSTRY_RULE, ("客户档案", "客户综合评估"): one_of(RATINGS),
    ("客户档案", "合作可能评估"): one_of(LIKELIHOODS), ("客户档案", "阶段"): one_of(STAGES),
    ("客户档案", "下次跟进日期"): DATE_RULE, ("拜访记录", "拜访日期"): DATE_RULE,
    ("拜访记录", "拜访方式"): one_of(CHANNELS), ("拜访记录", "下次跟进日期"): DATE_RULE,
    ("员工", "角色"): one_of(ROLES), ("拜访计划", "计划日期"): DATE_RULE,
}


@pytest.fixture
def settings(key_file) -> Settings:
    return Settings(credentials=str(key_file))


def google_rules(sheet, header_row: int = 0) -> dict[str, dict]:
    """Header → validation rule of the first cell below it."""
    headers = sheet.values()[header_row]
    return {h: sheet.validation(header_row + 1, c) for c, h in enumerate(headers)
            if sheet.validation(header_row + 1, c) is not None}


# --- Google ---------------------------------------------------------------------------------------

def test_an_empty_spreadsheet_gets_every_worksheet_with_headers_frozen_and_validated(standin, settings):
    standin.add_spreadsheet(KEY, {"Sheet1": []})
    changes = setup_sheet(f"gsheet:{KEY}", settings)
    book = standin.spreadsheets[KEY]
    assert [s.title for s in book.sheets] == ["Sheet1", "客户档案", "拜访记录", "员工", "拜访计划", "数据检查"]
    for title, headers in {**LAYOUT_HEADERS, "数据检查": FINDINGS_HEADERS["zh"]}.items():
        sheet = book.sheet(title)
        assert sheet.values() == [headers] and sheet.frozen_rows == 1
    assert {(t, h): r for t in LAYOUT_HEADERS for h, r in google_rules(book.sheet(t)).items()} == EXPECTED_RULES
    assert [(c.method, c.path.rsplit("/", 1)[-1]) for c in standin.writes()] == [
        ("POST", f"{KEY}:batchUpdate"), ("POST", "values:batchUpdate")]
    assert standin.writes()[1].body["valueInputOption"] == "RAW"
    assert len(standin.reads()) == 2
    assert describe(changes)[:3] == ["创建工作表“客户档案”，表头 13 列", "“客户档案”的“行业”列：下拉选项 "
                                     "制造业/贸易/餐饮/房地产/物流/电子/纺织服装/食品/医药/建材",
                                     "“客户档案”的“客户综合评估”列：下拉选项 A/B/C/D"]


def test_a_second_run_changes_nothing_and_writes_nothing(standin, settings):
    standin.add_spreadsheet(KEY, {"Sheet1": []})
    setup_sheet(f"gsheet:{KEY}", settings)
    standin.calls.clear()
    changes = setup_sheet(f"gsheet:{KEY}", settings)
    assert changes == [] and describe(changes) == ["表格已符合要求，无需改动。"]
    assert standin.writes() == [] and len(standin.reads()) == 2


def test_staff_data_stays_where_it_is_and_missing_headers_go_after_the_last_one(standin, settings):
    clients = [["慧茂客户登记表"], [],
               ["客户编号", "客户名称", "微信", None, "Industry", "地址", "负责人", "负责人手机", "客户经理", "客户综合评估"],
               ["KH0001", "鼎盛贸易", "wx01", "x", "贸易", "福州", "林建国", 13800138000, "张伟", "A"],
               ["KH0002", "宏达电子", None, None, "电子", "厦门", "陈明", "13900139000", "李娜", "很好"]]
    standin.add_spreadsheet(KEY, {"客户档案": clients, "拜访记录": [LAYOUT_HEADERS["拜访记录"]], "员工": []})
    before = dict(standin.spreadsheets[KEY].sheet("客户档案").cells)

    setup_sheet(f"gsheet:{KEY}", settings)

    sheet = standin.spreadsheets[KEY].sheet("客户档案")
    assert {rc: v for rc, v in sheet.cells.items() if rc in before} == before, "no staff cell moved or changed"
    assert sheet.values()[2] == clients[2][:3] + ["", "Industry"] + clients[2][5:] + [
        "所属部门", "合作可能评估", "阶段", "下次跟进日期", "备注"]
    assert sheet.frozen_rows == 3
    rules = google_rules(sheet, header_row=2)
    assert rules["Industry"] == INDUSTRY_RULE and rules["客户综合评估"] == one_of(RATINGS)
    assert rules["合作可能评估"] == one_of(LIKELIHOODS) and rules["下次跟进日期"] == DATE_RULE
    assert standin.spreadsheets[KEY].sheet("员工").values() == [LAYOUT_HEADERS["员工"]], "an empty sheet gets headers"

    standin.calls.clear()
    assert setup_sheet(f"gsheet:{KEY}", settings) == [] and standin.writes() == []


def test_a_worksheet_whose_header_cannot_be_found_is_left_alone_with_a_note(standin, settings):
    standin.add_spreadsheet(KEY, {"客户档案": [["公司", "电话"], ["鼎盛", "138"]]})
    changes = setup_sheet(f"gsheet:{KEY}", settings)
    assert describe(changes)[0] == "“客户档案”的前10行中找不到表头，未做改动：请在第1行写上表头后再运行。"
    assert describe(changes, "en")[0] == ("no header found in the first 10 rows of “客户档案”, so it was left "
                                          "unchanged: write the headers in row 1 and run again")
    assert standin.spreadsheets[KEY].sheet("客户档案").values() == [["公司", "电话"], ["鼎盛", "138"]]


def test_a_different_drop_down_on_a_layout_column_is_replaced_once(standin, settings):
    standin.add_spreadsheet(KEY, {"员工": [LAYOUT_HEADERS["员工"], ["张伟", "z@huimao.cn", "客户经理"]]})
    sheet = standin.spreadsheets[KEY].sheet("员工")
    sheet.validations.append(({"startRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3}, one_of(["销售"])))
    setup_sheet(f"gsheet:{KEY}", settings)
    assert google_rules(standin.spreadsheets[KEY].sheet("员工"))["角色"] == one_of(ROLES)
    standin.calls.clear()
    setup_sheet(f"gsheet:{KEY}", settings)
    assert standin.writes() == []


# --- xlsx -----------------------------------------------------------------------------------------

def excel_rules(ws, header_row: int = 1) -> dict[str, tuple]:
    """Header → (type, formula1, error style, range) of the validation covering the cell below it."""
    rules = {}
    for col, cell in enumerate(ws[header_row], start=1):
        below = ws.cell(header_row + 1, col).coordinate
        for dv in ws.data_validations.dataValidation:
            if below in dv.sqref:
                rules[cell.value] = (dv.type, dv.formula1, dv.errorStyle, str(dv.sqref))
    return rules


def test_a_missing_workbook_is_created_with_every_worksheet(tmp_path):
    path = tmp_path / "新登记.xlsx"
    setup_sheet(str(path), Settings())
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["客户档案", "拜访记录", "员工", "拜访计划", "数据检查"]
    assert [c.value for c in wb["客户档案"][1]] == LAYOUT_HEADERS["客户档案"]
    assert all(wb[t].freeze_panes == "A2" for t in wb.sheetnames)
    assert excel_rules(wb["客户档案"]) == {
        "行业": ("list", '"' + ",".join(INDUSTRIES) + '"', "warning", "C2:C1048576"),
        "客户综合评估": ("list", '"A,B,C,D"', "stop", "I2:I1048576"),
        "合作可能评估": ("list", '"高,中,低"', "stop", "J2:J1048576"),
        "阶段": ("list", '"' + ",".join(STAGES) + '"', "stop", "K2:K1048576"),
        "下次跟进日期": ("date", "18264", "stop", "L2:L1048576"),
    }
    assert excel_rules(wb["员工"]) == {"角色": ("list", '"' + ",".join(ROLES) + '"', "stop", "C2:C1048576")}


def test_an_existing_workbook_keeps_its_data_and_a_second_run_leaves_the_file_alone(tmp_path):
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    old = DataValidation(type="list", formula1='"A,B,C"')
    old.add("H2:J100")  # a staff rule over 所属部门, 客户综合评估 and 合作可能评估
    wb["客户档案"].add_data_validation(old)
    wb.save(path)
    calamine = CalamineWorkbook.from_path(str(path))
    before = {n: calamine.get_sheet_by_name(n).to_python() for n in calamine.sheet_names}

    changes = setup_sheet(str(path), Settings())

    calamine = CalamineWorkbook.from_path(str(path))
    # the optional 应对措施 goes at the right of 拜访记录's headers; no cell of data moves
    assert before["拜访记录"][0] == ["拜访日期", "客户编号", "客户名称", "拜访人", "拜访方式", "客户反映问题", "拜访结果", "下次跟进日期"]
    before["拜访记录"] = [before["拜访记录"][0] + ["应对措施"]] + [row + [""] for row in before["拜访记录"][1:]]
    assert {n: calamine.get_sheet_by_name(n).to_python() for n in before} == before
    assert "创建工作表“数据检查”，表头 10 列" in describe(changes)
    wb = openpyxl.load_workbook(path)
    rules = excel_rules(wb["客户档案"])
    assert rules["所属部门"] == ("list", '"A,B,C"', None, "H2:H100"), "the staff rule keeps the column it is not replaced on"
    assert rules["客户综合评估"][1:] == ('"A,B,C,D"', "stop", "I2:I1048576")
    assert rules["合作可能评估"][1:] == ('"高,中,低"', "stop", "J2:J1048576")
    content = path.read_bytes()
    assert setup_sheet(str(path), Settings()) == []
    assert path.read_bytes() == content


def test_the_drop_down_goes_on_the_column_the_register_reads_when_an_alias_stands_left_of_the_default(tmp_path):
    """客户评级 (an alias of 客户综合评估) left of 客户综合评估: the register reads the rating from
    客户综合评估, so that is where the A/B/C/D drop-down goes, not on the staff's own 客户评级."""
    path = tmp_path / "register.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户档案"
    headers = ["客户编号", "客户名称", "客户评级", *LAYOUT_HEADERS["客户档案"][2:]]
    row = {**client(客户综合评估="B"), "客户评级": "重点客户"}
    ws.append(headers)
    ws.append([row[h] for h in headers])
    wb.save(path)

    setup_sheet(str(path), Settings())

    rules = excel_rules(openpyxl.load_workbook(path)["客户档案"])
    assert "客户评级" not in rules
    assert rules["客户综合评估"] == ("list", '"A,B,C,D"', "stop", "J2:J1048576")
    assert [c.rating for c in build_register(XlsxSource(path), Settings(), AS_OF).clients] == ["B"]


def test_a_workbook_with_formulas_is_not_saved_with_a_loss(tmp_path):
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["客户档案"]["N2"] = "=LEN(B2)"
    wb.save(path)
    content = path.read_bytes()
    with pytest.raises(SourceError, match=r"中有公式（保存后公式的计算结果会丢失），setup-sheet 用 openpyxl 保存时无法保留"):
        setup_sheet(str(path), Settings())
    assert path.read_bytes() == content


def test_setup_refuses_while_the_workbook_is_open(tmp_path):
    path = make_workbook(tmp_path)
    (tmp_path / "~$register.xlsx").write_bytes(b"")
    with pytest.raises(SourceError, match="正在被 Excel/WPS 打开"):
        setup_sheet(str(path), Settings())


def test_the_command_prints_each_change(tmp_path, monkeypatch, capsys):
    path = tmp_path / "新登记.xlsx"
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setattr(sys, "argv", ["huimao-sheets", "setup-sheet", "--source", str(path), "--lang", "en"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    out = capsys.readouterr().out.splitlines()
    assert done.value.code == 0
    assert out[:3] == [f"{path}:", "  created worksheet “客户档案” with 13 headers",
                       "  “客户档案” column “行业”: drop-down 制造业/贸易/餐饮/房地产/物流/电子/纺织服装/食品/医药/建材"]
    assert path.exists()
