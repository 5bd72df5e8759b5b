"""``run_job()``: one run of one job — the work behind the scheduler, ``schedule --once`` and ``run JOB``.

One run reads the register once and checks it as of its date, then does the job's outputs in order:

``findings_sheet``  replace the 数据检查 worksheet (Google or xlsx) with the findings and their first-seen dates;
``daily_digest``    queue each person's digest in the mail ledger (``reports.daily``);
``weekly_report``   queue the weekly reports of the week before the run's date (``reports.weekly.plan_weekly``);

and finally delivers the mail queue once, over one connection.

Mail goes to the people of the 员工 sheet whose role the job's ``recipients`` lists. An output that fails
with a problem the admin can fix (the workbook is open in Excel, the mail server is down) does not stop the
others: the morning's digest still goes out when the findings sheet cannot be written. The run is recorded
in the ledger's ``runs`` table under the job's name and period: ``running``, then ``ok``; ``partial``
(部分成功) when every output ran but some mail was not delivered — the summary counts it, names each dead
letter, and the scheduler tries the job again later that day (nothing already sent goes twice); ``failed``
when something raised or an output failed. A dry run reads and renders but writes, queues, sends and
records nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Mapping

from huimao_sheets.checks.late_entry import visit_keys
from huimao_sheets.config import Settings
from huimao_sheets.errors import HuimaoError, message_in
from huimao_sheets.findings import Finding
from huimao_sheets.findings_sheet import remove_temp_leftovers, replace_findings_sheet
from huimao_sheets.jobs import DAILY_DIGEST, FINDINGS_SHEET, WEEKLY_REPORT, Job
from huimao_sheets.ledger import FAILED, OK, PARTIAL, Ledger, finding_fingerprint
from huimao_sheets.mail import Delivery, Mail, dead_letters, enqueue, open_transport, recipient_name, send_queued
from huimao_sheets.reports.daily import KIND as DIGEST
from huimao_sheets.reports.daily import digest_mails
from huimao_sheets.reports.recipients import Recipient, recipients, with_bounces
from huimao_sheets.reports.weekly import TO_SEND, WeeklyRun, plan_weekly
from huimao_sheets.snapshot import Snapshot, take_snapshot
from huimao_sheets.sources import Source, open_source, resolve_source
from huimao_sheets.timing import TZ, period_of

TEXT = {
    "zh": {
        "findings": "数据检查表 {n} 条 → {where}",
        "findings_dry": "将写入数据检查表 {n} 条 → {where}",
        "digest": "日报 {sent} 封已发送 → {where}",
        "digest_dry": "日报 {n} 封待发送",
        "digest_none": "日报: 今天没有人有待办事项，不发送",
        "weekly": "周报 {week} {sent} 封已发送 → {where}",
        "weekly_dry": "周报 {week} {n} 封待发送",
        "before": "（{n} 封此前已发送）",
        "undelivered": "{n} 封未送达",
        "not_sent": "{n} 封未能发送，留在队列中: {error}",
        "refused": "{n} 封被暂时拒收，稍后重试: {error}",
        "unconfirmed": "{n} 封发送时连接中断（服务器未确认），下次重发",
        "deferred": "{n} 封等待重试",
        "dead": "退信（永久拒收，不再重试）: {name} <{address}> {kind} {period}: {error}",
        "no_recipients": "{output}: 员工表中没有角色为 {roles} 且有有效邮箱的人",
    },
    "en": {
        "findings": "findings sheet {n} rows → {where}",
        "findings_dry": "would write {n} rows to the findings sheet → {where}",
        "digest": "daily digest {sent} sent → {where}",
        "digest_dry": "daily digest: {n} to send",
        "digest_none": "daily digest: nobody has anything to do today, nothing sent",
        "weekly": "weekly report {week} {sent} sent → {where}",
        "weekly_dry": "weekly report {week}: {n} to send",
        "before": " ({n} sent before)",
        "undelivered": "{n} not delivered",
        "not_sent": "{n} not sent, kept in the queue: {error}",
        "refused": "{n} refused for now, to be retried: {error}",
        "unconfirmed": "{n} cut off while sending (not confirmed by the server), to be sent again",
        "deferred": "{n} waiting to be retried",
        "dead": "dead letter (refused for good, not retried): {name} <{address}> {kind} {period}: {error}",
        "no_recipients": "{output}: nobody in the staff sheet with role {roles} and a valid address",
    },
}


@dataclass
class JobRun:
    """What one run of a job did (or, for a dry run, would do)."""

    job: Job
    period: str
    as_of: date
    dry_run: bool
    source: str = ""
    findings: list[Finding] = field(default_factory=list)
    findings_written: int | None = None             # rows written to the findings sheet (or that would be)
    digest: list[Mail] = field(default_factory=list)
    digest_before: int = 0                           # digests of the day already sent by an earlier run
    weekly: WeeklyRun | None = None
    delivery: Delivery | None = None                 # the one pass over the mail queue (None: dry or no mail)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # outputs that failed: "findings_sheet: …"

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def undelivered(self) -> int:
        """Messages this run had to deliver that did not reach the server."""
        return self.delivery.undelivered if self.delivery else 0

    @property
    def status(self) -> str:
        """``failed`` when an output failed, ``partial`` when some mail was not delivered, else ``ok``."""
        if self.errors:
            return FAILED
        return PARTIAL if self.delivery is not None and not self.delivery.ok else OK

    def summary(self, language: str = "zh") -> str:
        """One line: what was written and sent, and what was not."""
        text = TEXT.get(language, TEXT["zh"])
        parts: list[str] = []
        delivery = self.delivery or Delivery()
        if self.findings_written is not None:
            parts.append(text["findings_dry" if self.dry_run else "findings"].format(n=self.findings_written,
                                                                                     where=self.source))
        failed = {e.split(":", 1)[0] for e in self.errors}
        if DAILY_DIGEST in self.job.outputs and DAILY_DIGEST not in failed:
            if not self.digest and not self.digest_before:
                parts.append(text["digest_none"])
            elif self.dry_run:
                parts.append(text["digest_dry"].format(n=len(self.digest)))
            else:
                line = text["digest"].format(sent=sum(1 for r in delivery.sent if r.kind == DIGEST),
                                             where=delivery.where)
                parts.append(line + (text["before"].format(n=self.digest_before) if self.digest_before else ""))
        if self.weekly is not None:
            week = self.weekly.week.label
            to_send = sum(1 for m in self.weekly.mails if self.weekly.status(m) == TO_SEND)
            if self.dry_run:
                parts.append(text["weekly_dry"].format(week=week, n=to_send))
            else:
                before = len(self.weekly.mails) - to_send
                parts.append(text["weekly"].format(week=week, where=delivery.where,
                                                   sent=sum(1 for r in delivery.sent if r.kind.startswith("weekly")))
                             + (text["before"].format(n=before) if before else ""))
        if self.undelivered:
            parts.insert(0, text["undelivered"].format(n=self.undelivered))
        if delivery.waiting:
            parts.append(text["not_sent"].format(n=len(delivery.waiting), error=delivery.error_in(language)))
        if delivery.refused:
            parts.append(text["refused"].format(n=len(delivery.refused), error=delivery.refused[0][1]))
        if delivery.unconfirmed:
            parts.append(text["unconfirmed"].format(n=len(delivery.unconfirmed)))
        if delivery.deferred:
            parts.append(text["deferred"].format(n=len(delivery.deferred)))
        for row, error in delivery.dead:
            parts.append(text["dead"].format(name=recipient_name(row), address=row.recipient, kind=row.kind,
                                             period=row.period, error=error))
        return "; ".join(parts + self.notes + self.errors)


@dataclass
class _Work:
    """What the outputs of one run share: one snapshot (read and checked once), one ledger, one now."""

    run: JobRun
    settings: Settings
    ledger: Ledger
    source: Source
    snapshot: Snapshot
    people: list[Recipient]       # everyone of the 员工 sheet with their own valid address
    chosen: list[Recipient]       # those of them the job's recipients name
    first_seen: dict[str, date]
    now: datetime


def _findings_sheet(w: _Work) -> None:
    if w.run.dry_run:
        w.run.findings_written = len(w.snapshot.findings)
        return
    w.run.findings_written = replace_findings_sheet(w.source, w.snapshot.result(), w.settings, w.first_seen,
                                                    w.snapshot.register)


def _daily_digest(w: _Work) -> None:
    mails = digest_mails(w.snapshot.register, w.snapshot.findings, w.run.as_of, w.settings, w.chosen, w.first_seen)
    done = {m.key for m in mails if w.ledger.mail_status(m.key) in ("sending", "sent", "dead")}
    w.run.digest = [m for m in mails if m.key not in done]
    w.run.digest_before = len(done)
    if not w.run.dry_run:
        enqueue(w.ledger, w.run.digest, w.settings, w.now)


def _weekly_report(w: _Work) -> None:
    if not w.chosen:
        return
    w.run.weekly = plan_weekly(w.snapshot, w.settings, w.ledger, w.first_seen, people=w.chosen,
                               dry_run=w.run.dry_run)
    if not w.run.dry_run:
        enqueue(w.ledger, [m for m in w.run.weekly.mails if w.run.weekly.status(m) == TO_SEND], w.settings, w.now)


OUTPUT_STEPS = {FINDINGS_SHEET: _findings_sheet, DAILY_DIGEST: _daily_digest, WEEKLY_REPORT: _weekly_report}


def run_job(job: Job, settings: Settings, *, now: datetime, as_of: date | None = None,
            period: str | None = None, dry_run: bool = False, env: Mapping[str, str] = os.environ) -> JobRun:
    """Run ``job`` once as of ``as_of`` (default: ``now``'s date in Asia/Shanghai).

    ``now`` stamps the ledger and the mails' Date header; ``period`` (default: the period ``now``/``as_of``
    falls in) is what the run is recorded under. The register is read and checked once; each output takes
    that snapshot and queues its mail; the queue is then delivered once, over one connection. Reading the
    register can raise (a missing workbook, a bad header): the run is then recorded as failed and the
    error raised.
    """
    now = now.astimezone(TZ)
    as_of = as_of or now.date()
    period = period or period_of(job.when, datetime.combine(as_of, now.timetz()))
    sends = DAILY_DIGEST in job.outputs or WEEKLY_REPORT in job.outputs
    transport = open_transport(settings, env) if sends and not dry_run else None  # a bad --smtp fails first
    run = JobRun(job, period, as_of, dry_run)
    with Ledger.in_state_dir(settings.state_dir, readonly=dry_run) as ledger:
        run_id = None if dry_run else ledger.start_run(job.name, period, now)
        try:
            work = _read_and_check(run, settings, ledger, now)
            for output in job.outputs:
                try:
                    OUTPUT_STEPS[output](work)
                except HuimaoError as exc:   # the other outputs still run; the run is recorded as failed
                    run.errors.append(f"{output}: {message_in(exc, settings.language)}")
            if transport is not None:
                run.delivery = send_queued(ledger, transport, lambda: now)
                if run.weekly is not None:
                    run.weekly.delivery = run.delivery
        except BaseException as exc:
            if run_id is not None:
                ledger.finish_run(run_id, FAILED, now, f"{type(exc).__name__}: {message_in(exc, settings.language)}"[:500])
            raise
        if run_id is not None:
            ledger.finish_run(run_id, run.status, now, run.summary(settings.language)[:1000])
    return run


def _read_and_check(run: JobRun, settings: Settings, ledger: Ledger, now: datetime) -> _Work:
    """Take the run's snapshot and record its findings' first-seen dates."""
    job = run.job
    source = open_source(resolve_source(None, settings), settings.credentials,
                         write=FINDINGS_SHEET in job.outputs and not run.dry_run)
    run.source = source.name
    if not run.dry_run:
        remove_temp_leftovers(source, now)
    snapshot = take_snapshot(source, settings, run.as_of, list(job.checks) if job.checks else None,
                             visits_seen=ledger.visits_seen())
    if not run.dry_run:
        ledger.record_visits(visit_keys(snapshot.register), run.as_of)
    # A person whose address bounced for good gets no more mail (so no run fails on it again) until the
    # address changes or a resend gets through; their stand-in receives it (reports.recipients.with_bounces).
    snapshot = with_bounces(snapshot, settings, dead_letters(ledger))
    run.findings = snapshot.findings
    if run.dry_run:
        first_seen = ledger.first_seen(finding_fingerprint(f) for f in snapshot.findings)
    else:
        first_seen = ledger.observe(snapshot.findings, run.as_of, complete=snapshot.complete)
    people = recipients(snapshot.register)
    chosen = [p for p in people if p.role in job.roles]
    if not chosen and (DAILY_DIGEST in job.outputs or WEEKLY_REPORT in job.outputs):
        run.notes.append(TEXT[settings.language]["no_recipients"].format(
            output=", ".join(o for o in job.outputs if o != FINDINGS_SHEET), roles="/".join(job.roles)))
    return _Work(run, settings, ledger, source, snapshot, people, chosen, first_seen, now)
