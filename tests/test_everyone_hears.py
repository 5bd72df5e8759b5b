"""Every finding reaches someone who can act, and everyone involved hears of it (issue: nothing falls
between people). A finding keeps one owner and lists in ``notify`` everyone else who must know; a person
without a valid address has their mail received by their 上级 on their behalf."""

from __future__ import annotations

from datetime import date

import pytest

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.reports.daily import digest_mails
from huimao_sheets.reports.recipients import recipients, stand_ins
from huimao_sheets.reports.weekly import weekly_mails
from huimao_sheets.timing import Week
from reports_helpers import CLIENTS, PLANS, STAFF, VISITS, write_workbook

AS_OF = date(2026, 11, 30)
W48 = Week(2026, 48)


def _client(cid, name, mobile, manager, department, followup=None):
    return [cid, name, "食品", "福州市台江区9号", "郑总", mobile, manager, department, "C", "低", "已拜访", followup]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    clients = CLIENTS + [
        _client("KH0007", "福州食品有限责任公司", "13700137000", "周敏", "市场二部"),   # KH0003 registered again
        _client("KH0008", "榕城茶业有限公司", "13100131000", "刘洋", "市场二部", "2026-11-20"),  # 刘洋 has no address
    ]
    plans = PLANS + [["2026-12-02", "KH0003", None, "张伟", "报价"]]   # 李娜 and 周敏 were there last week
    path = write_workbook(tmp_path_factory.mktemp("wb") / "register.xlsx", clients=clients, visits=VISITS)
    _add_plans(path, plans)
    register, result = check(str(path), AS_OF, Settings())
    return register, result.findings


def _add_plans(path, plans):
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["拜访计划"]
    ws.delete_rows(2, ws.max_row)
    for row in plans:
        ws.append(row)
    wb.save(path)


def _one(findings, code, **where):
    found = [f for f in findings if f.code == code and all(getattr(f, k) == v for k, v in where.items())]
    assert len(found) == 1, [(f.code, f.rows, f.owner, f.notify) for f in findings if f.code == code]
    return found[0]


def _text_of(mails, name):
    [mail] = [m for m in mails if m.to_name == name]
    return mail.text


@pytest.fixture(scope="module")
def weekly(checked):
    register, findings = checked
    return weekly_mails(register, findings, W48, AS_OF, Settings(), recipients(register), {})


def test_a_visit_collision_is_owned_by_the_account_manager_and_every_colleague_is_notified(checked, weekly):
    f = _one(checked[1], "visit_collision", client_ids=["KH0003"])
    assert (f.owner, f.notify, f.staff) == ("李娜", ["周敏"], ["李娜", "周敏"])
    assert f.message in _text_of(weekly, "李娜")
    assert f.message in _text_of(weekly, "周敏") and "（知会）" in _text_of(weekly, "周敏")


def test_a_plan_collision_is_owned_by_the_planner_and_the_colleagues_visited_are_notified(checked, weekly):
    f = _one(checked[1], "plan_collision", client_ids=["KH0003"])
    assert f.owner == "张伟" and sorted(f.notify) == ["周敏", "李娜"]
    for name in ("张伟", "李娜", "周敏"):
        assert f.message in _text_of(weekly, name), name


def test_a_duplicate_registration_reaches_every_account_manager_of_its_rows(checked, weekly):
    f = _one(checked[1], "duplicate_client")
    assert f.client_ids == ["KH0003", "KH0007"] and (f.owner, f.notify) == ("李娜", ["周敏"])
    assert f.message in _text_of(weekly, "李娜") and f.message in _text_of(weekly, "周敏")


def test_the_mail_of_a_person_without_an_address_goes_to_their_manager_on_their_behalf(checked, weekly):
    register, findings = checked
    assert stand_ins(register) == {"刘洋": "赵经理"}
    overdue = _one(findings, "overdue_followup", client_ids=["KH0008"])
    assert overdue.owner == "刘洋"
    text = _text_of(weekly, "赵经理")
    assert "刘洋没有有效邮箱，他们的事项由您代收" in text
    assert f"（代刘洋接收：刘洋没有有效邮箱） {overdue.message}" in text
    no_email = _one(findings, "missing_email")
    assert text.count(no_email.message) == 1, "the e-mail problem is stated once"


def test_the_daily_digest_of_the_stand_in_carries_the_absent_persons_overdue_follow_up(checked):
    register, findings = checked
    mails = digest_mails(register, findings, AS_OF, Settings(), recipients(register), {})
    overdue = _one(findings, "overdue_followup", client_ids=["KH0008"])
    assert overdue.message in _text_of(mails, "赵经理")


def test_the_weekly_mail_leads_with_business_and_points_to_the_sheet_never_to_a_command(checked, weekly):
    text = _text_of(weekly, "张伟")
    assert "huimao-sheets check" not in text and "运行" not in text
    business, hygiene = text.index("== 需要您处理的事项"), text.index("== 表格中待改正的单元格")
    assert business < hygiene and text[hygiene - 2:hygiene] == "\n\n", "a blank line between the sections"
    assert ("完整清单见“数据检查（register.xlsx）”工作表，按“处理人”列筛选“张伟”（该表按处理人排序，您的各行排在一起），"
            "点“单元格”列即可跳到要改的格子。") in text
