"""Who hears of a problem a client raised that nobody answered (issue 11, item 3; 及时向公司层面汇报，不得隐瞒和截留):
the 拜访人 past ``response_days`` working days; their 部门经理 too past twice that (in ``notify``, so in the
manager's weekly mail and, on the day it is escalated, in the manager's digest); past three times that the
市场总监 too, whose company weekly mail lists it under 逾期未应对的问题. Mailed through a real SMTP server."""

from __future__ import annotations

from datetime import date, datetime
from email import message_from_bytes, policy

import pytest

from huimao_sheets.config import Settings
from huimao_sheets.jobs import find_job
from huimao_sheets.runner import run_job
from huimao_sheets.timing import TZ
from workbooks import client, make_workbook, visit

MONDAY = date(2026, 11, 30)   # the weekly report covers 2026-W48

# 李娜 (市场一部, manager 王经理; director 陈总) left three problems unanswered. Working days to Monday 11-30:
ONCE = "拜访记录第2行：2026-11-24客户反映的问题“交付周期太长”已4个工作日没有填写应对措施"      # 4 > 1 × 3
TWICE = "拜访记录第3行：2026-11-18客户反映的问题“价格偏高”已8个工作日没有填写应对措施"        # 8 > 2 × 3
THRICE = "拜访记录第4行：2026-11-16客户反映的问题“担心培训效果”已10个工作日没有填写应对措施"    # 10 > 3 × 3


@pytest.fixture
def workbook(tmp_path):
    return make_workbook(tmp_path, clients=[
        client(客户经理="李娜"),
        client(客户编号="KH0002", 客户名称="厦门华强电子有限公司", 客户经理="李娜", 负责人手机="13900139000",
               地址="厦门市思明区2号"),
        client(客户编号="KH0003", 客户名称="泉州闽江纺织有限公司", 客户经理="李娜", 负责人手机="13700137000",
               地址="泉州市3号"),
    ], visits=[
        visit(拜访日期=date(2026, 11, 24), 客户编号="KH0001", 拜访人="李娜", 客户反映问题="交付周期太长", 应对措施=None),
        visit(拜访日期=date(2026, 11, 18), 客户编号="KH0002", 拜访人="李娜", 客户反映问题="价格偏高", 应对措施=None),
        visit(拜访日期=date(2026, 11, 16), 客户编号="KH0003", 拜访人="李娜", 客户反映问题="担心培训效果", 应对措施=None),
    ])


def _settings(tmp_path, server, path) -> Settings:
    return Settings(source=str(path), smtp=server.url, state_dir=str(tmp_path / "state"),
                    mail_from="慧茂 <report@huimao.cn>")


def _run(settings, job: str, day: date):
    return run_job(find_job(settings, job), settings, now=datetime(day.year, day.month, day.day, 8, 0, tzinfo=TZ),
                   env={})


def _texts(server, kind: str) -> dict[str, str]:
    """Address → the plain text of the last message of ``kind`` it received."""
    found = {}
    for r in server.received:
        message = message_from_bytes(r.data, policy=policy.default)
        if message["X-Huimao-Report"].startswith(kind):
            found[r.recipients[0]] = message.get_body(("plain",)).get_content()
    return found


def test_in_the_weekly_mails_the_manager_hears_past_twice_and_the_director_past_three_times(tmp_path, server,
                                                                                          workbook):
    assert _run(_settings(tmp_path, server, workbook), "weekly-report", MONDAY).ok
    mails = _texts(server, "weekly")

    lina = mails["lina@huimao.cn"]
    assert all(message in lina for message in (ONCE, TWICE, THRICE))

    wang = mails["wang@huimao.cn"]   # his department's roll-up, then his own week with what he is told of
    assert ONCE not in wang
    assert f"- [问题未应对]（知会） {TWICE} → 李娜 (新发现)" in wang and f"- [问题未应对]（知会） {THRICE} → 李娜 (新发现)" in wang

    chen = mails["chen@huimao.cn"]
    assert ("== 逾期未应对的问题 (1) ==\n"
            "客户反映的问题，超过应对期限三倍仍未填写“应对措施”（及时向公司层面汇报，不得隐瞒和截留）。\n"
            f"每一条都在拜访人和其部门经理的邮件中；完整清单见“数据检查（{workbook.name}）”工作表，"
            "按“问题代码”列筛选“unanswered_problem”。\n\n"
            "按拜访人:\n"
            "- 李娜 (市场一部): 1 条，最久 10 个工作日\n\n"
            "最久的 1 条:\n"
            f"- [问题未应对] {THRICE} → 李娜 (新发现)\n\n") in chen
    section = chen[chen.index("== 逾期未应对的问题"):chen.index("== 各部门")]

    assert ONCE not in section and TWICE not in section


def test_the_company_mail_has_no_such_section_when_nothing_is_that_late(tmp_path, server):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 18), 拜访人="李娜", 应对措施=None)])
    assert _run(_settings(tmp_path, server, path), "weekly-report", MONDAY).ok
    assert "逾期未应对的问题" not in _texts(server, "weekly")["chen@huimao.cn"]


def test_in_the_digests_each_hears_on_the_day_it_reaches_them(tmp_path, server, workbook):
    settings = _settings(tmp_path, server, workbook)
    _run(settings, "daily-check", date(2026, 11, 27))     # Friday: 11-16 is at 9 working days, 11-18 at 7
    friday = _texts(server, "daily")
    assert TWICE.replace("8个", "7个") in friday["wang@huimao.cn"]        # both reach him, new that day
    assert THRICE.replace("10个", "9个") in friday["wang@huimao.cn"]
    assert "chen@huimao.cn" not in friday

    server.received.clear()
    _run(settings, "daily-check", MONDAY)                 # Monday: 11-16 reaches the director
    monday = _texts(server, "daily")
    assert f"- [问题未应对]（知会） {THRICE} → 李娜 (已存在 3天)" in monday["chen@huimao.cn"]
    assert THRICE in monday["wang@huimao.cn"] and TWICE not in monday["wang@huimao.cn"]   # told on Friday
    assert all(message in monday["lina@huimao.cn"] for message in (ONCE, TWICE, THRICE))  # hers every day


def test_the_manager_hears_in_the_digest_on_the_day_of_escalation_only(tmp_path, server):
    path = make_workbook(tmp_path, visits=[
        visit(拜访日期=date(2026, 11, 20), 拜访人="李娜", 客户反映问题="价格偏高", 应对措施=None)])
    settings = _settings(tmp_path, server, path)
    seen = {}
    for day in (date(2026, 11, 27), MONDAY, date(2026, 12, 1), date(2026, 12, 2)):   # 5, 6, 7, 8 working days
        server.received.clear()
        _run(settings, "daily-check", day)
        seen[day.isoformat()] = sorted(address for address, text in _texts(server, "daily").items()
                                       if "“价格偏高”" in text)
    assert seen == {"2026-11-27": ["lina@huimao.cn"], "2026-11-30": ["lina@huimao.cn"],
                    "2026-12-01": ["lina@huimao.cn", "wang@huimao.cn"], "2026-12-02": ["lina@huimao.cn"]}


def test_the_director_reads_who_left_how_many_unanswered_and_the_oldest_ten_not_every_problem(tmp_path, server):
    # 25 problems past three times response_days: 李娜 left 15 (the oldest from 2026-10-12), 张伟 10.
    days = [date(2026, 10, 12 + i) for i in range(15)] + [date(2026, 10, 20 + i) for i in range(10)]
    people = ["李娜"] * 15 + ["张伟"] * 10
    path = make_workbook(tmp_path, visits=[
        visit(拜访日期=day, 拜访人=who, 客户反映问题=f"问题{n}", 应对措施=None)
        for n, (day, who) in enumerate(zip(days, people), start=1)])
    assert _run(_settings(tmp_path, server, path), "weekly-report", MONDAY).ok
    chen = _texts(server, "weekly")["chen@huimao.cn"]
    section = chen[chen.index("== 逾期未应对的问题 (25) =="):chen.index("== 各部门")]
    assert "按拜访人:\n- 李娜 (市场一部): 15 条，最久 35 个工作日\n- 张伟 (市场一部): 10 条，最久 29 个工作日\n" in section
    listed = [line for line in section.splitlines() if line.startswith("- [问题未应对]")]
    assert len(listed) == 10, "the ten oldest in full, not all 25"
    assert listed[0].startswith("- [问题未应对] 拜访记录第2行：2026-10-12客户反映的问题“问题1”已35个工作日")
    assert "……另有 15 项，完整清单见数据检查工作表" in section
