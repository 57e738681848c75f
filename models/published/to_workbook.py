"""A bureau's published plan table made into the planner's workbook (`schedule import-table`).

The table gives the projects: name, audience, months, mode, headcount, office, category, 学时
where it has the column, and the table's own words for 序号, 培训对象, 培训方式 and 月份 (printed
again as written in the plan's official table). The workbook gets those; everything a table
does not say (towns and their teachers, venues, trainers, each project's days and priority) is
left for the planner, and `schedule check` then names each cell still to fill. Each distinct
培训对象 becomes an audience, named as written. Every value the reader had to guess is filled
yellow with a comment, and listed first in the workbook's 导入记录 sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from models.published.table import TableProject, read_published_table
from models.workbook.layout import PROJECTS, SETTINGS
from models.workbook.write import build_workbook, save_atomically

GUESS_FILL = PatternFill("solid", fgColor="FFF2CC")
RECORD = {"zh": "导入记录", "en": "Import notes"}
FIELDS = {"mode": "mode", "headcount": "headcount", "months": "months", "name": "name",
          "audience": "audiences", "office": "office", "category": "category",
          "hours": "hours"}
"""A `TableProject` field and the project column its value goes to."""


@dataclass(frozen=True)
class Guess:
    sheet: str
    row: int
    column: str
    """The column's header, as written in the workbook."""
    note: str
    source_rows: tuple[int, ...]
    """The table's rows the value was read from."""

    def text(self, lang: str) -> str:
        zh = lang == "zh"
        where = (f"{self.sheet} 第{self.row}行 「{self.column}」" if zh
                 else f'{self.sheet} row {self.row} "{self.column}"')
        rows = ("、" if zh else ", ").join(map(str, self.source_rows))
        source = "" if not rows else f"（原表第{rows}行）" if zh else f" (table row {rows})"
        return f"{where}: {self.note}{source}"


def import_table(table: Path, out: Path, lang: str = "zh") -> tuple[int, list[Guess]]:
    """Write the workbook of the table's projects to `out`; return how many there are and the
    values guessed."""
    projects = read_published_table(table)
    data = instance_data(projects, table)
    book = build_workbook(data, lang)
    guesses = _mark_guesses(book, projects, lang)
    _guess_year(book, data, lang, guesses)
    _record(book, table, guesses, lang)
    save_atomically(book, out)
    return len(projects), guesses


def instance_data(projects: list[TableProject], table: Path) -> dict[str, Any]:
    """The part of an instance's JSON the table gives."""
    audiences: dict[str, str] = {}
    for project in projects:
        if project.audience and project.audience not in audiences:
            audiences[project.audience] = f"a{len(audiences) + 1:02d}"
    width = max(2, len(str(len(projects))))
    return {
        "name": table.stem,
        "year": _year_in(table.stem),
        "audiences": [{"id": id_, "name": name} for name, id_ in audiences.items()],
        "projects": [{
            "id": f"p{number:0{width}d}",
            "name": project.name,
            "audiences": [audiences[project.audience]] if project.audience else [],
            "headcount": project.headcount,
            "mode": project.mode,
            "months": project.months,
            "office": project.office,
            "category": project.category,
            "hours": project.hours,
            # The table's own words, printed again as written in the plan's official table.
            "number": project.number,
            "audience_text": project.audience,
            "mode_text": project.mode_text,
            "months_text": project.months_text,
        } for number, project in enumerate(projects, start=1)],
    }


def _year_in(text: str) -> int | None:
    match = re.search(r"(?<!\d)(20\d\d)(?!\d)", text)
    return int(match[1]) if match else None


def _mark_guesses(book: Any, projects: list[TableProject], lang: str) -> list[Guess]:
    sheet = book[PROJECTS.title(lang)]
    headers = {cell.value: cell.column for cell in sheet[1]}
    guesses = []
    for offset, project in enumerate(projects, start=2):
        for field, note in project.guesses.items():
            column = PROJECTS.column(FIELDS.get(field, "name")).header(lang)
            cell = sheet.cell(row=offset, column=headers[column])
            cell.fill = GUESS_FILL
            cell.comment = Comment(note, "import", width=260, height=80)
            guesses.append(Guess(sheet.title, offset, column, note, project.rows))
    return guesses


def _guess_year(book: Any, data: dict[str, Any], lang: str, guesses: list[Guess]) -> None:
    """The plan's year, read from the file's name, is a guess too; none found is left empty."""
    if data["year"] is None:
        return
    sheet = book[SETTINGS.title(lang)]
    year = SETTINGS.column("year").header(lang)
    for row in sheet.iter_rows(min_row=2, max_col=2):
        if row[0].value == year:
            row[1].fill = GUESS_FILL
            note = "年份取自文件名" if lang == "zh" else "the year is read from the file's name"
            guesses.append(Guess(sheet.title, row[0].row, year, note, ()))


def _record(book: Any, table: Path, guesses: list[Guess], lang: str) -> None:
    sheet = book.create_sheet(RECORD[lang], 0)
    zh = lang == "zh"
    lines = [
        f"从 {table.name} 导入；黄色单元格是推测的值，请核对。" if zh else
        f"Imported from {table.name}; yellow cells are guessed values: check them.",
        "表中没有的（乡镇与教师数、场地、专家、各项目的天数和优先级）请补填，"
        "然后运行 schedule check。" if zh else
        "Fill in what the table does not give (towns and teachers, venues, trainers, each "
        "project's days and priority), then run schedule check.",
        "",
    ]
    lines += [guess.text(lang) for guess in guesses]
    for number, line in enumerate(lines, start=1):
        sheet.cell(row=number, column=1, value=line or None)
    sheet["A1"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 110
    book.active = 0
