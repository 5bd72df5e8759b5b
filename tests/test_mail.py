"""Mail: SMTP URLs, safe headers, multipart messages, and delivery of the ledger's queue to a real SMTP
server on a loopback port (aiosmtpd): one connection per run, STARTTLS and TLS, no password over plaintext
to another host, a 550 kept as a dead letter, a server that is down loses nothing (more in
test_mail_delivery.py)."""

from datetime import date
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import openpyxl
import pytest
from aiosmtpd.smtp import AuthResult

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.layout import SHEETS
from huimao_sheets.ledger import Ledger
from huimao_sheets.mail import (
    Mail,
    OutboxTransport,
    SmtpTarget,
    build_message,
    enqueue,
    header_text,
    open_transport,
    parse_smtp_url,
    send_queued,
    sender_address,
    valid_address,
)
from huimao_sheets.reports.daily import digest_mails
from huimao_sheets.reports.recipients import recipients
from huimao_sheets.reports.render import packaged_templates
from reports_helpers import NOW, SmtpServer, non_loopback_ip, self_signed_cert, server_tls_context

SETTINGS = Settings(mail_from="慧茂周报 <report@huimao.cn>")
NO_PASSWORD: dict[str, str] = {}


@pytest.mark.parametrize("url, target", [
    ("smtp://127.0.0.1:2525", SmtpTarget("smtp", "127.0.0.1", 2525)),
    ("smtp://mail.huimao.cn", SmtpTarget("smtp", "mail.huimao.cn", 25)),
    ("smtp://report@mail.huimao.cn:587?starttls=required",
     SmtpTarget("smtp", "mail.huimao.cn", 587, "report", "required")),
    ("smtps://report%40huimao.cn@smtp.exmail.qq.com", SmtpTarget("smtps", "smtp.exmail.qq.com", 465, "report@huimao.cn")),
    ("smtp://[::1]:2525", SmtpTarget("smtp", "::1", 2525)),
])
def test_smtp_urls_are_read(url, target):
    assert parse_smtp_url(url) == target


@pytest.mark.parametrize("url, says", [
    ("http://mail.huimao.cn", "只支持 smtp:// 和 smtps://"),
    ("smtp://user:secret@mail.huimao.cn:587", "密码不能写在地址里"),
    ("smtp://mail.huimao.cn:587?tls=yes", "未知参数 tls"),
    ("smtp://mail.huimao.cn:587?starttls=maybe", "starttls 只能是 required 或 auto"),
    ("smtps://mail.huimao.cn?starttls=required", "不需要 starttls"),
    ("smtp://mail.huimao.cn:99999", "无效"),
    ("smtp://:25", "缺少服务器名"),
])
def test_bad_smtp_urls_say_what_is_wrong(url, says):
    with pytest.raises(ConfigError, match=says) as caught:
        parse_smtp_url(url)
    assert "secret" not in str(caught.value).replace(url, "") and "HUIMAO_SMTP_PASSWORD" in str(caught.value)


def test_a_user_without_the_password_variable_is_a_config_error():
    with pytest.raises(ConfigError, match="HUIMAO_SMTP_PASSWORD"):
        open_transport(Settings(smtp="smtps://report@mail.huimao.cn"), env=NO_PASSWORD)


@pytest.mark.parametrize("value, expected", [
    ("张伟 \n Bcc: all@x.cn", "张伟 Bcc: all@x.cn"),
    ("a\r\nb\tc\x00d\u2028e", "a b c d e"),
    ("x" * 200, "x" * 59 + "…"),
    (None, ""),
])
def test_header_text_has_no_newlines_and_a_bounded_length(value, expected):
    assert header_text(value, 60) == expected


@pytest.mark.parametrize("value, expected", [
    ("zhangwei@huimao.cn", "zhangwei@huimao.cn"),
    (" lina@huimao.cn ", "lina@huimao.cn"),
    ("ｌｉｎａ@huimao.cn", "lina@huimao.cn"),
    ("a@b.cn\nBcc: evil@x.cn", None),
    ("张伟 <zhangwei@huimao.cn>", None),
    ("a@b.cn, c@d.cn", None),
    ("zhangwei", None),
    ("", None),
    (None, None),
])
def test_only_plain_addresses_are_used(value, expected):
    assert valid_address(value) == expected


def make_mail(name="张伟", address="zhangwei@huimao.cn", subject="【慧茂周报】张伟 2026年第48周 (11/23–11/29)"):
    return Mail("weekly-person", "2026-W48", name, address, subject, "文本 <script>", "<p>HTML</p>", name)


def parse(data: bytes):
    return message_from_bytes(data, policy=policy.default)


def test_a_message_has_text_and_html_parts_and_well_formed_headers():
    data = build_message(make_mail(), sender_address(SETTINGS), NOW).as_bytes(policy=policy.SMTP)
    msg = parse(data)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg.get_body(("plain",)).get_content().splitlines() == ["文本 <script>"]
    assert msg["Subject"] == "【慧茂周报】张伟 2026年第48周 (11/23–11/29)"
    assert msg["To"].addresses[0].display_name == "张伟" and msg["To"].addresses[0].addr_spec == "zhangwei@huimao.cn"
    assert msg["From"].addresses[0].display_name == "慧茂周报"
    assert parsedate_to_datetime(msg["Date"]) == NOW
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@huimao.cn>")
    assert all(b < 128 for b in data), "headers are RFC 2047-encoded, bodies base64/quoted-printable"
    assert b"=?utf-8?" in data.split(b"\r\n\r\n")[0]


@pytest.mark.parametrize("lead", range(12))
def test_a_long_chinese_subject_keeps_every_space_wherever_it_folds(lead):
    # The fold points move with the length of the name: at some of them the standard folding dropped the
    # space before 待改 ("未做计划 4 ·待改 17").
    subject = ("【慧茂日报】" + "欧阳" * (lead // 2) + "敏" * (lead % 2)
               + " 11/27（周五）今日跟进 1 · 逾期 12 · 未做计划 4 · 待改 17 · 拜访简报 3 · 撞车提醒 1")
    data = build_message(make_mail(subject=subject), sender_address(SETTINGS), NOW).as_bytes(policy=policy.SMTP)
    head = data.split(b"\r\n\r\n")[0]
    assert parse(data)["Subject"] == subject
    assert max(len(line) for line in head.split(b"\r\n")) <= 78 and all(b < 128 for b in head)


def test_an_english_subject_stays_readable_in_the_raw_message():
    subject = "[Huimao daily] Zhang Wei 11/27 (Fri): 1 due today | 12 overdue | 4 without a plan | 17 to fix"
    data = build_message(make_mail(subject=subject), sender_address(SETTINGS), NOW).as_bytes(policy=policy.SMTP)
    assert parse(data)["Subject"] == subject
    assert data.startswith(b"Subject: [Huimao daily] Zhang Wei 11/27 (Fri): 1 due today | 12 overdue | 4\r\n"
                           b" without a plan | 17 to fix\r\n")


def test_a_hostile_name_or_subject_cannot_add_a_header():
    mail = make_mail(name="张伟\r\nBcc: everyone@huimao.cn", subject="周报\nBcc: everyone@huimao.cn" + "长" * 300)
    msg = parse(build_message(mail, sender_address(SETTINGS), NOW).as_bytes(policy=policy.SMTP))
    assert msg["Bcc"] is None
    assert msg["To"].addresses[0].display_name == "张伟 Bcc: everyone@huimao.cn"
    assert "\n" not in msg["Subject"] and len(msg["Subject"]) == 150 and msg["Subject"].endswith("…")


def test_an_address_that_is_not_plain_is_refused():
    with pytest.raises(ValueError):
        build_message(make_mail(address="a@b.cn\nBcc: x@y.cn"), sender_address(SETTINGS), NOW)


def test_a_bad_sender_in_the_config_names_the_key():
    with pytest.raises(ConfigError, match="mail_from"):
        sender_address(Settings(mail_from="report\n@huimao.cn"))


def queue(ledger, *addresses):
    mails = [make_mail(name=a.split("@")[0], address=a) for a in addresses]
    enqueue(ledger, mails, SETTINGS, NOW)
    return mails


def test_the_queue_goes_out_over_one_connection(tmp_path, server):
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn", "b@huimao.cn", "c@huimao.cn")
        delivery = send_queued(ledger, open_transport(Settings(smtp=server.url), NO_PASSWORD), lambda: NOW)
        assert delivery.ok and len(delivery.sent) == 3
        assert {m.status for m in ledger.mail()} == {"sent"}
        assert send_queued(ledger, open_transport(Settings(smtp=server.url), NO_PASSWORD), lambda: NOW).sent == []
    assert server.handler.sessions == 1
    assert sorted(r.recipients[0] for r in server.received) == ["a@huimao.cn", "b@huimao.cn", "c@huimao.cn"]
    assert {r.sender for r in server.received} == {"report@huimao.cn"}


def test_a_recipient_refused_with_550_is_a_dead_letter_and_the_others_go_out(tmp_path, server):
    server.handler.refuse = {"b@huimao.cn"}
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn", "b@huimao.cn", "c@huimao.cn")
        delivery = send_queued(ledger, open_transport(Settings(smtp=server.url), NO_PASSWORD), lambda: NOW)
        assert [(r.recipient, why) for r, why in delivery.dead] == [("b@huimao.cn", "550 5.1.1 mailbox unavailable")]
        assert delivery.undelivered == 1 and not delivery.ok and delivery.refused == []
        assert ledger.queued() == [] and ledger.mail_status(("weekly-person", "2026-W48", "b@huimao.cn")) == "dead"
        server.handler.refuse = set()
        again = send_queued(ledger, open_transport(Settings(smtp=server.url), NO_PASSWORD), lambda: NOW)
        assert again.ok and again.sent == [] and again.dead == [], "a dead letter is never retried by itself"
    assert sorted(r.recipients[0] for r in server.received) == ["a@huimao.cn", "c@huimao.cn"]


def test_a_server_that_is_down_loses_nothing(tmp_path):
    server = SmtpServer()
    server.start()
    url = server.url
    server.stop()  # the port is known, nothing listens on it
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn", "b@huimao.cn")
        delivery = send_queued(ledger, open_transport(Settings(smtp=url), NO_PASSWORD), lambda: NOW)
        assert delivery.sent == [] and len(delivery.waiting) == 2 and "无法连接邮件服务器" in delivery.error
        assert delivery.error_in("en").startswith(f"Cannot connect to the mail server {url}: ")
        assert len(ledger.queued()) == 2
        server.start(port=int(url.rsplit(":", 1)[1]))
        try:
            assert len(send_queued(ledger, open_transport(Settings(smtp=url), NO_PASSWORD), lambda: NOW).sent) == 2
        finally:
            server.stop()
    assert len(server.received) == 2


class Accounts:
    """An aiosmtpd authenticator that knows one user and remembers every attempt."""

    def __init__(self):
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.attempts.append((auth_data.login, auth_data.password))
        ok = (auth_data.login, auth_data.password) == (b"report", b"s3cret")
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 on failure


@pytest.fixture
def tls(tmp_path, monkeypatch):
    cert, key = self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test certificate, nothing else changes
    return server_tls_context(cert, key)


def test_starttls_is_used_when_offered_and_the_login_happens_inside_it(tmp_path, tls):
    accounts = Accounts()
    server = SmtpServer(tls_context=tls, authenticator=accounts, auth_require_tls=True).start()
    try:
        with Ledger.in_state_dir(tmp_path) as ledger:
            queue(ledger, "a@huimao.cn")
            transport = open_transport(Settings(smtp=f"smtp://report@127.0.0.1:{server.port}?starttls=required"),
                                       {"HUIMAO_SMTP_PASSWORD": "s3cret"})
            assert send_queued(ledger, transport, lambda: NOW).ok
    finally:
        server.stop()
    assert accounts.attempts == [(b"report", b"s3cret")] and len(server.received) == 1


def test_smtps_speaks_tls_from_the_first_byte(tmp_path, tls):
    server = SmtpServer(ssl_context=tls).start()
    try:
        with Ledger.in_state_dir(tmp_path) as ledger:
            queue(ledger, "a@huimao.cn")
            assert send_queued(ledger, open_transport(Settings(smtp=f"smtps://127.0.0.1:{server.port}"), NO_PASSWORD),
                               lambda: NOW).ok
    finally:
        server.stop()
    assert len(server.received) == 1


def test_a_wrong_password_is_a_clear_error_and_the_mail_stays_queued(tmp_path, tls):
    server = SmtpServer(tls_context=tls, authenticator=Accounts()).start()
    try:
        with Ledger.in_state_dir(tmp_path) as ledger:
            queue(ledger, "a@huimao.cn")
            delivery = send_queued(ledger, open_transport(Settings(smtp=f"smtp://report@127.0.0.1:{server.port}"),
                                                          {"HUIMAO_SMTP_PASSWORD": "wrong"}), lambda: NOW)
            assert "拒绝了用户 report 的登录" in delivery.error and "wrong" not in delivery.error
            assert len(ledger.queued()) == 1
    finally:
        server.stop()


def test_starttls_required_refuses_a_server_without_it(tmp_path, server):
    with Ledger.in_state_dir(tmp_path) as ledger:
        queue(ledger, "a@huimao.cn")
        delivery = send_queued(ledger, open_transport(Settings(smtp=server.url + "?starttls=required"), NO_PASSWORD),
                               lambda: NOW)
    assert "不支持 STARTTLS" in delivery.error and server.received == []


def test_no_password_goes_over_plaintext_to_a_host_that_is_not_loopback(tmp_path):
    host = non_loopback_ip()
    if host is None:
        pytest.skip("this machine has no network address besides loopback")
    accounts = Accounts()
    server = SmtpServer(host=host, authenticator=accounts, auth_require_tls=False).start()
    try:
        with Ledger.in_state_dir(tmp_path) as ledger:
            queue(ledger, "a@huimao.cn")
            delivery = send_queued(ledger, open_transport(Settings(smtp=f"smtp://report@{host}:{server.port}"),
                                                          {"HUIMAO_SMTP_PASSWORD": "s3cret"}), lambda: NOW)
            assert "拒绝在未加密的连接上" in delivery.error and len(ledger.queued()) == 1
    finally:
        server.stop()
    assert accounts.attempts == [] and server.received == []


def test_plaintext_login_is_allowed_on_loopback(tmp_path):
    accounts = Accounts()
    server = SmtpServer(authenticator=accounts, auth_require_tls=False).start()
    try:
        with Ledger.in_state_dir(tmp_path) as ledger:
            queue(ledger, "a@huimao.cn")
            assert send_queued(ledger, open_transport(Settings(smtp=f"smtp://report@127.0.0.1:{server.port}"),
                                                      {"HUIMAO_SMTP_PASSWORD": "s3cret"}), lambda: NOW).ok
    finally:
        server.stop()
    assert accounts.attempts == [(b"report", b"s3cret")]


def test_without_smtp_mail_goes_to_the_outbox_as_eml_files(tmp_path):
    settings = Settings(outbox_dir=str(tmp_path / "outbox"))
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        queue(ledger, "zhangwei@huimao.cn")
        transport = open_transport(settings, NO_PASSWORD)
        assert isinstance(transport, OutboxTransport)
        assert send_queued(ledger, transport, lambda: NOW).ok
    [eml] = (tmp_path / "outbox").iterdir()
    assert eml.name == "2026-W48_weekly-person_zhangwei@huimao.cn.eml"
    assert parse(eml.read_bytes())["To"].addresses[0].addr_spec == "zhangwei@huimao.cn"


def test_an_outbox_that_cannot_be_written_is_a_mail_error(tmp_path):
    (tmp_path / "outbox").write_text("a file, not a folder")
    with Ledger.in_state_dir(tmp_path / "state") as ledger:
        queue(ledger, "a@huimao.cn")
        delivery = send_queued(ledger, OutboxTransport(tmp_path / "outbox"), lambda: NOW)
        assert "无法创建发件箱目录" in delivery.error and len(ledger.queued()) == 1



def test_an_all_ascii_english_report_keeps_every_line_within_smtps_998_bytes(tmp_path):
    """An English digest of an English-headed register, rendered with an admin's own templates that use "|"
    for the "·" separator (and a plain subject), its findings sheet named "Checks": both bodies are pure
    ASCII. A visit row drag-filled down 200 times makes one long finding, and with its inlined CSS an HTML
    line of well over 998 bytes, which SMTP forbids (RFC 5321 §4.5.3.1.6): the body must be encoded, not sent as 7bit."""
    rows = {
        "clients": [["C0001", "Dingsheng Trading", "trade", "1 Wusi Road", "Mr Huang", "13800138000", "Zhang Wei",
                     "Sales 1", "D", "中", "跟踪中", None, None]],
        "visits": [[date(2026, 11, 24), "C0001", None, "Zhang Wei", "电话", "delivery time", "call back", None,
                    "sent the schedule"]] * 200,
        "staff": [["Chen", "chen@huimao.cn", "市场总监", "Marketing", None],
                  ["Zhang Wei", "zhangwei@huimao.cn", "客户经理", "Sales 1", "Chen"]],
        "plans": [],
    }
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in SHEETS:
        ws = wb.create_sheet(spec.english)                        # Clients, Visits, Staff, Plans
        ws.append([f.aliases[0] for f in spec.fields])            # client_id, client_name, …
        for row in rows[spec.key]:
            ws.append(row)
    wb.save(tmp_path / "register.xlsx")
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("base.html.j2", "daily.html.j2", "macros.html.j2", "hygiene.txt.j2"):
        (templates / name).write_text((packaged_templates() / name).read_text(encoding="utf-8").replace("·", "|"),
                                      encoding="utf-8")
    (templates / "daily.subject.j2").write_text("[Huimao daily] {{ about }} {{ day.iso }}", encoding="utf-8")
    settings = Settings(language="en", templates_dir=str(templates), mail_from="Huimao <report@huimao.cn>",
                        sheets={"findings": "Checks"})
    as_of = date(2026, 11, 30)
    register, result = check(str(tmp_path / "register.xlsx"), as_of, settings)
    people = recipients(register)
    [mail] = digest_mails(register, result.findings, as_of, settings, people, {})
    assert mail.text.isascii() and mail.html.isascii()
    assert "Visits rows 2, 3, 4, " in mail.text and ", 201 are the same record entered 200 times" in mail.text
    assert max(len(line) for line in mail.html.splitlines()) > 998, "the case this test is about"
    data = build_message(mail, sender_address(settings), NOW).as_bytes(policy=policy.SMTP)
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    msg = parse(data)
    assert msg.get_body(("html",)).get_content().splitlines() == mail.html.splitlines()
    assert msg.get_body(("plain",)).get_content().splitlines() == mail.text.splitlines()
