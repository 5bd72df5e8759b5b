"""visit_collision and plan_collision (撞车): different staff on one client within the window (7 days,
inclusive: 7 days apart collides, 8 does not); the same person however spelled never collides with themself."""

from datetime import date, timedelta

import pytest

from huimao_sheets.config import CheckSettings, Settings
from workbooks import client, findings, located, make_workbook, plan, visit

D = date(2026, 11, 2)


@pytest.mark.parametrize("apart, collides", [(0, True), (6, True), (7, True), (8, False), (30, False)])
def test_two_staff_visiting_one_client_collide_within_seven_days_inclusive(tmp_path, apart, collides):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=D), visit(拜访日期=D + timedelta(days=apart), 拜访人="李娜")])
    found = findings(path, "visit_collision")
    assert located(found) == ([("拜访记录", [2, 3], None)] if collides else [])
    if collides:
        assert found[0].staff == ["张伟", "李娜"]
        assert found[0].client_ids == ["KH0001"]
        assert found[0].owner == "张伟"  # the client's account manager


def test_one_person_spelled_three_ways_does_not_collide_with_themself(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=D, 拜访人="张伟"), visit(拜访日期=D + timedelta(days=1), 拜访人=" 张伟 "),
                                           visit(拜访日期=D + timedelta(days=2), 拜访人="张　伟")])
    assert findings(path, "visit_collision") == []


def test_one_finding_per_episode_with_only_the_visits_that_collide(tmp_path):
    path = make_workbook(tmp_path, clients=[client(), client(客户编号="KH0002", 客户名称="厦门兴海建材")], visits=[
        visit(拜访日期=D - timedelta(days=20)),                            # row 2: 张伟 alone, long before
        visit(拜访日期=D),                                                 # row 3 ┐ episode 1
        visit(拜访日期=D + timedelta(days=3), 拜访人="李娜"),                 # row 4 ┘
        visit(拜访日期=D - timedelta(days=34), 拜访人="李娜"),                # row 5 ┐ episode 2
        visit(拜访日期=D - timedelta(days=30), 拜访人="张伟", 客户编号=None,    # row 6 ┘ (matched by name)
              客户名称="福州鼎盛贸易有限公司"),
        visit(拜访日期=D, 客户编号="KH0002"),                                # row 7 ┐ another client: not
        visit(拜访日期=D, 客户编号="KH0002"),                                # row 8 ┘ a collision (same person)
    ])
    found = findings(path, "visit_collision")
    assert located(found) == [("拜访记录", [3, 4], None), ("拜访记录", [5, 6], None)]
    assert found[0].details["start"] == "2026-11-02" and found[0].details["end"] == "2026-11-05"


def test_the_window_is_a_setting(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=D), visit(拜访日期=D + timedelta(days=10), 拜访人="李娜")])
    settings = Settings(checks=CheckSettings(collision_window_days=14))
    assert located(findings(path, "visit_collision", settings=settings)) == [("拜访记录", [2, 3], None)]


def test_a_plan_colliding_with_a_colleagues_plan_is_found_on_the_plans_sheet(tmp_path):
    path = make_workbook(tmp_path, plans=[
        plan(计划日期=date(2026, 12, 1)),                               # row 2 ┐
        plan(计划日期=date(2026, 12, 8), 拜访人="李娜"),                  # row 3 ┘ 7 days apart
        plan(计划日期=date(2026, 12, 20), 拜访人="李娜"),                 # row 4: 12 days later, alone
    ])
    found = findings(path, "plan_collision")
    assert located(found) == [("拜访计划", [2, 3], None)]
    assert found[0].staff == ["张伟", "李娜"]
    assert found[0].details["visit_rows"] == []
    assert found[0].message == ("客户“福州鼎盛贸易有限公司（KH0001）”：张伟计划于2026-12-01拜访，"
                                "李娜也计划于2026-12-08拜访，相隔不超过7天，请先互相沟通")


def test_a_plan_colliding_with_a_colleagues_recent_visit_lists_the_visit(tmp_path):
    path = make_workbook(tmp_path,
                         visits=[visit(拜访日期=date(2026, 11, 25), 拜访人="李娜"),   # row 2: 5 days before the plan
                                 visit(拜访日期=date(2026, 11, 26))],              # row 3: the planner's own visit
                         plans=[plan(计划日期=date(2026, 11, 30))])
    found = findings(path, "plan_collision")
    assert located(found) == [("拜访计划", [2], None)]
    assert found[0].details["visit_rows"] == [2]
    # Only the planner plans: the colleague's visit is said to be a visit, with its date.
    assert found[0].message == ("客户“福州鼎盛贸易有限公司（KH0001）”：张伟计划于2026-11-30拜访，"
                                "李娜已于2026-11-25拜访，相隔不超过7天，请先互相沟通")


def test_a_plan_collision_does_not_tell_the_planner_of_their_own_visit(tmp_path):
    path = make_workbook(tmp_path,
                         visits=[visit(拜访日期=date(2026, 11, 26))],                         # row 2: the planner's
                         plans=[plan(计划日期=date(2026, 11, 29)), plan(计划日期=date(2026, 12, 8)),
                                plan(计划日期=date(2026, 12, 3), 拜访人="李娜")])
    [found] = findings(path, "plan_collision")
    assert located([found]) == [("拜访计划", [2, 3, 4], None)] and found.details["visit_rows"] == [2]
    assert found.message == ("客户“福州鼎盛贸易有限公司（KH0001）”：张伟计划于2026-11-29、2026-12-08拜访，"
                             "李娜也计划于2026-12-03拜访，相隔不超过7天，请先互相沟通")


def test_a_plan_collision_reads_in_english_too(tmp_path):
    path = make_workbook(tmp_path,
                         visits=[visit(拜访日期=date(2026, 11, 25), 拜访人="李娜")],
                         plans=[plan(计划日期=date(2026, 11, 30)), plan(计划日期=date(2026, 11, 28), 拜访人="王芳")])
    [found] = findings(path, "plan_collision", settings=Settings(language="en"))
    # The planner is the first to plan (王芳); 张伟's plan and 李娜's visit are the colleagues'.
    assert (found.owner, sorted(found.notify)) == ("王芳", ["张伟", "李娜"])
    assert found.message == ("Client “福州鼎盛贸易有限公司（KH0001）”: 王芳 plans to visit on 2026-11-28; "
                             "李娜 visited on 2026-11-25; 张伟 also plans to visit on 2026-11-30 "
                             "— within 7 days of each other; agree who goes")


def test_a_crowded_plan_collision_lists_four_colleagues_and_three_dates_each_then_counts_the_rest(tmp_path):
    colleagues = ["李娜", "王芳", "刘洋", "陈静", "赵磊", "孙丽"]
    path = make_workbook(tmp_path,
                         visits=[visit(拜访日期=date(2026, 11, 20) + timedelta(days=i), 拜访人="李娜") for i in range(4)]
                         + [visit(拜访日期=date(2026, 11, 25), 拜访人=name) for name in colleagues[1:]],
                         plans=[plan(计划日期=date(2026, 11, 27))])
    [found] = findings(path, "plan_collision")
    assert found.owner == "张伟" and found.staff[0] == "李娜"
    assert found.message == ("客户“福州鼎盛贸易有限公司（KH0001）”：张伟计划于2026-11-27拜访，"
                             "李娜已于2026-11-20、2026-11-21、2026-11-22等拜访，刘洋已于2026-11-25拜访，"
                             "孙丽已于2026-11-25拜访，王芳已于2026-11-25拜访，另有2位同事也在此期间拜访或计划拜访，"
                             "相隔不超过7天，请先互相沟通")


def test_a_plan_near_the_planners_own_visit_or_a_distant_colleagues_visit_is_no_collision(tmp_path):
    path = make_workbook(tmp_path,
                         visits=[visit(拜访日期=date(2026, 11, 26)), visit(拜访日期=date(2026, 11, 10), 拜访人="李娜")],
                         plans=[plan(计划日期=date(2026, 11, 30))])
    assert findings(path, "plan_collision") == []
    # The two visits themselves are 16 days apart: no visit collision either.
    assert findings(path, "visit_collision") == []


def test_a_visit_dated_after_the_as_of_date_collides_with_nobody(tmp_path):
    # 2027-11-24 is a mistyped 2026-11-24: future_date reports it; it has not happened, so no collision.
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2027, 11, 24)), visit(拜访日期=date(2027, 11, 25), 拜访人="李娜")])
    assert findings(path, "visit_collision") == []


def test_a_colleague_typed_in_traditional_characters_is_still_one_person(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=D, 拜访人="张伟"), visit(拜访日期=D, 拜访人="張偉")])
    assert findings(path, "visit_collision") == []


def test_plans_typed_for_the_year_1_or_9999_collide_with_nobody_and_stop_nothing(tmp_path):
    # The window around such a plan would leave the calendar: it is held at its ends.
    path = make_workbook(tmp_path,
                         visits=[visit(拜访日期=date(2026, 11, 25), 拜访人="李娜")],
                         plans=[plan(计划日期="0001-01-02"), plan(计划日期="9999-12-30", 拜访人="王芳"),
                                plan(计划日期=date(2026, 11, 30))])
    [found] = findings(path, "plan_collision")
    assert located([found]) == [("拜访计划", [4], None)] and found.details["visit_rows"] == [2]
