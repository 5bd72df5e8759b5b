"""``doctor``: one line per check of the set-up, a fix under each wrong one, exit 0 only when all is well.
Google is the in-process stand-in; SMTP is a real aiosmtpd server on a loopback port."""

from __future__ import annotations

import re
import socket
import sys

import pytest
from aiosmtpd.controller import Controller

from huimao_sheets import cli
from reports_helpers import SmtpServer, self_signed_cert, server_tls_context
from test_mail import Accounts
from sheets_standin import SERVICE_ACCOUNT, standin, write_key_file  # noqa: F401  (fixtures)
from workbooks import make_workbook

KEY = "1DoctorKey_0123456789abcdefghijklmnopqrstuvw"
HEADERS = {"客户档案": ["客户编号", "客户名称", "行业", "地址", "负责人", "负责人手机", "客户经理", "所属部门", "客户综合评估",
                        "合作可能评估"],
           "拜访记录": ["拜访日期", "客户编号", "拜访人", "拜访方式", "客户反映问题"],
           "员工": ["姓名", "邮箱", "角色"]}


class Accept:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_url():
    controller = Controller(Accept(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An admin's folder: the working directory, no GOOGLE_APPLICATION_CREDENTIALS or SMTP password set."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("HUIMAO_SMTP_PASSWORD", raising=False)
    return tmp_path


def doctor(monkeypatch, capsys, *args: str) -> tuple[int, list[str]]:
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setattr(sys, "argv", ["huimao-sheets", "doctor", *args])
    with pytest.raises(SystemExit) as done:
        cli.main()
    return done.value.code, capsys.readouterr().out.splitlines()


def test_all_is_well_with_a_shared_google_sheet_and_a_reachable_smtp_server(standin, home, smtp_url, monkeypatch, capsys):
    standin.add_spreadsheet(KEY, {**{t: [h] for t, h in HEADERS.items()}, "数据检查": []})
    key = write_key_file(home / "credentials.json")
    (home / "huimao.toml").write_text(f'source = "gsheet:{KEY}"\ncredentials = "credentials.json"\nsmtp = "{smtp_url}"\n')
    code, lines = doctor(monkeypatch, capsys)
    assert lines == [  # the stand-in's 拜访记录 has no 应对措施: mentioned, not wrong
        "✓ 配置文件: huimao.toml 可以读取。",
        f"✓ Google 凭据: credentials.json：服务账号 {SERVICE_ACCOUNT}（表格须共享给这个地址）。",
        "✓ 凭据文件权限: 只有文件所有者能读取密钥文件。",
        f"✓ 表格可以打开: gsheet:{KEY}：4 个工作表（客户档案、拜访记录、员工、数据检查）。",
        "✓ 工作表: 客户档案、拜访记录、员工",
        "✓ 表头: “客户档案”的表头齐全。",
        "✓ 表头: “拜访记录”的表头齐全。",
        "· 表头: “拜访记录”没有可选列“应对措施”：客户反映的问题是否已应对无从检查。",
        "✓ 表头: “员工”的表头齐全。",
        "✓ 数据检查表: “数据检查”存在。",
        f"✓ SMTP 邮件服务器: {smtp_url} 可以连接（EHLO 250），未发送任何邮件。",
        "一切正常。",
    ]
    assert code == 0
    assert key.exists() and [c.method for c in standin.calls] == ["GET", "GET"], "doctor only reads"


def test_an_unshared_sheet_is_wrong_and_the_fix_names_the_service_account(standin, home, monkeypatch, capsys):
    standin.add_spreadsheet(KEY, {"客户档案": []}, access="none")
    write_key_file(home / "key.json")
    code, lines = doctor(monkeypatch, capsys, "--source", f"gsheet:{KEY}", "--credentials", "key.json")
    assert code == 2
    assert lines[3] == (f"✗ 表格可以打开: 没有权限访问 Google 表格 {KEY}（403）。请在表格中点“共享”，把服务账号 {SERVICE_ACCOUNT} "
                        f"添加为“编辑者”，然后重试。The sheet is not shared with {SERVICE_ACCOUNT}.")
    assert lines[4] == "    → 如何解决: 按上面的提示共享表格或更正 KEY，然后再运行 `huimao-sheets doctor`。"
    assert lines[-1] == "发现 1 个问题。"
    assert not any("表头" in line for line in lines), "nothing is checked past an unreachable sheet"


def test_a_key_file_other_users_can_read_is_wrong(standin, home, monkeypatch, capsys):
    standin.add_spreadsheet(KEY, {t: [h] for t, h in HEADERS.items()})
    key = write_key_file(home / "key.json")
    key.chmod(0o644)
    code, lines = doctor(monkeypatch, capsys, "--source", f"gsheet:{KEY}", "--credentials", str(key))
    assert code == 2
    assert f"✗ 凭据文件权限: {key} 其他用户也能读取，密钥可能泄露，所有命令都会拒绝使用它。" in lines
    assert f"    → 如何解决: chmod 600 {key}" in lines


def test_the_credentials_come_from_the_environment_when_no_option_names_them(standin, home, monkeypatch, capsys):
    standin.add_spreadsheet(KEY, {t: [h] for t, h in HEADERS.items()})
    key = write_key_file(home / "env-key.json", "from-env@p.iam.gserviceaccount.com")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    code, lines = doctor(monkeypatch, capsys, "--source", f"gsheet:{KEY}")
    assert lines[1] == f"✓ Google 凭据: {key}：服务账号 from-env@p.iam.gserviceaccount.com（表格须共享给这个地址）。"
    assert code == 0


@pytest.mark.parametrize("content, wrong", [
    (None, "✗ Google 凭据: 找不到凭据文件 key.json。"),
    ("[1, 2]", "✗ Google 凭据: 凭据文件 key.json 应是一个 JSON 对象（service account key）。"),
])
def test_a_missing_or_broken_key_file_is_wrong_and_nothing_is_requested(standin, home, monkeypatch, capsys, content, wrong):
    if content is not None:
        (home / "key.json").write_text(content)
        (home / "key.json").chmod(0o600)
    code, lines = doctor(monkeypatch, capsys, "--source", f"gsheet:{KEY}", "--credentials", "key.json")
    assert code == 2 and lines[1].startswith(wrong)
    assert standin.calls == []


def test_a_broken_config_is_reported_and_the_other_checks_still_run(home, monkeypatch, capsys):
    (home / "huimao.toml").write_text('language = "fr"\n')
    path = make_workbook(home)
    code, lines = doctor(monkeypatch, capsys, "--source", str(path))
    assert code == 2
    assert lines[0] == '✗ 配置文件: 配置文件 huimao.toml 中的 language = "fr" 有误: 可选: "zh", "en"'
    assert any(line.startswith("✓ 表格可以打开: ") for line in lines)


def test_a_missing_header_in_a_workbook_is_wrong_with_the_header_named(home, monkeypatch, capsys):
    path = make_workbook(home)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["拜访记录"]["F1"] = "问题"
    wb.save(path)
    code, lines = doctor(monkeypatch, capsys, "--source", str(path))
    assert code == 2
    assert "✓ 表头: “客户档案”的表头齐全。" in lines
    wrong = next(line for line in lines if line.startswith("✗ 表头"))
    assert wrong.startswith("✗ 表头: 工作表“拜访记录”缺少表头“客户反映问题”（Problems raised）。")
    assert lines[0] == "· 配置文件: 没有 huimao.toml，使用默认设置。"
    assert "· 数据检查表: 还没有“数据检查”：第一次运行 `check --write-findings` 时会创建。" in lines
    assert "· SMTP 邮件服务器: 未配置 SMTP：邮件写入 outbox/ 文件夹。" in lines


def test_a_workbook_in_good_order_without_smtp_is_all_well(home, monkeypatch, capsys):
    path = make_workbook(home)
    code, lines = doctor(monkeypatch, capsys, "--source", str(path), "--lang", "en")
    assert code == 0 and lines[-1] == "All is well."
    assert not any("Google" in line for line in lines), "an xlsx needs no Google credentials"


def test_an_unreachable_smtp_server_and_a_missing_password_are_wrong(home, monkeypatch, capsys):
    path = make_workbook(home)
    closed = f"smtp://127.0.0.1:{free_port()}"
    code, lines = doctor(monkeypatch, capsys, "--source", str(path), "--smtp", closed)
    assert code == 2 and lines[-3].startswith(f"✗ SMTP 邮件服务器: 连不上 {closed}: ")
    assert lines[-2] == "    → 如何解决: 检查服务器名和端口（STARTTLS 一般是 587，SSL 是 465）、防火墙，以及服务器是否在运行。"
    server = SmtpServer(authenticator=Accounts(), auth_require_tls=False).start()
    try:
        with_user = f"smtp://report@127.0.0.1:{server.port}"
        code, lines = doctor(monkeypatch, capsys, "--source", str(path), "--smtp", with_user)
        assert code == 2 and lines[-3] == f"✗ SMTP 邮件服务器: {with_user} 可以连接，但没有设置密码。"
        assert lines[-2] == "    → 如何解决: 设置环境变量 HUIMAO_SMTP_PASSWORD（密码只从环境变量读取）。"
        monkeypatch.setenv("HUIMAO_SMTP_PASSWORD", "wrong-pw")
        code, lines = doctor(monkeypatch, capsys, "--source", str(path), "--smtp", with_user)
        assert code == 2 and lines[-3] == f"✗ SMTP 邮件服务器: {with_user} 拒绝了用户 report 的登录（535）。"
        assert lines[-2] == ("    → 如何解决: 检查用户名和环境变量 HUIMAO_SMTP_PASSWORD；QQ、163 等邮箱须使用“授权码”"
                             "而不是登录密码。")
        monkeypatch.setenv("HUIMAO_SMTP_PASSWORD", "s3cret")
        code, lines = doctor(monkeypatch, capsys, "--source", str(path), "--smtp", with_user)
        assert code == 0 and lines[-2] == (f"✓ SMTP 邮件服务器: {with_user} 可以连接（EHLO 250，用户 report 登录成功），"
                                           "未发送任何邮件。")
        assert "s3cret" not in "\n".join(lines) and server.received == [], "doctor sends nothing"
    finally:
        server.stop()


def test_a_certificate_that_cannot_be_verified_is_wrong_and_says_how_to_fix_it(home, monkeypatch, capsys):
    path = make_workbook(home)
    cert, key = self_signed_cert(home)       # not trusted by this machine
    accounts = Accounts()
    server = SmtpServer(tls_context=server_tls_context(cert, key), authenticator=accounts).start()
    monkeypatch.setenv("HUIMAO_SMTP_PASSWORD", "s3cret")
    try:
        url = f"smtp://report@127.0.0.1:{server.port}"
        code, lines = doctor(monkeypatch, capsys, "--source", str(path), "--smtp", url)
        assert code == 2 and lines[-3] == f"✗ SMTP 邮件服务器: {url} 的证书无法验证: self-signed certificate"
        assert lines[-2].startswith("    → 如何解决: 地址中的服务器名须与证书上的一致")
        assert accounts.attempts == [], "no password goes to a server that is not verified"
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))   # now the machine trusts it
        (home / "huimao.toml").write_text('language = "en"\n', encoding="utf-8")
        code, lines = doctor(monkeypatch, capsys, "--source", str(path), "--smtp", url)
        assert code == 0 and lines[-2] == (f"✓ SMTP server: {url} is reachable (EHLO 250, STARTTLS certificate "
                                           "valid, user report logged in); nothing was sent.")
    finally:
        server.stop()


def test_smtps_on_the_starttls_port_says_which_scheme_goes_with_which_port(home, monkeypatch, capsys, smtp_url):
    path = make_workbook(home)
    url = smtp_url.replace("smtp://", "smtps://")
    code, lines = doctor(monkeypatch, capsys, "--source", str(path), "--smtp", url)
    assert code == 2 and lines[-3].startswith(f"✗ SMTP 邮件服务器: 与 {url} 建立加密连接失败: ")
    assert lines[-2] == "    → 如何解决: 端口 465 用 smtps://，端口 587 或 25 用 smtp://（STARTTLS）。"


def test_the_config_is_checked_against_the_workbook(home, monkeypatch, capsys):
    """A [sheets] or [columns.*] entry the workbook lacks is wrong, named with the nearest; the rest of the
    layout is then checked as if the entry were not there."""
    path = make_workbook(home)
    (home / "huimao.toml").write_text('[sheets]\nclients = "客户表"\n[columns.staff]\nemail = "电子信箱"\n',
                                      encoding="utf-8")
    code, lines = doctor(monkeypatch, capsys, "--source", str(path))
    assert code == 2
    assert lines[2:8] == [
        '✗ 配置与工作簿: 配置文件 huimao.toml 中的 sheets.clients = "客户表" 有误: 工作簿中没有这个工作表。'
        '工作簿中的工作表: 客户档案、拜访记录、员工、拜访计划。最接近的是“客户档案”。',
        "    → 如何解决: 改正或删掉 huimao.toml 中的 sheets.clients，然后再运行 `huimao-sheets doctor`。",
        "✓ 工作表: 客户档案、拜访记录、员工、拜访计划",
        '✗ 配置与工作簿: 配置文件 huimao.toml 中的 columns.staff.email = "电子信箱" 有误: 工作表“员工”中没有这个表头。'
        '找到的表头: 姓名、邮箱、角色、所属部门、上级。最接近的是“邮箱”。',
        "    → 如何解决: 改正或删掉 huimao.toml 中的 columns.staff.email，然后再运行 `huimao-sheets doctor`。",
        "✓ 表头: “客户档案”的表头齐全。",
    ]
    assert lines[-1] == "发现 2 个问题。"


def test_a_config_whose_names_all_fit_the_workbook_is_ok(home, monkeypatch, capsys):
    path = make_workbook(home)
    (home / "huimao.toml").write_text('[sheets]\nstaff = "员工"\n[columns.staff]\nemail = "邮箱"\n', encoding="utf-8")
    code, lines = doctor(monkeypatch, capsys, "--source", str(path))
    assert "✓ 配置与工作簿: huimao.toml 中配置的 2 个工作表名和表头在工作簿中都能找到。" in lines
    assert code == 0, lines


# --- the configured language ---------------------------------------------------------------------------------

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
USER_DATA = ("客户档案", "拜访记录", "员工", "拜访计划", "数据检查", "应对措施", "销售表")   # sheet and header names


def own_text(lines: list[str]) -> str:
    """Doctor's lines without the names that come from the user's workbook and config."""
    text = "\n".join(lines)
    for name in USER_DATA:
        text = text.replace(name, "")
    return text


def test_with_language_en_every_line_of_an_xlsx_doctor_is_english(home, monkeypatch, capsys):
    path = make_workbook(home)
    (home / "~$register.xlsx").write_bytes(b"owner")      # open in Excel
    (home / "huimao.toml").write_text(f'language = "en"\nsource = "{path.name}"\n[sheets]\nplans = "销售表"\n'
                                      '[columns.clients]\nrating = "客户综合评估"\n')
    code, lines = doctor(monkeypatch, capsys)
    assert code == 2
    assert lines == [
        "✓ config file: huimao.toml can be read.",
        "✓ spreadsheet reachable: register.xlsx: 4 worksheet(s) (客户档案, 拜访记录, 员工, 拜访计划).",
        "· spreadsheet reachable: The workbook is open in Excel/WPS (~$register.xlsx): --write-findings and "
        "setup-sheet write nothing until it is closed.",
        lines[3],
        "    → fix: Correct or delete sheets.plans in huimao.toml, then run `huimao-sheets doctor` again.",
        "✓ worksheets: 客户档案, 拜访记录, 员工, 拜访计划",
        "✓ headers: “客户档案” has every required header.",
        "✓ headers: “拜访记录” has every required header.",
        "· headers: “拜访记录” has no optional column “应对措施”: whether clients' problems were answered cannot be checked.",
        "✓ headers: “员工” has every required header.",
        "✓ headers: “拜访计划” has every required header.",
        "· findings sheet: No “数据检查” yet: the first `check --write-findings` creates it.",
        "· SMTP server: No SMTP configured: mail is written to the outbox/ folder.",
        "1 problem(s) found.",
    ]
    assert lines[3].startswith("✗ config vs workbook: ") and "sheets.plans" in lines[3]
    assert not CJK.search(own_text(lines)), own_text(lines)


def test_with_language_en_the_google_lines_are_english_too(standin, home, monkeypatch, capsys):
    standin.add_spreadsheet(KEY, {t: [h] for t, h in HEADERS.items()})
    write_key_file(home / "credentials.json")
    (home / "huimao.toml").write_text(f'language = "en"\nsource = "gsheet:{KEY}"\ncredentials = "credentials.json"\n'
                                      '[columns.clients]\nrating = "客户综合评估"\n')
    code, lines = doctor(monkeypatch, capsys)
    assert code == 0
    assert lines[:3] == [
        "✓ config file: huimao.toml can be read.",
        f"✓ Google credentials: credentials.json: service account {SERVICE_ACCOUNT} (share the spreadsheet with "
        "this address).",
        "✓ key file permissions: Only the file's owner can read the key file.",
    ]
    assert "✓ config vs workbook: The 1 worksheet name(s) and header(s) configured in huimao.toml are all in the " \
           "workbook." in lines
    assert not CJK.search(own_text(lines)), own_text(lines)
    (home / "credentials.json").chmod(0o644)
    code, lines = doctor(monkeypatch, capsys)
    assert code == 2 and lines[1:3] == [
        "✗ key file permissions: credentials.json can be read by other users: the key may leak, and "
        "every command refuses to use it.",
        "    → fix: chmod 600 credentials.json"]
    assert not CJK.search(own_text(lines)), own_text(lines)
