"""What a local workbook file really is, told before any reader opens it.

A newcomer's files are often not what their names say: an empty file, a CSV export renamed ``.xlsx``, an
old ``.xls`` renamed (or not), a password-protected workbook, a Word document. The readers' own errors
(``invalid Zip archive``, ``Cfb error``) say nothing a user can act on, so ``check_workbook_file`` looks at
the first bytes and raises a ``SourceError`` that names the file, what it is and what to do.

Only the file's head is read, plus a bounded scan of an OLE file for the stream names that mark an
encrypted workbook; the readers themselves are untouched.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from huimao_sheets.errors import SourceError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_XLSX = "请用 Excel 或 WPS 打开它，选择“另存为”→“Excel 工作簿（*.xlsx）”，再用 --source 指向新文件。"
SAVE_AS_XLSX_EN = "Open it in Excel or WPS, choose Save As → Excel Workbook (*.xlsx), and point --source at the new file."
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_SCAN_LIMIT = 64 * 1024 * 1024   # an OLE directory lies within this much of any workbook we would read
_CHUNK = 1024 * 1024


def sniff(path: Path) -> str:
    """``missing``, ``folder``, ``empty``, ``xlsx``, ``zip`` (a zip that is no workbook), ``xls``,
    ``encrypted`` (a password-protected Office file), ``ole`` (another Office 97 file, e.g. ``.doc``),
    ``text`` (CSV or other plain text) or ``unknown``."""
    if not path.exists():
        return "missing"
    if path.is_dir():
        return "folder"
    with path.open("rb") as handle:
        head = handle.read(8)
        if not head:
            return "empty"
        if head.startswith(ZIP_MAGIC):
            return "xlsx" if _zip_has_workbook(path) else "zip"
        if head == OLE_MAGIC:
            return _ole_kind(handle)
    return "text" if _looks_like_text(path) else "unknown"


def _zip_has_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") and n.endswith("workbook.xml") for n in names)


def _ole_kind(handle) -> str:
    """An OLE compound file: a password-protected xlsx carries an ``EncryptedPackage`` stream, an
    ``.xls`` a ``Workbook`` (or ``Book``) stream. Stream names are UTF-16 in the directory sectors."""
    handle.seek(0)
    seen_workbook = False
    tail = b""
    read = 0
    while read < _SCAN_LIMIT:
        chunk = handle.read(_CHUNK)
        if not chunk:
            break
        read += len(chunk)
        window = tail + chunk
        if _ENCRYPTED_STREAM in window:
            return "encrypted"
        seen_workbook = seen_workbook or any(name in window for name in _XLS_STREAMS)
        tail = window[-64:]
    return "xls" if seen_workbook else "ole"


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096)
    if b"\x00" in head:
        return head.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 text, as Excel's "Unicode text" saves
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:   # a character cut at the end of the sample
                return True
    return False


def check_workbook_file(path: str | Path, *, write: bool = False) -> str:
    """Raise a plain ``SourceError`` unless ``path`` is a workbook that can be read (and, with ``write``,
    written: only ``.xlsx``). Returns what the file is: ``xlsx`` or ``xls``."""
    path = Path(path)
    kind = sniff(path)
    suffix = path.suffix.lower()
    if kind == "missing":
        raise SourceError(f"找不到工作簿 {path}（file not found）。请检查 --source 的路径。",
                          en=f"Workbook {path} not found. Check the path given to --source.")
    if kind == "folder":
        raise SourceError(f"{path} 是一个文件夹，不是 .xlsx 工作簿。请用 --source 指向其中的 .xlsx 文件。",
                          en=f"{path} is a folder, not an .xlsx workbook. Point --source at the .xlsx file in it.")
    if kind == "empty":
        raise SourceError(f"{path} 是一个空文件（0 字节），不是工作簿。请用 --source 指向 Excel/WPS 保存的 .xlsx 文件。",
                          en=f"{path} is an empty file (0 bytes), not a workbook. "
                             "Point --source at an .xlsx file saved by Excel or WPS.")
    if kind == "text":
        renamed = suffix in (".xlsx", ".xls", ".xlsm")
        raise SourceError(
            f"{path} 是一个文本文件（CSV 或纯文本），不是 Excel 工作簿"
            f"{'——只是扩展名写成了 ' + path.suffix if renamed else ''}。{SAVE_AS_XLSX}",
            en=f"{path} is a text file (CSV or plain text), not an Excel workbook"
               f"{' — only its name ends in ' + path.suffix if renamed else ''}. {SAVE_AS_XLSX_EN}")
    if kind == "encrypted":
        raise SourceError(
            f"{path} 设有打开密码（已加密），无法读取。请在 Excel/WPS 中打开它，"
            "在“文件”→“信息”→“保护工作簿”（WPS：“文件”→“文档加密”）中清除密码并保存，再运行。",
            en=f"{path} is protected by a password (encrypted) and cannot be read. Open it in Excel, remove the "
               "password under File → Info → Protect Workbook (WPS: File → Document Encryption), save it and run again.")
    if kind in ("zip", "ole", "unknown"):
        raise SourceError(
            f"{path} 不是 Excel 工作簿（可能是 Word 文档、压缩包或损坏的文件）。"
            "请用 --source 指向 Excel/WPS 保存的 .xlsx 工作簿。",
            en=f"{path} is not an Excel workbook (perhaps a Word document, a zip archive or a damaged file). "
               "Point --source at an .xlsx workbook saved by Excel or WPS.")
    if kind == "xlsx" and suffix == ".xls":
        raise SourceError(
            f"{path} 其实是 .xlsx 工作簿，只是扩展名写成了 .xls。请把文件改名为 {path.with_suffix('.xlsx').name} 再运行。",
            en=f"{path} is in fact an .xlsx workbook whose name ends in .xls. "
               f"Rename it to {path.with_suffix('.xlsx').name} and run again.")
    if kind == "xls" and suffix != ".xls":
        raise SourceError(
            f"{path} 其实是旧版 Excel 97-2003 工作簿（.xls），扩展名却是 {path.suffix or '（无）'}。{SAVE_AS_XLSX}",
            en=f"{path} is in fact an old Excel 97-2003 workbook (.xls), though its name ends in "
               f"{path.suffix or '(nothing)'}. {SAVE_AS_XLSX_EN}")
    if kind == "xls" and write:
        raise SourceError(
            f"{path} 是旧版 Excel 97-2003 工作簿（.xls）：可以检查，但不能写入（--write-findings、setup-sheet "
            f"只写 .xlsx）。{SAVE_AS_XLSX}",
            en=f"{path} is an old Excel 97-2003 workbook (.xls): it can be checked but not written "
               f"(--write-findings and setup-sheet write .xlsx only). {SAVE_AS_XLSX_EN}")
    return kind
