"""When jobs run (DESIGN §6): the ``when`` of a job file as pure functions of a passed-in ``now``, and the
long-running loop that asks them once a minute. The scheduler only decides *when*; ``runner.run_job`` does
the work.

The vocabulary of ``when`` (its forms, slots and periods) is in ``timing``. The ledger's ``runs`` table remembers which periods ran. So that a weekly run's week is not mistaken for
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

``next_run()`` is what ``huimao-sheets jobs`` shows: the first instant at which ``decide()`` says run, so that
``jobs`` and ``schedule`` never disagree (a catch-up due now is "now", a period already done is passed over).
"""

from __future__ import annotations

import fcntl
import faulthandler
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time as _time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

import schedule

from huimao_sheets.errors import HuimaoError, message_in
from huimao_sheets.ledger import FAILED, MISSED, OK, PARTIAL, Ledger, private_dir, private_file
from huimao_sheets.redact import redact
from huimao_sheets.runner import run_job
from huimao_sheets.timing import (
    INTERVAL,
    SEARCH_DAYS,
    TZ,
    WEEKLY,
    Slot,
    When,
    latest_slot,
    next_slot,
    parse_time_of_day,
    slots_before,
    work_calendar,
)
from huimao_sheets.workdays import WorkCalendar

if TYPE_CHECKING:
    from huimao_sheets.config import Settings
    from huimao_sheets.jobs import Job
    from huimao_sheets.ledger import Run

ON_TIME = timedelta(minutes=15)      # a run this late is still on time
RETRY_AFTER = timedelta(minutes=30)  # a failed attempt is tried again after this long
MAX_BACKLOG = 31                     # older missed slots recorded at most, per job and decision

RUN, SKIP = "run", "skip"                       # decisions
LOG = logging.getLogger("huimao_sheets.scheduler")

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
class NextRun:
    """When the scheduler will next start a job, and why (on_time / catch_up / retry)."""

    at: datetime        # ``now`` itself when the job is due already
    slot: Slot
    why: str


def next_run(when: When, now: datetime, calendar: WorkCalendar, last_run: Callable[[str | None], "Run | None"],
             catch_up_until: time, first_day: date | None = None) -> NextRun | None:
    """The first instant from ``now`` at which ``decide`` says RUN, if nothing else runs meanwhile: ``now``
    itself (due, a catch-up, a retry), the retry of a failed attempt, or the first later slot whose period has
    not run yet. Asking ``decide`` keeps ``jobs`` and ``schedule`` in agreement. None: nothing in three weeks."""
    moment = now.astimezone(TZ)
    horizon, retry = moment + timedelta(days=SEARCH_DAYS), None
    while True:
        decision = decide(when, moment, calendar, last_run, catch_up_until, first_day)
        if decision.action == RUN:
            return NextRun(moment, decision.slot, decision.why)
        if decision.why == RETRY_LATER:   # the loop looks once a minute, on the minute
            started = datetime.fromisoformat(last_run(decision.slot.period).started_at).astimezone(TZ)
            retry = _next_minute(started + RETRY_AFTER)
        slot = next_slot(when, moment, calendar)
        candidates = [t for t in (retry, slot.at if slot else None) if t is not None]
        if not candidates or min(candidates) > horizon:
            return None
        moment = min(candidates)
        if moment == retry:
            retry = None


def _next_minute(moment: datetime) -> datetime:
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


@dataclass(frozen=True)
class JobStatus:
    """A job as ``huimao-sheets jobs`` shows it: when it runs next and how its last run went."""

    job: "Job"
    next: NextRun | None
    last: "Run | None"


def _first_day(ledger: "Ledger") -> date | None:
    first = ledger.first_run()
    return datetime.fromisoformat(first.started_at).astimezone(TZ).date() if first else None


def _runs_of(ledger: "Ledger", job: "Job") -> Callable[[str | None], "Run | None"]:
    return lambda period: ledger.last_run(job.name, period)


def job_statuses(settings: "Settings", jobs: list["Job"], now: datetime) -> list[JobStatus]:
    """Each job's next run from ``now`` as the scheduler would take it (``next_run``, catch-up and retries
    included) and its last recorded run. The ledger is only read."""
    calendar = work_calendar(settings)
    with Ledger.in_state_dir(settings.state_dir, readonly=True) as ledger:
        first_day = _first_day(ledger)
        return [JobStatus(job, next_run(job.when, now, calendar, _runs_of(ledger, job), catch_up_limit(job, settings),
                                        first_day) if job.enabled else None,
                          ledger.last_run(job.name)) for job in jobs]


# --- the log ----------------------------------------------------------------------------------------

TEXT = {
    "zh": {
        "status": {OK: "成功", FAILED: "失败", PARTIAL: "部分成功"},
        "run": "{job} {period} {status} {seconds:.1f}s{how}: {summary}",
        "run_week": "运行周 {period}",
        "catch_up": "（补跑 {at} 的任务）",
        "retry": "（重试 {at} 的任务）",
        "missed": "{job} {period} 错过: 应于 {at} 运行，{why}，不再补跑",
        "too_late": "已过当天的补跑时限 {until}",
        "other_day": "补跑只限当天 {until} 之前",
        "older": "调度器当时未运行",
        "not_started": "{job} {period} 未开始: 收到停止信号",
        "crashed": "任务进程异常终止（{how}），已记为失败；崩溃处的调用栈在调度器的错误输出（stderr）中",
        "started": "调度器已启动（进程 {pid}），{n} 个任务: {jobs}",
        "stopping": "收到 {signal}，完成当前任务后退出",
        "stopped": "调度器已退出",
    },
    "en": {
        "status": {OK: "ok", FAILED: "failed", PARTIAL: "partly done"},
        "run": "{job} {period} {status} {seconds:.1f}s{how}: {summary}",
        "run_week": "run week {period}",
        "catch_up": " (catch-up of {at})",
        "retry": " (retry of {at})",
        "missed": "{job} {period} missed: due {at}, {why}; not replayed",
        "too_late": "past the day's catch-up limit {until}",
        "other_day": "catch-up is only the same day until {until}",
        "older": "the scheduler was not running",
        "not_started": "{job} {period} not started: stop requested",
        "crashed": "the job's process ended abnormally ({how}) and the run is recorded as failed; the stack where it crashed is in the scheduler's error output (stderr)",
        "started": "scheduler started (pid {pid}), {n} jobs: {jobs}",
        "stopping": "{signal} received: finishing the current job, then exiting",
        "stopped": "scheduler stopped",
    },
}


class _ShanghaiFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return datetime.fromtimestamp(record.created, TZ).strftime("%Y-%m-%d %H:%M:%S")

    def format(self, record):
        return redact(super().format(record))   # a password in a URL never reaches the log


@contextmanager
def scheduler_log(settings: "Settings", stream=None) -> Iterator[logging.Logger]:
    """While inside, log lines go to stderr and, when ``scheduler.log_file`` is set, to that file too."""
    handlers: list[logging.Handler] = [logging.StreamHandler(stream or sys.stderr)]
    if settings.scheduler.log_file:
        path = Path(settings.scheduler.log_file)
        try:
            private_file(private_dir(path.parent) / path.name)   # 0600: the log names people and addresses
            handlers.append(logging.FileHandler(path, encoding="utf-8"))
        except OSError as exc:
            raise HuimaoError(f"无法写入日志文件 {path}（配置项 scheduler.log_file）: {exc}",
                              en=f"Cannot write the log file {path} (the setting scheduler.log_file): {exc}. "
                                 "Check that its folder exists and is writable.") from exc
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
    now = now.astimezone(TZ)
    text = TEXT[settings.language]
    calendar = work_calendar(settings)
    outcomes: list[Outcome] = []
    to_run: list[tuple["Job", Decision]] = []
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        first_day = _first_day(ledger)
        for job in jobs:
            limit = catch_up_limit(job, settings)
            decision = decide(job.when, now, calendar, _runs_of(ledger, job), limit, first_day)
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
    slot = decision.slot
    how = "" if decision.why == ON_TIME_RUN else text[decision.why].format(at=_at(slot))
    started = _time.monotonic()
    status, summary, trace = run_isolated(job, settings, now, slot, env)
    if trace:
        LOG.error("%s %s\n%s", job.name, slot.period, trace.rstrip())
    seconds = _time.monotonic() - started
    LOG.info(text["run"].format(job=job.name, period=_period(job, slot.period, text), status=text["status"][status],
                                seconds=seconds, how=how, summary=summary))
    return Outcome(job.name, slot.period, status, summary, seconds)


def _run_here(job: "Job", settings: "Settings", now: datetime, slot: Slot,
              env: Mapping[str, str]) -> tuple[str, str, str | None]:
    """``run_job`` for the slot as (status, summary, traceback or None); never raises an Exception."""
    try:
        run = run_job(job, settings, now=now, as_of=slot.at.date(), period=slot.period, env=env)
        return run.status, run.summary(settings.language), None
    except HuimaoError as exc:
        return FAILED, message_in(exc, settings.language), None
    except Exception as exc:  # noqa: BLE001 - any failure of one job is logged and the loop carries on
        return FAILED, f"{type(exc).__name__}: {exc}", traceback.format_exc()


def _child(conn, job, settings, now, slot, env) -> None:
    try:
        faulthandler.enable()   # a native crash prints the Python stack where it happened to stderr
    except (AttributeError, ValueError, OSError):
        pass                    # a stderr without a file descriptor (captured): the crash is still a failed run
    conn.send(_run_here(job, settings, now, slot, env))
    conn.close()


def run_isolated(job: "Job", settings: "Settings", now: datetime, slot: Slot,
                 env: Mapping[str, str]) -> tuple[str, str, str | None]:
    """Run the job in a child process, so that nothing it does can take the scheduler down.

    A crash in native code (a reader's abort or segfault), or the kernel killing the job for its memory,
    ends only the child: the run is then recorded as failed with the signal or exit code (recorded anew if
    the child died before recording it), the next job runs, and no run is left ``running``. The child is
    forked (cheap, nothing to pickle); where fork is not available the job runs in this process, as it always
    did.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return _run_here(job, settings, now, slot, env)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, job, settings, now, slot, env),
                            name=f"huimao-{job.name}", daemon=True)
    child.start()
    send.close()   # the child holds the only writing end: its death is an EOF here
    try:
        result = receive.recv()
    except EOFError:
        result = None
    finally:
        receive.close()
        child.join()
    if result is not None:
        return result
    summary = TEXT[settings.language]["crashed"].format(how=_exit_description(child.exitcode, settings.language))
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        if not ledger.fail_unfinished(job.name, slot.period, now, summary):
            # It died before recording its run: record one, so the retry waits as after any failure.
            ledger.finish_run(ledger.start_run(job.name, slot.period, now), FAILED, now, summary)
    return FAILED, summary, None


def _exit_description(code: int | None, language: str) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        hint = {"SIGKILL": {"zh": "，可能是内存不足被系统终止", "en": ", perhaps killed by the system for lack of memory"}}
        return ("信号 " if language == "zh" else "signal ") + name + hint.get(name, {}).get(language, "")
    return ("退出码 " if language == "zh" else "exit code ") + str(code)


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
            private_file(private_dir(self.path.parent) / self.path.name)
            handle = open(self.path, "a+", encoding="utf-8")
        except OSError as exc:
            raise HuimaoError(f"无法创建锁文件 {self.path}: {exc}。请检查 --state 目录是否可写。",
                              en=f"Cannot create the lock file {self.path}: {exc}. Check that the --state folder "
                                 "is writable.") from exc
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            pid = handle.read().strip() or "?"
            handle.close()
            raise AlreadyRunning(
                f"另一个调度器正在运行（进程 {pid}，锁文件 {self.path}），同一状态目录同时只能运行一个。"
                f"请先停止它（systemctl stop huimao-sheets），或用 huimao-sheets run JOB 手动运行某个任务。",
                en=f"Another scheduler is running (process {pid}, lock file {self.path}); only one may run on a "
                   "state folder. Stop it first (systemctl stop huimao-sheets), or run a job by hand with "
                   "huimao-sheets run JOB.") from None
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
