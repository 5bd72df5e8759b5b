"""Files that are not what their names say get a plain message naming the file, what it really is and
what to do — never a reader's `invalid Zip archive` or `Cfb error` — and an `.xls` is read by `check` but
refused up front by the commands that write (`--write-findings`, `setup-sheet`)."""

import json
import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile

from huimao_sheets.config import Settings
from huimao_sheets.errors import SourceError
from huimao_sheets.sources.filetype import check_workbook_file
from workbooks import make_workbook

SAVE_AS = "请用 Excel 或 WPS 打开它，选择“另存为”→“Excel 工作簿（*.xlsx）”，再用 --source 指向新文件。"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "huimao_sheets.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def real_xls(path):
    """The clean register of ``workbooks.make_workbook``, saved as an Excel 97-2003 workbook."""
    source = openpyxl.load_workbook(make_workbook(path.parent, name="for-xls.xlsx"))
    book = xlwt.Workbook()
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for ws in source.worksheets:
        sheet = book.add_sheet(ws.title)
        for r, row in enumerate(ws.iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value, dates) if hasattr(value, "year") else sheet.write(r, c, value)
    book.save(str(path))
    return path


def encrypted_xlsx(path, tmp_path):
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with plain.open("rb") as source, path.open("wb") as out:
        OOXMLFile(source).encrypt("secret", out)
    return path


def word_document(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def message_for(path, write=False):
    with pytest.raises(SourceError) as caught:
        check_workbook_file(path, write=write)
    return str(caught.value)


def test_an_empty_file_is_named_as_empty(tmp_path):
    path = tmp_path / "客户登记.xlsx"
    path.write_bytes(b"")
    assert message_for(path) == (
        f"{path} 是一个空文件（0 字节），不是工作簿。请用 --source 指向 Excel/WPS 保存的 .xlsx 文件。")


@pytest.mark.parametrize("name", ["客户登记.xlsx", "客户登记.xls"])
def test_a_csv_renamed_to_a_workbook_is_named_as_text_with_the_way_to_save_it(tmp_path, name):
    path = tmp_path / name
    path.write_text("客户编号,客户名称\nKH0001,福州鼎盛贸易有限公司\n", encoding="utf-8")
    assert message_for(path) == (
        f"{path} 是一个文本文件（CSV 或纯文本），不是 Excel 工作簿——只是扩展名写成了 {path.suffix}。{SAVE_AS}")


def test_a_gbk_csv_is_text_too(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("客户编号,客户名称\nKH0001,福州鼎盛\n".encode("gbk"))
    assert message_for(path) == f"{path} 是一个文本文件（CSV 或纯文本），不是 Excel 工作簿。{SAVE_AS}"


def test_a_password_protected_workbook_says_how_to_remove_the_password(tmp_path):
    path = encrypted_xlsx(tmp_path / "客户登记.xlsx", tmp_path)
    assert message_for(path) == (
        f"{path} 设有打开密码（已加密），无法读取。请在 Excel/WPS 中打开它，在“文件”→“信息”→“保护工作簿”"
        "（WPS：“文件”→“文档加密”）中清除密码并保存，再运行。")


def test_a_word_document_is_not_a_workbook(tmp_path):
    path = word_document(tmp_path / "客户登记.xlsx")
    assert message_for(path) == (
        f"{path} 不是 Excel 工作簿（可能是 Word 文档、压缩包或损坏的文件）。请用 --source 指向 Excel/WPS 保存的 .xlsx 工作簿。")


def test_an_xls_renamed_to_xlsx_says_what_it_really_is(tmp_path):
    path = real_xls(tmp_path / "old.xls").rename(tmp_path / "客户登记.xlsx")
    assert message_for(path) == f"{path} 其实是旧版 Excel 97-2003 工作簿（.xls），扩展名却是 .xlsx。{SAVE_AS}"


def test_an_xlsx_renamed_to_xls_says_to_rename_it_back(tmp_path):
    path = shutil.copy(make_workbook(tmp_path), tmp_path / "客户登记.xls")
    assert message_for(path) == f"{path} 其实是 .xlsx 工作簿，只是扩展名写成了 .xls。请把文件改名为 客户登记.xlsx 再运行。"


def test_a_real_xls_can_be_read_but_not_written(tmp_path):
    path = real_xls(tmp_path / "客户登记.xls")
    assert check_workbook_file(path) == "xls"
    assert message_for(path, write=True) == (
        f"{path} 是旧版 Excel 97-2003 工作簿（.xls）：可以检查，但不能写入（--write-findings、setup-sheet 只写 .xlsx）。"
        f"{SAVE_AS}")


def test_a_real_xlsx_passes(tmp_path):
    assert check_workbook_file(make_workbook(tmp_path), write=True) == "xlsx"


def test_check_reads_a_real_xls(tmp_path):
    done = run("check", "--source", str(real_xls(tmp_path / "客户登记.xls")), "--as-of", "2026-11-27", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["findings"] == []


@pytest.mark.parametrize("command", [["check", "--write-findings"], ["setup-sheet"]])
def test_the_commands_that_write_refuse_an_xls_before_reading_it(tmp_path, command):
    path = real_xls(tmp_path / "客户登记.xls")
    before = path.read_bytes()
    done = run(*command, "--source", str(path), "--state", str(tmp_path / "state"))
    assert done.returncode == 2
    assert done.stderr == (f"错误: {path} 是旧版 Excel 97-2003 工作簿（.xls）：可以检查，但不能写入（--write-findings、"
                           f"setup-sheet 只写 .xlsx）。{SAVE_AS}\n")
    assert path.read_bytes() == before


@pytest.mark.parametrize("make", [
    lambda p: p.write_bytes(b""),
    lambda p: p.write_text("a,b\n1,2\n"),
    lambda p: word_document(p),
])
def test_check_says_it_in_plain_words_without_a_readers_jargon(tmp_path, make):
    path = tmp_path / "客户登记.xlsx"
    make(path)
    done = run("check", "--source", str(path))
    assert done.returncode == 2
    assert done.stderr.startswith(f"错误: {path} ")
    assert "EOCD" not in done.stderr and "Zip" not in done.stderr and "Traceback" not in done.stderr


def test_the_library_refuses_a_bad_file_for_writing_too(tmp_path):
    from huimao_sheets.sources.xlsx_write import replace_sheet

    path = tmp_path / "客户登记.xlsx"
    path.write_text("a,b\n")
    with pytest.raises(SourceError, match="是一个文本文件"):
        replace_sheet(path, "数据检查", [["code"]])


def test_a_damaged_worksheet_is_a_plain_message_naming_the_workbook_and_the_part(tmp_path):
    """A worksheet's packed XML damaged in the middle (a copy cut short, a bad disk): exit 2 and the
    workbook's name, never a traceback from the inflater."""
    path = make_workbook(tmp_path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
        header_offset, packed = info.header_offset, info.compress_size
    data = bytearray(path.read_bytes())
    name_length, extra_length = int.from_bytes(data[header_offset + 26:header_offset + 28], "little"), \
        int.from_bytes(data[header_offset + 28:header_offset + 30], "little")
    start = header_offset + 30 + name_length + extra_length
    data[start:start + packed] = b"\xff" * packed
    path.write_bytes(bytes(data))
    done = run("check", "--source", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"错误: 无法读取工作簿 {path}: xl/worksheets/sheet2.xml")
    assert "Traceback" not in done.stderr
