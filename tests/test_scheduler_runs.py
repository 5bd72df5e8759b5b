"""The scheduler end to end, in this process, with the instant passed in and a real SMTP server on loopback
(aiosmtpd): catch-up exactly once, misses logged and never replayed, nothing on the National Day holiday,
the daily job on a make-up working Saturday, the weekly report moved off a holiday Monday, the daily
digest's content (and no empty mail), failures retried without sending twice, the lock, and the
``run``/``jobs``/``schedule`` commands."""

import logging
from datetime import date, datetime
from email import message_from_bytes, policy

import pytest

from huimao_sheets.config import SchedulerSettings, Settings
from huimao_sheets.jobs import find_job, load_jobs
from huimao_sheets.ledger import Ledger
from huimao_sheets.runner import run_job
from huimao_sheets.scheduler import SchedulerLock, run_due
from huimao_sheets.timing import TZ
from workbooks import client, make_workbook, visit


def at(y, mo, d, h=8, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


def settings_for(tmp_path, server, source, **kw) -> Settings:
    return Settings(source=source, smtp=server.url, state_dir=str(tmp_path / "state"),
                    mail_from="慧茂 <report@huimao.cn>", **kw)


def received(server) -> list[tuple[str, str, str]]:
    """(kind, period, address) of every message the server got, in order, repeats included."""
    out = []
    for r in server.received:
        kind, period = message_from_bytes(r.data, policy=policy.default)["X-Huimao-Report"].split()
        out.append((kind, period, r.recipients[0]))
    return out


def statuses(outcomes) -> list[tuple[str, str, str]]:
    return [(o.job, o.period, o.status) for o in outcomes]


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger="huimao_sheets.scheduler")
    return caplog


def lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "huimao_sheets.scheduler"]


# --- catch-up exactly once ---------------------------------------------------------------------------------

def test_a_weekly_report_missed_at_8_is_caught_up_that_afternoon_and_not_sent_again(tmp_path, server, register, log):
    settings = settings_for(tmp_path, server, register)
    weekly = [find_job(settings, "weekly-report")]

    first = run_due(settings, weekly, at(2026, 11, 30, 14, 0), env={})
    assert statuses(first) == [("weekly-report", "2026-W49", "ok")]
    sent = received(server)
    assert len(sent) == 7 and {(k.split("-")[0], p) for k, p, _ in sent} == {("weekly", "2026-W48")}
    assert len({a for _, _, a in sent}) == 7

    assert run_due(settings, weekly, at(2026, 11, 30, 14, 5), env={}) == []
    assert run_due(settings, weekly, at(2026, 11, 30, 16, 0), env={}) == []
    assert len(server.received) == 7
    [line] = lines(log)   # recorded under the week it runs in (W49), it reports on the week before (W48)
    assert line.startswith("weekly-report 运行周 2026-W49 成功 ") and "（补跑 2026-11-30 08:00 的任务）: 周报 2026-W48 7 封已发送 → smtp://127.0.0.1:" in line


def test_at_18_00_the_missed_report_is_logged_and_not_replayed(tmp_path, server, register, log):
    settings = settings_for(tmp_path, server, register)
    weekly = [find_job(settings, "weekly-report")]

    assert statuses(run_due(settings, weekly, at(2026, 11, 30, 18, 0), env={})) == [("weekly-report", "2026-W49", "missed")]
    assert run_due(settings, weekly, at(2026, 11, 30, 18, 1), env={}) == []
    assert run_due(settings, weekly, at(2026, 12, 1, 9, 0), env={}) == []
    assert server.received == []
    assert lines(log) == ["weekly-report 运行周 2026-W49 错过: 应于 2026-11-30 08:00 运行，已过当天的补跑时限 17:30，不再补跑"]
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        assert [(r.job, r.period, r.status) for r in ledger.runs()] == [("weekly-report", "2026-W49", "missed")]


def test_the_catch_up_limit_is_configurable(tmp_path, server, register):
    settings = settings_for(tmp_path, server, register, scheduler=SchedulerSettings(catch_up_until="19:00"))
    outcomes = run_due(settings, [find_job(settings, "weekly-report")], at(2026, 11, 30, 18, 0), env={})
    assert statuses(outcomes) == [("weekly-report", "2026-W49", "ok")]


def test_days_the_scheduler_was_down_are_logged_once_as_missed(tmp_path, server, register, log):
    settings = settings_for(tmp_path, server, register)
    daily = [find_job(settings, "daily-check")]
    assert statuses(run_due(settings, daily, at(2026, 11, 26, 8, 0), env={})) == [("daily-check", "2026-11-26", "ok")]
    log.clear()
    # down from Thursday afternoon until Monday 09:00: Friday is missed, Monday is caught up
    outcomes = run_due(settings, daily, at(2026, 11, 30, 9, 0), env={})
    assert statuses(outcomes) == [("daily-check", "2026-11-27", "missed"), ("daily-check", "2026-11-30", "ok")]
    assert lines(log)[0] == "daily-check 2026-11-27 错过: 应于 2026-11-27 08:00 运行，调度器当时未运行，不再补跑"
    assert {p for _, p, _ in received(server)} == {"2026-11-26", "2026-11-30"}


# --- China's calendar ----------------------------------------------------------------------------------------

def once(run_cli, server, register, now):
    # --force: these replay days that may lie ahead of the clock the suite runs on
    return run_cli("schedule", "--once", "--now", now, "--force", "--source", register, "--state", "state", "--smtp", server.url)


def test_nothing_is_sent_on_the_national_day_holiday(server, register, run_cli):
    code, _, err = once(run_cli, server, register, "2026-09-30T08:00")
    assert code == 0, err
    before = len(server.received)
    assert {(k, p) for k, p, _ in received(server)} == {("daily-digest", "2026-09-30")}   # the day before
    for day in range(1, 8):
        for hour in ("08:00", "10:00", "14:00"):
            code, _, err = once(run_cli, server, register, f"2026-10-0{day}T{hour}")
            assert code == 0, err
    assert len(server.received) == before


def test_the_daily_job_runs_on_the_make_up_working_saturday(server, register, run_cli):
    code, _, err = once(run_cli, server, register, "2026-10-10T08:00")
    assert code == 0, err
    assert sorted(received(server)) == [("daily-digest", "2026-10-10", a) for a in (
        "lina@huimao.cn", "zhangwei@huimao.cn", "zhao@huimao.cn", "zhoumin@huimao.cn")]   # visits after 10-10: future dates
    assert "daily-check 2026-10-10 成功" in err
    assert "weekly-report" not in err, "Thursday's weekly slot came before this state folder's first run: no miss"


def test_a_fresh_state_folder_logs_no_miss_from_before_the_scheduler_first_ran(tmp_path, server, register, run_cli):
    code, _, err = once(run_cli, server, register, "2026-11-30T07:59")   # Monday, before the day's slots
    assert (code, err) == (0, "没有到期的任务\n")
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        assert list(ledger.runs()) == []
    code, _, err = once(run_cli, server, register, "2026-11-30T14:00")   # today's missed runs are caught up
    assert code == 0, err
    assert "daily-check 2026-11-30 成功" in err and "weekly-report" in err and "错过" not in err


def test_a_holiday_monday_moves_the_weekly_report_to_thursday(server, register, run_cli):
    code, _, _ = once(run_cli, server, register, "2026-10-05T08:00")   # Monday, a National Day holiday
    assert code == 0 and [k for k, _, _ in received(server) if k.startswith("weekly")] == []
    code, _, err = once(run_cli, server, register, "2026-10-08T08:00")   # Thursday, the week's first working day
    assert code == 0, err
    weekly = {(k, p) for k, p, _ in received(server) if k.startswith("weekly")}
    assert {p for _, p in weekly} == {"2026-W40"} and len([1 for k, _, _ in received(server) if k.startswith("weekly")]) == 7
    assert "weekly-report 运行周 2026-W41 成功" in err and "周报 2026-W40 7 封已发送" in err


# --- the daily digest -------------------------------------------------------------------------------------------

@pytest.fixture
def small(tmp_path):
    """As of Monday 2026-11-30: 张伟's KH0001 is due today and his KH0003 lacks a mobile; 李娜's KH0002
    is 5 days overdue; 王经理 and 陈总 have nothing to do."""
    return str(make_workbook(tmp_path, clients=[
        client(下次跟进日期=date(2026, 11, 30)),
        client(客户编号="KH0002", 客户名称="厦门华强电子有限公司", 客户经理="李娜", 下次跟进日期=date(2026, 11, 25),
               负责人手机="13900139000", 地址="厦门市思明区2号"),
        client(客户编号="KH0003", 客户名称="泉州闽江纺织有限公司", 负责人手机=None, 地址="泉州市3号", 负责人="陈总"),
    ], visits=[visit(), visit(客户编号="KH0002", 拜访人="李娜", 拜访日期=date(2026, 11, 19))]))


def test_the_digest_goes_to_whoever_has_something_to_do_and_nobody_else(tmp_path, server, small):
    settings = settings_for(tmp_path, server, small)
    run = run_job(find_job(settings, "daily-check"), settings, now=at(2026, 11, 30, 8, 0), env={})
    assert run.ok and run.period == "2026-11-30"
    assert sorted(received(server)) == [("daily-digest", "2026-11-30", "lina@huimao.cn"),
                                        ("daily-digest", "2026-11-30", "zhangwei@huimao.cn")]
    by_address = {r.recipients[0]: message_from_bytes(r.data, policy=policy.default) for r in server.received}
    zhang = by_address["zhangwei@huimao.cn"]
    assert zhang["Subject"] == "【慧茂日报】张伟 11/30（周一）今日跟进 1 · 逾期 0 · 待改 1"
    text = zhang.get_body(("plain",)).get_content()
    assert "== 今日应跟进 (1) ==\n- 福州鼎盛贸易有限公司（KH0001）：下次跟进日期为今天；上次拜访 2026-11-20\n" in text
    # A cell to correct is grouped by kind, as in the weekly report, with the way to the full list.
    assert ("== 表格中待改正的单元格 (1) ==\n按类型汇总，每类列出前几条；完整清单见“数据检查（register.xlsx）”工作表，"
            "按“处理人”列筛选“张伟”（该表按处理人排序，您的各行排在一起），点“单元格”列即可跳到要改的格子。\n"
            "- 必填项为空: 1\n    · 客户档案第4行缺少“负责人手机”\n") in text
    assert "待改正的数据问题" not in text and "需要您处理的事项" not in text
    assert "已逾期的跟进" not in text
    html = zhang.get_body(("html",)).get_content()
    assert "福州鼎盛贸易有限公司（KH0001）" in html and "慧茂日报 · 张伟" in html
    lina = by_address["lina@huimao.cn"].get_body(("plain",)).get_content()
    assert "== 已逾期的跟进 (1) ==\n- [跟进逾期] 客户“厦门华强电子有限公司（KH0002）”应于2026-11-25跟进，已逾期5天（下次跟进日期已过）" in lina
    assert run.summary() == (f"数据检查表 2 条 → {small}; 日报 2 封已发送 → {server.url}")


def test_a_second_run_the_same_day_sends_no_digest_twice(tmp_path, server, small):
    settings = settings_for(tmp_path, server, small)
    job = find_job(settings, "daily-check")
    run_job(job, settings, now=at(2026, 11, 30, 8, 0), env={})
    again = run_job(job, settings, now=at(2026, 11, 30, 9, 0), env={})
    assert len(server.received) == 2
    assert again.summary().endswith("日报 0 封已发送 → " + server.url + "（2 封此前已发送）")


def test_the_findings_sheet_is_rewritten_with_first_seen_dates(tmp_path, server, small):
    from python_calamine import CalamineWorkbook

    settings = settings_for(tmp_path, server, small)
    job = find_job(settings, "daily-check")
    run_job(job, settings, now=at(2026, 11, 27, 8, 0), env={})
    run_job(job, settings, now=at(2026, 11, 30, 8, 0), env={})
    rows = CalamineWorkbook.from_path(small).get_sheet_by_name("数据检查").to_python()
    assert rows[0][:3] == ["问题代码", "级别", "处理人"]
    missing = next(r for r in rows if r[0] == "missing_required")
    assert (missing[2], missing[4], missing[6], str(missing[9])[:10]) == ("张伟", 4, "F4", "2026-11-27"), \
        "the cell column names the real cell of the blank 负责人手机"


def test_a_dry_run_renders_but_writes_sends_and_records_nothing(tmp_path, server, small):
    settings = settings_for(tmp_path, server, small)
    run = run_job(find_job(settings, "daily-check"), settings, now=at(2026, 11, 30, 8, 0), dry_run=True, env={})
    assert [m.to_address for m in run.digest] == ["zhangwei@huimao.cn", "lina@huimao.cn"]
    assert run.summary() == f"将写入数据检查表 2 条 → {small}; 日报 2 封待发送"
    assert server.received == [] and not (tmp_path / "state").exists()
    from python_calamine import CalamineWorkbook

    assert "数据检查" not in CalamineWorkbook.from_path(small).sheet_names


def test_recipients_limit_who_gets_mail(tmp_path, server, register):
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "managers.toml").write_text('when = "monday 08:00"\noutputs = ["weekly_report"]\n'
                                        'recipients = ["部门经理", "市场总监"]\n', encoding="utf-8")
    settings = settings_for(tmp_path, server, register, jobs_dir=str(jobs))
    run_due(settings, load_jobs(settings), at(2026, 11, 30, 8, 0), env={})
    assert sorted((k, a) for k, _, a in received(server)) == [
        ("weekly-company", "chen@huimao.cn"), ("weekly-department", "wang@huimao.cn"),
        ("weekly-department", "zhao@huimao.cn")]


# --- failures -----------------------------------------------------------------------------------------------------

def test_a_partial_run_is_logged_retried_later_and_sends_nothing_twice(tmp_path, server, small, log):
    settings = settings_for(tmp_path, server, small)
    daily = [find_job(settings, "daily-check")]
    server.stop()   # the mail server is down at 08:00
    outcomes = run_due(settings, daily, at(2026, 11, 30, 8, 0), env={})
    assert statuses(outcomes) == [("daily-check", "2026-11-30", "partial")]
    assert "daily-check 2026-11-30 部分成功 " in lines(log)[0]
    assert ": 2 封未送达; " in lines(log)[0] and "2 封未能发送，留在队列中: 无法连接邮件服务器" in lines(log)[0]
    server.start(port=server.port)
    assert run_due(settings, daily, at(2026, 11, 30, 8, 20), env={}) == []             # not before 08:30
    assert statuses(run_due(settings, daily, at(2026, 11, 30, 8, 30), env={})) == [("daily-check", "2026-11-30", "ok")]
    assert run_due(settings, daily, at(2026, 11, 30, 9, 30), env={}) == []
    assert sorted(a for _, _, a in received(server)) == ["lina@huimao.cn", "zhangwei@huimao.cn"]


def test_a_workbook_open_in_excel_does_not_stop_the_mornings_digest(tmp_path, server, small, log):
    from pathlib import Path

    settings = settings_for(tmp_path, server, small)
    daily = [find_job(settings, "daily-check")]
    lock = Path(small).with_name("~$" + Path(small).name)    # Excel's lock file: someone has it open
    lock.write_text("", encoding="utf-8")
    assert statuses(run_due(settings, daily, at(2026, 11, 30, 8, 0), env={})) == [("daily-check", "2026-11-30", "failed")]
    assert len(server.received) == 2
    assert "findings_sheet: 工作簿 " in lines(log)[0] and "正在被 Excel/WPS 打开" in lines(log)[0]
    lock.unlink()
    assert statuses(run_due(settings, daily, at(2026, 11, 30, 8, 30), env={})) == [("daily-check", "2026-11-30", "ok")]
    assert len(server.received) == 2
    assert lines(log)[1].endswith(f"数据检查表 2 条 → {small}; 日报 0 封已发送 → {server.url}（2 封此前已发送）")


def test_a_job_that_raises_is_logged_and_the_next_job_still_runs(tmp_path, server, small, log):
    settings = settings_for(tmp_path, server, small)
    broken = settings.model_copy(update={"source": str(tmp_path / "missing.xlsx")})
    outcomes = run_due(broken, load_jobs(broken), at(2026, 11, 30, 8, 0), env={})
    assert statuses(outcomes) == [("daily-check", "2026-11-30", "failed"), ("weekly-report", "2026-W49", "failed")]
    assert all(str(tmp_path / "missing.xlsx") in line for line in lines(log))
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        assert [(r.job, r.status) for r in ledger.runs()] == [("daily-check", "failed"), ("weekly-report", "failed")]


def test_a_job_that_crashes_in_native_code_is_a_failed_run_and_the_next_job_still_runs(
        tmp_path, server, small, log, monkeypatch):
    """A segfault (as a reader's native code can cause) ends only the job's own process."""
    import ctypes

    from huimao_sheets import runner

    marker, real_open = tmp_path / "crashed-once", runner.open_source

    def open_source_that_crashes_once(*args, **kw):
        if not marker.exists():
            marker.touch()
            ctypes.string_at(0)   # SIGSEGV, in native code
        return real_open(*args, **kw)

    monkeypatch.setattr(runner, "open_source", open_source_that_crashes_once)
    settings = settings_for(tmp_path, server, small)
    outcomes = run_due(settings, load_jobs(settings), at(2026, 11, 30, 8, 0), env={})
    assert statuses(outcomes) == [("daily-check", "2026-11-30", "failed"), ("weekly-report", "2026-W49", "ok")]
    assert outcomes[0].summary == "任务进程异常终止（信号 SIGSEGV），已记为失败；崩溃处的调用栈在调度器的错误输出（stderr）中"
    assert lines(log)[0].startswith("daily-check 2026-11-30 失败 ")
    assert lines(log)[0].endswith(outcomes[0].summary)
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        assert [(r.job, r.status, r.summary) for r in ledger.runs()] == [
            ("daily-check", "failed", outcomes[0].summary), ("weekly-report", "ok", outcomes[1].summary)]
    assert received(server) and all(kind.startswith("weekly-") for kind, _, _ in received(server))


def test_a_job_that_crashes_before_its_run_is_recorded_is_still_a_failed_run_and_waits_its_retry(
        tmp_path, server, small, log, monkeypatch):
    """A child that dies before the ledger knows of its run leaves no run behind: without a failed run the
    next minute's pass would start it again, and again — a crash loop instead of the retry 30 minutes on."""
    import ctypes

    from huimao_sheets import runner

    def open_transport_that_crashes(*args, **kw):
        ctypes.string_at(0)   # SIGSEGV, before run_job records the run

    monkeypatch.setattr(runner, "open_transport", open_transport_that_crashes)
    settings = settings_for(tmp_path, server, small)
    jobs = [j for j in load_jobs(settings) if j.name == "daily-check"]
    outcomes = run_due(settings, jobs, at(2026, 11, 30, 8, 0), env={})
    assert statuses(outcomes) == [("daily-check", "2026-11-30", "failed")]
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        assert [(r.job, r.period, r.status, r.summary) for r in ledger.runs()] == [
            ("daily-check", "2026-11-30", "failed", outcomes[0].summary)]
    assert run_due(settings, jobs, at(2026, 11, 30, 8, 1), env={}) == [], "not started again a minute later"


# --- one instance at a time and the commands ---------------------------------------------------------------

def test_a_second_scheduler_refuses_with_a_clear_message(tmp_path, server, register, run_cli):
    import os

    with SchedulerLock(tmp_path / "state"):
        code, out, err = once(run_cli, server, register, "2026-11-30T08:00")
    assert code == 2
    assert err.replace("\n", "").startswith(f"错误: 另一个调度器正在运行（进程 {os.getpid()}，锁文件 state/scheduler.lock），同一状态目录同时只能运行一个。")
    assert server.received == []
    code, _, err = once(run_cli, server, register, "2026-11-30T08:00")      # the lock is free again
    assert code == 0, err


def test_run_by_hand_counts_for_the_schedule(server, register, run_cli):
    code, out, err = run_cli("run", "weekly-report", "--as-of", "2026-11-30", "--force", "--source", register, "--state", "state",
                             "--smtp", server.url)
    assert code == 0, err
    assert out.splitlines()[0] == "任务 weekly-report（每周一 08:00（逢休息日顺延至本周下一个工作日）），周期 2026-W49，数据截至 2026-11-30"
    assert len(server.received) == 7
    code, _, err = once(run_cli, server, register, "2026-11-30T08:00")
    assert code == 0 and "weekly-report" not in err and "daily-check 2026-11-30 成功" in err
    assert [k for k, _, _ in received(server)].count("daily-digest") == 4 and len(server.received) == 11


def test_run_dry_run_lists_the_messages(server, register, run_cli):
    code, out, err = run_cli("run", "daily-check", "--dry-run", "--as-of", "2026-11-30", "--source", register,
                             "--state", "state", "--smtp", server.url)
    assert code == 0, err
    assert out.splitlines()[1:] == [
        "演练：不写入、不发送、不记录",
        "  daily-digest       张伟 <zhangwei@huimao.cn>  【慧茂日报】张伟 11/30（周一）今日跟进 0 · 逾期 0 · 未做计划 1 · 待改 1",
        "  daily-digest       李娜 <lina@huimao.cn>  【慧茂日报】李娜 11/30（周一）今日跟进 0 · 逾期 0 · 待改 1",
        "  daily-digest       赵经理 <zhao@huimao.cn>  【慧茂日报】赵经理 11/30（周一）今日跟进 0 · 逾期 0 · 待改 2",
        "  daily-digest       周敏 <zhoumin@huimao.cn>  【慧茂日报】周敏 11/30（周一）今日跟进 0 · 逾期 0 · 待改 1",
        f"将写入数据检查表 5 条 → {register}; 日报 4 封待发送",
    ]
    assert server.received == []


def test_jobs_lists_schedule_next_and_last_run(server, register, run_cli):
    once(run_cli, server, register, "2026-11-30T08:00")
    code, out, err = run_cli("jobs", "--now", "2026-12-01T12:00", "--state", "state")
    assert code == 0, err
    # Tuesday's 08:00 run did not happen: the scheduler would catch it up now, and jobs says so.
    assert out.splitlines()[1:3] == ["  下次运行: 现在（补跑 2026-12-01 08:00 的任务）",
                                     f"  上次运行: 2026-11-30 成功（2026-11-30 08:00）数据检查表 5 条 → {register}; 日报 4 封已发送 → {server.url}"]
    assert "  下次运行: 2026-12-07 08:00 周一" in out.splitlines()


def test_now_without_once_is_refused(run_cli):
    code, _, err = run_cli("schedule", "--now", "2026-11-30T08:00")
    assert code == 2 and "--now 只能与 --once 一起使用" in err


def test_the_demo_runs_every_job_once_and_says_where_things_went(tmp_path, small):
    from python_calamine import CalamineWorkbook
    from rich.console import Console

    from huimao_sheets.demo_run import demo_run_jobs

    settings = Settings(outbox_dir=str(tmp_path / "outbox"), state_dir=str(tmp_path / "state"), smtp="smtp://nowhere:25")
    console = Console(record=True, width=400)
    runs = demo_run_jobs(path=small, settings=settings, console=console, as_of=date(2026, 11, 30))
    assert [(r.job.name, r.ok) for r in runs] == [("daily-check", True), ("weekly-report", True)]
    assert sorted(p.name for p in (tmp_path / "outbox").glob("*daily-digest*")) == [
        "2026-11-30_daily-digest_lina@huimao.cn.eml", "2026-11-30_daily-digest_zhangwei@huimao.cn.eml"]
    assert len(list((tmp_path / "outbox").glob("2026-W48_weekly-*.eml"))) == 4
    assert "数据检查" in CalamineWorkbook.from_path(small).sheet_names
    assert not (tmp_path / "state").exists(), "the demo records nothing in the real state folder"
    out = console.export_text()
    assert f"数据检查表: {small} 的“数据检查”工作表" in out and f"邮件: {tmp_path / 'outbox'}/ 中的 .eml 文件" in out


def test_run_by_hand_is_recorded_at_its_own_now(server, register, run_cli):
    code, out, err = run_cli("run", "daily-check", "--now", "2026-11-30T09:15", "--force", "--source", register,
                             "--state", "state", "--smtp", server.url)
    assert code == 0, err
    assert "周期 2026-11-30，数据截至 2026-11-30" in out.splitlines()[0]
    code, out, err = run_cli("jobs", "--now", "2026-11-30T10:00", "--state", "state")
    assert code == 0, err
    assert "  上次运行: 2026-11-30 成功（2026-11-30 09:15）" in out
