"""Why a class is where it is, and what else it could be: `schedule why` and `schedule
alternatives`. The why-texts are checked on tiny worlds where what stands in the way is known by
hand; the alternatives on the 2024 plan, each re-validated."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import scheduler.analysis.class_costs
from models import InputError, Solution, load_instance, parse_instance
from scheduler.analysis.alternatives import alternatives, parse_class
from scheduler.analysis.class_costs import day_ranges, why
from scheduler.cli import main
from scheduler.core.validate import validate
from scheduler.usecases import export_plan
from tests.helpers import ROOT, optimum

PLAN_2024 = ROOT / "tests" / "data" / "2024-solution.json"


def only_class(data: dict[str, Any]) -> tuple[Any, Any]:
    solution = optimum(data)
    (project,) = why(parse_instance(data), solution, "p1")
    (one,) = project.classes
    return one, solution


def test_a_class_outside_its_preferred_month_names_the_trainer_away(
        tiny: dict[str, Any]) -> None:
    # Only t2 teaches B, and t2 is away all of March: p1 runs in April, a day outside March.
    tiny["projects"][0].update(topics=["B"], months=[3, 4], preferred_months=[3])
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    one, _ = only_class(tiny)
    assert one.rows[0].start.month == 4 and one.kpis["preference"] == 1
    assert one.reasons[0].text("en").startswith("1 day(s) outside its preferred months 3月: ")
    assert "trainer t2 (李老师) is away 03-01…03-31" in one.reasons[0].text("en")
    (in_chinese,) = why(parse_instance(tiny), optimum(tiny), "p1")[0].classes
    assert in_chinese.reasons[0].text("zh").startswith("1 天不在首选月份（3月）：")
    assert "专家李老师（t2） 03-01…03-31 不在" in in_chinese.reasons[0].text("zh")


def test_a_class_in_the_dearer_venue_names_why_the_cheaper_one_is_not_free(
        tiny: dict[str, Any]) -> None:
    # The rural room (10 a day) is closed all of March: p1 is held in the hall (100 a day).
    tiny["venues"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    one, solution = only_class(tiny)
    day = solution.sessions[0].start
    assert one.rows[0].venue == "hall" and one.kpis["cost"] == 100 + 1000
    assert f"a cheaper venue: venue room (教室) is closed {day:%m-%d}" in [
        reason.text("en") for reason in one.reasons]


def test_a_venue_that_cannot_host_the_project_is_no_cheaper_place(
        tiny: dict[str, Any]) -> None:
    # The room lacks the 多媒体 p1 needs: the hall is the only venue it can use.
    tiny["projects"][0].update(venue_features=["多媒体"])
    one, _ = only_class(tiny)
    assert one.rows[0].venue == "hall"
    assert [reason.text("en") for reason in one.reasons] == [
        "40 of the 40 teachers away on the busiest school day 2024-03-01 are its own"]


def test_day_ranges_join_consecutive_days() -> None:
    days = [dt.date(2024, 10, d) for d in (8, 9, 10, 24, 26, 27)]
    assert day_ranges(days) == "10-08…10-10, 10-24, 10-26…10-27"


@pytest.fixture(scope="module")
def plan_2024() -> tuple[Any, Solution]:
    instance = load_instance(ROOT / "instances" / "2024.json")
    return instance, Solution.model_validate_json(PLAN_2024.read_text(encoding="utf-8"))


def test_alternatives_are_real_plans_sorted_by_their_price(
        plan_2024: tuple[Any, Solution]) -> None:
    instance, solution = plan_2024
    project_id, sessions = parse_class("p11#3", solution)
    now = next(row for row in solution.sessions if (row.project, row.session) == ("p11", 3))
    found = alternatives(instance, solution, project_id, sessions, top=3, workers=2)
    assert len(found) == 3
    changes = [alternative.objective_change for alternative in found]
    assert changes == sorted(changes) and changes[0] >= 0  # the plan is optimal
    places = {(alt.rows[0].start, alt.rows[0].venue) for alt in found}
    assert len(places) == 3 and (now.start, now.venue) not in places
    for alternative in found:
        assert validate(instance, alternative.solution, solution) == []
        assert all(row.project == "p11" and row.session == 3 for row in alternative.rows)


def test_what_if_a_project_runs_in_another_month(plan_2024: tuple[Any, Solution]) -> None:
    instance, solution = plan_2024
    found = alternatives(instance, solution, "p05", [1], top=2, month=4, workers=2)
    assert found and all(row.start.month == 4 and row.end.month == 4
                         for alternative in found for row in alternative.rows)
    assert all(validate(instance, alt.solution, solution) == [] for alt in found)
    with pytest.raises(InputError, match=r"--venue nowhere: p05 .* cannot be held there"):
        alternatives(instance, solution, "p05", [1], venue="nowhere")


def test_the_commands_name_the_class_and_refuse_what_is_not_in_the_plan(
        tmp_path: Path) -> None:
    runner = CliRunner()
    instance = str(ROOT / "instances" / "2024.json")
    shown = runner.invoke(main, ["why", instance, str(PLAN_2024), "p01#2", "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    assert "第2班 2024-04-09–2024-04-10" in shown.output and "第1班" not in shown.output
    listed = runner.invoke(main, ["alternatives", instance, str(PLAN_2024), "p05", "--month",
                                  "4", "--top", "1", "--out", str(tmp_path), "--lang", "en"])
    assert listed.exit_code == 0, listed.output
    assert "1. 2024-04-" in listed.output
    written = Solution.model_validate_json((tmp_path / "alternative-1.json").read_text())
    assert written.replan is not None
    for bad, message in [("p99#1", "the plan has no class of project 'p99'"),
                         ("p11#9", "the plan has classes 1, 2, 3, 4 of p11, not '9'")]:
        refused = runner.invoke(main, ["alternatives", instance, str(PLAN_2024), bad])
        assert refused.exit_code == 2 and message in refused.output
    several = runner.invoke(main, ["alternatives", instance, str(PLAN_2024), "p11"])
    assert several.exit_code == 2 and "name one class (e.g. p11#1)" in several.output
    in_chinese = runner.invoke(main, ["alternatives", instance, str(PLAN_2024), "p11#9",
                                      "--lang", "zh"])
    assert in_chinese.exit_code == 2
    assert "p11#9：方案中项目 p11 有第 1、2、3、4 班，没有第 9 班" in in_chinese.output


def test_the_workbook_and_the_report_carry_each_class_s_costs(
        plan_2024: tuple[Any, Solution], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance, solution = plan_2024
    asked = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        asked.append(args)
        return why(*args, **kwargs)

    monkeypatch.setattr(scheduler.analysis.class_costs, "why", counted)
    export_plan(instance, solution, tmp_path, ["xlsx", "html"], "zh")
    assert len(asked) == 1  # worked out once for both files
    sheet = load_workbook(tmp_path / "plan.xlsx")["成本明细"]
    header, *rows = list(sheet.iter_rows(min_row=2, values_only=True))
    table = [dict(zip(header, row, strict=True)) for row in rows]
    classes = {(row.project, row.session) for row in solution.sessions}
    assert len([row for row in table if row["班级"] != "全项目"]) == len(classes)
    # The classes' parts add up to the plan's own KPIs.
    assert sum(row["费用（元）"] for row in table) == solution.kpis["cost"]
    assert sum(row["非首选月份天数"] for row in table) == solution.kpis["preference"]
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    # One per bar, its cost among its parts (after the days outside its preferred months).
    assert report.count("成本：") == len(solution.sessions)
    assert report.count("费用（元） ") >= len(solution.sessions)


def test_ctrl_c_lists_the_alternatives_found_so_far() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "alternatives", str(ROOT / "instances" /
         "2024.json"), str(PLAN_2024), "p11#3", "--top", "50", "--time-limit", "300",
         "--lang", "en"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    assert "now:" in process.stdout.readline()  # read, the search begins
    time.sleep(4)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    output, errors = process.communicate(timeout=60)
    assert process.returncode == 0, output + errors
    assert "1. " in output and "Traceback" not in errors
    assert time.monotonic() - started < 30


def test_why_names_what_the_preferred_month_was_traded_for(tiny):
    # p1 prefers March; the cheap room is closed all March and the hall costs 5,000 a day: the
    # plan trades its March day for rent, and why says the hall was free then and at what price.
    tiny["venues"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    tiny["venues"][0]["cost_per_day"] = 5_000
    tiny["projects"][0].update(months=[3, 4], preferred_months=[3])
    solution = optimum(tiny)
    assert [row.venue for row in solution.sessions] == ["room"]
    for lang, words in (("en", ["it could meet 2024-03-01 in venue hall (报告厅)", "+3,990",
                                "cost +4,990", "traded"]),
                        ("zh", ["首选月份于2024-03-01 在场地报告厅（hall）", "+3,990", "让出"])):
        (project,) = why(parse_instance(tiny), solution, "p1")
        reasons = " ".join(reason.text(lang) for reason in project.classes[0].reasons)
        assert all(word in reasons for word in words), reasons
