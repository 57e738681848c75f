"""学时 (docs/format.md, Objective, `hours_short`): the hours a plan offers each town's teachers
of each audience, against `policy.required_hours`.

The world of these tests (year 2024): audiences pri and jun; an urban town c and a rural town r
with 100 of each; a 40-seat room in r at 10 yuan a day; trainer t2, the only one for topic B,
2,000 yuan a day and free one day in the year. pA (pri) and pB (jun), 40 teachers each for one
day, both need t2: only one runs, the other is dropped (priority 3). Either costs
the same: the room and t2 (2,010), 40 teachers away (20 each: 800), 20 seats from each town
(their fair shares), so without 学时 nothing tells them apart. A day earns 8 学时.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from typing import Any

import pytest
from click.testing import CliRunner

from models import Solution, parse_instance
from models.parse import InputError
from scheduler.cli import main
from scheduler.core.calendar import YearCalendar
from scheduler.core.hours import hours_short, offered, per_teacher, shortfall_rows, unreachable
from scheduler.core.kpis import plan_kpis
from scheduler.core.validate import recompute_kpis, validate
from scheduler.model import TrainingModel
from tests.helpers import optimum, solve_checked


def one_class(world: dict[str, Any]) -> int:
    """One project dropped, the other's class: the room and t2, 40 teachers away."""
    return 3 * parse_instance(world).objective.weights.dropped + 2_010 + 800


WORLD: dict[str, Any] = {
    "schema": "training-instance/1",
    "name": "hours",
    "year": 2024,
    "audiences": [{"id": "pri", "name": "小学教师"}, {"id": "jun", "name": "初中教师"}],
    "towns": [
        {"id": "c", "name": "城区", "teachers": {"pri": 100, "jun": 100}},
        {"id": "r", "name": "乡镇", "rural": True, "teachers": {"pri": 100, "jun": 100}},
    ],
    "venues": [{"id": "room", "name": "教室", "town": "r", "capacity": 40, "cost_per_day": 10}],
    "trainers": [{"id": "t2", "name": "李老师", "topics": ["B"], "max_days": 1,
                  "fee_per_day": 2000}],
    "projects": [
        {"id": "pA", "name": "小学培训", "audiences": ["pri"], "headcount": 40,
         "mode": "offline", "days": 1, "months": [3], "topics": ["B"], "priority": 3},
        {"id": "pB", "name": "初中培训", "audiences": ["jun"], "headcount": 40,
         "mode": "offline", "days": 1, "months": [3], "topics": ["B"], "priority": 3},
    ],
}


@pytest.fixture
def world() -> dict[str, Any]:
    return copy.deepcopy(WORLD)


def scheduled(solution: Solution) -> set[str]:
    return {row.project for row in solution.sessions}


# --- the term binds, and does not ---------------------------------------------------------------


def test_the_requirement_decides_which_project_runs(world):
    # 4 学时 required of every jun teacher: 200 × 4 = 800 teacher-hours. pB offers its 40
    # trainees 8 each (320), so 480 are short; with pA, all 800. pB runs: 480 at weight 1.
    world["policy"] = {"required_hours": {"jun": 4}}
    solution = optimum(world)
    assert scheduled(solution) == {"pB"}
    assert solution.kpis["hours_short"] == 480
    assert solution.objective == one_class(world) + 480


def test_the_same_requirement_for_the_other_audience_chooses_the_other_project(world):
    world["policy"] = {"required_hours": {"pri": 4}}
    solution = optimum(world)
    assert scheduled(solution) == {"pA"} and solution.kpis["hours_short"] == 480


def test_a_requirement_every_plan_meets_counts_nothing(world):
    # An all-staff online day (mandatory, no trainer) gives everyone 8 学时 ≥ 4 required: no
    # plan is short, the model holds no row of it, and the objective is the class's alone.
    world["policy"] = {"required_hours": 4}
    world["projects"].append({"id": "p0", "name": "全员网络研修", "audiences": ["pri", "jun"],
                              "headcount": "all", "mode": "online", "days": 1, "months": [4],
                              "trainers_per_session": 0, "priority": "mandatory"})
    assert shortfall_rows(parse_instance(world)) == []
    solution = optimum(world)
    assert solution.kpis["hours_short"] == 0
    assert solution.objective == one_class(world)


def test_weight_zero_reports_the_hours_without_weighing_them(world):
    world["policy"] = {"required_hours": {"jun": 4}}
    world["objective"] = {"weights": {"hours": 0}}
    solution = optimum(world)
    assert solution.objective == one_class(world)
    assert solution.kpis["hours_short"] == (480 if scheduled(solution) == {"pB"} else 800)


def test_no_requirement_no_shortfall(world):
    solution = optimum(world)
    assert solution.kpis["hours_short"] == 0 and solution.objective == one_class(world)


# --- a multi-audience project in a town ---------------------------------------------------------


def multi_audience(world: dict[str, Any]) -> dict[str, Any]:
    """Town c with 70 pri and 20 jun teachers; pM (pri and jun, 8 学时) seats 40 from c."""
    world["towns"][0]["teachers"] = {"pri": 70, "jun": 20}
    world["projects"] = [{"id": "pM", "name": "骨干培训", "audiences": ["pri", "jun"],
                          "headcount": 40, "mode": "offline", "days": 1, "months": [3],
                          "topics": ["B"], "priority": "mandatory"}]
    world["policy"] = {"required_hours": 4}
    return world


def test_a_seat_earns_each_audience_its_share_of_the_town(world):
    # 40 seats from c's pool of 90: pri gets 8 × 40 × 70/90 = 2,240/9 teacher-hours (3.56
    # per teacher), jun 8 × 40 × 20/90 = 640/9 (3.56 each). Required 4 each: pri short
    # 280 − 2,240/9 = 280/9, jun 80 − 640/9 = 80/9; together exactly 40. r's 200 teachers get
    # nothing: 800 short. hours_short = 840, though each row rounded up alone would give 842.
    instance = parse_instance(multi_audience(world))
    seats = {"pM": {"c": 40}}
    hours = offered(instance, seats)
    assert hours["c", "pri"] == Fraction(2240, 9)
    assert hours["c", "jun"] == Fraction(640, 9)
    assert hours["r", "pri"] == hours["r", "jun"] == 0
    teachers = {(row.town, row.audience): row.per_teacher for row in per_teacher(instance, seats)}
    assert teachers["c", "pri"] == teachers["c", "jun"] == Fraction(32, 9)
    assert hours_short(instance, seats) == 840
    # Nothing scheduled: 280 + 80 + 800 short.
    assert plan_kpis(instance, YearCalendar(instance), [], ["pM"])["hours_short"] == 1_160


def test_the_solver_and_the_checker_agree_on_a_fractional_share(world):
    data = multi_audience(world)
    data["towns"][1]["teachers"] = {"pri": 100, "jun": 100}
    result = solve_checked(data)
    solution = result.solution
    instance = parse_instance(data)
    assert recompute_kpis(instance, solution)["hours_short"] == solution.kpis["hours_short"]
    seats = {"pM": {town: count for row in solution.sessions for town, count in row.seats.items()}}
    expected = sum(max(Fraction(0), 4 * row.teachers - row.per_teacher * row.teachers)
                   for row in per_teacher(instance, seats))
    assert solution.kpis["hours_short"] == int(expected)
    assert solution.bound is None or solution.bound <= solution.objective


# --- the checker ------------------------------------------------------------------------------


def test_validate_catches_a_wrong_hours_short(world):
    world["policy"] = {"required_hours": {"jun": 4}}
    solution = optimum(world)
    instance = parse_instance(world)
    wrong = solution.model_copy(update={"kpis": solution.kpis | {"hours_short": 479},
                                        "objective": solution.objective - 1})
    messages = [violation.message for violation in validate(instance, wrong)]
    assert "KPI hours_short is reported as 479; it is 480" in messages


def test_validate_weighs_hours_short_in_the_objective(world):
    world["policy"] = {"required_hours": {"jun": 4}}
    solution = optimum(world)
    wrong = solution.model_copy(update={"objective": solution.objective - 480})
    messages = [violation.message for violation in validate(parse_instance(world), wrong)]
    assert any(message.startswith("the objective is reported as") and "1 × 480" in message
               for message in messages)


# --- the input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    (lambda data: data["policy"].update(required_hours={"sen": 72}),
     "policy.required_hours: 'sen' is not the id of any audience"),
    (lambda data: data["policy"].update(required_hours=-1),
     "policy.required_hours: -1 is not a requirement of 学时"),
    (lambda data: data["policy"].update(required_hours={"pri": "many"}),
     "policy.required_hours: pri: 'many' is not a number of 学时"),
    (lambda data: data["policy"].update(hours_per_day=-8),
     "policy.hours_per_day: -8 is not a number of 学时"),
    (lambda data: data["projects"][0].update(hours=True),
     "projects[0].hours: True is not a number of 学时"),
])
def test_bad_hours_are_named_by_field(world, change, message):
    world["policy"] = {}
    change(world)
    with pytest.raises(InputError) as error:
        parse_instance(world)
    assert any(problem.startswith(message) for problem in error.value.problems), \
        error.value.problems


def test_hours_default_to_days_phases_and_hours_per_day(world):
    world["projects"][0].update(days=2, phases=3)
    world["policy"] = {"hours_per_day": 6}
    world["projects"][1]["hours"] = 7.5
    instance = parse_instance(world)
    assert instance.hours(instance.projects[0]) == 36
    assert instance.hours(instance.projects[1]) == Fraction(15, 2)


# --- before the search ------------------------------------------------------------------------


def test_an_audience_no_plan_can_bring_to_its_requirement(world):
    # pB alone can reach jun: 40 teachers of 200 with 8 学时, at most 1.6 per teacher.
    world["policy"] = {"required_hours": {"jun": 4, "pri": 1}}
    world["projects"][0]["headcount"] = 30  # pri: 30 × 8 / 200 = 1.2 ≥ 1, reachable
    found = unreachable(parse_instance(world))
    assert [(item.audience, item.most, item.required) for item in found] == [
        ("jun", Fraction(8, 5), 4)]


def test_solve_says_before_the_search_which_audience_falls_short(world, tmp_path):
    world["policy"] = {"required_hours": {"jun": 4}}
    path = tmp_path / "hours.json"
    path.write_text(json.dumps(world), encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(path), "--out", str(tmp_path / "out"),
                                       "--workers", "1", "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "初中教师: this plan offers at most 1.6 学时 per teacher; 4 are required" \
        in result.output
    assert result.output.index("初中教师: this plan") < result.output.index("status")
    zh = CliRunner().invoke(main, ["solve", str(path), "--out", str(tmp_path / "zh"),
                                   "--workers", "1", "--time-limit", "5", "--lang", "zh"])
    assert "初中教师：本计划每位教师最多提供 1.6 学时，要求 4 学时" in zh.output


def test_the_model_rounds_no_whole_row(world):
    # Single-audience projects and whole hours: every row is whole, the model is exact.
    world["policy"] = {"required_hours": {"jun": 4}}
    assert TrainingModel(parse_instance(world)).hours_slack == 0


# --- why ----------------------------------------------------------------------------------------


def test_why_gives_a_class_the_shortfall_its_seats_remove(world):
    # pB's class seats 40 jun teachers, 8 学时 each: without it 320 more teacher-hours are
    # short. Its part is -320 and the objective part it adds is lowered by as much.
    from scheduler.analysis.class_costs import why

    world["policy"] = {"required_hours": {"jun": 4}}
    solution = optimum(world)
    (cost,) = [project for project in why(parse_instance(world), solution)
               if project.project.id == "pB"]
    (one,) = cost.classes
    assert one.kpis["hours_short"] == -320
    assert any(reason.text("en").startswith("its 40 trainees earn 8 学时 each: without them the "
                                            "plan would be 320 teacher-hours further short")
               for reason in one.reasons)


def test_ruin_and_recreate_keeps_the_shortfall_as_the_kpi_counts_it(world):
    # Placed, moved and dropped one project at a time, the running sum is the KPI of the seats
    # as they stand.
    from scheduler.core.hours import RunningHours

    instance = parse_instance(multi_audience(world) | {"projects": [
        *multi_audience(copy.deepcopy(WORLD))["projects"],
        {**WORLD["projects"][1], "hours": 5}]})
    running = RunningHours(instance)
    steps = [("pM", {"c": 40}), ("pB", {"r": 30, "c": 10}), ("pM", {"c": 25, "r": 15}),
             ("pB", {}), ("pM", {"r": 40})]
    seats: dict[str, dict[str, int]] = {}
    for project_id, placed in steps:
        running.place(project_id, placed)
        seats[project_id] = placed
        assert running.short() == hours_short(instance, seats)


# --- what shows the plan ------------------------------------------------------------------------


def test_check_and_explain_name_the_audience_out_of_reach(world, tmp_path):
    from scheduler.analysis.no_plan import explain
    from scheduler.export.explanation import explanation_dict, explanation_text

    world["policy"] = {"required_hours": {"jun": 4}}
    path = tmp_path / "hours.json"
    path.write_text(json.dumps(world), encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", str(path), "--lang", "en"])
    assert checked.exit_code == 0
    assert "初中教师: this plan offers at most 1.6 学时 per teacher; 4 are required" \
        in checked.output
    explanation = explain(parse_instance(world), time_limit=10, workers=1)
    assert "初中教师：本计划每位教师最多提供 1.6 学时，要求 4 学时" \
        in explanation_text(explanation, "zh")
    assert explanation_dict(explanation, "en")["hours"] == [
        "初中教师: this plan offers at most 1.6 学时 per teacher; 4 are required"]


def test_the_report_shows_each_town_audience_against_the_requirement(world):
    # pB seats 20 jun teachers of each town: 20 × 8 / 100 = 1.6 学时 each, against 4.
    from scheduler.analysis.class_costs import plan_costs
    from scheduler.export.report import report_html

    world["policy"] = {"required_hours": {"jun": 4}}
    solution = optimum(world)
    instance = parse_instance(world)
    page = report_html(instance, solution, lang="en",
                       costs=plan_costs(instance, solution))
    assert "Credit hours offered by this plan, by town and audience" in page
    assert "lowest 城区 小学教师 0 h, highest 城区 初中教师 1.6 h" in page
    assert "; 2 of 4 town-audiences below the requirement" in page


def test_the_schema_has_the_hours_fields():
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.output)
    assert "hours" in schema["$defs"]["Project"]["properties"]
    assert {"hours_per_day", "required_hours"} <= set(schema["$defs"]["Policy"]["properties"])
    assert "hours" in schema["$defs"]["Weights"]["properties"]
