"""Shared by the report, mail and ledger tests: a small hand-made workbook and a real SMTP server.

The workbook (as of Monday 2026-11-30, so the report week is 2026-W48, 11/23–11/29):

员工                                            拜访记录 in W48 (plus two earlier visits)
  2 陈总    市场总监      市场部                   张伟  11-24 电话 KH0001  交付周期
  3 林助理  市场总监助理  市场部                   张伟  11-25 上门 KH0005  培训需求   (first visit ever: new)
  4 王经理  部门经理      市场一部                 张伟  11-25 来访 KH0002  —          (no problems recorded)
  5 张伟    客户经理      市场一部                 李娜  11-26 上门 KH0003  <img onerror>
  6 李娜    客户经理      市场一部                 周敏  11-27 电话 KH0003  询价       (collides with 李娜)
  7 赵经理  部门经理      市场二部                 李娜  11-28 上门 KH0006  two lines
  8 刘洋    客户经理      市场二部  (no email)
  9 周敏    客户经理      市场二部
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from openpyxl import Workbook

AS_OF = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOSTILE_CLIENT = "<script>alert(1)</script>恶意公司"
HOSTILE_PROBLEM = '<img src=x onerror="alert(1)">价格'

CLIENT_HEADERS = ["客户编号", "客户名称", "行业", "地址", "负责人", "负责人手机", "客户经理", "所属部门",
                  "客户综合评估", "合作可能评估", "阶段", "下次跟进日期"]
CLIENTS = [
    ["KH0001", "鼎盛贸易有限公司", "贸易", "福州市鼓楼区1号", "黄总", "13800138000", "张伟", "市场一部", "A", "高", "跟踪中", "2026-12-02"],
    ["KH0002", "华强电子有限公司", "电子", "厦门市思明区2号", "吴总", "13900139000", "张伟", "市场一部", "B", "中", "已拜访", None],
    ["KH0003", "福州食品有限公司", "食品", "福州市台江区3号", "郑总", "13700137000", "李娜", "市场一部", "C", "低", "已拜访", None],
    ["KH0004", "海峡物流有限公司", "物流", "福州市马尾区4号", "孙总", "13600136000", "周敏", "市场二部", "B", "中", "合约接洽", None],
    ["KH0005", "闽江纺织有限公司", "纺织服装", "泉州市5号", "钱总", "13500135000", "张伟", "市场一部", "C", "中", "已拜访", None],
    ["KH0006", HOSTILE_CLIENT, "建材", "莆田市6号", "冯总", "13300133000", "李娜", "市场一部", "D", "低", "收集信息", None],
]
VISIT_HEADERS = ["拜访日期", "客户编号", "客户名称", "拜访人", "拜访方式", "客户反映问题", "拜访结果", "下次跟进日期"]
VISITS = [
    ["2026-11-10", "KH0001", None, "张伟", "上门", "价格偏高", "继续跟进", None],
    ["2026-11-20", "KH0004", None, "周敏", "上门", "合同条款", "待签约", None],
    ["2026-11-24", "KH0001", None, "张伟", "电话", "交付周期", "约下周面谈", None],
    ["2026-11-25", "KH0005", None, "张伟", "上门", "培训需求", "发方案", None],
    ["2026-11-25", "KH0002", None, "张伟", "来访", None, "参观公司", None],
    ["2026-11-26", "KH0003", None, "李娜", "上门", HOSTILE_PROBLEM, "报价", None],
    ["2026-11-27", "KH0003", None, "周敏", "电话", "询价", "转给李娜", None],
    ["2026-11-28", "KH0006", None, "李娜", "上门", "需要报价\n第二行", None, None],
]
STAFF_HEADERS = ["姓名", "邮箱", "角色", "所属部门", "上级"]
STAFF = [
    ["陈总", "chen@huimao.cn", "市场总监", "市场部", None],
    ["林助理", "lin@huimao.cn", "市场总监助理", "市场部", "陈总"],
    ["王经理", "wang@huimao.cn", "部门经理", "市场一部", "陈总"],
    ["张伟", "zhangwei@huimao.cn", "客户经理", "市场一部", "王经理"],
    ["李娜", "lina@huimao.cn", "客户经理", "市场一部", "王经理"],
    ["赵经理", "zhao@huimao.cn", "部门经理", "市场二部", "陈总"],
    ["刘洋", None, "客户经理", "市场二部", "赵经理"],
    ["周敏", "zhoumin@huimao.cn", "客户经理", "市场二部", "赵经理"],
]
PLAN_HEADERS = ["计划日期", "客户编号", "客户名称", "拜访人", "目的"]
PLANS = [
    ["2026-11-24", "KH0001", None, "张伟", "回访"],
    ["2026-11-26", "KH0002", None, "张伟", "介绍方案"],
    ["2026-11-27", "KH0004", None, "周敏", "签约"],
]

# Who receives what from this workbook, one message each: (address, kind).
EXPECTED_MAIL = {
    ("chen@huimao.cn", "weekly-company"), ("lin@huimao.cn", "weekly-company"),
    ("wang@huimao.cn", "weekly-department"), ("zhao@huimao.cn", "weekly-department"),
    ("zhangwei@huimao.cn", "weekly-person"), ("lina@huimao.cn", "weekly-person"),
    ("zhoumin@huimao.cn", "weekly-person"),
}


def write_workbook(path: Path, *, staff: list[list] | None = None, visits: list[list] | None = None,
                   clients: list[list] | None = None) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in (("客户档案", CLIENT_HEADERS, clients or CLIENTS),
                                 ("拜访记录", VISIT_HEADERS, visits or VISITS),
                                 ("员工", STAFF_HEADERS, staff or STAFF),
                                 ("拜访计划", PLAN_HEADERS, PLANS)):
        ws = wb.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class Handler:
    """An aiosmtpd handler that keeps every message and can refuse chosen recipients: for good (550,
    ``refuse``) or for now (451, ``defer``)."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    defer: set[str] = field(default_factory=set)
    sessions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if address in self.defer:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on a loopback port, in this process (aiosmtpd in its own thread)."""

    def __init__(self, handler: Handler | None = None, host: str = "127.0.0.1", **kwargs):
        self.handler = handler or Handler()
        self.host = host
        self.kwargs = kwargs
        self.controller: Controller | None = None
        self.port = 0

    def start(self, port: int = 0) -> "SmtpServer":
        self.controller = Controller(self.handler, hostname=self.host, port=port or _free_port(self.host),
                                     **self.kwargs)
        self.controller.start()
        self.port = self.controller.port
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def non_loopback_ip() -> str | None:
    """This machine's address on its network (not 127.x), if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") or ip == "0.0.0.0" else ip


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1/localhost that is its own CA; trust it with SSL_CERT_FILE."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "huimao test SMTP")])
    start = datetime(2020, 1, 1, tzinfo=ZoneInfo("UTC"))
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start)
        .not_valid_after(datetime(2100, 1, 1, tzinfo=ZoneInfo("UTC")))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def server_tls_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context
