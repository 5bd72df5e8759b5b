"""overdue_followup (DESIGN §5): the follow-up date has passed with no visit since, or an A/B/C client's last
visit is older than its cadence (A 14, B 30, C 60 days); the earlier reason is reported with days late."""

from datetime import date, timedelta

import pytest

from huimao_sheets.config import CheckSettings, Settings
from workbooks import AS_OF, client, findings, located, make_workbook, visit


@pytest.mark.parametrize("rating, days_since, overdue", [
    ("A", 14, False), ("A", 15, True), ("B", 30, False), ("B", 31, True), ("C", 60, False), ("C", 61, True),
    ("D", 400, False),
])
def test_cadence_by_rating(tmp_path, rating, days_since, overdue):
    path = make_workbook(tmp_path, clients=[client(客户综合评估=rating)],
                         visits=[visit(拜访日期=AS_OF - timedelta(days=days_since))])
    found = findings(path, "overdue_followup")
    assert located(found) == ([("客户档案", [2], None)] if overdue else [])
    if overdue:
        assert found[0].details["reason"] == "cadence"
        assert found[0].details["days_late"] == 1
        assert found[0].owner == "张伟"


def test_a_passed_follow_up_date_with_no_visit_since_is_overdue_by_the_days_since_it(tmp_path):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=date(2026, 11, 20))],
                         visits=[visit(拜访日期=date(2026, 11, 10))])
    found = findings(path, "overdue_followup")
    assert located(found) == [("客户档案", [2], None)]
    assert found[0].details == {"reason": "followup_date", "due": "2026-11-20", "days_late": 7,
                                "last_visit": "2026-11-10"}
    assert found[0].message == "客户“福州鼎盛贸易有限公司（KH0001）”应于2026-11-20跟进，已逾期7天（下次跟进日期已过）"


def test_a_visit_on_or_after_the_due_date_clears_it(tmp_path):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=date(2026, 11, 20))],
                         visits=[visit(拜访日期=date(2026, 11, 20))])
    assert findings(path, "overdue_followup") == []


def test_due_today_is_not_yet_overdue(tmp_path):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=AS_OF)])
    assert findings(path, "overdue_followup") == []


def test_the_latest_follow_up_date_of_the_row_and_the_last_visit_counts(tmp_path):
    # The register row says 11-10, but the last visit (11-12) set the next follow-up to 12-01: not overdue.
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=date(2026, 11, 10))],
                         visits=[visit(拜访日期=date(2026, 11, 12), 下次跟进日期=date(2026, 12, 1))])
    assert findings(path, "overdue_followup") == []


def test_the_earlier_of_two_reasons_is_reported(tmp_path):
    # A client: last visit 10-01 → cadence due 10-15; follow-up date 11-01. The cadence came first.
    path = make_workbook(tmp_path, clients=[client(客户综合评估="A", 下次跟进日期=date(2026, 11, 1))],
                         visits=[visit(拜访日期=date(2026, 10, 1))])
    found = findings(path, "overdue_followup")
    assert (found[0].details["reason"], found[0].details["due"], found[0].details["days_late"]) == (
        "cadence", "2026-10-15", 43)


def test_visits_dated_after_the_as_of_date_have_not_happened(tmp_path):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=date(2026, 11, 20))],
                         visits=[visit(拜访日期=date(2027, 11, 25))])
    assert located(findings(path, "overdue_followup")) == [("客户档案", [2], None)]


def test_working_days_on_chinas_calendar_are_a_setting(tmp_path):
    # Due 2026-09-30; as of 2026-10-09 it is 9 calendar days late but only 2 working days:
    # 10-01…10-07 is the National Day holiday, 10-08 and 10-09 are working days.
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=date(2026, 9, 30))])
    calendar = findings(path, "overdue_followup", as_of=date(2026, 10, 9))
    working = findings(path, "overdue_followup", as_of=date(2026, 10, 9),
                       settings=Settings(checks=CheckSettings(day_count="working")))
    assert calendar[0].details["days_late"] == 9
    assert working[0].details["days_late"] == 2


def test_a_make_up_working_saturday_counts_as_a_working_day(tmp_path):
    # Saturday 2026-10-10 is an official working day (调休): due 10-09, as of Sunday 10-11 → 1 working day late.
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=date(2026, 10, 9))])
    found = findings(path, "overdue_followup", as_of=date(2026, 10, 11),
                     settings=Settings(checks=CheckSettings(day_count="working")))
    assert found[0].details["days_late"] == 1


def test_two_visits_on_the_last_day_the_later_follow_up_date_counts_whatever_the_row_order(tmp_path):
    for order in ((date(2026, 11, 22), date(2026, 12, 30)), (date(2026, 12, 30), date(2026, 11, 22))):
        path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 20), 下次跟进日期=order[0]),
                                               visit(拜访日期=date(2026, 11, 20), 下次跟进日期=order[1], 拜访人="李娜")])
        assert findings(path, "overdue_followup") == []


def test_a_follow_up_date_on_the_day_the_cadence_falls_due_is_reported_as_the_cadence(tmp_path):
    # A client: last visit 10-01 → cadence due 10-15, and the follow-up date is 10-15 too.
    path = make_workbook(tmp_path, clients=[client(客户综合评估="A", 下次跟进日期=date(2026, 10, 15))],
                         visits=[visit(拜访日期=date(2026, 10, 1))])
    found = findings(path, "overdue_followup")
    assert (found[0].details["reason"], found[0].details["due"]) == ("cadence", "2026-10-15")
