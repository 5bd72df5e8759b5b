"""Acceptance of the handbook's discipline (issue 11, "How it will be checked"), through the real commands.

Each register here is small and made the way staff make them: dates typed as text (``2026.12.2``, ``12月3日``),
names with a full-width space (``李　娜``) or in traditional characters (``張偉``), a 客户编号 with stray spaces
or in lower case, blank rows, rows entered twice, plans with no 目的. The commands are the ones an admin runs
(``run weekly-report``, ``run daily-check``, ``check --state``), in this process, mailing to a real SMTP
server; the tests read the mail people receive, line by line.

The staff (tests/workbooks.py): 陈总 市场总监; 王经理 部门经理 of 市场一部; 张伟 and 李娜 客户经理 under him.
"""

from __future__ import annotations

import json
from datetime import date
from email import message_from_bytes, policy

import openpyxl
import pytest

from workbooks import STAFF_ROWS, client, make_workbook, plan, visit

MONDAY = "2026-11-30T08:00"   # the weekly report of 2026-W48; next week is 11/30–12/6


def _mails(server, kind: str) -> dict[str, str]:
    """Address → the plain text of the message of ``kind`` (daily-digest, weekly-…) it received."""
    found = {}
    for r in server.received:
        message = message_from_bytes(r.data, policy=policy.default)
        if message["X-Huimao-Report"].startswith(kind):
            assert r.recipients[0] not in found, f"{r.recipients[0]} got two {kind} messages"
            found[r.recipients[0]] = message.get_body(("plain",)).get_content()
    return found


def _section(text: str, heading: str) -> list[str]:
    """The lines of the mail section whose ``== heading`` starts with ``heading``, up to the next blank line."""
    start = text.index(f"== {heading}")
    return text[start:].split("\n\n")[0].splitlines()


def _run(run_cli, job: str, now: str, path, server) -> str:
    code, out, err = run_cli("run", job, "--now", now, "--source", str(path), "--state", "state",
                             "--smtp", server.url)
    assert code == 0, out + err
    return out


def _check_json(run_cli, path, as_of: str, *state: str) -> list[dict]:
    code, out, err = run_cli("check", "--source", str(path), "--as-of", as_of, "--format", "json", *state)
    assert code in (0, 1), err
    return json.loads(out)["findings"]


def _found(findings: list[dict], code: str) -> list[tuple]:
    return [(f["rows"], f["owner"], f["notify"], f["message"]) for f in findings if f["code"] == code]


# --- 1. follow-ups due next week, planned or not ---------------------------------------------------------------

FOLLOWUP_CLIENTS = [
    client(客户编号="KH0001", 客户名称="福州鼎盛贸易有限公司", 下次跟进日期="2026.12.2"),
    client(客户编号="KH0002", 客户名称="厦门海沧物流有限公司", 下次跟进日期="12月3日", 负责人手机="13900139000",
           地址="厦门市海沧区1号"),
    client(客户编号="KH0003", 客户名称="泉州闽南纺织有限公司", 下次跟进日期="2026/12/4", 负责人手机="13700137000",
           地址="泉州市丰泽区2号"),
    None,   # a blank separator row: the next client is on row 6
    client(客户编号="KH0004", 客户名称="莆田华信建材有限公司", 下次跟进日期=date(2026, 12, 5), 负责人手机="13600136000",
           地址="莆田市城厢区3号"),
    client(客户编号="KH0005", 客户名称="漳州绿源食品有限公司", 下次跟进日期="2026年12月6日", 负责人手机="13500135000",
           地址="漳州市芗城区4号"),
    client(客户编号="KH0006", 客户名称="宁德海峡电子有限公司", 下次跟进日期="2026-12-04", 负责人手机="13300133000",
           地址="宁德市蕉城区5号"),
    client(客户编号="KH0007", 客户名称="南平武夷茶业有限公司", 下次跟进日期="2026-12-09", 负责人手机="13200132000",
           地址="南平市延平区6号"),
    # due from its last visit's 下次跟进日期, typed as text; planned by a colleague today, the as-of date
    client(客户编号="KH0008", 客户名称="三明沙县小吃有限公司", 负责人手机="13100131000", 地址="三明市沙县7号", 客户经理="李娜"),
    # due from its last visit's 下次跟进日期 too, and nobody planned it
    client(客户编号="KH0009", 客户名称="龙岩古田旅游有限公司", 负责人手机="13000130000", 地址="龙岩市上杭县8号", 客户经理="李娜"),
]
FOLLOWUP_VISITS = [
    visit(拜访日期="2026.11.20", 客户编号="KH0008", 拜访人="李娜", 下次跟进日期="12月1日"),
    visit(拜访日期="2026.11.20", 客户编号="KH0009", 拜访人="李娜", 下次跟进日期="2026.12.3"),
]
FOLLOWUP_PLANS = [
    plan(客户编号="KH0001", 计划日期="2026/12/1", 拜访人="张伟", 目的="签约"),          # the owner, before the due date
    plan(客户编号="KH0001", 计划日期="2026/12/1", 拜访人="张伟", 目的="签约"),          # ... entered twice
    None,
    plan(客户编号=" kh0002 ", 计划日期="12月2日", 拜访人="李　娜", 目的=None),           # a colleague, before; no purpose
    plan(客户编号="KH0003", 计划日期="2026.12.5", 拜访人="張偉", 目的="送资料"),        # the owner, after the due date
    plan(客户编号="KH0004", 计划日期=date(2026, 11, 27), 拜访人="张伟", 目的="回访"),   # before the as-of date
    plan(客户编号=None, 客户名称="寧德海峽電子有限公司", 计划日期="2026.12.4", 拜访人="李娜", 目的=None),  # on the due date
    plan(客户编号="KH0008", 计划日期="2026-11-30", 拜访人="张伟", 目的="送样品"),       # a colleague, on the as-of date
]

UNPLANNED = [
    ([4], "张伟", [], "客户“泉州闽南纺织有限公司（KH0003）”应于2026-12-04跟进，但拜访计划中没有2026-11-30至2026-12-04的安排"
                            "（已有2026-12-05的计划，晚于应跟进日期）"),
    ([6], "张伟", [], "客户“莆田华信建材有限公司（KH0004）”应于2026-12-05跟进，但拜访计划中没有2026-11-30至2026-12-05的安排"),
    ([7], "张伟", [], "客户“漳州绿源食品有限公司（KH0005）”应于2026-12-06跟进，但拜访计划中没有2026-11-30至2026-12-06的安排"),
    ([11], "李娜", [], "客户“龙岩古田旅游有限公司（KH0009）”应于2026-12-03跟进，但拜访计划中没有2026-11-30至2026-12-03的安排"),
]


@pytest.fixture
def followups(tmp_path):
    return make_workbook(tmp_path, clients=FOLLOWUP_CLIENTS, visits=FOLLOWUP_VISITS, plans=FOLLOWUP_PLANS)


def test_a_follow_up_is_unplanned_when_nobody_planned_it_from_today_to_its_due_date(run_cli, followups):
    """Planned by the owner or a colleague (named with a full-width space, in traditional characters, by a
    client id with spaces or by the client's name in traditional characters) from the as-of date to the due
    date: planned. After the due date, before the as-of date, or not at all: ``unplanned_followup``. A
    follow-up more than 7 days out (KH0007, 12-09) is not asked for yet."""
    assert _found(_check_json(run_cli, followups, "2026-11-30"), "unplanned_followup") == [
        (rows, owner, notify, message) for rows, owner, notify, message in UNPLANNED]


def test_the_weekly_mail_marks_each_follow_up_as_the_check_does_and_lists_next_week_s_plans_once(
        run_cli, followups, server):
    _run(run_cli, "weekly-report", MONDAY, followups, server)
    mails = _mails(server, "weekly")

    zhang = mails["zhangwei@huimao.cn"]
    assert _section(zhang, "应跟进（11/30–12/6）") == [
        "== 应跟进（11/30–12/6） (6) ==",
        "已有计划 3 · 未做计划 3",
        "“已有计划”：拜访计划中有人（您或同事）在2026-11-30至应跟进日期之间安排了拜访；“未做计划”的请在拜访计划中安排。",
        "- 2026-12-02 福州鼎盛贸易有限公司（KH0001） (已有计划)",
        "- 2026-12-03 厦门海沧物流有限公司（KH0002） (已有计划)",
        "- 2026-12-04 宁德海峡电子有限公司（KH0006） (已有计划)",
        "- 2026-12-04 泉州闽南纺织有限公司（KH0003） (未做计划)",
        "- 2026-12-05 莆田华信建材有限公司（KH0004） (未做计划)",
        "- 2026-12-06 漳州绿源食品有限公司（KH0005） (未做计划)",
    ]
    # the plan entered twice is one plan; the plan without a purpose shows none
    assert _section(zhang, "计划拜访（11/30–12/6）") == [
        "== 计划拜访（11/30–12/6） (3) ==",
        "- 2026-11-30 周一 三明沙县小吃有限公司（KH0008） (送样品)",
        "- 2026-12-01 周二 福州鼎盛贸易有限公司（KH0001） (签约)",
        "- 2026-12-05 周六 泉州闽南纺织有限公司（KH0003） (送资料)",
    ]
    assert [line for line in _section(zhang, "需要您处理的事项") if line.startswith("- ")] == [
        f"- [跟进未做计划] {message} (新发现)" for _rows, owner, _n, message in UNPLANNED if owner == "张伟"]

    lina = mails["lina@huimao.cn"]
    assert _section(lina, "应跟进（11/30–12/6）")[3:] == [
        "- 2026-12-01 三明沙县小吃有限公司（KH0008） (已有计划)",
        "- 2026-12-03 龙岩古田旅游有限公司（KH0009） (未做计划)",
    ]
    assert _section(lina, "计划拜访（11/30–12/6）") == [
        "== 计划拜访（11/30–12/6） (2) ==",
        "- 2026-12-02 周三 厦门海沧物流有限公司（KH0002）",
        "- 2026-12-04 周五 宁德海峡电子有限公司（KH0006）",
    ]
    assert [line for line in _section(lina, "需要您处理的事项") if line.startswith("- ")] == [
        f"- [跟进未做计划] {UNPLANNED[3][3]} (新发现)"]

    # the manager's roll-up counts the same: 8 follow-ups, 4 planned, 4 not; 5 plans (not 6)
    assert "应跟进（11/30–12/6）: 8（已有计划 4，未做计划 4）    计划拜访（11/30–12/6）: 5" in mails["wang@huimao.cn"]
    assert "应跟进（11/30–12/6）: 8（已有计划 4，未做计划 4）    计划拜访（11/30–12/6）: 5" in mails["chen@huimao.cn"]


# --- 2. visits entered late -----------------------------------------------------------------------------------

def _late(run_cli, path, as_of: str) -> list[tuple]:
    return _found(_check_json(run_cli, path, as_of, "--state", "state"), "late_entry")


def test_a_second_run_flags_the_visit_dated_a_week_earlier_and_not_yesterday_s(tmp_path, run_cli):
    """The first run on a fresh state folder records every visit and flags none, however old. Two days
    later the workbook has gained, above the old rows (which move down), a visit dated a week earlier and one
    dated yesterday; the old rows were tidied meanwhile (the date retyped as a date cell, the 客户编号 and the
    拜访人 written properly): only the visit of a week ago is late, owned by its 拜访人, not the 客户经理."""
    first = [
        visit(拜访日期="2026.11.3", 客户编号=" kh0001 ", 拜访人="張偉", 客户反映问题="价格"),
        None,
        visit(拜访日期=date(2026, 11, 24), 拜访人="李　娜", 拜访方式="电话"),
    ]
    path = make_workbook(tmp_path, visits=first)
    assert _late(run_cli, path, "2026-11-25") == [], "the first run records without flagging"

    second = [
        visit(拜访日期="2026.11.20", 客户编号="KH0001 ", 拜访人="李　娜", 拜访方式="上门拜访", 客户反映问题="想要培训"),
        visit(拜访日期="11月26日", 拜访人="张伟", 拜访方式="来访"),
        visit(拜访日期=date(2026, 11, 3), 客户编号="KH0001", 拜访人="张伟", 客户反映问题="价格"),
        None,
        visit(拜访日期="2026/11/24", 拜访人="李娜", 拜访方式="电话"),
    ]
    path = make_workbook(tmp_path, visits=second)
    assert _late(run_cli, path, "2026-11-27") == [
        ([2], "李娜", [], "拜访记录第2行：2026-11-20的拜访到2026-11-27才录入，晚了5个工作日（应在2个工作日内录入）")]
    # check without a state folder never reports it
    assert _found(_check_json(run_cli, path, "2026-11-27"), "late_entry") == []


def test_the_visit_entered_late_reaches_its_visitor_s_digest_and_the_first_run_flags_nothing(
        tmp_path, run_cli, server):
    """The same through the scheduled job: the first ``run daily-check`` on a fresh state folder sends nobody
    a late entry; on Friday the colleague who logged Wednesday-week's visit reads it in her digest."""
    path = make_workbook(tmp_path, visits=[visit(拜访日期="2026.10.9", 客户反映问题="价格")])
    _run(run_cli, "daily-check", "2026-11-25T08:00", path, server)
    assert not any("拜访补录" in text for text in _mails(server, "daily").values())

    server.received.clear()
    path = make_workbook(tmp_path, visits=[
        visit(拜访日期="11月18日", 拜访人="李　娜", 客户反映问题="价格", 应对措施="已报价"),
        visit(拜访日期="2026.10.9", 客户反映问题="价格"), visit(拜访日期="2026/11/26", 拜访人="张伟")])
    _run(run_cli, "daily-check", "2026-11-27T08:00", path, server)
    mails = _mails(server, "daily")
    assert [line for line in mails["lina@huimao.cn"].splitlines() if "拜访补录" in line] == [
        "- [拜访补录] 拜访记录第2行：2026-11-18的拜访到2026-11-27才录入，晚了7个工作日（应在2个工作日内录入） (新发现)"]
    assert not any("拜访补录" in text for address, text in mails.items() if address != "lina@huimao.cn")


def test_a_visit_whose_client_id_was_filled_in_later_is_not_a_new_visit(tmp_path, run_cli):
    """A visit first logged by the client's name only — in traditional characters — and completed with its
    客户编号 a few days later is the same visit: the ledger knows it by the client it names, not by how."""
    path = make_workbook(tmp_path, visits=[visit(拜访日期="2026.11.10", 客户编号=None, 客户名称="福州鼎盛貿易有限公司")])
    assert _late(run_cli, path, "2026-11-25") == []
    path = make_workbook(tmp_path, visits=[visit(拜访日期="2026.11.10", 客户编号="KH0001", 客户名称="福州鼎盛贸易有限公司")])
    assert _late(run_cli, path, "2026-11-27") == []


def test_a_late_visit_entered_twice_is_one_late_visit(tmp_path, run_cli):
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 3))])
    assert _late(run_cli, path, "2026-11-25") == []
    twice = visit(拜访日期="2026.11.20", 拜访人="李娜")
    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 3)), twice, None, dict(twice, 拜访人="李　娜")])
    assert _late(run_cli, path, "2026-11-27") == [
        ([3], "李娜", [], "拜访记录第3行：2026-11-20的拜访到2026-11-27才录入，晚了5个工作日（应在2个工作日内录入）")]


# --- 3. problems without a response ---------------------------------------------------------------------------

ANSWER_CLIENTS = [client(), client(客户编号="KH0002", 客户名称="厦门华强电子有限公司", 负责人手机="13900139000",
                                   地址="厦门市思明区2号", 客户经理="李娜")]
ANSWER_VISITS = [
    visit(拜访日期="2026.11.26", 拜访人="张伟", 客户反映问题="嫌贵", 应对措施=None),             # 2 working days: young
    visit(拜访日期="11月24日", 拜访人="张　伟", 客户反映问题="交付周期太长", 应对措施=""),      # 4: the 拜访人
    visit(拜访日期=date(2026, 11, 18), 客户编号=" KH0002", 拜访人="李娜", 客户反映问题="价格偏高", 应对措施="待定"),
    visit(拜访日期="2026/11/16", 客户编号="KH0002", 拜访人="李娜", 客户反映问题="担心培训效果", 应对措施=None),
    visit(拜访日期="2026/11/16", 客户编号="kh0002", 拜访人="李娜", 客户反映问题="担心培训效果", 应对措施=None),  # twice
    visit(拜访日期="2026/11/16", 拜访人="王经理", 客户反映问题="合同条款", 应对措施=None),       # the manager's own
    visit(拜访日期="2026/11/16", 拜访人="张伟", 客户反映问题="要发票", 应对措施="已开票"),       # answered
    visit(拜访日期="2026/11/16", 拜访人="張偉", 客户反映问题="要发票", 应对措施=None),            # ... answered above
    None,
]
ONCE = "拜访记录第3行：2026-11-24客户反映的问题“交付周期太长”已4个工作日没有填写应对措施"      # > 1 × 3
TWICE = "拜访记录第4行：2026-11-18客户反映的问题“价格偏高”已8个工作日没有填写应对措施"        # > 2 × 3
THRICE = "拜访记录第5行：2026-11-16客户反映的问题“担心培训效果”已10个工作日没有填写应对措施"  # > 3 × 3
OWN = "拜访记录第7行：2026-11-16客户反映的问题“合同条款”已10个工作日没有填写应对措施"          # the manager's


def _answers(tmp_path, header: str):
    path = make_workbook(tmp_path, clients=ANSWER_CLIENTS, visits=ANSWER_VISITS)
    if header != "应对措施":
        wb = openpyxl.load_workbook(path)
        [cell] = [c for c in wb["拜访记录"][1] if c.value == "应对措施"]
        cell.value = header
        wb.save(path)
    return path


@pytest.mark.parametrize("header", ["应对措施", "解决方案", "处理措施"])
def test_who_hears_of_each_unanswered_problem(tmp_path, run_cli, server, header):
    """Past ``response_days`` (3) working days the 拜访人; past twice that the 部门经理 too; past three times the
    市场总监's weekly mail too. A young problem, an answered one (``待定`` is no answer; an answer in one row of
    a visit entered twice answers it) and a visit entered twice are heard of once, or not at all."""
    path = _answers(tmp_path, header)
    assert _found(_check_json(run_cli, path, "2026-11-30"), "unanswered_problem") == [
        ([3], "张伟", [], ONCE), ([4], "李娜", ["王经理"], TWICE), ([5], "李娜", ["王经理", "陈总"], THRICE),
        ([7], "王经理", ["陈总"], OWN)]

    _run(run_cli, "weekly-report", MONDAY, path, server)
    mails = _mails(server, "weekly")
    heard = {address: [m for m in (ONCE, TWICE, THRICE, OWN) for _ in range(text.count(m))]
             for address, text in mails.items() if address != "chen@huimao.cn"}
    assert heard == {"zhangwei@huimao.cn": [ONCE], "lina@huimao.cn": [TWICE, THRICE],
                     "wang@huimao.cn": [TWICE, THRICE, OWN]}
    assert [line for line in _section(mails["wang@huimao.cn"], "需要您处理的事项") if "问题未应对" in line] == [
        f"- [问题未应对] {OWN} (新发现)", f"- [问题未应对]（知会） {TWICE} → 李娜 (新发现)",
        f"- [问题未应对]（知会） {THRICE} → 李娜 (新发现)"]
    chen = mails["chen@huimao.cn"]
    section = chen[chen.index("== 逾期未应对的问题"):].split("\n== ")[0]
    assert section.splitlines() == [
        "== 逾期未应对的问题 (2) ==",
        "客户反映的问题，超过应对期限三倍仍未填写“应对措施”（及时向公司层面汇报，不得隐瞒和截留）。",
        "每一条都在拜访人和其部门经理的邮件中；完整清单见“数据检查（register.xlsx）”工作表，按“问题代码”列筛选“unanswered_problem”。",
        "",
        "按拜访人:",
        "- 李娜 (市场一部): 1 条，最久 10 个工作日",
        "- 王经理 (市场一部): 1 条，最久 10 个工作日",
        "",
        "最久的 2 条:",
        f"- [问题未应对] {THRICE} → 李娜 (新发现)",
        f"- [问题未应对] {OWN} → 王经理 (新发现)"]
    # the director's company view lists every open finding among the longest-open ones, except those he has
    # just read in full under 逾期未应对的问题
    assert [mails["chen@huimao.cn"].count(m) for m in (THRICE, OWN)] == [1, 1]


def test_in_the_daily_digests_each_hears_once_on_the_day_it_reaches_them(tmp_path, run_cli, server):
    path = _answers(tmp_path, "应对措施")
    _run(run_cli, "daily-check", "2026-11-27T08:00", path, server)   # Friday: 7 and 9 working days
    friday = _mails(server, "daily")
    assert [line for line in friday["wang@huimao.cn"].splitlines() if "问题未应对" in line] == [
        "- [问题未应对] 拜访记录第7行：2026-11-16客户反映的问题“合同条款”已9个工作日没有填写应对措施 (新发现)",
        "- [问题未应对]（知会） 拜访记录第4行：2026-11-18客户反映的问题“价格偏高”已7个工作日没有填写应对措施 → 李娜 (新发现)",
        "- [问题未应对]（知会） 拜访记录第5行：2026-11-16客户反映的问题“担心培训效果”已9个工作日没有填写应对措施 → 李娜 (新发现)"]
    # the manager's own problem goes to his 上级 at twice the limit
    assert [line for line in friday["chen@huimao.cn"].splitlines() if "问题未应对" in line] == [
        "- [问题未应对]（知会） 拜访记录第7行：2026-11-16客户反映的问题“合同条款”已9个工作日没有填写应对措施 → 王经理 (新发现)"]

    server.received.clear()
    _run(run_cli, "daily-check", "2026-11-30T08:00", path, server)   # Monday: 11-16 reaches the director
    monday = _mails(server, "daily")
    assert [line for line in monday["chen@huimao.cn"].splitlines() if "问题未应对" in line] == [
        f"- [问题未应对]（知会） {THRICE} → 李娜 (已存在 3天)", f"- [问题未应对]（知会） {OWN} → 王经理 (已存在 3天)"]
    # his own every day; of the others, the one that went up to the director today (as the director hears of
    # it), not the one he was told of on Friday
    assert [line for line in monday["wang@huimao.cn"].splitlines() if "问题未应对" in line] == [
        f"- [问题未应对] {OWN} (已存在 3天)", f"- [问题未应对]（知会） {THRICE} → 李娜 (已存在 3天)"]


# --- 4. the brief before a visit a colleague made days ago ----------------------------------------------------

STAFF_WITH_LIU = STAFF_ROWS + [
    {"姓名": "刘洋", "邮箱": "liuyang@huimao.cn", "角色": "客户经理", "所属部门": "市场一部", "上级": "王经理"}]


@pytest.mark.parametrize("now, visited, planned, planned_text, heading, subject_day", [
    # Thursday: tomorrow is Friday; 刘洋 visited on Monday, three days ago
    ("2026-12-03T08:00", "2026.11.30", "12月4日", "2026-12-04", "2026-12-04（周五）", "12/3（周四）"),
    # Friday: the next working day is Monday, across the weekend; 刘洋 visited on Tuesday, three days ago
    ("2026-11-27T08:00", "2026/11/24", "2026.11.30", "2026-11-30", "2026-11-30（周一）", "11/27（周五）"),
])
def test_a_plan_of_the_next_working_day_for_a_client_a_colleague_visited_three_days_ago(
        tmp_path, run_cli, server, now, visited, planned, planned_text, heading, subject_day):
    """The planner (张伟, typed ``张　伟``, the 客户编号 ``kh 0001``, the plan entered twice with no purpose)
    reads the colleague's name and the problem the client raised; the colleague (劉洋 in traditional
    characters on the visit log) is warned in their own digest, once."""
    visits = [
        visit(拜访日期="2026.11.10", 拜访人="张伟", 拜访方式="电话", 客户反映问题="想做绩效考核", 拜访结果="已发方案"),
        visit(拜访日期=visited, 客户编号=" KH0001 ", 拜访人="劉洋", 拜访方式="上门", 客户反映问题="担心培训效果落不了地",
              拜访结果="约了下周再谈"),
        None,
    ]
    plans = [plan(计划日期=planned, 客户编号="kh 0001", 拜访人="张　伟", 目的=None)] * 2
    path = make_workbook(tmp_path, staff=STAFF_WITH_LIU, visits=visits, plans=plans)
    _run(run_cli, "daily-check", now, path, server)
    mails = _mails(server, "daily")
    visited_iso = visited.replace(".", "-").replace("/", "-")

    assert _section(mails["zhangwei@huimao.cn"], "拜访前简报") == [
        "== 拜访前简报 (1) ==",
        f"* {heading}拜访 福州鼎盛贸易有限公司（KH0001）",
        f"  ! 刘洋于{visited_iso}拜访过该客户。出发前请先与刘洋沟通，以免撞车。",
        "  最近2次拜访（共2次）:",
        f"  - {visited_iso} 刘洋 上门: 客户反映问题 担心培训效果落不了地；拜访结果 约了下周再谈",
        "  - 2026-11-10 张伟 电话: 客户反映问题 想做绩效考核；拜访结果 已发方案",
    ]
    assert _section(mails["liuyang@huimao.cn"], "同事的拜访计划") == [
        "== 同事的拜访计划 (1) ==",
        f"- 张伟计划于{planned_text}拜访福州鼎盛贸易有限公司（KH0001）；您于{visited_iso}拜访过该客户——请先沟通。",
    ]
    assert sorted(mails) == ["liuyang@huimao.cn", "zhangwei@huimao.cn"]
    subjects = {message_from_bytes(r.data, policy=policy.default)["Subject"] for r in server.received}
    assert f"【慧茂日报】刘洋 {subject_day}今日跟进 0 · 逾期 0 · 待改 1 · 撞车提醒 1" in subjects
