"""The Excel plan table, read back with openpyxl as a bureau's Excel would show it.

The plan is the proven-optimal 2024 plan of instances/2024.json (tests/data/2024-solution.json,
written by `schedule solve` and accepted by `schedule validate`).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.export.plan_table import COLUMNS, OFFICE_COLUMN, class_names, plan_table
from scheduler.export.xlsx import write_xlsx

ROOT = Path(__file__).parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def workbook(instance, solution, tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    write_xlsx(instance, solution, path)
    return openpyxl.load_workbook(path)


def _rows(sheet: Worksheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=3, values_only=True))


def test_plan_sheet_has_the_title_and_the_official_headers(workbook, instance):
    sheet = workbook.worksheets[0]
    assert sheet.title == "培训计划"
    assert sheet["A1"].value == instance.name
    assert "A1:J1" in {str(cells) for cells in sheet.merged_cells.ranges}
    assert [cell.value for cell in sheet[2]] == [*COLUMNS, OFFICE_COLUMN]


def test_one_row_per_session_then_a_total_equal_to_the_headcounts(workbook, instance,
                                                                  solution):
    rows = _rows(workbook.worksheets[0])
    sessions = {(row.project, row.session) for row in solution.sessions}
    body, total = rows[:-1], rows[-1]
    assert len(body) == len(sessions) == 23
    assert [row[0] for row in body] == list(range(1, 24))
    assert total[0] == "合计"
    assert total[5] == sum(row[5] for row in body) == sum(
        instance.headcount(project) for project in instance.projects)

    # Each project's classes together seat its headcount.
    names = class_names(instance, solution)
    project_of = {name: project_id for (project_id, _), name in names.items()}
    seated: Counter[str] = Counter()
    for row in body:
        seated[project_of[row[2]]] += row[5]
    assert seated == {project.id: instance.headcount(project) for project in instance.projects}


def test_months_are_merged_cells_over_their_rows_like_the_anshan_table(workbook, instance,
                                                                       solution):
    sheet = workbook.worksheets[0]
    expected = plan_table(instance, solution)["月份"].tolist()
    merged = [cells for cells in sheet.merged_cells.ranges if cells.min_col == 2]
    filled = [row[1] for row in _rows(sheet)[:-1]]
    # The month is written once, at the top of its group; the group's other cells are merged.
    for cells in merged:
        for row in range(cells.min_row + 1, cells.max_row + 1):
            assert filled[row - 3] is None
            filled[row - 3] = filled[cells.min_row - 3]
    assert filled == expected
    assert len([cell for cell in sheet["B"][2:-1] if cell.value]) == len(set(expected)) == 8


def test_office_column_comes_from_the_projects(workbook, instance, solution):
    names = class_names(instance, solution)
    office = {name: instance.project(project_id).office for (project_id, _), name
              in names.items()}
    for row in _rows(workbook.worksheets[0])[:-1]:
        assert row[9] == office[row[2]]


def test_prints_landscape_one_page_wide_with_a_frozen_repeated_header(workbook):
    sheet = workbook.worksheets[0]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$2:$2"
    widths = {column: sheet.column_dimensions[column].width for column in "ABCDEFGHIJ"}
    assert widths["C"] >= 30 and widths["A"] <= 8  # the project name gets the room
    # Wrapped rows are tall enough for their text: the four-phase class needs several lines.
    assert sheet.row_dimensions[3].height >= 3 * 15


def test_side_sheets_agree_with_the_plan(workbook, instance, solution):
    assert workbook.sheetnames == ["培训计划", "场地", "专家", "乡镇", "农村名额", "指标"]
    venues = {row[0]: row for row in _rows(workbook["场地"])}
    hall = venues["建安区教师进修学校 报告厅"]
    hall_rows = [row for row in solution.sessions if row.venue == "jxxx-hall"]
    assert hall[3] == sum(row.days for row in hall_rows)
    assert hall[4].count("\n") == len(hall_rows) - 1 and hall[4].startswith("4月18日—4月19日 ")

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

    kpis = {row[0]: row[1] for row in _rows(workbook["指标"])}
    assert kpis["求解状态"] == "OPTIMAL" and kpis["目标值"] == solution.objective
    assert kpis["场地与专家费用"] == solution.kpis["cost"]
    assert kpis["最高同日离岗教师"] == solution.kpis["balance"]


def test_english_headers(instance, solution, tmp_path):
    path = tmp_path / "plan.xlsx"
    write_xlsx(instance, solution, path, lang="en")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Plan", "Venues", "Trainers", "Towns", "Rural seats", "KPIs"]
    assert [cell.value for cell in workbook["Plan"][2]] == [
        "No.", "Month", "Project", "Trainees", "Mode", "Headcount", "Dates", "Place",
        "Trainers", "Office"]
    for sheet in workbook.worksheets:
        headers = [cell.value for cell in sheet[2]]
        assert not any(CJK.search(str(header)) for header in headers), (sheet.title, headers)
    assert _rows(workbook["Plan"])[-1][0] == "Total"
