"""``send_weekly()``: the weekly reports of one ISO week, built, previewed or queued and sent.

What the CLI (``report weekly``) and the scheduler call. One run:

1. reads the register and runs every check as of the as-of date (default: today, Asia/Shanghai);
   the week is the most recent complete ISO week before it unless one is given;
2. finds the recipients in the 员工 sheet; a person without a valid address becomes a ``missing_email``
   finding for their manager;
3. records the open findings in the ledger (first-seen dates → "open N days");
4. renders each report (person / department / company) and, unless previewing or dry-running, queues the
   messages in the ledger — a (kind, week, address) already sent is not queued again — and delivers the
   whole queue over one connection (SMTP, or the outbox folder when none is configured).

The company report carries the week's spot-check sample (``reports.spot_checks``), and each department report
one of the team's visits, drawn with the install's secret (the department's with its name in the HMAC
message): ``spot-check.key`` in the state folder, created (0600) by the first run that sends. A preview or
dry run, which writes nothing, uses the key if it is there and otherwise draws no sample and says so.

A message that cannot be sent for now stays queued and goes out with the next run, whichever report that run
is for; one refused for good (5xx) is a dead letter (see ``huimao_sheets.mail``).
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Callable, Mapping

from huimao_sheets.clock import SHANGHAI
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.findings import Finding
from huimao_sheets.findings_sheet import findings_sheet_info
from huimao_sheets.checks.late_entry import visit_keys
from huimao_sheets.ledger import DEAD, SENDING, SENT, Ledger, MailRow, finding_fingerprint, private_dir, private_file
from huimao_sheets.mail import Delivery, Mail, dead_letters, enqueue, open_transport, send_queued
from huimao_sheets.model import Register
from huimao_sheets.reports.activity import Activity
from huimao_sheets.reports.context import (
    OpenFindings,
    company_context,
    department_context,
    person_context,
    week_info,
)
from huimao_sheets.reports.preview import write_preview as write_preview_pages
from huimao_sheets.reports.recipients import (
    COMPANY,
    DEPARTMENT,
    PERSON,
    Recipient,
    recipient_key,
    recipients,
    stand_ins,
    with_bounces,
)
from huimao_sheets.reports.render import Renderer
from huimao_sheets.reports.spot_checks import spot_check_section
from huimao_sheets.reports.strings import strings
from huimao_sheets.snapshot import Snapshot, take_snapshot
from huimao_sheets.sources import open_source, resolve_source
from huimao_sheets.timing import Week, week_before

# How a planned message stands before this run.
TO_SEND, ALREADY_SENT, UNCONFIRMED, REFUSED = "to_send", "already_sent", "unconfirmed", "dead"

SPOT_CHECK_KEY = "spot-check.key"   # the install's spot-check secret, in the state folder
_KEY_TEXT = re.compile(r"[0-9a-f]{64}")


@dataclass
class WeeklyRun:
    """What ``send_weekly`` did (or, for a dry run or a preview, would do)."""

    week: Week
    as_of: date
    mails: list[Mail]
    before: dict[tuple[str, str, str], str]          # key → TO_SEND / ALREADY_SENT / UNCONFIRMED
    missing: list[Finding]                           # people without a valid address (missing_email)
    delivery: Delivery | None = None                 # None for a dry run or a preview
    unconfirmed: list[MailRow] = field(default_factory=list)   # interrupted sends, from any run
    preview_index: Path | None = None

    def status(self, mail: Mail) -> str:
        return self.before[mail.key]

    @property
    def ok(self) -> bool:
        return self.delivery is None or self.delivery.ok


def spot_check_secret(state_dir: str | Path, *, create: bool, language: str = "zh") -> bytes | None:
    """The install's spot-check secret: 32 random bytes kept as hex in ``spot-check.key`` of the state folder.

    Made on first use when ``create`` (the folder 0700, the file 0600, written whole before it appears, so a
    second process either makes it or reads the first one's); without ``create`` (a preview, a dry run) a
    missing key is None. A key that is not 64 hexadecimal digits is a ConfigError naming the file (in
    ``language``).
    """
    path = Path(state_dir) / SPOT_CHECK_KEY
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not create:
            return None
        text = _new_secret(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取抽查密钥 {path}: {exc}",
                          en=f"Cannot read the spot-check key {path}: {exc}").in_language(language) from exc
    if not _KEY_TEXT.fullmatch(text):
        raise ConfigError(f"抽查密钥 {path} 的内容无效（应为 64 位十六进制数字）。删除该文件，下次发送周报时会"
                          f"重新生成（此后的抽查样本随之改变）。",
                          en=f"The spot-check key {path} is damaged (it should be 64 hexadecimal digits). Delete the "
                          f"file: the next weekly report that is sent makes a new one (and the samples change)."
                          ).in_language(language)
    if create:
        private_file(path)   # a key copied in with looser permissions is made 0600
    return bytes.fromhex(text)


def _new_secret(path: Path) -> str:
    """Write a new secret to ``path`` unless another process has just done so; the secret in force."""
    private_dir(path.parent)
    text = secrets.token_hex(32)
    fd, name = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".tmp", dir=path.parent)   # a new name, 0600
    draft = Path(name)
    try:
        if os.name == "posix":
            os.fchmod(fd, 0o600)   # whatever the umask
        os.write(fd, f"{text}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(draft, path)   # appears whole, and never replaces a key another process made
    except FileExistsError:
        text = path.read_text(encoding="ascii").strip()
    finally:
        draft.unlink()
    return text


def weekly_mails(register: Register, findings: list[Finding], week: Week, as_of: date, settings: Settings,
                 people: list[Recipient], first_seen: dict[str, date],
                 skip: Callable[[tuple[str, str, str]], bool] = lambda key: False,
                 spot_check_key: bytes | None = None) -> list[Mail]:
    """Render every report of the week for ``people``: plain data first, then the templates.

    A report for which ``skip(key)`` is true (already sent) gets its subject only, not its bodies.
    ``spot_check_key``: the install's secret (``spot_check_secret``); without it neither the company report
    nor a department report draws a spot-check sample.
    """
    t = strings(settings.language)
    renderer = Renderer(settings)
    activity = Activity(register, week, as_of, settings)
    open_findings = OpenFindings(findings, first_seen, as_of, stand_ins(register))
    base = {"t": t, "lang": settings.language, "findings_sheet": findings_sheet_info(settings, register.source), "week": week_info(week), "next_week": week_info(week.shifted(1)),
            "as_of": as_of.isoformat()}

    @cache
    def person(name: str) -> dict:
        return person_context(activity, name, open_findings, t)

    @cache
    def department(name: str) -> dict:
        return department_context(activity, name, open_findings, t, person, spot_check_key, settings.spot_check)

    @cache
    def company() -> dict:
        previous = Activity(register, week.shifted(-1), as_of, settings)
        return {**company_context(activity, previous, open_findings, t, person),
                "spot_check": spot_check_section(register.visits, week, spot_check_key, settings.spot_check)}

    mails = []
    for recipient in people:
        kind = recipient.kind
        about = {PERSON: recipient.name, DEPARTMENT: recipient.department}.get(kind, t["company"])
        context = {**base, "about": about, "recipient": {"name": recipient.name, "role": recipient.role}}
        mail = Mail(kind, week.label, recipient.name, recipient.address, "", "", "", about)
        if skip(mail.key):
            mail.subject = renderer.subject(kind, context)
        else:
            if kind in (PERSON, DEPARTMENT):
                context["person"] = person(recipient.name)
            if kind == DEPARTMENT:
                context["department"] = department(recipient.department)
            if kind == COMPANY:
                context["company"] = company()
            rendered = renderer.render(kind, context)
            mail.subject, mail.text, mail.html = rendered.subject, rendered.text, rendered.html
        mails.append(mail)
    return mails


def select_recipients(mails: list[Mail], to: str | None) -> list[Mail]:
    """``--to 张伟,lina@huimao.cn``: only the mail of these people (by name or address)."""
    if not to:
        return mails
    typed = {recipient_key(w): w.strip() for w in re.split(r"[,，;；]", to) if w.strip()}
    chosen = [m for m in mails if recipient_key(m.to_name) in typed or recipient_key(m.to_address) in typed]
    found = {recipient_key(m.to_name) for m in chosen} | {recipient_key(m.to_address) for m in chosen}
    unknown = [typed[key] for key in typed if key not in found]
    if unknown:
        names = "、".join(dict.fromkeys(m.to_name for m in mails)) or "（无）"
        raise ConfigError(f"--to 中的 {'、'.join(unknown)} 不是本周报告的收件人。收件人有: {names}",
                          en=f"{', '.join(unknown)} (in --to) receive no report this week. The recipients are: "
                             f"{', '.join(dict.fromkeys(m.to_name for m in mails)) or '(none)'}")
    return chosen


def write_preview(mails: list[Mail], folder: Path, settings: Settings, week: Week, as_of: date,
                  statuses: dict[tuple[str, str, str], str]) -> Path:
    """Each message as ``NNN-kind-name.html`` (and ``.txt``) plus an ``index.html`` that links them."""
    t = strings(settings.language)
    heading = f"{t['brand']} {t['week_title'].format(year=week.year, number=week.number, start=week.monday, end=week.sunday)}"
    return write_preview_pages(mails, folder, settings, heading, as_of, statuses)


def _before(ledger: Ledger, key: tuple[str, str, str]) -> str:
    status = ledger.mail_status(key)
    return {SENT: ALREADY_SENT, SENDING: UNCONFIRMED, DEAD: REFUSED}.get(status, TO_SEND)


def plan_weekly(snapshot: Snapshot, settings: Settings, ledger: Ledger, first_seen: Mapping[str, date], *,
                week: Week | None = None, people: list[Recipient] | None = None, to: str | None = None,
                preview: Path | None = None, dry_run: bool = False, resend: bool = False) -> WeeklyRun:
    """The weekly reports of ``week`` (default: the last complete week before the snapshot's date), built
    from one snapshot: rendered, previewed (``preview``) or listed (``dry_run``). Nothing is queued here:
    the caller queues ``run.mails`` that are ``TO_SEND`` and delivers the queue once.

    ``people``: the recipients (default: everyone ``recipients`` finds); ``resend`` puts the selected
    messages back in the queue even if they were sent (or left unconfirmed) before, and needs ``to``.
    The spot checks of the company and department reports use the install's key (``spot_check_secret``); a
    run that is neither a preview nor a dry run creates it in the state folder if it is missing.
    """
    as_of = snapshot.as_of
    week = week or week_before(as_of)
    if week.sunday >= as_of:
        raise ConfigError(f"{week.label}（{week.monday} 至 {week.sunday}）在 {as_of} 还没有结束，"
                          f"周报只针对已结束的周；请换一个 --week 或 --as-of",
                          en=f"{week.label} ({week.monday} to {week.sunday}) has not ended on {as_of}, and a weekly "
                             "report covers an ended week only: choose another --week or --as-of")
    if resend and not to:
        raise ConfigError("--resend 需要同时用 --to 指定收件人",
                          en="--resend needs --to as well: say whose report to send again")
    people = recipients(snapshot.register) if people is None else people
    findings = snapshot.findings
    key = spot_check_secret(settings.state_dir, create=preview is None and not dry_run, language=settings.language)

    def build(skip: Callable[[tuple[str, str, str]], bool]) -> list[Mail]:
        return select_recipients(weekly_mails(snapshot.register, findings, week, as_of, settings, people,
                                              dict(first_seen), skip=skip, spot_check_key=key), to)

    if resend:
        for mail in build(lambda key: True):
            ledger.requeue(mail.key)
    if preview is not None:
        skip = lambda key: False                              # noqa: E731 - a preview shows every message
    elif dry_run:
        skip = lambda key: True                               # noqa: E731 - a dry run lists subjects only
    else:
        skip = lambda key: _before(ledger, key) != TO_SEND    # noqa: E731 - what was sent is not rendered again
    mails = build(skip)
    missing = [f for f in findings if f.code == "missing_email"]
    run = WeeklyRun(week, as_of, mails, {m.key: _before(ledger, m.key) for m in mails}, missing)
    if preview is not None:
        run.preview_index = write_preview(mails, Path(preview), settings, week, as_of, run.before)
    return run


def send_weekly(settings: Settings, *, source: str | None = None, week: Week | None = None,
                as_of: date | None = None, to: str | None = None, preview: Path | None = None,
                dry_run: bool = False, resend: bool = False, snapshot: Snapshot | None = None,
                now: Callable[[], datetime], env: Mapping[str, str] = os.environ) -> WeeklyRun:
    """``report weekly``: read and check the register once (unless a ``snapshot`` is given), then build the
    weekly reports and preview them (``preview``), list them (``dry_run``) or queue and send them over one
    connection. ``now`` is the clock of the Date header and the ledger; ``env`` holds ``HUIMAO_SMTP_PASSWORD``.
    """
    as_of = as_of or now().date()
    readonly = dry_run or preview is not None
    if snapshot is None:
        with Ledger.in_state_dir(settings.state_dir, readonly=True) as ledger:
            seen, letters = ledger.visits_seen(), dead_letters(ledger)
        snapshot = take_snapshot(open_source(resolve_source(source, settings), settings.credentials), settings, as_of,
                                 visits_seen=seen)
        snapshot = with_bounces(snapshot, settings, letters)   # as the scheduler's runs: no mail to a bounced address
        if not readonly:
            with Ledger.in_state_dir(settings.state_dir) as ledger:
                ledger.record_visits(visit_keys(snapshot.register), snapshot.as_of)
    transport = None if readonly else open_transport(settings, env)  # a bad --smtp fails before anything is queued
    with Ledger.in_state_dir(settings.state_dir, readonly=readonly) as ledger:
        if readonly:
            first_seen = ledger.first_seen(finding_fingerprint(f) for f in snapshot.findings)
        else:
            first_seen = ledger.observe(snapshot.findings, snapshot.as_of, complete=snapshot.complete)
        run = plan_weekly(snapshot, settings, ledger, first_seen, week=week, to=to, preview=preview,
                          dry_run=dry_run, resend=resend)
        if not readonly:
            enqueue(ledger, [m for m in run.mails if run.status(m) == TO_SEND], settings, now())
            run.delivery = send_queued(ledger, transport, now)
        run.unconfirmed = ledger.unconfirmed()
    return run


def write_weekly_outbox(source: str, settings: Settings, as_of: date, outbox: str | Path = "outbox", *,
                        state_dir: str | Path | None = None, snapshot: Snapshot | None = None) -> WeeklyRun:
    """The weekly reports of the week before ``as_of`` as ``.eml`` files in ``outbox``, never over SMTP.

    The ledger of ``state_dir`` (default: the settings' state folder) still applies: a second call writes
    only what was not written before.
    """
    update = {"smtp": None, "outbox_dir": str(outbox)}
    if state_dir is not None:
        update["state_dir"] = str(state_dir)
    at = datetime.combine(as_of, time(8), SHANGHAI)   # the scheduled Monday morning, never the wall clock
    return send_weekly(settings.model_copy(update=update), source=source, as_of=as_of, snapshot=snapshot,
                       now=lambda: at)
