"""Settings, from ``huimao.toml`` when there is one; every key has a default so none is needed.

Secrets never live here: the SMTP password comes from ``HUIMAO_SMTP_PASSWORD`` and Google credentials
from a file. Config fails loudly: an unknown key or a bad value is a ConfigError that names the file, the
key, the value and what is valid — one line per problem, in the configured language (``language`` of the
file, or ``--lang``). Entries of ``[sheets]`` and ``[columns.*]`` are checked against the workbook when the
register is read (``register.find_sheets``, ``register.map_columns``), with messages from ``entry_error``.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo, field_validator

from huimao_sheets import layout
from huimao_sheets.errors import ConfigError
from huimao_sheets.timing import parse_time_of_day

DEFAULT_CONFIG = Path("huimao.toml")
LANGUAGES = ("zh", "en")

TEXT = {
    "zh": {
        "entry": "{origin} 中的 {key} = {value} 有误: {why}",
        "file": "配置文件 {path}",
        "settings": "配置",
        "options": "命令行选项（--lang、--smtp、--state 等）",
        "missing_value": "（缺失）",
        "not_found": "找不到配置文件 {path}（--config）。运行 `huimao-sheets init` 可生成一份带注释的配置。",
        "unreadable": "无法读取{what} {path}: {exc}",
        "not_toml": "{what} {path} 不是有效的 TOML: {exc}",
        "unknown_key": "不是配置项；{where}可用的键: {keys}",
        "top": "",
        "section": "[{section}] 中",
        "choices": "可选: {choices}",
        "integer": "应为整数",
        "range": "应为 {ge} 到 {le} 之间的整数",
        "at_least": "应为不小于 {ge} 的整数",
        "string": "应为用引号括起的文字",
        "table": "应为一个表: [{key}] 下的键值，或 {{ 键 = 值 }}",
        "list": "应为列表，例如 [\"2026-12-31\"]",
        "date": "应为日期，例如 2026-12-31",
        "bool": "应为 true 或 false",
        "rating": "未知的客户综合评估 {bad}；可选: A, B, C, D",
        "time": "不是时刻；请写成 HH:MM，例如 08:00 或 17:30",
        "sheet_key": "不是工作表的键；可用的键: {keys}",
        "field_key": "不是工作表“{title}”（{sheet}）的列；可用的键: {keys}",
        "empty": "不能为空",
        "other": "{msg}",
    },
    "en": {
        "entry": "{key} = {value} in {origin} is invalid: {why}",
        "file": "config file {path}",
        "settings": "the settings",
        "options": "the command-line options (--lang, --smtp, --state …)",
        "missing_value": "(missing)",
        "not_found": "Config file {path} not found (--config). `huimao-sheets init` writes a commented one.",
        "unreadable": "Cannot read {what} {path}: {exc}",
        "not_toml": "{what} {path} is not valid TOML: {exc}",
        "unknown_key": "not a setting; valid keys{where}: {keys}",
        "top": "",
        "section": " in [{section}]",
        "choices": "must be one of {choices}",
        "integer": "must be a whole number",
        "range": "must be a whole number from {ge} to {le}",
        "at_least": "must be a whole number of at least {ge}",
        "string": "must be quoted text",
        "table": "must be a table: keys under [{key}], or {{ key = value }}",
        "list": "must be a list, e.g. [\"2026-12-31\"]",
        "date": "must be a date, e.g. 2026-12-31",
        "bool": "must be true or false",
        "rating": "unknown rating {bad}; valid: A, B, C, D",
        "time": "not a time of day; write HH:MM, e.g. 08:00 or 17:30",
        "sheet_key": "not a worksheet key; valid keys: {keys}",
        "field_key": "not a column of the {english} worksheet ({sheet}); valid keys: {keys}",
        "empty": "must not be empty",
        "other": "{msg}",
    },
}
_WHAT_EN = {"配置文件": "config file", "任务文件": "job file"}


def _language(value: Any) -> str:
    return value if value in LANGUAGES else "zh"


def load_toml(path: Path, what: str, language: str = "zh") -> dict[str, Any]:
    """The TOML document in ``path``; a file that cannot be read or is not TOML is a ConfigError naming
    ``what`` (配置文件, 任务文件) and the file."""
    zh, en, what_en = TEXT["zh"], TEXT["en"], _WHAT_EN.get(what, what)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(zh["unreadable"].format(what=what, path=path, exc=exc),
                          en=en["unreadable"].format(what=what_en, path=path, exc=exc)).in_language(language) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(zh["not_toml"].format(what=what, path=path, exc=exc),
                          en=en["not_toml"].format(what=what_en.capitalize(), path=path, exc=exc)
                          ).in_language(language) from exc


def _why(info: ValidationInfo, name: str, **values: Any) -> str:
    """The reason ``name`` in the language of the validation (``Settings.from_dict`` passes it)."""
    return TEXT[_language((info.context or {}).get("language"))][name].format(**values)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckSettings(_Strict):
    collision_window_days: int = Field(7, ge=0, le=365)          # 撞车: visits this many days apart collide
    cadence_days: dict[str, int] = {"A": 14, "B": 30, "C": 60}    # follow-up cadence per 客户综合评估
    day_count: Literal["calendar", "working"] = "calendar"        # working = China's official calendar
    company_days_off: list[date] = []                             # extra days off: 2026-12-31 or "2026-12-31"
    future_date_grace_days: int = Field(0, ge=0)
    late_entry_days: int = Field(2, ge=0)    # late_entry: working days to log a visit
    response_days: int = Field(3, ge=0)      # unanswered_problem: working days to fill in 应对措施

    @field_validator("cadence_days")
    @classmethod
    def _ratings(cls, value: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        bad = [k for k in value if k not in layout.RATINGS]
        if bad:
            raise ValueError(_why(info, "rating", bad=", ".join(bad)))
        return value


class SpotCheckSettings(_Strict):
    sample_size: int = Field(5, ge=0, le=100)        # visits in each weekly spot-check sample (0: none)
    no_problem_weight: int = Field(3, ge=1, le=100)  # a visit with no 客户反映问题 is this many times as likely


class SchedulerSettings(_Strict):
    catch_up_until: str = "17:30"   # a run missed while the scheduler was down is caught up until then, same day
    log_file: str | None = None     # also append the scheduler's log lines to this file

    @field_validator("catch_up_until")
    @classmethod
    def _time_of_day(cls, value: str, info: ValidationInfo) -> str:
        try:
            return parse_time_of_day(value).strftime("%H:%M")
        except ValueError:
            raise ValueError(_why(info, "time")) from None


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
    sheets: dict[str, str] = {}                 # clients/visits/staff/plans/findings → worksheet title
    columns: dict[str, dict[str, str]] = {}     # sheet key → field key → header text
    checks: CheckSettings = CheckSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    spot_check: SpotCheckSettings = SpotCheckSettings()

    _path: str | None = PrivateAttr(default=None)   # the config file these settings came from

    @classmethod
    def load(cls, path: str | Path | None = None, language: str | None = None) -> "Settings":
        """Read ``path``, or ``./huimao.toml`` when it exists, else the defaults. ``language`` (``--lang``)
        is that of the messages when given; else the file's ``language``."""
        if path is None:
            if not DEFAULT_CONFIG.exists():
                return cls()
            path = DEFAULT_CONFIG
        path = Path(path)
        if not path.exists():
            raise ConfigError(TEXT[_language(language)]["not_found"].format(path=path)).in_language(_language(language))
        return cls.from_dict(load_toml(path, "配置文件", _language(language)), path=str(path), language=language)

    @classmethod
    def from_dict(cls, data: dict, origin: str | None = None, *, path: str | None = None,
                  language: str | None = None) -> "Settings":
        """Validated settings; every problem found is one line of the ConfigError. ``path``: the config file
        (named in messages); ``origin``: what else the data came from (the command-line options)."""
        language = _language(language or data.get("language"))
        text = TEXT[language]
        where = text["file"].format(path=path) if path else origin or text["settings"]
        problems = _layout_key_problems(data, text)
        try:
            settings = cls.model_validate(data, context={"language": language})
        except ValidationError as exc:
            named = {key for key, _, _ in problems}   # an unknown key's type is beside the point
            problems += [p for p in map(lambda e: _explain(e, text), exc.errors()) if p[0] not in named]
        if problems:
            raise ConfigError("\n".join(text["entry"].format(origin=where, key=key, value=_shown(value, text), why=why)
                                        for key, value, why in problems)).in_language(language) from None
        settings._path = path
        return settings

    def with_overrides(self, updates: dict[str, Any]) -> "Settings":
        """These settings with the command-line options in ``updates`` (None: not given) laid over them."""
        given = {k: v for k, v in updates.items() if v is not None}
        language = given.get("language", self.language)
        settings = Settings.from_dict({**self.model_dump(), **given}, TEXT[_language(language)]["options"],
                                      language=language)
        settings._path = self._path
        return settings

    @property
    def path(self) -> str | None:
        """The config file these settings were read from (None: defaults or built in code)."""
        return self._path

    def entry_error(self, key: str, value: Any, why: str) -> str:
        """``配置文件 huimao.toml 中的 sheets.clients = "客户表" 有误: …`` in the settings' language."""
        text = TEXT[self.language]
        where = text["file"].format(path=self._path) if self._path else text["settings"]
        return text["entry"].format(origin=where, key=key, value=_shown(value, text), why=why)


def _shown(value: Any, text: dict[str, str]) -> str:
    """A value as TOML would spell it, near enough: "文字", 7, true, ["2026-12-31"]."""
    if value is None:
        return text["missing_value"]
    return json.dumps(value, ensure_ascii=False, default=str)


def _layout_key_problems(data: dict, text: dict[str, str]) -> list[tuple[str, Any, str]]:
    """Unknown keys and empty names in ``[sheets]`` and ``[columns.*]`` (pydantic checks only their types)."""
    problems: list[tuple[str, Any, str]] = []
    sheets, columns = data.get("sheets"), data.get("columns")
    if isinstance(sheets, dict):
        for key, title in sheets.items():
            if key not in layout.CONFIG_SHEET_KEYS:
                problems.append((f"sheets.{key}", title, text["sheet_key"].format(keys=", ".join(layout.CONFIG_SHEET_KEYS))))
            elif isinstance(title, str) and not title.strip():
                problems.append((f"sheets.{key}", title, text["empty"]))
    if isinstance(columns, dict):
        specs = {spec.key: spec for spec in layout.SHEETS}
        for sheet, fields in columns.items():
            spec = specs.get(sheet)
            if spec is None:
                problems.append((f"columns.{sheet}", fields, text["sheet_key"].format(keys=", ".join(specs))))
                continue
            if not isinstance(fields, dict):
                continue
            valid = [f.key for f in spec.fields]
            for key, header in fields.items():
                if key not in valid:
                    problems.append((f"columns.{sheet}.{key}", header, text["field_key"].format(
                        title=spec.title, english=spec.english, sheet=sheet, keys=", ".join(valid))))
                elif isinstance(header, str) and not header.strip():
                    problems.append((f"columns.{sheet}.{key}", header, text["empty"]))
    return problems


def _key(loc: tuple) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def _field(loc: tuple) -> tuple[type[BaseModel] | None, Any]:
    """(the model that holds the last key of ``loc``, that key's field) — (None, None) inside a dict."""
    model: Any = Settings
    for part in loc[:-1]:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None or not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)):
            return None, None
        model = field.annotation
    return model, model.model_fields.get(loc[-1]) if loc else None


def _explain(error: dict, text: dict[str, str]) -> tuple[str, Any, str]:
    """(key, value, why) of one pydantic error, in words an admin acts on."""
    loc, kind = tuple(error["loc"]), error["type"]
    key, value = _key(loc), error.get("input")
    model, field = _field(loc)
    if kind == "extra_forbidden":
        section = ".".join(str(p) for p in loc[:-1])
        keys = ", ".join(model.model_fields) if model is not None else ""
        where = text["section"].format(section=section) if section else text["top"]
        return key, value, text["unknown_key"].format(where=where, keys=keys)
    if kind == "literal_error" and field is not None:
        return key, value, text["choices"].format(choices=", ".join(f'"{c}"' for c in get_args(field.annotation)))
    if kind in ("greater_than_equal", "less_than_equal", "int_parsing", "int_type", "int_from_float") and field:
        bounds = {name: getattr(m, name) for m in field.metadata for name in ("ge", "le") if hasattr(m, name)}
        if "ge" in bounds and "le" in bounds:
            return key, value, text["range"].format(**bounds)
        if "ge" in bounds:
            return key, value, text["at_least"].format(**bounds)
    if kind.startswith("int_"):
        return key, value, text["integer"]
    if kind == "string_type":
        return key, value, text["string"]
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return key, value, text["table"].format(key=key)
    if kind in ("list_type", "tuple_type", "set_type"):
        return key, value, text["list"]
    if kind.startswith("date_"):
        return key, value, text["date"]
    if kind.startswith("bool_"):
        return key, value, text["bool"]
    if kind == "value_error":
        return key, value, str(error["ctx"]["error"])
    return key, value, text["other"].format(msg=error["msg"])
