"""The Excel plan table, read back with openpyxl as a bureau's Excel would show it.

The plan is the proven-optimal 2024 plan of instances/2024.json (tests/data/2024-solution.json,
written by `schedule solve` and accepted by `schedule validate`).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models import parse_instance
from scheduler.analysis.class_costs import plan_costs
from scheduler.export.official_table import COLUMNS as OFFICIAL_COLUMNS
from scheduler.export.official_table import MOST_CLASS_LINES, official_table
from scheduler.export.plan_table import (
    COLUMNS,
    OFFICE_COLUMN,
    class_names,
    date_span,
    plan_table,
)
from scheduler.export.print_layout import text_width
from scheduler.export.xlsx import FONT_NAME, write_xlsx
from tests.helpers import tiny_instance, tiny_solution

ROOT = Path(__file__).parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
DATE_SPAN = r"\d+月\d+日(?:—\d+月\d+日)?"


@pytest.fixture(scope="module")
def workbook(instance, solution, tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    write_xlsx(instance, solution, path, costs=plan_costs(instance, solution))
    return openpyxl.load_workbook(path)


def _rows(sheet: Worksheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=3, values_only=True))


def _plain(value: object) -> object:
    """A cell as its table gave it: the line breaks of the print layout taken out (a break
    drops the space it replaces)."""
    return re.sub(r"\s", "", value) if isinstance(value, str) else value


def _months(sheet: Worksheet, rows: int) -> list[object]:
    """The month of each data row, a merged cell's value copied to the rows below it."""
    filled = [row[1] for row in _rows(sheet)[:rows]]
    for cells in sheet.merged_cells.ranges:
        if cells.min_col == 2:
            for row in range(cells.min_row + 1, cells.max_row + 1):
                assert filled[row - 3] is None
                filled[row - 3] = filled[cells.min_row - 3]
    return filled


def test_official_sheet_lists_projects_under_the_published_headers(workbook, instance):
    sheet = workbook.worksheets[0]
    assert sheet.title == "培训计划" and workbook.active.title == "培训计划"
    assert sheet["A1"].value == instance.name
    assert "A1:J1" in {str(cells) for cells in sheet.merged_cells.ranges}
    # 2024 gives 学时 (p14's 60 and the requirement): the column after 参训人数.
    assert OFFICIAL_COLUMNS == [
        "序号", "月份", "培训项目名称", "培训对象", "培训方式", "参训人数", "培训时间", "培训地点",
        "负责科室"]
    assert [cell.value for cell in sheet[2]] == [*OFFICIAL_COLUMNS[:6], "学时",
                                                 *OFFICIAL_COLUMNS[6:]]


def test_the_official_table_has_no_hours_column_where_the_instance_gives_none():
    table = official_table(parse_instance(tiny_instance()), tiny_solution())
    assert list(table.columns) == OFFICIAL_COLUMNS


def test_one_row_per_project_its_classes_folded_into_the_cells(workbook, instance, solution):
    rows = _rows(workbook.worksheets[0])
    body, total = rows[:-1], rows[-1]
    scheduled = {row.project for row in solution.sessions}
    assert len(body) == len(scheduled) == 14
    assert [row[0] for row in body] == list(range(1, 15))
    by_name = {_plain(row[2]): row for row in body}
    assert set(by_name) == {instance.project(project_id).name for project_id in scheduled}
    venues = {venue.id: venue.name for venue in instance.venues}
    for project_id in scheduled:
        project = instance.project(project_id)
        row = by_name[project.name]
        assert row[5] == ("全员" if project.headcount == "all"
                          else instance.headcount(project)), project.id
        assert row[6] == (60 if project.id == "p14" else 8 * project.days * project.phases)
        row = row[:6] + row[7:]  # the columns below as without 学时
        phases = sorted((phase for phase in solution.sessions if phase.project == project_id),
                        key=lambda phase: (phase.session, phase.phase))
        sessions = sorted({phase.session for phase in phases})
        labels = re.findall(r"第(\d+)班", row[6])
        if len(sessions) > MOST_CLASS_LINES:
            # Many classes: a line per month, from its first class's start to its last's end.
            months = sorted({phase.start.month for phase in phases})
            month_lines = [line for line in row[6].split("\n") if re.match(r"\d+月", line)]
            assert len(month_lines) == len(months) and not labels, project.id
            continue
        # Each phase's dates, class by class, and a label per class when there are several.
        spans = [date_span(phase.start, phase.end) for phase in phases]
        assert re.findall(DATE_SPAN, row[6]) == spans, project.id
        assert labels == ([str(session) for session in sessions] if len(sessions) > 1 else [])
        for phase in phases:
            if phase.venue is not None:
                assert _plain(venues[phase.venue]) in _plain(row[7]), project.id
    # 中小学体育、美育教师及社团活动培训: two classes on the same days in two rooms.
    sports = by_name["中小学体育、美育教师及社团活动培训"]
    assert _plain(sports[8]) == "第1班建安区教师进修学校第一培训教室第2班建安区教师进修学校报告厅"
    # 人次 of the projects with a number headcount; the 全员 ones are every teacher again.
    assert total[0] == "合计（人次，不含全员项目2项）"
    assert total[5] == sum(row[5] for row in body if row[5] != "全员") == sum(
        instance.headcount(project) for project in instance.projects
        if project.headcount != "all")


def test_the_sheet_per_class_is_the_table_of_plan_csv(workbook, instance, solution):
    sheet = workbook.worksheets[1]
    assert sheet.title == "分班安排"
    assert sheet["A1"].value == f"{instance.name} · 分班安排"
    assert [cell.value for cell in sheet[2]] == [*COLUMNS, OFFICE_COLUMN]
    table = plan_table(instance, solution, office=True)
    rows = _rows(sheet)
    assert len(rows) == len(table) + 1 == 24
    months = _months(sheet, len(table))
    for (index, expected), row, month in zip(table.iterrows(), rows, months, strict=False):
        assert [_plain(value) for value in (row[0], month, *row[2:])] == [
            _plain(value) if value != "" else None for value in expected], index
    # The same 合计 as the official table's: the classes of 全员 projects left out.
    assert rows[-1][5] == sum(
        phase.size for phase in solution.sessions
        if phase.phase == 1 and instance.project(phase.project).headcount != "all")


@pytest.mark.parametrize("sheet_index", [0, 1])
def test_months_are_merged_over_their_rows_and_never_cut_by_a_page(workbook, instance,
                                                                   solution, sheet_index):
    sheet = workbook.worksheets[sheet_index]
    table = (official_table if sheet_index == 0 else plan_table)(instance, solution)
    expected = table["月份"].tolist()
    assert _months(sheet, len(table)) == expected
    # The month is written once per group and page, like the Anshan table.
    breaks = {brk.id for brk in sheet.row_breaks.brk}
    assert breaks, "the plan takes more than one page"
    groups = [cells for cells in sheet.merged_cells.ranges if cells.min_col == 2]
    for cells in groups:
        assert not breaks & set(range(cells.min_row, cells.max_row)), cells
    written = [cell.value for cell in sheet["B"][2:2 + len(table)] if cell.value]
    runs = 1 + sum(before != after for before, after in itertools.pairwise(expected))
    assert len(written) == runs + sum(
        expected[brk - 3] == expected[brk - 2] for brk in breaks if brk - 2 < len(expected))


def test_office_column_comes_from_the_projects(workbook, instance, solution):
    office = {_plain(project.name): project.office for project in instance.projects}
    office |= {_plain(name): instance.project(project_id).office
               for (project_id, _), name in class_names(instance, solution).items()}
    for sheet in workbook.worksheets[:2]:
        header = [cell.value for cell in sheet[2]]
        for row in _rows(sheet)[:-1]:
            assert row[header.index("负责科室")] == office[_plain(row[2])]


@pytest.mark.parametrize("sheet_index", [0, 1])
def test_prints_one_page_wide_with_headers_page_numbers_and_a_chinese_font(workbook,
                                                                           sheet_index):
    sheet = workbook.worksheets[sheet_index]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$2:$2"
    # Numbered in the sheet, with its own count: the pages its breaks make.
    pages = len(sheet.row_breaks.brk) + 1
    assert sheet.oddFooter.center.text == f"第&P页 共{pages}页"
    assert (sheet.page_setup.firstPageNumber, sheet.page_setup.useFirstPageNumber) == (1, True)
    fonts = {cell.font.name for row in sheet.iter_rows() for cell in row
             if cell.value is not None}
    assert fonts == {FONT_NAME}


@pytest.mark.parametrize("sheet_index", [0, 1])
def test_every_line_fits_its_column_and_its_row(workbook, sheet_index):
    """No program wraps a line again: each is narrower than its column, measured with a hanzi
    (and a full-width dash or bracket) as two units, and each row is tall enough for its lines."""
    sheet = workbook.worksheets[sheet_index]
    widths = {column: sheet.column_dimensions[get_column_letter(column)].width
              for column in range(1, sheet.max_column + 1)}
    assert widths[3] >= 20 and widths[1] <= 8  # the project name gets the room
    most_lines = 1
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row - 1):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str):
                for line in cell.value.split("\n"):
                    assert text_width(line) * 1.1 + 2 <= widths[cell.column], line
                    assert not re.match(r"[）、，；。：]", line), line
                lines = max(lines, cell.value.count("\n") + 1)
        assert sheet.row_dimensions[row[0].row].height >= 16 * lines
        most_lines = max(most_lines, lines)
    assert most_lines >= 4  # four classes, or four phases, a line each


def test_side_sheets_agree_with_the_plan(workbook, instance, solution):
    assert workbook.sheetnames == ["培训计划", "分班安排", "场地", "专家", "乡镇", "农村名额",
                                   "学时", "指标", "成本明细"]
    venues = {row[0]: row for row in _rows(workbook["场地"])}
    hall = venues["建安区教师进修学校 报告厅"]
    hall_rows = [row for row in solution.sessions if row.venue == "jxxx-hall"]
    assert hall[3] == sum(row.days for row in hall_rows)
    assert hall[4].count("\n") == len(hall_rows) - 1 and hall[4].startswith("4月7日—4月8日 ")

    trainer_days = sum(row[1] for row in _rows(workbook["专家"]))
    assert trainer_days == sum(row.days * len(row.trainers) for row in solution.sessions)
    taught = {row[0]: row for row in _rows(workbook["专家"])}["罗红梅"]
    assert taught[1] <= taught[2]  # within the yearly limit

    header = [cell.value for cell in workbook["乡镇"][2]]
    rows = _rows(workbook["乡镇"])
    towns = {row[0]: dict(zip(header, row, strict=True))
             for row in rows[:len(instance.towns) + 2]}
    assert towns["合计"]["参训人次"] == sum(instance.headcount(p) for p in instance.projects)
    assert 0 < towns["农村合计"]["占全部名额"] < 1
    assert towns["农村合计"]["参训人次"] == sum(
        towns[town.name]["参训人次"] for town in instance.towns if town.rural)
    for town in instance.towns:
        row = towns[town.name]
        assert row["最高同日离岗"] <= row["离岗上限"], town.name
        assert row["公平名额"] == sum(instance.fair_shares(project).get(town.id, 0)
                                      for project in instance.projects)
    # Under the table, the towns the year reaches least and most per teacher.
    fewest = min(instance.towns, key=lambda town: towns[town.name]["人均参训人次"])
    most = max(instance.towns, key=lambda town: towns[town.name]["人均参训人次"])
    coverage = rows[len(instance.towns) + 3][0]
    assert coverage.startswith("每位教师全年参训 ")
    assert coverage.endswith(f"：最少 {fewest.name}，最多 {most.name}")

    # 学时: every town-audience gets p14's 60 and more; the sentence names the extremes.
    header = [cell.value for cell in workbook["学时"][2]]
    rows = _rows(workbook["学时"])
    offered = [dict(zip(header, row, strict=True)) for row in rows[:-2]]  # a blank, a note
    assert len(offered) == sum(1 for town in instance.towns for count in town.teachers.values()
                               if count)
    assert all(row["本计划提供学时（人均）"] >= row["学时要求"] == 60 for row in offered)
    assert all(row["缺口（人·学时）"] == 0 for row in offered)
    lowest = min(offered, key=lambda row: row["本计划提供学时（人均）"])
    assert rows[-1][0].startswith(
        f"本计划提供的人均学时：最低 {lowest['乡镇']} {lowest['培训对象']} ")

    kpis = {row[0]: row[1] for row in _rows(workbook["指标"])}
    assert kpis["求解状态"] == "OPTIMAL" and kpis["目标值"] == solution.objective
    assert kpis["距学时要求的缺口"] == 0
    assert kpis["场地与专家费用"] == solution.kpis["cost"]
    assert kpis["最高同日离岗教师"] == solution.kpis["balance"]


def test_english_headers(instance, solution, tmp_path):
    path = tmp_path / "plan.xlsx"
    write_xlsx(instance, solution, path, lang="en", costs=plan_costs(instance, solution))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Plan", "Classes", "Venues", "Trainers", "Towns",
                                   "Rural seats", "Credit hours", "KPIs", "Cost by class"]
    assert [cell.value for cell in workbook["Plan"][2]] == [
        "No.", "Month", "Project", "Trainees", "Mode", "Headcount", "Credit hours", "Dates",
        "Place", "Office"]
    assert [cell.value for cell in workbook["Classes"][2]] == [
        "No.", "Month", "Project", "Trainees", "Mode", "Headcount", "Dates", "Place",
        "Trainers", "Office"]
    for sheet in workbook.worksheets:
        headers = [cell.value for cell in sheet[2]]
        assert not any(CJK.search(str(header)) for header in headers), (sheet.title, headers)
    assert _rows(workbook["Plan"])[-1][0] == _rows(workbook["Classes"])[-1][0] == (
        "Total (trainee places, 2 all-staff project(s) (全员) left out)")


def test_broken_rules_come_first_then_the_official_table_then_the_classes(instance, solution,
                                                                          tmp_path):
    path = tmp_path / "plan.xlsx"
    write_xlsx(instance, solution, path, broken=["[weekend] p03: 2024-03-02 (Saturday)"],
               costs=plan_costs(instance, solution))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:3] == ["违反的规则", "培训计划", "分班安排"]
    assert workbook.active.title == "违反的规则"
    assert workbook["违反的规则"]["A2"].value == "[weekend] p03: 2024-03-02 (Saturday)"


def test_every_number_of_the_side_sheets_has_one_format_per_kind(workbook):
    # Whole numbers with thousands separated wherever they are (9,800 beside 12,000, never 9800),
    # shares as percentages, seats per teacher with two decimals; no number left to "General".
    formats = set()
    for sheet in workbook.worksheets[2:]:
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    formats.add(cell.number_format)
                    if isinstance(cell.value, int) and abs(cell.value) >= 1000:
                        assert cell.number_format in ("#,##0", "#,##0.00"), cell.coordinate
    assert formats <= {"#,##0", "0.0%", "0.00", "#,##0.00"} and "#,##0" in formats
