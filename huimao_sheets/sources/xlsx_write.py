"""Writing the findings worksheet into the local ``.xlsx`` workbook without losing anything else in it.

Staff keep their register in this file, so:

- while Excel or WPS has the workbook open (its lock file ``~$NAME.xlsx`` sits beside it; LibreOffice's
  is ``.~lock.NAME.xlsx#``) nothing is written — saving under an open workbook loses someone's edits;
- the findings worksheet is written as one new part of the xlsx package (an ``.xlsx`` is a zip of XML
  parts), and every other part — staff worksheets, styles, formulas with their cached results, images,
  charts, pivot tables, macros — is copied byte for byte. (Loading and saving the workbook with openpyxl
  would drop images and charts and every formula's cached result, which the reader relies on.);
- the new package goes to a temporary file in the same folder (``.~huimao-XXXXXXXX.xlsx``), flushed to
  disk with ``fsync``, then replaces the original with ``os.replace`` (keeping its permissions), and the
  folder is flushed too so that the rename itself survives a power cut: a crash never leaves half a
  workbook. The temporary files a killed write left behind are removed by the next write, and by every
  run of a job at its start (``remove_leftovers``);
- every cell is written as a number or as an inline string: ``=IMPORTXML(…)`` stays text;
- a cell may link to a cell of another worksheet (an internal hyperlink, ``location="'客户档案'!F12"``, which
  needs no relationship part: Excel, WPS and LibreOffice jump to that cell when it is clicked).
"""

from __future__ import annotations

import copy
import os
import posixpath
import re
import stat
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Sequence
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from huimao_sheets.errors import SourceError
from huimao_sheets.sources import Link
from huimao_sheets.sources.filetype import check_workbook_file

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_REL = DOC_REL_NS + "/worksheet"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COLUMN_WIDTHS = (18, 8, 10, 10, 8, 14, 8, 12, 70, 12)  # the findings sheet's columns
MAX_CELL_TEXT = 32767
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def lock_files(path: Path) -> list[Path]:
    return [path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")]


def refuse_if_open(path: Path) -> None:
    for lock in lock_files(path):
        if lock.exists():
            raise SourceError(
                f"工作簿 {path} 正在被 Excel/WPS 打开（发现锁文件 {lock.name}），为免覆盖别人的修改，没有写入。"
                f"请先关闭该工作簿再运行；如果确实没有人打开它，删除 {lock} 即可。",
                en=f"Workbook {path} is open in Excel/WPS (its lock file {lock.name} exists), so nothing was written, "
                   f"lest someone's changes be overwritten. Close the workbook and run again; if nobody has it open, "
                   f"delete {lock}."
            )


TEMP_PREFIX = ".~huimao-"
LEFTOVER_AGE_SECONDS = 600   # a write-back takes seconds: a temporary file this old is no live write's


def leftover_pattern(path: Path) -> re.Pattern[str]:
    """The exact names of our temporary files beside ``path``: ``tempfile.mkstemp`` adds 8 characters of
    ``[a-z0-9_]`` between our prefix and the workbook's suffix."""
    return re.compile(re.escape(TEMP_PREFIX) + r"[a-z0-9_]{8}" + re.escape(path.suffix) + r"\Z")


def remove_leftovers(path: Path, older_than: float) -> list[Path]:
    """Remove the temporary files that a killed write left beside workbook ``path``; returns them.

    Only regular files named exactly as ours (``leftover_pattern``), owned by this user and last modified
    before ``older_than`` (seconds since the epoch, as ``st_mtime``) are removed: a write that another
    process began after that moment keeps its file, and nothing else in the folder is ever touched."""
    pattern = leftover_pattern(path)
    removed = []
    try:
        names = [name for name in os.listdir(path.parent) if pattern.match(name)]
    except OSError:
        return removed
    for name in names:
        leftover = path.parent / name
        try:
            info = os.lstat(leftover)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and info.st_mtime < older_than:
                leftover.unlink()
                removed.append(leftover)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, write_to: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file in the same folder, flushed to disk, then replace it in one
    step and flush the folder, so the rename is on disk too; the leftovers of an earlier killed write
    (``LEFTOVER_AGE_SECONDS`` older than our own temporary file: a younger one may be another process's
    write in progress) are removed first."""
    refuse_if_open(path)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    remove_leftovers(path, older_than=tmp.stat().st_mtime - LEFTOVER_AGE_SECONDS)
    try:
        write_to(tmp)
        _fsync(tmp)
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        refuse_if_open(path)  # someone may have opened it while we worked
        os.replace(tmp, path)
        _fsync(path.parent, directory=True)
    except OSError as exc:
        raise SourceError(f"无法保存工作簿 {path}: {exc}",
                          en=f"Cannot save workbook {path}: {exc}. Check that its folder is writable and "
                             "that there is room on the disk.") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- the findings worksheet as XML ----------------------------------------------------------------

def column_letter(col: int) -> str:
    """1-based column → A, B, …, Z, AA."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell(ref: str, value: Any) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        value = value.isoformat(sep=" ", timespec="minutes")
    elif isinstance(value, date):
        value = value.isoformat()
    text = _ILLEGAL_XML.sub("", str(value))[:MAX_CELL_TEXT]
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def sheet_reference(title: str, cell: str) -> str:
    """``'客户档案'!F12``: a cell of another worksheet as a formula or a hyperlink names it (always quoted)."""
    return "'" + title.replace("'", "''") + "'!" + cell


def _hyperlinks(links: Sequence[Link]) -> str:
    if not links:
        return ""
    items = "".join(
        f'<hyperlink ref="{column_letter(link.column + 1)}{link.row + 1}" '
        f'location={quoteattr(_ILLEGAL_XML.sub("", sheet_reference(link.sheet, link.cell)))} '
        f'display={quoteattr(link.cell)}/>' for link in links)
    return f"<hyperlinks>{items}</hyperlinks>"


def worksheet_xml(rows: list[list[Any]], links: Sequence[Link] = ()) -> bytes:
    """A worksheet part holding ``rows``, header row frozen, with ``links`` (0-based cells of ``rows``) as
    internal hyperlinks; no styles, so it fits any workbook."""
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(COLUMN_WIDTHS, 1))
    data = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row, start=1) if v not in (None, ""))
        data.append(f'<row r="{r}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
        f'<sheetData>{"".join(data)}</sheetData>{_hyperlinks(links)}</worksheet>'
    ).encode("utf-8")


# --- the package ------------------------------------------------------------------------------------

def _part(base_dir: str, target: str) -> str:
    """A relationship target as a part name inside the zip (no leading slash)."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base_dir, target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _insert_before_end(xml: str, tag: str, fragment: str) -> str:
    match = None
    for match in re.finditer(rf"</(?:\w+:)?{tag}\s*>", xml):
        pass
    if match is None:
        raise ValueError(f"no </{tag}>")
    return xml[:match.start()] + fragment + xml[match.start():]


class Package:
    """The parts of an xlsx package that say which worksheets there are."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        root_rels = ElementTree.fromstring(archive.read("_rels/.rels"))
        self.workbook = next(_part("", r.get("Target", "")) for r in root_rels
                             if r.get("Type", "").endswith("/officeDocument"))
        self.workbook_xml = archive.read(self.workbook).decode("utf-8-sig")
        self.rels = _rels_name(self.workbook)
        self.rels_xml = archive.read(self.rels).decode("utf-8-sig")
        self.types_xml = archive.read("[Content_Types].xml").decode("utf-8-sig")
        if MAIN_NS not in self.workbook_xml:
            raise ValueError("不是常规的 Office Open XML 工作簿（可能是 Strict Open XML 格式）")
        self.added: set[str] = set()   # parts that add_worksheet named

    def targets(self) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part name)."""
        base = posixpath.dirname(self.workbook)
        return {r.get("Id"): (r.get("Type", ""), _part(base, r.get("Target", "")))
                for r in ElementTree.fromstring(self.rels_xml) if r.tag == f"{{{PKG_REL_NS}}}Relationship"}

    def sheets(self) -> list[tuple[str, str, str]]:
        """(name, sheetId, relationship id) of every sheet, in order."""
        root = ElementTree.fromstring(self.workbook_xml)
        return [(s.get("name", ""), s.get("sheetId", "0"), s.get(f"{{{DOC_REL_NS}}}id", ""))
                for s in root.iter(f"{{{MAIN_NS}}}sheet")]

    def add_worksheet(self, title: str) -> str:
        """Register a new, empty worksheet part named ``title``; returns its part name."""
        taken = set(self.archive.namelist()) | self.added
        base = posixpath.dirname(self.workbook)
        n = 1
        while posixpath.join(base, f"worksheets/sheet{n}.xml") in taken:
            n += 1
        part = posixpath.join(base, f"worksheets/sheet{n}.xml")
        ids = set(self.targets())
        rid = next(f"rId{i}" for i in range(1, len(ids) + 2) if f"rId{i}" not in ids)
        sheet_id = max((int(s[1]) for s in self.sheets() if s[1].isdigit()), default=0) + 1
        prefix = re.search(rf'xmlns:(\w+)="{re.escape(DOC_REL_NS)}"', self.workbook_xml)
        rel_attr = f'{prefix.group(1)}:id="{rid}"' if prefix else f'xmlns:hr="{DOC_REL_NS}" hr:id="{rid}"'
        own = re.search(r"<(\w+:)?sheets\b", self.workbook_xml)
        tag = (own.group(1) or "") + "sheet" if own else "sheet"
        self.workbook_xml = _insert_before_end(
            self.workbook_xml, "sheets", f'<{tag} name={quoteattr(title)} sheetId="{sheet_id}" {rel_attr}/>')
        self.rels_xml = _insert_before_end(
            self.rels_xml, "Relationships",
            f'<Relationship Id="{rid}" Type="{WORKSHEET_REL}" Target="/{part}"/>')
        self.types_xml = _insert_before_end(
            self.types_xml, "Types", f'<Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>')
        self.added.add(part)
        return part


def replace_sheet(path: str | Path, title: str, rows: list[list[Any]], links: Sequence[Link] = ()) -> None:
    """Make worksheet ``title`` of the workbook hold exactly ``rows`` (and ``links``: cells of ``rows`` that
    link to cells of other worksheets); every other part stays as it was."""
    path = Path(path)
    refuse_if_open(path)
    check_workbook_file(path, write=True)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise SourceError(f"找不到工作簿 {path}（file not found）。请检查 --source 的路径。",
                          en=f"Workbook {path} not found. Check the path given to --source.") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"无法打开工作簿 {path}: {exc}. 请确认它是 Excel/WPS 保存的 .xlsx 文件，且没有加密。",
                          en=f"Cannot open workbook {path}: {exc}. Make sure it is an .xlsx file saved by "
                             "Excel or WPS, without a password.") from exc
    with archive:
        try:
            package = Package(archive)
            sheets = package.sheets()
            targets = package.targets()
        except (KeyError, StopIteration, ElementTree.ParseError, ValueError) as exc:
            raise SourceError(f"无法读取工作簿 {path} 的结构: {exc}。请用 Excel/WPS 打开并另存为 .xlsx 后再试。",
                              en=f"Cannot read the structure of workbook {path}: {exc}. Open it in Excel or WPS, "
                                 "save it again as .xlsx, and retry.") from exc
        existing = [rid for name, _, rid in sheets if name.casefold() == title.casefold()]
        if existing:
            kind, part = targets.get(existing[0], ("", ""))
            if kind != WORKSHEET_REL or part not in archive.namelist():
                raise SourceError(f"工作簿 {path} 中的“{title}”不是普通工作表，无法写入。请把它改名或删除。",
                                  en=f"“{title}” in workbook {path} is not an ordinary worksheet and cannot be "
                                     "written. Rename it or delete it.")
        else:
            part = package.add_worksheet(title)
        changed = {part: worksheet_xml(rows, links), package.workbook: package.workbook_xml.encode("utf-8"),
                   package.rels: package.rels_xml.encode("utf-8"),
                   "[Content_Types].xml": package.types_xml.encode("utf-8")}

        def write_to(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
                for info in archive.infolist():
                    data = changed.pop(info.filename, None) or archive.read(info.filename)
                    out.writestr(copy.copy(info), data)
                for name, data in changed.items():  # the new worksheet part
                    out.writestr(name, data)

        atomic_write(path, write_to)
