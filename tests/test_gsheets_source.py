"""The Google Sheets source, through gspread's real HTTP code and the in-process stand-in of the API:
the stand-in answers like the recorded real API, a read costs two requests, dates arrive as serials,
trimmed and empty sheets read right, the same data gives the same findings as an xlsx, failures are
retried within a bound, and every error says what to do (exit code 2 on the command line)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import openpyxl
import pytest

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.errors import SourceError
from huimao_sheets.layout import CLIENTS, PLANS, STAFF, VISITS
from huimao_sheets.sources.google_credentials import READ_SCOPE, WRITE_SCOPE, load_service_account
from huimao_sheets.sources.gsheets import GoogleSheetSource, spreadsheet_key
from sheets_standin import DROP, SAMPLES, SERVICE_ACCOUNT, Formula, SheetsStandIn, write_key_file
from sheets_standin import key_file, standin  # noqa: F401  (fixtures)

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abc"
AS_OF = date(2026, 11, 27)
HEADERS = {spec.key: [f.header for f in spec.fields] for spec in (CLIENTS, VISITS, STAFF, PLANS)}


def open_source(standin: SheetsStandIn, key_file, write: bool = False, **retry) -> GoogleSheetSource:
    return GoogleSheetSource.open(f"gsheet:{KEY}", str(key_file), write=write, transport=standin.transport(**retry))


# --- the stand-in answers like the real API ------------------------------------------------------

SHEET1 = [[2, date(2020, 1, 1), "string", 53], [1.5, 0.12, date(1999, 1, 2)]]
CACTUS = "🌵 test_values_batch_get 1"
SAMPLE_STATE = {  # the spreadsheet each recorded request was made against
    "01": {"Sheet1": []}, "02": {"Sheet1": []}, "03": {"Sheet1": [], CACTUS: []},
    "04": {"Sheet1": [], CACTUS: [["🍇", "🍉", "🍋"], ["🍐", "🍎", "🍓"]]},
    "05": {"Sheet1": SHEET1}, "06": {"Sheet1": []}, "07": {"Sheet1": SHEET1}, "08": {"Sheet1": SHEET1},
    "09": {"Sheet1": SHEET1}, "10": {"Sheet1": SHEET1}, "11": {"Sheet1": SHEET1}, "12": None,
    "13": {"Sheet1": []}, "14": {"Sheet1": []}, "15": {"Sheet1": []}, "16": {"Sheet1": [["a", "b", "c"], ["d"] * 5]},
    "17": {"Sheet1": []}, "18": {"Sheet1": [["A", "", "C", "3_1_0"], [1.5, 0.12, "", "3_2_1"]]},
    "19": {"Sheet1": [[Formula("=4/2", 2), date(2020, 1, 1), "string", 53], [Formula("=3/2", 1.5), 0.12, date(1999, 1, 2)]]},
    "20": {"Sheet1": []},
}
SAME_SHAPE_ONLY = {"01", "02"}  # their bodies hold ids and titles of the recorded spreadsheet


def shape(value):
    """Keys and value types, recursively; a list's shape is the set of its elements' shapes."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return ["list", sorted({json.dumps(shape(v), sort_keys=True) for v in value})]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "null" if value is None else type(value).__name__


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.name[:2])
def test_the_standin_answers_each_recorded_request_like_the_real_api(sample):
    recorded = json.loads(sample.read_text(encoding="utf-8"))
    request, expected = recorded["request"], recorded["response"]
    key = re.search(r"/spreadsheets/([^/:?]+)", request["uri"]).group(1)
    standin = SheetsStandIn()
    state = SAMPLE_STATE[sample.name[:2]]
    if state is not None:
        book = standin.add_spreadsheet(key, state, access="none" if sample.name.startswith("13") else "writer")
        if CACTUS in state:
            book.sheet(CACTUS).rows = book.sheet(CACTUS).columns = 10
    response = standin.session().request(request["method"], request["uri"], json=request["body"])
    assert response.status_code == expected["status"]
    assert shape(response.json()) == shape(expected["body"])
    if sample.name[:2] not in SAME_SHAPE_ONLY:
        assert response.json() == expected["body"]


# --- reading ---------------------------------------------------------------------------------------

def register_sheets(clients=(), visits=(), staff=(), plans=()) -> dict[str, list[list]]:
    return {CLIENTS.title: [HEADERS["clients"], *clients], VISITS.title: [HEADERS["visits"], *visits],
            STAFF.title: [HEADERS["staff"], *staff], PLANS.title: [HEADERS["plans"], *plans]}


STAFF_ROWS = [["陈总", "chen@huimao.cn", "市场总监", "市场部"], ["王经理", "wang@huimao.cn", "部门经理", "市场一部", "陈总"],
              ["张伟", "zhangwei@huimao.cn", "客户经理", "市场一部", "王经理"],
              ["李娜", "lina@huimao.cn", "客户经理", "市场一部", "王经理"]]


def test_reading_every_worksheet_costs_one_metadata_request_and_one_batch_get(standin, key_file):
    standin.add_spreadsheet(KEY, {**register_sheets(staff=STAFF_ROWS), "微信群": [["备注"]]})
    source = open_source(standin, key_file)
    titles = source.sheet_titles()
    tables = source.read_tables(titles)
    assert list(tables) == ["客户档案", "拜访记录", "员工", "拜访计划", "微信群"]
    assert [(c.method, c.path) for c in standin.calls] == [
        ("GET", f"/v4/spreadsheets/{KEY}"), ("GET", f"/v4/spreadsheets/{KEY}/values:batchGet")]
    batch = standin.calls[1].query
    assert batch["ranges"] == ["'客户档案'", "'拜访记录'", "'员工'", "'拜访计划'", "'微信群'"]
    assert batch["valueRenderOption"] == ["UNFORMATTED_VALUE"] and batch["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    assert all(c.timeout == (10.0, 120.0) for c in standin.calls), "every request has a timeout"


def test_a_whole_check_of_a_big_register_reads_in_two_requests(standin, key_file):
    clients = [[f"KH{i:05d}", f"客户{i}", "贸易", "福州", "林", 13800138000, "张伟", "市场一部", "B", "中"]
               for i in range(3000)]
    visits = [[date(2026, 11, 1 + i % 20), f"KH{i:05d}", None, "张伟", "上门", "问题"] for i in range(6000)]
    standin.add_spreadsheet(KEY, register_sheets(clients, visits, STAFF_ROWS))
    _register, result = check(f"gsheet:{KEY}", AS_OF, Settings(credentials=str(key_file)))
    assert len(standin.calls) == 2
    assert result.source == f"gsheet:{KEY}"


def test_date_cells_arrive_as_serial_numbers_and_the_register_reads_them_as_dates(standin, key_file):
    standin.add_spreadsheet(KEY, register_sheets(
        visits=[[date(2026, 11, 3), "KH0001", None, "张伟", "上门", "价格", None, datetime(2026, 12, 1, 9, 30)]]))
    source = open_source(standin, key_file)
    row = source.read_tables(["拜访记录"])["拜访记录"].rows[1]
    assert row[0] == 46329 and row[7] == pytest.approx(46357.395833, abs=1e-5)
    from huimao_sheets.register import build_register

    visit = build_register(source, Settings(), AS_OF).visits[0]
    assert (visit.row, visit.visit_date, visit.next_followup) == (2, date(2026, 11, 3), date(2026, 12, 1))


def test_trimmed_rows_and_blank_rows_keep_the_sheets_own_row_numbers(standin, key_file):
    standin.add_spreadsheet(KEY, register_sheets(clients=[
        ["KH0001", "鼎盛贸易", "贸易", "福州", "林建国", 13800138000, "张伟", "市场一部", "A", "高"],
        [],                                         # a blank separator row comes back as []
        ["KH0002", "宏达电子", "电子", "厦门", "陈", "13900139000", "李娜"],   # trailing cells trimmed by the API
    ], staff=STAFF_ROWS))
    source = open_source(standin, key_file)
    rows = source.read_tables(["客户档案"])["客户档案"].rows
    assert rows[2] == [] and rows[3] == ["KH0002", "宏达电子", "电子", "厦门", "陈", "13900139000", "李娜"]
    from huimao_sheets.register import build_register

    clients = build_register(source, Settings(), AS_OF).clients
    assert [(c.row, c.client_id, c.contact_mobile, c.rating) for c in clients] == [
        (2, "KH0001", "13800138000", "A"), (4, "KH0002", "13900139000", None)]


def test_an_empty_worksheet_is_a_table_without_rows(standin, key_file):
    standin.add_spreadsheet(KEY, {**register_sheets(staff=STAFF_ROWS), "拜访计划": []})
    source = open_source(standin, key_file)
    assert source.read_tables(["拜访计划", "员工"])["拜访计划"].rows == []
    _register, result = check(f"gsheet:{KEY}", AS_OF, Settings(credentials=str(key_file)))
    assert "拜访计划" not in {f.sheet for f in result.findings}


# Messy rows, each typed as a person would in either program: dates as date cells, as text and as
# serial-looking numbers, phones as numbers and as text, ratings in the wrong case, a future visit, …
MESSY = dict(
    clients=[
        ["KH0001", "福州鼎盛贸易有限公司", "贸易", "福州市鼓楼区", "林建国", 13800138000, "张伟", "市场一部", "A", "高", "跟踪中", date(2026, 11, 1)],
        ["kh-0002", "厦门宏达电子", "电子", "厦门", "陈明", "138 0013 800", "李娜", "市场一部", "b", "中", None, "2026/11/20"],
        ["KH0003", "泉州鑫达物流", "物流", None, "王芳", "+86 139-0013-9000", "张伟", "市场一部", "E", "很高"],
        [],
        ["KH0004", "福州鼎盛贸易有限公司", "贸易", "福州市鼓楼区", "林建国", "13800138000", "李娜", "市场一部", "C", "低", "已拜访", "2026年10月3日"],
    ],
    visits=[
        [date(2026, 11, 20), "KH0001", None, "张伟", "上门", "想做绩效考核", "已发方案"],
        [date(2026, 11, 22), "KH0001", None, "李娜", "电话", "问价格"],
        ["11/25", None, "厦门宏达电子", "李娜", "来访", None],
        [date(2027, 11, 21), "KH0009", None, "张伟", "上门拜访", "培训需求"],
        ["2026-13-01", "KH0003", None, "张伟", "微信", "催款"],
        [date(2026, 11, 20), "KH0001", None, "张伟", "上门", "想做绩效考核", "已发方案"],
    ],
    staff=STAFF_ROWS,
    plans=[[date(2026, 11, 28), "KH0001", None, "李娜", "回访"], [date(2026, 12, 3), None, "不存在公司", "张伟"]],
)


def write_xlsx(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                ws.cell(r, c).value = value
    wb.save(path)
    return path


def test_the_google_path_finds_exactly_what_the_xlsx_path_finds_in_the_same_data(standin, key_file, tmp_path):
    sheets = register_sheets(**MESSY)
    workbook = write_xlsx(tmp_path / "register.xlsx", sheets)
    standin.add_spreadsheet(KEY, sheets)
    settings = Settings(credentials=str(key_file))
    _, from_xlsx = check(str(workbook), AS_OF, settings)
    _, from_google = check(f"gsheet:{KEY}", AS_OF, settings)
    assert [f.to_dict() for f in from_google.findings] == [f.to_dict() for f in from_xlsx.findings]
    assert {"missing_required", "invalid_phone", "invalid_date", "invalid_value", "future_date", "unknown_client",
            "duplicate_row", "visit_collision", "overdue_followup"} <= set(from_google.counts())
    assert len(standin.calls) == 2


# --- retries -----------------------------------------------------------------------------------------

def test_429_bursts_500s_and_dropped_connections_are_retried_with_growing_jittered_waits(standin, key_file):
    standin.add_spreadsheet(KEY, register_sheets(staff=STAFF_ROWS))
    source = open_source(standin, key_file)
    standin.fail(429, times=2)
    titles = source.sheet_titles()
    standin.fail(500)
    standin.fail(503)
    standin.fail(DROP)
    tables = source.read_tables(titles)
    assert tables["员工"].rows[1][0] == "陈总"
    assert [c.status for c in standin.calls] == [429, 429, 200, 500, 503, DROP, 200]
    waits = standin.clock.sleeps
    assert len(waits) == 5
    # retry n waits between half and all of 2^(n-1) seconds; the count restarts for each request
    assert 0.5 <= waits[0] <= 1 and 1 <= waits[1] <= 2
    assert 0.5 <= waits[2] <= 1 and 1 <= waits[3] <= 2 and 2 <= waits[4] <= 4
    assert len(set(waits)) == 5, "jitter: no two waits alike"


def test_a_retry_after_header_is_honoured(standin, key_file):
    standin.add_spreadsheet(KEY, register_sheets())
    standin.fail(429, retry_after=7)
    open_source(standin, key_file).sheet_titles()
    assert standin.clock.sleeps[0] == 7


def test_a_persistent_429_ends_in_a_clear_error_within_the_bound(standin, key_file):
    standin.add_spreadsheet(KEY, register_sheets())
    standin.fail_always(429)
    with pytest.raises(SourceError) as error:
        open_source(standin, key_file).sheet_titles()
    assert "配额已用完（429 RESOURCE_EXHAUSTED），试了 7 次" in str(error.value)
    assert len(standin.calls) == 7
    assert 31.5 <= sum(standin.clock.sleeps) <= 63, "1+2+4+8+16+32 seconds at most, half that at least"


def test_the_deadline_bounds_the_total_wait(standin, key_file):
    standin.add_spreadsheet(KEY, register_sheets())
    standin.fail_always(503)
    with pytest.raises(SourceError, match=r"暂时不可用（503）"):
        open_source(standin, key_file, deadline=5, jitter=lambda: 1.0).sheet_titles()
    assert standin.clock.sleeps == [1, 2] and len(standin.calls) == 3, "a third wait of 4 s would pass 5 s in all"


def test_a_client_error_is_not_retried(standin, key_file):
    standin.add_spreadsheet(KEY, register_sheets())
    source = open_source(standin, key_file)
    source.sheet_titles()
    standin.spreadsheets[KEY].sheets.pop(0)  # someone deletes a worksheet between the two requests
    with pytest.raises(SourceError, match=r"^Google Sheets 拒绝了请求（400）: Unable to parse range: 客户档案$"):
        source.read_tables(["客户档案"])
    assert [c.status for c in standin.calls] == [200, 400] and standin.clock.sleeps == []


# --- errors that say what to do ------------------------------------------------------------------

def test_an_unshared_sheet_names_the_service_account_to_share_it_with(standin, key_file, run_cli):
    standin.add_spreadsheet(KEY, register_sheets(), access="none")
    code, out, err = run_cli("check", "--source", f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0",
                             "--credentials", str(key_file), "--as-of", "2026-11-27")
    assert code == 2 and out == ""
    assert err.startswith(f"错误: 没有权限访问 Google 表格 {KEY}（403）。请在表格中点“共享”，把服务账号 {SERVICE_ACCOUNT} 添加为“编辑者”")
    assert "Traceback" not in err


def test_an_unknown_key_says_the_key_is_wrong(standin, key_file, run_cli):
    code, out, err = run_cli("check", "--source", "gsheet:NoSuchKey123", "--credentials", str(key_file))
    assert code == 2
    assert "找不到 Google 表格 NoSuchKey123（404）：KEY 或链接有误，或表格已被删除" in err


def test_a_missing_worksheet_is_named_with_the_worksheets_found(standin, key_file, run_cli):
    sheets = register_sheets(staff=STAFF_ROWS)
    del sheets["拜访记录"]
    standin.add_spreadsheet(KEY, sheets)
    code, _, err = run_cli("check", "--source", f"gsheet:{KEY}", "--credentials", str(key_file))
    assert code == 2
    assert "找不到工作表“拜访记录”（Visits）。工作簿中的工作表: 客户档案、员工、拜访计划。" in err


def test_the_credentials_come_from_the_option_else_the_environment_else_the_config(standin, tmp_path, monkeypatch, run_cli):
    standin.add_spreadsheet(KEY, register_sheets(staff=STAFF_ROWS), access="none")
    option = write_key_file(tmp_path / "option.json", "option@p.iam.gserviceaccount.com")
    env = write_key_file(tmp_path / "env.json", "env@p.iam.gserviceaccount.com")
    config = tmp_path / "huimao.toml"
    config.write_text(f'credentials = "{write_key_file(tmp_path / "config.json", "config@p.iam.gserviceaccount.com")}"\n')
    base = ("--config", str(config), "check", "--source", f"gsheet:{KEY}")
    assert "config@p" in run_cli(*base)[2]
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(env))
    assert "env@p" in run_cli(*base)[2]
    assert "option@p" in run_cli(*base, "--credentials", str(option))[2]


@pytest.mark.parametrize("content, message", [
    (None, "找不到凭据文件"),
    ("{not json", "不是有效的 JSON（第 1 行"),
    ('{"type": "authorized_user", "client_id": "x"}', "的 type 是“authorized_user”，需要服务账号密钥"),
    ('{"type": "service_account", "client_email": "a@b.c"}', "缺少字段 private_key, token_uri"),
    ('{"type": "service_account", "client_email": "a@b.c", "token_uri": "https://t", "private_key": "-----BEGIN '
     'PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n"}', "的 private_key 无法使用"),
])
def test_a_bad_credentials_file_says_what_is_wrong_with_it(tmp_path, content, message):
    path = tmp_path / "credentials.json"
    if content is not None:
        path.write_text(content)
        path.chmod(0o600)
    with pytest.raises(SourceError, match=re.escape(message)):
        load_service_account(str(path))


@pytest.mark.parametrize("mode", [0o644, 0o604, 0o640])
def test_a_key_file_other_users_can_read_is_refused_with_the_chmod_to_run(key_file, mode):
    key_file.chmod(mode)
    with pytest.raises(SourceError) as caught:
        load_service_account(str(key_file))
    assert str(caught.value) == (f"凭据文件 {key_file} 其他用户也能读取，私钥可能泄露，已拒绝使用。"
                                 f"请运行: chmod 600 {key_file}")
    key_file.chmod(0o600)
    assert load_service_account(str(key_file)).client_email


def test_every_command_that_reads_the_sheet_refuses_a_world_readable_key(standin, key_file, run_cli):
    key_file.chmod(0o644)
    for args in (("check",), ("setup-sheet",), ("run", "daily-check", "--dry-run", "--as-of", "2026-11-30")):
        code, out, err = run_cli(*args, "--source", "gsheet:1AbcKeyForRefusal_0123456789abcdefghijklmno",
                                 "--credentials", str(key_file))
        assert code == 2 and f"chmod 600 {key_file}" in out + err, (args, out, err)
    assert standin.calls == [], "nothing was requested with the exposed key"


def test_no_credentials_at_all_lists_the_three_ways_to_give_them(monkeypatch):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(SourceError, match="--credentials FILE.*GOOGLE_APPLICATION_CREDENTIALS.*credentials ="):
        load_service_account(None)


def test_the_scope_is_read_only_unless_the_command_writes(key_file):
    assert load_service_account(str(key_file)).credentials.scopes == [READ_SCOPE]
    assert load_service_account(str(key_file), write=True).credentials.scopes == [WRITE_SCOPE]


@pytest.mark.parametrize("spec, key", [
    ("gsheet:1AbC_-9", "1AbC_-9"),
    (f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0", KEY),
    (f"https://docs.google.com/spreadsheets/d/{KEY}", KEY),
])
def test_the_key_is_read_from_a_url_or_a_gsheet_spec(spec, key):
    assert spreadsheet_key(spec) == key


@pytest.mark.parametrize("spec", ["gsheet:", "gsheet:has space", "https://docs.google.com/spreadsheets/u/0/"])
def test_a_spec_without_a_key_is_refused_before_any_request(spec):
    with pytest.raises(SourceError, match="无法从.*中读出 Google 表格的 KEY"):
        spreadsheet_key(spec)


def test_the_example_key_file_has_the_shape_of_a_real_one_but_no_usable_key(tmp_path):
    from pathlib import Path

    from huimao_sheets.sources.google_credentials import read_key_file

    example = tmp_path / "credentials.json"    # a copy made as the README says: cp …; chmod 600 …
    example.write_bytes((Path(__file__).parent.parent / "credentials.example.json").read_bytes())
    example.chmod(0o600)
    assert read_key_file(example)["client_email"] == "huimao-sheets@your-project-id.iam.gserviceaccount.com"
    with pytest.raises(SourceError, match="private_key 无法使用"):
        load_service_account(str(example))
