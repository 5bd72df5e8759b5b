"""What each weekly report says, on the small hand-made workbook of reports_helpers (week 2026-W48):
who gets which report, each person's figures, the department roll-up with collisions and a reproducible
spot-check sample, the company view with its trend and largest problems, and the rendered mail."""

from datetime import date, timedelta

import pytest

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.register import register_from_tables
from huimao_sheets.reports.activity import Activity
from huimao_sheets.reports.context import OpenFindings, company_context, department_context, person_context, team_visits
from huimao_sheets.reports.spot_checks import draw
from huimao_sheets.reports.recipients import recipients
from huimao_sheets.reports.strings import strings
from huimao_sheets.timing import Week
from huimao_sheets.reports.weekly import select_recipients, weekly_mails
from huimao_sheets.sources import Table
from reports_helpers import (
    AS_OF,
    CLIENT_HEADERS,
    CLIENTS,
    EXPECTED_MAIL,
    HOSTILE_CLIENT,
    HOSTILE_PROBLEM,
    STAFF,
    STAFF_HEADERS,
    VISIT_HEADERS,
    write_workbook,
)

W48 = Week(2026, 48)
T = strings("zh")
SECRET = bytes.fromhex("11" * 32)   # the install's spot-check key (spot-check.key in the state folder)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    path = write_workbook(tmp_path_factory.mktemp("wb") / "register.xlsx")
    register, result = check(str(path), AS_OF, Settings())
    missing = [f for f in result.findings if f.code == "missing_email"]
    return register, result.findings, recipients(register), missing


@pytest.fixture(scope="module")
def activity(checked):
    return Activity(checked[0], W48, AS_OF, Settings())


@pytest.fixture(scope="module")
def open_findings(checked):
    return OpenFindings(checked[1], {}, AS_OF)


def test_every_person_with_an_address_gets_one_report(checked):
    register, findings, people, missing = checked
    assert [(p.name, p.kind) for p in people] == [
        ("陈总", "weekly-company"), ("林助理", "weekly-company"), ("王经理", "weekly-department"),
        ("张伟", "weekly-person"), ("李娜", "weekly-person"), ("赵经理", "weekly-department"), ("周敏", "weekly-person"),
    ]


def test_a_department_manager_without_a_department_gets_their_own_week(tmp_path):
    staff = [row if row[0] != "赵经理" else ["赵经理", "zhao@huimao.cn", "部门经理", None, "陈总"] for row in STAFF]
    register, _ = check(str(write_workbook(tmp_path / "r.xlsx", staff=staff)), AS_OF, Settings())
    assert [p.kind for p in recipients(register) if p.name == "赵经理"] == ["weekly-person"]


def test_a_person_without_an_address_is_a_finding_for_their_manager(checked):
    [finding] = checked[3]
    assert (finding.code, finding.sheet, finding.rows, finding.column, finding.owner, finding.staff) == (
        "missing_email", "员工", [8], "邮箱", "赵经理", ["刘洋"])
    assert finding.message == "员工第8行“刘洋”没有有效邮箱，收不到周报"


@pytest.mark.parametrize("email", ["liuyang@huimao", "liuyang@huimao.cn\nBcc: all@huimao.cn", "刘洋", "a@b.cn; c@d.cn"])
def test_an_address_that_is_not_plain_counts_as_missing(tmp_path, email):
    staff = [row if row[0] != "刘洋" else ["刘洋", email, "客户经理", "市场二部", "赵经理"] for row in STAFF]
    register, result = check(str(write_workbook(tmp_path / "r.xlsx", staff=staff)), AS_OF, Settings())
    people, missing = recipients(register), [f for f in result.findings if f.code == "missing_email"]
    assert "刘洋" not in [p.name for p in people]
    assert [(f.code, f.owner, f.details["value"]) for f in missing] == [("missing_email", "赵经理", email.strip())]


def test_an_address_already_used_by_someone_above_counts_as_missing(tmp_path):
    staff = [row if row[0] != "刘洋" else ["刘洋", "ZhangWei@huimao.cn", "客户经理", "市场二部", "赵经理"] for row in STAFF]
    register, result = check(str(write_workbook(tmp_path / "r.xlsx", staff=staff)), AS_OF, Settings())
    people, missing = recipients(register), [f for f in result.findings if f.code == "missing_email"]
    assert [p.name for p in people if p.address == "zhangwei@huimao.cn"] == ["张伟"]
    assert [(f.staff, f.owner, f.details) for f in missing] == [
        (["刘洋"], "赵经理", {"value": "ZhangWei@huimao.cn", "shared_with": "张伟"})]


def test_a_persons_week(activity, open_findings):
    p = person_context(activity, "张伟", open_findings, T)
    assert p["visits"] == 3
    assert p["by_channel"] == {"电话": 1, "上门": 1, "来访": 1, "其他": 0}
    assert [(d["md"], d["total"]) for d in p["days"]] == [
        ("11/23", 0), ("11/24", 1), ("11/25", 2), ("11/26", 0), ("11/27", 0), ("11/28", 0), ("11/29", 0)]
    assert p["days"][2]["counts"] == {"电话": 0, "上门": 1, "来访": 1, "其他": 0}
    assert [c["client"] for c in p["new_clients"]["rows"]] == ["华强电子有限公司（KH0002）", "闽江纺织有限公司（KH0005）"]
    assert [(v["row"], v["problems"]) for v in p["problems"]["rows"]] == [(4, "交付周期"), (5, "培训需求")]
    assert [v["row"] for v in p["no_problems"]["rows"]] == [6]
    assert (p["planned"], p["done"], p["unplanned"], p["missed"]["rows"]) == (2, 2, 1, [])
    assert p["followups"]["rows"] == [{"due": "2026-12-02", "client": "鼎盛贸易有限公司（KH0001）",
                                       "reason": "followup_date", "rating": "A", "cadence_days": 14, "row": 2,
                                       "last_visit": "2026-11-24", "status": "unplanned"}]
    # the missing cell is data hygiene; KH0001, due 2026-12-02 with no 拜访计划 row, needs the person
    assert [f["code"] for f in p["findings"]["rows"]] == ["unplanned_followup"]
    assert [(g["code"], g["count"], [r["days_open"] for r in g["rows"]]) for g in p["hygiene"]] == [
        ("missing_required", 1, [0])]


def test_a_new_client_counts_for_whoever_made_its_first_visit(activity, open_findings):
    """KH0003 is visited by 李娜 on 11-26 and by 周敏 on 11-27: it is 李娜's new client only."""
    assert [c["client"] for c in person_context(activity, "李娜", open_findings, T)["new_clients"]["rows"]] == [
        "福州食品有限公司（KH0003）", f"{HOSTILE_CLIENT}（KH0006）"]
    assert person_context(activity, "周敏", open_findings, T)["new_clients"]["count"] == 0


def test_a_plan_without_the_visit_is_missed(activity, open_findings):
    p = person_context(activity, "周敏", open_findings, T)
    assert (p["planned"], p["done"], p["unplanned"]) == (1, 0, 1)
    assert p["missed"]["rows"] == [{"date": "2026-11-27", "client": "海峡物流有限公司（KH0004）", "purpose": "签约", "row": 4}]


def test_findings_show_how_long_they_have_been_open(checked, activity):
    from huimao_sheets.ledger import finding_fingerprint

    findings = checked[1]
    first_seen = {finding_fingerprint(f): date(2026, 11, 9) for f in findings if f.code == "missing_required"}
    p = person_context(activity, "张伟", OpenFindings(findings, first_seen, AS_OF), T)
    assert [(f["days_open"], f["first_seen"]) for g in p["hygiene"] for f in g["rows"]] == [(21, "2026-11-09")]


def test_a_department_rolls_up_its_members(activity, open_findings):
    d = department_context(activity, "市场一部", open_findings, T)
    assert [(m["name"], m["visits"], m["new_clients"], m["findings"]) for m in d["members"]] == [
        ("王经理", 0, 0, 0), ("张伟", 3, 2, 2), ("李娜", 2, 2, 1)]
    totals = d["totals"]
    assert (totals["visits"], totals["new_clients"], totals["problems"], totals["no_problems"]) == (5, 4, 4, 1)
    assert [day["total"] for day in d["days"]] == [0, 1, 2, 1, 0, 1, 0]
    [collision] = d["collisions"]["rows"]
    assert collision["code"] == "visit_collision" and "李娜、周敏" in collision["message"]


def test_a_collision_across_departments_shows_in_both_teams(activity, open_findings):
    assert department_context(activity, "市场二部", open_findings, T)["collisions"]["count"] == 1


def test_the_spot_check_is_drawn_from_the_teams_week(activity, open_findings):
    sample = department_context(activity, "市场一部", open_findings, T, spot_check_key=SECRET)["spot_check"]
    assert sorted(v["row"] for v in sample["rows"]) == [4, 5, 6, 7, 9], "five visits or fewer: all of them"
    assert (sample["drawn"], sample["visits"], sample["no_problems"]) == (True, 5, 1)


def test_without_the_install_s_key_no_department_sample_is_drawn(activity, open_findings):
    sample = department_context(activity, "市场一部", open_findings, T)["spot_check"]
    assert (sample["enabled"], sample["drawn"], sample["rows"]) == (True, False, [])


def big_register(visits_per_day: int = 6):
    """A department of three whose week has 42 visits, built in code."""
    staff = [STAFF_HEADERS, ["王经理", "wang@huimao.cn", "部门经理", "市场一部", None],
             ["张伟", "zhangwei@huimao.cn", "客户经理", "市场一部", "王经理"],
             ["李娜", "lina@huimao.cn", "客户经理", "市场一部", "王经理"]]
    visits = [VISIT_HEADERS]
    for day in range(7):
        for i in range(visits_per_day):
            visits.append([(W48.monday + timedelta(days=day)).isoformat(), "KH0001", None, ["张伟", "李娜"][i % 2],
                           "电话", f"问题{day}-{i}", None, None])
    tables = {"clients": Table("客户档案", [CLIENT_HEADERS, *CLIENTS]), "visits": Table("拜访记录", visits),
              "staff": Table("员工", staff)}
    return register_from_tables("code", tables, Settings(), AS_OF)


def test_the_spot_check_sample_is_keyed_by_the_install_the_week_and_the_department():
    register = big_register()
    bigger = big_register(visits_per_day=7)

    def rows(register, department, secret=SECRET, week=W48, activity_week=W48):
        activity = Activity(register, activity_week, AS_OF, Settings())
        found = department_context(activity, department, OpenFindings([], {}, AS_OF), T, spot_check_key=secret)
        return [v["row"] for v in found["spot_check"]["rows"]]

    first = rows(register, "市场一部")
    assert len(first) == 5 and first == rows(register, "市场一部"), "the same week and install: the same sample"
    assert first == sorted(first), "shown in date order"
    assert rows(register, "市场一部", secret=bytes.fromhex("22" * 32)) != first, "another install: another sample"
    # the department is in the HMAC message: the same team's visits under another department's name draw
    # another sample (the team is 市场一部's members, so the visits are the same)
    activity = Activity(register, W48, AS_OF, Settings())
    members = ["王经理", "张伟", "李娜"]
    visits = team_visits(activity, members)
    assert [v.row for v in draw(visits, W48, SECRET, Settings().spot_check, scope="市场二部")] != first
    assert [v.row for v in draw(visits, W48, SECRET, Settings().spot_check, scope="市场一部")] == first
    assert rows(bigger, "市场一部") != first, "more visits: another draw"


def test_the_company_view_by_department_with_its_trend(checked, activity, open_findings):
    previous = Activity(checked[0], W48.shifted(-1), AS_OF, Settings())
    c = company_context(activity, previous, open_findings, T)
    rows = {r["name"]: r for r in c["departments"]}
    assert list(rows) == ["市场一部", "市场二部"]
    assert (rows["市场一部"]["visits"], rows["市场一部"]["previous_visits"], rows["市场一部"]["change"]) == (5, 0, 5)
    assert (rows["市场二部"]["visits"], rows["市场二部"]["previous_visits"], rows["市场二部"]["change"]) == (1, 1, 0)
    assert [w["label"] for w in c["trend_weeks"]] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert rows["市场一部"]["trend"] == [0, 1, 0, 5] and rows["市场二部"]["trend"] == [0, 0, 1, 1]
    assert rows["市场二部"]["members"] == 3 and rows["市场二部"]["findings"] == 2
    assert (c["totals"]["visits"], c["totals"]["planned"], c["totals"]["done"]) == (6, 3, 2)
    assert [(b["code"], b["count"]) for b in c["by_code"]] == [
        ("missing_required", 2), ("visit_collision", 1), ("unplanned_followup", 1), ("missing_email", 1)]
    assert c["top_owners"][0] == {"name": "赵经理", "department": "市场二部", "count": 2, "errors": 1}


@pytest.fixture(scope="module")
def mails(checked):
    register, findings, people, _ = checked
    return weekly_mails(register, findings, W48, AS_OF, Settings(), people, {}, spot_check_key=SECRET)


def test_one_mail_per_person_with_a_subject_that_says_what_and_which_week(mails):
    assert sorted((m.to_address, m.kind) for m in mails) == sorted(EXPECTED_MAIL)
    subjects = {m.to_name: m.subject for m in mails}
    assert subjects["王经理"] == "【慧茂周报】市场一部 2026年第48周 (11/23–11/29)"
    assert subjects["张伟"] == "【慧茂周报】张伟 2026年第48周 (11/23–11/29)"
    assert subjects["陈总"] == "【慧茂周报】全公司 2026年第48周 (11/23–11/29)"


def test_a_department_managers_mail_has_the_team_then_their_own_week(mails):
    zhao = next(m for m in mails if m.to_name == "赵经理")
    team, own = zhao.text.split("赵经理本人这一周的情况")
    assert "== 成员一览 (3) ==" in team and "== 抽查样本 (1) ==" in team
    assert "[缺少有效邮箱] 员工第8行“刘洋”没有有效邮箱，收不到周报" in own
    assert "赵经理本人这一周的情况" in zhao.html


def test_hostile_cell_text_is_escaped_in_html_and_kept_in_text(mails):
    lina = next(m for m in mails if m.to_name == "李娜")
    assert "<script>" not in lina.html and "<img" not in lina.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;恶意公司" in lina.html
    assert "&lt;img src=x onerror=" in lina.html
    assert HOSTILE_PROBLEM in lina.text and HOSTILE_CLIENT in lina.text
    for mail in mails:
        assert "<script" not in mail.html.lower() and "onerror=" not in mail.html.replace("&lt;img src=x onerror=", "")


def test_the_html_has_its_css_inlined_and_bars_drawn_with_table_cells(mails):
    zhang = next(m for m in mails if m.to_name == "张伟")
    assert "<style" not in zhang.html and 'style="' in zhang.html
    assert 'width="100%"' in zhang.html and 'width="50%"' in zhang.html   # 11/24: 1 of the busiest day's 2
    assert "<img" not in zhang.html


def test_the_text_part_has_the_same_figures(mails):
    text = next(m for m in mails if m.to_name == "张伟").text
    assert "拜访: 3" in text and "新客户: 2" in text and "计划/已完成: 2/2" in text
    assert "- 2026-12-02 鼎盛贸易有限公司（KH0001）" in text
    assert "周三 11/25   2 ████████████████████  (上门 1, 来访 1)" in text


def test_english_is_a_setting(checked):
    register, findings, people, _ = checked
    [mail] = [m for m in weekly_mails(register, findings, W48, AS_OF, Settings(language="en"), people, {})
              if m.kind == "weekly-department" and m.to_name == "王经理"]
    assert mail.subject == "[Huimao weekly] 市场一部 2026 week 48 (11/23–11/29)"
    assert "Spot-check sample" in mail.html and "Dear 王经理," in mail.text


def test_to_selects_recipients_by_name_or_address(mails):
    chosen = select_recipients(mails, "张伟, wang@huimao.cn")
    assert [(m.to_name, m.kind) for m in chosen] == [("王经理", "weekly-department"), ("张伟", "weekly-person")]
    with pytest.raises(ConfigError, match="某人 不是本周报告的收件人"):
        select_recipients(mails, "某人")


def test_an_admins_template_folder_overrides_one_template_and_keeps_the_rest(checked, tmp_path):
    (tmp_path / "weekly-person.subject.j2").write_text("周报：{{ about }}", encoding="utf-8")
    register, findings, people, _ = checked
    mails = weekly_mails(register, findings, W48, AS_OF, Settings(templates_dir=str(tmp_path)), people, {})
    subjects = {m.to_name: m.subject for m in mails}
    assert subjects["张伟"] == "周报：张伟"
    assert subjects["陈总"] == "【慧茂周报】全公司 2026年第48周 (11/23–11/29)"


def test_a_missing_template_folder_is_a_config_error(checked, tmp_path):
    register, findings, people, _ = checked
    with pytest.raises(ConfigError, match="templates_dir"):
        weekly_mails(register, findings, W48, AS_OF, Settings(templates_dir=str(tmp_path / "nope")), people, {})


def test_the_templates_ship_inside_the_package_from_the_one_copy_in_templates():
    import tomllib
    from pathlib import Path

    from huimao_sheets.reports.render import packaged_templates

    root = Path(__file__).resolve().parent.parent
    assert packaged_templates().resolve() == (root / "templates").resolve(), "a checkout reads the top-level templates/"
    for kind in ("weekly-person", "weekly-department", "weekly-company"):
        assert all((packaged_templates() / f"{kind}.{part}.j2").is_file() for part in ("subject", "txt", "html"))
    setuptools = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["package-dir"]["huimao_sheets.shipped_templates"] == "templates"
    assert "*.j2" in setuptools["package-data"]["huimao_sheets.shipped_templates"]
