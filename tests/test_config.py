"""huimao.toml that is missing, unreadable or not TOML, has an unknown key or a bad value: a ConfigError naming
the file, the key, the value and what is valid, in the configured language (exit 2 on the command line), never
a traceback. Job files are read by the same ``load_toml`` (see test_jobs_files.py). A ``[sheets]`` or
``[columns.*]`` entry that the workbook lacks stops the read with the same kind of message."""

import pytest

from huimao_sheets.app import check
from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError
from workbooks import AS_OF, client, make_workbook


def test_a_missing_config_file_is_named_with_the_way_to_make_one(tmp_path):
    path = tmp_path / "huimao.toml"
    with pytest.raises(ConfigError) as exc:
        Settings.load(path)
    assert str(exc.value) == f"找不到配置文件 {path}（--config）。运行 `huimao-sheets init` 可生成一份带注释的配置。"


@pytest.mark.parametrize("content", ['language = "en\n'.encode(), 'language = "中文"\n'.encode("gbk")],
                         ids=["unclosed string", "gbk bytes"])
def test_a_config_file_that_is_not_toml_is_named(tmp_path, content):
    path = tmp_path / "huimao.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as exc:
        Settings.load(path)
    assert str(exc.value).startswith(f"配置文件 {path} 不是有效的 TOML: ")


def test_a_config_path_that_cannot_be_read_is_named(tmp_path):
    with pytest.raises(ConfigError) as exc:
        Settings.load(tmp_path)  # a folder
    assert str(exc.value).startswith(f"无法读取配置文件 {tmp_path}: ")


# --- config fails loudly: each problem names the file, the key, the value and what is valid -----------------

def load(tmp_path, text: str, language: str | None = None) -> str:
    path = tmp_path / "huimao.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        Settings.load(path, language=language)
    return str(exc.value).replace(str(tmp_path) + "/", "")


def test_an_unknown_key_names_the_valid_keys(tmp_path):
    assert load(tmp_path, 'langauge = "en"\n') == (
        '配置文件 huimao.toml 中的 langauge = "en" 有误: 不是配置项；可用的键: language, source, credentials, smtp, '
        'mail_from, state_dir, outbox_dir, jobs_dir, templates_dir, sheets, columns, checks, scheduler, spot_check')
    assert load(tmp_path, '[checks]\ncollision_window = 5\n') == (
        '配置文件 huimao.toml 中的 checks.collision_window = 5 有误: 不是配置项；[checks] 中可用的键: '
        'collision_window_days, cadence_days, day_count, company_days_off, future_date_grace_days, late_entry_days, response_days')


def test_an_unknown_column_key_names_the_sheet_s_field_keys(tmp_path):
    assert load(tmp_path, '[columns.clients]\ncontact_mobil = "老板手机"\n') == (
        '配置文件 huimao.toml 中的 columns.clients.contact_mobil = "老板手机" 有误: 不是工作表“客户档案”（clients）的列；'
        '可用的键: client_id, name, industry, address, contact, contact_mobile, account_manager, department, rating, '
        'likelihood, stage, next_followup, notes')
    assert load(tmp_path, '[columns.client]\ncontact_mobile = "老板手机"\n') == (
        '配置文件 huimao.toml 中的 columns.client = {"contact_mobile": "老板手机"} 有误: 不是工作表的键；'
        '可用的键: clients, visits, staff, plans')
    assert load(tmp_path, '[sheets]\nclient = "客户"\n') == (
        '配置文件 huimao.toml 中的 sheets.client = "客户" 有误: 不是工作表的键；可用的键: clients, visits, staff, plans, findings')


def test_bad_values_say_what_is_valid_one_line_each(tmp_path):
    text = ('language = "中文"\nsmtp = 25\n[checks]\ncollision_window_days = -1\nday_count = "workdays"\n'
            'company_days_off = ["12月31日"]\ncadence_days = { A = 14, E = 90 }\n'
            '[scheduler]\ncatch_up_until = "5pm"\n[sheets]\nvisits = " "\n')
    assert load(tmp_path, text).splitlines() == [
        '配置文件 huimao.toml 中的 sheets.visits = " " 有误: 不能为空',
        '配置文件 huimao.toml 中的 language = "中文" 有误: 可选: "zh", "en"',
        '配置文件 huimao.toml 中的 smtp = 25 有误: 应为用引号括起的文字',
        '配置文件 huimao.toml 中的 checks.collision_window_days = -1 有误: 应为 0 到 365 之间的整数',
        '配置文件 huimao.toml 中的 checks.cadence_days = {"A": 14, "E": 90} 有误: 未知的客户综合评估 E；可选: A, B, C, D',
        '配置文件 huimao.toml 中的 checks.day_count = "workdays" 有误: 可选: "calendar", "working"',
        '配置文件 huimao.toml 中的 checks.company_days_off[0] = "12月31日" 有误: 应为日期，例如 2026-12-31',
        '配置文件 huimao.toml 中的 scheduler.catch_up_until = "5pm" 有误: 不是时刻；请写成 HH:MM，例如 08:00 或 17:30',
    ]


def test_messages_are_in_english_when_the_file_or_lang_says_so(tmp_path):
    english = ('columns.clients.contact_mobil = "Boss mobile" in config file huimao.toml is invalid: not a column of '
               'the Clients worksheet (clients); valid keys: client_id, name, industry, address, contact, '
               'contact_mobile, account_manager, department, rating, likelihood, stage, next_followup, notes\n'
               'checks.collision_window_days = "seven" in config file huimao.toml is invalid: must be a whole number '
               'from 0 to 365')
    body = '[columns.clients]\ncontact_mobil = "Boss mobile"\n[checks]\ncollision_window_days = "seven"\n'
    assert load(tmp_path, 'language = "en"\n' + body) == english
    assert load(tmp_path, body, language="en") == english
    assert load(tmp_path, 'language = "en"\n' + body, language="zh").startswith(
        '配置文件 huimao.toml 中的 columns.clients.contact_mobil = "Boss mobile" 有误: ')
    with pytest.raises(ConfigError) as exc:
        Settings.load(tmp_path / "nope.toml", language="en")
    assert str(exc.value) == (f"Config file {tmp_path / 'nope.toml'} not found (--config). "
                              "`huimao-sheets init` writes a commented one.")


def test_the_command_line_exits_2_with_the_message(tmp_path, run_cli):
    (tmp_path / "huimao.toml").write_text('[columns.clients]\ncontact_mobil = "老板手机"\n', encoding="utf-8")
    code, out, err = run_cli("check", "--source", "none.xlsx")
    assert code == 2 and out == ""
    assert err.startswith('错误: 配置文件 huimao.toml 中的 columns.clients.contact_mobil = "老板手机" 有误: 不是工作表“客户档案”')
    code, out, err = run_cli("check", "--source", "none.xlsx", "--lang", "fr")
    assert code == 2 and err.startswith('错误: 配置文件 huimao.toml 中的 columns.clients.contact_mobil')
    (tmp_path / "huimao.toml").write_text("")
    code, out, err = run_cli("check", "--source", "none.xlsx", "--lang", "fr")
    assert code == 2
    assert err.strip() == '错误: 命令行选项（--lang、--smtp、--state 等） 中的 language = "fr" 有误: 可选: "zh", "en"'


def test_the_shipped_init_config_is_valid(tmp_path):
    from huimao_sheets.scaffold import init_folder

    init_folder(tmp_path)
    settings = Settings.load(tmp_path / "huimao.toml")
    assert settings.path == str(tmp_path / "huimao.toml") and settings.language == "zh"


# --- [sheets] and [columns.*] against the workbook -----------------------------------------------------------

def test_a_configured_sheet_the_workbook_lacks_stops_the_read(tmp_path, run_cli):
    path = make_workbook(tmp_path)
    (tmp_path / "huimao.toml").write_text('[sheets]\nclients = "客户表"\n', encoding="utf-8")
    code, out, err = run_cli("check", "--source", str(path), "--as-of", "2026-11-27")
    assert code == 2 and out == ""
    assert err.strip() == (
        '错误: 配置文件 huimao.toml 中的 sheets.clients = "客户表" 有误: 工作簿中没有这个工作表。'
        '工作簿中的工作表: 客户档案、拜访记录、员工、拜访计划。最接近的是“客户档案”。请改正这一项，或删掉它以使用默认名称。')


def test_a_configured_optional_sheet_is_checked_too_and_in_english(tmp_path, run_cli):
    path = make_workbook(tmp_path)
    (tmp_path / "huimao.toml").write_text('language = "en"\n[sheets]\nplans = "Visit plan"\n', encoding="utf-8")
    code, out, err = run_cli("check", "--source", str(path), "--as-of", "2026-11-27")
    assert code == 2
    assert err.strip() == (
        'Error: sheets.plans = "Visit plan" in config file huimao.toml is invalid: the workbook has no such worksheet. '
        'Its worksheets: 客户档案, 拜访记录, 员工, 拜访计划. Correct the entry, or delete it to use the default.')


def test_a_configured_header_the_sheet_lacks_stops_the_read(tmp_path, run_cli):
    path = make_workbook(tmp_path)   # 客户档案 has 负责人手机: the configured 手机号 is not there
    (tmp_path / "huimao.toml").write_text('[columns.clients]\ncontact_mobile = "手机号"\n', encoding="utf-8")
    code, out, err = run_cli("check", "--source", str(path), "--as-of", "2026-11-27")
    assert code == 2 and out == ""
    assert err.strip() == (
        '错误: 配置文件 huimao.toml 中的 columns.clients.contact_mobile = "手机号" 有误: 工作表“客户档案”中没有这个表头。'
        '找到的表头: 客户编号、客户名称、行业、地址、负责人、负责人手机、客户经理、所属部门、客户综合评估、合作可能评估、阶段、'
        '下次跟进日期、备注。最接近的是“负责人手机”。请改正这一项，或删掉它以使用默认名称。')


def test_configured_sheets_and_headers_that_exist_are_read(tmp_path):
    """A configured header names its field even when it is another field's default: here the firm calls its
    account manager column 负责人 (the default of contact) and the client's contact 联系人."""
    import openpyxl

    path = make_workbook(tmp_path, clients=[client(负责人="张伟", 客户经理="林建国")])
    wb = openpyxl.load_workbook(path)
    wb["客户档案"].title = "客户表"
    wb["客户表"]["E1"], wb["客户表"]["G1"] = "客户经理", "联系人"   # E: the account manager, G: the contact
    wb.save(path)
    settings = Settings.from_dict({"sheets": {"clients": "客户表"},
                                   "columns": {"clients": {"account_manager": "客户经理", "contact": "联系人"}}})
    register, result = check(str(path), AS_OF, settings)
    assert [(c.account_manager, c.contact) for c in register.clients] == [("张伟", "林建国")]
    assert register.sheet_titles["clients"] == "客户表"
