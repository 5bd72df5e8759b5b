"""Reading a workbook into the register: sheets and headers found wherever they are, row numbers kept,
and a clear message (sheet, header expected, headers found, nearest match) when something is missing."""

from datetime import date

import openpyxl
import pytest

from huimao_sheets.config import Settings
from huimao_sheets.errors import SheetLayoutError, SourceError
from huimao_sheets.register import build_register
from huimao_sheets.sources.xlsx import XlsxSource
from workbooks import AS_OF, client, make_workbook, visit


def read(path, settings=None):
    return build_register(XlsxSource(path), settings or Settings(), AS_OF)


def test_records_keep_the_sheets_own_row_numbers_across_blank_separator_rows(tmp_path):
    path = make_workbook(tmp_path, clients=[client(), None, None, client(客户编号="KH0002", 客户名称="厦门兴海建材")])
    register = read(path)
    assert [(c.row, c.client_id) for c in register.clients] == [(2, "KH0001"), (5, "KH0002")]


def test_cells_are_normalised_into_typed_values(tmp_path):
    path = make_workbook(tmp_path, clients=[client(客户编号="ｋｈ0001", 负责人手机=13800138000.0, 客户经理=" 张　伟 ",
                                                   客户综合评估="a", 下次跟进日期="2026年12月1日")],
                         visits=[visit(拜访日期=46329.0, 客户编号=None, 客户名称="福州鼎盛貿易 有限公司")])
    register = read(path)
    c = register.clients[0]
    assert (c.client_id, c.contact_mobile, c.account_manager, c.rating, c.next_followup) == (
        "KH0001", "13800138000", "张伟", "A", date(2026, 12, 1))
    v = register.visits[0]
    assert v.visit_date == date(2026, 11, 3)
    assert v.client is c  # matched by the normalised, simplified name


def test_a_visit_with_an_unregistered_id_does_not_fall_back_to_its_name(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(客户编号="KH0999", 客户名称="福州鼎盛贸易有限公司")])
    assert read(path).visits[0].client is None


def test_columns_are_found_by_header_wherever_they_stand_and_extra_columns_are_ignored(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户档案"
    ws.append(["2026年客户登记表"])  # a title row above the header
    ws.append(["微信", "客户名称", None, "Client ID", "行业", "地址", "负责人", "负责人手机 ", "客户经理*",
               "客户综合评估", "合作可能评估(必填)", "客户来源"])
    ws.append(["wx1", "福州鼎盛贸易有限公司", "x", "KH0001", "贸易", "福州", "林建国", "13800138000", "张伟", "A", "高", "展会"])
    ws.append(["wx2", "厦门兴海建材", None, "KH0002", "建材", "厦门", "王芳", "13900139000", "李娜", "B", "低"])  # ragged
    for title, headers in (("拜访记录", ["拜访日期", "客户编号", "拜访人", "拜访方式", "客户反映问题"]),
                           ("员工", ["姓名", "邮箱", "角色"])):
        s = wb.create_sheet(title)
        s.append(headers)
    wb.save(tmp_path / "w.xlsx")
    register = read(tmp_path / "w.xlsx")
    assert [(c.row, c.client_id, c.name, c.rating) for c in register.clients] == [
        (3, "KH0001", "福州鼎盛贸易有限公司", "A"), (4, "KH0002", "厦门兴海建材", "B")]
    assert register.plans == []  # no 拜访计划 sheet: no plans


def test_english_sheet_names_and_headers_are_accepted(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["client_id", "Client Name", "industry", "address", "contact", "contact_mobile", "account_manager",
               "rating", "likelihood"])
    ws.append(["KH0001", "Acme", "贸易", "福州", "Lin", "13800138000", "Zhang Wei", "A", "高"])
    wb.create_sheet("Visits").append(["visit_date", "client_id", "visitor", "channel", "problems"])
    wb.create_sheet("Staff").append(["name", "email", "role"])
    wb.save(tmp_path / "en.xlsx")
    register = read(tmp_path / "en.xlsx")
    assert register.clients[0].account_manager == "ZhangWei"
    assert register.sheet_titles["clients"] == "Clients"


def test_headers_and_sheet_names_can_be_configured(tmp_path):
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["客户档案"].title = "客户"
    wb["客户"]["F1"] = "老板手机"
    wb.save(path)
    settings = Settings(sheets={"clients": "客户"}, columns={"clients": {"contact_mobile": "老板手机"}})
    assert read(path, settings).clients[0].contact_mobile == "13800138000"


def test_a_missing_worksheet_names_it_the_sheets_found_and_the_nearest(tmp_path):
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["拜访记录"].title = "拜访纪录"
    wb.save(path)
    with pytest.raises(SheetLayoutError) as error:
        read(path)
    text = str(error.value)
    assert "找不到工作表“拜访记录”" in text
    assert "客户档案、拜访纪录、员工、拜访计划" in text
    assert "最接近的是“拜访纪录”" in text


def test_a_missing_required_header_names_the_sheet_the_header_the_headers_found_and_the_nearest(tmp_path):
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["客户档案"]["F1"] = "负责人电话号"
    wb.save(path)
    with pytest.raises(SheetLayoutError) as error:
        read(path)
    text = str(error.value)
    assert "工作表“客户档案”缺少表头“负责人手机”" in text
    assert "负责人电话号" in text and "客户编号、客户名称、行业" in text
    assert "最接近的是“负责人电话号”" in text


def test_a_missing_header_message_names_the_header_row_it_used(tmp_path):
    """A title line above the headers moves them to row 2: the message says row 2, not row 1."""
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["客户档案"]
    ws.insert_rows(1)
    ws["A1"] = "慧茂客户档案（2026）"
    ws["F2"] = "老板电话"
    wb.save(path)
    with pytest.raises(SheetLayoutError) as error:
        read(path)
    assert str(error.value) == (
        "工作表“客户档案”缺少表头“负责人手机”（Contact mobile）。表头行是第2行，其中的表头: "
        "客户编号、客户名称、行业、地址、负责人、老板电话、客户经理、所属部门、客户综合评估、合作可能评估、阶段、下次跟进日期、备注。"
        "请在第2行添加该列，或在 huimao.toml 的 [columns.clients] 中写明 contact_mobile = \"实际表头\"。")


def test_a_file_that_is_not_a_workbook_says_why(tmp_path):
    path = tmp_path / "客户登记.xlsx"
    path.write_text("not a zip")
    with pytest.raises(SourceError, match="是一个文本文件（CSV 或纯文本），不是 Excel 工作簿"):
        read(path)
    with pytest.raises(SourceError, match="找不到工作簿"):
        read(tmp_path / "missing.xlsx")


def test_record_fields_follow_the_sheet_layout_order():
    """The register builds records positionally from the layout's columns: the two orders must agree."""
    from dataclasses import fields

    from huimao_sheets.layout import SHEETS
    from huimao_sheets.register import RECORD_TYPES

    for spec in SHEETS:
        names = [f.name for f in fields(RECORD_TYPES[spec.key])]
        assert names[1:1 + len(spec.fields)] == [f.key for f in spec.fields], spec.key


def test_the_default_header_wins_over_an_alias_to_its_left(tmp_path):
    # 联系电话 (an alias of 负责人手机, here the office landline) stands left of the real 负责人手机 column.
    wb = openpyxl.load_workbook(make_workbook(tmp_path))
    ws = wb["客户档案"]
    ws.insert_cols(1)
    ws["A1"], ws["A2"] = "联系电话", "0591-87654321"
    wb.save(tmp_path / "w.xlsx")
    assert read(tmp_path / "w.xlsx").clients[0].contact_mobile == "13800138000"


def test_a_row_of_placeholders_only_is_a_separator_not_a_record(tmp_path):
    blank = {h: "无" for h in ("客户编号", "客户名称", "行业", "地址")}
    path = make_workbook(tmp_path, clients=[client(), blank, client(客户编号="KH0002")])
    assert [c.row for c in read(path).clients] == [2, 4]


def test_a_sheet_whose_first_columns_and_rows_are_blank_keeps_its_row_numbers(tmp_path):
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["客户档案"]
    ws.insert_cols(1, 2)
    ws.insert_rows(1, 2)
    wb.save(path)
    clients = read(path).clients
    assert [(c.row, c.client_id, c.contact_mobile) for c in clients] == [(4, "KH0001", "13800138000")]
