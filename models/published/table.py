"""Reading a bureau's published training plan: the appendix table of its annual plan.

A bureau publishes its year as a table (序号, 月份, 培训项目名称, 培训对象, 培训方式, 参训人数,
培训地点, 负责科室, sometimes 学时, and the like) in a workbook, or as the CSV that Excel or WPS
exports from one.
`read_published_table` turns such a table into one `TableProject` per project, so that a plan
the planner already has is read rather than typed again. How a table is read:

- The header row is the first row that has at least three header words (the variants in
  `HEADER_WORDS`; spaces, line breaks and a unit such as "（人）" in a header cell do not count).
  Title rows above it are skipped, and so is a header or title row repeated further down (a table
  printed in parts); a row that starts with 备注, 注： or 说明： ends the table. A line break inside
  a data cell is a wrapped line: its lines are joined.
- A merged cell's value applies to every row it spans (xlsx). Exported, a merged cell is its value
  in its first row and blanks below, so a blank 类别, 月份 or 项目名称 cell takes the one above.
- 项目名称 may head two columns, a project and its sub-item (the column to the right of the name
  with no header of its own). Such a row's name is "project·sub-item".
- A row whose 序号 is blank (or merged with the one above) continues the numbered row above. If
  it has a name, months, mode or headcount of its own, it is a project of its own: a sub-item
  (师德大讲坛 under 师德师风专题教育活动 is "师德师风专题教育活动·师德大讲坛") or another part
  of the numbered project, and its blank cells take the values above. Parts of one numbered
  project left with the same name are told apart by the first of audience, mode, months and
  headcount that differs in each, in brackets. A continuation row with none of these is the rest
  of the row above: its text is joined to that row's. Without a 序号 column, a row with no name of
  its own continues.
- Values are read with `models.words`. A mode written as the template's word or a known alias is
  certain; other text is guessed from its words (`_guess_mode`), and each guess is noted in
  `TableProject.guesses`, as are months or a headcount that do not read (left empty for the
  planner to fill) and an approximate headcount ("约120人").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from models.cell_text import is_formula_like
from models.parse import InputError
from models.words import (
    MODE_ALIASES,
    MODES,
    WordError,
    from_word,
    parse_headcount,
    parse_months,
    parse_number,
)


@dataclass(frozen=True)
class TableProject:
    """One project of a published table, its values as the instance takes them."""

    rows: tuple[int, ...]
    """The file's rows it was read from, 1-based as the spreadsheet numbers them."""
    name: str
    audience: str | None
    """培训对象, as written."""
    months: list[int] | None
    """None: all year (全年) or not given."""
    mode: str | None
    """"offline", "blended", "online" or "offsite"; None when not given."""
    headcount: int | str | None
    """A whole number, "all" (全员), or None when not given or unreadable."""
    office: str | None
    """负责科室."""
    category: str | None
    """类别."""
    venue: str | None
    """培训地点."""
    hours: float | None
    """学时, where the table has the column and the cell reads as a number."""
    number: str | None
    """序号, as written (a sub-item or part under one number has that number)."""
    months_text: str | None
    """月份 (or 培训时间), as written: "3-12月", "全年"."""
    mode_text: str | None
    """培训方式, as written: "线下（跟岗）"."""
    guesses: dict[str, str]
    """Field name -> what was written and why the value is a guess, in Chinese."""


HEADER_WORDS = {
    "number": ("序号", "编号"),
    "category": ("类别", "项目类别", "培训类别"),
    "months": ("月份", "时间", "培训时间", "拟培训时间", "培训月份", "计划时间"),
    "name": ("项目名称", "培训项目名称", "培训项目", "培训名称", "培训内容"),
    "audience": ("培训对象", "参训对象", "对象"),
    "mode": ("培训方式", "培训形式", "方式", "形式"),
    "headcount": ("参训人数", "培训人数", "拟培训人数", "拟参训人数", "人数", "计划人数"),
    "venue": ("培训地点", "拟培训地点", "地点"),
    "hours": ("学时", "培训学时", "学时数"),
    "office": ("负责科室", "责任科室", "负责部门", "承办科室"),
    "remark": ("备注",),
}
"""Each column's header words, as bureaus write them."""
_FIELD_OF_WORD = {word: name for name, words in HEADER_WORDS.items() for word in words}
SUB_NAME = "sub_name"
"""The column of a sub-item's name: no header of its own, to the right of 项目名称."""
NOTE_STARTS = ("备注", "注：", "注:", "说明：", "说明:")
"""What a note under the table starts with."""
FILL_DOWN = ("category", "months", "name")
"""Columns whose blank cell takes the value above (a merged cell, exported)."""
OWN_FIELDS = frozenset({"name", SUB_NAME, "months", "mode", "headcount"})
"""Cells that make a continuation row a project of its own."""
TOLD_APART_BY = ("audience", "mode", "months", "headcount")
"""The cells that tell apart parts of one numbered project with the same name, in this order."""

ONLINE_WORDS = ("线上", "网络", "在线", "远程")
OFFSITE_WORDS = ("外出", "跟岗", "访学", "赴", "外地", "考察", "参观")
IN_PERSON_WORDS = ("线下", "集中", "面授", "现场", "实践", "实训", "片区", "校本", "学校", "集团",
                   "送教", "讲座", "研讨", "论坛", "观摩")
"""The words a free-text 培训方式 is guessed from."""


@dataclass
class _Row:
    number: int
    cells: list[str]
    merged: set[int] = field(default_factory=set)
    """Columns whose value a merged cell above gave (xlsx): not the row's own."""

    def cell(self, column: int) -> str:
        return self.cells[column] if column < len(self.cells) else ""

    def content(self) -> tuple[str, ...]:
        return tuple(text for text in self.cells if text)


@dataclass
class _Part:
    """Rows read as one project: the numbered row's `item`, its rows and its cells' text."""

    item: int
    rows: list[int]
    values: dict[str, str]


def read_published_table(path: Path) -> list[TableProject]:
    """The projects of a published table in an .xlsx (its first sheet with a header row) or a
    .csv file (UTF-8 with or without a byte-order mark, or GB18030). Raises `InputError` naming
    the file (and sheet) when the file cannot be read, has no header row or no 项目名称 column."""
    path = Path(path)
    sheets = _read_sheets(path)
    for where, rows in sheets:
        header = _find_header(rows)
        if header is not None:
            return _projects(where, rows, header)
    places = "; ".join(where for where, _ in sheets) or str(path)
    raise InputError([f"{places}: no header row found: no row names at least three columns such "
                      f"as 序号, 项目名称, 月份, 培训对象, 培训方式, 参训人数"])


def _read_sheets(path: Path) -> list[tuple[str, list[_Row]]]:
    """Each sheet's rows, with where it is for a message: the file, and the sheet in a workbook."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".csv":
        return [(str(path), _read_csv(path))]
    raise InputError([f"{path}: not a table this reads: give an .xlsx or a .csv file"])


def _read_csv(path: Path) -> list[_Row]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError([f"{path}: cannot read the file ({error.strerror})"]) from None
    try:
        records = list(csv.reader(io.StringIO(_decode(path, data), newline="")))
    except csv.Error as error:
        raise InputError([f"{path}: not a readable CSV table ({error})"]) from None
    return [_Row(number, [_text(cell) for cell in record])
            for number, record in enumerate(records, 1)]


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (a byte-order mark dropped), else GB18030, as WPS writes a CSV on Chinese Windows."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise InputError([f"{path}: not UTF-8 or GB18030 text"])


def _read_xlsx(path: Path) -> list[tuple[str, list[_Row]]]:
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except OSError as error:
        raise InputError([f"{path}: cannot read the file ({error.strerror})"]) from None
    except Exception:  # openpyxl raises many kinds for a broken file; all mean the same here
        raise InputError([f"{path}: not a readable Excel workbook (.xlsx)"]) from None
    return [(f"{path} (sheet '{sheet.title}')", _sheet_rows(sheet)) for sheet in book.worksheets]


def _sheet_rows(sheet: Any) -> list[_Row]:
    """A sheet's rows from its first, a merged cell's value in the first column it spans of every
    row it spans."""
    rows = [_Row(number, [_text(value) for value in values]) for number, values
            in enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), 1)]
    for merged in sheet.merged_cells.ranges:
        column = merged.min_col - 1
        value = rows[merged.min_row - 1].cell(column)
        for row in rows[merged.min_row:merged.max_row]:
            row.cells[column] = value
            row.merged.add(column)
    return rows


def _text(value: Any) -> str:
    """A cell as text: a whole number without ".0", wrapped lines joined, spaces around cut,
    and the apostrophe our own CSVs put before text that looks like a formula taken off
    (`models.cell_text`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(line.strip() for line in str(value).splitlines())
    return text[1:] if text.startswith("'") and is_formula_like(text[1:]) else text


def _header_fields(cells: list[str]) -> dict[str, int]:
    """The column of each field a header row names (the first, if named twice)."""
    fields: dict[str, int] = {}
    for column, text in enumerate(cells):
        word = "".join(text.split()).removesuffix("（人）").removesuffix("(人)")
        name = _FIELD_OF_WORD.get(word)
        if name and name not in fields:
            fields[name] = column
    return fields


def _is_header(row: _Row) -> bool:
    return len(_header_fields(row.cells)) >= 3


def _find_header(rows: list[_Row]) -> int | None:
    return next((index for index, row in enumerate(rows) if _is_header(row)), None)


def _projects(where: str, rows: list[_Row], header: int) -> list[TableProject]:
    columns = _header_fields(rows[header].cells)
    if "name" not in columns:
        raise InputError([f"{where}: the header row (row {rows[header].number}) has no 项目名称 "
                          f"(project name) column"])
    beside = columns["name"] + 1
    if beside < len(rows[header].cells) and not rows[header].cells[beside]:
        columns[SUB_NAME] = beside
    parts = _parts(_body(rows, header), columns)
    return [_project(part, name) for part, name in zip(parts, _names(parts), strict=True)]


def _body(rows: list[_Row], header: int) -> Iterator[_Row]:
    """The rows under the header up to a note, less blank rows and repeated titles and headers."""
    titles = {row.content() for row in rows[:header]}
    for row in rows[header + 1:]:
        content = row.content()
        if not content or content in titles or _is_header(row):
            continue
        if content[0].startswith(NOTE_STARTS):
            return
        yield row


def _parts(rows: Iterable[_Row], columns: dict[str, int]) -> list[_Part]:
    """The rows grouped into projects (see the module's docstring for continuation rows)."""
    parts: list[_Part] = []
    above: dict[str, str] = {}
    for row in rows:
        values = {name: row.cell(column) for name, column in columns.items()}
        own = {name: text for name, text in values.items()
               if text and columns[name] not in row.merged}
        continues = bool(parts) and _continues(own, columns)
        if continues and not own.keys() & OWN_FIELDS:
            _join(parts[-1], row.number, own)
            continue
        for name in columns if continues else FILL_DOWN:
            if name in values and not values[name]:
                values[name] = above.get(name, "")
        item = parts[-1].item + (0 if continues else 1) if parts else 0
        parts.append(_Part(item, [row.number], values))
        above = values
    return parts


def _continues(own: dict[str, str], columns: dict[str, int]) -> bool:
    """Whether a row continues the one above: no 序号 of its own (no name, without 序号)."""
    return "number" not in own if "number" in columns else "name" not in own


def _join(part: _Part, number: int, own: dict[str, str]) -> None:
    """The rest of `part`'s last row: its text joined to the part's, as wrapped lines are."""
    part.rows.append(number)
    for name, text in own.items():
        part.values[name] = part.values.get(name, "") + text


def _names(parts: list[_Part]) -> list[str]:
    """Each part's name; parts of one numbered project with one name told apart."""
    names = [_name(part.values) for part in parts]
    told = list(names)
    for index, part in enumerate(parts):
        same = [other for other, name in zip(parts, names, strict=True)
                if other.item == part.item and name == names[index]]
        if len(same) > 1:
            told[index] += _telling(part, same)
    return told


def _name(values: dict[str, str]) -> str:
    main, sub = values.get("name", ""), values.get(SUB_NAME, "")
    return f"{main}·{sub}" if main and sub and main != sub else main or sub


def _telling(part: _Part, same: list[_Part]) -> str:
    """The first cell, in brackets, whose text is given and differs in each of `same`."""
    for name in TOLD_APART_BY:
        texts = [other.values.get(name, "") for other in same]
        if all(texts) and len(set(texts)) == len(texts):
            return f"（{part.values[name]}）"
    return ""


def _project(part: _Part, name: str) -> TableProject:
    values = part.values
    guesses: dict[str, str] = {}
    months, guesses["months"] = _months(values.get("months", ""))
    mode, guesses["mode"] = _mode(values.get("mode", ""))
    headcount, guesses["headcount"] = _headcount(values.get("headcount", ""))
    hours, guesses["hours"] = _hours(values.get("hours", ""))
    return TableProject(
        rows=tuple(part.rows),
        name=name,
        audience=values.get("audience") or None,
        months=months,
        mode=mode,
        headcount=headcount,
        office=values.get("office") or None,
        category=values.get("category") or None,
        venue=values.get("venue") or None,
        hours=hours,
        number=values.get("number") or None,
        months_text=values.get("months") or None,
        mode_text=values.get("mode") or None,
        guesses={name: note for name, note in guesses.items() if note},
    )


def _months(text: str) -> tuple[list[int] | None, str]:
    """Months, and a note when they do not read."""
    if not text:
        return None, ""
    try:
        return parse_months(text), ""
    except WordError:
        return None, f"「{text}」读不出月份，留空待填"


def _headcount(text: str) -> tuple[int | str | None, str]:
    """A headcount, and a note when it does not read or is approximate."""
    if not text:
        return None, ""
    try:
        headcount = parse_headcount(text)
    except WordError:
        return None, f"「{text}」不是人数，留空待填"
    if text.startswith("约") or text.endswith("左右"):
        return headcount, f"「{text}」是约数，按{headcount}人"
    return headcount, ""


def _hours(text: str) -> tuple[float | None, str]:
    """学时 ("24", "24学时"), and a note when they do not read."""
    if not text:
        return None, ""
    try:
        hours = parse_number(text.removesuffix("学时").strip())
    except WordError:
        return None, f"「{text}」读不出学时，留空（按天数计）"
    if hours < 0:
        return None, f"「{text}」读不出学时，留空（按天数计）"
    return hours, ""


def _mode(text: str) -> tuple[str | None, str]:
    """A mode, and a note when it is guessed; a template word or a known alias is certain."""
    if not text:
        return None, ""
    mode = from_word(MODES, text, MODE_ALIASES)
    return (mode, "") if mode in MODES else _guess_mode(text)


def _guess_mode(text: str) -> tuple[str, str]:
    """A mode guessed from free text: online and in-person (or away) words, blended; online words
    only, online; away words (外出, 跟岗, 访学, 赴 …), offsite; else offline."""
    online = any(word in text for word in ONLINE_WORDS)
    offsite = any(word in text for word in OFFSITE_WORDS)
    in_person = any(word in text for word in IN_PERSON_WORDS)
    if online and (offsite or in_person):
        return "blended", f"「{text}」兼有线上与线下，按混合式"
    if online:
        return "online", f"「{text}」只见线上，按线上研修"
    if offsite:
        return "offsite", f"「{text}」有外出、跟岗或访学，按外出研修"
    if in_person:
        return "offline", f"「{text}」按线下集中"
    return "offline", f"「{text}」未见方式词，按线下集中"
