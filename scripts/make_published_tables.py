"""Make the workbooks of tests/data/published from their CSV files and the merged cells below.

The CSV files are the transcriptions of the bureaus' appendix tables, as Excel or WPS exports
them: a merged cell's value in its first row, blanks below. A workbook made from one holds the
same cells, with the cells that span rows or columns in the document (title, month, category,
序号, a project name over its sub-items) merged again, so the reader meets both forms of a table.

    python scripts/make_published_tables.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "data" / "published"

MERGED: dict[str, list[str]] = {
    # Title; header 项目名称 over two columns; 类别; 序号, name and audience over sub-items; a
    # name over both name columns where the document gives no sub-item.
    "qianjiang-2022": [
        "A1:H1", "C2:D2",
        "A3:A10", "A11:A18", "A19:A24", "A25:A32",
        "B3:B5", "B6:B7", "B9:B10", "B25:B26", "B28:B29", "B31:B32",
        "C3:C5", "C6:D7", "C8:D8", "C9:D10", "E9:E10",
        "C11:D11", "C12:D12", "C13:D13", "C14:D14", "C15:D15", "C16:D16", "C17:D17", "C18:D18",
        "C19:C20", "C21:C22", "C25:C26", "C28:C29", "C31:C32",
    ],
    # The table in two parts, each with its title and header; 月份 over each month's rows.
    "anshan-2022": [
        "A1:G1", "B3:B7", "B8:B11", "B12:B20", "B21:B26", "B27:B31",
        "A32:G32", "B34:B37", "B38:B42", "B43:B49", "B50:B55", "B56:B62", "B63:B65",
    ],
    # Title and the 备注 line under the table.
    "jianan-2024": ["A1:F1", "A17:F17"],
}
"""Each table's merged cells, as Excel names the ranges."""
WIDTHS = {"项目名称": 40, "培训项目名称": 40, "培训对象": 24, "培训方式": 20, "培训形式": 20}
"""Column widths by header (the rest 10), for reading the workbook by eye."""
SAVED = dt.datetime(2024, 1, 1)
"""The workbook's creation and change time, and its zip entries' time: fixed, so that a workbook
made again from the same CSV is the same file."""


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def cell_value(text: str) -> str | int:
    """Digits as a number, as a spreadsheet holds them; the rest as written."""
    return int(text) if text.isdigit() else text


def header_row(rows: list[list[str]]) -> int:
    """The 1-based number of the first row that names the 序号 column."""
    return next(number for number, row in enumerate(rows, 1) if "序号" in row)


def make_workbook(name: str) -> Path:
    rows = read_csv(FOLDER / f"{name}.csv")
    book = Workbook()
    sheet = book.active
    sheet.title = name
    thin = Side(style="thin")
    header = header_row(rows)
    for number, row in enumerate(rows, 1):
        boxed = number >= header and any(row[1:])
        for column, text in enumerate(row, 1):
            cell = sheet.cell(number, column, cell_value(text) if text else None)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if boxed:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if row == rows[header - 1]:
                cell.font = Font(bold=True)
    for merged in MERGED[name]:
        sheet.merge_cells(merged)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for column, text in enumerate(rows[header - 1], 1):
        width = WIDTHS.get(text.replace("\n", ""), 10)
        sheet.column_dimensions[get_column_letter(column)].width = width
    book.properties.created = SAVED
    path = FOLDER / f"{name}.xlsx"
    book.save(path)
    fix_times(path)
    return path


def fix_times(path: Path) -> None:
    """Give the workbook (a zip file) the time `SAVED` where saving wrote the present time: each
    entry's time, and the change time in its properties."""
    with zipfile.ZipFile(path) as saved:
        entries = [(entry.filename, saved.read(entry)) for entry in saved.infolist()]
    stamp = f"{SAVED:%Y-%m-%dT%H:%M:%SZ}".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as fixed:
        for filename, data in entries:
            if filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            fixed.writestr(zipfile.ZipInfo(filename, SAVED.timetuple()[:6]), data,
                           zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())


def main() -> None:
    for name in MERGED:
        print(make_workbook(name).relative_to(ROOT))


if __name__ == "__main__":
    main()
