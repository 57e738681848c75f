"""No injection: a name that a spreadsheet would run as a formula is written as text by every
xlsx and csv writer, and a line break in a name never breaks a calendar's lines.

The plan is the example of the export tests (tests/helpers.tiny_instance) with its names
replaced by formulas; nothing is solved.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from icalendar import Calendar
from openpyxl import Workbook

from models import Instance, Solution
from models.cell_text import FORMULA_STARTS, csv_text, guard_cell
from models.workbook.marks import write_checked_copy
from models.workbook.read import CellProblem, load_workbook_instance
from models.workbook.write import write_workbook
from scheduler.analysis.class_costs import plan_costs
from scheduler.analysis.compare import Alternative, Comparison
from scheduler.core.diff import session_changes
from scheduler.export.changes import write_changes
from scheduler.export.compare_files import write_comparison
from scheduler.export.ics import write_calendars
from scheduler.export.plan_table import write_plan_csv
from scheduler.export.xlsx import write_xlsx
from tests.helpers import tiny_instance, tiny_solution

LINK = '=HYPERLINK("http://example.com/x","x")'
DDE = "=cmd|' /C calc'!A0"
PLUS, MINUS, AT = "+1+2", "-3+4", "@SUM(1,2)"


@pytest.fixture(scope="module")
def hostile() -> Instance:
    data = tiny_instance()
    data["projects"][0]["name"] = LINK
    data["projects"][1]["name"] = PLUS
    data["venues"][0]["name"] = DDE
    data["trainers"][0]["name"] = MINUS
    data["towns"][0]["name"] = AT
    data["projects"][0]["office"] = "\t=1+1"
    return Instance.model_validate(data)


@pytest.fixture(scope="module")
def plan(hostile: Instance) -> Solution:
    return tiny_solution()


def formulas(path: Path) -> list[str]:
    """Every cell of every sheet that the workbook holds as a formula."""
    book = openpyxl.load_workbook(path)
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def text_cells(path: Path) -> dict[str, list[openpyxl.cell.cell.Cell]]:
    book = openpyxl.load_workbook(path)
    found: dict[str, list] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found.setdefault(cell.value, []).append(cell)
    return found


def assert_guarded(path: Path, *names: str) -> None:
    assert formulas(path) == []
    cells = text_cells(path)
    for name in names:
        assert name in cells, name
        assert all(cell.quotePrefix and cell.data_type == "s" for cell in cells[name]), name


def csv_cells(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8-sig")
    return {cell for row in csv.reader(io.StringIO(text)) for cell in row}


def assert_csv_guarded(path: Path, *names: str) -> None:
    cells = csv_cells(path)
    for name in names:  # alone, or with more after it (a class: "（第1班）")
        assert any(cell.startswith("'" + name) for cell in cells), name
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]


# --- the helper -----------------------------------------------------------------------------

@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_beginning_like_a_formula_is_guarded_in_csv(start):
    assert csv_text(start + "1") == "'" + start + "1"


@pytest.mark.parametrize("value", ["王老师", "1-2", "a=b", "", "'=already", -3, 2.5, None])
def test_other_values_and_numbers_are_left_as_they_are(value):
    assert csv_text(value) == value


def test_a_negative_number_in_a_workbook_stays_a_number():
    sheet = Workbook().active
    number, text = sheet.cell(1, 1, -3), sheet.cell(1, 2, "-3")
    guard_cell(number)
    guard_cell(text)
    assert (number.data_type, number.quotePrefix) == ("n", False)
    assert (text.data_type, text.quotePrefix, text.value) == ("s", True, "-3")


# --- one test per writer --------------------------------------------------------------------

def test_plan_xlsx(hostile, plan, tmp_path):
    write_xlsx(hostile, plan, tmp_path / "plan.xlsx", costs=plan_costs(hostile, plan))
    assert_guarded(tmp_path / "plan.xlsx", PLUS, MINUS)
    # Long names are broken into lines in the plan sheets, so find the formula's text whole in
    # the venue sheet.
    assert any(value.startswith("=HYPERLINK") for value in text_cells(tmp_path / "plan.xlsx"))


def test_plan_csv(hostile, plan, tmp_path):
    write_plan_csv(hostile, plan, tmp_path / "plan.csv")
    assert_csv_guarded(tmp_path / "plan.csv", LINK, PLUS)


def test_changes_csv(hostile, plan, tmp_path):
    moved = plan.model_copy(deep=True)
    moved.sessions = [row.model_copy(update={"venue": "v2"}) if row.project == "p1" else row
                      for row in moved.sessions]
    write_changes(hostile, session_changes(hostile, plan, moved), tmp_path)
    # The descriptions begin with dates, and the project's own name is in no cell alone, so
    # every cell of the file must simply not begin like a formula.
    table = pd.read_csv(tmp_path / "changes.csv", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert not [cell for cell in table.to_numpy().ravel() if cell.startswith(FORMULA_STARTS)]


@pytest.fixture(scope="module")
def compared(hostile, plan, tmp_path_factory) -> Path:
    moved = plan.model_copy(deep=True)
    moved.sessions = [row.model_copy(update={"venue": "v2"}) if row.project == "p1" else row
                      for row in moved.sessions]
    comparison = Comparison([
        Alternative("base", Path("base.json"), hostile, plan),
        Alternative(DDE, Path("scenario.json"), hostile, moved),
    ])
    out = tmp_path_factory.mktemp("compare")
    write_comparison(comparison, out, lang="en")
    return out


def test_compare_csv(compared):
    table = pd.read_csv(compared / "compare.csv", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert list(table.columns) == ["measure", "base", "'" + DDE]


def test_compare_projects_csv(compared):
    assert_csv_guarded(compared / "compare-projects.csv", LINK)
    header = (compared / "compare-projects.csv").read_text(encoding="utf-8-sig").split("\n")[0]
    assert f"'{DDE}: venues" in header


def test_compare_xlsx(compared):
    assert_guarded(compared / "compare.xlsx", DDE, LINK)


def test_workbook_written_from_an_instance_reads_back_the_same_names(hostile, tmp_path):
    path = tmp_path / "instance.xlsx"
    write_workbook(path, hostile)
    assert_guarded(path, LINK, DDE, PLUS, MINUS, AT)
    again = load_workbook_instance(path)
    assert [p.name for p in again.projects] == [p.name for p in hostile.projects]
    assert [v.name for v in again.venues] == [v.name for v in hostile.venues]
    assert again.projects[0].office == "=1+1"  # the reader strips the tab, as any space


def test_checked_copy_guards_its_list_and_keeps_the_planners_formulas(tmp_path):
    path = tmp_path / "mine.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "项目"
    sheet["A1"], sheet["B1"] = "=1+1", "=SUM(1,2)"
    book.save(path)
    problem = CellProblem("=cmd|' /C calc'!A0", 1, None, 1, "坏", "bad")
    copy = write_checked_copy(path, [problem])
    marked = openpyxl.load_workbook(copy)
    assert marked["项目"]["B1"].data_type == "f"  # the planner's own formula is left alone
    listed = marked.worksheets[0]["A2"]
    assert listed.value.startswith("=cmd") and listed.data_type == "s" and listed.quotePrefix


def test_a_line_break_in_a_name_never_breaks_a_calendar_line(tmp_path):
    data = tiny_instance()
    data["name"] = "计划\rX-INJECTED:1"
    data["venues"][0]["name"] = "场地\r\nLOCATION:evil"
    instance = Instance.model_validate(data)
    plan = tiny_solution().model_copy(update={"instance": data["name"]})
    for path in write_calendars(instance, plan, tmp_path):
        raw = path.read_bytes()
        lines = raw.split(b"\r\n")
        assert not [line for line in lines if b"\r" in line or b"\n" in line], path
        assert not [line for line in lines if line.startswith((b"X-INJECTED", b"LOCATION:evil"))]
    calendar = Calendar.from_ical((tmp_path / "calendar.ics").read_bytes())
    assert "场地\nLOCATION:evil" in {str(event["LOCATION"]) for event in calendar.walk("VEVENT")}
    assert b"X-WR-CALNAME:\xe8\xae\xa1\xe5\x88\x92\\nX-INJECTED:1\r\n" in \
        (tmp_path / "calendar.ics").read_bytes()


def test_import_table_reads_back_a_guarded_name_of_plan_csv(hostile, plan, tmp_path):
    from models.published.table import read_published_table

    write_plan_csv(hostile, plan, tmp_path / "plan.csv")
    names = [project.name for project in read_published_table(tmp_path / "plan.csv")]
    assert any(name.startswith(LINK) for name in names), names
    assert PLUS in names or any(name.startswith(PLUS) for name in names), names
