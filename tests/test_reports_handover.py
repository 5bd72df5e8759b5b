"""Departed staff's clients (个人资源变公司资源): a client whose 客户经理 is not on 员工 is on the handover list
of its department's 部门经理 — the client, the manager named, the last visit and the next follow-up due — until
someone on 员工 takes it over; a client of no department goes to the director's company mail."""

import re

import pytest

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.reports.recipients import recipients
from huimao_sheets.reports.strings import strings
from huimao_sheets.reports.weekly import weekly_mails
from huimao_sheets.timing import Week
from reports_helpers import AS_OF, CLIENTS, VISITS, write_workbook

W48 = Week(2026, 48)
DEPARTED = [
    # row 8: 孙丽 has left; her client of 市场一部, visited on 11-12, is due on 12-03
    ["KH0007", "榕城机械有限公司", "制造业", "福州市仓山区7号", "高总", "13200132000", "孙丽", "市场一部", "B", "中",
     "跟踪中", "2026-12-03"],
    # row 9: hers too, with no department
    ["KH0008", "<b>闽南</b>建材有限公司", "建材", "泉州市8号", "许总", "13100131000", "孙丽", None, "D", "低", "收集信息", None],
]
HER_VISIT = ["2026-11-12", "KH0007", None, "孙丽", "上门", "报价", "待回复", None]


def weekly(tmp_path, clients, language="zh"):
    path = write_workbook(tmp_path / "register.xlsx", clients=clients, visits=[*VISITS, HER_VISIT])
    register, result = check(str(path), AS_OF, Settings())
    mails = weekly_mails(register, result.findings, W48, AS_OF, Settings(language=language), recipients(register), {})
    return {m.to_name: m for m in mails}


@pytest.fixture(scope="module")
def mails(tmp_path_factory):
    return weekly(tmp_path_factory.mktemp("handover"), [*CLIENTS, *DEPARTED])


def test_the_department_manager_gets_the_departed_managers_clients_to_hand_over(mails):
    wang = mails["王经理"].text
    assert ("== 待交接客户 (1) ==\n"
            f"{strings('zh')['handover_note']}\n"
            "- 榕城机械有限公司（KH0007） · 原客户经理 孙丽 · 最近拜访 2026-11-12 · 下次跟进 2026-12-03 (客户档案第8行)\n"
            ) in wang
    assert wang.index("== 待交接客户") < wang.index("王经理本人这一周的情况"), "in the team's part of the mail"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", mails["王经理"].html)
    start = cells.index("榕城机械有限公司（KH0007）")
    assert cells[start:start + 5] == ["榕城机械有限公司（KH0007）", "孙丽", "2026-11-12", "2026-12-03", "8"]
    assert "待交接客户" not in mails["赵经理"].text, "市场二部 has none"
    assert "待交接客户" not in mails["张伟"].text, "staff do not get the list"


def test_a_client_of_no_department_goes_to_the_directors_company_mail(mails):
    chen = mails["陈总"]
    assert ("== 无部门的待交接客户 (1) ==\n"
            f"{strings('zh')['handover_company_note']}\n"
            "- <b>闽南</b>建材有限公司（KH0008） · 原客户经理 孙丽 · 最近拜访 无 · 下次跟进 无 (客户档案第9行)\n"
            ) in chen.text
    assert "&lt;b&gt;闽南&lt;/b&gt;建材有限公司（KH0008）" in chen.html and "<b>闽南" not in chen.html
    assert "榕城机械" not in chen.text.split("== 无部门的待交接客户")[1], "a client of a department is its manager's"


def test_once_someone_takes_the_client_over_it_leaves_the_list(tmp_path):
    taken = [[*row[:6], "张伟", *row[7:]] for row in DEPARTED]
    mails = weekly(tmp_path, [*CLIENTS, *taken])
    assert "待交接客户" not in mails["王经理"].text and "待交接客户" not in mails["陈总"].text


def test_the_list_in_english(tmp_path):
    wang = weekly(tmp_path, [*CLIENTS, *DEPARTED], language="en")["王经理"].text
    assert ("== Clients to hand over (1) ==\n" in wang and
            "- 榕城机械有限公司（KH0007） · Account manager 孙丽 · Last visit 2026-11-12 · Next follow-up 2026-12-03 "
            "(clients row 8)\n" in wang)


def test_the_departed_managers_findings_reach_the_department_manager(mails):
    wang = mails["王经理"].text
    assert "拜访记录“拜访人”中的“孙丽”不在员工表中（第10行）。" in wang
    assert "客户档案“客户经理”中的“孙丽”不在员工表中（第8、9行）。" in wang
