"""unanswered_problem (DESIGN §5, discipline): a 客户反映问题 whose 应对措施 is still blank more than
``response_days`` working days (default 3, China's calendar) after the visit; owner the 拜访人;
past twice that ``notify`` adds the 部门经理 of the row's department, past three times the 市场总监 too
(``details.escalate`` says which, ``details.escalated_on`` since when)."""

from datetime import date

import pytest

from huimao_sheets.config import CheckSettings, Settings
from workbooks import AS_OF, STAFF_ROWS, findings, located, make_workbook, visit

# AS_OF is Friday 2026-11-27. Working days back: 11-24 (Tue) is 3, 11-23 (Mon) 4, 11-17 (Tue) 8,
# 11-16 (Mon) 9, 11-13 (Fri) 10.


def test_an_old_problem_with_no_response_is_reported_to_the_visitor(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 23), 拜访人="李娜", 应对措施=None)])
    found = findings(path, "unanswered_problem")
    assert located(found) == [("拜访记录", [2], "应对措施")]
    assert (found[0].owner, found[0].staff, found[0].client_ids, found[0].severity) == (
        "李娜", ["李娜"], ["KH0001"], "warning")
    assert found[0].message == "拜访记录第2行：2026-11-23客户反映的问题“想做绩效考核”已4个工作日没有填写应对措施"
    assert found[0].details == {"visit_date": "2026-11-23", "working_days": 4, "escalate": None,
                                "escalated_on": None}
    assert found[0].notify == []


@pytest.mark.parametrize("day, escalate", [
    (date(2026, 11, 23), None),          # 4 working days
    (date(2026, 11, 17), "department"),  # 8 > 2 × 3
    (date(2026, 11, 16), "department"),  # 9 = 3 × 3
    (date(2026, 11, 13), "director"),    # 10 > 3 × 3
])
def test_escalation_grows_with_the_wait(tmp_path, day, escalate):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=day, 应对措施=None)])
    assert [f.details["escalate"] for f in findings(path, "unanswered_problem")] == [escalate]


@pytest.mark.parametrize("day, notify, escalated_on", [
    (date(2026, 11, 23), [], None),                               # 4 > 1 × 3: the 拜访人 only
    (date(2026, 11, 17), ["王经理"], "2026-11-26"),                # 8 > 2 × 3: + the 部门经理 (since 7 = 2 × 3 + 1)
    (date(2026, 11, 16), ["王经理"], "2026-11-25"),                # 9 = 3 × 3: still the 部门经理 only
    (date(2026, 11, 13), ["王经理", "陈总"], "2026-11-27"),         # 10 > 3 × 3: + the 市场总监, from today
])
def test_who_hears_of_an_unanswered_problem_grows_with_the_wait(tmp_path, day, notify, escalated_on):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=day, 拜访人="李娜", 应对措施=None)])
    found = findings(path, "unanswered_problem")
    assert [(f.owner, f.notify, f.details["escalated_on"]) for f in found] == [("李娜", notify, escalated_on)]


def test_a_manager_who_left_a_problem_unanswered_is_not_told_of_it_twice(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 13), 拜访人="王经理", 应对措施=None)])
    [found] = findings(path, "unanswered_problem")
    assert (found.owner, found.notify) == ("王经理", ["陈总"])


def test_a_managers_own_problem_goes_to_his_superior_at_twice_the_limit(tmp_path):
    # 11-17 is 8 working days back: the department level. The 部门经理 owns it, so his 上级 hears of it.
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 17), 拜访人="王经理", 应对措施=None)])
    [found] = findings(path, "unanswered_problem")
    assert (found.owner, found.notify, found.details["escalate"]) == ("王经理", ["陈总"], "department")


def test_the_department_is_the_visitors_on_the_staff_sheet(tmp_path):
    # 周敏 of 市场二部 visits a client of 市场一部: her own manager hears of it, not the client's department's.
    staff = STAFF_ROWS + [
        {"姓名": "赵经理", "邮箱": "zhao@huimao.cn", "角色": "部门经理", "所属部门": "市场二部", "上级": "陈总"},
        {"姓名": "周敏", "邮箱": "zhoumin@huimao.cn", "角色": "客户经理", "所属部门": "市场二部", "上级": "赵经理"}]
    path = make_workbook(tmp_path, staff=staff,
                         visits=[visit(拜访日期=date(2026, 11, 17), 拜访人="周敏", 应对措施=None)])
    [found] = findings(path, "unanswered_problem")
    assert (found.owner, found.notify) == ("周敏", ["赵经理"])


@pytest.mark.parametrize("cells", [
    {"拜访日期": date(2026, 11, 24), "应对措施": None},                 # young: 3 working days
    {"拜访日期": date(2026, 11, 13), "应对措施": "已安排顾问上门诊断"},   # old but answered
    {"拜访日期": date(2026, 11, 13), "客户反映问题": None, "应对措施": None},  # no problem raised
])
def test_young_answered_or_problem_free_visits_are_fine(tmp_path, cells):
    path = make_workbook(tmp_path, visits=[visit(**cells)])
    assert findings(path, "unanswered_problem") == []


def test_without_the_response_column_nothing_is_reported(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 13))])   # no 应对措施 header
    assert findings(path, "unanswered_problem") == []


def test_the_aliases_of_the_column_are_read(tmp_path):
    import openpyxl

    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 13), 应对措施="已回复")])
    wb = openpyxl.load_workbook(path)
    wb["拜访记录"]["I1"] = "解决方案"
    wb.save(path)
    assert findings(path, "unanswered_problem") == []


def test_days_are_working_days_on_chinas_calendar(tmp_path):
    # Visit 2026-09-30; as of 2026-10-09 it is 9 calendar days but 2 working days (National Day holiday).
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 9, 30), 应对措施=None)])
    assert findings(path, "unanswered_problem", as_of=date(2026, 10, 9)) == []
    assert len(findings(path, "unanswered_problem", as_of=date(2026, 10, 12))) == 1   # 10-10 (调休) and 10-12 work


def test_response_days_is_a_setting_and_english_messages(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 24), 应对措施=None)])
    settings = Settings(language="en", checks=CheckSettings(response_days=2))
    [found] = findings(path, "unanswered_problem", settings=settings)
    assert found.message == ("Visits row 2: no response for 3 working days to the problem the client raised on "
                             "2026-11-24: 想做绩效考核")


@pytest.mark.parametrize("second_response, rows", [
    ("已安排顾问上门", [[3]]),      # answered in its other row (4): only the registered client's visit
    (None, [[2], [3]]),           # unanswered in both: one finding, on its first row
])
def test_a_visit_of_an_unregistered_client_entered_twice_is_one_problem(tmp_path, second_response, rows):
    twice = visit(拜访日期=date(2026, 11, 13), 客户编号=None, 客户名称="不存在的公司", 应对措施=None)
    path = make_workbook(tmp_path, visits=[twice, visit(拜访日期=date(2026, 11, 16), 应对措施=None),
                                           dict(twice, 应对措施=second_response)])
    assert [f.rows for f in findings(path, "unanswered_problem")] == rows
