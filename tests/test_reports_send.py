"""The weekly report end to end, through a real SMTP server on loopback (aiosmtpd): one message to each
person with an address, well-formed multipart messages, nothing sent twice on a re-run or after a
kill, nothing lost while the server is down; and the CLI's --dry-run, --preview and exit codes."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from huimao_sheets.config import Settings
from huimao_sheets.ledger import Ledger
from huimao_sheets.reports.weekly import ALREADY_SENT, UNCONFIRMED, send_weekly
from reports_helpers import AS_OF, EXPECTED_MAIL, HOSTILE_CLIENT, NOW, Handler, SmtpServer, write_workbook

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def workbook(tmp_path):
    return str(write_workbook(tmp_path / "register.xlsx"))


def weekly(tmp_path, url, workbook, **kwargs):
    settings = Settings(smtp=url, state_dir=str(tmp_path / "state"), mail_from="慧茂周报 <report@huimao.cn>")
    return send_weekly(settings, source=workbook, as_of=AS_OF, now=lambda: NOW, env={}, **kwargs)


def delivered(server):
    """(address, kind) of every message the server received, with repeats."""
    return [(r.recipients[0], r.message["X-Huimao-Report"].split()[0]) for r in server.received]


def test_each_person_with_an_address_gets_one_message(tmp_path, server, workbook):
    run = weekly(tmp_path, server.url, workbook)
    assert run.ok and len(run.delivery.sent) == 7
    assert sorted(delivered(server)) == sorted(EXPECTED_MAIL)
    assert server.handler.sessions == 1, "one SMTP connection for the whole run"
    assert [f.staff for f in run.missing] == [["刘洋"]]


def test_every_message_is_well_formed_with_both_parts(tmp_path, server, workbook):
    weekly(tmp_path, server.url, workbook)
    ids = set()
    for received in server.received:
        msg = received.message
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        assert msg.get_body(("plain",)).get_content().strip() and "<html" in msg.get_body(("html",)).get_content()
        assert msg["From"].addresses[0].addr_spec == "report@huimao.cn"
        [to] = msg["To"].addresses
        assert to.addr_spec == received.recipients[0] and to.display_name
        assert msg["Subject"].startswith("【慧茂周报】") and msg["Subject"].endswith("2026年第48周 (11/23–11/29)")
        assert parsedate_to_datetime(msg["Date"]) == NOW
        ids.add(msg["Message-ID"])
        assert all(byte < 128 for byte in received.data)
        assert msg.defects == [] and all(part.defects == [] for part in msg.walk())
    assert len(ids) == 7


def test_hostile_cell_text_never_reaches_the_html_unescaped(tmp_path, server, workbook):
    weekly(tmp_path, server.url, workbook)
    for received in server.received:
        html = received.message.get_body(("html",)).get_content()
        assert "<script" not in html.lower() and "<img" not in html.lower()
    lina = next(r.message for r in server.received if r.recipients == ["lina@huimao.cn"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;恶意公司" in lina.get_body(("html",)).get_content()
    assert HOSTILE_CLIENT in lina.get_body(("plain",)).get_content()


def test_a_name_with_a_newline_stays_out_of_the_headers(tmp_path, server):
    from reports_helpers import STAFF

    staff = [["张伟\nBcc: all@huimao.cn" if row[0] == "张伟" else row[0], *row[1:]] for row in STAFF]
    workbook = str(write_workbook(tmp_path / "r.xlsx", staff=staff))
    weekly(tmp_path, server.url, workbook)
    for received in server.received:
        msg = received.message
        assert msg["Bcc"] is None and received.recipients != ["all@huimao.cn"]
        assert all("\n" not in str(value) for value in msg.values())


def test_a_rerun_sends_nothing(tmp_path, server, workbook):
    weekly(tmp_path, server.url, workbook)
    again = weekly(tmp_path, server.url, workbook)
    assert again.ok and again.delivery.sent == []
    assert set(again.before.values()) == {ALREADY_SENT}
    assert len(server.received) == 7 and server.handler.sessions == 1, "no connection when there is nothing to send"


def test_while_the_server_is_down_nothing_is_lost_and_after_it_recovers_nothing_goes_twice(tmp_path, workbook):
    server = SmtpServer().start()
    url, port = server.url, server.port
    server.stop()
    down = weekly(tmp_path, url, workbook)
    assert not down.ok and down.delivery.sent == [] and len(down.delivery.waiting) == 7
    assert "无法连接邮件服务器" in down.delivery.error
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        assert len(ledger.queued()) == 7
    server.start(port=port)
    try:
        up = weekly(tmp_path, url, workbook)
        assert up.ok and len(up.delivery.sent) == 7
        assert weekly(tmp_path, url, workbook).delivery.sent == []
    finally:
        server.stop()
    assert sorted(delivered(server)) == sorted(EXPECTED_MAIL)


def test_queued_mail_goes_out_with_the_next_run_even_for_another_week(tmp_path, workbook):
    server = SmtpServer(Handler(defer={"zhangwei@huimao.cn"})).start()
    try:
        first = weekly(tmp_path, server.url, workbook)
        assert [row.recipient for row, _ in first.delivery.refused] == ["zhangwei@huimao.cn"]
        server.handler.defer = set()
        later = send_weekly(Settings(smtp=server.url, state_dir=str(tmp_path / "state")), source=workbook,
                            as_of=date(2026, 12, 7), now=lambda: NOW + timedelta(days=7), env={})
        assert later.week.label == "2026-W49"
        assert ("weekly-person", "2026-W48", "zhangwei@huimao.cn") in [r.key for r in later.delivery.sent]
    finally:
        server.stop()
    assert delivered(server).count(("zhangwei@huimao.cn", "weekly-person")) == 2   # W48 once, W49 once
    assert sum(1 for r in server.received if r.message["X-Huimao-Report"] == "weekly-person 2026-W48") == 3


def test_a_message_left_sending_by_a_killed_process_goes_out_with_the_next_run(tmp_path, workbook):
    server = SmtpServer().start()
    url, port = server.url, server.port
    server.stop()
    weekly(tmp_path, url, workbook)                      # everything queued
    key = ("weekly-person", "2026-W48", "zhangwei@huimao.cn")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()                                          # a process that has ended
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        assert ledger.claim(key, NOW, owner=f"{socket.gethostname()}:{gone.pid}")   # as it left it when killed
    server.start(port=port)
    try:
        run = weekly(tmp_path, url, workbook)
        assert run.ok and [r.key for r in run.delivery.recovered] == [key] and len(run.delivery.sent) == 7
        assert run.unconfirmed == []
        resent = weekly(tmp_path, url, workbook, to="张伟", resend=True)
        assert [r.key for r in resent.delivery.sent] == [key], "an admin may still send one again"
    finally:
        server.stop()
    assert sorted(delivered(server)) == sorted([*EXPECTED_MAIL, ("zhangwei@huimao.cn", "weekly-person")])


def test_a_message_another_live_process_is_sending_is_left_to_it(tmp_path, workbook):
    server = SmtpServer().start()
    url, port = server.url, server.port
    server.stop()
    weekly(tmp_path, url, workbook)
    key = ("weekly-person", "2026-W48", "zhangwei@huimao.cn")
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        assert ledger.claim(key, NOW, owner=f"{socket.gethostname()}:1")   # pid 1 is alive
    server.start(port=port)
    try:
        run = weekly(tmp_path, url, workbook)
        assert [r.key for r in run.unconfirmed] == [key] and len(run.delivery.sent) == 6
        assert run.status(next(m for m in run.mails if m.key == key)) == UNCONFIRMED
    finally:
        server.stop()


@dataclass
class SlowHandler(Handler):
    """Takes its time to accept each message, so a client can be killed in the middle of a run."""

    delay: float = 0.3

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def cli(*args, cwd, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("HUIMAO_SMTP_PASSWORD", None)
    return subprocess.Popen([sys.executable, "-m", "huimao_sheets.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_a_run_killed_half_way_loses_nothing_and_sends_at_most_one_twice(tmp_path, workbook):
    server = SmtpServer(SlowHandler()).start()
    args = ("report", "weekly", "--source", workbook, "--as-of", "2026-11-30", "--state", str(tmp_path / "state"),
            "--smtp", server.url)
    try:
        process = cli(*args, cwd=tmp_path)
        deadline = time.monotonic() + 60
        while len(server.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        time.sleep(SlowHandler.delay + 0.2)              # let the server finish the message it was accepting
        assert 2 <= len(server.received) < 7
        server.handler.delay = 0
        rerun = cli(*args, cwd=tmp_path)
        out, err = rerun.communicate(timeout=120)
    finally:
        server.stop()
    sent = delivered(server)
    assert set(sent) == EXPECTED_MAIL, "nothing is lost"
    assert len(sent) - len(set(sent)) <= 1, f"only the message in flight when killed may go twice: {sent}"
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        assert {m.status for m in ledger.mail()} == {"sent"}
    assert rerun.returncode == 0, err


def test_dry_run_lists_what_would_be_sent_and_sends_nothing(tmp_path, server, workbook, run_cli):
    code, out, err = run_cli("report", "weekly", "--dry-run", "--source", workbook, "--as-of", "2026-11-30",
                             "--smtp", server.url, "--state", "state")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "周报 2026-W48（11/23–11/29），数据截至 2026-11-30，共 7 封"
    assert "  将发送   weekly-department  王经理 <wang@huimao.cn>  【慧茂周报】市场一部 2026年第48周 (11/23–11/29)" in lines
    assert "无有效邮箱，未生成周报: 刘洋（员工第8行）→ 已作为问题交给 赵经理" in lines
    assert server.received == [] and not (tmp_path / "state").exists()


def test_preview_writes_each_message_and_an_index(tmp_path, workbook, run_cli):
    code, out, err = run_cli("report", "weekly", "--preview", "preview", "--to", "张伟,王经理",
                             "--source", workbook, "--as-of", "2026-11-30")
    assert code == 0, err
    files = sorted(p.name for p in (tmp_path / "preview").iterdir())
    assert files == ["001-weekly-department-王经理.html", "001-weekly-department-王经理.txt",
                     "002-weekly-person-张伟.html", "002-weekly-person-张伟.txt", "index.html"]
    index = (tmp_path / "preview" / "index.html").read_text(encoding="utf-8")
    assert 'href="001-weekly-department-王经理.html"' in index and "【慧茂周报】市场一部" in index
    assert f"预览已写入 {Path('preview') / 'index.html'}" in out
    assert not (tmp_path / "outbox").exists() and not (tmp_path / ".huimao").exists()


def test_the_cli_sends_and_a_down_server_exits_2_with_the_mail_kept(tmp_path, workbook, run_cli):
    server = SmtpServer().start()
    url, port = server.url, server.port
    server.stop()
    code, out, err = run_cli("report", "weekly", "--source", workbook, "--as-of", "2026-11-30", "--smtp", url)
    assert code == 2 and "7 封未能发送，已留在队列中，下次运行时发送" in out, out + err
    server.start(port=port)
    try:
        code, out, err = run_cli("report", "weekly", "--source", workbook, "--as-of", "2026-11-30", "--smtp", url)
    finally:
        server.stop()
    assert code == 0 and f"已发送 7 封 → {url}" in out, out + err
    assert len(server.received) == 7


def test_without_smtp_the_cli_writes_the_outbox(tmp_path, workbook, run_cli):
    code, out, err = run_cli("report", "weekly", "--source", workbook, "--as-of", "2026-11-30")
    assert code == 0 and "已发送 7 封 → outbox" in out, out + err
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 7
    assert (tmp_path / ".huimao" / "ledger.sqlite3").exists()


def test_a_week_that_is_not_over_is_refused(tmp_path, workbook, run_cli):
    code, out, err = run_cli("report", "weekly", "--week", "2026-W49", "--source", workbook, "--as-of", "2026-11-30")
    assert code == 2 and "2026-W49（2026-11-30 至 2026-12-06）在 2026-11-30 还没有结束" in err.replace("\n", "")


def test_the_demo_step_writes_the_weeks_mail_to_the_outbox_and_says_where(tmp_path, workbook, monkeypatch):
    import io

    from rich.console import Console

    from huimao_sheets.demo_run import demo_weekly_mail

    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    settings = Settings(smtp="smtp://127.0.0.1:1", state_dir=str(tmp_path / "real-state"))  # never used by the demo
    for _ in range(2):  # every demo run writes every message
        run = demo_weekly_mail(path=Path(workbook), out_dir=tmp_path / "demo-out", settings=settings,
                               console=Console(file=out, width=400), as_of=AS_OF)
        assert len(run.delivery.sent) == 7
    assert len(list((tmp_path / "outbox").glob("2026-W48_*.eml"))) == 7
    assert (tmp_path / "demo-out" / "preview" / "index.html").is_file()
    assert not (tmp_path / "real-state").exists()
    assert f"7 封邮件已写入 {tmp_path / 'outbox'}/" in out.getvalue()
    assert f"在浏览器中预览: {tmp_path / 'demo-out' / 'preview' / 'index.html'}" in out.getvalue()


def test_to_takes_names_as_typed_on_the_staff_sheet(tmp_path, workbook, run_cli):
    """A full-width space, stray spaces, traditional characters or a capitalised address: the same
    normalisation as the register's, so `--to "李　娜"` copied from 员工 finds 李娜."""
    code, out, err = run_cli("report", "weekly", "--dry-run", "--to", "李　娜, 張偉 ,WANG@huimao.cn",
                             "--source", workbook, "--as-of", "2026-11-30", "--state", "state")
    assert code == 0, err
    assert [line.split()[2] for line in out.splitlines()[1:4]] == ["王经理", "张伟", "李娜"]
    assert len([line for line in out.splitlines() if line.startswith("  ")]) == 3


def test_to_names_an_unknown_person_as_typed(tmp_path, workbook, run_cli):
    code, out, err = run_cli("report", "weekly", "--dry-run", "--to", "李　娜,王　五",
                             "--source", workbook, "--as-of", "2026-11-30", "--state", "state")
    assert code == 2
    assert "--to 中的 王　五 不是本周报告的收件人。" in err
