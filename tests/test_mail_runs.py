"""A run says the truth about its mail, and keeps its secrets, seen from the command line: a server that
drops DATA and then a healthy one (the first run exits 2 and says 部分成功 with the count — in its output,
the scheduler's log and ``jobs`` —, the second delivers the rest: nothing lost, at most one duplicate); a
bounced address becomes a finding for the 上级 and fails no later run; a password in the SMTP URL or the
environment appears in no output and no file; the state folder is 0700 and its files 0600."""

from __future__ import annotations

import stat
import sys
from email import message_from_bytes, policy

import openpyxl
import pytest
from aiosmtpd.smtp import AuthResult

from huimao_sheets.ledger import Ledger
from reports_helpers import SmtpServer
from test_mail_delivery import Scripted

SECRET = "Sup3r-Secret-pw"


@pytest.fixture
def scripted():
    server = SmtpServer(Scripted()).start()
    yield server
    server.stop()


def digests(server) -> list[str]:
    return [r.recipients[0] for r in server.received
            if message_from_bytes(r.data, policy=policy.default)["X-Huimao-Report"].startswith("daily-digest")]


def bounce_zhangwei(run_cli, server, register) -> tuple[str, ...]:
    """张伟's mailbox is gone (550): the first daily run meets it and exits 2. Returns the runs' options."""
    server.handler.refuse = {"zhangwei@huimao.cn"}
    args = ("--source", register, "--state", "state", "--smtp", server.url)
    code, out, _ = run_cli("run", "daily-check", "--now", "2026-11-30T08:00", *args)
    assert code == 2 and "退信（永久拒收，不再重试）: 张伟 <zhangwei@huimao.cn> daily-digest 2026-11-30: " \
                         "550 5.1.1 mailbox unavailable" in out
    return args


def test_a_server_that_drops_data_then_a_healthy_one_loses_nothing_and_the_first_run_says_partial(
        tmp_path, scripted, register, run_cli):
    scripted.handler.answers = ["drop"]
    args = ("--source", register, "--state", "state", "--smtp", scripted.url)
    code, out, err = run_cli("run", "daily-check", "--now", "2026-11-30T08:00", *args)
    assert code == 2, err
    last = out.splitlines()[-1]
    assert last.startswith(f"部分成功: 4 封未送达; 数据检查表 5 条 → {register}; 日报 0 封已发送 → {scripted.url}; ")
    assert "3 封未能发送，留在队列中: 与 smtp://127.0.0.1:" in last and "1 封发送时连接中断（服务器未确认），下次重发" in last

    code, out, _ = run_cli("jobs", "--now", "2026-11-30T08:10", "--state", "state")
    assert out.splitlines()[2].startswith("  上次运行: 2026-11-30 部分成功（2026-11-30 08:00）4 封未送达; ")

    code, out, err = run_cli("run", "daily-check", "--now", "2026-11-30T08:30", *args)
    assert code == 0, err
    assert out.splitlines()[-1] == f"数据检查表 5 条 → {register}; 日报 4 封已发送 → {scripted.url}"
    sent = digests(scripted)
    assert sorted(set(sent)) == ["lina@huimao.cn", "zhangwei@huimao.cn", "zhao@huimao.cn", "zhoumin@huimao.cn"], \
        "nothing is lost"
    assert len(sent) == 5, "only the message whose final reply never came goes twice"
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        assert [(r.status, r.job) for r in ledger.runs()] == [("partial", "daily-check"), ("ok", "daily-check")]


def test_the_scheduler_logs_a_partial_run_and_exits_2(tmp_path, scripted, register, run_cli):
    scripted.handler.refuse = {"zhao@huimao.cn"}
    code, _, err = run_cli("schedule", "--once", "--now", "2026-11-30T08:00", "--source", register,
                           "--state", "state", "--smtp", scripted.url)
    assert code == 2
    line = next(line for line in err.splitlines() if "daily-check" in line)
    assert " daily-check 2026-11-30 部分成功 " in line and ": 1 封未送达; " in line
    assert line.endswith("; 退信（永久拒收，不再重试）: 赵经理 <zhao@huimao.cn> daily-digest 2026-11-30: "
                         "550 5.1.1 mailbox unavailable")


def test_a_bounced_address_is_a_finding_for_the_manager_and_fails_no_later_run(tmp_path, scripted, register, run_cli):
    args = bounce_zhangwei(run_cli, scripted, register)
    code, out, err = run_cli("run", "weekly-report", "--now", "2026-11-30T08:10", *args)
    assert code == 0, out + err
    code, out, err = run_cli("run", "daily-check", "--now", "2026-12-01T08:00", *args)
    assert code == 0, out + err
    findings = [row for row in openpyxl.load_workbook(register)["数据检查"].iter_rows(values_only=True)]
    bounced = [row for row in findings if any(isinstance(c, str) and "被邮件服务器拒收" in c for c in row)]
    assert len(bounced) == 1
    assert any(c == "员工第5行“张伟”的邮箱 zhangwei@huimao.cn 被邮件服务器拒收（550 5.1.1 mailbox unavailable），"
                    "收不到邮件，请核对邮箱" for c in bounced[0])
    assert "王经理" in bounced[0], "the finding is for 张伟's 上级"
    assert "zhangwei@huimao.cn" not in [r.recipients[0] for r in scripted.received], "no more mail to that address"
    reports = [message_from_bytes(r.data, policy=policy.default)["X-Huimao-Report"] for r in scripted.received]
    assert sorted(r for r in reports if r.startswith("daily")) == ["daily-digest 2026-11-30"] * 3 + ["daily-digest 2026-12-01"] * 3
    assert reports.count("weekly-person 2026-W48") == 2, "the others still get theirs"
    [to_wang] = [m for m in (message_from_bytes(r.data, policy=policy.default) for r in scripted.received
                             if r.recipients == ["wang@huimao.cn"]) if m["X-Huimao-Report"].startswith("daily")]
    assert "张伟" in to_wang.get_body(("plain",)).get_content() and "被邮件服务器拒收" in \
        to_wang.get_body(("plain",)).get_content(), "张伟's 上级 hears of it in the next day's digest"


class Accounts:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)


def run_with_password(monkeypatch, capsys, tmp_path, *args) -> tuple[int, str, str]:
    from huimao_sheets.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setenv("HUIMAO_SMTP_PASSWORD", SECRET)
    monkeypatch.setattr(sys, "argv", ["huimao-sheets", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def test_a_password_appears_in_no_output_and_no_file(tmp_path, register, monkeypatch, capsys):
    server = SmtpServer(authenticator=Accounts(), auth_require_tls=False).start()
    (tmp_path / "huimao.toml").write_text('[scheduler]\nlog_file = "state/scheduler.log"\n', encoding="utf-8")
    in_url = f"smtp://report:{SECRET}@127.0.0.1:{server.port}"
    with_env = f"smtp://report@127.0.0.1:{server.port}"      # the password from HUIMAO_SMTP_PASSWORD, refused
    outputs = []
    try:
        for smtp in (in_url, with_env):
            for args in (("run", "daily-check", "--now", "2026-11-30T08:00"),
                         ("schedule", "--once", "--now", "2026-11-30T09:00"),
                         ("jobs", "--now", "2026-11-30T10:00"),
                         ("doctor",),
                         ("resend", "--to", "张伟", "--period", "2026-11-30")):
                code, out, err = run_with_password(monkeypatch, capsys, tmp_path, *args, "--source", register,
                                                   "--state", "state", "--smtp", smtp)
                outputs.append(out + err)
                assert code == 2 or args[0] == "jobs", out + err
    finally:
        server.stop()
    shown = "\n".join(outputs)
    assert f"smtp://report:***@127.0.0.1:{server.port}" in shown and "拒绝了用户 report 的登录" in shown
    assert SECRET not in shown
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"ledger.sqlite3", "scheduler.log", "scheduler.lock"}
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path


def test_the_state_folder_is_0700_and_its_files_0600(tmp_path, scripted, register, run_cli):
    (tmp_path / "huimao.toml").write_text('[scheduler]\nlog_file = "state/logs/scheduler.log"\n', encoding="utf-8")
    code, _, err = run_cli("schedule", "--once", "--now", "2026-11-30T08:00", "--source", register,
                           "--state", "state", "--smtp", scripted.url)
    assert code == 0, err
    state = tmp_path / "state"
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "logs").stat().st_mode) == 0o700
    files = sorted(p.relative_to(state).as_posix() for p in state.rglob("*") if p.is_file())
    assert {"ledger.sqlite3", "scheduler.lock", "logs/scheduler.log"} <= set(files)
    assert {f: oct(stat.S_IMODE((state / f).stat().st_mode)) for f in files} == {f: oct(0o600) for f in files}


def test_an_existing_ledger_that_others_could_read_is_made_0600(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "ledger.sqlite3").touch(mode=0o644)
    (state / "ledger.sqlite3").chmod(0o644)
    with Ledger.in_state_dir(state):
        pass
    assert stat.S_IMODE((state / "ledger.sqlite3").stat().st_mode) == 0o600


def test_a_password_in_any_config_value_is_not_echoed_by_a_config_error(tmp_path, register, run_cli):
    (tmp_path / "huimao.toml").write_text(f'smtp_url = "smtp://report:{SECRET}@mail.huimao.cn"\n', encoding="utf-8")
    for args in (("check", "--source", register), ("doctor", "--source", register)):
        code, out, err = run_cli(*args)
        assert code == 2 and "smtp://report:***@mail.huimao.cn" in out + err and SECRET not in out + err


def test_resend_on_the_command_line_sends_a_daily_digest_again(tmp_path, scripted, register, run_cli):
    args = ("--source", register, "--state", "state", "--smtp", scripted.url)
    assert run_cli("run", "daily-check", "--now", "2026-11-30T08:00", *args)[0] == 0
    code, out, err = run_cli("resend", "--to", "李娜", "--period", "2026-11-30", "--state", "state",
                             "--smtp", scripted.url)
    assert code == 0, err
    assert out.splitlines() == ["重发 daily-digest 2026-11-30 → 李娜 <lina@huimao.cn>", f"已发送 1 封 → {scripted.url}"]
    assert digests(scripted).count("lina@huimao.cn") == 2
    code, _, err = run_cli("resend", "--to", "lina@huimao.cn", "--state", "state", "--smtp", scripted.url)
    assert code == 0, err   # her only message in the ledger: no --period needed
    assert digests(scripted).count("lina@huimao.cn") == 3


def test_the_mail_of_a_person_whose_address_bounced_goes_to_their_manager_until_the_address_changes(
        tmp_path, register, run_cli):
    def mails(server) -> dict[tuple[str, str], str]:
        """(address, report) → plain text of what the server accepted."""
        out = {}
        for r in server.received:
            m = message_from_bytes(r.data, policy=policy.default)
            out[(r.recipients[0], m["X-Huimao-Report"])] = m.get_body(("plain",)).get_content()
        return out

    server = SmtpServer().start()
    try:
        args = bounce_zhangwei(run_cli, server, register)

        server.received.clear()
        code, out, err = run_cli("run", "weekly-report", "--now", "2026-11-30T08:10", *args)
        assert code == 0, out + err
        code, out, err = run_cli("run", "daily-check", "--now", "2026-12-01T08:00", *args)
        assert code == 0, out + err
        sent = mails(server)
        assert not [key for key in sent if key[0] == "zhangwei@huimao.cn"], "no more mail to the refused address"
        weekly = sent[("wang@huimao.cn", "weekly-department 2026-W48")]
        assert "张伟没有有效邮箱，他们的事项由您代收，请转告或代为处理。" in weekly
        daily = sent[("wang@huimao.cn", "daily-digest 2026-12-01")].splitlines()
        assert "- [跟进未做计划]（代张伟接收：张伟没有有效邮箱） 客户“鼎盛贸易有限公司（KH0001）”应于2026-12-02跟进，" \
               "但拜访计划中没有2026-12-01至2026-12-02的安排 (已存在 1天)" in daily, "张伟's follow-up reaches his 上级"
        assert any(line.startswith("- [缺少有效邮箱] 员工第5行“张伟”的邮箱 zhangwei@huimao.cn 被邮件服务器拒收（550 "
                                   "5.1.1 mailbox unavailable），收不到邮件，请核对邮箱") for line in daily)

        workbook = openpyxl.load_workbook(register)          # the address is corrected on 员工
        assert workbook["员工"]["A5"].value == "张伟"
        workbook["员工"]["B5"] = "zhang.wei@huimao.cn"
        workbook.save(register)
        server.received.clear()
        code, out, err = run_cli("run", "daily-check", "--now", "2026-12-02T08:00", *args)
        assert code == 0, out + err
        sent = mails(server)
        assert "- 鼎盛贸易有限公司（KH0001）：下次跟进日期为今天；上次拜访 2026-11-24" in \
            sent[("zhang.wei@huimao.cn", "daily-digest 2026-12-02")].splitlines(), "due today, to his new address"
        assert "代张伟接收" not in sent.get(("wang@huimao.cn", "daily-digest 2026-12-02"), ""), \
            "张伟 reads his own mail again"
    finally:
        server.stop()


def test_a_weekly_report_sent_by_hand_after_a_bounce_goes_to_the_stand_in_not_to_the_refused_address(
        tmp_path, scripted, register, run_cli):
    args = bounce_zhangwei(run_cli, scripted, register)
    scripted.received.clear()
    code, out, err = run_cli("report", "weekly", "--as-of", "2026-11-30", *args)
    assert code == 0, out + err
    sent = {r.recipients[0]: message_from_bytes(r.data, policy=policy.default) for r in scripted.received}
    assert "zhangwei@huimao.cn" not in sent, "the refused address gets no more mail, by hand or by the scheduler"
    weekly = sent["wang@huimao.cn"].get_body(("plain",)).get_content()
    assert "张伟没有有效邮箱，他们的事项由您代收，请转告或代为处理。" in weekly
    assert "员工第5行“张伟”的邮箱 zhangwei@huimao.cn 被邮件服务器拒收（550 5.1.1 mailbox unavailable）" in weekly
