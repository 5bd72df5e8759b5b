"""The daily digest's sections (DESIGN §6: every mail leads with what needs a person, in full; data hygiene is
grouped by kind): a follow-up due soon with no plan is a follow-up, shown next to the due and overdue ones
under 未做计划的跟进 — not a data problem; the other business (collisions, …) is listed in full under
需要您处理的事项; cells to correct are grouped by kind, as in the weekly report, with the way to the full list."""

from __future__ import annotations

import re
from datetime import date

import openpyxl
import pytest

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.reports.daily import digest_mails
from huimao_sheets.reports.recipients import recipients
from workbooks import client, make_workbook, visit

MONDAY = date(2026, 11, 30)


@pytest.fixture
def register_path(tmp_path):
    """As of Monday 2026-11-30, for 张伟: KH0001 is due on Wednesday with no plan; KH0002 lacks a mobile;
    李娜 visited his KH0003 three days after him."""
    return make_workbook(tmp_path, clients=[
        client(下次跟进日期=date(2026, 12, 2)),
        client(客户编号="KH0002", 客户名称="厦门华强电子有限公司", 负责人手机=None, 地址="厦门市思明区2号"),
        client(客户编号="KH0003", 客户名称="泉州闽江纺织有限公司", 负责人手机="13900139000", 地址="泉州市3号"),
    ], visits=[visit(拜访日期=date(2026, 11, 20)),
               visit(拜访日期=date(2026, 11, 23), 客户编号="KH0003"),
               visit(拜访日期=date(2026, 11, 26), 客户编号="KH0003", 拜访人="李娜")])


def _digest(path, language="zh", to="张伟"):
    """The daily digest of Monday 2026-11-30 that ``to`` gets from the register at ``path``."""
    settings = Settings(language=language)
    register, result = check(str(path), MONDAY, settings)
    mails = digest_mails(register, result.findings, MONDAY, settings, recipients(register), {})
    [mail] = [m for m in mails if m.to_name == to]
    return mail


def test_a_follow_up_without_a_plan_is_a_follow_up_and_the_cells_to_correct_are_grouped(register_path):
    mail = _digest(register_path)
    assert mail.subject == "【慧茂日报】张伟 11/30（周一）今日跟进 0 · 逾期 0 · 未做计划 1 · 待改 2"
    assert ("== 未做计划的跟进 (1) ==\n"
            "这些客户近期应跟进，但“拜访计划”中还没有到期日前的安排：请补上计划，下次检查会自动消失。\n"
            "- [跟进未做计划] 客户“福州鼎盛贸易有限公司（KH0001）”应于2026-12-02跟进，"
            "但拜访计划中没有2026-11-30至2026-12-02的安排 (新发现)\n") in mail.text
    assert ("== 需要您处理的事项 (1) ==\n"
            "- [拜访撞车] 客户“泉州闽江纺织有限公司（KH0003）”在2026-11-23至2026-11-26期间被张伟、李娜先后拜访（撞车），"
            "请先互相沟通 (新发现)\n") in mail.text
    assert ("== 表格中待改正的单元格 (1) ==\n"
            "按类型汇总，每类列出前几条；完整清单见“数据检查（register.xlsx）”工作表，按“处理人”列筛选“张伟”"
            "（该表按处理人排序，您的各行排在一起），点“单元格”列即可跳到要改的格子。\n"
            "- 必填项为空: 1\n"
            "    · 客户档案第3行缺少“负责人手机”\n") in mail.text
    # follow-ups first, then what needs the person, then the cells; nothing is filed as a "data problem"
    assert mail.text.index("未做计划的跟进") < mail.text.index("需要您处理的事项") < mail.text.index("表格中待改正的单元格")
    assert "待改正的数据问题" not in mail.text and "待改正的数据问题" not in mail.html
    assert mail.text.count("[跟进未做计划]") == 1


def test_the_html_part_has_the_same_sections_in_the_same_order(register_path):
    html = _digest(register_path).html
    headings = ["未做计划的跟进 (1)</h2>", "需要您处理的事项 (1)</h2>", "表格中待改正的单元格 (1)</h2>"]
    assert [html.index(h) for h in headings] == sorted(html.index(h) for h in headings)
    section = html[html.index(headings[0]):html.index(headings[1])]
    assert "福州鼎盛贸易有限公司（KH0001）”应于2026-12-02跟进" in section
    # its column is headed by what each row is about, not by the title of another section
    assert re.search(r"<th[^>]*>客户</th>", section) and "需要您处理的事项" not in section


def test_the_sections_read_in_english_too(register_path):
    mail = _digest(register_path, "en")
    assert mail.subject == ("[Huimao daily] 张伟 11/30 (Mon): 0 due today · 0 overdue · 1 without a plan · 2 to fix")
    assert "== Follow-ups without a plan (1) ==\n" in mail.text
    assert "== Cells to correct in the sheet (1) ==\n" in mail.text
    assert "Data problems to fix" not in mail.text


def test_a_finding_one_is_told_of_names_who_must_act(register_path):
    lina = _digest(register_path, to="李娜")
    assert ("== 需要您处理的事项 (1) ==\n"
            "- [拜访撞车]（知会） 客户“泉州闽江纺织有限公司（KH0003）”在2026-11-23至2026-11-26期间被张伟、李娜先后拜访（撞车），"
            "请先互相沟通 → 张伟 (新发现)\n") in lina.text
    assert re.search(r"请先互相沟通<span[^>]*> → 张伟</span>", lina.html)


@pytest.mark.parametrize("language, line", [
    ("zh", "- 福州鼎盛贸易有限公司（KH0001）：A类客户每14天跟进；上次拜访 2026-11-16"),
    ("en", "- 福州鼎盛贸易有限公司（KH0001）: rating A: every 14 days; last visit 2026-11-16"),
])
def test_a_follow_up_due_today_says_why_and_when_the_client_was_last_visited(tmp_path, language, line):
    path = make_workbook(tmp_path, clients=[client(客户综合评估="A")], visits=[visit(拜访日期=date(2026, 11, 16))])
    mail = _digest(path, language)
    assert line in mail.text.splitlines()


def test_a_stray_cell_is_a_cell_to_correct_grouped_with_the_others(tmp_path):
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["客户档案"]["BZ2"] = "x"
    wb.save(path)
    chen = _digest(path, to="陈总")
    assert ("- 远离数据的单元格: 1\n"
            "    · 客户档案的单元格 BZ2 有内容，但离数据很远（隔着至少1000个空行或26个空列），检查时已忽略。请删除该单元格的内容\n"
            ) in chen.text
    assert "需要您处理的事项" not in chen.text
