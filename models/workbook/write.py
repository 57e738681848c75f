"""Writing the planner's workbook: the template to fill in, or an instance as a workbook.

Sheets: 说明 (how to fill it in, an example row per sheet), then one sheet of items per section
(`layout.DATA_SHEETS`) and 政策与权重. Headers are in the planner's words with a comment giving
each one's meaning and default; the header row is frozen; drop-downs take their choices from a
hidden sheet through defined names, so a list (towns, audiences, topics) is kept in one place.
Items refer to each other by name where the name is unique, else by id, and
`models.workbook.read` reads back exactly the instance written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from models import words
from models.cell_text import guard_workbook
from models.instance import Instance
from models.solution import write_bytes_atomically
from models.workbook.layout import (
    AUDIENCES,
    CALENDAR,
    CALENDAR_TYPES,
    DATA_SHEETS,
    GUIDE,
    LISTS,
    OWN_PUBLIC_HOLIDAYS,
    REFERENCES,
    SETTING_HEADERS,
    SETTINGS,
    TEACHERS_EN,
    TEACHERS_ZH,
    TOWNS,
    Column,
    Kind,
    Sheet,
)

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
VALIDATED_ROWS = 1000
"""Rows below the header that the drop-downs cover."""
SHARE_FORMAT, DATE_FORMAT = "0%", "yyyy-mm-dd"


def write_workbook(path: Path, instance: Instance | None = None, lang: str = "zh") -> None:
    """Write the workbook for `instance`, or an empty template, atomically."""
    data = instance.model_dump(mode="json", by_alias=True) if instance else {}
    save_atomically(build_workbook(data, lang), path)


def save_atomically(book: Workbook, path: Path) -> None:
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomically(path, buffer.getvalue())


def build_workbook(data: dict[str, Any], lang: str) -> Workbook:
    """The workbook of an instance's JSON; a part of one (only projects, say) leaves the rest
    of the workbook empty for the planner."""
    names = _reference_names(data)
    book = Workbook()
    guide = book.active
    guide.title = GUIDE[0] if lang == "zh" else GUIDE[1]
    lists = _ListSheet(book, data, lang)
    for sheet in DATA_SHEETS:
        rows = (_calendar_rows(data, names, lang) if sheet is CALENDAR
                else [_item_row(sheet, item, names, lang) for item in data.get(sheet.section, [])])
        columns = list(sheet.columns)
        if sheet is TOWNS:
            columns += _teacher_columns(data, names)
        _data_sheet(book.create_sheet(sheet.title(lang)), sheet, columns, rows, lists, lang)
    _settings_sheet(book.create_sheet(SETTINGS.title(lang)), data, names, lang)
    _guide(guide, lang)
    book.move_sheet(lists.sheet, offset=len(book.sheetnames))
    for worksheet in book.worksheets:
        _print_wide(worksheet)
    guard_workbook(book)  # a name like "=1+1" stays the text the planner wrote
    return book


# -- cells ----------------------------------------------------------------------------------
def _reference_names(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per referenced section, how each id is written: its name where no other item has it and
    no separator of a list (、 ,) could cut it in two, else its id."""
    names: dict[str, dict[str, str]] = {}
    for section in REFERENCES.values():
        items = data.get(section, [])
        counts: dict[str, int] = {}
        for item in items:
            counts[item["name"]] = counts.get(item["name"], 0) + 1
        names[section] = {
            item["id"]: item["name"] if counts[item["name"]] == 1
            and words.split_list(item["name"]) == [item["name"]] else item["id"]
            for item in items}
    return names


def _cell(column: Column, value: Any, names: dict[str, dict[str, str]], lang: str) -> Any:
    """The cell for a JSON value of the column; None for an empty cell."""
    if value is None or value == []:
        return None
    zh = lang == "zh"
    if column.kind in REFERENCES:
        written = names[REFERENCES[column.kind]]
        if isinstance(value, list):
            return "、".join(str(written.get(v, v)) for v in value)
        return written.get(value, value)
    writers: dict[Kind, Callable[[Any], Any]] = {
        Kind.YES_NO: lambda v: (words.YES if v else words.NO) if zh else ("yes" if v else "no"),
        Kind.MONTHS: words.months_text,
        Kind.HEADCOUNT: lambda v: (words.ALL_TEACHERS if zh else "all") if v == "all" else v,
        Kind.PRIORITY: lambda v: (words.MANDATORY if zh else v) if v == "mandatory" else v,
        Kind.MODE: lambda v: words.MODES[v] if zh else v,
        Kind.HOLIDAY: lambda v: words.HOLIDAY_RULES[v] if zh else v,
        Kind.VENUE_RURAL: lambda v: words.VENUE_RURAL[v] if zh else v,
        Kind.DELIVERY: lambda v: words.DELIVERY[v] if zh else v,
        Kind.WORDS: "、".join,
        Kind.DATE_RANGES: lambda v: words.ranges_text(
            [(dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["end"])) for r in v]),
        Kind.DATE: dt.date.fromisoformat,
        Kind.HOURS: lambda v: "；".join(f"{names['audiences'].get(audience, audience)}:{hours:g}"
                                       for audience, hours in v.items())
        if isinstance(v, dict) else v,
    }
    return writers.get(column.kind, lambda v: v)(value)


def _item_row(sheet: Sheet, item: dict[str, Any], names: dict[str, dict[str, str]],
              lang: str) -> dict[str, Any]:
    row = {column.field: _cell(column, item.get(column.field), names, lang)
           for column in sheet.columns}
    if sheet is TOWNS:
        row |= {f"teachers.{audience}": count
                for audience, count in item.get("teachers", {}).items()}
    return row


def _teacher_columns(data: dict[str, Any], names: dict[str, dict[str, str]]) -> list[Column]:
    """One column per audience: its teachers in each town."""
    return [Column(f"teachers.{audience['id']}", Kind.WHOLE, names["audiences"][audience["id"]],
                   names["audiences"][audience["id"]],
                   TEACHERS_ZH.format(name=audience["name"]),
                   TEACHERS_EN.format(name=audience["name"]), "0", "", 10)
            for audience in data.get("audiences", [])]


def _calendar_rows(data: dict[str, Any], names: dict[str, dict[str, str]],
                   lang: str) -> list[dict[str, Any]]:
    calendar = data.get("calendar", {})
    rows = []
    for kind in ("holiday_windows", "blackouts"):
        for entry in calendar.get(kind, []):
            rows.append({"type": CALENDAR_TYPES[kind][0 if lang == "zh" else 1],
                         "name": entry["name"],
                         "start": dt.date.fromisoformat(entry["start"]),
                         "end": dt.date.fromisoformat(entry["end"]),
                         "audiences": _cell(CALENDAR.column("audiences"),
                                            entry.get("audiences"), names, lang)})
    own = calendar.get("public_holidays", "CN")
    for kind, days in (("public_holidays", [] if own == "CN" else own),
                       ("extra_workdays", calendar.get("extra_workdays", []))):
        for start, end in _runs(sorted(dt.date.fromisoformat(day) for day in days)):
            rows.append({"type": CALENDAR_TYPES[kind][0 if lang == "zh" else 1], "name": None,
                         "start": start, "end": end, "audiences": None})
    return rows


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) ranges."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        elif not runs or day != runs[-1][1]:
            runs.append((day, day))
    return runs


# -- sheets ---------------------------------------------------------------------------------
def _header(worksheet: Worksheet, number: int, text: str, comment: str, width: int) -> None:
    cell = worksheet.cell(row=1, column=number, value=text)
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    cell.comment = Comment(comment, "schedule", width=260, height=110)
    worksheet.column_dimensions[get_column_letter(number)].width = width


def _comment(column: Column, lang: str) -> str:
    if lang == "zh":
        return column.meaning_zh + (f"\n默认：{column.default}" if column.default else "\n必填")
    default = f"\nDefault: {column.default_text(lang)}" if column.default else "\nRequired"
    return column.meaning_en + default


def _data_sheet(worksheet: Worksheet, sheet: Sheet, columns: list[Column],
                rows: list[dict[str, Any]], lists: _ListSheet, lang: str) -> None:
    for number, column in enumerate(columns, start=1):
        _header(worksheet, number, column.header(lang), _comment(column, lang), column.width)
        letter = get_column_letter(number)
        for offset, row in enumerate(rows, start=2):
            cell = worksheet.cell(row=offset, column=number, value=row.get(column.field))
            if column.kind is Kind.SHARE:
                cell.number_format = SHARE_FORMAT
            elif column.kind is Kind.DATE:
                cell.number_format = DATE_FORMAT
        lists.validate(worksheet, column, f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
    worksheet.freeze_panes = "C2" if len(columns) > 2 else "A2"


def _settings_sheet(worksheet: Worksheet, data: dict[str, Any],
                    names: dict[str, dict[str, str]], lang: str) -> None:
    for number, (text, width) in enumerate(zip(SETTING_HEADERS[lang], (20, 40, 60),
                                               strict=True), start=1):
        _header(worksheet, number, text, text, width)
    for offset, column in enumerate(SETTINGS.columns, start=2):
        value: Any = data
        for part in column.field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if column.field == "calendar.public_holidays" and value is not None:
            value = (words.PUBLIC_HOLIDAYS_CN if value == "CN" else OWN_PUBLIC_HOLIDAYS[0]) \
                if lang == "zh" else ("CN" if value == "CN" else OWN_PUBLIC_HOLIDAYS[1])
        elif column.kind in (Kind.YES_NO, Kind.HOURS) and value is not None:
            value = _cell(column, value, names, lang)
        worksheet.cell(row=offset, column=1, value=column.header(lang)).font = HEADER_FONT
        cell = worksheet.cell(row=offset, column=2, value=value)
        if column.kind is Kind.SHARE:
            cell.number_format = SHARE_FORMAT
        worksheet.cell(row=offset, column=3, value=_comment(column, lang).replace("\n", "；"))
    worksheet.freeze_panes = "B2"


def _guide(worksheet: Worksheet, lang: str) -> None:
    zh = lang == "zh"
    lines: list[list[Any]] = [
        ["培训计划数据表：填写说明" if zh else "Training plan workbook: how to fill it in"],
        ["每张表第一行是表头，鼠标停在表头上可看含义和默认值；从第二行起每行一项。"
         if zh else "The first row of each sheet holds the headers (hover for meaning and "
         "default); each row below is one item."],
        ["编号可不填：按行序自动编号。项目、场地、专家之间用名称互相引用。"
         if zh else "Ids may be left empty: they are derived from the row order. Items refer "
         "to each other by name."],
        ["多个值用顿号（、）分隔；月份可写 3-12月、7—8月、4月、全年；人数可写 120、约120人、全员。"
         if zh else "Separate several values with 、 or commas; months as 3-12月, 7—8月, 4月, "
         "全年; headcounts as 120, 约120人, 全员."],
        ["填好后运行：schedule check 本文件.xlsx（检查），schedule solve 本文件.xlsx（排课）。"
         if zh else "Then run: schedule check this.xlsx (check), schedule solve this.xlsx "
         "(plan)."],
        [],
    ]
    for sheet in (*DATA_SHEETS, SETTINGS):
        lines.append([f"{sheet.title(lang)}：{sheet.purpose_zh}" if zh
                      else f"{sheet.title(lang)}: {sheet.purpose_en}"])
        if sheet is SETTINGS:
            lines.append([SETTINGS.columns[0].header(lang), SETTINGS.columns[0].example])
        else:
            lines.append([column.header(lang) for column in sheet.columns])
            lines.append([column.example for column in sheet.columns])
        lines.append([])
    for offset, line in enumerate(lines, start=1):
        for number, value in enumerate(line, start=1):
            worksheet.cell(row=offset, column=number, value=value or None)
    worksheet["A1"].font = Font(bold=True, size=14)
    widest = max(len(sheet.columns) for sheet in DATA_SHEETS)
    for number in range(1, widest + 1):
        worksheet.column_dimensions[get_column_letter(number)].width = 14


def _print_wide(worksheet: Worksheet) -> None:
    """Printed (or made a PDF) landscape, as wide as one page."""
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True


class _ListSheet:
    """The hidden sheet of drop-down choices, one column each, named by a defined name."""

    def __init__(self, book: Workbook, data: dict[str, Any], lang: str):
        self.sheet = book.create_sheet(LISTS)
        self.sheet.sheet_state = "hidden"
        zh = lang == "zh"
        topics = sorted({topic for trainer in data.get("trainers", [])
                         for topic in trainer["topics"]})
        choices = {
            Kind.MODE: list(words.MODES.values()) if zh else list(words.MODES),
            Kind.HOLIDAY: list(words.HOLIDAY_RULES.values()) if zh else list(words.HOLIDAY_RULES),
            Kind.VENUE_RURAL: list(words.VENUE_RURAL.values()) if zh else list(words.VENUE_RURAL),
            Kind.DELIVERY: list(words.DELIVERY.values()) if zh else list(words.DELIVERY),
            Kind.PRIORITY: [words.MANDATORY if zh else "mandatory", *range(1, 11)],
            Kind.YES_NO: [words.YES, words.NO] if zh else ["yes", "no"],
            Kind.WORDS: topics,
            "type": [kind[0 if zh else 1] for kind in CALENDAR_TYPES.values()],
        }
        self.names: dict[Any, str] = {}
        for number, (kind, values) in enumerate(choices.items(), start=1):
            name = f"list_{kind.name.lower() if isinstance(kind, Kind) else kind}"
            self.sheet.cell(row=1, column=number, value=name)
            for offset, value in enumerate(values, start=2):
                self.sheet.cell(row=offset, column=number, value=value)
            letter = get_column_letter(number)
            last = max(2, len(values) + 1)
            book.defined_names[name] = DefinedName(
                name, attr_text=f"{LISTS}!${letter}$2:${letter}${last}")
            self.names[kind] = name
        # Audiences and towns are offered as the planner writes them on their own sheets, so a
        # name added there is in the drop-downs at once.
        for kind, sheet in ((Kind.AUDIENCES, AUDIENCES), (Kind.TOWN, TOWNS)):
            name = f"list_{kind.name.lower()}"
            names_column = f"'{sheet.title(lang)}'!$B"
            book.defined_names[name] = DefinedName(name, attr_text=(
                f"OFFSET({names_column}$2,0,0,MAX(1,COUNTA({names_column}:$B)-1),1)"))
            self.names[kind] = name

    def validate(self, worksheet: Worksheet, column: Column, cells: str) -> None:
        """A drop-down on the column's cells where its values come from a list."""
        key: Any = "type" if column.field == "type" and column in CALENDAR.columns else column.kind
        if key is Kind.WORDS and column.field != "topics":
            return
        if key not in self.names:
            return
        # Only a choice among fixed words is enforced: a cell naming items may list several, or
        # name one by its id.
        fixed = column.kind not in REFERENCES and column.kind is not Kind.WORDS
        validation = DataValidation(type="list", formula1=f"={self.names[key]}",
                                    allow_blank=True, showErrorMessage=fixed)
        worksheet.add_data_validation(validation)
        validation.add(cells)
