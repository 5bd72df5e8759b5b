"""The library functions behind the CLI: each command is a thin layer over one of these."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from huimao_sheets.checks import run_checks
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from huimao_sheets.findings import CheckResult
from huimao_sheets.model import Register
from huimao_sheets.register import build_register
from huimao_sheets.sources import Source, open_source

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_SOURCE = "客户登记.xlsx"


def today() -> date:
    """Today in Asia/Shanghai: the only place the checks' as-of date comes from the clock."""
    return datetime.now(SHANGHAI).date()


def parse_as_of(text: str | None) -> date:
    if not text:
        return today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"--as-of 的日期“{text}”无效，请写成 2026-11-27") from exc


def resolve_source(source: str | None, settings: Settings) -> str:
    return source or settings.source or DEFAULT_SOURCE


def load_register(source: Source, settings: Settings, as_of: date) -> Register:
    return build_register(source, settings, as_of)


def check(source_spec: str, as_of: date, settings: Settings, only: list[str] | None = None,
          credentials: str | None = None) -> tuple[Register, CheckResult]:
    """Read the register and run the checks: the heart of ``huimao-sheets check``."""
    source = open_source(source_spec, credentials or settings.credentials)
    register = load_register(source, settings, as_of)
    findings = run_checks(register, as_of, settings, only)
    return register, CheckResult(as_of=as_of, source=source.name, findings=findings)
