"""Spot checks the director can see (抽查): the 市场总监's weekly mail carries a company-wide sample of the
week's visits, weighted towards visits with no problem recorded, different each week and not predictable
from the data alone, reproducible for a given week and install (a secret kept in the state folder), and
independent of the order of the sheet's rows. Each 部门经理's mail carries a sample of the team's visits,
drawn the same way with the department's name in the HMAC message — never seeded by the week and the
department alone, which anyone who reads the sheet could repeat."""

import os
import random
import stat
from datetime import date, timedelta

import pytest

from huimao_sheets.config import Settings, SpotCheckSettings
from huimao_sheets.errors import ConfigError
from huimao_sheets.model import Visit
from huimao_sheets.reports.spot_checks import draw, seed, spot_check_section
from huimao_sheets.reports.weekly import SPOT_CHECK_KEY, send_weekly, spot_check_secret
from huimao_sheets.timing import Week
from reports_helpers import AS_OF, NOW, VISIT_HEADERS, VISITS, write_workbook

W48 = Week(2026, 48)
SECRET = bytes.fromhex("11" * 32)
OTHER_SECRET = bytes.fromhex("22" * 32)
DEFAULT = SpotCheckSettings()
PEOPLE = ["张伟", "李娜", "周敏", "王芳"]


def week_of_visits(week: Week, n: int = 40, blank_every: int = 5) -> list[Visit]:
    """``n`` distinct visits in ``week``; every ``blank_every``-th has no problem recorded."""
    return [Visit(row=i + 2, visit_date=week.monday + timedelta(days=i % 7), client_id=f"KH{i:04d}",
                  visitor=PEOPLE[i % 4], channel=["电话", "上门", "来访"][i % 3],
                  problems=None if i % blank_every == 0 else f"问题{i}", outcome=f"结果{i}")
            for i in range(n)]


def content(visits: list[Visit]) -> list[tuple]:
    """What a visit is, without its row number."""
    return [(v.visit_date, v.client_id, v.visitor, v.channel, v.problems) for v in visits]


def test_the_seed_is_an_hmac_of_the_week_under_the_secret():
    import hashlib
    import hmac

    assert seed(SECRET, W48) == int.from_bytes(hmac.new(SECRET, b"2026-W48", hashlib.sha256).digest(), "big")
    # a department manager's sample: the department is in the message
    assert seed(SECRET, W48, "市场一部") == int.from_bytes(
        hmac.new(SECRET, "2026-W48/市场一部".encode("utf-8"), hashlib.sha256).digest(), "big")
    assert seed(SECRET, W48, "市场一部") != seed(SECRET, W48, "市场二部") != seed(SECRET, W48)


def test_the_same_secret_and_week_give_the_same_sample():
    visits = week_of_visits(W48)
    first = draw(visits, W48, SECRET, DEFAULT)
    assert len(first) == 5
    assert draw(visits, W48, SECRET, DEFAULT) == first
    assert [v.visit_date for v in first] == sorted(v.visit_date for v in first), "shown in date order"


def test_another_week_or_another_secret_gives_another_sample():
    visits = week_of_visits(W48)
    first = content(draw(visits, W48, SECRET, DEFAULT))
    assert content(draw(visits, W48, OTHER_SECRET, DEFAULT)) != first
    # the same visits a week later (same rows, same people, same clients): another draw
    moved = [Visit(row=v.row, visit_date=v.visit_date + timedelta(days=7), client_id=v.client_id, visitor=v.visitor,
                   channel=v.channel, problems=v.problems, outcome=v.outcome) for v in visits]
    assert [v.row for v in draw(moved, W48.shifted(1), SECRET, DEFAULT)] != [v.row for v in draw(visits, W48, SECRET, DEFAULT)]


def test_reordering_the_sheet_rows_does_not_change_the_sample():
    visits = week_of_visits(W48)
    shuffled = visits[:]
    random.Random(7).shuffle(shuffled)
    renumbered = [Visit(row=i + 2, visit_date=v.visit_date, client_id=v.client_id, visitor=v.visitor, channel=v.channel,
                        problems=v.problems, outcome=v.outcome) for i, v in enumerate(shuffled)]
    assert content(draw(renumbered, W48, SECRET, DEFAULT)) == content(draw(visits, W48, SECRET, DEFAULT))


def test_only_the_week_s_visits_are_drawn_and_a_visit_entered_twice_is_one():
    visits = week_of_visits(W48, n=3) + week_of_visits(W48.shifted(-1), n=10) + week_of_visits(W48.shifted(1), n=10)
    twice = Visit(row=99, visit_date=visits[0].visit_date, client_id=visits[0].client_id, visitor=visits[0].visitor,
                  channel=visits[0].channel, problems=visits[0].problems, outcome=visits[0].outcome)
    undated = Visit(row=100, visit_date=None, client_id="KH9999", visitor="张伟")
    sample = draw(visits + [twice, undated], W48, SECRET, DEFAULT)
    assert sorted(v.row for v in sample) == [2, 3, 4], "fewer than five: all of them, each once"


def test_visits_with_no_problem_recorded_are_drawn_more_often():
    """One visit in five has no problem (20%); weighted 3:1, about 4 in 10 of the sample have none."""
    def share(settings: SpotCheckSettings) -> float:
        drawn = [v for n in range(1, 53) for v in draw(week_of_visits(Week(2026, n)), Week(2026, n), SECRET, settings)]
        return sum(1 for v in drawn if not v.problems) / len(drawn)

    weighted, even = share(DEFAULT), share(SpotCheckSettings(no_problem_weight=1))
    assert weighted > 0.3 > 0.2
    assert abs(even - 0.2) < 0.08, "weight 1: the population's share, near enough"
    assert share(SpotCheckSettings(no_problem_weight=100)) > 0.9


def test_the_sample_size_is_a_setting():
    visits = week_of_visits(W48)
    assert len(draw(visits, W48, SECRET, SpotCheckSettings(sample_size=8))) == 8
    assert draw(visits, W48, SECRET, SpotCheckSettings(sample_size=0)) == []


def test_the_settings_are_read_from_the_config_and_checked(tmp_path):
    path = tmp_path / "huimao.toml"
    path.write_text("[spot_check]\nsample_size = 8\nno_problem_weight = 5\n", encoding="utf-8")
    assert Settings.load(path).spot_check == SpotCheckSettings(sample_size=8, no_problem_weight=5)
    path.write_text("[spot_check]\nno_problem_weight = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        Settings.load(path)
    assert str(exc.value) == f"配置文件 {path} 中的 spot_check.no_problem_weight = 0 有误: 应为 1 到 100 之间的整数"


def test_without_a_secret_no_sample_is_drawn():
    section = spot_check_section(week_of_visits(W48), W48, None, DEFAULT)
    assert (section["drawn"], section["rows"], section["visits"], section["no_problems"]) == (False, [], 40, 8)


# --- the secret, in the state folder ------------------------------------------------------------------------

def test_the_secret_is_created_0600_in_the_state_folder_and_reused(tmp_path):
    state = tmp_path / "state"
    assert spot_check_secret(state, create=False) is None and not state.exists(), "a preview writes nothing"
    secret = spot_check_secret(state, create=True)
    path = state / SPOT_CHECK_KEY
    assert len(secret) == 32 and path.read_text(encoding="ascii") == secret.hex() + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(state.stat().st_mode) == 0o700
    assert spot_check_secret(state, create=True) == secret == spot_check_secret(state, create=False)
    assert sorted(os.listdir(state)) == [SPOT_CHECK_KEY], "no draft left behind"
    assert spot_check_secret(tmp_path / "other", create=True) != secret, "another install, another secret"
    path.chmod(0o644)
    assert spot_check_secret(state, create=True) == secret and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_secret_is_a_config_error_naming_the_file(tmp_path):
    (tmp_path / SPOT_CHECK_KEY).write_text("not a key\n", encoding="ascii")
    with pytest.raises(ConfigError) as exc:
        spot_check_secret(tmp_path, create=True)
    assert str(exc.value) == (f"抽查密钥 {tmp_path / SPOT_CHECK_KEY} 的内容无效（应为 64 位十六进制数字）。删除该文件，"
                              f"下次发送周报时会重新生成（此后的抽查样本随之改变）。")


# --- the director's mail, through the real weekly path ------------------------------------------------------

def busy_week() -> list[list]:
    """The reports' workbook's visits plus 30 more in week 48, one in three with no problem recorded."""
    extra = [[(W48.monday + timedelta(days=i % 7)).isoformat(), ["KH0001", "KH0002", "KH0004", "KH0005"][i % 4], None,
              ["张伟", "李娜", "周敏"][i % 3], "电话", None if i % 3 == 0 else f"问题{i}", f"结果{i}", None]
             for i in range(30)]
    return VISITS + extra


def send(tmp_path, url, workbook, **kwargs):
    settings = Settings(smtp=url, state_dir=str(tmp_path / "state"), mail_from="慧茂周报 <report@huimao.cn>")
    return send_weekly(settings, source=workbook, as_of=AS_OF, now=lambda: NOW, env={}, **kwargs)


def expected_sample(tmp_path, workbook, problems: bool = False) -> list[str]:
    """The sample drawn by hand from the workbook and the state folder's secret: one text line per visit
    (and with ``problems`` its problems' line)."""
    from huimao_sheets.app import check

    register, _ = check(workbook, AS_OF, Settings())
    secret = spot_check_secret(tmp_path / "state", create=False)
    lines = []
    for v in draw(register.visits, W48, secret, DEFAULT):
        lines.append(f"- {v.visit_date} {v.visitor} → {v.client.name}（{v.client.client_id}） ({v.channel}, 拜访记录第{v.row}行)")
        if problems:
            # its first line: a problem typed on two lines (the workbook has one) spans two lines of text
            lines.append(f"  客户反映问题: {v.problems or '（未记录）'}".splitlines()[0])
    return lines


def sample_lines(text: str) -> list[str]:
    """The sampled visits of a company mail's text part, one line each."""
    section = text.split("== 抽查（全公司")[1].split("\n== ")[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def test_the_director_s_mail_carries_the_sample(tmp_path, server):
    workbook = str(write_workbook(tmp_path / "register.xlsx", visits=busy_week()))
    run = send(tmp_path, server.url, workbook)
    assert run.ok
    key = tmp_path / "state" / SPOT_CHECK_KEY
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    mails = {r.recipients[0]: r.message for r in server.received}
    text = mails["chen@huimao.cn"].get_body(("plain",)).get_content()
    html = mails["chen@huimao.cn"].get_body(("html",)).get_content()
    lines = expected_sample(tmp_path, workbook)
    assert len(lines) == 5
    section = text.split("== 抽查（全公司 5 条） ==\n")[1].split("\n== ")[0]
    assert section.startswith("抽查：请致电客户核实拜访是否属实（是否见过面或通过电话、谈了什么），并对照“客户反映问题”和“拜访结果”。"
                              "样本从全公司这一周的 36 条拜访中随机抽取，每周不同，员工无法预知；没有记录“客户反映问题”的拜访"
                              "（共 11 条）被抽中的机会是其他拜访的 3 倍。\n")
    assert sample_lines(text) == lines
    assert [line for line in section.splitlines() if line.startswith(("- ", "  客户反映问题"))] == expected_sample(
        tmp_path, workbook, problems=True)
    assert "抽查（全公司 5 条）" in html and "抽查：请致电客户核实拜访是否属实" in html
    for person in ("zhangwei@huimao.cn", "wang@huimao.cn"):
        assert "抽查（全公司" not in mails[person].get_body(("plain",)).get_content()


def test_a_preview_shows_the_sample_the_mail_will_carry_and_none_without_a_key(tmp_path, server):
    workbook = str(write_workbook(tmp_path / "register.xlsx", visits=busy_week()))
    before = send(tmp_path, None, workbook, preview=tmp_path / "before")
    [company] = [m for m in before.mails if m.to_address == "chen@huimao.cn"]
    assert ("== 抽查（全公司 0 条） ==\n本次未抽取抽查样本：状态目录中还没有抽查密钥（预览和试运行不写状态目录）。"
            "正式发送周报时会生成密钥并抽取。\n") in company.text
    assert not (tmp_path / "state").exists()

    send(tmp_path, server.url, workbook)
    after = send(tmp_path, None, workbook, preview=tmp_path / "after")
    [company] = [m for m in after.mails if m.to_address == "chen@huimao.cn"]
    [sent] = [r.message for r in server.received if r.recipients[0] == "chen@huimao.cn"]
    assert len(sample_lines(company.text)) == 5
    assert sample_lines(company.text) == sample_lines(sent.get_body(("plain",)).get_content()) == expected_sample(
        tmp_path, workbook)


def test_a_workbook_whose_rows_were_sorted_differently_gives_the_same_sample(tmp_path):
    from huimao_sheets.app import check

    visits = busy_week()
    reversed_rows = list(reversed(visits))
    drawn = []
    for name, rows in (("as-entered.xlsx", visits), ("re-sorted.xlsx", reversed_rows)):
        register, _ = check(str(write_workbook(tmp_path / name, visits=rows)), AS_OF, Settings())
        drawn.append([(v.visit_date, v.client_id, v.visitor, v.channel, v.problems, v.outcome)
                      for v in draw(register.visits, W48, SECRET, DEFAULT)])
    assert drawn[0] == drawn[1] and len(drawn[0]) == 5


def test_a_damaged_secret_is_reported_in_english_with_language_en(tmp_path):
    (tmp_path / SPOT_CHECK_KEY).write_text("not a key\n", encoding="ascii")
    with pytest.raises(ConfigError) as exc:
        spot_check_secret(tmp_path, create=True, language="en")
    assert str(exc.value) == (f"The spot-check key {tmp_path / SPOT_CHECK_KEY} is damaged (it should be 64 hexadecimal "
                              f"digits). Delete the file: the next weekly report that is sent makes a new one (and the "
                              f"samples change).")


def test_a_draft_left_by_a_killed_run_whose_pid_comes_back_does_not_stop_the_key_being_made(tmp_path):
    # a run killed between writing its draft and linking it left the draft; a later process got its pid
    (tmp_path / f"{SPOT_CHECK_KEY}.{os.getpid()}.tmp").write_text("half\n", encoding="ascii")
    secret = spot_check_secret(tmp_path, create=True)
    assert (tmp_path / SPOT_CHECK_KEY).read_text(encoding="ascii") == secret.hex() + "\n"


# --- the department manager's sample, through the real weekly path ----------------------------------------

def department_lines(text: str) -> list[str]:
    section = text.split("== 抽查样本 (")[1].split("\n== ")[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def test_the_department_manager_s_sample_is_keyed_with_the_install_s_secret_and_the_department(tmp_path, server):
    from huimao_sheets.app import check

    workbook = str(write_workbook(tmp_path / "register.xlsx", visits=busy_week()))
    assert send(tmp_path, server.url, workbook).ok
    text = {r.recipients[0]: r.message.get_body(("plain",)).get_content() for r in server.received}["wang@huimao.cn"]
    register, _ = check(workbook, AS_OF, Settings())
    secret = spot_check_secret(tmp_path / "state", create=False)
    team = [v for v in register.visits if v.visitor in ("王经理", "张伟", "李娜")]
    expected = [f"- {v.visit_date} {v.visitor} → {v.client.name}（{v.client.client_id}） ({v.channel}, 拜访记录第{v.row}行)"
                for v in draw(team, W48, secret, DEFAULT, scope="市场一部")]
    assert len(expected) == 5 and department_lines(text) == expected
    # 张伟's 13 visits and 李娜's 12 of the week (王经理 made none); 11 of them with no problem recorded
    assert ("== 抽查样本 (5) ==\n请致电客户逐条核实。样本从团队这一周的 25 条拜访中随机抽取，每周不同，员工无法预知；"
            "没有记录“客户反映问题”的拜访（共 11 条）被抽中的机会是其他拜访的 3 倍。\n") in text
    assert [v.row for v in draw(team, W48, OTHER_SECRET, DEFAULT, scope="市场一部")] != [
        v.row for v in draw(team, W48, secret, DEFAULT, scope="市场一部")], "another install, another sample"


def test_a_preview_without_a_key_draws_no_department_sample(tmp_path):
    workbook = str(write_workbook(tmp_path / "register.xlsx", visits=busy_week()))
    run = send(tmp_path, None, workbook, preview=tmp_path / "preview")
    [wang] = [m for m in run.mails if m.to_address == "wang@huimao.cn"]
    assert ("== 抽查样本 (0) ==\n本次未抽取抽查样本：状态目录中还没有抽查密钥（预览和试运行不写状态目录）。"
            "正式发送周报时会生成密钥并抽取。\n") in wang.text
    assert not (tmp_path / "state").exists()
