"""`huimao-sheets check` end to end: the JSON contract of DESIGN §4 on the demo workbook, the other formats,
and exit codes 0 (clean) / 1 (error findings) / 2 (bad usage or set-up, no traceback)."""

import csv
import io
import json
import subprocess
import sys

import pytest

from huimao_sheets.demo import DemoSpec, write_demo_workbook
from huimao_sheets.checks import CHECKS
from workbooks import make_workbook

FINDING_KEYS = ["code", "severity", "sheet", "rows", "column", "client_ids", "staff", "owner", "notify", "message",
                "details"]


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "huimao_sheets.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory):
    return write_demo_workbook(tmp_path_factory.mktemp("demo") / "demo.xlsx", DemoSpec())


def test_json_output_follows_the_findings_contract_on_the_demo_workbook(demo_workbook):
    done = run("check", "--source", str(demo_workbook), "--as-of", "2026-11-27", "--format", "json")
    assert done.returncode == 1, done.stderr  # the demo has error findings
    doc = json.loads(done.stdout)
    assert list(doc) == ["as_of", "source", "counts", "findings"]
    assert doc["as_of"] == "2026-11-27" and doc["source"] == str(demo_workbook)
    expected_codes = set(CHECKS) - {"duplicate_client", "missing_email", "stray_cell", "late_entry"}  # late_entry needs --state
    assert expected_codes <= set(doc["counts"]), "every finding code of the core checks is present in the demo"
    assert sum(doc["counts"].values()) == len(doc["findings"])
    staff_names = set()
    for f in doc["findings"]:
        assert list(f) == FINDING_KEYS
        assert f["severity"] == CHECKS[f["code"]].severity
        assert f["sheet"] in ("客户档案", "拜访记录", "员工", "拜访计划")
        assert f["rows"] == sorted(f["rows"]) and all(isinstance(r, int) and r >= 2 for r in f["rows"])
        assert f["owner"], f"every finding has someone to act on it: {f}"
        assert f["message"]
        staff_names.update(f["staff"])
    row_column = [f for f in doc["findings"] if f["code"] in ("missing_required", "invalid_phone", "invalid_date",
                                                             "invalid_value", "future_date", "unknown_client")]
    assert all(len(f["rows"]) == 1 and f["column"] for f in row_column)
    assert all(" " not in name and "\u3000" not in name for name in staff_names)


def test_only_limits_the_checks_and_csv_has_one_line_per_finding(demo_workbook):
    done = run("check", "--source", str(demo_workbook), "--as-of", "2026-11-27", "--format", "csv",
               "--only", "visit_collision,plan_collision")
    assert done.returncode == 0, done.stderr  # collisions are warnings
    rows = list(csv.DictReader(io.StringIO(done.stdout.removeprefix("\ufeff"))))
    assert rows and {r["问题代码"] for r in rows} == {"visit_collision", "plan_collision"}


def test_a_clean_register_exits_0_and_says_so(tmp_path):
    done = run("check", "--source", str(make_workbook(tmp_path)), "--as-of", "2026-11-27")
    assert done.returncode == 0, done.stderr
    assert "没有发现问题" in done.stdout


def test_global_options_go_before_or_after_the_command_name_and_the_later_one_wins(tmp_path):
    path = str(make_workbook(tmp_path))
    before = run("--lang", "en", "--source", path, "check", "--as-of", "2026-11-27")
    after = run("--lang", "en", "--source", "nowhere.xlsx", "check", "--source", path, "--lang", "zh",
                "--as-of", "2026-11-27")
    assert (before.returncode, before.stdout) == (0, "No findings.\n"), before.stderr
    assert (after.returncode, after.stdout) == (0, "没有发现问题。\n"), after.stderr


def test_the_table_counts_findings_per_owner(tmp_path):
    from workbooks import client

    path = make_workbook(tmp_path, clients=[client(地址=None), client(客户编号="KH0002", 客户名称="厦门兴海建材有限公司",
                                                              负责人手机="13900139000", 客户经理="李娜", 行业=None)])
    done = run("check", "--source", str(path), "--as-of", "2026-11-27", "--lang", "en")
    assert done.returncode == 1
    assert "  Owner  Errors  Warnings  Count\n  张伟        1         0      1\n  李娜        1         0      1\n" in done.stdout


@pytest.mark.parametrize("args, message", [
    (["--source", "nowhere.xlsx"], "找不到工作簿 nowhere.xlsx"),
    (["--as-of", "2026-13-01"], "--as-of 的日期“2026-13-01”无效"),
    (["--format", "xml"], "--format 只能是 table、json 或 csv"),
    (["--only", "no_such_check"], "未知的检查 no_such_check"),
])
def test_user_mistakes_exit_2_with_a_message_and_no_traceback(tmp_path, args, message):
    base = ["check", "--source", str(make_workbook(tmp_path)), "--as-of", "2026-11-27"]
    done = run(*base, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_sheet_exits_2_naming_it(tmp_path):
    import openpyxl

    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["员工"]
    wb.save(path)
    done = run("check", "--source", str(path))
    assert done.returncode == 2
    assert "找不到工作表“员工”" in done.stderr and "Traceback" not in done.stderr


def test_global_options_work_before_the_subcommand_too(tmp_path):
    done = run("--source", str(make_workbook(tmp_path)), "check", "--as-of", "2026-11-27", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["findings"] == []


def test_a_config_file_sets_the_language_and_the_window(tmp_path):
    from datetime import date

    from workbooks import visit

    path = make_workbook(tmp_path, visits=[visit(拜访日期=date(2026, 11, 1)), visit(拜访日期=date(2026, 11, 11), 拜访人="李娜")])
    config = tmp_path / "huimao.toml"
    config.write_text('language = "en"\n[checks]\ncollision_window_days = 10\n', encoding="utf-8")
    done = run("check", "--config", str(config), "--source", str(path), "--as-of", "2026-11-27", "--format", "json",
               "--only", "visit_collision")
    found = json.loads(done.stdout)["findings"]
    assert [(f["rows"], f["message"][:6]) for f in found] == [([2, 3], "Client")]


def test_a_bad_config_value_names_the_key_and_exits_2(tmp_path):
    config = tmp_path / "huimao.toml"
    config.write_text('[checks]\nday_count = "lunar"\n', encoding="utf-8")
    done = run("check", "--config", str(config), "--source", str(make_workbook(tmp_path)))
    assert done.returncode == 2
    assert "checks.day_count" in done.stderr and "lunar" in done.stderr


@pytest.mark.parametrize("line, key", [('[checks]\ncompany_days_off = ["2026-13-01"]\n', "checks.company_days_off"),
                                       ('timezone = "Mars/Base"\n', "timezone")])
def test_a_bad_day_off_or_an_unknown_key_in_the_config_exits_2_naming_it(tmp_path, line, key):
    config = tmp_path / "huimao.toml"
    config.write_text(line, encoding="utf-8")
    done = run("check", "--config", str(config), "--source", str(make_workbook(tmp_path)))
    assert done.returncode == 2
    assert key in done.stderr and "Traceback" not in done.stderr


def test_check_without_source_names_the_default_workbook_it_reads_on_stderr(tmp_path):
    make_workbook(tmp_path, name="客户登记.xlsx")
    done = run("check", "--as-of", "2026-11-27", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "读取工作簿 客户登记.xlsx（未给 --source，用的是默认文件：当前文件夹中的 客户登记.xlsx）\n"
    assert json.loads(done.stdout)["source"] == "客户登记.xlsx"


def test_check_without_source_names_the_configured_workbook_and_says_where_it_came_from(tmp_path):
    make_workbook(tmp_path, name="register.xlsx")
    (tmp_path / "huimao.toml").write_text('source = "register.xlsx"\nlanguage = "en"\n', encoding="utf-8")
    done = run("check", "--as-of", "2026-11-27", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "Reading register.xlsx (no --source given: the source in huimao.toml)\n"


def test_check_with_source_prints_nothing_on_stderr(tmp_path):
    done = run("check", "--source", str(make_workbook(tmp_path)), "--as-of", "2026-11-27")
    assert (done.returncode, done.stderr) == (0, "")


def test_write_findings_says_what_it_wrote_and_where(tmp_path):
    from workbooks import client

    path = make_workbook(tmp_path, clients=[client(地址=None), client(客户编号="KH0002", 客户名称="厦门兴海建材有限公司",
                                                              负责人手机="13900139000", 行业=None)])
    done = run("check", "--source", str(path), "--as-of", "2026-11-27", "--write-findings",
               "--state", str(tmp_path / "state"))
    assert done.returncode == 1
    assert done.stderr == f"已把 2 条问题写入 {path} 的工作表“数据检查”：第2–3行（表头在第1行），该表已整体替换。\n"
    clean = make_workbook(tmp_path, name="clean.xlsx")
    done = run("check", "--source", str(clean), "--as-of", "2026-11-27", "--write-findings", "--lang", "en",
               "--state", str(tmp_path / "state"))
    assert (done.returncode, done.stderr) == (
        0, f"Wrote the worksheet “数据检查” of {clean}: no findings, only the header row is left.\n")


def test_demo_help_shows_the_demo_date_as_its_default_and_nothing_else():
    done = run("demo", "--help")
    assert "default today" not in done.stdout
    assert "[default: 2026-11-27]" in done.stdout


def test_check_help_says_which_workbook_is_read_without_source():
    done = run("check", "--help")
    flat = " ".join(done.stdout.split())
    assert "--source <str> an .xlsx path, a Google Sheets URL or gsheet:KEY (default: source in huimao.toml, else 客户登记.xlsx in the current folder)" in flat
