"""unplanned_followup (DESIGN §5, discipline): a follow-up due within 7 days of the as-of date needs a
拜访计划 row for the client — by anyone — dated from the as-of date to the due date; owner the 客户经理."""

from datetime import date

import pytest

from workbooks import AS_OF, client, findings, located, make_workbook, plan, visit

DUE = date(2026, 12, 2)   # AS_OF 2026-11-27 + 5 days


def test_a_follow_up_due_next_week_with_no_plan_is_reported_to_the_account_manager(tmp_path):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=DUE)], visits=[visit(拜访日期=date(2026, 11, 10))])
    found = findings(path, "unplanned_followup")
    assert located(found) == [("客户档案", [2], None)]
    assert found[0].owner == "张伟"
    assert found[0].client_ids == ["KH0001"]
    assert found[0].severity == "warning"
    assert found[0].message == "客户“福州鼎盛贸易有限公司（KH0001）”应于2026-12-02跟进，但拜访计划中没有2026-11-27至2026-12-02的安排"
    assert found[0].details == {"reason": "followup_date", "due": "2026-12-02", "last_visit": "2026-11-10",
                                "later_plan": None}


def test_a_plan_after_the_due_date_is_named_in_the_message(tmp_path):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=DUE)], plans=[plan(计划日期=date(2026, 12, 4))])
    [found] = findings(path, "unplanned_followup")
    assert found.message == ("客户“福州鼎盛贸易有限公司（KH0001）”应于2026-12-02跟进，但拜访计划中没有2026-11-27至2026-12-02"
                             "的安排（已有2026-12-04的计划，晚于应跟进日期）")
    assert found.details["later_plan"] == "2026-12-04"


@pytest.mark.parametrize("who, when, covered", [
    ("张伟", date(2026, 11, 30), True),     # the owner, before the due date
    ("李娜", date(2026, 12, 1), True),      # a colleague counts too
    ("张伟", DUE, True),                    # on the due date
    ("张伟", AS_OF, True),                  # today
    ("张伟", date(2026, 12, 3), False),     # after the due date: the follow-up would be late
    ("李娜", date(2026, 11, 26), False),    # before the as-of date: already past
])
def test_a_plan_by_anyone_from_today_to_the_due_date_covers_it(tmp_path, who, when, covered):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=DUE)], plans=[plan(拜访人=who, 计划日期=when)])
    assert located(findings(path, "unplanned_followup")) == ([] if covered else [("客户档案", [2], None)])


def test_a_plan_for_another_client_does_not_cover_it(tmp_path):
    other = client(客户编号="KH0002", 客户名称="厦门海沧物流有限公司", 客户经理="李娜")
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=DUE), other],
                         plans=[plan(客户编号="KH0002", 计划日期=date(2026, 11, 30))])
    assert located(findings(path, "unplanned_followup")) == [("客户档案", [2], None)]


def test_a_plan_naming_the_client_by_name_covers_it(tmp_path):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=DUE)],
                         plans=[plan(客户编号=None, 客户名称="福州鼎盛贸易有限公司", 计划日期=date(2026, 11, 30))])
    assert findings(path, "unplanned_followup") == []


@pytest.mark.parametrize("due, reported", [
    (date(2026, 11, 26), False),   # overdue: overdue_followup's business
    (AS_OF, False),                # due today: the daily digest's "due today"
    (date(2026, 11, 28), True),    # tomorrow
    (date(2026, 12, 4), True),     # the 7th day after
    (date(2026, 12, 5), False),    # the 8th day: not yet
])
def test_only_follow_ups_due_in_the_seven_days_after_the_as_of_date_are_checked(tmp_path, due, reported):
    path = make_workbook(tmp_path, clients=[client(下次跟进日期=due)])
    assert len(findings(path, "unplanned_followup")) == (1 if reported else 0)


def test_a_rating_cadence_falling_due_next_week_counts_as_well(tmp_path):
    # An A client last visited 11-17 is due on 12-01 (14 days).
    path = make_workbook(tmp_path, clients=[client(客户综合评估="A")], visits=[visit(拜访日期=date(2026, 11, 17))])
    found = findings(path, "unplanned_followup")
    assert [(f.details["reason"], f.details["due"]) for f in found] == [("cadence", "2026-12-01")]


def test_english_message(tmp_path):
    from huimao_sheets.config import Settings

    path = make_workbook(tmp_path, clients=[client(下次跟进日期=DUE)])
    found = findings(path, "unplanned_followup", settings=Settings(language="en"))
    assert found[0].message == ("Client “福州鼎盛贸易有限公司（KH0001）” is due for follow-up on 2026-12-02, "
                                "but no visit is planned from 2026-11-27 to 2026-12-02")
