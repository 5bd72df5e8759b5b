"""The outputs of `check`: a table a person can read (a summary, the first findings of each code, no
control characters), CSV that Excel/WPS opens safely (BOM, language, no formulas), JSON with every finding."""

import csv
import dataclasses
import io
import json
import subprocess
import sys

import pytest
from rich.console import Console

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.findings import CheckResult, Finding
from huimao_sheets.outputs.console import csv_safe, one_line, print_table, to_csv, to_json
from workbooks import AS_OF, client, make_workbook


def run(*args):
    return subprocess.run([sys.executable, "-m", "huimao_sheets.cli", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def small_register(tmp_path_factory):
    """Five findings: three blank cells, a bad mobile, and a rating typed with a terminal escape (C1 CSI)."""
    return make_workbook(tmp_path_factory.mktemp("small"), clients=[
        client(地址=None),
        client(客户编号="KH0002", 客户名称="厦门兴海建材有限公司", 负责人手机="13900139000", 客户经理="李娜", 行业=None,
               客户综合评估="E\x9b2J"),
        client(客户编号="KH0003", 客户名称="泉州恒通物流有限公司", 负责人手机="12345", 地址=None),
    ])


def _table(path, language, limit):
    _register, result = check(str(path), AS_OF, Settings(language=language))
    out = io.StringIO()
    print_table(result, Console(file=out, width=40, color_system=None), language, limit=limit)
    return out.getvalue().splitlines()


def test_the_table_summarises_counts_per_code_and_owner_then_the_first_findings_of_each_code(small_register):
    assert _table(small_register, "zh", 1) == [
        "共 5 个问题（错误 5，提醒 0）",
        "",
        "按问题类型",
        "  missing_required  必填项为空      错误  3",
        "  invalid_phone     手机号无效      错误  1",
        "  invalid_value     取值不在范围内  错误  1",
        "",
        "按处理人",
        "  处理人  错误  提醒  数量",
        "  张伟       3     0     3",
        "  李娜       2     0     2",
        "",
        "missing_required 必填项为空（3 个，显示前 1 个）",
        "  张伟  客户档案第2行缺少“地址”",
        "  … 另有 2 个未显示：--limit N 显示更多，--all 显示全部，--format csv 导出全部",
        "",
        "invalid_phone 手机号无效（1 个）",
        "  张伟  客户档案第4行“负责人手机”不是有效的大陆手机号码：“12345”",
        "",
        "invalid_value 取值不在范围内（1 个）",
        # the escape typed into the cell never reaches the terminal; the line is not wrapped at width 40
        "  李娜  客户档案第3行“客户综合评估”的值“E2J”不在可选范围内（A、B、C、D）",
    ]


def test_the_table_speaks_english_and_shows_every_finding_without_a_limit(small_register):
    lines = _table(small_register, "en", None)
    assert lines[:3] == ["5 findings (5 errors, 0 warnings)", "", "By finding"]
    assert "  missing_required  Required cell blank  error  3" in lines
    assert "  Owner  Errors  Warnings  Count" in lines
    section = lines.index("missing_required Required cell blank (3)")
    assert lines[section + 1:section + 4] == [
        "  张伟  客户档案 row 2: “地址” (Address) is missing",
        "  李娜  客户档案 row 3: “行业” (Industry) is missing",
        "  张伟  客户档案 row 4: “地址” (Address) is missing",
    ]
    assert not any("more not shown" in line for line in lines)


@pytest.mark.parametrize("options, shown, more", [
    ([], 3, None),
    (["--limit", "1"], 1, "… 另有 2 个未显示"),
    (["--limit", "1", "--all"], 3, None),
])
def test_limit_and_all_choose_how_many_findings_of_each_code_the_command_shows(small_register, options, shown, more):
    done = run("check", "--source", str(small_register), "--as-of", "2026-11-27", *options)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    section = lines.index("missing_required 必填项为空（3 个）" if more is None
                          else "missing_required 必填项为空（3 个，显示前 1 个）")
    assert [line.split()[0] for line in lines[section + 1:section + 1 + shown]] == ["张伟", "李娜", "张伟"][:shown]
    following = lines[section + 1 + shown]
    assert following.strip().startswith(more) if more else following == ""
    assert "\x9b" not in done.stdout


def test_a_table_line_holds_no_control_character_and_no_line_break():
    assert one_line("张\x1b[31m伟\r\n第二行\t\x9b2J备注") == "张[31m伟 第二行 2J备注"
    assert one_line("福州（鼓楼）") == "福州（鼓楼）"


DANGEROUS = Finding(code="invalid_value", sheet="=客户档案", rows=[3], column="+列", message="-1+1 说明",
                    owner="@SUM(1)", client_ids=["\tKH1", "KH2"], staff=["\r张伟", "李娜"], severity="error")


def _read_csv(text):
    assert text.startswith("\ufeff"), "a BOM, so that Excel on Chinese Windows reads UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_neutralises_every_field_a_spreadsheet_would_run_as_a_formula():
    rows = _read_csv(to_csv(CheckResult(as_of=AS_OF, source="x.xlsx", findings=[DANGEROUS]), "zh"))
    assert rows == [
        ["问题代码", "级别", "处理人", "工作表", "行", "列", "客户编号", "相关员工", "说明"],
        ["invalid_value", "错误", "'@SUM(1)", "'=客户档案", "3", "'+列", "'\tKH1 KH2", "'\r张伟 李娜", "'-1+1 说明"],
    ]


def test_csv_headers_and_severities_follow_the_language():
    rows = _read_csv(to_csv(CheckResult(as_of=AS_OF, source="x.xlsx", findings=[
        dataclasses.replace(DANGEROUS, code="future_date", severity="warning", owner=None)]), "en"))
    assert rows[0] == ["code", "severity", "owner", "sheet", "rows", "column", "client_ids", "staff", "message"]
    assert rows[1][:3] == ["future_date", "warning", ""]


@pytest.mark.parametrize("text, safe", [("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-", "'-"), ("@A1", "'@A1"),
                                        ("\tx", "'\tx"), ("\rx", "'\rx"), ("张伟", "张伟"), ("a=1", "a=1"), ("", "")])
def test_csv_safe(text, safe):
    assert csv_safe(text) == safe


def test_the_csv_command_writes_a_bom_and_the_chosen_language(small_register):
    done = subprocess.run([sys.executable, "-m", "huimao_sheets.cli", "check", "--source", str(small_register),
                           "--as-of", "2026-11-27", "--format", "csv", "--lang", "en", "--only", "invalid_phone"],
                          capture_output=True, timeout=120)
    assert done.returncode == 1, done.stderr
    rows = _read_csv(done.stdout.decode("utf-8"))
    assert rows[0][:2] == ["code", "severity"]
    assert rows[1][:8] == ["invalid_phone", "error", "张伟", "客户档案", "4", "负责人手机", "KH0003", "张伟"]
    assert rows[1][8].endswith("is not a valid mainland mobile number: “12345”")


def test_json_carries_every_field_of_every_finding_as_before(small_register):
    _register, result = check(str(small_register), AS_OF, Settings())
    expected = {"as_of": "2026-11-27", "source": str(small_register), "counts": result.counts(),
                "findings": [{k: dataclasses.asdict(f)[k] for k in (
                    "code", "severity", "sheet", "rows", "column", "client_ids", "staff", "owner", "notify",
                    "message", "details")} for f in result.findings]}
    assert json.loads(to_json(result)) == expected
    assert json.loads(to_json(CheckResult(as_of=AS_OF, source="x", findings=[])))["findings"] == []
