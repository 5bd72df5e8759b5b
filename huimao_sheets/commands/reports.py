"""``huimao-sheets report weekly``: the weekly reports, previewed, listed or sent (a thin layer over
``huimao_sheets.reports.weekly.send_weekly``). Exit 0 when everything went out (or was listed), 2 when a
message could not be sent (it stays queued for the next run) or on a set-up error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from huimao_sheets import clock
from huimao_sheets.cli import app, global_options, parse_as_of, settings_for

report_app = typer.Typer(no_args_is_help=True, help="周报 — the weekly reports: preview, list or send them.",
                         rich_markup_mode=None)
app.add_typer(report_app, name="report")

AsOfOpt = Annotated[Optional[str], typer.Option(
    "--as-of", help="the day the reports are made, e.g. 2026-11-30: they cover the week before it and the findings "
                    "as of it (default today, Asia/Shanghai)")]

TEXT = {
    "zh": {
        "head": "周报 {week}（{span}），数据截至 {as_of}，共 {n} 封",
        "status": {"to_send": "将发送", "already_sent": "已发送过", "unconfirmed": "状态不明"},
        "preview": "预览已写入 {path}（用浏览器打开）",
        "sent": "已发送 {n} 封 → {where}",
        "skipped": "跳过 {n} 封：本周已发送过",
        "refused": "未能发送，已留在队列中，下次运行时重发: {to}: {why}",
        "waiting": "{n} 封未能发送，已留在队列中，下次运行时发送: {error}",
        "unconfirmed": "发送时中断，无法确认是否送达（不会自动重发）: {to}（{kind} {period}）。"
                       "确认未收到后可运行: huimao-sheets report weekly --week {period} --to {address} --resend",
        "missing": "无有效邮箱，未生成周报: {person}（{sheet}第{row}行）→ 已作为问题交给 {owner}",
    },
    "en": {
        "head": "Weekly report {week} ({span}), data as of {as_of}: {n} messages",
        "status": {"to_send": "to send", "already_sent": "sent before", "unconfirmed": "unconfirmed"},
        "preview": "Preview written to {path} (open it in a browser)",
        "sent": "Sent {n} → {where}",
        "skipped": "Skipped {n}: already sent for this week",
        "refused": "Not sent, kept in the queue for the next run: {to}: {why}",
        "waiting": "{n} not sent, kept in the queue for the next run: {error}",
        "unconfirmed": "Interrupted while sending, delivery unknown (not resent automatically): {to} ({kind} {period}). "
                       "If it did not arrive: huimao-sheets report weekly --week {period} --to {address} --resend",
        "missing": "No valid email, no report: {person} ({sheet} row {row}) → a finding for {owner}",
    },
}


@report_app.command("weekly")
@global_options
def weekly(
    ctx: typer.Context,
    week: Annotated[Optional[str], typer.Option("--week", help="ISO week, e.g. 2026-W48 (default: the last complete week before --as-of)")] = None,
    as_of: AsOfOpt = None,
    to: Annotated[Optional[str], typer.Option("--to", help="only these recipients: names as written on 员工, or addresses; comma-separated")] = None,
    preview: Annotated[Optional[Path], typer.Option("--preview", help="write each message as HTML plus index.html into DIR; send nothing")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="list what would be sent; send nothing")] = False,
    resend: Annotated[bool, typer.Option("--resend", help="send the --to recipients' reports again even if sent before")] = False,
) -> None:
    """Build the weekly reports of the last complete ISO week and send them (or preview / list them)."""
    from huimao_sheets.reports.weekly import send_weekly
    from huimao_sheets.timing import parse_week

    settings = settings_for(ctx)
    run = send_weekly(settings, week=parse_week(week) if week else None, as_of=parse_as_of(as_of) if as_of else None,
                      to=to, preview=preview, dry_run=dry_run, resend=resend, now=clock.now)
    text = TEXT[settings.language]
    say = typer.echo  # plain lines, unwrapped: cell text is printed as it is, never as markup

    say(text["head"].format(week=run.week.label, span=run.week.span(), as_of=run.as_of, n=len(run.mails)))
    if dry_run or preview is not None:
        width = max(len(label) for label in text["status"].values())
        for mail in run.mails:
            status = text["status"][run.status(mail)]
            say(f"  {status:<{width}}  {mail.kind:<18} {mail.to_name} <{mail.to_address}>  {mail.subject}")
    if run.preview_index is not None:
        say(text["preview"].format(path=run.preview_index))
    for finding in run.missing:
        say(text["missing"].format(person=finding.staff[0] if finding.staff else "?", sheet=finding.sheet,
                                   row=finding.rows[0], owner=finding.owner or "—"))
    delivery = run.delivery
    if delivery is not None:
        skipped = sum(1 for m in run.mails if run.status(m) != "to_send")
        say(text["sent"].format(n=len(delivery.sent), where=delivery.where))
        if skipped:
            say(text["skipped"].format(n=skipped))
        for row, why in delivery.refused:
            say(text["refused"].format(to=row.recipient, why=why))
        if delivery.error:
            say(text["waiting"].format(n=len(delivery.waiting), error=delivery.error))
    for row in run.unconfirmed:
        say(text["unconfirmed"].format(to=row.recipient, address=row.recipient, kind=row.kind, period=row.period))
    raise typer.Exit(0 if run.ok else 2)
