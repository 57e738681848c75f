"""Text that a spreadsheet would take for a formula, written so that it stays text.

A name is the planner's free text, and a cell whose text begins with `=`, `+`, `-`, `@`, a tab
or a carriage return is run as a formula by Excel, WPS or LibreOffice when the file is opened
or the cell is edited (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`): formula injection. Every xlsx
and csv writer passes its cells through here, so such text is shown as the text it is:

- in a workbook the cell is a text cell with Excel's quote-prefix style: the cell shows the
  text as written, and the formula bar shows it after an apostrophe, as when the planner types
  `'=1+1` themselves; reading the workbook back gives the text unchanged;
- in a CSV, which has no types, the cell begins with an apostrophe (`'=1+1`), the OWASP advice:
  a spreadsheet then shows the apostrophe too, and a program reading the CSV sees it.

Only text is guarded: a number, negative or not, stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """Whether `value` is text that a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: Any) -> Any:
    """A CSV cell: formula-like text behind an apostrophe, anything else as it is."""
    return "'" + value if is_formula_like(value) else value


def csv_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table to write as CSV: `csv_text` on every cell and every header."""
    return table.map(csv_text).rename(columns=csv_text)


def guard_cell(cell: Cell) -> None:
    """Make a cell holding formula-like text a text cell that shows it as written."""
    if is_formula_like(cell.value):
        cell.data_type = "s"  # openpyxl makes any text that begins with "=" a formula
        cell.quotePrefix = True


def guard_cells(cells: Iterable[Cell]) -> None:
    for cell in cells:
        guard_cell(cell)


def guard_sheet(sheet: Worksheet) -> None:
    """Guard every cell the sheet holds (only those written: no empty cell is made)."""
    guard_cells(list(sheet._cells.values()))


def guard_workbook(book: Workbook) -> None:
    """Guard every cell of every worksheet: called by each writer just before it saves."""
    for sheet in book.worksheets:
        guard_sheet(sheet)
