"""Looking at a workbook file before openpyxl reads it: what it would cost to read, and what it
holds that openpyxl would read wrongly or not at all.

An .xlsx is a zip of XML parts. Read as it comes, a small file can take minutes and gigabytes
(a part that inflates past a gigabyte, one cell at row 1,048,576 making openpyxl fill a million
rows), and a cell holding a formula without its value saved (as openpyxl and some tools write
them) reads as an empty cell: `月份 =3` would read as every month. So, before openpyxl:

- the file must be a regular file of at most `MAX_FILE_BYTES`, a zip (an encrypted workbook is
  an OLE file, refused by name), whose parts declare at most `MAX_UNCOMPRESSED` bytes in all
  (zipfile holds each part to its declared size while reading, so the declaration binds);
- each worksheet's XML is scanned once (through defusedxml: a DTD or an entity, as in XXE and
  billion-laughs files, is refused): a cell beyond row `MAX_ROWS` or column `MAX_COLUMNS` is
  refused by sheet and cell before any row is parsed, and each formula cell without a cached
  value is noted, to be refused by cell.
"""

from __future__ import annotations

import posixpath
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from models.parse import InputError
from models.phrase import phrase
from models.workbook.layout import DATA_SHEETS, SETTINGS

MAX_FILE_BYTES = 50 * 1024 * 1024
"""The largest workbook file read; a year's plan of 3,000 projects is well under 2 MB."""
MAX_UNCOMPRESSED = 256 * 1024 * 1024
"""The most bytes the parts of a workbook may declare, inflated, in all."""
MAX_ROWS = 20_000
"""The last row a sheet may use: an instance has at most 3,000 projects, and a few hundred
towns, venues, trainers or calendar entries."""
MAX_COLUMNS = 200
"""The last column a sheet may use (towns have a column per audience)."""

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class Survey:
    """What the scan found: per sheet title, each formula cell without a cached value, as
    (row, column, formula)."""

    uncached: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)


def file_refused(path: Path, chinese: str, english: str) -> InputError:
    """The workbook at `path` is refused, for the reason given in both languages."""
    return InputError([phrase(("{path}: {en}", "{path}: {zh}"), path=path, zh=chinese,
                              en=english)])


def survey(path: Path) -> Survey:
    """Check the workbook at `path` as the module says; raise InputError naming the file (and
    the sheet and cell) for what is refused."""

    def refuse(chinese: str, english: str) -> InputError:
        return file_refused(path, chinese, english)

    try:
        status = Path(path).stat()
    except FileNotFoundError:
        raise refuse("找不到文件", "the file does not exist") from None
    except (OSError, ValueError) as error:
        raise refuse(f"无法读取（{error}）", f"cannot read the file ({error})") from None
    if not stat.S_ISREG(status.st_mode):
        raise refuse("不是普通文件（是文件夹、管道或设备）",
                     "is not a regular file (a folder, a pipe or a device)")
    if status.st_size > MAX_FILE_BYTES:
        raise refuse(f"文件有 {status.st_size:,} 字节，超过上限 {MAX_FILE_BYTES:,}",
                     f"{status.st_size:,} bytes, more than the {MAX_FILE_BYTES:,} a workbook "
                     "may have")
    try:
        with open(path, "rb") as file:
            head = file.read(len(OLE_MAGIC))
        if head == OLE_MAGIC:
            raise refuse("是加密（设了打开密码）的工作簿或旧的 .xls 文件：请去掉密码，另存为 .xlsx",
                         "is an encrypted (password-protected) workbook or an old .xls file: "
                         "remove the password and save it as .xlsx")
        with zipfile.ZipFile(path) as archive:
            declared = sum(info.file_size for info in archive.infolist())
            if declared > MAX_UNCOMPRESSED:
                raise refuse(
                    f"解压后有 {declared:,} 字节，超过上限 {MAX_UNCOMPRESSED:,}（压缩炸弹？）",
                    f"inflates to {declared:,} bytes, more than the {MAX_UNCOMPRESSED:,} a "
                    "workbook may (a zip bomb?)")
            return _scan(archive, refuse)
    except InputError:
        raise
    except DefusedXmlException:
        raise refuse("含有 XML 实体或 DTD（Excel 保存的工作簿从不含有），为安全起见拒绝读取",
                     "holds XML entities or a DTD, which no workbook Excel saves has: refused "
                     "for safety") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, SafeTree.ParseError, KeyError,
            ValueError, EOFError, OSError, NotImplementedError) as error:
        raise refuse(f"不是 Excel 工作簿（.xlsx），无法读取：{error}",
                     f"not an Excel workbook (.xlsx) that can be read: {error}") from None


def _scan(archive: zipfile.ZipFile, refuse: Any) -> Survey:
    result = Survey()
    worksheets, charts = _sheet_parts(archive)
    data_titles = {title for sheet in (*DATA_SHEETS, SETTINGS) for title in (sheet.zh, sheet.en)}
    for title in charts:
        if title in data_titles:
            raise refuse(f"工作表「{title}」是图表工作表，不是数据表：请改名或删除",
                         f'the sheet "{title}" is a chart sheet, not a sheet of data: rename '
                         "or delete it")
    for title, part in worksheets.items():
        uncached: list[tuple[int, int, str]] = []
        with archive.open(part) as stream:
            for _, element in SafeTree.iterparse(stream, events=("end",)):
                if element.tag == f"{MAIN}c":
                    row, column = _cell_place(element.get("r"))
                    if row > MAX_ROWS or column > MAX_COLUMNS:
                        where = element.get("r")
                        raise refuse(
                            f"工作表「{title}」在 {where} 有内容，超出可读取的范围（最多 "
                            f"{MAX_ROWS:,} 行、{MAX_COLUMNS} 列）：请删除多余的行和列",
                            f'the sheet "{title}" has a cell at {where}, beyond what is read '
                            f"({MAX_ROWS:,} rows, {MAX_COLUMNS} columns): delete the rows and "
                            "columns past the data")
                    formula = element.find(f"{MAIN}f")
                    value = element.find(f"{MAIN}v")
                    if formula is not None and (value is None or (
                            value.text is None and element.get("t") != "str")):
                        uncached.append((row, column, formula.text or ""))
                elif element.tag == f"{MAIN}row":
                    if int(element.get("r") or 0) > MAX_ROWS:
                        raise refuse(
                            f"工作表「{title}」有第 {element.get('r')} 行，超出可读取的 "
                            f"{MAX_ROWS:,} 行：请删除多余的行",
                            f'the sheet "{title}" has a row {element.get("r")}, beyond the '
                            f"{MAX_ROWS:,} rows read: delete the rows past the data")
                    element.clear()
        if uncached:
            result.uncached[title] = uncached
    return result


def _cell_place(reference: str | None) -> tuple[int, int]:
    """(row, column) of `A1`-style text; a cell without one counts as row 1, column 1."""
    if not reference:
        return 1, 1
    try:
        letters, row = coordinate_from_string(reference)
        return row, column_index_from_string(letters)
    except Exception:  # openpyxl's CellCoordinatesException is no ValueError
        raise ValueError(f"{reference!r} is not a cell") from None


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[str]]:
    """Each worksheet's title and the part holding it; the titles of the chart sheets."""
    book = SafeTree.fromstring(archive.read("xl/workbook.xml"))
    links = SafeTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {link.get("Id"): link.get("Target", "") for link in links
               if link.tag == f"{RELATIONSHIPS}Relationship"}
    names = set(archive.namelist())
    parts, charts = {}, []
    for sheet in book.iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(OFFICE_RELATIONSHIP), "")
        part = (target.lstrip("/") if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target)))
        if part in names and "worksheets/" in part:
            parts[sheet.get("name", "")] = part
        elif "chartsheets/" in part:
            charts.append(sheet.get("name", ""))
    return parts, charts
