"""The scheduler as a real process: SIGTERM in the middle of a job lets that job finish — every one of its
messages delivered once and marked sent in the ledger, nothing left half-sent — starts nothing else and exits
0; a second scheduler on the same state folder is refused while the first runs (exit 2)."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from huimao_sheets.ledger import Ledger
from reports_helpers import Handler, SmtpServer, write_workbook

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class SlowHandler(Handler):
    """Takes its time over each message, so that a signal lands in the middle of a job."""

    delay: float = 0.25

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_server():
    s = SmtpServer(SlowHandler()).start()
    yield s
    s.stop()


def cli(*args, cwd) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("HUIMAO_SMTP_PASSWORD", None)
    return subprocess.Popen([sys.executable, "-m", "huimao_sheets.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def delivered(server) -> list[tuple[str, str]]:
    return [(message_from_bytes(r.data, policy=policy.default)["X-Huimao-Report"], r.recipients[0])
            for r in server.received]


def test_sigterm_during_a_job_finishes_it_starts_nothing_else_and_exits_cleanly(tmp_path, slow_server):
    register = str(write_workbook(tmp_path / "register.xlsx"))
    args = ("schedule", "--once", "--now", "2026-11-30T08:00", "--force", "--source", register, "--state", "state",
            "--smtp", slow_server.url)
    process = cli(*args, cwd=tmp_path)   # due: daily-check (4 digests), then weekly-report (7 reports)
    wait_for(lambda: len(slow_server.received) >= 1)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)

    assert process.returncode == 0, err
    assert sorted(delivered(slow_server)) == [("daily-digest 2026-11-30", a)
                                              for a in ("lina@huimao.cn", "zhangwei@huimao.cn", "zhao@huimao.cn",
                                                        "zhoumin@huimao.cn")]
    assert "daily-check 2026-11-30 成功" in err
    assert "weekly-report 运行周 2026-W49 未开始: 收到停止信号" in err
    assert "收到 SIGTERM，完成当前任务后退出" in err
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        assert [(r.job, r.period, r.status) for r in ledger.runs()] == [("daily-check", "2026-11-30", "ok")]
        assert {m.status for m in ledger.mail()} == {"sent"} and len(ledger.mail()) == 4
        assert ledger.unconfirmed() == [] and ledger.queued() == []

    # Started again the same morning: the weekly report goes out, no digest goes twice.
    slow_server.handler.delay = 0
    rerun = cli(*args, cwd=tmp_path)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    sent = delivered(slow_server)
    assert len(sent) == len(set(sent)) == 11
    assert sum(1 for report, _ in sent if report.endswith("2026-W48")) == 7


def test_the_loop_refuses_a_second_instance_and_stops_on_sigterm(tmp_path, slow_server):
    """The long-running scheduler on the real clock: a job every 5 minutes is due at start-up (its slot is
    never more than 5 minutes old), so the first pass runs it; SIGTERM then ends the loop cleanly."""
    register = str(write_workbook(tmp_path / "register.xlsx"))
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "often.toml").write_text(
        'when = "every 5 minutes"\noutputs = ["daily_digest"]\n', encoding="utf-8")
    (tmp_path / "huimao.toml").write_text(
        f'jobs_dir = "jobs"\nstate_dir = "state"\nsource = "{register}"\nsmtp = "{slow_server.url}"\n'
        f'[scheduler]\nlog_file = "logs/scheduler.log"\n', encoding="utf-8")
    loop = cli("schedule", cwd=tmp_path)
    try:
        wait_for(lambda: len(slow_server.received) >= 1)
        second = cli("schedule", "--once", cwd=tmp_path)
        _, second_err = second.communicate(timeout=60)
        assert second.returncode == 2
        assert "另一个调度器正在运行（进程 " + str(loop.pid) in second_err.replace("\n", "")
        loop.send_signal(signal.SIGTERM)
        _, err = loop.communicate(timeout=60)
    finally:
        if loop.poll() is None:
            loop.kill()
    assert loop.returncode == 0, err
    log = (tmp_path / "logs" / "scheduler.log").read_text(encoding="utf-8")
    assert "调度器已启动" in log and "often " in log and " 成功 " in log and log.rstrip().endswith("调度器已退出")
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        assert {r.status for r in ledger.runs()} == {"ok"}   # one run, two if a 5-minute slot began meanwhile
        assert {m.status for m in ledger.mail()} == {"sent"} and ledger.unconfirmed() == []
    assert len(slow_server.received) == len(set(delivered(slow_server)))
