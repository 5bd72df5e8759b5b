"""Jobs and the scheduler on the command line — thin layers over ``huimao_sheets.jobs``, ``runner``,
``scheduler`` and ``scaffold``:

    huimao-sheets run JOB [--as-of DATE] [--now ISO] [--dry-run] [--force]   run one job of jobs/ by hand
    huimao-sheets jobs [--now ISO]                     each job, its schedule, its next run (Asia/Shanghai)
    huimao-sheets schedule [--once] [--now ISO] [--force]   the scheduler; --once runs what is due and exits
    huimao-sheets init [DIR]                           huimao.toml (commented), jobs/ and templates/ to customise

A ``--now`` (or ``run``'s ``--as-of``) later than the clock is refused without ``--force``: the run would really
write, send and be recorded, and the real run at that time would then be skipped. ``run --dry-run`` records
nothing and is always allowed. The comparison with ``clock.now()`` is made here, on the command line.

Exit codes: 0 when everything ran (or nothing was due), 2 when a job failed or was only partly done (部分成功:
mail not delivered, counted in the summary), on a set-up error, or when another scheduler already runs.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Optional

import typer

from huimao_sheets import clock
from huimao_sheets.cli import (
    AsOfOpt,
    _globals,
    app,
    global_options,
    parse_as_of,
    settings_for,
)
from huimao_sheets.errors import ConfigError
from huimao_sheets.timing import TZ

# Each command imports the library it runs inside its body, on purpose: see "Imports inside commands" in
# huimao_sheets/cli.py.

NowOpt = Annotated[Optional[str], typer.Option("--now", help="pretend it is this instant, e.g. 2026-11-30T14:00 (Asia/Shanghai)")]
ForceOpt = Annotated[bool, typer.Option("--force", help="allow a --now (or --as-of) later than the clock: the run really writes, sends and is recorded")]

TEXT = {
    "zh": {
        "run_head": "任务 {job}（{when}），周期 {period}，数据截至 {as_of}",
        "dry": "演练：不写入、不发送、不记录",
        "preview_head": "任务 {job} 的邮件预览（周期 {period}）",
        "preview": "预览已写入 {path}（用浏览器打开）",
        "mail": "  {kind:<18} {name} <{address}>  {subject}",
        "next": "  下次运行: {at}{how}",
        "now": "现在",
        "how": {"on_time": "（{slot} 的任务）", "catch_up": "（补跑 {slot} 的任务）", "retry": "（重试 {slot} 的任务）"},
        "never_next": "  下次运行: —（未来三周内没有）",
        "disabled": "  已停用（enabled = false）",
        "last": "  上次运行: {period} {status}（{at}）{summary}",
        "no_last": "  上次运行: 无",
        "outputs": "  输出: {outputs}；收件人角色: {roles}",
        "file": "  文件: {path}",
        "no_jobs": "没有任务: {folder} 中没有 .toml 文件",
        "once_none": "没有到期的任务",
        "status": {"ok": "成功", "partial": "部分成功", "failed": "失败", "missed": "错过", "running": "进行中或被中断"},
        "written": "已写入 {path}",
        "kept": "已存在，保留 {path}",
        "init_next": "下一步: 编辑 {config}（source、smtp、mail_from），然后运行 huimao-sheets doctor 和 huimao-sheets jobs",
        "weekdays": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
        "future_now": "--now {now} 晚于现在的时间：这样会真的写入、发送并记录这次运行，到了那个时间真正的运行反而会被跳过。",
        "future_as_of": "--as-of {day} 晚于今天：这样会真的写入、发送并记录这次运行，到了那天真正的运行反而会被跳过。",
        "future_run": "只想预览请加 --dry-run；确实要这样做，请加 --force。",
        "future_schedule": "想看那时会运行什么，请用 `huimao-sheets jobs --now {now}`；确实要这样做，请加 --force。",
    },
    "en": {
        "run_head": "Job {job} ({when}), period {period}, data as of {as_of}",
        "dry": "dry run: nothing written, sent or recorded",
        "preview_head": "Mail of job {job}, previewed (period {period})",
        "preview": "Preview written to {path} (open it in a browser)",
        "mail": "  {kind:<18} {name} <{address}>  {subject}",
        "next": "  next run: {at}{how}",
        "now": "now",
        "how": {"on_time": " (due {slot})", "catch_up": " (catch-up of {slot})", "retry": " (retry of {slot})"},
        "never_next": "  next run: — (none in the next three weeks)",
        "disabled": "  disabled (enabled = false)",
        "last": "  last run: {period} {status} ({at}) {summary}",
        "no_last": "  last run: none",
        "outputs": "  outputs: {outputs}; recipient roles: {roles}",
        "file": "  file: {path}",
        "no_jobs": "No jobs: no .toml file in {folder}",
        "once_none": "Nothing due",
        "status": {"ok": "ok", "partial": "partly done", "failed": "failed", "missed": "missed", "running": "running or cut off"},
        "written": "wrote {path}",
        "kept": "exists, kept {path}",
        "init_next": "Next: edit {config} (source, smtp, mail_from), then run huimao-sheets doctor and huimao-sheets jobs",
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        "future_now": "--now {now} is later than the clock: the run would really be written, sent and recorded, "
                      "and the real run at that time would then be skipped.",
        "future_as_of": "--as-of {day} is later than today: the run would really be written, sent and recorded, "
                        "and the real run on that day would then be skipped.",
        "future_run": " To preview it, add --dry-run; to do it anyway, add --force.",
        "future_schedule": " To see what would run then, use `huimao-sheets jobs --now {now}`; to do it anyway, add --force.",
    },
}


def parse_now(text: str | None) -> datetime | None:
    """``--now 2026-11-30T14:00`` (Asia/Shanghai unless an offset is given)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ConfigError(f"--now 的值“{text}”无效，请写成 2026-11-30T14:00（北京时间）",
                          en=f"--now “{text}” is not valid: write e.g. 2026-11-30T14:00 (Beijing time)") from exc
    if len(text.strip()) <= 10:
        raise ConfigError(f"--now 的值“{text}”缺少时刻，请写成 2026-11-30T14:00（北京时间）",
                          en=f"--now “{text}” lacks the time of day: write e.g. 2026-11-30T14:00 (Beijing time)")
    return moment.replace(tzinfo=TZ) if moment.tzinfo is None else moment.astimezone(TZ)


def refuse_the_future(language: str, command: str, *, now: datetime | None = None, as_of: date | None = None) -> None:
    """A ConfigError when ``now`` is later than the clock, or ``as_of`` later than today (``--force`` skips this)."""
    text = TEXT[language]
    shown = f"{now:%Y-%m-%dT%H:%M}" if now else ""
    if now is not None and now > clock.now():
        what = text["future_now"].format(now=shown)
    elif now is None and as_of is not None and as_of > clock.today():
        what = text["future_as_of"].format(day=as_of.isoformat())
    else:
        return
    raise ConfigError(what + text[f"future_{command}"].format(now=shown)).in_language(language)


@app.command("run")
@global_options
def run_command(
    ctx: typer.Context,
    job: Annotated[str, typer.Argument(help="the job's name, e.g. daily-check (see `huimao-sheets jobs`)")],
    as_of: AsOfOpt = None,
    now: NowOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="read, check and render, but write, send and record nothing")] = False,
    force: ForceOpt = False,
    preview: Annotated[Optional[Path], typer.Option("--preview", help="a dry run that also writes each message (daily digest, weekly reports) as HTML plus index.html into DIR")] = None,
) -> None:
    """Run one job of jobs/ by hand, whatever its schedule.

    The run is recorded at its own time: ``--now``; else, with ``--as-of``, that day at the job's time of day;
    else the clock. So replaying the schedule at an earlier ``--now`` sees the run where it belongs.
    """
    from huimao_sheets.jobs import find_job
    from huimao_sheets.runner import run_job
    settings = settings_for(ctx)
    found = find_job(settings, job)
    day = parse_as_of(as_of) if as_of else None
    moment = parse_now(now)
    dry_run = dry_run or preview is not None
    if not (force or dry_run):
        refuse_the_future(settings.language, "run", now=moment, as_of=day)
    if moment is None:
        moment = (datetime.combine(day, found.when.at or time(0), TZ) if day else clock.now())
    run = run_job(found, settings, now=moment, as_of=day, dry_run=dry_run)
    text = TEXT[settings.language]
    say = typer.echo   # plain lines: cell text is printed as it is, never as markup
    say(text["run_head"].format(job=found.name, when=found.when.describe(settings.language), period=run.period,
                                as_of=run.as_of))
    if dry_run:
        say(text["dry"])
        mails = run.digest + (run.weekly.mails if run.weekly else [])
        for mail in mails:
            say(text["mail"].format(kind=mail.kind, name=mail.to_name, address=mail.to_address, subject=mail.subject))
        if preview is not None:
            from huimao_sheets.reports.preview import write_preview

            heading = text["preview_head"].format(job=found.name, period=run.period)
            say(text["preview"].format(path=write_preview(mails, preview, settings, heading, run.as_of)))
    summary = run.summary(settings.language)
    say(summary if run.ok else f"{text['status'][run.status]}: {summary}")   # 部分成功: 2 封未送达; …
    raise typer.Exit(0 if run.ok else 2)


@app.command("jobs")
@global_options
def jobs_command(
    ctx: typer.Context,
    now: NowOpt = None,
) -> None:
    """List the jobs: schedule, next run (Asia/Shanghai), last run, outputs."""
    from huimao_sheets.jobs import jobs_folder, load_jobs
    from huimao_sheets.scheduler import job_statuses

    settings = settings_for(ctx)
    text = TEXT[settings.language]
    jobs = load_jobs(settings, include_disabled=True)
    if not jobs:
        typer.echo(text["no_jobs"].format(folder=jobs_folder(settings)))
    moment = parse_now(now) or clock.now()
    for status in job_statuses(settings, jobs, moment):
        job = status.job
        typer.echo(f"{job.name}  {job.when.describe(settings.language)}" + (f"  — {job.description}" if job.description else ""))
        if not job.enabled:
            typer.echo(text["disabled"])
        elif status.next is None:
            typer.echo(text["never_next"])
        else:
            typer.echo(_next_line(status.next, moment, text))
        last = status.last
        if last is None:
            typer.echo(text["no_last"])
        else:
            typer.echo(text["last"].format(period=last.period, status=text["status"].get(last.status, last.status),
                                           at=last.started_at[:16].replace("T", " "), summary=last.summary or ""))
        typer.echo(text["outputs"].format(outputs=", ".join(job.outputs), roles="、".join(job.roles)))
        typer.echo(text["file"].format(path=job.path))


def _next_line(next_run, now: datetime, text: dict) -> str:
    """``下次运行: 现在（补跑 2026-11-30 08:00 的任务）`` or ``下次运行: 2026-12-02 08:00 周三``."""
    at = next_run.at
    shown = text["now"] if at == now else f"{at:%Y-%m-%d %H:%M} {text['weekdays'][at.weekday()]}"
    slot = f"{next_run.slot.at:%Y-%m-%d %H:%M}"
    how = "" if at != now and next_run.why == "on_time" else text["how"][next_run.why].format(slot=slot)
    return text["next"].format(at=shown, how=how)


@app.command("schedule")
@global_options
def schedule_command(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="run what is due now (and was missed today), then exit: for cron")] = False,
    now: NowOpt = None,
    force: ForceOpt = False,
) -> None:
    """The scheduler: runs each job of jobs/ when it is due; one instance per state folder."""
    from huimao_sheets.jobs import jobs_folder, load_jobs
    from huimao_sheets.scheduler import FAILED, PARTIAL, run_forever, run_once, scheduler_log

    settings = settings_for(ctx)
    if now and not once:
        raise ConfigError("--now 只能与 --once 一起使用（长期运行的调度器总是按真实时间）",
                          en="--now goes with --once only (the long-running scheduler always follows the real time)")
    jobs = load_jobs(settings)
    if not jobs:
        raise ConfigError(TEXT[settings.language]["no_jobs"].format(folder=jobs_folder(settings)))
    moment = parse_now(now)
    if moment is not None and not force:
        refuse_the_future(settings.language, "schedule", now=moment)
    with scheduler_log(settings):
        if not once:
            run_forever(settings, jobs, clock=clock.now)
            raise typer.Exit(0)
        outcomes = run_once(settings, jobs, moment or clock.now())
    if not outcomes:
        typer.echo(TEXT[settings.language]["once_none"], err=True)
    raise typer.Exit(2 if any(o.status in (FAILED, PARTIAL) for o in outcomes) else 0)


@app.command("init")
@global_options
def init_command(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="where to write huimao.toml, jobs/ and templates/ (default: here)")] = Path("."),
) -> None:
    """Write a commented huimao.toml plus copies of jobs/ and templates/ to customise; existing files are kept."""
    from huimao_sheets.scaffold import WRITTEN, init_folder

    language = _globals(ctx).lang or "zh"
    text = TEXT.get(language, TEXT["zh"])
    done = init_folder(folder)
    for item in done:
        typer.echo(text["written" if item.status == WRITTEN else "kept"].format(path=item.path))
    typer.echo(text["init_next"].format(config=folder / "huimao.toml"))
