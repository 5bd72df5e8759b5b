"""The ledger: what the service has sent, since when each finding has been open, and which jobs ran.

One SQLite file in the state folder (``--state DIR``, default ``.huimao/ledger.sqlite3``), three tables:

``mail``      one row per message, keyed by (kind, period, recipient), e.g. ("weekly-person", "2026-W48",
              "zhangwei@huimao.cn"). It holds the whole message, so the queue survives a restart:

                  queued ──claim()──▶ sending ──mark_sent()──▶ sent        (the server's 250 to DATA)
                     ▲                   │
                     └──release(error)───┤   4xx, a dropped connection, no final reply to DATA: tried
                                         │   again, after a backoff, up to ``MAX_ATTEMPTS`` times
                                         └──bury(error)──▶ dead            5xx, or the attempts are used up

              Delivery is at least once (RFC 5321 §6.1: a rare duplicate is better than a loss). A message
              whose final reply to DATA never came counts as not sent and is tried again. A row left in
              ``sending`` by a process that was killed is taken back by ``recover()`` at the start of the
              next delivery (only rows whose process is gone, so two live processes never send one message
              twice). A ``dead`` message is never tried again by itself; ``dead_letters()`` lists them for
              the admin and the recipient's 上级, and ``requeue()`` sends any message again on request.
``findings``  the first-seen date of each open finding, keyed by ``finding_fingerprint()``. A finding that
              disappears from a complete run is closed; if it comes back it is open again from that day.
``runs``      one row per job run (job name, period, start, end, status, a short summary) for the
              scheduler: "has the weekly report of 2026-W48 run?" is ``last_run("weekly-report", "2026-W48")``.

Every write is its own short transaction, so two processes (the scheduler and an admin) may share the file:
``claim()`` only succeeds for one of them.

The state folder holds every message sent and the scheduler's log: it is created 0700 and its files
0600 (``private_dir``, ``private_file``).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import stat
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Collection, Iterable, Iterator

from huimao_sheets.checks import CLIENT_LEVEL
from huimao_sheets.errors import ConfigError
from huimao_sheets.findings import Finding
from huimao_sheets.redact import redact

LEDGER_FILE = "ledger.sqlite3"
QUEUED, SENDING, SENT, DEAD = "queued", "sending", "sent", "dead"
MAX_ATTEMPTS = 5                     # a message refused for now (4xx) this many times is dead
BACKOFF = timedelta(minutes=5)       # the wait after the first temporary failure; tripled after each one
MAX_BACKOFF = timedelta(hours=2)
STALE_CLAIM = timedelta(hours=1)     # a claim this old is taken back even if its process seems alive

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mail (
    kind        TEXT NOT NULL,            -- weekly-person, weekly-department, weekly-company, ...
    period      TEXT NOT NULL,            -- 2026-W48, 2026-11-27, ...
    recipient   TEXT NOT NULL,            -- the envelope address, lower-case
    status      TEXT NOT NULL,            -- queued / sending / sent / dead
    sender      TEXT NOT NULL,            -- the envelope sender
    subject     TEXT NOT NULL,
    message     BLOB NOT NULL,            -- the message as sent over SMTP (RFC 5322 bytes, CRLF)
    queued_at   TEXT NOT NULL,
    sent_at     TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    not_before  TEXT,                     -- a message refused for now waits until then
    claimed_by  TEXT,                     -- host:pid of the process sending it
    claimed_at  TEXT,
    dead_at     TEXT,
    PRIMARY KEY (kind, period, recipient)
);
CREATE TABLE IF NOT EXISTS findings (
    fingerprint TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    first_seen  TEXT NOT NULL,            -- ISO date
    last_seen   TEXT NOT NULL,
    closed_on   TEXT                      -- set when a complete run no longer finds it
);
CREATE TABLE IF NOT EXISTS visits (
    key         TEXT PRIMARY KEY,         -- checks.late_entry.visit_key: date, client, visitor, type
    first_seen  TEXT NOT NULL,            -- ISO date: the as-of date of the run that first read it
    baseline    INTEGER NOT NULL DEFAULT 0  -- 1: recorded by the first run (when it was entered is unknown)
);
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    job         TEXT NOT NULL,
    period      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,            -- running / ok / partial (mail not delivered) / failed
    summary     TEXT
);
CREATE INDEX IF NOT EXISTS runs_job_period ON runs (job, period);
"""

RUNNING, OK, FAILED, MISSED = "running", "ok", "failed", "missed"   # statuses of the runs table
PARTIAL = "partial"                  # the run did its work, but some mail was not delivered (部分成功)

# Columns added since the first release: an older ledger gets them when it is opened.
_ADDED_COLUMNS = {"not_before": "TEXT", "claimed_by": "TEXT", "claimed_at": "TEXT", "dead_at": "TEXT"}


def private_dir(path: str | Path) -> Path:
    """Create the folder (and its parents) if missing; every folder created here is 0700."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)   # whatever the umask
    return path


def private_file(path: str | Path) -> Path:
    """Create the file if missing, readable and writable by its owner only (0600); an existing one of ours
    that others could read is made 0600."""
    path = Path(path)
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
    try:
        info = os.fstat(fd)
        if os.name == "posix" and info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def this_process() -> str:
    """Who claims a message: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_gone(owner: str | None) -> bool:
    """Whether the process that claimed a message has ended (only known for this host)."""
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True    # this process: the claim is from a delivery of ours that did not finish
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def backoff(attempts: int) -> timedelta:
    """How long a message refused for now waits before its next try: 5, 15, 45 minutes, then 2 hours."""
    return min(BACKOFF * 3 ** max(attempts - 1, 0), MAX_BACKOFF)


def finding_fingerprint(finding: Finding) -> str:
    """A stable id of a finding across runs: code, sheet, column, client ids, and rows or a content key.

    Cell and row findings are identified by their rows. Client-level findings by their client ids plus
    what makes an occurrence distinct (the due date of an overdue follow-up, the first day of a collision),
    so that inserting a row above a client does not make its overdue follow-up look new.
    """
    if finding.code in CLIENT_LEVEL and finding.client_ids:   # they keep their identity when rows move
        content: object = [finding.details.get("due") or finding.details.get("start") or ""]
    else:
        content = finding.rows
    key = [finding.code, finding.sheet, finding.column or "", sorted(finding.client_ids), content]
    if finding.code == "missing_email":
        key.append(sorted(finding.staff))
    return hashlib.sha1(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MailRow:
    kind: str
    period: str
    recipient: str
    status: str
    sender: str
    subject: str
    message: bytes
    queued_at: str
    sent_at: str | None
    attempts: int
    last_error: str | None
    not_before: str | None = None
    claimed_by: str | None = None
    claimed_at: str | None = None
    dead_at: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.period, self.recipient)


@dataclass(frozen=True)
class Run:
    id: int
    job: str
    period: str
    started_at: str
    finished_at: str | None
    status: str
    summary: str | None


class Ledger:
    """The state of the service in one SQLite file. Use as a context manager, or call ``close()``."""

    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path)
        try:
            if readonly:
                if self.path.exists():
                    self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
                else:  # nothing recorded yet: an empty ledger in memory
                    self.db = sqlite3.connect(":memory:")
                    self.db.executescript(_SCHEMA)
            else:
                private_dir(self.path.parent)
                private_file(self.path)   # SQLite gives its -wal and -shm files the database file's mode
                self.db = sqlite3.connect(self.path, timeout=30)
                self.db.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL: a commit survives a killed process (not necessarily a power cut) and
                # costs no fsync; the queue's states are written one short transaction at a time.
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(_SCHEMA)
                have = {r[1] for r in self.db.execute("PRAGMA table_info(mail)")}
                with self.db:
                    for column, kind in _ADDED_COLUMNS.items():
                        if column not in have:
                            self.db.execute(f"ALTER TABLE mail ADD COLUMN {column} {kind}")
        except (sqlite3.Error, OSError) as exc:
            raise ConfigError(f"无法打开状态数据库 {self.path}: {exc}。请检查 --state 目录是否可写。",
                              en=f"Cannot open the state database {self.path}: {exc}. Check that the --state "
                                 "folder is writable.") from exc
        self.db.row_factory = sqlite3.Row

    @classmethod
    def in_state_dir(cls, state_dir: str | Path, *, readonly: bool = False) -> "Ledger":
        return cls(Path(state_dir) / LEDGER_FILE, readonly=readonly)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- mail ----------------------------------------------------------------------------------

    def mail_status(self, key: tuple[str, str, str]) -> str | None:
        row = self.db.execute("SELECT status FROM mail WHERE kind=? AND period=? AND recipient=?", key).fetchone()
        return row["status"] if row else None

    def enqueue(self, key: tuple[str, str, str], sender: str, subject: str, message: bytes, now: datetime) -> str:
        """Queue a message unless this (kind, period, recipient) is already known; returns its status.

        A message still queued from an earlier run is replaced by this fresher rendering; one that is
        sending or sent is left alone.
        """
        with self.db:
            self.db.execute(
                "INSERT INTO mail (kind, period, recipient, status, sender, subject, message, queued_at) "
                "VALUES (?, ?, ?, 'queued', ?, ?, ?, ?) "
                "ON CONFLICT (kind, period, recipient) DO UPDATE SET "
                "sender=excluded.sender, subject=excluded.subject, message=excluded.message "
                "WHERE status='queued'",
                (*key, sender, subject, message, now.isoformat()),
            )
        return self.mail_status(key) or QUEUED

    def queued(self) -> list[MailRow]:
        """Every message waiting to be sent, oldest first (those in a backoff included)."""
        return self._mail("WHERE status='queued' ORDER BY queued_at, kind, period, recipient")

    def due(self, now: datetime) -> list[MailRow]:
        """The queued messages whose backoff is over at ``now``, oldest first."""
        return [r for r in self.queued()
                if r.not_before is None or datetime.fromisoformat(r.not_before) <= now]

    def unconfirmed(self) -> list[MailRow]:
        """Messages being sent right now, or left so by a process that was killed (``recover()`` takes
        those back)."""
        return self._mail("WHERE status='sending' ORDER BY queued_at, kind, period, recipient")

    def dead_letters(self) -> list[MailRow]:
        """Messages refused for good (5xx, or too many temporary refusals), newest first."""
        return self._mail("WHERE status='dead' ORDER BY dead_at DESC, kind, period, recipient")

    def mail(self, kind: str | None = None, period: str | None = None) -> list[MailRow]:
        return self._mail("WHERE (? IS NULL OR kind=?) AND (? IS NULL OR period=?) ORDER BY kind, period, recipient",
                          (kind, kind, period, period))

    def _mail(self, where: str, params: tuple = ()) -> list[MailRow]:
        return [MailRow(**dict(r)) for r in self.db.execute(f"SELECT * FROM mail {where}", params)]

    def recover(self, now: datetime) -> list[MailRow]:
        """sending → queued for every message whose sending process is gone (killed, or this process's
        own delivery that broke off), unknown (an older ledger) or whose claim is older than ``STALE_CLAIM``:
        the server may or may not have it, and a duplicate is better than a loss. Returns those taken back."""
        taken = []
        for row in self.unconfirmed():
            claimed = datetime.fromisoformat(row.claimed_at) if row.claimed_at else None
            if (row.claimed_by is None          # left by a version that did not record who sends
                    or _process_gone(row.claimed_by) or (claimed is not None and now - claimed > STALE_CLAIM)):
                with self.db:
                    cur = self.db.execute(
                        "UPDATE mail SET status='queued', not_before=NULL, claimed_by=NULL, claimed_at=NULL, "
                        "last_error=coalesce(last_error, ?) "
                        "WHERE kind=? AND period=? AND recipient=? AND status='sending' AND claimed_by IS ?",
                        ("无法确认送达（发送时中断）", *row.key, row.claimed_by))
                if cur.rowcount == 1:
                    taken.append(row)
        return taken

    def claim(self, key: tuple[str, str, str], now: datetime | None = None, owner: str | None = None) -> bool:
        """queued → sending, committed before the message is handed to the server; counts an attempt.
        False if another process claimed it first or it is no longer queued."""
        with self.db:
            cur = self.db.execute(
                "UPDATE mail SET status='sending', attempts=attempts+1, claimed_by=?, claimed_at=? "
                "WHERE kind=? AND period=? AND recipient=? AND status='queued'",
                (owner or this_process(), now.isoformat() if now else None, *key))
        return cur.rowcount == 1

    def mark_sent(self, key: tuple[str, str, str], now: datetime) -> None:
        with self.db:
            self.db.execute("UPDATE mail SET status='sent', sent_at=?, last_error=NULL, not_before=NULL, "
                            "claimed_by=NULL, claimed_at=NULL WHERE kind=? AND period=? AND recipient=?",
                            (now.isoformat(), *key))

    def release(self, key: tuple[str, str, str], error: str, not_before: datetime | None = None) -> None:
        """sending → queued: the message was not delivered; it goes out with a delivery at or after
        ``not_before`` (None: the next one)."""
        with self.db:
            self.db.execute("UPDATE mail SET status='queued', last_error=?, not_before=?, claimed_by=NULL, "
                            "claimed_at=NULL WHERE kind=? AND period=? AND recipient=? AND status='sending'",
                            (error[:500], not_before.isoformat() if not_before else None, *key))

    def bury(self, key: tuple[str, str, str], error: str, now: datetime) -> None:
        """sending → dead: refused for good; never tried again unless an admin requeues it."""
        with self.db:
            self.db.execute("UPDATE mail SET status='dead', last_error=?, dead_at=?, not_before=NULL, "
                            "claimed_by=NULL, claimed_at=NULL WHERE kind=? AND period=? AND recipient=? "
                            "AND status='sending'", (error[:500], now.isoformat(), *key))

    def requeue(self, key: tuple[str, str, str]) -> bool:
        """Send a message again with the next delivery, whatever its status (an admin's ``resend``): a sent
        one goes once more, a dead one gets its attempts back."""
        with self.db:
            cur = self.db.execute("UPDATE mail SET status='queued', attempts=0, not_before=NULL, dead_at=NULL, "
                                  "claimed_by=NULL, claimed_at=NULL WHERE kind=? AND period=? AND recipient=?", key)
        return cur.rowcount == 1

    # --- findings ------------------------------------------------------------------------------

    def first_seen(self, fingerprints: Iterable[str]) -> dict[str, date]:
        """Read-only: the first-seen dates already recorded for these fingerprints (open ones)."""
        wanted = set(fingerprints)
        found = {}
        for row in self.db.execute("SELECT fingerprint, first_seen FROM findings WHERE closed_on IS NULL"):
            if row["fingerprint"] in wanted:
                found[row["fingerprint"]] = date.fromisoformat(row["first_seen"])
        return found

    def observe(self, findings: Iterable[Finding], as_of: date, *, complete: bool = True,
                codes: Collection[str] | None = None) -> dict[str, date]:
        """Record that these findings are open as of ``as_of``; returns fingerprint → first-seen date.

        ``complete`` says the list is every finding of the register (all checks ran): open findings that
        are no longer in it are closed, unless a later run saw them (a back-dated run closes nothing new).
        ``codes`` narrows that to the findings of those codes (``check`` finds no ``missing_email``: a check
        by hand leaves the reports' findings open).
        """
        scope = None if codes is None else set(codes)
        found = {finding_fingerprint(f): f.code for f in findings}
        day = as_of.isoformat()
        with self.db:
            known = {r["fingerprint"]: r for r in self.db.execute("SELECT * FROM findings")}
            for fp, code in found.items():
                row = known.get(fp)
                if row is None:
                    self.db.execute("INSERT INTO findings VALUES (?, ?, ?, ?, NULL)", (fp, code, day, day))
                elif row["closed_on"] is not None and day >= row["closed_on"]:
                    self.db.execute("UPDATE findings SET first_seen=?, last_seen=?, closed_on=NULL "
                                    "WHERE fingerprint=?", (day, day, fp))
                else:
                    self.db.execute("UPDATE findings SET first_seen=min(first_seen, ?), last_seen=max(last_seen, ?) "
                                    "WHERE fingerprint=?", (day, day, fp))
            if complete:
                gone = [fp for fp, r in known.items()
                        if fp not in found and r["closed_on"] is None and r["last_seen"] <= day
                        and (scope is None or r["code"] in scope)]
                self.db.executemany("UPDATE findings SET closed_on=? WHERE fingerprint=?", [(day, fp) for fp in gone])
        return self.first_seen(found)

    # --- visits (late_entry) ----------------------------------------------------------------------

    def visits_seen(self) -> dict[str, date | None] | None:
        """Visit key → the day it was first seen (None: recorded by the first run); None when nothing has
        been recorded yet, so that the first run on a state folder records without flagging."""
        rows = self.db.execute("SELECT key, first_seen, baseline FROM visits").fetchall()
        if not rows:
            return None
        return {r["key"]: None if r["baseline"] else date.fromisoformat(r["first_seen"]) for r in rows}

    def record_visits(self, keys: Iterable[str], as_of: date) -> None:
        """Record that these visits were seen as of ``as_of`` (a back-dated run moves a day earlier, never
        later). The first recording of a state folder marks every visit as baseline."""
        day = as_of.isoformat()
        with self.db:
            baseline = 0 if self.db.execute("SELECT 1 FROM visits LIMIT 1").fetchone() else 1
            self.db.executemany(
                "INSERT INTO visits (key, first_seen, baseline) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET first_seen=min(first_seen, excluded.first_seen)",
                [(key, day, baseline) for key in set(keys)])

    # --- job runs ------------------------------------------------------------------------------

    def start_run(self, job: str, period: str, now: datetime) -> int:
        with self.db:
            cur = self.db.execute("INSERT INTO runs (job, period, started_at, status) VALUES (?, ?, ?, 'running')",
                                  (job, period, now.isoformat()))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str, now: datetime, summary: str = "") -> None:
        with self.db:
            self.db.execute("UPDATE runs SET status=?, finished_at=?, summary=? WHERE id=?",
                            (status, now.isoformat(), redact(summary), run_id))

    def fail_unfinished(self, job: str, period: str, now: datetime, summary: str) -> int:
        """Runs of ``job`` for ``period`` still marked running, whose process died: failed, with ``summary``."""
        with self.db:
            cur = self.db.execute("UPDATE runs SET status=?, finished_at=?, summary=? "
                                  "WHERE job=? AND period=? AND status=?",
                                  (FAILED, now.isoformat(), redact(summary), job, period, RUNNING))
        return cur.rowcount

    def first_run(self) -> Run | None:
        """The first run ever recorded, of any job: since when the scheduler (or an admin) has been at work."""
        row = self.db.execute("SELECT * FROM runs ORDER BY id LIMIT 1").fetchone()
        return Run(**dict(row)) if row else None

    def last_run(self, job: str, period: str | None = None) -> Run | None:
        row = self.db.execute(
            "SELECT * FROM runs WHERE job=? AND (? IS NULL OR period=?) ORDER BY id DESC LIMIT 1",
            (job, period, period)).fetchone()
        return Run(**dict(row)) if row else None

    def runs(self, job: str | None = None) -> Iterator[Run]:
        for row in self.db.execute("SELECT * FROM runs WHERE (? IS NULL OR job=?) ORDER BY id", (job, job)):
            yield Run(**dict(row))
