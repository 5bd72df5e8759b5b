"""invalid_phone, invalid_date, invalid_value and future_date: one finding per row × column, naming the
value as typed — and the messy-but-valid forms are not findings."""

from datetime import date

import pytest

from workbooks import client, findings, located, make_workbook, plan, visit


def test_invalid_phones_are_found_and_valid_messy_ones_are_not(tmp_path):
    path = make_workbook(tmp_path, clients=[
        client(负责人手机="+86 138-0013-8000"),                          # row 2: fine
        client(客户编号="KH0002", 负责人手机=13900139000.0),                # row 3: a number cell, fine
        client(客户编号="KH0003", 负责人手机="0591-87654321"),              # row 4: a landline
        client(客户编号="KH0004", 负责人手机="１３８００１３８０００"),         # row 5: full-width, fine
        client(客户编号="KH0005", 负责人手机="1380013800"),                # row 6: ten digits
    ])
    found = findings(path, "invalid_phone")
    assert located(found) == [("客户档案", [4], "负责人手机"), ("客户档案", [6], "负责人手机")]
    assert found[0].details["value"] == "0591-87654321"
    assert found[0].message == "客户档案第4行“负责人手机”不是有效的大陆手机号码：“0591-87654321”"


def test_unreadable_dates_are_found_in_every_date_column(tmp_path):
    path = make_workbook(
        tmp_path,
        clients=[client(下次跟进日期="2026-06-31")],                                    # 客户档案 row 2
        visits=[visit(拜访日期="2026/11/3"), visit(拜访日期="下周一"),                     # 拜访记录 row 3
                visit(拜访日期="11月3日", 下次跟进日期="2026-13-01")],                     # 拜访记录 row 4
        plans=[plan(计划日期="2026年12月32日")],                                        # 拜访计划 row 2
    )
    assert located(findings(path, "invalid_date")) == [
        ("客户档案", [2], "下次跟进日期"), ("拜访计划", [2], "计划日期"),
        ("拜访记录", [3], "拜访日期"), ("拜访记录", [4], "下次跟进日期"),
    ]



@pytest.mark.parametrize("value, hint", [
    ("2026-11-31", "（2026年11月只有30天，没有31日）"),
    ("2026/2/29", "（2026年2月只有28天，没有29日）"),
    ("2028年2月30日", "（2028年2月只有29天，没有30日）"),
    ("20261131", "（2026年11月只有30天，没有31日）"),
    ("4月31日", "（4月只有30天，没有31日）"),
    ("2026-13-01", "（没有13月：月份应为 1–12）"),
    ("下周一", "（日期请写成“年-月-日”，例如 2026-11-03）"),
    ("3.11.2026", "（日期请写成“年-月-日”，例如 2026-11-03）"),
])
def test_an_unreadable_date_says_what_is_wrong_with_it(tmp_path, value, hint):
    """An impossible day says the month has no such day; a wrong form shows the form to write."""
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=value)])
    [found] = findings(path, "invalid_date")
    assert found.message == f"客户档案第2行“下次跟进日期”无法识别为日期：“{value}”{hint}"


@pytest.mark.parametrize("value, hint", [
    ("2026-11-31", " (November 2026 has 30 days, not 31)"),
    ("2026-13-01", " (there is no month 13: months are 1–12)"),
    ("next Monday", " (write dates as year-month-day, e.g. 2026-11-03)"),
])
def test_date_hints_in_english(tmp_path, value, hint):
    from huimao_sheets.config import Settings

    path = make_workbook(tmp_path, clients=[client(下次跟进日期=value)])
    [found] = findings(path, "invalid_date", settings=Settings(language="en"))
    assert found.message == f"客户档案 row 2: “下次跟进日期” is not a date: “{value}”{hint}"


@pytest.mark.parametrize("column, value", [
    ("客户综合评估", "E"), ("合作可能评估", "很高"), ("阶段", "已成交"),
])
def test_client_values_outside_their_list_are_found(tmp_path, column, value):
    path = make_workbook(tmp_path, clients=[client(客户综合评估="b", 合作可能评估=" 高", 阶段="收集信息"),
                                            client(客户编号="KH0002", **{column: value})])
    found = findings(path, "invalid_value")
    assert located(found) == [("客户档案", [3], column)]
    assert found[0].details["value"] == value


def test_visit_types_and_roles_outside_their_lists_are_found(tmp_path):
    from workbooks import STAFF_ROWS

    staff = [*STAFF_ROWS, {"姓名": "小李", "邮箱": "li@huimao.cn", "角色": "实习生", "所属部门": "市场一部", "上级": "王经理"}]
    path = make_workbook(tmp_path, visits=[visit(拜访方式="上门拜访"), visit(拜访方式="微信")], staff=staff)
    assert located(findings(path, "invalid_value")) == [("员工", [6], "角色"), ("拜访记录", [3], "拜访方式")]


def test_a_visit_dated_after_the_as_of_date_is_a_warning_and_not_an_invalid_date(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 27)), visit(拜访日期="2027-11-20")])
    found = findings(path, "future_date")
    assert located(found) == [("拜访记录", [3], "拜访日期")]
    assert found[0].severity == "warning"
    assert findings(path, "invalid_date") == []


def test_english_messages_list_the_allowed_values_with_english_commas(tmp_path):
    from huimao_sheets.config import Settings

    path = make_workbook(tmp_path, clients=[client(客户综合评估="E")])
    found = findings(path, "invalid_value", settings=Settings(language="en"))
    assert found[0].message == "客户档案 row 2: “客户综合评估” value “E” is not one of A, B, C, D"
