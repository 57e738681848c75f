"""The plan as an Excel workbook a bureau can publish (`plan.xlsx`).

The first sheet is the official plan table laid out like the appendices of the seed documents
(the Anshan 2022 table): a title row with the plan's name, the header row, one row per session
with the month written once in a merged cell for all of its rows, and a 合计 row. It prints
landscape on A4, one page wide, with the header repeated on every page. Further sheets: venues,
trainers (days and dates), towns (seats against fair shares, seats per teacher over the year,
rural share, peak absence; notes under the table name the towns the year reaches least and most
and set the rural share against the quota and the tilt), projects' rural share against their
quota and their seats short of fair shares, and the KPIs.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.instance import Instance
from models.solution import Solution, write_bytes_atomically
from scheduler.export import summaries
from scheduler.export.plan_table import plan_table
from scheduler.export.wording import word

# Column widths in Excel's units (about one Latin character; a hanzi takes two).
PLAN_WIDTHS = {"序号": 6, "月份": 7, "培训项目名称": 34, "培训对象": 26, "培训方式": 12,
               "参训人数": 9, "培训时间": 24, "培训地点": 24, "授课专家": 20, "负责科室": 10}
CENTRED = {"序号", "月份", "培训方式", "参训人数", "负责科室", "类型", "座位数", "使用天数",
           "授课天数", "年度上限", "教师数", "参训人次", "最高同日离岗", "离岗上限", "农村学员",
           "单位", *summaries.PER_TEACHER, *summaries.FAIR_SHARE_COLUMNS}
TRANSLATED_VALUES = {"类型", "指标", "单位"}  # fixed words; names stay as they are
NOT_SET_FOR_ALL = {"农村名额要求", "公平名额缺口"}  # None for a "headcount: all" project
PERCENT = {"占全部名额", "农村占比", "农村名额要求"}
LINE_HEIGHT = 15.0  # points per line of 11-point text
MAX_WIDTH = 60

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


def write_xlsx(instance: Instance, solution: Solution, path: Path, lang: str = "zh",
               broken: list[str] | None = None) -> None:
    """Write the workbook to `path` (atomically): plan table first, then the side sheets; a
    plan that breaks rules (`broken`, exported on purpose) lists them on a sheet before all."""
    workbook = Workbook()
    plan = workbook.active
    assert plan is not None  # a new workbook always has one sheet
    _plan_sheet(plan, instance, solution, lang)
    if broken:
        _broken_sheet(workbook.create_sheet(word("违反的规则", lang), 0), broken, lang)
        workbook.active = 0
    towns = summaries.town_summary(instance, solution)
    town_notes = [*summaries.coverage_notes(instance, towns, lang),
                  *filter(None, [summaries.rural_note(instance, towns, lang)])]
    sheets: list[tuple[str, pd.DataFrame, dict[str, int], list[str]]] = [
        ("场地", summaries.venue_summary(instance, solution),
         {"场地": 28, "所在乡镇": 12, "使用日期": 56}, []),
        ("专家", summaries.trainer_summary(instance, solution),
         {"授课专家": 12, "专家费（元）": 12, "授课日期": 60}, []),
        ("乡镇", towns, {"乡镇": 14, "最高同日离岗": 14}, town_notes),
        ("农村名额", summaries.project_rural(instance, solution), {"培训项目名称": 40}, []),
        ("指标", summaries.kpi_table(instance, solution), {"指标": 26, "数值": 14}, []),
    ]
    for name, table, widths, notes in sheets:
        sheet = workbook.create_sheet(word(name, lang))
        _side_sheet(sheet, f"{instance.name} · {word(name, lang)}", table, widths, lang, notes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_bytes_atomically(Path(path), buffer.getvalue())


def _broken_sheet(sheet: Worksheet, broken: list[str], lang: str) -> None:
    title = (f"本方案违反 {len(broken)} 条规则（人工调整后导出）" if lang == "zh"
             else f"This plan breaks {len(broken)} rule(s) (adjusted by hand, exported anyway)")
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, color="C00000")
    for offset, line in enumerate(broken, start=2):
        sheet.cell(row=offset, column=1, value=line)
    sheet.column_dimensions["A"].width = 120


def _plan_sheet(sheet: Worksheet, instance: Instance, solution: Solution, lang: str) -> None:
    table = plan_table(instance, solution, office=True)
    columns = list(table.columns)
    sheet.title = word("培训计划", lang)
    write_title(sheet, instance.name, len(columns))
    write_header(sheet, [word(column, lang) for column in columns])
    widths = [PLAN_WIDTHS[column] for column in columns]

    first = 3
    for offset, record in enumerate(table.itertuples(index=False)):
        values = list(record)
        write_data_row(sheet, first + offset, values, columns, widths)

    # The month once per group, as in the published tables: a merged cell over its rows.
    month_column = columns.index("月份") + 1
    months = table["月份"].tolist()
    start = 0
    for index in range(1, len(months) + 1):
        if index == len(months) or months[index] != months[start]:
            if index - start > 1:
                sheet.merge_cells(start_row=first + start, end_row=first + index - 1,
                                  start_column=month_column, end_column=month_column)
            start = index

    total_row = first + len(table)
    headcount_column = columns.index("参训人数") + 1
    sheet.cell(total_row, 1, word("合计", lang))
    sheet.cell(total_row, headcount_column, int(table["参训人数"].sum()))
    for column in range(1, len(columns) + 1):
        cell = sheet.cell(total_row, column)
        cell.font = Font(bold=True)
        cell.fill = TOTAL_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=total_row, end_row=total_row, start_column=1,
                      end_column=headcount_column - 1)
    sheet.row_dimensions[total_row].height = LINE_HEIGHT + 5

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_setup(sheet)


def _side_sheet(sheet: Worksheet, title: str, table: pd.DataFrame, widths: dict[str, int],
                lang: str, notes: Sequence[str] = ()) -> None:
    """The table under a title row, then each note in a row of its own across the table, one
    row below it."""
    columns = list(table.columns)
    write_title(sheet, title, len(columns))
    write_header(sheet, [word(column, lang) for column in columns])
    column_widths = [
        widths.get(column, max(10, text_width(word(column, lang)) + 2)) for column in columns
    ]
    for offset, record in enumerate(table.itertuples(index=False)):
        values = [_shown(column, value, lang)
                  for column, value in zip(columns, record, strict=True)]
        write_data_row(sheet, 3 + offset, values, columns, column_widths)
    for offset, note in enumerate(notes, start=4 + len(table)):
        sheet.cell(offset, 1, note).alignment = Alignment(vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=offset, end_row=offset, start_column=1,
                          end_column=len(columns))
        sheet.row_dimensions[offset].height = LINE_HEIGHT * _lines(note, sum(column_widths)) + 5
    for index, width in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_setup(sheet)


def _shown(column: str, value: object, lang: str) -> object:
    """A cell's value: fixed words translated (a town's name is not, the total rows' names
    are), no quota shown as such, NaN as an empty cell."""
    if isinstance(value, float) and math.isnan(value):
        value = None
    if column in NOT_SET_FOR_ALL and value is None:
        return word("全员（不设）", lang)
    if isinstance(value, str) and (column in TRANSLATED_VALUES or (
            column == "乡镇" and value in summaries.TOTAL_ROWS)):
        return word(value, lang)
    return value


def write_title(sheet: Worksheet, title: str, width: int) -> None:
    sheet.cell(1, 1, title)
    sheet.merge_cells(start_row=1, end_row=1, start_column=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32


def write_header(sheet: Worksheet, headers: Sequence[str]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(2, column, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[2].height = LINE_HEIGHT * 1.5
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"


def write_data_row(sheet: Worksheet, row: int, values: Sequence[object], columns: Sequence[str],
              widths: Sequence[int]) -> None:
    lines = 1
    for column, (name, value, width) in enumerate(zip(columns, values, widths, strict=True),
                                                  start=1):
        cell = sheet.cell(row, column, value)
        cell.border = BORDER
        cell.alignment = Alignment(
            horizontal="center" if name in CENTRED else "left",
            vertical="center", wrap_text=True,
        )
        if name in PERCENT and isinstance(value, float):
            cell.number_format = "0.0%"
        elif name in summaries.PER_TEACHER and isinstance(value, float):
            cell.number_format = "0.00"
        elif isinstance(value, int) and abs(value) >= 10_000:
            cell.number_format = "#,##0"
        if isinstance(value, str):
            lines = max(lines, _lines(value, width))
    # openpyxl cannot ask Excel to fit a row to its wrapped text, so estimate the height.
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 5


def print_setup(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6


def text_width(text: str) -> int:
    """Width in Excel's character units: a hanzi (or other wide character) counts two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _lines(text: str, width: int) -> int:
    """Lines the text takes in a wrapped cell `width` units wide."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))
