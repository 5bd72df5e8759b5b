"""Mail: building messages safely and delivering the ledger's queue over SMTP or into an outbox folder.

- ``build_message`` makes a multipart/alternative ``EmailMessage`` (text + HTML) with a ``Message-ID``,
  a ``Date`` and RFC 2047-encoded Chinese display names. Text from the spreadsheet never reaches a header
  as it is: control characters and newlines become spaces, long values are cut, and an address is used
  only when it is a plain address (``valid_address``).
- ``open_transport`` picks where mail goes: ``--smtp``/``smtp`` in the config, else the outbox folder
  (``outbox/``, one ``.eml`` file per message).

  ``smtp://[user@]host[:port][?starttls=required]``  STARTTLS when the server offers it; ``required``
                                                       refuses to go on without it. Port 25 by default.
  ``smtps://[user@]host[:port]``                       TLS from the first byte. Port 465 by default.

  The password comes only from the environment variable ``HUIMAO_SMTP_PASSWORD``, and is never sent over
  an unencrypted connection to a host that is not loopback.
- ``send_queued`` delivers every queued message of the ledger over one connection, at least once. Each
  message is claimed in the ledger (queued → sending) before its envelope goes out and marked sent only on
  the server's 250 to DATA. A message whose final reply to DATA never came (the connection dropped, the
  process was killed) is *not* sent: it is tried again with the next delivery. RFC 5321 §6.1 asks a
  client to prefer a rare duplicate to a lost message, and so do we: a digest that arrives twice is a
  nuisance, one that never arrives is a missed follow-up. A 4xx answer (451, 421) is tried again after a
  backoff, at most ``MAX_ATTEMPTS`` times; a 5xx answer (550) is permanent: the message is a dead letter,
  reported once by the run that met it, listed by ``dead_letters()`` (a finding for the recipient's 上级)
  and never tried again. ``resend`` sends any message of the ledger again on an admin's request.
- Secrets: the password never appears in a message, a log line or the ledger (``redact``).
"""

from __future__ import annotations

import ipaddress
import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import SMTP as SMTP_POLICY
from email.policy import default as DEFAULT_POLICY
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Callable, Mapping, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError, HuimaoError
from huimao_sheets.ledger import DEAD, MAX_ATTEMPTS, SENDING, SENT, Ledger, MailRow, backoff
from huimao_sheets.normalize import valid_address
from huimao_sheets.redact import redact

PASSWORD_ENV = "HUIMAO_SMTP_PASSWORD"
SMTP_TIMEOUT = 30          # seconds, for connecting and for each command
SUBJECT_LIMIT = 150        # characters of a subject; longer ones are cut with "…"
NAME_LIMIT = 60            # characters of a display name


class MailError(HuimaoError):
    """The mail server cannot be reached, refuses the login, or the outbox cannot be written."""


# --- safe header values --------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


def header_text(value: object, limit: int) -> str:
    """Text fit for a header: control characters and newlines become spaces, runs of space one,
    and at most ``limit`` characters (cut with "…")."""
    s = _SPACES.sub(" ", _CONTROL.sub(" ", "" if value is None else str(value))).strip()
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def sender_address(settings: Settings) -> Address:
    """``mail_from`` of the config as an Address; a bad one is a ConfigError naming the key."""
    name, addr = parseaddr(settings.mail_from)
    problem = not addr or "@" not in addr or _CONTROL.search(settings.mail_from)
    if not problem:
        try:
            return Address(display_name=header_text(name, NAME_LIMIT), addr_spec=addr)
        except (ValueError, IndexError, HeaderParseError):
            pass
    raise ConfigError(f"配置项 mail_from 的值“{settings.mail_from}”不是有效的发件人，"
                      f"请写成 \"慧茂周报 <report@example.com>\"",
                      en=f"The setting mail_from = “{settings.mail_from}” is not a valid sender. "
                         f"Write it as \"Huimao reports <report@example.com>\".")


@dataclass
class Mail:
    """One message to send: who, what kind for which period, and the rendered subject and bodies."""

    kind: str                 # weekly-person, weekly-department, weekly-company
    period: str               # 2026-W48
    to_name: str
    to_address: str           # already validated with valid_address()
    subject: str
    text: str
    html: str
    about: str = ""           # whose or which report (a person, a department, the company), for listings

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.period, self.to_address.lower())


def build_message(mail: Mail, sender: Address, now: datetime) -> EmailMessage:
    """A multipart/alternative message (text first, HTML second) with safe, well-formed headers."""
    address = valid_address(mail.to_address)
    if address is None:
        raise ValueError(f"not a plain e-mail address: {mail.to_address!r}")
    msg = EmailMessage()
    subject = header_text(mail.subject, SUBJECT_LIMIT)
    if subject.isascii():
        msg["Subject"] = subject
    else:
        # Folded by email.policy, a long Chinese subject can lose a space at a fold ("逾期 4 ·待改 17"): the
        # space lands between two encoded words, where RFC 2047 readers drop it (python/cpython#92081).
        # Encoded whole, every space is inside a word, in lines of at most 76 characters.
        msg.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())
    msg["From"] = sender
    msg["To"] = Address(display_name=header_text(mail.to_name, NAME_LIMIT), addr_spec=address)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(idstring=re.sub(r"[^A-Za-z0-9-]", "", mail.kind), domain=sender.domain or "localhost")
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Huimao-Report"] = f"{mail.kind} {mail.period}"
    msg.set_content(mail.text, subtype="plain", charset="utf-8", cte=_cte(mail.text))
    msg.add_alternative(mail.html, subtype="html", charset="utf-8", cte=_cte(mail.html))
    return msg


def _cte(body: str) -> str:
    """7-bit clean on the wire, in lines of at most 76 characters: any server takes it, whether or not it
    offers 8BITMIME, and no line breaks SMTP's 998-byte limit (inlined CSS makes HTML lines of 1,000+).
    Quoted-printable keeps an ASCII body readable in the raw message; anything else is base64."""
    return "quoted-printable" if body.isascii() else "base64"


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as it goes over SMTP (CRLF line ends)."""
    return msg.as_bytes(policy=SMTP_POLICY)


def enqueue(ledger: Ledger, mails: list[Mail], settings: Settings, now: datetime) -> dict[tuple[str, str, str], str]:
    """Put each message in the ledger's queue unless it was sent (or refused for good) before; key → status."""
    sender = sender_address(settings)
    statuses = {}
    for mail in mails:
        if ledger.mail_status(mail.key) in (SENDING, SENT, DEAD):
            statuses[mail.key] = ledger.mail_status(mail.key)
            continue
        data = message_bytes(build_message(mail, sender, now))
        statuses[mail.key] = ledger.enqueue(mail.key, sender.addr_spec, header_text(mail.subject, SUBJECT_LIMIT),
                                            data, now)
    return statuses


# --- where mail goes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SmtpTarget:
    scheme: str               # smtp or smtps
    host: str
    port: int
    user: str | None = None
    starttls: str = "auto"    # auto (when offered) or required

    def display(self) -> str:
        user = f"{self.user}@" if self.user else ""
        query = "?starttls=required" if self.starttls == "required" else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}{query}"


def parse_smtp_url(url: str) -> SmtpTarget:
    """``smtp://[user@]host[:port][?starttls=required]`` or ``smtps://[user@]host[:port]``."""
    def bad(why: str, why_en: str) -> ConfigError:
        return ConfigError(redact(f"SMTP 地址“{url}”无效: {why}。请写成 smtp://user@host:587（STARTTLS）"
                                  f"或 smtps://user@host:465（SSL），密码放在环境变量 {PASSWORD_ENV} 中。", typed),
                           en=redact(f"The SMTP address “{url}” is not valid: {why_en}. Write smtp://user@host:587 "
                                     f"(STARTTLS) or smtps://user@host:465 (SSL), and put the password in the "
                                     f"environment variable {PASSWORD_ENV}.", typed))

    parts = urlsplit(url.strip())
    try:
        typed = parts.password   # only to keep it out of the messages
    except ValueError:
        typed = None
    try:
        port = parts.port
    except ValueError as exc:
        raise bad(str(exc), str(exc)) from None
    if parts.scheme not in ("smtp", "smtps"):
        raise bad("只支持 smtp:// 和 smtps://", "only smtp:// and smtps:// are supported")
    if not parts.hostname:
        raise bad("缺少服务器名", "the server name is missing")
    if parts.password is not None:
        raise bad(f"密码不能写在地址里，请使用环境变量 {PASSWORD_ENV}",
                  f"the password must not be written in the address; use the environment variable {PASSWORD_ENV}")
    if parts.path not in ("", "/") or parts.fragment:
        raise bad("地址中不应有路径", "the address must not have a path")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"starttls"})
    if unknown:
        raise bad(f"未知参数 {', '.join(unknown)}（只支持 starttls=required）",
                  f"unknown parameter {', '.join(unknown)} (only starttls=required is supported)")
    starttls = query.get("starttls", ["auto"])[-1]
    if starttls not in ("auto", "required"):
        raise bad(f"starttls 只能是 required 或 auto，而不是“{starttls}”",
                  f"starttls is required or auto, not “{starttls}”")
    if parts.scheme == "smtps" and starttls == "required":
        raise bad("smtps:// 本身就是加密连接，不需要 starttls", "smtps:// is encrypted already and takes no starttls")
    user = unquote(parts.username) if parts.username else None
    return SmtpTarget(parts.scheme, parts.hostname, port or (465 if parts.scheme == "smtps" else 25), user, starttls)


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP literal (127.0.0.0/8, ::1)."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Refused(Exception):
    """The server refused one message: ``code`` 5xx is for good, 4xx (or None: no answer, e.g. the outbox
    could not be written) for now. After 421 the server closes the connection."""

    def __init__(self, reason: str, code: int | None = None):
        super().__init__(reason)
        self.code = code

    @property
    def permanent(self) -> bool:
        return self.code is not None and 500 <= self.code < 600

    @property
    def closing(self) -> bool:
        return self.code == 421


def _refused(code: int, reply: bytes) -> Refused:
    return Refused(f"{code} {reply.decode(errors='replace')}", code)


class Transport(Protocol):
    where: str

    def __enter__(self) -> "Transport": ...

    def __exit__(self, *exc) -> None: ...

    def deliver(self, row: MailRow, claim: Callable[[], bool]) -> bool:
        """Deliver one queued message. ``claim()`` is called before anything of the message goes out and
        must return True for it to go; returns False when the claim failed. Raises Refused, or OSError /
        smtplib.SMTPException when the connection failed (before the final reply to DATA: not sent)."""
        ...


class OutboxTransport:
    """Writes each message to ``DIR/<period>_<kind>_<recipient>.eml`` (atomically)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.where = str(self.folder)

    def __enter__(self) -> "OutboxTransport":
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MailError(f"无法创建发件箱目录 {self.folder}: {exc}",
                            en=f"Cannot create the outbox folder {self.folder}: {exc}. Check that its parent "
                               "folder is writable, or set outbox_dir in huimao.toml.") from exc
        return self

    def __exit__(self, *exc) -> None:
        pass

    def path_for(self, row: MailRow) -> Path:
        name = re.sub(r"[^A-Za-z0-9@._+-]", "_", f"{row.period}_{row.kind}_{row.recipient}")
        return self.folder / f"{name}.eml"

    def deliver(self, row: MailRow, claim: Callable[[], bool]) -> bool:
        if not claim():
            return False
        path = self.path_for(row)
        tmp = path.with_suffix(".eml.tmp")
        try:
            tmp.write_bytes(row.message)
            os.replace(tmp, path)
        except OSError as exc:
            raise Refused(f"无法写入 {path}: {exc}") from exc   # no code: tried again
        return True


class SmtpTransport:
    """One SMTP connection for the whole run."""

    def __init__(self, target: SmtpTarget, password: str | None, timeout: float = SMTP_TIMEOUT):
        self.target = target
        self.password = password
        self.timeout = timeout
        self.where = target.display()
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpTransport":
        t = self.target
        try:
            context = ssl.create_default_context()
            if t.scheme == "smtps":
                self.smtp = smtplib.SMTP_SSL(t.host, t.port, timeout=self.timeout, context=context)
                self.smtp.ehlo()
                encrypted = True
            else:
                self.smtp = smtplib.SMTP(t.host, t.port, timeout=self.timeout)
                self.smtp.ehlo()
                encrypted = self.smtp.has_extn("starttls")
                if encrypted:
                    self.smtp.starttls(context=context)
                    self.smtp.ehlo()
                elif t.starttls == "required":
                    raise MailError(f"邮件服务器 {self.where} 不支持 STARTTLS，而地址要求 starttls=required；"
                                    f"请改用 smtps:// 或确认服务器设置",
                                    en=f"The mail server {self.where} does not offer STARTTLS, which the address "
                                       "requires (starttls=required). Use smtps:// or check the server's settings.")
            if t.user:
                if not encrypted and not is_loopback(t.host):
                    raise MailError(f"拒绝在未加密的连接上向 {t.host} 发送密码：服务器 {self.where} 未提供 STARTTLS。"
                                    f"请改用 smtps://{t.user}@{t.host}:465 或开启服务器的 STARTTLS",
                                    en=f"Refusing to send the password to {t.host} over an unencrypted connection: "
                                       f"the server {self.where} does not offer STARTTLS. Use "
                                       f"smtps://{t.user}@{t.host}:465 or turn on STARTTLS on the server.")
                self.smtp.login(t.user, self.password or "")
        except MailError:
            self._quit()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self._quit()
            raise MailError(f"邮件服务器 {self.where} 拒绝了用户 {t.user} 的登录（{exc.smtp_code}）。"
                            f"请检查用户名和环境变量 {PASSWORD_ENV}",
                            en=f"The mail server {self.where} refused the login of user {t.user} ({exc.smtp_code}). "
                               f"Check the user name and the environment variable {PASSWORD_ENV}.") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._quit()
            raise MailError(redact(f"无法连接邮件服务器 {self.where}: {exc or type(exc).__name__}", self.password),
                            en=redact(f"Cannot connect to the mail server {self.where}: {exc or type(exc).__name__}. "
                                      "Check the host, the port and the network.", self.password)) from exc
        return self

    def __exit__(self, *exc) -> None:
        self._quit()

    def _quit(self) -> None:
        if self.smtp is not None:
            try:
                if self.smtp.sock is not None:
                    self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp.close()

    def deliver(self, row: MailRow, claim: Callable[[], bool]) -> bool:
        smtp = self.smtp
        if smtp is None or smtp.sock is None:
            raise smtplib.SMTPServerDisconnected("the connection is closed")
        if not claim():
            return False
        try:
            code, reply = smtp.mail(row.sender)
            if code == 250:
                code, reply = smtp.rcpt(row.recipient)
                if code in (250, 251):
                    # DATA: a refusal of the command itself raises SMTPDataError (nothing handed over);
                    # the final reply after the message is returned.
                    code, reply = smtp.data(row.message)
                    if code == 250:
                        return True
        except smtplib.SMTPDataError as exc:
            code, reply = exc.smtp_code, exc.smtp_error
        refused = _refused(code, reply if isinstance(reply, bytes) else str(reply).encode())
        if refused.closing:
            self._quit()
        else:
            try:
                smtp.rset()
            except (OSError, smtplib.SMTPException):
                self._quit()
        raise refused


def open_transport(settings: Settings, env: Mapping[str, str] = os.environ) -> Transport:
    """SMTP when configured (``--smtp`` or ``smtp`` in the config), else the outbox folder."""
    if not settings.smtp:
        return OutboxTransport(settings.outbox_dir)
    target = parse_smtp_url(settings.smtp)
    password = env.get(PASSWORD_ENV) or None
    if target.user and password is None:
        raise ConfigError(f"SMTP 地址 {target.display()} 指定了用户 {target.user}，但没有设置环境变量 {PASSWORD_ENV}",
                          en=f"The SMTP address {target.display()} names the user {target.user}, but the environment "
                             f"variable {PASSWORD_ENV} (the password) is not set.")
    return SmtpTransport(target, password)


# --- delivering the queue ------------------------------------------------------------------------

@dataclass
class Delivery:
    """What one pass over the queue did. Everything but ``sent`` and ``dead`` is still queued."""

    where: str = ""
    sent: list[MailRow] = field(default_factory=list)
    refused: list[tuple[MailRow, str]] = field(default_factory=list)   # 4xx: tried again after a backoff
    dead: list[tuple[MailRow, str]] = field(default_factory=list)      # 5xx or too many tries: never again
    unconfirmed: list[MailRow] = field(default_factory=list)           # no final reply to DATA: tried again
    waiting: list[MailRow] = field(default_factory=list)               # not tried: the connection failed
    deferred: list[MailRow] = field(default_factory=list)              # not tried: its backoff is not over
    recovered: list[MailRow] = field(default_factory=list)             # left sending by a killed process
    error: str | None = None                                           # why the connection failed
    error_en: str | None = None                                        # the same in English

    def error_in(self, language: str) -> str:
        """Why the connection failed, in ``language`` ("" when it did not)."""
        return (self.error_en if language == "en" and self.error_en else self.error) or ""

    @property
    def undelivered(self) -> int:
        """Messages this pass had to deliver that did not reach the server."""
        return (len(self.refused) + len(self.dead) + len(self.unconfirmed) + len(self.waiting)
                + len(self.deferred))

    @property
    def ok(self) -> bool:
        return not self.undelivered and not self.error


def send_queued(ledger: Ledger, transport: Transport, now: Callable[[], datetime]) -> Delivery:
    """Deliver every due message of the ledger over one connection (opened only if there is mail).

    Messages left ``sending`` by a process that is gone are queued again first (at least once).
    """
    delivery = Delivery(where=transport.where)
    delivery.recovered = ledger.recover(now())
    rows = ledger.due(now())
    due = {r.key for r in rows}
    delivery.deferred = [r for r in ledger.queued() if r.key not in due]
    if not rows:
        return delivery
    try:
        with transport:
            for index, row in enumerate(rows):
                claimed = False

                def claim(key=row.key) -> bool:
                    nonlocal claimed
                    claimed = ledger.claim(key, now())
                    return claimed

                try:
                    if transport.deliver(row, claim):
                        ledger.mark_sent(row.key, now())
                        delivery.sent.append(row)
                except Refused as exc:
                    reason = redact(str(exc))
                    if claimed:
                        _not_delivered(ledger, delivery, row, reason, exc.permanent, now(), refused=True)
                    if exc.closing:   # 421: the server closes the connection
                        delivery.waiting.extend(rows[index + 1:])
                        delivery.error = delivery.error_en = f"{transport.where}: {reason}"
                        break
                except (OSError, smtplib.SMTPException) as exc:
                    # The connection broke. Whatever the server had of this message, it did not give its
                    # final reply to DATA: the message is not sent and goes out with the next delivery.
                    reason = redact(str(exc) or type(exc).__name__)
                    if claimed:
                        _not_delivered(ledger, delivery, row, reason, False, now(), refused=False)
                    else:
                        delivery.waiting.append(row)
                    delivery.waiting.extend(rows[index + 1:])
                    delivery.error = f"与 {transport.where} 的连接中断: {reason}"
                    delivery.error_en = f"The connection to {transport.where} broke: {reason}"
                    break
    except MailError as exc:
        delivery.waiting = [r for r in rows if r not in delivery.sent]
        delivery.error, delivery.error_en = exc.text("zh"), exc.text("en")
    return delivery


def _not_delivered(ledger: Ledger, delivery: Delivery, row: MailRow, reason: str, permanent: bool, now: datetime,
                   *, refused: bool) -> None:
    """A claimed message that did not go: dead when refused for good or out of attempts, else queued again
    (after a backoff when the server refused it, at once when the connection broke)."""
    attempts = row.attempts + 1
    if permanent or attempts >= MAX_ATTEMPTS:
        why = reason if permanent else f"{reason}（已尝试 {attempts} 次）"
        ledger.bury(row.key, why, now)
        delivery.dead.append((row, why))
    elif refused:
        ledger.release(row.key, reason, now + backoff(attempts))
        delivery.refused.append((row, reason))
    else:
        ledger.release(row.key, reason)
        delivery.unconfirmed.append(row)


# --- dead letters and resending ----------------------------------------------------------------------

@dataclass(frozen=True)
class DeadLetter:
    """A message refused for good: to whom, what, and the server's answer."""

    address: str
    name: str
    kind: str
    period: str
    error: str
    dead_at: str


def recipient_name(row: MailRow) -> str:
    """The display name of the message's To header ("" when it has none)."""
    try:
        to = BytesHeaderParser(policy=DEFAULT_POLICY).parsebytes(row.message)["To"]
        return to.addresses[0].display_name if to and to.addresses else ""
    except (IndexError, ValueError, HeaderParseError, AttributeError):
        return ""


def dead_letters(ledger: Ledger) -> list[DeadLetter]:
    """The dead letters of the ledger, newest first, except those to an address that has received mail
    since: for the admin, and for a finding owned by the recipient's 上级 (``reports.recipients.bounced``)."""
    last_sent: dict[str, str] = {}
    for row in ledger.mail():
        if row.status == SENT and row.sent_at:
            last_sent[row.recipient] = max(last_sent.get(row.recipient, ""), row.sent_at)
    return [DeadLetter(r.recipient, recipient_name(r), r.kind, r.period, r.last_error or "", r.dead_at or "")
            for r in ledger.dead_letters() if last_sent.get(r.recipient, "") <= (r.dead_at or "")]


def select_for_resend(rows: list[MailRow], to: str, kind: str | None = None, period: str | None = None) -> list[MailRow]:
    """The ledger's messages for ``to`` (names or addresses, comma-separated), narrowed by kind and period.
    Without ``period``, more than one match is a ConfigError that lists them: say which one."""
    wanted = {w.strip().casefold() for w in re.split(r"[,，;；]", to) if w.strip()}
    if not wanted:
        raise ConfigError("请用 --to 指定收件人（姓名或邮箱）",
                          en="Give the recipient with --to (a name or an e-mail address).")
    chosen = [r for r in rows
              if (r.recipient.casefold() in wanted or recipient_name(r).casefold() in wanted)
              and (kind is None or r.kind == kind) and (period is None or r.period == period)]
    if not chosen:
        narrowed = " ".join(w for w in (kind, period) if w)
        raise ConfigError(f"状态库中没有发给 {to} 的邮件" + (f"（{narrowed}）" if narrowed else "")
                          + "。请检查 --to、--kind 和 --period",
                          en=f"The state holds no mail to {to}" + (f" ({narrowed})" if narrowed else "")
                          + ". Check --to, --kind and --period.")
    if period is None and len(chosen) > 1:
        listed = "；".join(f"{r.kind} {r.period} → {r.recipient}" for r in
                          sorted(chosen, key=lambda r: r.queued_at, reverse=True)[:10])
        raise ConfigError(f"发给 {to} 的邮件有 {len(chosen)} 封，请用 --period（和 --kind）指定要重发哪一封。"
                          f"最近的: {listed}",
                          en=f"There are {len(chosen)} messages to {to}: say which one to send again with --period "
                             f"(and --kind). The latest: {listed.replace('；', '; ')}")
    return chosen


@dataclass
class Resend:
    requeued: list[MailRow]
    delivery: Delivery

    @property
    def ok(self) -> bool:
        return self.delivery.ok


def resend(settings: Settings, *, to: str, kind: str | None = None, period: str | None = None,
           now: Callable[[], datetime], env: Mapping[str, str] = os.environ) -> Resend:
    """Send messages of the ledger again, whatever became of them (sent, dead, queued), then deliver the
    queue: ``huimao-sheets resend --to 张伟 --period 2026-11-30``."""
    transport = open_transport(settings, env)
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        chosen = select_for_resend(ledger.mail(), to, kind, period)
        for row in chosen:
            ledger.requeue(row.key)
        return Resend(chosen, send_queued(ledger, transport, now))
