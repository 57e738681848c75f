"""Reading the planner's workbook into an instance, with every problem named by sheet, row and
column as the planner sees them: `项目 第7行 「月份」: "13月" 不是月份`.

The workbook's drop-downs are not enforced by openpyxl and pasted cells bypass them, so every
cell is read again here by its column's `Kind`. A cell that reads becomes the instance's JSON
value; the whole is then checked by `models.parse` exactly as a JSON instance is, and what that
finds is traced back to its sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from models import words
from models.instance import Instance
from models.parse import InputError, parse_instance
from models.phrase import Phrase, phrase
from models.words import WordError
from models.workbook.layout import (
    AUDIENCES,
    CALENDAR,
    CALENDAR_TYPES,
    DATA_SHEETS,
    OWN_PUBLIC_HOLIDAYS,
    PROJECTS,
    REFERENCES,
    SETTINGS,
    TOWNS,
    Column,
    Kind,
    Sheet,
)
from models.workbook.safety import Survey, file_refused, survey

REQUIRED_SHEETS = (PROJECTS, AUDIENCES, TOWNS, SETTINGS)


@dataclass(frozen=True)
class CellProblem:
    """A problem at a cell (or a row, a sheet) of the workbook, in Chinese and English."""

    sheet: str
    row: int | None
    column: str | None
    column_index: int | None
    zh: str
    en: str

    @property
    def said(self) -> Phrase:
        """The problem where it is: `项目 第7行 「月份」: …`, `项目 row 7 "月份": …`."""
        return phrase(("{sheet}{row_en}{column_en}: {en}", "{sheet}{row_zh}{column_zh}: {zh}"),
                      sheet=self.sheet, zh=self.zh, en=self.en,
                      row_en=f" row {self.row}" if self.row else "",
                      row_zh=f" 第{self.row}行" if self.row else "",
                      column_en=f' "{self.column}"' if self.column else "",
                      column_zh=f" 「{self.column}」" if self.column else "")


class WorkbookError(InputError):
    """The workbook has problems; `cells` locates each, `said` says them."""

    def __init__(self, cells: list[CellProblem]):
        super().__init__([cell.said for cell in cells])
        self.cells = cells


def is_workbook(path: Path) -> bool:
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")


def read_workbook(path: Path) -> dict[str, Any]:
    """The instance's JSON that the workbook holds, not yet checked as a whole; raise
    `WorkbookError` naming every cell that does not read."""
    reader = _Reader(*_open(path))
    data = reader.read()
    if reader.problems:
        raise WorkbookError(reader.in_order(reader.problems))
    return data


def load_workbook_instance(path: Path) -> Instance:
    """The instance the workbook holds, checked as a JSON instance is; every problem is named
    by its sheet, row and column."""
    reader = _Reader(*_open(path))
    data = reader.read()
    try:
        instance = parse_instance(data)
    except InputError as error:
        # The whole is checked even when cells did not read (they are left out), so that every
        # problem is reported at once; a cell already reported, or a column missing, once only.
        # References the reader resolved itself: one it could not is reported already, and one
        # to an item left unread by a bad cell is not wrong.
        cells = {(p.sheet, p.row, p.column) for p in reader.problems}
        columns = {(p.sheet, p.column) for p in reader.problems if p.row == 1}
        located = [problem for problem in map(reader.locate, error.problems)
                   if (problem.sheet, problem.row, problem.column) not in cells
                   and (problem.sheet, problem.column) not in columns
                   and " is not the id of any " not in problem.en]
        raise WorkbookError(reader.in_order(reader.problems + located)) from None
    if reader.problems:
        raise WorkbookError(reader.in_order(reader.problems))
    return instance


def _open(path: Path) -> tuple[Any, Survey]:
    """The workbook with its cells' values, and what `safety.survey` found in it first."""
    found = survey(path)
    try:
        return load_workbook(path, data_only=True), found
    except FileNotFoundError:
        message = ("找不到文件", "the file does not exist")
    except (MemoryError, RecursionError):
        message = ("太大或嵌套太深，无法读取", "too large or too deeply nested to read")
    except Exception as error:  # openpyxl raises what its parts raise: a broken style, a
        # malformed part, an entity defusedxml refuses; each means the same to the planner
        detail = f"{type(error).__name__}: {error}"[:200]
        message = (f"不是 Excel 工作簿（.xlsx），无法读取：{detail}",
                   f"not an Excel workbook (.xlsx) that can be read: {detail}")
    raise file_refused(path, *message)


@dataclass
class _Table:
    """A data sheet as read: its items' rows and where each column sits."""

    sheet: Sheet
    title: str
    rows: list[int] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, tuple[int, str]] = field(default_factory=dict)
    """A column's field: its column number and header as written."""


class _Reader:
    def __init__(self, book: Any, survey: Survey | None = None):
        self.book = book
        self.survey = survey or Survey()
        self.problems: list[CellProblem] = []
        self.tables: dict[str, _Table] = {}
        self.settings_rows: dict[str, int] = {}
        self.settings_title = SETTINGS.zh
        self.names: dict[str, dict[str, str]] = {}
        """Per referenced section: each name and id that may be written, to its id."""
        self.calendar_rows: dict[str, list[int]] = {}
        """Per list of the calendar: the row of each of its entries."""

    # -- the workbook ---------------------------------------------------------------------
    def read(self) -> dict[str, Any]:
        sheets = {sheet.section: self._find(sheet) for sheet in (*DATA_SHEETS, SETTINGS)}
        for sheet in REQUIRED_SHEETS:
            if sheets[sheet.section] is None:
                self._problem(sheet.zh, None, None, None,
                              f"缺少工作表「{sheet.zh}」", f'the sheet "{sheet.en}" is missing')
        data: dict[str, Any] = {"schema": "training-instance/1"}
        if sheets["settings"] is not None:
            data.update(self._settings(sheets["settings"]))
        for sheet in DATA_SHEETS:
            worksheet = sheets[sheet.section]
            if worksheet is not None:
                self.tables[sheet.section] = self._table(sheet, worksheet)
                self._name_items(self.tables[sheet.section])
        for section, table in self.tables.items():
            if section != "calendar":
                for item, row in zip(table.items, table.rows, strict=True):
                    self._resolve(table, item, row)
                data[section] = table.items
        if "calendar" in self.tables:
            self._calendar(self.tables["calendar"], data)
        self._required_hours(data)
        return data

    def _required_hours(self, data: dict[str, Any]) -> None:
        """The audiences of a per-audience requirement, by name (or id), as ids."""
        required = data.get("policy", {}).get("required_hours")
        if not isinstance(required, dict):
            return
        known = self.names.get("audiences", {})
        for name in [name for name in required if name not in known]:
            self._problem(self.settings_title, self.settings_rows.get("policy.required_hours"),
                          SETTINGS.column("policy.required_hours").zh, 2,
                          f"「{name}」不是培训对象表中的名称或编号",
                          f'"{name}" is not a name or id of the Audiences sheet')
        data["policy"]["required_hours"] = {known.get(name, name): hours
                                            for name, hours in required.items()}

    def _find(self, sheet: Sheet) -> Worksheet | None:
        """The worksheet of that title (a chart sheet of that title is not one: it is said)."""
        for title in (sheet.zh, sheet.en):
            if title in self.book.sheetnames:
                found = self.book[title]
                if isinstance(found, Worksheet):
                    self._unreadable_cells(found)
                    return found
                self._problem(title, None, None, None, "是图表工作表，不是数据表：请改名或删除",
                              "is a chart sheet, not a sheet of data: rename or delete it")
        return None

    def _unreadable_cells(self, worksheet: Worksheet) -> None:
        """Cells whose value cannot be read as written: a formula whose value was not saved
        (it would read as empty), and a cell merged over rows (its value is in the first
        row only: the others would read as empty)."""
        headers = {cell.column: _text(cell.value) for cell in worksheet[1]}
        for row, column, formula in self.survey.uncached.get(worksheet.title, []):
            self._problem(worksheet.title, row, headers.get(column) or None, column,
                          f"公式 ={formula} 没有保存计算结果（由不计算公式的程序写入）：请在 "
                          "Excel 或 WPS 中打开并保存，或直接填写数值",
                          f"the formula ={formula} has no value saved (the file was written by "
                          "a program that does not compute formulas): open and save it in Excel "
                          "or WPS, or type the value")
        for merged in worksheet.merged_cells.ranges:
            if merged.max_row > merged.min_row:
                self._problem(worksheet.title, merged.min_row,
                              headers.get(merged.min_col) or None, merged.min_col,
                              f"合并单元格 {merged.coord} 跨了多行：请取消合并，在每一行填写",
                              f"the merged cell {merged.coord} spans several rows: unmerge it "
                              "and fill in each row")

    # -- items, one per row ---------------------------------------------------------------
    def _table(self, sheet: Sheet, worksheet: Worksheet) -> _Table:
        table = _Table(sheet, worksheet.title)
        extra: dict[int, str] = {}
        for cell in worksheet[1]:
            header = _text(cell.value)
            if not header:
                continue
            column = _column_of(sheet, header)
            twice = (column is not None and column.field in table.headers) or (
                column is None and sheet is TOWNS and header in extra.values())
            if twice:
                self._problem(worksheet.title, 1, header, cell.column,
                              "与前面的列重复：只保留一列", "is given twice: keep one column")
            elif column is not None:
                table.headers[column.field] = (cell.column, header)
            elif sheet is TOWNS:
                extra[cell.column] = header
            else:
                self._problem(worksheet.title, 1, header, cell.column,
                              "不是本表的列（写错了？）", "is not a column of this sheet (a typo?)")
        written_in = "en" if worksheet.title == sheet.en else "zh"
        for column in sheet.columns:
            if column.field not in table.headers and not column.default:
                self._problem(worksheet.title, 1, column.header(written_in), None,
                              f"缺少「{column.zh}」列", f'the column "{column.en}" is missing')
        for row in worksheet.iter_rows(min_row=2):
            if all(_blank(cell.value) for cell in row):
                continue
            item: dict[str, Any] = {}
            for field_name, (number, header) in table.headers.items():
                value = row[number - 1].value if number <= len(row) else None
                if _blank(value):
                    continue
                column = sheet.column(field_name)
                try:
                    item[field_name] = _READERS[column.kind](value)
                except WordError as error:
                    self._problem(worksheet.title, row[0].row, header, number, error.zh, error.en)
            if extra:
                item["teachers"] = {header: row[number - 1].value
                                    for number, header in extra.items()
                                    if number <= len(row) and not _blank(row[number - 1].value)}
            table.rows.append(row[0].row)
            table.items.append(item)
        if sheet is TOWNS:
            table.headers.update({f"teachers.{header}": (number, header)
                                  for number, header in extra.items()})
        return table

    def _name_items(self, table: _Table) -> None:
        """Give each item without an id one derived from its place, and note the names and ids
        other sheets may refer to it by."""
        if table.sheet is CALENDAR:
            return
        taken = {item["id"] for item in table.items if "id" in item}
        width = max(2, len(str(len(table.items))))
        for position, item in enumerate(table.items, start=1):
            if "id" not in item:
                candidate = f"{table.sheet.id_prefix}{position:0{width}d}"
                while candidate in taken:
                    candidate += "x"
                item["id"] = candidate
                taken.add(candidate)
        names: dict[str, str] = {}
        counts: dict[str, int] = {}
        for item in table.items:
            if isinstance(item.get("name"), str):
                counts[item["name"]] = counts.get(item["name"], 0) + 1
        for item in table.items:
            if counts.get(str(item.get("name")), 0) == 1:
                names[item["name"]] = item["id"]
        for item in table.items:
            names[str(item["id"])] = str(item["id"])
        self.names[table.sheet.section] = names

    def _resolve(self, table: _Table, item: dict[str, Any], row: int) -> None:
        """References by name (or id) become ids; teacher counts are read by audience."""
        for field_name, value in list(item.items()):
            if field_name == "teachers":
                continue
            kind = table.sheet.column(field_name).kind
            if kind in REFERENCES:
                resolved = [self._reference(table, field_name, row, kind, name)
                            for name in (value if isinstance(value, list) else [value])]
                item[field_name] = resolved if isinstance(value, list) else resolved[0]
        if "teachers" in item:
            teachers = {}
            for header, count in item["teachers"].items():
                number, _ = table.headers[f"teachers.{header}"]
                audience = self.names.get("audiences", {}).get(str(header))
                if audience is None:
                    if row == table.rows[0]:
                        self._problem(table.title, 1, header, number,
                                      "不是本表的列，也不是培训对象表中的培训对象",
                                      "is neither a column of this sheet nor an audience of the "
                                      "audiences sheet")
                    continue
                try:
                    teachers[audience] = words.parse_whole(count)
                except WordError as error:
                    self._problem(table.title, row, header, number, error.zh, error.en)
            item["teachers"] = teachers

    def _reference(self, table: _Table, field_name: str, row: int, kind: Kind,
                   name: str) -> str:
        section = REFERENCES[kind]
        known = self.names.get(section, {})
        if name in known:
            return known[name]
        number, header = table.headers[field_name]
        target = next(sheet for sheet in DATA_SHEETS if sheet.section == section)
        self._problem(table.title, row, header, number,
                      f"「{name}」不是{target.zh}表中的名称或编号",
                      f'"{name}" is not a name or id of the {target.en} sheet')
        return name

    # -- the calendar and the settings ----------------------------------------------------
    def _calendar(self, table: _Table, data: dict[str, Any]) -> None:
        calendar: dict[str, Any] = data.setdefault("calendar", {})
        own = calendar.get("public_holidays") == []
        for item, row in zip(table.items, table.rows, strict=True):
            kind = next((key for key, names in CALENDAR_TYPES.items()
                         if item.get("type") in names), None)
            if kind is None:
                number, header = table.headers.get("type", (None, CALENDAR.column("type").zh))
                choices = " / ".join(names[0] for names in CALENDAR_TYPES.values())
                self._problem(table.title, row, header, number,
                              f"「{item.get('type', '')}」不是类型：填 {choices}",
                              f'"{item.get("type", "")}" is not a type: give {choices}')
                continue
            days = self._days(table, item, row)
            if days is None:
                continue
            start, end = days
            if kind in ("public_holidays", "extra_workdays"):
                if kind == "public_holidays" and not own:
                    self._problem(table.title, row, table.headers["type"][1],
                                  table.headers["type"][0],
                                  f"法定节假日按国家规定：要用自定的，在政策与权重表把「法定节假日」"
                                  f"填为「{OWN_PUBLIC_HOLIDAYS[0]}」",
                                  "the public holidays are the built-in ones: to give your own, "
                                  f'set "Public holidays" to "{OWN_PUBLIC_HOLIDAYS[0]}" in the '
                                  "settings sheet")
                    continue
                days_given = [str(start.fromordinal(day))
                              for day in range(start.toordinal(), end.toordinal() + 1)]
                calendar.setdefault(kind, []).extend(days_given)
                self.calendar_rows.setdefault(kind, []).extend([row] * len(days_given))
                continue
            entry: dict[str, Any] = {"name": item.get("name", ""), "start": str(start),
                                     "end": str(end)}
            if kind == "blackouts":
                entry["audiences"] = [self._reference(table, "audiences", row, Kind.AUDIENCES,
                                                      name)
                                      for name in item.get("audiences", [])]
            calendar.setdefault(kind, []).append(entry)
            self.calendar_rows.setdefault(kind, []).append(row)

    def _days(self, table: _Table, item: dict[str, Any],
              row: int) -> tuple[dt.date, dt.date] | None:
        """The first and last day of a calendar row (the end defaults to the start)."""
        if "start" not in item:
            if "start" in table.headers:  # else the missing column is reported already
                number, header = table.headers["start"]
                self._problem(table.title, row, header, number, "必填", "is missing")
            return None
        ends = (dt.date.fromisoformat(item["start"]),
                dt.date.fromisoformat(item.get("end", item["start"])))
        if ends[1] < ends[0]:
            number, header = table.headers["end"]
            self._problem(table.title, row, header, number, "结束早于开始",
                          "ends before it starts")
            return None
        return ends

    def _settings(self, worksheet: Worksheet) -> dict[str, Any]:
        self.settings_title = worksheet.title
        data: dict[str, Any] = {}
        for row in worksheet.iter_rows(min_row=2, max_col=2):
            label, value = _text(row[0].value), row[1].value
            if not label:
                continue
            column = _column_of(SETTINGS, label)
            if column is None:
                self._problem(worksheet.title, row[0].row, label, 1,
                              "不是一项设置（写错了？）", "is not a setting (a typo?)")
                continue
            self.settings_rows[column.field] = row[0].row
            if _blank(value):
                continue
            try:
                if column.field == "calendar.public_holidays":
                    parsed: Any = [] if _text(value) in OWN_PUBLIC_HOLIDAYS else (
                        "CN" if _text(value) in (words.PUBLIC_HOLIDAYS_CN, "CN") else None)
                    if parsed is None:
                        raise WordError(f"「{value}」：填「{words.PUBLIC_HOLIDAYS_CN}」或"
                                        f"「{OWN_PUBLIC_HOLIDAYS[0]}」",
                                        f'"{value}": give "{words.PUBLIC_HOLIDAYS_CN}" (built in) '
                                        f'or "{OWN_PUBLIC_HOLIDAYS[0]}" (the calendar sheet)')
                else:
                    parsed = _READERS[column.kind](value)
            except WordError as error:
                self._problem(worksheet.title, row[0].row, label, 2, error.zh, error.en)
                continue
            target = data
            *parents, leaf = column.field.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[leaf] = parsed
        return data

    # -- problems -------------------------------------------------------------------------
    def _problem(self, sheet: str, row: int | None, column: str | None,
                 column_index: int | None, zh: str, en: str) -> None:
        self.problems.append(CellProblem(sheet, row, column, column_index, zh, en))

    def in_order(self, problems: list[CellProblem]) -> list[CellProblem]:
        """As the planner reads the workbook: sheet by sheet, row by row, left to right."""
        sheets = {title: index for index, title in enumerate(self.book.sheetnames)}
        return sorted(problems, key=lambda problem: (sheets.get(problem.sheet, -1),
                                                     problem.row or 0, problem.column_index or 0))

    def locate(self, problem: str) -> CellProblem:
        """Where in the workbook a problem `models.parse` found (named by its JSON path) is."""
        path, _, message = problem.partition(": ")
        zh = _in_chinese(message)
        match = re.match(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?(?:\[(\d+)\])?", path)
        if match is None:
            return CellProblem(PROJECTS.zh, None, None, None, problem, problem)
        section, index, field_name, inner = match.groups()
        if section in self.tables and section != "calendar" and index is not None:
            table = self.tables[section]
            row = table.rows[int(index)]
            number, header = table.headers.get(field_name or "", (None, None))
            if field_name and header is None:
                column = next((c for c in table.sheet.columns if c.field == field_name), None)
                header = column.zh if column else field_name
            return CellProblem(table.title, row, header, number, zh, message)
        if section == "calendar" and field_name in self.calendar_rows and inner is not None:
            table = self.tables["calendar"]
            return CellProblem(table.title, self.calendar_rows[field_name][int(inner)], None,
                               None, zh, message)
        key = f"{section}.{field_name}" if field_name else section
        if key in self.settings_rows:
            header = SETTINGS.column(key).zh
            return CellProblem(self.settings_title, self.settings_rows[key], header, 2, zh,
                               message)
        sheet = next((s for s in DATA_SHEETS if s.section == section), None)
        title = self.tables[section].title if section in self.tables else (
            sheet.zh if sheet else self.settings_title)
        return CellProblem(title, None, None, None, zh, message)


_MESSAGES_ZH = (
    (r"is missing", "必填"),
    (r"must not be empty", "至少填一行"),
    (r"give the plan's name as text", "填计划名称"),
    (r"None is not a year", "填年份"),
    (r"(\d+) classes for (\d+) trainees", r"\1 个班，但只有 \2 名学员"),
    (r"(\d+) is more than the (\d+) teachers of its audiences in all towns",
     r"\1 人，超过各乡镇该培训对象的教师总数 \2"),
    (r"(\d+) is not one of the allowed months (.*)", r"\1月不在可安排的月份 \2 内"),
    (r"give the topics its trainers must teach \(trainers_per_session is (\d+)\)",
     r"填专题：授课专家人数为 \1"),
    (r"'(.*)' is used twice", r"「\1」重复"),
    (r"a project cannot come after itself", "项目不能在自身之后"),
    (r"the 'after' rules go round in a circle: (.*)", r"前置项目形成循环：\1"),
    (r'the built-in "CN" holidays cover (\d+)–(\d+), not (\d+);.*',
     r"内置的法定节假日只有 \1–\2 年，没有 \3 年：把「法定节假日」填为「按日历表」，"
     r"在日历表中填写当年的法定节假日"),
    (r"(\S+) is a \w+, not a weekend day", r"\1 不是周末"),
    (r"(\S+) is more than a year from the plan's year (\d+); give dates of (\d+)–(\d+)",
     r"\1 离计划年份 \2 超过一年：请填写 \3–\4 年的日期"),
    (r"character (\d+) is (?:half of a broken character|an invisible control character) "
     r"\((U\+[0-9A-F]+)\); retype or remove it",
     r"第 \1 个字符（\2）无法保存或显示：请删除或重新输入"),
    (r"([\d,]+) projects; one instance plans at most ([\d,]+).*",
     r"共 \1 个项目，一份计划最多 \2 个：请按科室或学期分开"),
)
"""The checker's messages a workbook can meet, in Chinese; any other is shown in English."""


def _in_chinese(message: str) -> str:
    for pattern, chinese in _MESSAGES_ZH:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, chinese, message)
    return message


def _column_of(sheet: Sheet, header: str) -> Column | None:
    key = re.sub(r"\s+", "", header).rstrip("*＊")
    for column in sheet.columns:
        if key in (column.zh, re.sub(r"\s+", "", column.en), column.field):
            return column
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _share(value: Any) -> float:
    share = words.parse_number(value)
    if not 0 <= share <= 1:
        raise WordError(f"{value} 不是 0 到 1（或 0% 到 100%）之间的比例",
                        f"{value} is not a share between 0 and 1 (0% and 100%)")
    return share


def _word(choices: dict[str, str], aliases: dict[str, str] | None = None
          ) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        text = _text(value)
        found = words.from_word(choices, text, aliases)
        if found in choices:
            return str(found)
        offered = " / ".join(choices.values())
        raise WordError(f"「{text}」不是可选的值：填 {offered}",
                        f'"{text}" is not one of the choices: give {offered} '
                        f"({' / '.join(choices)})")
    return read


def _date_ranges(value: Any) -> list[dict[str, str]]:
    return [{"start": str(start), "end": str(end)}
            for start, end in words.parse_date_ranges(value)]


_READERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: _text,
    Kind.WHOLE: words.parse_whole,
    Kind.POSITIVE: lambda value: words.parse_whole(value, least=1),
    Kind.NUMBER: words.parse_number,
    Kind.SHARE: _share,
    Kind.YES_NO: words.parse_yes_no,
    Kind.MONTHS: words.parse_months,
    Kind.HEADCOUNT: words.parse_headcount,
    Kind.PRIORITY: words.parse_priority,
    Kind.MODE: _word(words.MODES, words.MODE_ALIASES),
    Kind.HOLIDAY: _word(words.HOLIDAY_RULES),
    Kind.VENUE_RURAL: _word(words.VENUE_RURAL),
    Kind.DELIVERY: _word(words.DELIVERY, words.DELIVERY_ALIASES),
    Kind.WORDS: words.split_list,
    Kind.DATE: lambda value: str(words.parse_date(value)),
    Kind.DATE_RANGES: _date_ranges,
    Kind.AUDIENCES: words.split_list,
    Kind.TOWN: _text,
    Kind.PROJECTS: words.split_list,
    Kind.HOURS: words.parse_hours_by_audience,
}
