"""unknown_staff: a 拜访人, 客户经理 or 上级 naming nobody on 员工 — one finding per sheet × column × name, with
the nearest staff name when one is close, owned by the department's 部门经理 (else the 市场总监); and the
owner of any finding whose natural owner is such a name falls back the same way."""

from datetime import date

from workbooks import STAFF_ROWS, client, findings, make_workbook, plan, visit

from huimao_sheets.config import Settings


def test_an_unknown_visitor_on_two_rows_is_one_finding_with_both_rows_and_the_nearest_name(tmp_path):
    path = make_workbook(tmp_path, visits=[
        visit(拜访人="张玮"),                                  # row 2: a slip of the input method for 张伟
        visit(拜访人="张伟"),                                  # row 3: known
        visit(拜访人=" 张玮 ", 拜访日期=date(2026, 11, 21)),    # row 4: the same unknown name, spaced
    ])
    [found] = findings(path, "unknown_staff")
    assert (found.sheet, found.rows, found.column, found.severity) == ("拜访记录", [2, 4], "拜访人", "error")
    assert found.owner == "王经理", "the department (市场一部, from the client) has a 部门经理"
    assert found.staff == ["张玮"] and found.client_ids == ["KH0001"]
    assert found.message == "拜访记录“拜访人”中的“张玮”不在员工表中（第2、4行）。是否应为“张伟”？"
    assert found.details == {"name": "张玮", "suggestion": "张伟", "department": "市场一部"}


def test_a_slip_to_a_character_of_the_same_sound_is_suggested_even_when_the_name_has_two_readings(tmp_path):
    # 长 reads chang or zhang: whichever reading is used, it is the same for the staff name and the typed one
    staff = STAFF_ROWS + [{"姓名": "王长江", "邮箱": "wcj@huimao.cn", "角色": "客户经理", "所属部门": "市场一部",
                           "上级": "王经理"}]
    path = make_workbook(tmp_path, staff=staff, visits=[visit(拜访人="王常江")])
    [found] = findings(path, "unknown_staff")
    assert found.details["suggestion"] == "王长江"


def test_the_message_in_english(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访人="张玮"), visit(拜访人="张玮", 拜访日期=date(2026, 11, 21))])
    [found] = findings(path, "unknown_staff", settings=Settings(language="en"))
    assert found.message == "拜访记录 “拜访人”: “张玮” is not on the staff sheet (rows 2, 3). Did you mean “张伟”?"


def test_an_unknown_manager_with_nobody_close_is_the_directors_when_the_department_has_no_manager(tmp_path):
    staff = [*STAFF_ROWS, {"姓名": "赵敏", "邮箱": "zhaomin@huimao.cn", "角色": "客户经理", "所属部门": "市场二部",
                           "上级": "欧阳锋"}]
    path = make_workbook(tmp_path, staff=staff)
    [found] = findings(path, "unknown_staff")
    assert (found.sheet, found.rows, found.column) == ("员工", [6], "上级")
    assert found.owner == "陈总", "市场二部 has no 部门经理: the 市场总监"
    assert found.message == ("员工“上级”中的“欧阳锋”不在员工表中（第6行）。"
                             "请改为员工表中的姓名（已离职的，请交接给在职同事），或把此人加入员工表。")
    assert found.details["suggestion"] is None


def test_an_unknown_account_manager_and_planner_are_found_per_sheet_and_column(tmp_path):
    path = make_workbook(
        tmp_path,
        clients=[client(), client(客户编号="KH0002", 客户名称="厦门兴海建材有限公司", 客户经理="刘洋", 所属部门="市场一部")],
        plans=[plan(拜访人="刘洋", 客户编号="KH0002")],
    )
    found = findings(path, "unknown_staff")
    assert [(f.sheet, f.rows, f.column, f.owner, f.client_ids) for f in found] == [
        ("客户档案", [3], "客户经理", "王经理", ["KH0002"]),
        ("拜访计划", [2], "拜访人", "王经理", ["KH0002"]),
    ]


def test_traditional_characters_and_full_width_spaces_are_the_same_person(tmp_path):
    staff = [*STAFF_ROWS, {"姓名": "張偉華", "邮箱": "zwh@huimao.cn", "角色": "客户经理", "所属部门": "市场一部",
                           "上级": "王　经理"}]
    path = make_workbook(
        tmp_path, staff=staff,
        clients=[client(客户经理="張偉"), client(客户编号="KH0002", 客户名称="厦门兴海建材有限公司", 客户经理=" 张伟华 ")],
        visits=[visit(拜访人="张　伟"), visit(拜访人="\u3000張偉\u3000"), visit(拜访人="ＬＩ")],
        plans=[plan(拜访人="李 娜")],
    )
    found = findings(path, "unknown_staff")
    assert [(f.sheet, f.rows, f.details["name"]) for f in found] == [("拜访记录", [4], "LI")], \
        "only the name that is nobody's; 張偉, 张　伟, 李 娜, 王　经理 and 張偉華/张伟华 are staff"


def test_an_empty_staff_sheet_flags_nothing(tmp_path):
    path = make_workbook(tmp_path, staff=[], visits=[visit(拜访人="张玮")])
    assert findings(path, "unknown_staff") == []


def test_findings_of_an_unknown_person_go_to_the_department_manager(tmp_path):
    path = make_workbook(tmp_path, clients=[client(负责人手机=None, 客户经理="张玮")],
                         visits=[visit(拜访人="张玮", 客户反映问题=None)])
    owners = {(f.sheet, f.column): f.owner for f in findings(path, "missing_required")}
    assert owners == {("客户档案", "负责人手机"): "王经理", ("拜访记录", "客户反映问题"): "王经理"}


def test_without_a_department_the_unknown_persons_findings_go_to_the_director(tmp_path):
    path = make_workbook(tmp_path, clients=[client(负责人手机=None, 客户经理="张玮", 所属部门=None)])
    [found] = findings(path, "missing_required")
    assert found.owner == "陈总"
