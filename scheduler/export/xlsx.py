"""The plan as an Excel workbook a bureau can publish (`plan.xlsx`).

The first sheet is the official plan table laid out like the appendices of the seed documents
(the Jian'an 2024 and Anshan 2022 tables): a title row with the plan's name, the header row, one
row per project with the dates and places of its classes in its cells, the month written once
in a merged cell for all of its rows, and a 合计 row. The second is the same table with one row
per class and its trainers (the rows of `plan.csv`). Both print landscape on A4, one page wide,
with the header repeated and "第3页 共4页" under every page, counted in the sheet (the official
table is printed and sent on its own); lines are broken and columns sized by `print_layout`. The
official table fills each page (a month cut by a page shows its month again on the next); in
the table per class a month's rows begin a new page rather than straddle one when little of
this one is left. Further sheets: venues, trainers (days and
dates), towns (seats against fair shares, seats per teacher over the year, rural share, peak
absence; notes under the table name the towns the year reaches least and most and set the rural
share against the quota and the tilt), projects' rural share against their quota and their
seats short of fair shares, the KPIs, and 成本明细: what each class adds to each KPI and why
(worked out before, `scheduler.analysis.class_costs.plan_costs`), every number in one format per
kind (9,800; 12.5%; 2.39). Every cell is set in a Chinese font.
"""

from __future__ import annotations

import io
import math
import numbers
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from models.cell_text import guard_workbook
from models.instance import Instance
from models.solution import Solution, write_bytes_atomically
from scheduler.core.costs import ProjectCost
from scheduler.export import summaries
from scheduler.export.cost_table import cost_table
from scheduler.export.official_table import Total, official_table, plan_total, total_label
from scheduler.export.plan_table import plan_table
from scheduler.export.print_layout import (
    KEEP_TOGETHER,
    SIDE_MARGIN,
    TOP_MARGIN,
    lay_out_columns,
    page_starts,
    rows_room,
    text_width,
)
from scheduler.export.wording import provisional_note, word

# The longest line of a plan table's column, in Excel's units (a hanzi takes two): longer text
# is broken into lines. A column not named is as wide as its text, to `LONGEST_LINE`.
PLAN_LINES = {"培训项目名称": 28, "培训对象": 22, "培训方式": 13, "培训时间": 26, "培训地点": 26,
              "授课专家": 16}
# The official table has no trainers' column, so its names and places take the room: its rows
# take fewer lines, and a bureau's table of sixty projects prints on four pages.
OFFICIAL_LINES = PLAN_LINES | {"培训项目名称": 34, "培训地点": 40}
LONGEST_LINE = 16
CENTRED = {"序号", "月份", "培训方式", "参训人数", "负责科室", "类型", "座位数", "使用天数",
           "授课天数", "年度上限", "教师数", "参训人次", "最高同日离岗", "离岗上限", "农村学员",
           "单位", *summaries.PER_TEACHER, *summaries.FAIR_SHARE_COLUMNS}
TRANSLATED_VALUES = {"类型", "指标", "单位"}  # fixed words; names stay as they are
NOT_SET_FOR_ALL = {"农村名额要求", "公平名额缺口"}  # None for a "headcount: all" project
PERCENT = {"占全部名额", "农村占比", "农村名额要求"}
LINE_HEIGHT = 16.0  # points per line of 11-point text in a CJK font (its lines are 1.45 em)
MAX_WIDTH = 60
# Noto Sans CJK SC (the family of the charts' font, scheduler/export/fonts.py): LibreOffice
# finds it where fonts-noto-cjk is installed; where it is missing, the GB2312 character set
# makes Windows draw the cells in a Chinese font of its own.
FONT_NAME = "Noto Sans CJK SC"
GB2312 = 134
# Under every page, counted in its sheet (a program's &N would count the whole workbook's pages):
# the plan tables, whose pages they break themselves, give their count too.
PAGE_NUMBER = {"zh": "第&P页", "en": "Page &P"}
PAGE_OF = {"zh": "第&P页 共{pages}页", "en": "Page &P of {pages}"}

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


def write_xlsx(instance: Instance, solution: Solution, path: Path, lang: str = "zh",
               broken: list[str] | None = None, *, costs: list[ProjectCost]) -> None:
    """Write the workbook to `path` (atomically): the official table first, the table per
    class second, then the side sheets, the classes' `costs` last; a plan that breaks rules
    (`broken`, exported on purpose) lists them on a sheet before all."""
    workbook = Workbook()
    plan = workbook.active
    assert plan is not None  # a new workbook always has one sheet
    plan.title = word("培训计划", lang)
    total = plan_total(instance, solution)
    note = provisional_note(instance, lang)
    _plan_sheet(plan, instance.name, official_table(instance, solution), lang, total, note,
                lines=OFFICIAL_LINES, fill_pages=True)
    per_class = workbook.create_sheet(word("分班安排", lang))
    _plan_sheet(per_class, f"{instance.name} · {word('分班安排', lang)}",
                plan_table(instance, solution, office=True), lang, total, note)
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
        *([("片区", areas, {"片区": 14}, [])]
          if (areas := summaries.area_summary(instance, solution)) is not None else []),
        ("农村名额", summaries.project_rural(instance, solution), {"培训项目名称": 40}, []),
        ("学时", summaries.hours_table(instance, solution),
         {"乡镇": 14, "培训对象": 14, "本计划提供学时（人均）": 16},
         list(filter(None, [summaries.hours_note(instance, solution, lang)]))),
        ("指标", summaries.kpi_table(instance, solution), {"指标": 26, "数值": 14}, []),
        ("成本明细", cost_table(instance, costs, lang),
         {"培训项目名称": 30, "培训时间": 16, "原因": 80}, []),
    ]
    for name, table, widths, notes in sheets:
        sheet = workbook.create_sheet(word(name, lang))
        _side_sheet(sheet, f"{instance.name} · {word(name, lang)}", table, widths, lang, notes)
    guard_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_bytes_atomically(Path(path), buffer.getvalue())


def _broken_sheet(sheet: Worksheet, broken: list[str], lang: str) -> None:
    title = (f"本方案违反 {len(broken)} 条规则（人工调整后导出）" if lang == "zh"
             else f"This plan breaks {len(broken)} rule(s) (adjusted by hand, exported anyway)")
    sheet.cell(row=1, column=1, value=title).font = sheet_font(bold=True, color="C00000")
    for offset, line in enumerate(broken, start=2):
        sheet.cell(row=offset, column=1, value=line).font = sheet_font()
    sheet.column_dimensions["A"].width = 120
    print_setup(sheet, lang)


def _plan_sheet(sheet: Worksheet, title: str, table: pd.DataFrame, lang: str,
                total: Total, note: str | None = None, *, lines: dict[str, int] | None = None,
                fill_pages: bool = False) -> None:
    """A plan table to publish (`official_table` or `plan_table`): its lines broken and its
    columns sized to fit, a 合计 row (人次 of the projects with a number headcount, the 全员
    ones left out and said so: their seats are the same teachers again), its pages broken by
    `page_starts`, and the month merged over its rows on each page. A `note` (the holidays
    are provisional) goes in a row under the 合计 and at the top of every printed page.
    `lines`: each column's longest line (`PLAN_LINES`); `fill_pages`: every page filled, a
    month cut by a page shown again on the next, rather than a month moved whole to the next
    page when little of this one is left."""
    columns = list(table.columns)
    headers = [word(column, lang) for column in columns]
    write_title(sheet, title, len(columns))
    write_header(sheet, headers)
    rows, widths = lay_out_columns(
        headers, [list(record) for record in table.itertuples(index=False)],
        [(lines or PLAN_LINES).get(column, LONGEST_LINE) for column in columns])
    first = 3
    for offset, values in enumerate(rows):
        write_data_row(sheet, first + offset, values, columns, widths)

    total_row = first + len(table)
    headcount_column = columns.index("参训人数") + 1
    sheet.cell(total_row, 1, total_label(total, lang))
    sheet.cell(total_row, headcount_column, total.trainees).number_format = "#,##0"
    for column in range(1, len(columns) + 1):
        cell = sheet.cell(total_row, column)
        cell.font = sheet_font(bold=True)
        cell.fill = TOTAL_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=total_row, end_row=total_row, start_column=1,
                      end_column=headcount_column - 1)
    sheet.row_dimensions[total_row].height = LINE_HEIGHT + 5
    if note:
        cell = sheet.cell(total_row + 1, 1, note)
        cell.font = sheet_font(bold=True, color="9C5700")
        sheet.merge_cells(start_row=total_row + 1, end_row=total_row + 1, start_column=1,
                          end_column=len(columns))
        sheet.row_dimensions[total_row + 1].height = LINE_HEIGHT + 5
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    # The pages are broken here, not by the program: a merged month cell cut by a page break
    # leaves the rows below it on the next page without their month.
    last = total_row + 1 if note else total_row
    months = [*table["月份"], *[None] * (last - total_row + 1)]  # 合计 and note: one group
    heights = [float(sheet.row_dimensions[row].height or LINE_HEIGHT)
               for row in range(first, last + 1)]
    room = rows_room(widths) - float(sheet.row_dimensions[2].height or LINE_HEIGHT)
    starts = page_starts(heights, months, room - float(sheet.row_dimensions[1].height or 0),
                         room, 0.0 if fill_pages else KEEP_TOGETHER)
    for start in starts:
        sheet.row_breaks.append(Break(id=first + start - 1))
    _merge_months(sheet, first, columns.index("月份") + 1, months[:len(table)], starts)
    print_setup(sheet, lang, len(starts) + 1)
    if note:
        sheet.oddHeader.center.text = note
        sheet.oddHeader.center.font = f"{FONT_NAME},Bold"
        sheet.oddHeader.center.size = 9


def _merge_months(sheet: Worksheet, first: int, column: int, months: Sequence[object],
                  starts: Sequence[int]) -> None:
    """The month once per group, as in the published tables: a merged cell over its rows, cut
    where a page starts, so that each page shows the month of each of its rows."""
    cuts = set(starts)
    start = 0
    for index in range(1, len(months) + 1):
        if index == len(months) or months[index] != months[start] or index in cuts:
            if index - start > 1:
                sheet.merge_cells(start_row=first + start, end_row=first + index - 1,
                                  start_column=column, end_column=column)
            start = index


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
        cell = sheet.cell(offset, 1, note)
        cell.font = sheet_font()
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=offset, end_row=offset, start_column=1,
                          end_column=len(columns))
        sheet.row_dimensions[offset].height = LINE_HEIGHT * _lines(note, sum(column_widths)) + 5
    for index, width in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_setup(sheet, lang)


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
    sheet["A1"].font = sheet_font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32


def write_header(sheet: Worksheet, headers: Sequence[str]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(2, column, header)
        cell.font = sheet_font(bold=True)
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
        cell.font = sheet_font()
        cell.border = BORDER
        cell.alignment = Alignment(
            horizontal="center" if name in CENTRED else "left",
            vertical="center", wrap_text=True,
        )
        # One format per kind of number on every sheet: shares as 12.5%, seats per teacher as
        # 2.39, every other number with thousands separated (9,800 beside 12,000, not 9800).
        if name in PERCENT and isinstance(value, float):
            cell.number_format = "0.0%"
        elif name in summaries.PER_TEACHER and isinstance(value, float):
            cell.number_format = "0.00"
        elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
            cell.number_format = "#,##0"
        elif isinstance(value, float):
            cell.number_format = "#,##0.00"
        if isinstance(value, str):
            lines = max(lines, _lines(value, width))
    # openpyxl cannot ask Excel to fit a row to its wrapped text, so estimate the height.
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 5


def print_setup(sheet: Worksheet, lang: str = "zh", pages: int | None = None) -> None:
    """A4 landscape, one page wide, and each page numbered in the sheet: 第3页, or 第3页 共4页
    when the sheet's `pages` are known."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = SIDE_MARGIN
    sheet.page_margins.top = sheet.page_margins.bottom = TOP_MARGIN
    # Each sheet numbers its pages from 1: the official table is printed and sent on its own.
    sheet.page_setup.firstPageNumber = 1
    sheet.page_setup.useFirstPageNumber = True
    language = "en" if lang == "en" else "zh"
    sheet.oddFooter.center.text = (PAGE_NUMBER[language] if pages is None
                                   else PAGE_OF[language].format(pages=pages))
    sheet.oddFooter.center.font = f"{FONT_NAME},Regular"
    sheet.oddFooter.center.size = 9


def sheet_font(*, bold: bool = False, size: float = 11, color: str | None = None) -> Font:
    """The font of every cell: one that draws Chinese, so that no program falls back to a
    Latin font and draws the hanzi from whatever it finds."""
    return Font(name=FONT_NAME, charset=GB2312, family=2, size=size, bold=bold, color=color)


def _lines(text: str, width: int) -> int:
    """Lines the text takes in a wrapped cell `width` units wide."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))
