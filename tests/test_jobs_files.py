"""Job files: the shipped jobs load; a bad file is refused with a message naming the file, the key, the
value and what is allowed; ``init`` writes a commented config plus jobs/ and templates/ that the config
points at."""

import tomllib
from pathlib import Path

import pytest

from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.jobs import ROLES, find_job, load_job, load_jobs, packaged_jobs
from huimao_sheets.scaffold import KEPT, WRITTEN, init_folder

GOOD = '''name = "evening"
when = "workdays 18:00"
checks = ["overdue_followup"]
outputs = ["daily_digest"]
recipients = ["客户经理"]
'''


def write_job(folder: Path, text: str, name: str = "evening.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_jobs_are_the_daily_check_and_the_weekly_report():
    jobs = load_jobs(Settings())
    assert [(j.name, j.when.text, j.outputs, j.checks, j.roles) for j in jobs] == [
        ("daily-check", "workdays 08:00", ("findings_sheet", "daily_digest"), None, ROLES),
        ("weekly-report", "monday 08:00", ("weekly_report",), None, ROLES),
    ]
    assert sorted(p.name for p in packaged_jobs().glob("*.toml")) == ["daily-check.toml", "weekly-report.toml"]


def test_a_job_file_with_every_key(tmp_path):
    path = write_job(tmp_path, GOOD + 'description = "晚间提醒"\ncatch_up_until = "20:00"\nenabled = false\n')
    job = load_job(path)
    assert (job.name, job.when.describe(), job.checks, job.outputs, job.roles, job.description) == (
        "evening", "工作日 18:00", ("overdue_followup",), ("daily_digest",), ("客户经理",), "晚间提醒")
    assert (str(job.catch_up_until), job.enabled, job.path) == ("20:00:00", False, path)


def test_english_role_names_and_all(tmp_path):
    job = load_job(write_job(tmp_path, GOOD.replace('["客户经理"]', '["account_manager", "director"]')))
    assert job.roles == ("客户经理", "市场总监")
    assert load_job(write_job(tmp_path, GOOD.replace('["客户经理"]', '"all"'))).roles == ROLES


@pytest.mark.parametrize("change, key, why", [
    (('when = "workdays 18:00"', 'when = "weekdays 8am"'), "when = 'weekdays 8am'",
     "无法识别“weekdays 8am”。可写成 \"workdays 08:00\""),
    (('when = "workdays 18:00"\n', ''), "when = （缺失）", "缺少此键；例如 when = \"workdays 08:00\""),
    (('when = "workdays 18:00"', 'when = 8'), "when = 8", "应为字符串"),
    (('outputs = ["daily_digest"]', 'outputs = ["email"]'), "outputs = ['email']",
     "未知的输出 email；可选: findings_sheet（重写数据检查表）"),
    (('outputs = ["daily_digest"]', 'outputs = []'), "outputs = []", "应为非空的字符串列表"),
    (('checks = ["overdue_followup"]', 'checks = ["overdue"]'), "checks = ['overdue']",
     "未知的检查 overdue；可选 \"all\" 或: missing_required"),
    (('outputs = ["daily_digest"]', 'outputs = ["findings_sheet"]'), "checks = ['overdue_followup']",
     "输出 findings_sheet 针对整个登记表，需要全部检查"),
    (('recipients = ["客户经理"]', 'recipients = ["经理"]'), "recipients = ['经理']",
     "未知的角色 经理；可选 \"all\" 或员工表的角色: 客户经理、部门经理、市场总监助理、市场总监"),
    (('name = "evening"', 'name = "Evening Check"'), "name = 'Evening Check'", "应由小写字母、数字、- 和 _ 组成"),
    (('name = "evening"', 'name = "evening"\nschedule = "daily"'), "schedule = 'daily'",
     "不是任务文件的键；可用的键: name, description, when"),
    (('name = "evening"', 'name = "evening"\ncatch_up_until = "5pm"'), "catch_up_until = '5pm'",
     "“5pm”不是时刻，请写成 HH:MM"),
    (('name = "evening"', 'name = "evening"\nenabled = "no"'), "enabled = 'no'", "应为 true 或 false"),
])
def test_a_bad_job_file_is_refused_naming_the_file_and_the_key(tmp_path, change, key, why):
    path = write_job(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as exc:
        load_job(path)
    assert str(exc.value).startswith(f"任务文件 {path} 中的 {key} 有误: ")
    assert why in str(exc.value)


def test_a_file_that_is_not_toml_names_the_file_and_the_line(tmp_path):
    path = write_job(tmp_path, 'name = "evening"\nwhen = workdays 08:00\n')
    with pytest.raises(ConfigError) as exc:
        load_job(path)
    assert str(exc.value).startswith(f"任务文件 {path} 不是有效的 TOML: ")
    assert "line 2" in str(exc.value)


def test_two_jobs_with_one_name_are_refused(tmp_path):
    write_job(tmp_path / "jobs", GOOD, "a.toml")
    second = write_job(tmp_path / "jobs", GOOD, "b.toml")
    with pytest.raises(ConfigError) as exc:
        load_jobs(Settings(jobs_dir=str(tmp_path / "jobs")))
    assert str(exc.value) == (f"任务文件 {second} 中的 name = 'evening' 有误: 与 {tmp_path / 'jobs' / 'a.toml'} 重名，"
                              f"每个任务的名称必须不同")


def test_a_disabled_job_is_not_scheduled_but_can_be_run_by_hand(tmp_path):
    write_job(tmp_path, GOOD + "enabled = false\n")
    settings = Settings(jobs_dir=str(tmp_path))
    assert load_jobs(settings) == []
    assert find_job(settings, "evening").enabled is False


def test_an_unknown_job_name_lists_the_jobs():
    with pytest.raises(ConfigError) as exc:
        find_job(Settings(), "daily")
    assert "没有名为“daily”的任务" in str(exc.value) and "现有任务: daily-check, weekly-report" in str(exc.value)


def test_a_missing_jobs_dir_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_jobs(Settings(jobs_dir=str(tmp_path / "nope")))
    assert str(exc.value).startswith(f"配置项 jobs_dir 指向的目录 {tmp_path / 'nope'} 不存在")


def test_a_bad_catch_up_limit_in_the_config_names_the_key():
    with pytest.raises(ConfigError) as exc:
        Settings.from_dict({"scheduler": {"catch_up_until": "17.30"}}, path="huimao.toml")
    assert str(exc.value) == ('配置文件 huimao.toml 中的 scheduler.catch_up_until = "17.30" 有误: '
                              '不是时刻；请写成 HH:MM，例如 08:00 或 17:30')


def test_the_cli_shows_a_job_file_error_and_exits_2(tmp_path, run_cli):
    path = write_job(tmp_path / "jobs", GOOD.replace("workdays 18:00", "every day"))
    (tmp_path / "huimao.toml").write_text('jobs_dir = "jobs"\n', encoding="utf-8")
    code, _, err = run_cli("jobs")
    assert code == 2
    assert err.startswith(f"错误: 任务文件 {Path('jobs') / path.name} 中的 when = 'every day' 有误")


# --- init ------------------------------------------------------------------------------------------------

def test_init_writes_a_config_that_points_at_copies_of_the_jobs_and_templates(tmp_path, monkeypatch):
    done = init_folder(tmp_path / "srv")
    written = {p.path.relative_to(tmp_path / "srv").as_posix() for p in done if p.status == WRITTEN}
    assert {"huimao.toml", "jobs/daily-check.toml", "jobs/weekly-report.toml", "templates/daily.html.j2",
            "templates/weekly-person.html.j2"} <= written
    monkeypatch.chdir(tmp_path / "srv")
    settings = Settings.load("huimao.toml")
    assert (settings.jobs_dir, settings.templates_dir, settings.source) == ("jobs", "templates", "客户登记.xlsx")
    assert [j.path for j in load_jobs(settings)] == [Path("jobs/daily-check.toml"), Path("jobs/weekly-report.toml")]


def test_the_written_config_mentions_every_setting():
    from huimao_sheets.scaffold import CONFIG

    text = CONFIG
    parsed = tomllib.loads(text)
    for key in Settings.model_fields:
        assert f"{key} =" in text or f"[{key}]" in text or f"[{key}." in text, key
    for section in ("checks", "scheduler"):
        model = type(getattr(Settings(), section))
        for key in model.model_fields:
            assert f"{key} =" in text, f"{section}.{key}"
    assert Settings.from_dict(parsed).scheduler.catch_up_until == "17:30"


def test_init_keeps_what_an_admin_already_changed(tmp_path):
    init_folder(tmp_path)
    (tmp_path / "jobs" / "daily-check.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "jobs" / "weekly-report.toml").unlink()
    again = {p.path.name: p.status for p in init_folder(tmp_path)}
    assert again["daily-check.toml"] == KEPT and again["huimao.toml"] == KEPT
    assert again["weekly-report.toml"] == WRITTEN
    assert (tmp_path / "jobs" / "daily-check.toml").read_text(encoding="utf-8") == GOOD


def test_init_on_the_command_line(tmp_path, run_cli):
    code, out, err = run_cli("init", "srv")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "已写入 srv/huimao.toml" and "已写入 srv/jobs/daily-check.toml" in lines
    assert lines[-1] == "下一步: 编辑 srv/huimao.toml（source、smtp、mail_from），然后运行 huimao-sheets doctor 和 huimao-sheets jobs"
    code, out, _ = run_cli("init", "srv", "--lang", "en")
    assert code == 0 and out.splitlines()[0] == "exists, kept srv/huimao.toml"


def test_roles_are_read_as_the_staff_sheet_reads_them(tmp_path):
    """Width and spaces folded, as 角色 on 员工 is read: a role copied from the sheet works."""
    job = load_job(write_job(tmp_path, GOOD.replace('["客户经理"]', '["客户　经理", "部门经理 ", " 市场总监 "]')))
    assert job.roles == ("客户经理", "部门经理", "市场总监")
