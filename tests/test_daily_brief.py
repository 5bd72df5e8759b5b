"""The pre-visit brief (issue 11, item 4; 在拜访客户之前应先与相关同事进行相关沟通，以免造成“撞车”): each plan dated
the digest's day or the next working day (China's calendar) gives its planner the client's last three visits
and the colleagues who visited or plan it within the collision window; each such colleague is warned in their
own digest. A digest with nothing but a brief is still sent."""

from __future__ import annotations

from datetime import date, datetime
from email import message_from_bytes, policy

from huimao_sheets.app import check
from huimao_sheets.config import CheckSettings, Settings
from huimao_sheets.jobs import find_job
from huimao_sheets.reports.brief import pre_visit_briefs
from huimao_sheets.reports.daily import digest_mails
from huimao_sheets.reports.recipients import recipients
from huimao_sheets.runner import run_job
from huimao_sheets.timing import TZ
from workbooks import STAFF_ROWS, client, make_workbook, plan, visit

THURSDAY = date(2026, 12, 3)   # the next working day is Friday 12-04; Monday 12-07 is two working days out


def _digests(server) -> dict[str, object]:
    """Address → the message the SMTP server received."""
    return {r.recipients[0]: message_from_bytes(r.data, policy=policy.default) for r in server.received}


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _run_daily(tmp_path, server, path, day: date, **settings):
    s = Settings(source=str(path), smtp=server.url, state_dir=str(tmp_path / "state"),
                 mail_from="慧茂 <report@huimao.cn>", **settings)
    return run_job(find_job(s, "daily-check"), s, now=datetime(day.year, day.month, day.day, 8, 0, tzinfo=TZ), env={})


def _briefs(path, as_of: date, settings: Settings | None = None):
    register, _result = check(str(path), as_of, settings or Settings(), only=["missing_required"])
    return pre_visit_briefs(register, as_of, settings or Settings())


def _planned(briefs) -> list[tuple[str, str, str]]:
    """(planner, plan date, client id) of every brief."""
    return [(name, b["date"], b["client_id"]) for name, rows in sorted(briefs.briefs.items()) for b in rows]


# --- the scenario, mailed --------------------------------------------------------------------------------

def test_a_plan_of_tomorrow_for_a_client_a_colleague_visited_three_days_ago(tmp_path, server):
    path = make_workbook(tmp_path, visits=[
        visit(拜访日期=date(2026, 11, 10), 拜访人="张伟", 拜访方式="电话", 客户反映问题="想做绩效考核", 拜访结果="已发方案"),
        visit(拜访日期=date(2026, 11, 30), 拜访人="李娜", 拜访方式="上门", 客户反映问题="担心培训效果落不了地",
              拜访结果="约了下周再谈"),
    ], plans=[plan(计划日期=date(2026, 12, 4), 拜访人="张伟", 目的="谈合同")])
    run = _run_daily(tmp_path, server, path, THURSDAY)
    assert run.ok
    mails = _digests(server)
    assert sorted(mails) == ["lina@huimao.cn", "zhangwei@huimao.cn"]

    zhang = mails["zhangwei@huimao.cn"]
    assert zhang["Subject"] == "【慧茂日报】张伟 12/3（周四）今日跟进 0 · 逾期 0 · 待改 1 · 拜访简报 1"
    assert (
        "== 拜访前简报 (1) ==\n"
        "* 2026-12-04（周五）拜访 福州鼎盛贸易有限公司（KH0001）（目的：谈合同）\n"
        "  ! 李娜于2026-11-30拜访过该客户。出发前请先与李娜沟通，以免撞车。\n"
        "  最近2次拜访（共2次）:\n"
        "  - 2026-11-30 李娜 上门: 客户反映问题 担心培训效果落不了地；拜访结果 约了下周再谈\n"
        "  - 2026-11-10 张伟 电话: 客户反映问题 想做绩效考核；拜访结果 已发方案\n") in _text(zhang)
    html = zhang.get_body(("html",)).get_content()
    assert "担心培训效果落不了地" in html and "李娜于2026-11-30拜访过该客户。出发前请先与李娜沟通，以免撞车。" in html

    lina = mails["lina@huimao.cn"]
    assert lina["Subject"] == "【慧茂日报】李娜 12/3（周四）今日跟进 0 · 逾期 0 · 待改 1 · 撞车提醒 1"
    assert ("== 同事的拜访计划 (1) ==\n"
            "- 张伟计划于2026-12-04拜访福州鼎盛贸易有限公司（KH0001）；您于2026-11-30拜访过该客户——请先沟通。\n") in _text(lina)
    assert "张伟计划于2026-12-04拜访福州鼎盛贸易有限公司（KH0001）；您于2026-11-30拜访过该客户——请先沟通。" in \
        lina.get_body(("html",)).get_content()


def test_a_digest_with_nothing_but_a_brief_is_sent(tmp_path, server):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 20))],
                         plans=[plan(计划日期=THURSDAY, 目的=None)])
    run = _run_daily(tmp_path, server, path, THURSDAY)
    mails = _digests(server)
    assert list(mails) == ["zhangwei@huimao.cn"]
    zhang = mails["zhangwei@huimao.cn"]
    assert zhang["Subject"] == "【慧茂日报】张伟 12/3（周四）今日跟进 0 · 逾期 0 · 待改 0 · 拜访简报 1"
    assert ("* 2026-12-03（今天）拜访 福州鼎盛贸易有限公司（KH0001）\n"
            "  最近1次拜访（共1次）:\n"
            "  - 2026-11-20 张伟 上门: 客户反映问题 想做绩效考核；拜访结果 已发方案\n") in _text(zhang)
    assert "撞车" not in _text(zhang)
    assert run.summary().endswith(f"日报 1 封已发送 → {server.url}")


def test_no_brief_and_no_mail_for_a_plan_two_working_days_out(tmp_path, server):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 20))],
                         plans=[plan(计划日期=date(2026, 12, 7))])   # Monday: Friday is the next working day
    run = _run_daily(tmp_path, server, path, THURSDAY)
    assert server.received == [] and run.summary().endswith("日报: 今天没有人有待办事项，不发送")
    assert _planned(_briefs(path, THURSDAY)) == []


# --- which plans get a brief -----------------------------------------------------------------------------------

def test_on_a_friday_the_next_working_day_is_monday_and_the_weekend_between_counts(tmp_path):
    path = make_workbook(tmp_path, plans=[
        plan(计划日期=date(2026, 12, 7), 拜访人="张伟"),   # Monday: the next working day
        plan(计划日期=date(2026, 12, 5), 拜访人="李娜"),   # Saturday, before it
        plan(计划日期=date(2026, 12, 8), 拜访人="王经理"),  # Tuesday: two working days out
        plan(计划日期=date(2026, 12, 3), 拜访人="陈总"),    # yesterday
    ])
    briefs = _briefs(path, date(2026, 12, 4))
    assert briefs.days == (date(2026, 12, 4), date(2026, 12, 7))
    assert _planned(briefs) == [("张伟", "2026-12-07", "KH0001"), ("李娜", "2026-12-05", "KH0001")]


def test_before_national_day_the_next_working_day_is_after_the_holiday(tmp_path):
    # As of Wednesday 2026-09-30: 10-01 to 10-07 are the holiday, Thursday 10-08 the next working day.
    path = make_workbook(tmp_path, plans=[plan(计划日期=date(2026, 10, 8), 拜访人="张伟"),
                                          plan(计划日期=date(2026, 10, 9), 拜访人="李娜")])
    briefs = _briefs(path, date(2026, 9, 30))
    assert briefs.days == (date(2026, 9, 30), date(2026, 10, 8))
    assert _planned(briefs) == [("张伟", "2026-10-08", "KH0001")]


def test_company_days_off_move_the_next_working_day(tmp_path):
    path = make_workbook(tmp_path, plans=[plan(计划日期=date(2026, 12, 7), 拜访人="张伟")])
    settings = Settings(checks=CheckSettings(company_days_off=[date(2026, 12, 4)]))
    assert _planned(_briefs(path, THURSDAY, settings)) == [("张伟", "2026-12-07", "KH0001")]


def test_a_client_with_more_than_three_visits_shows_the_latest_three(tmp_path):
    path = make_workbook(tmp_path, visits=[
        visit(拜访日期=date(2026, 10, 9), 客户反映问题="第一次"),
        visit(拜访日期=date(2026, 11, 20), 客户反映问题="第四次"),
        visit(拜访日期=date(2026, 10, 30), 客户反映问题="第二次"),
        visit(拜访日期=date(2026, 11, 6), 客户反映问题="第三次", 应对措施="已安排顾问"),
        visit(拜访日期=date(2027, 11, 25), 客户反映问题="年份写错"),   # after the as-of date: not a visit yet
        visit(拜访日期=date(2026, 11, 20), 客户反映问题=None, 拜访方式=None, 拜访结果=None),   # same day, later row
    ], plans=[plan(计划日期=date(2026, 12, 4))])
    [brief] = _briefs(path, THURSDAY).briefs["张伟"]
    assert brief["visit_count"] == 5
    assert [(v["date"], v["problems"], v["channel"], v["response"], v["row"]) for v in brief["visits"]] == [
        ("2026-11-20", "", "其他", "", 7), ("2026-11-20", "第四次", "上门", "", 3),
        ("2026-11-06", "第三次", "上门", "已安排顾问", 5)]


def test_colleagues_are_those_within_the_collision_window_of_the_planned_day(tmp_path):
    staff = STAFF_ROWS + [{"姓名": "周敏", "邮箱": "zhoumin@huimao.cn", "角色": "客户经理", "所属部门": "市场一部",
                           "上级": "王经理"}]
    path = make_workbook(tmp_path, staff=staff, visits=[
        visit(拜访日期=date(2026, 11, 26), 拜访人="周敏"),    # 8 days before 12-04: outside the 7-day window
        visit(拜访日期=date(2026, 11, 27), 拜访人="李娜"),    # 7 days before: inside
        visit(拜访日期=date(2026, 12, 1), 拜访人="张伟"),     # the planner's own visit: no colleague
    ], plans=[plan(计划日期=date(2026, 12, 4), 拜访人="张伟"),
              plan(计划日期=date(2026, 12, 10), 拜访人="王经理"),   # 6 days after: inside
              plan(计划日期=date(2026, 12, 12), 拜访人="周敏")])    # 8 days after: outside
    briefs = _briefs(path, THURSDAY)
    [brief] = briefs.briefs["张伟"]
    assert brief["colleagues"] == [{"name": "李娜", "kind": "visited", "date": "2026-11-27"},
                                   {"name": "王经理", "kind": "plans", "date": "2026-12-10"}]
    assert [(name, w["planner"], w["visited"], w["planned"]) for name, rows in sorted(briefs.warnings.items())
            for w in rows] == [("李娜", "张伟", ["2026-11-27"], []), ("王经理", "张伟", [], ["2026-12-10"])]
    assert "周敏" not in briefs.warnings


def test_two_colleagues_planning_one_client_these_days_read_of_each_other_once(tmp_path):
    path = make_workbook(tmp_path, plans=[plan(计划日期=date(2026, 12, 4), 拜访人="张伟"),
                                          plan(计划日期=THURSDAY, 拜访人="李娜")])
    register, result = check(str(path), THURSDAY, Settings())
    mails = {m.to_name: m for m in digest_mails(register, result.findings, THURSDAY, Settings(),
                                                recipients(register), {})}
    assert "李娜计划于2026-12-03拜访该客户。出发前请先与李娜沟通，以免撞车。" in mails["张伟"].text
    assert "张伟计划于2026-12-04拜访该客户。出发前请先与张伟沟通，以免撞车。" in mails["李娜"].text
    assert "同事的拜访计划" not in mails["张伟"].text + mails["李娜"].text


# --- language, escaping, stand-ins -----------------------------------------------------------------------------

def test_in_english(tmp_path):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 30), 拜访人="李娜", 客户反映问题="price")],
                         plans=[plan(计划日期=date(2026, 12, 4), 目的=None)])
    settings = Settings(language="en")
    register, result = check(str(path), THURSDAY, settings)
    mails = {m.to_name: m for m in digest_mails(register, result.findings, THURSDAY, settings,
                                                recipients(register), {})}
    assert mails["张伟"].subject.endswith(" · planned visits: 1")
    assert mails["李娜"].subject.endswith(" · colleagues' plans: 1")
    assert ("== Before your visits (1) ==\n"
            "* Fri 2026-12-04: visit 福州鼎盛贸易有限公司（KH0001）\n"
            "  ! 李娜 visited on 2026-11-30. Talk to 李娜 before you go, so that you do not collide.\n"
            "  Latest visits (1 of 1):\n"
            "  - 2026-11-30 李娜 On-site: Problems raised price; Outcome 已发方案\n") in mails["张伟"].text
    assert ("- 张伟 plans to visit 福州鼎盛贸易有限公司（KH0001） on 2026-12-04; you visited on 2026-11-30 — talk first.\n"
            in mails["李娜"].text)


def test_the_clients_words_are_escaped_in_html(tmp_path):
    hostile = '<img src=x onerror="alert(1)">价格'
    path = make_workbook(tmp_path, clients=[client(客户名称="<script>alert(1)</script>恶意公司")],
                         visits=[visit(拜访日期=date(2026, 11, 30), 客户反映问题=hostile)],
                         plans=[plan(计划日期=date(2026, 12, 4), 目的="<b>签约</b>")])
    register, result = check(str(path), THURSDAY, Settings())
    [mail] = [m for m in digest_mails(register, result.findings, THURSDAY, Settings(), recipients(register), {})
              if m.to_name == "张伟"]
    assert "<img src=x" not in mail.html and "<script>alert" not in mail.html and "<b>签约" not in mail.html
    assert "&lt;img src=x onerror=" in mail.html and "&lt;script&gt;alert(1)&lt;/script&gt;恶意公司" in mail.html
    assert hostile in mail.text


def test_the_brief_of_a_planner_without_an_address_goes_to_their_manager(tmp_path):
    staff = STAFF_ROWS + [{"姓名": "刘洋", "邮箱": None, "角色": "客户经理", "所属部门": "市场一部", "上级": "王经理"}]
    path = make_workbook(tmp_path, staff=staff, visits=[visit(拜访日期=date(2026, 11, 30), 拜访人="张伟")],
                         plans=[plan(计划日期=date(2026, 12, 4), 拜访人="刘洋")])
    register, result = check(str(path), THURSDAY, Settings())
    mails = {m.to_name: m for m in digest_mails(register, result.findings, THURSDAY, Settings(),
                                                recipients(register), {})}
    assert "刘洋" not in mails
    assert ("* 2026-12-04（周五）拜访 福州鼎盛贸易有限公司（KH0001）（目的：签约）（代刘洋接收：刘洋没有有效邮箱）\n"
            "  ! 张伟于2026-11-30拜访过该客户。出发前请先与张伟沟通，以免撞车。\n") in mails["王经理"].text
    assert "- 刘洋计划于2026-12-04拜访福州鼎盛贸易有限公司（KH0001）；您于2026-11-30拜访过该客户——请先沟通。\n" in \
        mails["张伟"].text


def test_a_visit_with_no_problem_recorded_says_so_as_the_spot_check_does(tmp_path):
    # 每日必问必录: a blank 客户反映问题 is a visit whose problems were not recorded, not one with none
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 30), 拜访人="李娜", 客户反映问题=None)],
                         plans=[plan(计划日期=date(2026, 12, 4))])
    for language, line in (("zh", "  - 2026-11-30 李娜 上门: 客户反映问题 （未记录）；拜访结果 已发方案\n"),
                           ("en", "  - 2026-11-30 李娜 On-site: Problems raised (not recorded); Outcome 已发方案\n")):
        settings = Settings(language=language)
        register, result = check(str(path), THURSDAY, settings)
        [mail] = [m for m in digest_mails(register, result.findings, THURSDAY, settings, recipients(register), {})
                  if m.to_name == "张伟"]
        assert line in mail.text, language
        assert settings.language == "en" or "（未记录）" in mail.html


def test_on_a_friday_the_note_says_the_briefs_run_to_monday(tmp_path):
    # the weekend's plans are briefed too: "today and the next working day" would leave them out
    path = make_workbook(tmp_path, plans=[plan(计划日期=date(2026, 12, 5))])
    friday = date(2026, 12, 4)
    register, result = check(str(path), friday, Settings())
    [mail] = [m for m in digest_mails(register, result.findings, friday, Settings(), recipients(register), {})
              if m.to_name == "张伟"]
    assert "从今天到下一个工作日（2026-12-07）计划拜访的客户" in mail.html
    assert "2026-12-05（周六）拜访 福州鼎盛贸易有限公司（KH0001）" in mail.text
