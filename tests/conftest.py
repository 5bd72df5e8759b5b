"""Fixtures shared by test modules."""

import sys

import pytest


@pytest.fixture
def run_cli(monkeypatch, capsys, tmp_path):
    """The installed entry point, in this process: ``huimao-sheets ARGS`` run in tmp_path → (exit code, out, err).

    Messages are not wrapped (a 400-column terminal), and no SMTP password leaks in from the environment.
    """
    from huimao_sheets.cli import main

    def run(*args):
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("COLUMNS", "400")
        monkeypatch.setattr(sys, "argv", ["huimao-sheets", *args])
        monkeypatch.delenv("HUIMAO_SMTP_PASSWORD", raising=False)
        with pytest.raises(SystemExit) as exited:
            main()
        captured = capsys.readouterr()
        return exited.value.code, captured.out, captured.err

    return run


@pytest.fixture
def server():
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""
    from reports_helpers import SmtpServer

    s = SmtpServer().start()
    yield s
    s.stop()


@pytest.fixture
def register(tmp_path):
    """The reports' workbook (tests/reports_helpers.py): 7 people with an address get a weekly report."""
    from reports_helpers import write_workbook

    return str(write_workbook(tmp_path / "register.xlsx"))
