"""When jobs run (DESIGN §6): the ``when`` of a job file as pure functions of a passed-in ``now``, and the
long-running loop that asks them once a minute. The scheduler only decides *when*; ``runner.run_job`` does
the work.

Forms of ``when`` (times in Asia/Shanghai)::

    workdays 08:00          every working day on China's official calendar (make-up working weekends
                            included; company days off from ``checks.company_days_off`` excluded)
    daily 07:30             every day
    monday 08:00            once a week on Monday — or, when Monday is a day off, on the week's first
                            working day after it (a week with none has no run). Any weekday works.
    every 2 hours           at 00:00, 02:00, … every day; also ``every 30 minutes`` (at least 5)
    workdays every 2 hours  the same, on working days only

Chinese day words work too: ``工作日 08:00``, ``每天 07:30``, ``周一 08:00``, ``星期一 08:00``.

Each scheduled instant is a *slot* with a *period*: ``2026-11-30`` (daily), ``2026-W49`` (weekly: the ISO
week the run falls in; a weekly report run then covers the week before), ``2026-11-30T10:00`` (intervals).
The ledger's ``runs`` table remembers which periods ran. So that a weekly run's week is not mistaken for
its report's, the log calls it the run week: ``weekly-report 运行周 2026-W49 成功 …: 周报 2026-W48 7 封已发送``. ``decide()`` looks at the latest slot at or before
``now``:

- its period ran, or was recorded as missed: nothing to do;
- ``now`` is within 15 minutes of the slot: run it (on time);
- later on the slot's own day, until ``catch_up_until`` (17:30 unless configured): run it, once (catch-up:
  the scheduler was down or the machine asleep);
- later than that: record it as missed and log it; it is not replayed. Older slots since the job's last
  recorded run that have no record of their own (the scheduler was down for days) are recorded and logged
  the same way; a job that never ran has no such backlog;
- a slot on a day before the ledger's first recorded run (of any job) is not a miss: nothing was running
  yet. A fresh state folder therefore records and logs nothing older than today, and still catches up
  today's slot until ``catch_up_until``;
- an attempt that failed (or was cut off) is tried again 30 minutes later, within the same limits; mail
  already sent is never sent again (the mail ledger), so a retry only does what was left.

An interval slot is not bound by ``catch_up_until``: the next slot supersedes it anyway.
"""

from __future__ import annotations

from huimao_sheets.clock import SHANGHAI

import fcntl
import logging
import math
import os
import re
import signal
import sys
import threading
import time as _time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

from huimao_sheets.errors import HuimaoError
from huimao_sheets.workdays import WorkCalendar

if TYPE_CHECKING:
    from huimao_sheets.config import Settings
    from huimao_sheets.jobs import Job
    from huimao_sheets.ledger import Ledger, Run

TZ = SHANGHAI
ON_TIME = timedelta(minutes=15)      # a run this late is still on time
RETRY_AFTER = timedelta(minutes=30)  # a failed attempt is tried again after this long
MAX_BACKLOG = 31                     # older missed slots recorded at most, per job and decision
SEARCH_DAYS = 21                     # a weekly slot may be two weeks away (a week of holidays)
MIN_INTERVAL = timedelta(minutes=5)

WORKDAYS, DAILY, WEEKLY, INTERVAL = "workdays", "daily", "weekly", "interval"
OK, FAILED, MISSED = "ok", "failed", "missed"   # statuses of the ledger's runs (plus "running")
RUN, SKIP = "run", "skip"                       # decisions

LOG = logging.getLogger("huimao_sheets.scheduler")

_DAY_WORDS = {"workdays": WORKDAYS, "workday": WORKDAYS, "工作日": WORKDAYS, "daily": DAILY, "每天": DAILY,
              "每日": DAILY}
_WEEKDAYS: dict[str, int] = {}
for _i, (_en, _zh) in enumerate(zip(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
                                    "一二三四五六日")):
    _WEEKDAYS.update({_en: _i, _en[:3]: _i, f"周{_zh}": _i, f"星期{_zh}": _i})
_WEEKDAYS.update({"周天": 6, "星期天": 6})
_WEEKDAY_NAMES = {"zh": "一二三四五六日", "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                              "Saturday", "Sunday")}

WHEN_FORMS = '"workdays 08:00"、"monday 08:00"、"daily 07:30"、"every 2 hours"、"every 30 minutes"、"workdays every 2 hours"'


def parse_time_of_day(text: str) -> time:
    """``08:00`` or ``8:00`` → 08:00; anything else is a ValueError that says what is valid."""
    m = re.fullmatch(r"\s*(\d{1,2})[:：](\d{2})\s*", str(text))
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    raise ValueError(f"“{text}”不是时刻，请写成 HH:MM，例如 08:00 或 17:30")


@dataclass(frozen=True)
class When:
    """A parsed ``when``: see the module docstring for the forms."""

    text: str
    kind: str                          # workdays / daily / weekly / interval
    at: time | None = None             # the time of day (not for intervals)
    weekday: int | None = None         # 0 = Monday (weekly)
    every: timedelta | None = None     # the interval
    workdays_only: bool = False        # an interval on working days only

    def describe(self, language: str = "zh") -> str:
        at = self.at.strftime("%H:%M") if self.at else ""
        zh = language == "zh"
        if self.kind == WORKDAYS:
            return f"工作日 {at}" if zh else f"working days {at}"
        if self.kind == DAILY:
            return f"每天 {at}" if zh else f"every day {at}"
        if self.kind == WEEKLY:
            day = _WEEKDAY_NAMES[language][self.weekday]
            return (f"每周{day} {at}（逢休息日顺延至本周下一个工作日）" if zh
                    else f"{day}s {at} (on a day off, the week's next working day)")
        minutes = int(self.every.total_seconds() // 60)
        span = (f"{minutes // 60} 小时" if zh else f"{minutes // 60} hours") if minutes % 60 == 0 else \
            (f"{minutes} 分钟" if zh else f"{minutes} minutes")
        if zh:
            return f"{'工作日' if self.workdays_only else ''}每 {span}"
        return f"every {span}{' on working days' if self.workdays_only else ''}"


def parse_when(text: str) -> When:
    """Read a job's ``when``; a ValueError names the valid forms."""
    s = " ".join(str(text).strip().lower().split())
    m = re.fullmatch(r"(?:(workdays?|工作日)\s*)?every\s+(\d+)\s*(minutes?|mins?|m|hours?|hrs?|h)", s)
    if m:
        n = int(m.group(2))
        every = timedelta(hours=n) if m.group(3).startswith("h") else timedelta(minutes=n)
        if not MIN_INTERVAL <= every <= timedelta(days=1):
            raise ValueError(f"间隔“{text}”应在 5 分钟到 24 小时之间")
        return When(str(text), INTERVAL, every=every, workdays_only=bool(m.group(1)))
    m = re.fullmatch(r"(\S+?)\s*(\d{1,2}[:：]\d{2})", s)
    if m:
        word, at = m.group(1), parse_time_of_day(m.group(2))
        if word in _DAY_WORDS:
            return When(str(text), _DAY_WORDS[word], at=at)
        if word in _WEEKDAYS:
            return When(str(text), WEEKLY, at=at, weekday=_WEEKDAYS[word])
    raise ValueError(f"无法识别“{text}”。可写成 {WHEN_FORMS}（时间为北京时间）")


def work_calendar(settings: "Settings") -> WorkCalendar:
    """China's official calendar plus the company's own days off (``checks.company_days_off``)."""
    return WorkCalendar(settings.checks.company_days_off)


# --- slots ------------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Slot:
    at: datetime        # aware, Asia/Shanghai
    period: str         # what the ledger's runs are keyed by


def week_label(day: date) -> str:
    """``2026-W49``: the ISO week, spelt as the weekly reports spell theirs."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def weekly_day(when: When, day: date, calendar: WorkCalendar) -> date | None:
    """The day of ``day``'s ISO week on which a weekly job runs: its weekday, or the first working day
    after it in the same week; None when the rest of the week is off."""
    monday = day - timedelta(days=day.weekday())
    for offset in range(when.weekday, 7):
        candidate = monday + timedelta(days=offset)
        if calendar.is_working_day(candidate):
            return candidate
    return None


def slots_on(when: When, day: date, calendar: WorkCalendar) -> list[Slot]:
    """The job's slots on one calendar day, in order."""
    if when.kind == INTERVAL:
        if when.workdays_only and not calendar.is_working_day(day):
            return []
        start = datetime.combine(day, time(0), TZ)
        count = math.ceil(timedelta(days=1) / when.every)
        return [Slot(at, f"{day.isoformat()}T{at:%H:%M}") for at in (start + i * when.every for i in range(count))]
    runs = (when.kind == DAILY
            or (when.kind == WORKDAYS and calendar.is_working_day(day))
            or (when.kind == WEEKLY and weekly_day(when, day, calendar) == day))
    if not runs:
        return []
    period = week_label(day) if when.kind == WEEKLY else day.isoformat()
    return [Slot(datetime.combine(day, when.at, TZ), period)]


def latest_slot(when: When, now: datetime, calendar: WorkCalendar) -> Slot | None:
    """The last slot at or before ``now``."""
    now = now.astimezone(TZ)
    for back in range(SEARCH_DAYS + 1):
        slots = [s for s in slots_on(when, now.date() - timedelta(days=back), calendar) if s.at <= now]
        if slots:
            return slots[-1]
    return None


def next_slot(when: When, now: datetime, calendar: WorkCalendar) -> Slot | None:
    """The first slot after ``now``."""
    now = now.astimezone(TZ)
    for ahead in range(SEARCH_DAYS + 1):
        slots = [s for s in slots_on(when, now.date() + timedelta(days=ahead), calendar) if s.at > now]
        if slots:
            return slots[0]
    return None


def slots_before(when: When, slot: Slot, calendar: WorkCalendar) -> Iterator[Slot]:
    """Earlier slots, newest first, going back at most a year."""
    day = slot.at.date()
    for back in range(0, 366):
        for s in reversed(slots_on(when, day - timedelta(days=back), calendar)):
            if s.at < slot.at:
                yield s


def period_of(when: When, moment: datetime) -> str:
    """The period a run at ``moment`` is for (a run by hand: ``run JOB --as-of DATE``)."""
    moment = moment.astimezone(TZ)
    if when.kind == WEEKLY:
        return week_label(moment.date())
    if when.kind == INTERVAL:
        midnight = datetime.combine(moment.date(), time(0), TZ)
        start = midnight + ((moment - midnight) // when.every) * when.every
        return f"{moment.date().isoformat()}T{start:%H:%M}"
    return moment.date().isoformat()


# --- deciding -------------------------------------------------------------------------------------

ON_TIME_RUN, CATCH_UP, RETRY = "on_time", "catch_up", "retry"
DONE, RETRY_LATER, TOO_LATE, GAVE_UP, NO_SLOT = "done", "retry_later", "too_late", "gave_up", "no_slot"
BEFORE_FIRST_RUN = "before_first_run"


@dataclass(frozen=True)
class Decision:
    action: str                          # RUN, MISSED (record and log, do not run) or SKIP
    slot: Slot | None
    why: str                             # on_time / catch_up / retry / done / retry_later / too_late / …
    older_missed: tuple[Slot, ...] = ()  # earlier slots that never ran: record and log as missed


def decide(when: When, now: datetime, calendar: WorkCalendar, last_run: Callable[[str | None], "Run | None"],
           catch_up_until: time, first_day: date | None = None) -> Decision:
    """What to do about a job at ``now``. ``last_run(period)`` is the ledger's latest run of this job for
    that period (``last_run(None)``: for any period); ``first_day`` is the day of the ledger's first run of
    any job (None: nothing recorded yet, so today). Pure: the clock and the ledger are passed in."""
    now = now.astimezone(TZ)
    slot = latest_slot(when, now, calendar)
    if slot is None:
        return Decision(SKIP, None, NO_SLOT)
    previous = last_run(slot.period)
    if previous is None and slot.at.date() < (first_day or now.date()):
        return Decision(SKIP, slot, BEFORE_FIRST_RUN)   # nothing was running then: not a miss
    older: list[Slot] = []
    newest = last_run(None)
    if previous is None and newest is not None:   # a job that never ran has no backlog: just installed
        since = datetime.fromisoformat(newest.started_at).astimezone(TZ)
        for earlier in slots_before(when, slot, calendar):
            if len(older) >= MAX_BACKLOG or earlier.at <= since or last_run(earlier.period) is not None:
                break
            older.append(earlier)
    older_missed = tuple(older)
    if previous is not None and previous.status in (OK, MISSED):
        return Decision(SKIP, slot, DONE, older_missed)
    late = now - slot.at
    in_time = (late <= ON_TIME or when.kind == INTERVAL
               or (now.date() == slot.at.date() and now.time().replace(tzinfo=None) <= catch_up_until))
    if previous is not None:   # failed, or cut off while running
        if not in_time:
            return Decision(SKIP, slot, GAVE_UP, older_missed)
        if now - datetime.fromisoformat(previous.started_at).astimezone(TZ) < RETRY_AFTER:
            return Decision(SKIP, slot, RETRY_LATER, older_missed)
        return Decision(RUN, slot, RETRY, older_missed)
    if not in_time:
        return Decision(MISSED, slot, TOO_LATE, older_missed)
    return Decision(RUN, slot, ON_TIME_RUN if late <= ON_TIME else CATCH_UP, older_missed)


@dataclass(frozen=True)
class JobStatus:
    """A job as ``huimao-sheets jobs`` shows it: when it runs next and how its last run went."""

    job: "Job"
    next: Slot | None
    last: "Run | None"


def job_statuses(settings: "Settings", jobs: list["Job"], now: datetime) -> list[JobStatus]:
    """Each job's next slot after ``now`` and its last recorded run (the ledger is only read)."""
    from huimao_sheets.ledger import Ledger

    calendar = work_calendar(settings)
    with Ledger.in_state_dir(settings.state_dir, readonly=True) as ledger:
        return [JobStatus(job, next_slot(job.when, now, calendar) if job.enabled else None,
                          ledger.last_run(job.name)) for job in jobs]


# --- the log ----------------------------------------------------------------------------------------

TEXT = {
    "zh": {
        "status": {OK: "成功", FAILED: "失败"},
        "run": "{job} {period} {status} {seconds:.1f}s{how}: {summary}",
        "run_week": "运行周 {period}",
        "catch_up": "（补跑 {at} 的任务）",
        "retry": "（重试 {at} 的任务）",
        "missed": "{job} {period} 错过: 应于 {at} 运行，{why}，不再补跑",
        "too_late": "已过当天的补跑时限 {until}",
        "other_day": "补跑只限当天 {until} 之前",
        "older": "调度器当时未运行",
        "not_started": "{job} {period} 未开始: 收到停止信号",
        "started": "调度器已启动（进程 {pid}），{n} 个任务: {jobs}",
        "stopping": "收到 {signal}，完成当前任务后退出",
        "stopped": "调度器已退出",
    },
    "en": {
        "status": {OK: "ok", FAILED: "failed"},
        "run": "{job} {period} {status} {seconds:.1f}s{how}: {summary}",
        "run_week": "run week {period}",
        "catch_up": " (catch-up of {at})",
        "retry": " (retry of {at})",
        "missed": "{job} {period} missed: due {at}, {why}; not replayed",
        "too_late": "past the day's catch-up limit {until}",
        "other_day": "catch-up is only the same day until {until}",
        "older": "the scheduler was not running",
        "not_started": "{job} {period} not started: stop requested",
        "started": "scheduler started (pid {pid}), {n} jobs: {jobs}",
        "stopping": "{signal} received: finishing the current job, then exiting",
        "stopped": "scheduler stopped",
    },
}


class _ShanghaiFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return datetime.fromtimestamp(record.created, TZ).strftime("%Y-%m-%d %H:%M:%S")


@contextmanager
def scheduler_log(settings: "Settings", stream=None) -> Iterator[logging.Logger]:
    """While inside, log lines go to stderr and, when ``scheduler.log_file`` is set, to that file too."""
    handlers: list[logging.Handler] = [logging.StreamHandler(stream or sys.stderr)]
    if settings.scheduler.log_file:
        path = Path(settings.scheduler.log_file)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handlers.append(logging.FileHandler(path, encoding="utf-8"))
        except OSError as exc:
            raise HuimaoError(f"无法写入日志文件 {path}（配置项 scheduler.log_file）: {exc}") from exc
    for handler in handlers:
        handler.setFormatter(_ShanghaiFormatter("%(asctime)s %(message)s"))
        LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    try:
        yield LOG
    finally:
        for handler in handlers:
            LOG.removeHandler(handler)
            handler.close()


# --- running what is due ------------------------------------------------------------------------------

@dataclass
class Outcome:
    """One line of the log: a job run (ok/failed), a missed slot, or a run not started."""

    job: str
    period: str
    status: str                  # ok / failed / missed / not_started
    summary: str = ""
    seconds: float = 0.0


def _at(slot: Slot) -> str:
    return slot.at.strftime("%Y-%m-%d %H:%M")


def _period(job: "Job", period: str, text: dict) -> str:
    """The period as the log shows it: a weekly job's is the week it runs in, not the week it reports on."""
    return text["run_week"].format(period=period) if job.when.kind == WEEKLY else period


def catch_up_limit(job: "Job", settings: "Settings") -> time:
    return job.catch_up_until or parse_time_of_day(settings.scheduler.catch_up_until)


def _record_missed(ledger: "Ledger", job: "Job", slot: Slot, why: str, now: datetime, text: dict) -> Outcome:
    line = text["missed"].format(job=job.name, period=_period(job, slot.period, text), at=_at(slot), why=why)
    run_id = ledger.start_run(job.name, slot.period, now)
    ledger.finish_run(run_id, MISSED, now, line)
    LOG.info(line)
    return Outcome(job.name, slot.period, MISSED, line)


def run_due(settings: "Settings", jobs: list["Job"], now: datetime, *, stop: "Stop | None" = None,
            env: Mapping[str, str] = os.environ) -> list[Outcome]:
    """Run every job that is due at ``now`` and has not run for its period; record and log misses.

    The same pass serves the loop (once a minute) and ``schedule --once``. When ``stop`` is set (SIGTERM),
    the job in progress finishes and no other starts.
    """
    from huimao_sheets.ledger import Ledger

    now = now.astimezone(TZ)
    text = TEXT[settings.language]
    calendar = work_calendar(settings)
    outcomes: list[Outcome] = []
    to_run: list[tuple["Job", Decision]] = []
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        first = ledger.first_run()
        first_day = datetime.fromisoformat(first.started_at).astimezone(TZ).date() if first else None
        for job in jobs:
            limit = catch_up_limit(job, settings)
            decision = decide(job.when, now, calendar, lambda period, name=job.name: ledger.last_run(name, period),
                              limit, first_day)
            for slot in reversed(decision.older_missed):
                outcomes.append(_record_missed(ledger, job, slot, text["older"], now, text))
            if decision.action == MISSED:
                why = "too_late" if decision.slot.at.date() == now.date() else "other_day"
                outcomes.append(_record_missed(ledger, job, decision.slot,
                                               text[why].format(until=limit.strftime("%H:%M")), now, text))
            elif decision.action == RUN:
                to_run.append((job, decision))
    for job, decision in to_run:
        if stop is not None and stop.is_set():
            LOG.info(text["not_started"].format(job=job.name, period=_period(job, decision.slot.period, text)))
            outcomes.append(Outcome(job.name, decision.slot.period, "not_started"))
            continue
        outcomes.append(_run_slot(job, decision, settings, now, env, text))
    return outcomes


def _run_slot(job: "Job", decision: Decision, settings: "Settings", now: datetime, env: Mapping[str, str],
              text: dict) -> Outcome:
    """Run one job for its slot; a failure is logged, never raised (the loop carries on)."""
    from huimao_sheets.runner import run_job

    slot = decision.slot
    how = "" if decision.why == ON_TIME_RUN else text[decision.why].format(at=_at(slot))
    started = _time.monotonic()
    try:
        run = run_job(job, settings, now=now, as_of=slot.at.date(), period=slot.period, env=env)
        status, summary = (OK if run.ok else FAILED), run.summary(settings.language)
    except HuimaoError as exc:
        status, summary = FAILED, str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure of one job is logged and the loop carries on
        status, summary = FAILED, f"{type(exc).__name__}: {exc}"
        LOG.error("%s %s", job.name, slot.period, exc_info=True)
    seconds = _time.monotonic() - started
    LOG.info(text["run"].format(job=job.name, period=_period(job, slot.period, text), status=text["status"][status],
                                seconds=seconds, how=how, summary=summary))
    return Outcome(job.name, slot.period, status, summary, seconds)


# --- one instance at a time -----------------------------------------------------------------------------

LOCK_FILE = "scheduler.lock"


class AlreadyRunning(HuimaoError):
    """Another scheduler holds the lock of this state folder."""


class SchedulerLock:
    """An exclusive ``flock`` on ``<state>/scheduler.lock`` for as long as the scheduler runs.

    The kernel releases it when the process ends, however it ends: a stale file never blocks a restart.
    """

    def __init__(self, state_dir: str | Path):
        self.path = Path(state_dir) / LOCK_FILE
        self.file = None

    def __enter__(self) -> "SchedulerLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+", encoding="utf-8")
        except OSError as exc:
            raise HuimaoError(f"无法创建锁文件 {self.path}: {exc}。请检查 --state 目录是否可写。") from exc
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            pid = handle.read().strip() or "?"
            handle.close()
            raise AlreadyRunning(
                f"另一个调度器正在运行（进程 {pid}，锁文件 {self.path}），同一状态目录同时只能运行一个。"
                f"请先停止它（systemctl stop huimao-sheets），或用 huimao-sheets run JOB 手动运行某个任务。") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self.file = handle
        return self

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()
            self.file = None


class Stop:
    """Set by SIGTERM or SIGINT (see ``stop_on_signals``): the job in progress finishes, no other starts."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signal: str | None = None

    def set(self, signal_name: str | None = None) -> None:
        self.signal = self.signal or signal_name
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)


@contextmanager
def stop_on_signals(stop: Stop) -> Iterator[Stop]:
    """While inside, SIGTERM and SIGINT only set ``stop`` (nothing is logged from the handler itself)."""
    def handler(signum, _frame):
        stop.set(signal.Signals(signum).name)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _log_stop(stop: Stop, text: dict) -> None:
    if stop.is_set():
        LOG.info(text["stopping"].format(signal=stop.signal or "stop"))


def run_once(settings: "Settings", jobs: list["Job"], now: datetime,
             env: Mapping[str, str] = os.environ) -> list[Outcome]:
    """``schedule --once``: take the lock, run what is due at ``now``, and return."""
    stop = Stop()
    with SchedulerLock(settings.state_dir), stop_on_signals(stop):
        outcomes = run_due(settings, jobs, now, stop=stop, env=env)
        _log_stop(stop, TEXT[settings.language])
    return outcomes


def run_forever(settings: "Settings", jobs: list["Job"], *, clock: Callable[[], datetime],
                env: Mapping[str, str] = os.environ, stop: Stop | None = None) -> None:
    """``schedule``: the long-running scheduler.

    On start it runs what is due (catching up what was missed today), then looks again every minute on the
    minute, on its own ``schedule.Scheduler``. SIGTERM/SIGINT let the job in progress finish, then it exits.
    """
    import schedule

    text = TEXT[settings.language]
    stop = stop or Stop()
    with SchedulerLock(settings.state_dir), stop_on_signals(stop):
        LOG.info(text["started"].format(pid=os.getpid(), n=len(jobs),
                                        jobs="; ".join(f"{j.name} ({j.when.describe(settings.language)})"
                                                       for j in jobs)))
        scheduler = schedule.Scheduler()
        scheduler.every().minute.at(":00").do(lambda: run_due(settings, jobs, clock(), stop=stop, env=env))
        run_due(settings, jobs, clock(), stop=stop, env=env)
        while not stop.is_set():
            scheduler.run_pending()
            idle = scheduler.idle_seconds
            stop.wait(min(max(idle if idle is not None else 1.0, 0.05), 60.0))
        _log_stop(stop, text)
    LOG.info(text["stopped"])
