"""Fairness as the planner sees it: each town's seats against its fair share, seats per teacher
over the year with the towns reached least and most, and the rural share against quota and
tilt, in the summaries, plan.xlsx and report.html.

The instance is helpers.py's `tiny_instance` with a rural tilt of 1.5 and a rural quota
of 20%. Worked out by hand (docs/format.md, Objective: target = floor(headcount × w·pool /
Σ w·pool)):
- p1 (60 seats; pools 城区 150, 乡镇 120, weighed 150 and 180 of 330): targets 27 and 32; seats
  38 and 22, so 乡镇 is 10 short.
- p2 (20 seats; pools 100 and 80, weighed 100 and 120 of 220): targets 9 and 10; seats 15 and
  5, so 乡镇 is 5 short.
- p3 seats everyone (no fair share), p4 is dropped.
So 城区: fair share 36, seats with a set headcount 53, none short; 乡镇: 42, 27, 15 short.
Seats per teacher: 城区 (150 + 38 + 15) / 150 = 1.35, in person 53 / 150 = 0.35; 乡镇
(120 + 22 + 5) / 120 = 1.225, in person 27 / 120 = 0.225.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from models import Instance, Solution, parse_instance
from scheduler.analysis.class_costs import plan_costs
from scheduler.core.calendar import YearCalendar
from scheduler.core.kpis import KPI_NAMES, plan_kpis
from scheduler.export import summaries
from scheduler.export.report import report_html
from scheduler.export.xlsx import write_xlsx
from tests.helpers import tiny_instance, tiny_solution

CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = {"城区", "乡镇", "区教师进修学校", "乡镇中心校", "骨干教师培训", "新教师岗前培训",
         "师德师风全员培训", "示例区2024年教师培训计划", "小学教师", "初中教师"}


@pytest.fixture
def instance() -> Instance:
    data = tiny_instance()
    data["policy"] = {"rural_weight": 1.5, "rural_quota": 0.2}
    return parse_instance(data)


@pytest.fixture
def solution() -> Solution:
    return tiny_solution()


def _towns(instance: Instance, solution: Solution) -> dict[str, dict]:
    table = summaries.town_summary(instance, solution)
    return {record["乡镇"]: record for record in table.to_dict("records")}


def test_each_town_against_its_fair_share(instance, solution):
    towns = _towns(instance, solution)
    fair = {name: [towns[name][column] for column in summaries.FAIR_SHARE_COLUMNS]
            for name in ("城区", "乡镇", "农村合计", "合计")}
    # The last column, what the quotas force of the shortfall: none here.
    assert fair == {"城区": [53, 36, 0, 0], "乡镇": [27, 42, 15, 0], "农村合计": [27, 42, 15, 0],
                    "合计": [80, 78, 15, 0]}


def test_the_towns_shortfalls_add_up_to_the_share_kpi(instance, solution):
    kpis = plan_kpis(instance, YearCalendar(instance), solution.sessions, solution.dropped)
    assert _towns(instance, solution)["合计"]["公平名额缺口"] == kpis["share"] == 15


def test_seats_per_teacher_all_and_in_person(instance, solution):
    towns = _towns(instance, solution)
    assert towns["城区"]["人均参训人次"] == pytest.approx(203 / 150)
    assert towns["城区"]["人均线下参训人次"] == pytest.approx(53 / 150)
    assert towns["乡镇"]["人均参训人次"] == pytest.approx(147 / 120)
    assert towns["乡镇"]["人均线下参训人次"] == pytest.approx(27 / 120)
    assert towns["合计"]["人均参训人次"] == pytest.approx(350 / 270)


def test_each_project_shows_its_seats_short_of_fair_share(instance, solution):
    projects = summaries.project_rural(instance, solution).set_index("培训项目名称")
    short = projects["公平名额缺口"]
    assert short[["骨干教师培训", "新教师岗前培训"]].tolist() == [10, 5]
    assert pd.isna(short["师德师风全员培训"])  # it seats everyone: no fair share to miss


def test_notes_name_the_towns_reached_least_and_most(instance, solution):
    towns = summaries.town_summary(instance, solution)
    assert summaries.coverage_notes(instance, towns, "zh") == [
        "每位教师全年参训 1.23–1.35 人次：最少 乡镇，最多 城区",
        "其中线下（线下集中、混合式）0.23–0.35 人次：最少 乡镇，最多 城区",
    ]
    assert summaries.coverage_notes(instance, towns, "en")[0] == (
        "Each teacher attends 1.23–1.35 trainings over the year: fewest in 乡镇, most in 城区")


def test_towns_alike_are_said_to_be_alike(instance, solution):
    everyone = solution.model_copy(deep=True)
    everyone.sessions = [row for row in everyone.sessions if row.project == "p3"]
    towns = summaries.town_summary(instance, everyone)
    assert summaries.coverage_notes(instance, towns, "zh") == [
        "每位教师全年参训 1.00 人次，各乡镇相同",
        "其中线下（线下集中、混合式）0.00 人次，各乡镇相同",
    ]


def test_rural_note_sets_the_rural_share_against_quota_and_tilt(instance, solution):
    towns = summaries.town_summary(instance, solution)
    # Rural: 147 of 350 seats; 27 of the 80 seats with a set headcount, against 42 of 78.
    assert summaries.rural_note(instance, towns, "zh") == (
        "农村学员占全部名额 42.0%，定额项目中占 33.8%，其公平名额 53.8%（农村教师按 1.5 倍计）；"
        "农村名额要求 ≥ 20%")


def test_kpi_labels_follow_the_kpis_of_the_objective():
    assert tuple(summaries.KPI_LABELS) == KPI_NAMES


def test_kpi_sheet_weighs_the_fair_share_kpis(instance, solution):
    solution.kpis = {"dropped": 1, "preference": 0, "share": 15, "rural_venue": 20, "cost": 0,
                     "balance": 0}
    kpis = summaries.kpi_table(instance, solution).set_index("指标")
    weights = instance.objective.weights
    assert kpis.loc["公平名额缺口", ["数值", "权重", "计入目标"]].tolist() == [
        15, weights.share, 15 * weights.share]
    assert kpis.loc["城区场地的农村优先名额", "计入目标"] == 20 * weights.rural_venue


# What the writers show.

def _sheet_rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(min_row=2, values_only=True))


def test_workbook_towns_sheet_has_fair_shares_and_the_notes_below(instance, solution, tmp_path):
    path = tmp_path / "plan.xlsx"
    write_xlsx(instance, solution, path, costs=plan_costs(instance, solution))
    header, *rows = _sheet_rows(path, "乡镇")
    by_town = {row[0]: dict(zip(header, row, strict=True)) for row in rows[:4]}
    assert [by_town["乡镇"][column] for column in ("定额项目参训人次", "公平名额",
                                                "公平名额缺口")] == [27, 42, 15]
    assert by_town["合计"]["人均参训人次"] == pytest.approx(350 / 270)
    notes = [row[0] for row in rows[5:]]  # one blank row after the table
    assert rows[4] == (None,) * len(header)
    assert notes == [*summaries.coverage_notes(instance, summaries.town_summary(
        instance, solution), "zh"), summaries.rural_note(instance, summaries.town_summary(
            instance, solution), "zh")]
    sheet = openpyxl.load_workbook(path)["乡镇"]
    assert sheet.cell(4, header.index("人均参训人次") + 1).number_format == "0.00"

    header, *projects = _sheet_rows(path, "农村名额")
    assert [row[header.index("公平名额缺口")] for row in projects] == [10, 5, "全员（不设）"]


def test_english_workbook_keeps_town_names_and_translates_the_totals(instance, solution,
                                                                    tmp_path):
    path = tmp_path / "plan.xlsx"
    write_xlsx(instance, solution, path, lang="en", costs=plan_costs(instance, solution))
    header, *rows = _sheet_rows(path, "Towns")
    assert "Seats short of fair share" in header and "Fair share" in header
    # The towns are called 城区 and 乡镇, words the tables also use: as names they stay.
    assert [row[0] for row in rows[:4]] == ["城区", "乡镇", "Rural total", "Total"]
    for row in rows[5:]:
        assert not CJK.search(re.sub("|".join(sorted(NAMES, key=len, reverse=True)), "",
                                     row[0])), row[0]


def test_report_shows_coverage_fair_shares_and_marks_a_shortfall(instance, solution):
    text = report_html(instance, solution, costs=plan_costs(instance, solution))
    assert "<p><b>每位教师全年参训 1.23–1.35 人次：最少 乡镇，最多 城区</b></p>" in text
    assert ">各乡镇参训名额与公平名额</h2>" in text and ">各项目农村学员与公平名额</h3>" in text
    town_row = re.search(r"<tr><td>乡镇</td>.*?</tr>", text)
    assert town_row is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", town_row.group(0))
    # …, fair share, shortfall, most away on a school day (p1's second class), the cap.
    assert cells[-6:] == ["27", "42", "15", "0", "12", "120"]  # none of the 15 forced
    assert '<td class="num warn">15</td>' in town_row.group(0)
    assert "农村教师按 1.5 倍计" in text


def test_english_report_translates_the_fixed_words_only(instance, solution):
    text = report_html(instance, solution, lang="en",
                       costs=plan_costs(instance, solution))
    section = text[text.index("Seats and fair shares by town"):text.index("<script>")]
    assert "Each teacher attends 1.23–1.35 trainings over the year: fewest in 乡镇" in section
    assert "<td>乡镇</td>" in section and "<td>Rural total</td>" in section
    shown = re.sub(r"<[^>]+>", " ", section)
    for name in sorted(NAMES, key=len, reverse=True):
        shown = shown.replace(name, "")
    assert not CJK.search(shown), CJK.findall(shown)[:10]
