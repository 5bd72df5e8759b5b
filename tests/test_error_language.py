"""Errors speak the configured language: with ``--lang en`` or ``language = "en"`` in huimao.toml an admin reads
``Error: …`` in English — what is wrong and how to fix it — and without either the same mistake gives the
Chinese message under ``错误:``. Either way the command exits with 2. ``doctor --lang en`` quotes the English
text too, and so do the scheduler's log and the run's record. Each case runs the real command in a fresh
folder, as an admin would."""

from __future__ import annotations

import ast
import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

from huimao_sheets.config import Settings
from huimao_sheets.errors import HuimaoError, SourceError, message_in
from huimao_sheets.jobs import find_job
from huimao_sheets.ledger import Ledger
from huimao_sheets.scheduler import run_due
from huimao_sheets.timing import TZ
from test_workbook_files import real_xls
from workbooks import make_workbook

SAVE_AS_ZH = "请用 Excel 或 WPS 打开它，选择“另存为”→“Excel 工作簿（*.xlsx）”，再用 --source 指向新文件。"
SAVE_AS_EN = "Open it in Excel or WPS, choose Save As → Excel Workbook (*.xlsx), and point --source at the new file."
GOOGLE_KEY = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_APPLICATION_CREDENTIALS", "HUIMAO_SMTP_PASSWORD")}
    env["COLUMNS"] = "400"
    return subprocess.run([sys.executable, "-m", "huimao_sheets.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def nothing(folder: Path) -> None:
    pass


def a_folder(folder: Path) -> None:
    (folder / "登记表").mkdir()


def an_xls(folder: Path) -> None:
    real_xls(folder / "客户登记.xls")


def a_bad_key(folder: Path) -> None:
    make_workbook(folder)
    key = folder / "key.json"
    key.write_text("{not json", encoding="utf-8")
    key.chmod(0o600)


def a_workbook(folder: Path) -> None:
    make_workbook(folder)


def a_locked_workbook(folder: Path) -> None:
    make_workbook(folder)
    (folder / "~$register.xlsx").write_bytes(b"owner")


def a_workbook_without_its_visit_log(folder: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "客户档案"
    book.active.append(["客户编号", "客户名称"])
    book.save(folder / "register.xlsx")


@dataclass
class Case:
    name: str
    make: Callable[[Path], None]
    args: list[str]
    en: str
    zh: str


CASES = [
    Case("missing workbook", nothing, ["check", "--source", "nowhere.xlsx"],
         "Workbook nowhere.xlsx not found. Check the path given to --source.",
         "找不到工作簿 nowhere.xlsx（file not found）。请检查 --source 的路径。"),
    Case("a folder", a_folder, ["check", "--source", "登记表"],
         "登记表 is a folder, not an .xlsx workbook. Point --source at the .xlsx file in it.",
         "登记表 是一个文件夹，不是 .xlsx 工作簿。请用 --source 指向其中的 .xlsx 文件。"),
    Case("an .xls to write", an_xls, ["check", "--write-findings", "--source", "客户登记.xls", "--state", "state"],
         "客户登记.xls is an old Excel 97-2003 workbook (.xls): it can be checked but not written "
         f"(--write-findings and setup-sheet write .xlsx only). {SAVE_AS_EN}",
         "客户登记.xls 是旧版 Excel 97-2003 工作簿（.xls）：可以检查，但不能写入（--write-findings、setup-sheet "
         f"只写 .xlsx）。{SAVE_AS_ZH}"),
    Case("a bad Google key", a_bad_key, ["check", "--source", f"gsheet:{GOOGLE_KEY}", "--credentials", "key.json"],
         "The credentials file key.json is not valid JSON (line 1: Expecting property name enclosed in double "
         "quotes). Download the key file again.",
         "凭据文件 key.json 不是有效的 JSON（第 1 行: Expecting property name enclosed in double quotes）。请重新下载密钥文件。"),
    Case("an SMTP URL with a password", a_workbook,
         ["report", "weekly", "--source", "register.xlsx", "--as-of", "2026-11-30",
          "--smtp", "smtp://ops:secret@mail.example.com:587"],
         "The SMTP address “smtp://ops:***@mail.example.com:587” is not valid: the password must not be written in "
         "the address; use the environment variable HUIMAO_SMTP_PASSWORD. Write smtp://user@host:587 (STARTTLS) or "
         "smtps://user@host:465 (SSL), and put the password in the environment variable HUIMAO_SMTP_PASSWORD.",
         "SMTP 地址“smtp://ops:***@mail.example.com:587”无效: 密码不能写在地址里，请使用环境变量 HUIMAO_SMTP_PASSWORD。"
         "请写成 smtp://user@host:587（STARTTLS）或 smtps://user@host:465（SSL），密码放在环境变量 HUIMAO_SMTP_PASSWORD 中。"),
    Case("a workbook open in Excel", a_locked_workbook,
         ["check", "--write-findings", "--source", "register.xlsx", "--as-of", "2026-11-27", "--state", "state"],
         "Workbook register.xlsx is open in Excel/WPS (its lock file ~$register.xlsx exists), so nothing was "
         "written, lest someone's changes be overwritten. Close the workbook and run again; if nobody has it open, "
         "delete ~$register.xlsx.",
         "工作簿 register.xlsx 正在被 Excel/WPS 打开（发现锁文件 ~$register.xlsx），为免覆盖别人的修改，没有写入。"
         "请先关闭该工作簿再运行；如果确实没有人打开它，删除 ~$register.xlsx 即可。"),
    Case("a worksheet missing", a_workbook_without_its_visit_log, ["check", "--source", "register.xlsx"],
         "No worksheet “拜访记录” (Visits). The workbook's worksheets: 客户档案. Run `huimao-sheets setup-sheet` to "
         "create the missing worksheets, or name it in the [sheets] section of huimao.toml.",
         "找不到工作表“拜访记录”（Visits）。工作簿中的工作表: 客户档案。可运行 `huimao-sheets setup-sheet` 创建缺少的工作表，"
         "或在 huimao.toml 的 [sheets] 中指定名称。"),
]
IDS = [case.name for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_lang_en_gives_the_english_message_under_error(tmp_path, case):
    case.make(tmp_path)
    done = run(*case.args, "--lang", "en", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"Error: {case.en}\n")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_language_en_in_the_config_file_gives_the_english_message_too(tmp_path, case):
    case.make(tmp_path)
    (tmp_path / "huimao.toml").write_text('language = "en"\n', encoding="utf-8")
    done = run(*case.args, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"Error: {case.en}\n")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_without_a_language_the_same_mistake_is_told_in_chinese(tmp_path, case):
    case.make(tmp_path)
    done = run(*case.args, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"错误: {case.zh}\n")


def test_lang_zh_overrides_language_en_of_the_config_file(tmp_path):
    (tmp_path / "huimao.toml").write_text('language = "en"\n', encoding="utf-8")
    done = run("check", "--source", "nowhere.xlsx", "--lang", "zh", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, f"错误: {CASES[0].zh}\n")


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def test_doctor_in_english_on_a_missing_workbook_speaks_english_but_for_the_users_own_names(tmp_path):
    # No --source: doctor looks for the default workbook, 客户登记.xlsx, which is not there.
    done = run("doctor", "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2
    assert "✗ spreadsheet reachable: Workbook 客户登记.xlsx not found. Check the path given to --source." \
        in done.stdout.splitlines()
    shown = done.stdout.replace("客户登记.xlsx", "")          # the user's file name
    shown = re.sub(r"“[^”]*”", "", shown)                      # quoted user data (sheet and header names)
    assert CJK.findall(shown) == [], shown


def test_an_error_shows_the_text_of_its_language_and_keeps_a_one_language_text_in_both():
    both = SourceError("找不到工作簿 a.xlsx。", en="Workbook a.xlsx not found.")
    assert (str(both), message_in(both, "en"), message_in(both, "zh")) == \
        ("找不到工作簿 a.xlsx。", "Workbook a.xlsx not found.", "找不到工作簿 a.xlsx。")
    assert str(both.in_language("en")) == "Workbook a.xlsx not found." and both.language == "en"
    plain = HuimaoError("只有中文")
    assert (str(plain.in_language("en")), plain.language) == ("只有中文", "en")
    assert message_in(ValueError("bad"), "en") == "bad"


ERROR_CLASSES = {"HuimaoError", "ConfigError", "SourceError", "SheetLayoutError", "MailError", "AlreadyRunning",
                 "KeyFileExposed", "TimingError"}


def test_every_error_message_in_chinese_has_an_english_text():
    package = Path(__file__).parents[1] / "huimao_sheets"
    chinese_only = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ERROR_CLASSES or name == "__init__":   # super().__init__(…) of an error class
                text = ast.get_source_segment(source, node) or ""
                if CJK.search(text) and not any(k.arg == "en" for k in node.keywords):
                    chinese_only.append(f"{path.relative_to(package.parent).as_posix()}:{node.lineno}")
    assert chinese_only == []


def test_the_schedulers_log_and_the_runs_record_tell_a_failed_job_in_english(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="huimao_sheets.scheduler")
    missing = tmp_path / "missing.xlsx"
    settings = Settings(source=str(missing), state_dir=str(tmp_path / "state"), outbox_dir=str(tmp_path / "outbox"),
                        language="en")
    run_due(settings, [find_job(settings, "daily-check")], datetime(2026, 11, 30, 8, 0, tzinfo=TZ), env={})
    [line] = [r.getMessage() for r in caplog.records if r.name == "huimao_sheets.scheduler"]
    assert line.startswith("daily-check 2026-11-30 failed ")
    assert line.endswith(f"s: Workbook {missing} not found. Check the path given to --source.")
    with Ledger.in_state_dir(settings.state_dir) as ledger:
        [run] = ledger.runs()
    assert run.summary == f"SourceError: Workbook {missing} not found. Check the path given to --source."
