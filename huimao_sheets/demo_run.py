"""``huimao-sheets demo``: write the generated workbook (``demo``), check it, show the findings per person,
then the weekly reports into the outbox with a browsable preview, and every job of jobs/ once.

Mail goes to the outbox folder, never over SMTP, and throw-away ledgers are used, so every demo run shows
every message and the real state folder records nothing. Each throw-away ledger starts as yesterday's run
would have left it (``seed_yesterdays_ledger``), so that the demo shows ``late_entry`` too.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from huimao_sheets.app import check
from huimao_sheets.checks.late_entry import visit_key, visit_keys
from huimao_sheets.config import Settings
from huimao_sheets.demo import DemoSpec, write_demo_workbook
from huimao_sheets.findings_sheet import findings_title
from huimao_sheets.jobs import FINDINGS_SHEET, jobs_folder, load_jobs
from huimao_sheets.ledger import Ledger
from huimao_sheets.model import Register
from huimao_sheets.outputs.console import print_table
from huimao_sheets.reports.weekly import WeeklyRun, write_preview, write_weekly_outbox
from huimao_sheets.runner import JobRun, run_job
from huimao_sheets.timing import TZ


def run_demo(out_dir: Path, settings: Settings, console, as_of: date, seed: int) -> int:
    """Write the demo workbook, check it, show the findings per person, then the mail and the jobs."""
    path = write_demo_workbook(out_dir / "demo.xlsx", DemoSpec(as_of=as_of, seed=seed))
    console.print(f"示例工作簿: {path}  (生成的客户档案、拜访记录、员工、拜访计划)")
    with tempfile.TemporaryDirectory(prefix="huimao-demo-state-") as state:
        seed_yesterdays_ledger(check(str(path), as_of, settings)[0], as_of, state)
        register, result = check(str(path), as_of, settings.model_copy(update={"state_dir": state}), use_state=True)
    console.print(f"客户 {len(register.clients)} 家，拜访记录 {len(register.visits)} 条，"
                  f"员工 {len(register.staff)} 人，拜访计划 {len(register.plans)} 条；检查日期 {as_of}")
    print_table(result, console, settings.language, limit=5)
    demo_weekly_mail(path=path, out_dir=out_dir, settings=settings, console=console, as_of=as_of)
    demo_run_jobs(path=path, settings=settings, console=console, as_of=as_of)
    console.print(f"\n用自己的工作簿试试: huimao-sheets check --source {path} --as-of {as_of} --format json")
    return 0


def seed_yesterdays_ledger(register: Register, as_of: date, state_dir: str) -> None:
    """The demo's throw-away state folder as yesterday's run would have left it: every visit recorded but
    a few of last week's, which the demo's runs see for the first time today (``late_entry``)."""
    late = {visit_key(v) for v in register.visits
            if isinstance(v.visit_date, date) and 5 <= (as_of - v.visit_date).days <= 10 and v.row % 15 == 0}
    with Ledger.in_state_dir(state_dir) as ledger:
        ledger.record_visits([k for k in visit_keys(register) if k not in late], as_of - timedelta(days=1))


def demo_weekly_mail(*, path: Path, out_dir: Path, settings: Settings, console, as_of: date) -> WeeklyRun:
    """The demo's mail step: the demo week's reports into ``outbox/`` and a browsable preview in
    ``<out_dir>/preview/``. It uses a throw-away ledger, so every demo run writes every message and the
    real state folder never records demo mail."""
    with tempfile.TemporaryDirectory(prefix="huimao-demo-") as state:
        run = write_weekly_outbox(str(path), settings, as_of, settings.outbox_dir, state_dir=state)
    index = write_preview(run.mails, Path(out_dir) / "preview", settings, run.week, run.as_of, run.before)
    say = lambda line: console.print(line, markup=False, highlight=False)  # noqa: E731
    say(f"\n周报 {run.week.label}（{run.week.span()}）: {len(run.delivery.sent)} 封邮件已写入 "
        f"{Path(settings.outbox_dir).resolve()}/（.eml，可用 Outlook/Foxmail/Thunderbird 打开）")
    say(f"在浏览器中预览: {index.resolve()}")
    for finding in run.missing:
        say(f"  {finding.message}（已交给 {finding.owner}）")
    say("真正发信: huimao-sheets report weekly --source 工作簿.xlsx --smtp smtps://用户@邮件服务器:465"
        "（密码放在环境变量 HUIMAO_SMTP_PASSWORD 中）")
    return run


def demo_run_jobs(*, path: Path, settings: Settings, console, as_of: date) -> list[JobRun]:
    """The demo's jobs step: every job once on the demo workbook as of the demo date, at its time of day.

    Mail goes to the outbox folder, never over SMTP, and a throw-away ledger is used, so every demo run
    shows every message and the real state folder records nothing. The findings go into the workbook's
    数据检查 worksheet.
    """
    say = lambda line: console.print(line, markup=False, highlight=False)  # noqa: E731
    jobs = load_jobs(settings)
    outbox = Path(settings.outbox_dir).resolve()
    say(f"\n定时任务（{jobs_folder(settings)}）各运行一次，按 {as_of} 的上班前:")
    runs = []
    with tempfile.TemporaryDirectory(prefix="huimao-demo-jobs-") as state:
        local = settings.model_copy(update={"source": str(path), "smtp": None, "state_dir": state})
        seed_yesterdays_ledger(check(str(path), as_of, local)[0], as_of, state)
        for job in jobs:
            at = job.when.at or datetime.min.time()
            run = run_job(job, local, now=datetime.combine(as_of, at, TZ), as_of=as_of)
            runs.append(run)
            say(f"  {job.name}（{job.when.describe(settings.language)}）: {run.summary(settings.language)}")
    if any(FINDINGS_SHEET in r.job.outputs for r in runs):
        say(f"数据检查表: {Path(path).resolve()} 的“{findings_title(settings)}”工作表（用 Excel/WPS 打开）")
    if any(r.digest or r.weekly for r in runs):
        say(f"邮件: {outbox}/ 中的 .eml 文件（日报 *_daily-digest_*.eml，周报 *_weekly-*.eml）")
    say("让任务自己按时运行: huimao-sheets jobs 查看计划，huimao-sheets schedule 启动调度器（部署见 README）")
    return runs
