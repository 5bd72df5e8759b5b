"""missing_required: one finding per row × required column that is blank, 无, -, N/A or a full-width space."""

import pytest

from workbooks import client, findings, located, make_workbook, visit


@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000", "无", "-", "N/A"])
def test_a_blank_required_client_cell_is_found_with_its_row_column_and_owner(tmp_path, blank):
    path = make_workbook(tmp_path, clients=[client(), client(客户编号="KH0002", 客户名称="厦门兴海建材", 负责人手机=blank)])
    found = findings(path, "missing_required")
    assert located(found) == [("客户档案", [3], "负责人手机")]
    assert found[0].owner == "张伟"
    assert found[0].client_ids == ["KH0002"]
    assert found[0].message == "客户档案第3行缺少“负责人手机”"


def test_optional_columns_may_be_blank(tmp_path):
    path = make_workbook(tmp_path, clients=[client(阶段=None, 备注=None, 所属部门=None, 下次跟进日期=None)],
                         visits=[visit(拜访结果=None, 下次跟进日期=None)])
    assert findings(path, "missing_required") == []


def test_a_visit_needs_its_client_id_or_its_client_name_but_not_both(tmp_path):
    path = make_workbook(tmp_path, visits=[
        visit(客户编号="KH0001", 客户名称=None),                   # row 2: id only
        visit(客户编号=None, 客户名称="福州鼎盛贸易有限公司"),         # row 3: name only
        visit(客户编号=None, 客户名称="无"),                        # row 4: neither
    ])
    assert located(findings(path, "missing_required")) == [("拜访记录", [4], "客户名称")]


def test_a_visit_without_problems_recorded_is_found_and_goes_to_the_visitor(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(), visit(拜访人="李娜", 客户反映问题="无")])
    found = findings(path, "missing_required")
    assert located(found) == [("拜访记录", [3], "客户反映问题")]
    assert found[0].owner == "李娜"


def test_a_row_missing_its_account_manager_goes_to_the_department_manager(tmp_path):
    path = make_workbook(tmp_path, clients=[client(客户经理=None)])
    found = findings(path, "missing_required")
    assert located(found) == [("客户档案", [2], "客户经理")]
    assert found[0].owner == "王经理"


def test_a_staff_row_without_email_goes_to_their_manager(tmp_path):
    from workbooks import STAFF_ROWS

    staff = [*STAFF_ROWS, {"姓名": "赵敏", "邮箱": None, "角色": "客户经理", "所属部门": "市场一部", "上级": "王经理"}]
    found = findings(make_workbook(tmp_path, staff=staff), "missing_required")
    assert located(found) == [("员工", [6], "邮箱")]
    assert found[0].owner == "王经理"


def test_english_messages_are_a_setting(tmp_path):
    from huimao_sheets.config import Settings

    path = make_workbook(tmp_path, clients=[client(地址=None)])
    found = findings(path, "missing_required", settings=Settings(language="en"))
    assert found[0].message == "客户档案 row 2: “地址” (Address) is missing"


@pytest.mark.parametrize("blank", ["   无    ", "N/A      ", "\u3000\u3000-\u3000\u3000\u3000"])
def test_a_padded_placeholder_in_a_free_text_column_is_blank(tmp_path, blank):
    path = make_workbook(tmp_path, visits=[visit(客户反映问题=blank)])
    assert located(findings(path, "missing_required")) == [("拜访记录", [2], "客户反映问题")]


def test_a_plan_needs_its_client_id_or_name(tmp_path):
    from workbooks import plan

    path = make_workbook(tmp_path, plans=[plan(), plan(客户编号=None, 客户名称=None)])
    assert located(findings(path, "missing_required")) == [("拜访计划", [3], "客户名称")]


def test_a_staff_row_whose_role_nobody_can_read_still_has_an_owner(tmp_path):
    staff = [{"姓名": "陈总", "邮箱": "chen@huimao.cn", "角色": "总经理", "所属部门": "市场部", "上级": None}]
    found = findings(make_workbook(tmp_path, staff=staff, clients=[]), "invalid_value")
    assert located(found) == [("员工", [2], "角色")]
    assert found[0].owner == "陈总"
