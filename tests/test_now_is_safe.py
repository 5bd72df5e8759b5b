"""``--now`` is safe, and ``jobs`` tells the truth about ``schedule``.

A ``--now`` later than the clock would really write, send and record a run, so that the real run at that time
is then skipped: ``schedule --once`` and ``run`` refuse it without ``--force`` (``run --dry-run`` records
nothing and may look ahead). ``jobs --now T`` shows as next run what ``schedule`` at T takes: a missed run
still catchable today is "now (catch-up)", a period already done is not shown, a failed attempt shows its
retry. Both ask the same ``decide``: ``next_run`` is the first instant at which it says RUN.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from huimao_sheets.ledger import Ledger, Run
from huimao_sheets.scheduler import CATCH_UP, ON_TIME_RUN, RETRY, RUN, decide, next_run
from huimao_sheets.timing import TZ, parse_when
from huimao_sheets.workdays import WorkCalendar

CN = WorkCalendar()
UNTIL = time(17, 30)
WORKDAYS = parse_when("workdays 08:00")
MONDAY = parse_when("monday 08:00")
EVERY_2H = parse_when("every 2 hours")
FAR = "2099-06-01T08:00"      # later than any clock the suite runs on


def at(y, mo, d, h=8, mi=0, s=0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=TZ)


def ran(runs: dict[str, tuple[str, datetime]]):
    """A ``last_run`` over period → (status, started): the ledger's answer as plain data."""
    def last_run(period):
        if period is None:
            if not runs:
                return None
            period = max(runs, key=lambda p: runs[p][1])
        if period not in runs:
            return None
        status, started = runs[period]
        return Run(1, "job", period, started.isoformat(), None, status, None)

    return last_run


# --- next_run: the first instant decide() says RUN ----------------------------------------------------------

def test_a_missed_run_still_catchable_today_is_next_now_as_a_catch_up():
    # Monday 10:00, nothing ran at 08:00 (scheduler down): schedule would catch up now, so jobs says now.
    for when, period in ((WORKDAYS, "2026-11-30"), (MONDAY, "2026-W49")):
        nxt = next_run(when, at(2026, 11, 30, 10, 0), CN, ran({}), UNTIL)
        assert (nxt.at, nxt.why, nxt.slot.period) == (at(2026, 11, 30, 10, 0), CATCH_UP, period)


def test_a_period_already_done_is_not_shown_as_next():
    # The weekly report was run by hand at 07:00 on Monday (period 2026-W49): 08:00 that day will not run it.
    by_hand = ran({"2026-W49": ("ok", at(2026, 11, 30, 7, 0))})
    nxt = next_run(MONDAY, at(2026, 11, 30, 7, 30), CN, by_hand, UNTIL)
    assert (nxt.at, nxt.why, nxt.slot.period) == (at(2026, 12, 7, 8, 0), ON_TIME_RUN, "2026-W50")
    daily_by_hand = ran({"2026-11-30": ("ok", at(2026, 11, 30, 7, 0))})
    assert next_run(WORKDAYS, at(2026, 11, 30, 7, 30), CN, daily_by_hand, UNTIL).at == at(2026, 12, 1, 8, 0)


def test_a_failed_attempt_shows_its_retry_on_the_scheduler_s_next_minute():
    failed = ran({"2026-11-30": ("failed", at(2026, 11, 30, 8, 0, 20))})
    nxt = next_run(WORKDAYS, at(2026, 11, 30, 8, 10), CN, failed, UNTIL)
    assert (nxt.at, nxt.why, nxt.slot.period) == (at(2026, 11, 30, 8, 31), RETRY, "2026-11-30")
    # past the catch-up limit the failed day is given up: the next day's slot is next
    assert next_run(WORKDAYS, at(2026, 11, 30, 18, 0), CN, failed, UNTIL).at == at(2026, 12, 1, 8, 0)


def test_after_the_catch_up_limit_the_next_slot_is_next():
    assert next_run(MONDAY, at(2026, 11, 30, 18, 0), CN, ran({}), UNTIL).at == at(2026, 12, 7, 8, 0)
    # National Day 2026: Monday 10-05 is off, the weekly run moves to Thursday 10-08
    assert next_run(MONDAY, at(2026, 9, 30, 18, 0), CN, ran({}), UNTIL).at == at(2026, 10, 8, 8, 0)


HISTORIES = {
    "fresh": {},
    "ran friday": {"2026-11-27": ("ok", at(2026, 11, 27, 8, 0)), "2026-W48": ("ok", at(2026, 11, 23, 8, 0)),
                   "2026-11-27T08:00": ("ok", at(2026, 11, 27, 8, 0))},
    "done by hand monday 07:00": {"2026-11-30": ("ok", at(2026, 11, 30, 7, 0)),
                                  "2026-W49": ("ok", at(2026, 11, 30, 7, 0)),
                                  "2026-11-30T06:00": ("ok", at(2026, 11, 30, 7, 0))},
    "failed monday 08:00": {"2026-11-30": ("failed", at(2026, 11, 30, 8, 0, 20)),
                            "2026-W49": ("failed", at(2026, 11, 30, 8, 0, 20)),
                            "2026-11-30T08:00": ("failed", at(2026, 11, 30, 8, 0, 20))},
}


@pytest.mark.parametrize("history", HISTORIES, ids=list(HISTORIES))
@pytest.mark.parametrize("when", [WORKDAYS, MONDAY, EVERY_2H], ids=["workdays", "monday", "every 2 hours"])
def test_jobs_and_schedule_agree_minute_by_minute(when, history):
    """From each instant of a Monday, the next run jobs shows is the first minute the scheduler's loop runs
    the job — given the same ledger (nothing else runs between)."""
    last_run = ran(HISTORIES[history])
    first_day = date(2026, 11, 23) if HISTORIES[history] else None
    for start in (at(2026, 11, 30, h, m) for h in (0, 7, 8, 9, 12, 17, 18) for m in (0, 14, 29, 45)):
        nxt = next_run(when, start, CN, last_run, UNTIL, first_day)
        minute = start
        while decide(when, minute, CN, last_run, UNTIL, first_day).action != RUN:   # the loop, once a minute
            minute += timedelta(minutes=1)
        assert nxt.at == minute, (start, nxt)


# --- on the command line --------------------------------------------------------------------------------------

def next_lines(out: str) -> dict[str, str]:
    """job name → its "next run" line in the output of ``jobs``."""
    shown, job = {}, None
    for line in out.splitlines():
        if not line.startswith(" "):
            job = line.split()[0]
        elif line.strip().startswith(("下次运行", "next run")):
            shown[job] = line
    return shown


def test_jobs_shows_the_catch_up_that_schedule_then_takes(server, register, run_cli):
    code, out, err = run_cli("jobs", "--now", "2026-11-30T10:00", "--state", "state")
    assert code == 0, err
    assert next_lines(out) == {"daily-check": "  下次运行: 现在（补跑 2026-11-30 08:00 的任务）",
                               "weekly-report": "  下次运行: 现在（补跑 2026-11-30 08:00 的任务）"}
    code, _, err = run_cli("schedule", "--once", "--now", "2026-11-30T10:00", "--force", "--source", register,
                           "--state", "state", "--smtp", server.url)
    assert code == 0, err
    assert "daily-check 2026-11-30 成功" in err and "（补跑 2026-11-30 08:00 的任务）" in err
    assert "weekly-report 运行周 2026-W49 成功" in err
    code, out, err = run_cli("jobs", "--now", "2026-11-30T10:05", "--state", "state")
    assert next_lines(out) == {"daily-check": "  下次运行: 2026-12-01 08:00 周二",
                               "weekly-report": "  下次运行: 2026-12-07 08:00 周一"}


def test_jobs_in_english_and_a_period_done_by_hand(server, register, run_cli):
    code, _, err = run_cli("run", "weekly-report", "--now", "2026-11-30T07:00", "--force", "--source", register,
                           "--state", "state", "--smtp", server.url)
    assert code == 0, err
    code, out, err = run_cli("jobs", "--now", "2026-11-30T07:30", "--state", "state", "--lang", "en")
    assert code == 0, err
    assert next_lines(out) == {"daily-check": "  next run: 2026-11-30 08:00 Mon",
                               "weekly-report": "  next run: 2026-12-07 08:00 Mon"}
    code, out, err = run_cli("jobs", "--now", "2026-11-30T08:05", "--state", "state", "--lang", "en")
    assert next_lines(out)["daily-check"] == "  next run: now (due 2026-11-30 08:00)"


# --- a --now later than the clock -------------------------------------------------------------------------------

def nothing_recorded(tmp_path) -> bool:
    path = tmp_path / "state"
    if not path.exists():
        return True
    with Ledger.in_state_dir(path, readonly=True) as ledger:
        return list(ledger.runs()) == []


def test_schedule_once_refuses_a_now_later_than_the_clock(tmp_path, server, register, run_cli):
    code, out, err = run_cli("schedule", "--once", "--now", FAR, "--source", register, "--state", "state",
                             "--smtp", server.url)
    assert code == 2
    assert err.strip() == (
        "错误: --now 2099-06-01T08:00 晚于现在的时间：这样会真的写入、发送并记录这次运行，到了那个时间真正的运行反而会被跳过。"
        "想看那时会运行什么，请用 `huimao-sheets jobs --now 2099-06-01T08:00`；确实要这样做，请加 --force。")
    assert server.received == [] and nothing_recorded(tmp_path)


def test_run_refuses_a_now_or_as_of_later_than_the_clock(tmp_path, server, register, run_cli):
    code, _, err = run_cli("run", "daily-check", "--now", FAR, "--source", register, "--state", "state",
                           "--smtp", server.url)
    assert code == 2
    assert err.strip() == (
        "错误: --now 2099-06-01T08:00 晚于现在的时间：这样会真的写入、发送并记录这次运行，到了那个时间真正的运行反而会被跳过。"
        "只想预览请加 --dry-run；确实要这样做，请加 --force。")
    code, _, err = run_cli("run", "daily-check", "--as-of", "2099-06-01", "--source", register, "--state", "state",
                           "--smtp", server.url)
    assert code == 2
    assert err.strip() == (
        "错误: --as-of 2099-06-01 晚于今天：这样会真的写入、发送并记录这次运行，到了那天真正的运行反而会被跳过。"
        "只想预览请加 --dry-run；确实要这样做，请加 --force。")
    assert server.received == [] and nothing_recorded(tmp_path)


def test_the_refusal_in_english(tmp_path, server, register, run_cli):
    code, _, err = run_cli("schedule", "--once", "--now", FAR, "--source", register, "--state", "state",
                           "--lang", "en")
    assert code == 2
    assert err.strip() == (
        "Error: --now 2099-06-01T08:00 is later than the clock: the run would really be written, sent and recorded, "
        "and the real run at that time would then be skipped. To see what would run then, use "
        "`huimao-sheets jobs --now 2099-06-01T08:00`; to do it anyway, add --force.")


def test_a_dry_run_may_look_ahead_and_records_nothing(tmp_path, server, register, run_cli):
    code, out, err = run_cli("run", "daily-check", "--now", FAR, "--dry-run", "--source", register,
                             "--state", "state", "--smtp", server.url)
    assert code == 0, err
    assert out.splitlines()[:2] == ["任务 daily-check（工作日 08:00），周期 2099-06-01，数据截至 2099-06-01",
                                    "演练：不写入、不发送、不记录"]
    assert server.received == [] and nothing_recorded(tmp_path)


def test_force_runs_a_future_now_for_real(tmp_path, server, register, run_cli):
    code, _, err = run_cli("run", "daily-check", "--now", FAR, "--force", "--source", register,
                           "--state", "state", "--smtp", server.url)
    assert code == 0, err
    with Ledger.in_state_dir(tmp_path / "state", readonly=True) as ledger:
        assert [(r.job, r.period, r.status) for r in ledger.runs()] == [("daily-check", "2099-06-01", "ok")]
