"""A write-back killed half-way leaves a temporary file beside the workbook (``.~huimao-XXXXXXXX.xlsx``).
Every run of a job removes such leftovers at its start, and every write-back before it writes; only files
named exactly as ours, owned by us and ten minutes older than the run (or than the write's own temporary
file) go: a younger one may be another process's write in progress.
A plain ``check`` only reads: it leaves the folder alone. The write-back flushes the new file to disk
before the rename and the folder after it."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from huimao_sheets.config import Settings
from huimao_sheets.jobs import find_job
from huimao_sheets.runner import run_job
from huimao_sheets.sources import xlsx_write
from huimao_sheets.timing import TZ
from workbooks import client, make_workbook

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=TZ)
LEFTOVER = ".~huimao-k3x_9q2a.xlsx"
NOT_OURS = [".~huimao-abc.xlsx",          # not the 8 characters mkstemp makes
            ".~huimao-k3x_9q2a.xlsx.bak", ".~huimao-k3x_9q2a.csv", "~huimao-k3x_9q2a.xlsx", "notes.xlsx"]


def aged(path: Path, when: datetime) -> Path:
    """Give ``path`` the modification time ``when`` (the file's own age, not the clock's)."""
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def litter(folder: Path, when: datetime) -> tuple[Path, list[Path]]:
    leftover = folder / LEFTOVER
    leftover.write_bytes(b"half a workbook")
    aged(leftover, when)
    others = []
    for name in NOT_OURS:
        (folder / name).write_bytes(b"keep me")
        others.append(aged(folder / name, when))
    return leftover, others


@pytest.fixture
def workbook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # the outbox and nothing else lands here
    return make_workbook(tmp_path, clients=[client(负责人手机=None)])


def settings_for(tmp_path, workbook) -> Settings:
    return Settings(source=str(workbook), state_dir=str(tmp_path / "state"))


@pytest.mark.parametrize("job_name", ["daily-check", "weekly-report"])
def test_a_run_of_any_job_removes_an_old_leftover_and_nothing_else(tmp_path, workbook, job_name):
    leftover, others = litter(tmp_path, NOW - timedelta(hours=20))
    settings = settings_for(tmp_path, workbook)
    run_job(find_job(settings, job_name), settings, now=NOW, env={})
    assert not leftover.exists()
    assert all(p.exists() for p in others), "only files named exactly as ours are removed"


def test_a_leftover_younger_than_ten_minutes_before_the_run_may_be_a_live_write_and_stays(tmp_path, workbook):
    leftover, _ = litter(tmp_path, NOW - timedelta(minutes=5))
    settings = settings_for(tmp_path, workbook)
    run_job(find_job(settings, "weekly-report"), settings, now=NOW, env={})
    assert leftover.exists()


def test_a_dry_run_removes_nothing(tmp_path, workbook):
    leftover, _ = litter(tmp_path, NOW - timedelta(hours=20))
    settings = settings_for(tmp_path, workbook)
    run_job(find_job(settings, "daily-check"), settings, now=NOW, dry_run=True, env={})
    assert leftover.exists()


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_a_leftover_of_another_user_stays(tmp_path, workbook):
    leftover, _ = litter(tmp_path, NOW - timedelta(hours=20))
    os.chown(leftover, 12345, -1)
    settings = settings_for(tmp_path, workbook)
    run_job(find_job(settings, "weekly-report"), settings, now=NOW, env={})
    assert leftover.exists()


def test_check_write_findings_removes_the_leftovers_older_than_its_own_temporary_file(tmp_path, workbook, run_cli):
    reference = workbook.stat().st_mtime                      # the workbook was just written
    leftover, others = litter(tmp_path, datetime.fromtimestamp(reference - 3600, TZ))
    newer = tmp_path / ".~huimao-zzzzzzzz.xlsx"               # a write that began after ours: not ours to end
    newer.write_bytes(b"another write")
    aged(newer, datetime.fromtimestamp(reference + 3600, TZ))
    code, _out, err = run_cli("check", "--source", str(workbook), "--as-of", "2026-11-30", "--write-findings")
    assert code == 1, err
    assert not leftover.exists() and newer.exists() and all(p.exists() for p in others)
    assert openpyxl.load_workbook(workbook)["数据检查"]["A2"].value == "missing_required"


def test_a_write_back_leaves_the_temporary_file_of_a_write_that_began_a_minute_before_it(tmp_path, workbook):
    # Another process (a check --write-findings by hand during the daily run) is still writing: ending its
    # file would make its write fail. The rule of a run's start holds here too: only files ten minutes old go.
    live = tmp_path / LEFTOVER
    live.write_bytes(b"a write in progress")
    aged(live, datetime.fromtimestamp(workbook.stat().st_mtime - 60, TZ))
    xlsx_write.replace_sheet(workbook, "数据检查", [["问题"]])
    assert live.read_bytes() == b"a write in progress"


def test_a_plain_check_only_reads_and_leaves_the_folder_alone(tmp_path, workbook, run_cli):
    leftover, _ = litter(tmp_path, NOW - timedelta(hours=20))
    code, _out, err = run_cli("check", "--source", str(workbook), "--as-of", "2026-11-30")
    assert code == 1, err
    assert leftover.exists()


def test_the_write_back_flushes_the_file_before_the_rename_and_the_folder_after_it(tmp_path, workbook, monkeypatch):
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", str(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    xlsx_write.replace_sheet(workbook, "数据检查", [["问题"]])
    assert [kind for kind, _ in events] == ["fsync", "replace", "fsync"]
    assert Path(events[0][1]).name.startswith(".~huimao-") and Path(events[0][1]).parent == tmp_path
    assert events[1][1] == str(workbook) and events[2][1] == str(tmp_path)
