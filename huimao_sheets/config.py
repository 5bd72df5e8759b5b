"""Settings, from ``huimao.toml`` when there is one; every key has a default so none is needed.

Secrets never live here: the SMTP password comes from ``HUIMAO_SMTP_PASSWORD`` and Google credentials
from a file. Errors name the file, the key, the bad value and what is allowed.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from huimao_sheets.errors import ConfigError

DEFAULT_CONFIG = Path("huimao.toml")


def load_toml(path: Path, what: str) -> dict[str, Any]:
    """The TOML document in ``path``; a file that cannot be read or is not TOML is a ConfigError naming
    ``what`` (配置文件, 任务文件) and the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"无法读取{what} {path}: {exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what} {path} 不是有效的 TOML: {exc}") from exc


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckSettings(_Strict):
    collision_window_days: int = Field(7, ge=0, le=365)          # 撞车: visits this many days apart collide
    cadence_days: dict[str, int] = {"A": 14, "B": 30, "C": 60}    # follow-up cadence per 客户综合评估
    day_count: Literal["calendar", "working"] = "calendar"        # working = China's official calendar
    company_days_off: list[date] = []                             # extra days off: 2026-12-31 or "2026-12-31"
    future_date_grace_days: int = Field(0, ge=0)

    @field_validator("cadence_days")
    @classmethod
    def _ratings(cls, value: dict[str, int]) -> dict[str, int]:
        bad = [k for k in value if k not in ("A", "B", "C", "D")]
        if bad:
            raise ValueError(f"unknown rating {bad}; ratings are A, B, C, D")
        return value


class SchedulerSettings(_Strict):
    catch_up_until: str = "17:30"   # a run missed while the scheduler was down is caught up until then, same day
    log_file: str | None = None     # also append the scheduler's log lines to this file

    @field_validator("catch_up_until")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        from huimao_sheets.timing import parse_time_of_day

        return parse_time_of_day(value).strftime("%H:%M")


class Settings(_Strict):
    language: Literal["zh", "en"] = "zh"
    source: str | None = None                   # default --source
    credentials: str | None = None              # Google service-account JSON file
    smtp: str | None = None                     # smtp://user@host:587 or smtps://user@host:465
    mail_from: str = "huimao-sheets <huimao-sheets@localhost>"
    state_dir: str = ".huimao"
    outbox_dir: str = "outbox"
    jobs_dir: str | None = None                 # default: the jobs shipped with the package
    templates_dir: str | None = None            # default: the templates shipped with the package
    sheets: dict[str, str] = {}                 # clients/visits/staff/plans → worksheet title
    columns: dict[str, dict[str, str]] = {}     # sheet key → field key → header text
    checks: CheckSettings = CheckSettings()
    scheduler: SchedulerSettings = SchedulerSettings()

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Settings":
        """Read ``path``, or ``./huimao.toml`` when it exists, else the defaults."""
        if path is None:
            if not DEFAULT_CONFIG.exists():
                return cls()
            path = DEFAULT_CONFIG
        path = Path(path)
        if not path.exists():
            raise ConfigError(f"找不到配置文件 {path}（--config）。运行 `huimao-sheets init` 可生成一份带注释的配置。")
        return cls.from_dict(load_toml(path, "配置文件"), origin=str(path))

    @classmethod
    def from_dict(cls, data: dict, origin: str = "配置") -> "Settings":
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (got {e.get('input')!r})" for e in exc.errors()
            )
            raise ConfigError(f"{origin} 有误: {problems}") from exc
