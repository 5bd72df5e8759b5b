"""The mails read as a newcomer reads them, on the small workbook of reports_helpers (week 2026-W48, made on
Monday 2026-11-30): the greeting names the week it sums up, follow-ups carry their dates, a finding seen for
the first time says 新发现, a finding's owner is 处理人 (never 负责人, the client's contact person), changes
carry their sign, duplicate rows count once, and previews (weekly and daily) speak the configured language."""

from datetime import date

import pytest

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.ledger import finding_fingerprint
from huimao_sheets.reports.activity import Activity, weekly_visit_counts
from huimao_sheets.reports.context import OpenFindings, person_context, signed
from huimao_sheets.reports.recipients import recipients
from huimao_sheets.reports.strings import strings
from huimao_sheets.timing import Week
from huimao_sheets.reports.weekly import weekly_mails, write_preview
from reports_helpers import AS_OF, VISITS, write_workbook

W48 = Week(2026, 48)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    path = write_workbook(tmp_path_factory.mktemp("wb") / "register.xlsx")
    register, result = check(str(path), AS_OF, Settings())
    return register, result.findings, recipients(register)


def mails_in(checked, language="zh", first_seen=None):
    register, findings, people = checked
    mails = weekly_mails(register, findings, W48, AS_OF, Settings(language=language), people, first_seen or {})
    return {m.to_name: m for m in mails}


def test_the_greeting_names_the_week_it_sums_up_not_this_week(checked):
    """Sent on Monday of W49 about W48: "本周" would name the wrong week."""
    zh, en = mails_in(checked), mails_in(checked, "en")
    assert "张伟，您好：\n\n以下是您2026年第48周（11/23–11/29）的工作汇总。\n" in zh["张伟"].text
    assert "以下是市场一部2026年第48周（11/23–11/29）的汇总（每位成员、撞车、抽查样本）。" in zh["王经理"].text
    assert "以下是全公司2026年第48周（11/23–11/29）的汇总（各部门、周环比趋势、主要问题）。" in zh["陈总"].text
    assert "Here is a summary of your week 48 of 2026 (11/23–11/29)." in en["张伟"].text
    assert "本周" not in zh["张伟"].text and "本周" not in zh["王经理"].text and "this week" not in en["张伟"].text
    assert "== 一周概况 ==" in zh["张伟"].text


def test_follow_ups_say_the_dates_they_are_due_in(checked):
    zh, en = mails_in(checked), mails_in(checked, "en")
    assert ("== 应跟进（11/30–12/6） (1) ==\n已有计划 0 · 未做计划 1\n“已有计划”：拜访计划中有人（您或同事）在2026-11-30至"
            "应跟进日期之间安排了拜访；“未做计划”的请在拜访计划中安排。\n- 2026-12-02 鼎盛贸易有限公司（KH0001） (未做计划)\n"
            in zh["张伟"].text)
    assert "应跟进（11/30–12/6）: 1" in zh["张伟"].text
    assert "应跟进（11/30–12/6）" in zh["张伟"].html and "下周应跟进" not in zh["张伟"].html
    assert "== Follow-ups due 11/30–12/6 (1) ==" in en["张伟"].text


def test_a_finding_seen_for_the_first_time_says_new_and_an_older_one_its_age(checked):
    findings = checked[1]
    zh = mails_in(checked)
    line = "- [缺少有效邮箱] 员工第8行“刘洋”没有有效邮箱，收不到周报"
    assert f"{line} (新发现)" in zh["赵经理"].text
    assert "已存在 0天" not in zh["赵经理"].text and ">0天<" not in zh["赵经理"].html
    assert "新发现" in zh["赵经理"].html
    assert "(new)" in mails_in(checked, "en")["赵经理"].text
    older = {finding_fingerprint(f): date(2026, 11, 9) for f in findings if f.code == "missing_email"}
    assert f"{line} (已存在 21天)" in mails_in(checked, first_seen=older)["赵经理"].text


def test_a_findings_owner_is_called_the_handler_not_the_contact_person(checked):
    company = mails_in(checked)["陈总"].html
    assert "处理人</th>" in company and "负责人</th>" not in company


@pytest.mark.parametrize("n, text", [(12, "+12"), (-3, "\u22123"), (0, "\u00b10"), (1, "+1")])
def test_a_change_carries_its_sign(n, text):
    assert signed(n) == text


def test_the_directors_change_tile_and_table_are_signed(checked):
    """市场一部 went from 0 visits in W47 to 5, 市场二部 from 1 to 1; the company from 1 to 6."""
    company = mails_in(checked)["陈总"]
    assert "拜访: 6 (环比 +5)" in company.text
    assert "市场一部 (成员 3): 拜访 5 (环比 +5)" in company.text
    assert "市场二部 (成员 3): 拜访 1 (环比 ±0)" in company.text
    assert ">+5</" in company.html and ">±0<" in company.html


def test_duplicate_rows_count_once_in_the_weekly_figures(tmp_path):
    """张伟's 11-24 call entered twice (a duplicate_row finding) is one visit, in his week and in the trend."""
    visits = VISITS + [list(VISITS[2])]
    register, result = check(str(write_workbook(tmp_path / "dup.xlsx", visits=visits)), AS_OF, Settings())
    assert [f.rows for f in result.findings if f.code == "duplicate_row"] == [[4, 10]]
    p = person_context(Activity(register, W48, AS_OF, Settings()), "张伟", OpenFindings([], {}, AS_OF), strings("zh"))
    assert p["visits"] == 3 and p["by_channel"]["电话"] == 1
    assert weekly_visit_counts(register, [W48])["张伟"] == [3]


@pytest.mark.parametrize("language, header, note, lang_attr", [
    ("zh", "<th>#</th><th>姓名</th><th>邮箱</th><th>主题</th>", "个人周报 · 将发送", 'lang="zh-CN"'),
    ("en", "<th>#</th><th>Name</th><th>Email</th><th>Subject</th>", "personal weekly · to send", 'lang="en"'),
])
def test_the_preview_index_speaks_the_configured_language(checked, tmp_path, language, header, note, lang_attr):
    mails = list(mails_in(checked, language).values())
    index = write_preview(mails, tmp_path, Settings(language=language), W48, AS_OF, {m.key: "to_send" for m in mails})
    page = index.read_text(encoding="utf-8")
    assert header in page and note in page and lang_attr in page
    assert "· to_send" not in page and "weekly-person ·" not in page
    if language == "zh":
        assert "<h1>慧茂周报 2026年第48周（2026-11-23 至 2026-11-29）</h1>" in page and "共 7 封" in page


def test_the_daily_digest_has_a_preview(tmp_path, run_cli):
    workbook = write_workbook(tmp_path / "register.xlsx")
    code, out, err = run_cli("run", "daily-check", "--preview", "daily", "--source", str(workbook),
                             "--as-of", "2026-11-30")
    assert code == 0, err
    assert out.splitlines()[1] == "演练：不写入、不发送、不记录"
    assert "预览已写入 daily/index.html（用浏览器打开）" in out
    files = sorted(p.name for p in (tmp_path / "daily").iterdir())
    assert "index.html" in files and any(f.endswith("-daily-digest-赵经理.html") for f in files)
    page = (tmp_path / "daily" / "index.html").read_text(encoding="utf-8")
    assert "<h1>任务 daily-check 的邮件预览（周期 2026-11-30）</h1>" in page and "日报 · 将发送" in page
    assert not (tmp_path / ".huimao").exists() and not (tmp_path / "outbox").exists()
