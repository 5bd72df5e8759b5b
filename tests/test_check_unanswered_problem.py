"""unanswered_problem (DESIGN §5, discipline): a 客户反映问题 whose 应对措施 is still blank more than
``response_days`` working days (default 3, China's calendar) after the visit; owner the 拜访人;
``details.escalate`` names the 部门经理 past twice that and the 市场总监 past three times."""

from datetime import date

import pytest

from huimao_sheets.config import CheckSettings, Settings
from workbooks import AS_OF, findings, located, make_workbook, visit

# AS_OF is Friday 2026-11-27. Working days back: 11-24 (Tue) is 3, 11-23 (Mon) 4, 11-17 (Tue) 8,
# 11-16 (Mon) 9, 11-13 (Fri) 10.


def test_an_old_problem_with_no_response_is_reported_to_the_visitor(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 23), 拜访人="李娜", 应对措施=None)])
    found = findings(path, "unanswered_problem")
    assert located(found) == [("拜访记录", [2], "应对措施")]
    assert (found[0].owner, found[0].staff, found[0].client_ids, found[0].severity) == (
        "李娜", ["李娜"], ["KH0001"], "warning")
    assert found[0].message == "拜访记录第2行：2026-11-23客户反映的问题“想做绩效考核”已4个工作日没有填写应对措施"
    assert found[0].details == {"visit_date": "2026-11-23", "working_days": 4, "escalate": None}


@pytest.mark.parametrize("day, escalate", [
    (date(2026, 11, 23), None),          # 4 working days
    (date(2026, 11, 17), "department"),  # 8 > 2 × 3
    (date(2026, 11, 16), "department"),  # 9 = 3 × 3
    (date(2026, 11, 13), "director"),    # 10 > 3 × 3
])
def test_escalation_grows_with_the_wait(tmp_path, day, escalate):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=day, 应对措施=None)])
    assert [f.details["escalate"] for f in findings(path, "unanswered_problem")] == [escalate]


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
