"""Job files: ``jobs/*.toml``, one scheduled job each (DESIGN §3: adding a job means adding a file).

    name        = "daily-check"                         # default: the file's name
    description = "…"                                   # optional, shown by `huimao-sheets jobs`
    when        = "workdays 08:00"                      # see huimao_sheets.scheduler (Asia/Shanghai)
    checks      = "all"                                 # or a list of finding codes
    outputs     = ["findings_sheet", "daily_digest"]    # findings_sheet, daily_digest, weekly_report
    recipients  = ["客户经理", "部门经理"]               # roles of the 员工 sheet, or "all"
    catch_up_until = "17:30"                            # optional; default from [scheduler] in huimao.toml
    enabled     = true                                  # optional; false keeps the file but never runs it

The jobs are read from ``jobs_dir`` of the config (an admin's copies, see ``huimao-sheets init``), else
from the ones shipped with the package (``jobs/`` of the repository). Every problem is a ConfigError that
names the file, the key, the value and what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from huimao_sheets.checks import CHECKS
from huimao_sheets.config import Settings, load_toml
from huimao_sheets.errors import ConfigError
from huimao_sheets.layout import (
    ACCOUNT_MANAGER,
    DEPARTMENT_MANAGER,
    DIRECTOR,
    DIRECTOR_ASSISTANT,
    ROLES,
)
from huimao_sheets.normalize import parse_choice
from huimao_sheets.shipped import shipped_folder
from huimao_sheets.timing import TimingError, When, parse_time_of_day, parse_when

FINDINGS_SHEET, DAILY_DIGEST, WEEKLY_REPORT = "findings_sheet", "daily_digest", "weekly_report"
OUTPUTS = {
    FINDINGS_SHEET: "重写数据检查表",
    DAILY_DIGEST: "给有待办的人发日报",
    WEEKLY_REPORT: "发周报（个人、部门、公司）",
}
# Outputs that stand for the whole register and so need every check.
NEEDS_ALL_CHECKS = (FINDINGS_SHEET, WEEKLY_REPORT)

ROLE_ALIASES = {"account_manager": ACCOUNT_MANAGER, "department_manager": DEPARTMENT_MANAGER,
                "director_assistant": DIRECTOR_ASSISTANT, "director": DIRECTOR, **{r: r for r in ROLES}}
ALL = ("all", "所有人", "全部")

KEYS = ("name", "description", "when", "checks", "outputs", "recipients", "catch_up_until", "enabled")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class Job:
    name: str
    when: When
    outputs: tuple[str, ...]
    checks: tuple[str, ...] | None = None         # None: every check
    roles: tuple[str, ...] = ROLES                # who may receive mail, by 角色
    description: str = ""
    catch_up_until: time | None = None            # None: the config's scheduler.catch_up_until
    enabled: bool = True
    path: Path | None = None


def packaged_jobs() -> Path:
    """The jobs shipped with the package (``jobs/`` of the repository; see ``huimao_sheets.shipped``)."""
    return shipped_folder("jobs")


def jobs_folder(settings: Settings) -> Path:
    if settings.jobs_dir:
        folder = Path(settings.jobs_dir)
        if not folder.is_dir():
            raise ConfigError(f"配置项 jobs_dir 指向的目录 {folder} 不存在。运行 `huimao-sheets init` 可复制一份任务文件"
                              f"以便修改，或删除该配置项使用内置任务。",
                              en=f"The folder {folder} named by the setting jobs_dir does not exist. Run "
                                 "`huimao-sheets init` to copy the job files there for editing, or remove the "
                                 "setting to use the built-in jobs.")
        return folder
    return packaged_jobs()


class _Problem(Exception):
    """A bad value of one key; ``load_job`` turns it into a ConfigError naming the file."""

    def __init__(self, key: str, value: Any, why: str, why_en: str):
        super().__init__(why)
        self.key, self.value, self.why, self.why_en = key, value, why, why_en


def _strings(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Problem(key, value, "应为非空的字符串列表", "should be a list of strings, not empty")
    return [v.strip() for v in value]


def _checks(value: Any) -> tuple[str, ...] | None:
    items = _strings("checks", value)
    if len(items) == 1 and items[0].lower() in ALL:
        return None
    unknown = [c for c in items if c not in CHECKS]
    if unknown:
        raise _Problem("checks", value, f"未知的检查 {', '.join(unknown)}；可选 \"all\" 或: {', '.join(CHECKS)}",
                       f"unknown check {', '.join(unknown)}; write \"all\" or some of: {', '.join(CHECKS)}")
    return tuple(dict.fromkeys(items))


def _outputs(value: Any) -> tuple[str, ...]:
    items = _strings("outputs", value)
    unknown = [o for o in items if o not in OUTPUTS]
    if unknown:
        raise _Problem("outputs", value, f"未知的输出 {', '.join(unknown)}；可选: "
                                         + "、".join(f"{k}（{v}）" for k, v in OUTPUTS.items()),
                       f"unknown output {', '.join(unknown)}; choose from: {', '.join(OUTPUTS)}")
    return tuple(dict.fromkeys(items))


def _roles(value: Any) -> tuple[str, ...]:
    # width and spaces folded as the register reads 角色 on 员工: "部门　经理" is 部门经理
    items = [_role_text(r) for r in _strings("recipients", value)]
    if len(items) == 1 and items[0].lower() in ALL:
        return ROLES
    unknown = [r for r in items if r.lower() not in ROLE_ALIASES and r not in ROLE_ALIASES]
    if unknown:
        raise _Problem("recipients", value, f"未知的角色 {', '.join(unknown)}；可选 \"all\" 或员工表的角色: "
                                            f"{'、'.join(ROLES)}（或 {', '.join(k for k in ROLE_ALIASES if k not in ROLES)}）",
                       f"unknown role {', '.join(unknown)}; write \"all\" or roles of the staff sheet: "
                       f"{', '.join(k for k in ROLE_ALIASES if k not in ROLES)} (or {', '.join(ROLES)})")
    return tuple(dict.fromkeys(ROLE_ALIASES.get(r, ROLE_ALIASES.get(r.lower())) for r in items))


def _role_text(text: str) -> str:
    role = parse_choice(text, ROLES)
    return role if isinstance(role, str) else text


def parse_job(data: dict[str, Any], path: Path) -> Job:
    """A job from the TOML of ``path``; problems name the key (the caller adds the file)."""
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise _Problem(unknown[0], data[unknown[0]], f"不是任务文件的键；可用的键: {', '.join(KEYS)}",
                       f"not a key of job files; the keys are: {', '.join(KEYS)}")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not _NAME.match(name):
        raise _Problem("name", name, "应由小写字母、数字、- 和 _ 组成，例如 \"daily-check\"",
                       "should be made of lower-case letters, digits, - and _, e.g. \"daily-check\"")
    if "when" not in data:
        raise _Problem("when", None, "缺少此键；例如 when = \"workdays 08:00\"",
                       "this key is missing; e.g. when = \"workdays 08:00\"")
    if not isinstance(data["when"], str):
        raise _Problem("when", data["when"], "应为字符串，例如 \"workdays 08:00\"",
                       "should be a string, e.g. \"workdays 08:00\"")
    try:
        when = parse_when(data["when"])
    except TimingError as exc:
        raise _Problem("when", data["when"], exc.text("zh"), exc.text("en")) from exc
    if "outputs" not in data:
        raise _Problem("outputs", None, f"缺少此键；可选: {', '.join(OUTPUTS)}",
                       f"this key is missing; choose from: {', '.join(OUTPUTS)}")
    outputs = _outputs(data["outputs"])
    checks = _checks(data.get("checks", "all"))
    partial = [o for o in outputs if o in NEEDS_ALL_CHECKS]
    if checks is not None and partial:
        raise _Problem("checks", data["checks"], f"输出 {', '.join(partial)} 针对整个登记表，需要全部检查: "
                                                 f"请写 checks = \"all\"，或把这些输出放到另一个任务文件里",
                       f"the outputs {', '.join(partial)} cover the whole register and need every check: write "
                       "checks = \"all\", or put these outputs in a job file of their own")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _Problem("description", description, "应为字符串", "should be a string")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _Problem("enabled", enabled, "应为 true 或 false", "should be true or false")
    until = None
    if "catch_up_until" in data:
        try:
            until = parse_time_of_day(data["catch_up_until"])
        except TimingError as exc:
            raise _Problem("catch_up_until", data["catch_up_until"], exc.text("zh"), exc.text("en")) from exc
    return Job(name=name, when=when, outputs=outputs, checks=checks, roles=_roles(data.get("recipients", "all")),
               description=description, catch_up_until=until, enabled=enabled, path=path)


def load_job(path: str | Path) -> Job:
    path = Path(path)
    data = load_toml(path, "任务文件")
    try:
        return parse_job(data, path)
    except _Problem as p:
        shown = "（缺失）" if p.value is None else repr(p.value)
        raise ConfigError(f"任务文件 {path} 中的 {p.key} = {shown} 有误: {p.why}",
                          en=f"In the job file {path}, {p.key} = {'(missing)' if p.value is None else shown} "
                             f"is wrong: {p.why_en}") from None


def load_jobs(settings: Settings, *, include_disabled: bool = False) -> list[Job]:
    """Every job of the jobs folder, in file-name order; names must be unique."""
    folder = jobs_folder(settings)
    jobs: list[Job] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.toml")):
        job = load_job(path)
        if job.name in seen:
            raise ConfigError(f"任务文件 {path} 中的 name = {job.name!r} 有误: 与 {seen[job.name]} 重名，"
                              f"每个任务的名称必须不同",
                              en=f"In the job file {path}, name = {job.name!r} is wrong: {seen[job.name]} has the "
                                 "same name, and every job needs a name of its own")
        seen[job.name] = path
        if job.enabled or include_disabled:
            jobs.append(job)
    return jobs


def find_job(settings: Settings, name: str) -> Job:
    """The job called ``name`` (enabled or not: an admin may run a disabled job by hand)."""
    jobs = load_jobs(settings, include_disabled=True)
    for job in jobs:
        if job.name == name or (job.path is not None and job.path.stem == name):
            return job
    names = ", ".join(j.name for j in jobs) or "（无）"
    raise ConfigError(f"没有名为“{name}”的任务（在 {jobs_folder(settings)} 中）。现有任务: {names}",
                      en=f"There is no job called “{name}” (in {jobs_folder(settings)}). The jobs are: "
                         f"{', '.join(j.name for j in jobs) or '(none)'}")
