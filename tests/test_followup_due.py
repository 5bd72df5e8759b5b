"""One follow-up rule for the whole product (``checks.followup.followup_due``): the ``overdue_followup`` check,
the daily digest's "due today" and the weekly report's "follow-ups due next week" agree on each client's due
date and on who must act (``checks.common.client_owner``: the 客户经理, else the department's manager) — also
when two colleagues visited a client on the same day and set different follow-up dates, in either row order."""

from datetime import date

import pytest

from huimao_sheets.app import check
from huimao_sheets.checks.followup import followup_due
from huimao_sheets.config import Settings
from huimao_sheets.reports.activity import Activity
from huimao_sheets.reports.daily import digest_mails, due_today
from huimao_sheets.reports.recipients import recipients
from huimao_sheets.timing import Week
from workbooks import client, make_workbook, visit

MONDAY = date(2026, 11, 30)   # the digest's day; the weekly report covers 2026-W48, "next week" is 11-30…12-06
SETTINGS = Settings()


def same_day_visits(client_id: str, zhang: date, li: date, li_first: bool) -> list[dict]:
    """张伟 and 李娜 both visited on 11-20 and each set a 下次跟进日期."""
    rows = [visit(客户编号=client_id, 拜访日期=date(2026, 11, 20), 拜访人="张伟", 下次跟进日期=zhang),
            visit(客户编号=client_id, 拜访日期=date(2026, 11, 20), 拜访人="李娜", 下次跟进日期=li)]
    return rows[::-1] if li_first else rows


@pytest.fixture(params=[False, True], ids=["zhang-first", "li-first"])
def register_and_findings(request, tmp_path):
    """Three clients with no 客户经理 (so 市场一部's manager 王经理 owns them), each visited twice on 11-20:

    KH0001  follow-ups 11-30 and 11-25 → due today, 11-30
    KH0002  follow-ups 12-05 and 11-30 → due 12-05: not today
    KH0003  follow-ups 11-27 and 11-24 → overdue since 11-27, 3 days late
    """
    li_first = request.param
    clients = [client(客户编号=f"KH000{i}", 客户名称=name, 客户经理=None, 所属部门="市场一部")
               for i, name in ((1, "福州鼎盛贸易有限公司"), (2, "厦门华强电子有限公司"), (3, "泉州闽江纺织有限公司"))]
    visits = (same_day_visits("KH0001", date(2026, 11, 30), date(2026, 11, 25), li_first)
              + same_day_visits("KH0002", date(2026, 12, 5), date(2026, 11, 30), li_first)
              + same_day_visits("KH0003", date(2026, 11, 27), date(2026, 11, 24), li_first))
    register, result = check(str(make_workbook(tmp_path, clients=clients, visits=visits)), MONDAY, SETTINGS)
    return register, result.findings


def test_the_later_follow_up_date_of_one_day_counts_and_the_department_manager_owns_it(register_and_findings):
    register, _findings = register_and_findings
    dues = followup_due(register, MONDAY, SETTINGS)
    assert [(d.client.client_id, d.due, d.reason, d.last_visit, d.owner) for d in dues] == [
        ("KH0001", date(2026, 11, 30), "followup_date", date(2026, 11, 20), "王经理"),
        ("KH0002", date(2026, 12, 5), "followup_date", date(2026, 11, 20), "王经理"),
        ("KH0003", date(2026, 11, 27), "followup_date", date(2026, 11, 20), "王经理"),
    ]


def test_the_check_and_the_digest_agree_on_date_and_owner(register_and_findings):
    register, findings = register_and_findings
    overdue = [f for f in findings if f.code == "overdue_followup"]
    assert [(f.client_ids, f.owner, f.details["due"], f.details["days_late"]) for f in overdue] == [
        (["KH0003"], "王经理", "2026-11-27", 3)]
    assert {owner: [(r["client"], r["reason"], r["last_visit"]) for r in rows]
            for owner, rows in due_today(register, MONDAY, SETTINGS).items()} == {
        "王经理": [("福州鼎盛贸易有限公司（KH0001）", "followup_date", "2026-11-20")]}

    people = recipients(register)
    mails = digest_mails(register, findings, MONDAY, SETTINGS, people, {})
    owners = [m.to_name for m in mails if "今日跟进 1" in m.subject]
    assert owners == ["王经理"], "the visitors own nothing: the clients are the department's"
    mails = [m for m in mails if m.to_name == "王经理"]
    text = mails[0].text
    assert "== 今日应跟进 (1) ==\n- 福州鼎盛贸易有限公司（KH0001）：下次跟进日期为今天；上次拜访 2026-11-20\n" in text
    assert ("== 已逾期的跟进 (1) ==\n- [跟进逾期] 客户“泉州闽江纺织有限公司（KH0003）”应于2026-11-27跟进，"
            "已逾期3天（下次跟进日期已过）") in text


def test_the_weekly_report_lists_next_weeks_follow_ups_by_the_same_rule(register_and_findings):
    register, _findings = register_and_findings
    activity = Activity(register, Week(2026, 48), MONDAY, SETTINGS)
    assert [(f["client"], f["due"]) for f in activity.figures("王经理")["followups"]] == [
        ("福州鼎盛贸易有限公司（KH0001）", "2026-11-30"), ("厦门华强电子有限公司（KH0002）", "2026-12-05")]
    assert activity.figures("张伟")["followups"] == [] and activity.figures("李娜")["followups"] == []
