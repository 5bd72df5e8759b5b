"""The weekly report's look at the week after it (每周小结反省及下周计划): each follow-up due that week is
planned or not exactly as the ``unplanned_followup`` check decides (a 拜访计划 row by anyone, dated from the
as-of date to the due date), due today or overdue; each person's 拜访计划 rows of that week are listed in
their mail; the department and company roll-ups count both.

As of Monday 2026-11-30 the report's week is 2026-W48 and the week after it 2026-W49 (11/30–12/6).
"""

import re
from datetime import date

import pytest

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.reports.activity import Activity
from huimao_sheets.reports.context import OpenFindings, company_context, department_context, person_context
from huimao_sheets.reports.recipients import recipients
from huimao_sheets.reports.strings import strings
from huimao_sheets.reports.weekly import weekly_mails
from huimao_sheets.timing import Week
from workbooks import client, make_workbook, plan

AS_OF = date(2026, 11, 30)
W48 = Week(2026, 48)
T = strings("zh")

CLIENTS = [
    client(客户编号="KH0001", 客户名称="福州鼎盛贸易有限公司", 下次跟进日期=date(2026, 12, 2)),
    client(客户编号="KH0002", 客户名称="厦门海沧物流有限公司", 下次跟进日期=date(2026, 12, 3)),
    client(客户编号="KH0003", 客户名称="泉州闽南纺织有限公司", 下次跟进日期=date(2026, 12, 4)),
    client(客户编号="KH0004", 客户名称="莆田华信建材有限公司", 下次跟进日期=date(2026, 12, 5)),
    client(客户编号="KH0005", 客户名称="漳州绿源食品有限公司", 下次跟进日期=AS_OF),
    client(客户编号="KH0006", 客户名称="宁德海峡电子有限公司", 下次跟进日期=date(2026, 12, 8)),
    client(客户编号="KH0007", 客户名称="南平武夷茶业有限公司", 下次跟进日期=date(2026, 12, 6), 客户经理="李娜"),
]
PLANS = [
    plan(客户编号="KH0001", 计划日期=date(2026, 12, 1), 拜访人="张伟", 目的="签约"),        # the owner, before the due date
    plan(客户编号="KH0002", 计划日期=date(2026, 12, 2), 拜访人="李娜", 目的="需求调研"),    # a colleague covers it too
    plan(客户编号="KH0003", 计划日期=date(2026, 12, 5), 拜访人="张伟", 目的="送资料"),      # after the due date: late
    plan(客户编号="KH0004", 计划日期=date(2026, 11, 27), 拜访人="张伟", 目的="回访"),       # before the as-of date: past
    plan(客户编号="KH0007", 计划日期=date(2026, 12, 6), 拜访人="李娜", 目的="报价沟通"),   # on the due date
    plan(客户编号="KH0006", 计划日期=date(2026, 12, 8), 拜访人="张伟", 目的="回访"),       # the week after: not listed
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    path = make_workbook(tmp_path_factory.mktemp("wb"), clients=CLIENTS, plans=PLANS)
    register, result = check(str(path), AS_OF, Settings())
    return register, result.findings


@pytest.fixture(scope="module")
def activity(checked):
    return Activity(checked[0], W48, AS_OF, Settings())


@pytest.fixture(scope="module")
def open_findings(checked):
    return OpenFindings(checked[1], {}, AS_OF)


def test_each_follow_up_of_the_week_after_is_marked_as_unplanned_followup_decides(checked, activity, open_findings):
    p = person_context(activity, "张伟", open_findings, T)
    assert [(f["due"], f["client"], f["status"]) for f in p["followups"]["rows"]] == [
        ("2026-11-30", "漳州绿源食品有限公司（KH0005）", "due_today"),
        ("2026-12-02", "福州鼎盛贸易有限公司（KH0001）", "planned"),
        ("2026-12-03", "厦门海沧物流有限公司（KH0002）", "planned"),
        ("2026-12-04", "泉州闽南纺织有限公司（KH0003）", "unplanned"),
        ("2026-12-05", "莆田华信建材有限公司（KH0004）", "unplanned"),
    ]
    assert (p["followups_planned"], p["followups_unplanned"]) == (2, 2)
    # the very clients the check reports, and no other
    reported = {f.client_ids[0] for f in checked[1] if f.code == "unplanned_followup"}
    assert reported == {"KH0003", "KH0004"}
    listed = [f for name in ("张伟", "李娜") for f in person_context(activity, name, open_findings, T)["followups"]["rows"]]
    assert {f["client"][-7:-1] for f in listed if f["status"] == "unplanned"} == reported


def test_a_follow_up_planned_on_its_due_date_by_its_owner_is_planned(activity, open_findings):
    p = person_context(activity, "李娜", open_findings, T)
    assert [(f["client"], f["status"]) for f in p["followups"]["rows"]] == [("南平武夷茶业有限公司（KH0007）", "planned")]


def test_a_follow_up_already_late_is_overdue_not_unplanned(checked):
    """Run on Wednesday 12-02 for week 48: the week after began on Monday; KH0005 (due 11-30) is late."""
    activity = Activity(checked[0], W48, date(2026, 12, 2), Settings())
    rows = {f["client"]: f["status"] for f in activity.figures("张伟")["followups"]}
    assert rows["漳州绿源食品有限公司（KH0005）"] == "overdue"
    assert rows["福州鼎盛贸易有限公司（KH0001）"] == "due_today"
    assert rows["厦门海沧物流有限公司（KH0002）"] == "planned"     # 李娜's plan of today
    assert rows["泉州闽南纺织有限公司（KH0003）"] == "unplanned"


def test_the_week_after_s_plans_are_listed_for_whoever_made_them(activity, open_findings):
    assert person_context(activity, "张伟", open_findings, T)["next_plans"] == {"count": 2, "more": 0, "rows": [
        {"date": "2026-12-01", "weekday": 1, "client": "福州鼎盛贸易有限公司（KH0001）", "purpose": "签约", "row": 2},
        {"date": "2026-12-05", "weekday": 5, "client": "泉州闽南纺织有限公司（KH0003）", "purpose": "送资料", "row": 4},
    ]}
    assert [x["client"] for x in person_context(activity, "李娜", open_findings, T)["next_plans"]["rows"]] == [
        "厦门海沧物流有限公司（KH0002）", "南平武夷茶业有限公司（KH0007）"]
    assert person_context(activity, "王经理", open_findings, T)["next_plans"]["count"] == 0


def test_the_department_counts_per_member_and_the_company_per_department(activity, open_findings):
    d = department_context(activity, "市场一部", open_findings, T)
    assert [(m["name"], m["followups"], m["followups_planned"], m["followups_unplanned"], m["next_plans"])
            for m in d["members"]] == [("王经理", 0, 0, 0, 0), ("张伟", 5, 2, 2, 2), ("李娜", 1, 1, 0, 2)]
    totals = d["totals"]
    assert (totals["followups"], totals["followups_planned"], totals["followups_unplanned"], totals["next_plans"]) == (
        6, 3, 2, 4)
    c = company_context(activity, Activity(activity.register, W48.shifted(-1), AS_OF, Settings()), open_findings, T)
    [row] = c["departments"]
    assert (row["name"], row["followups"], row["followups_planned"], row["followups_unplanned"], row["next_plans"]) == (
        "市场一部", 6, 3, 2, 4)
    assert (c["totals"]["followups_planned"], c["totals"]["followups_unplanned"], c["totals"]["next_plans"]) == (3, 2, 4)


@pytest.fixture(scope="module")
def mails(checked):
    register, findings = checked
    return {m.to_name: m for m in weekly_mails(register, findings, W48, AS_OF, Settings(), recipients(register), {})}


def test_the_person_s_mail_marks_each_follow_up_and_lists_the_plans(mails):
    text = mails["张伟"].text
    assert ("== 应跟进（11/30–12/6） (5) ==\n已有计划 2 · 未做计划 2 · 今日到期/已逾期 1\n"
            "“已有计划”：拜访计划中有人（您或同事）在2026-11-30至应跟进日期之间安排了拜访；“未做计划”的请在拜访计划中安排。\n"
            "- 2026-11-30 漳州绿源食品有限公司（KH0005） (今日到期)\n"
            "- 2026-12-02 福州鼎盛贸易有限公司（KH0001） (已有计划)\n"
            "- 2026-12-03 厦门海沧物流有限公司（KH0002） (已有计划)\n"
            "- 2026-12-04 泉州闽南纺织有限公司（KH0003） (未做计划)\n"
            "- 2026-12-05 莆田华信建材有限公司（KH0004） (未做计划)\n\n"
            "== 计划拜访（11/30–12/6） (2) ==\n"
            "- 2026-12-01 周二 福州鼎盛贸易有限公司（KH0001） (签约)\n"
            "- 2026-12-05 周六 泉州闽南纺织有限公司（KH0003） (送资料)\n") in text
    html = mails["张伟"].html
    assert "计划拜访（11/30–12/6） (2)" in html and "送资料" in html and "今日到期" in html
    assert "宁德海峡电子有限公司" not in text, "due and planned the week after: not in this report"
    assert "== 计划拜访（11/30–12/6） (2) ==\n- 2026-12-02 周三 厦门海沧物流有限公司（KH0002） (需求调研)\n" in mails["李娜"].text


def test_the_department_and_company_mails_count_them(mails):
    # planned + not planned + due today (or overdue) add up to all the follow-ups of the week
    dept = mails["王经理"].text
    assert "应跟进（11/30–12/6）: 6（已有计划 3，未做计划 2，今日到期或已逾期 1）    计划拜访（11/30–12/6）: 4\n" in dept
    assert "   应跟进（11/30–12/6） 5（已有计划 2，未做计划 2，今日到期或已逾期 1） · 计划拜访（11/30–12/6） 2\n" in dept
    assert "   应跟进（11/30–12/6） 1（已有计划 1，未做计划 0） · 计划拜访（11/30–12/6） 2\n" in dept
    company = mails["陈总"].text
    assert "应跟进（11/30–12/6）: 6（已有计划 3，未做计划 2，今日到期或已逾期 1）    计划拜访（11/30–12/6）: 4\n" in company
    assert "   应跟进（11/30–12/6） 6（已有计划 3，未做计划 2，今日到期或已逾期 1） · 计划拜访（11/30–12/6） 4\n" in company
    assert ">3/6<" in mails["陈总"].html and ">3/6<" in mails["王经理"].html


def test_english(checked):
    register, findings = checked
    [mail] = weekly_mails(register, findings, W48, AS_OF, Settings(language="en"),
                          [r for r in recipients(register) if r.name == "张伟"], {})
    assert "- 2026-12-04 泉州闽南纺织有限公司（KH0003） (not planned)\n" in mail.text
    assert "== Visits planned 11/30–12/6 (2) ==\n- 2026-12-01 Tue 福州鼎盛贸易有限公司（KH0001） (签约)\n" in mail.text


def test_the_company_and_department_mails_count_open_findings_without_saying_they_need_the_reader(mails):
    # 5 open findings of the team are not all for the 部门经理 (or the 市场总监) to deal with
    for name in ("王经理", "陈总"):
        text = mails[name].text
        summary = text[text.index("== 一周概况 =="):]
        summary = summary[:summary.index("\n\n")]
        assert "待处理问题: " in summary and "需要您处理的事项" not in summary, name
    assert "待处理问题" in mails["陈总"].html and "需要您处理的事项" not in mails["陈总"].html


def test_a_numbers_column_has_its_header_over_its_numbers(mails):
    # right-aligned numbers under a left-aligned header read as belonging to the column before
    html = mails["陈总"].html
    headers = re.findall(r'<th class="num" style="([^"]*)"', html)
    assert headers and all("text-align: right" in style for style in headers)
