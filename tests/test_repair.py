"""Ruin and recreate: moves find what the one-pass plan missed, never make the plan worse, and
what they leave keeps every rule."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import parse_instance
from models.instance import Instance
from models.load import load_instance
from scheduler.core.calendar import YearCalendar
from scheduler.core.validate import validate
from scheduler.search import solve as solve_module
from scheduler.search.construct import SeatAwarePlanner
from scheduler.search.hand_method import HandPlan
from scheduler.search.params import SolveParams
from scheduler.search.repair import repair
from tests.helpers import as_solution, search_context, tiny_variants

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


def repaired(instance: Instance, seconds: float = 10.0) -> tuple[HandPlan, HandPlan, list[int]]:
    """The seat-aware plan, the plan after moves, and the objectives reported: the first
    plan's, then each better one."""
    calendar = YearCalendar(instance)
    planner = SeatAwarePlanner(instance, calendar)
    first = planner.plan()
    better: list[int] = []
    plan = repair(instance, calendar, planner.splits, first,
                  search_context(seconds, on_improve=better.append))
    return first, plan, better


def test_a_move_gives_the_cheap_trainer_to_the_longer_class(tiny):
    # t1 (1,000 yuan) may teach two days. p1 (one day, March only) goes first and takes him,
    # so p2 (two days) pays t2 (2,000 yuan) for both: 5,000 in trainers. Put back p2 first,
    # t1 teaches p2's two days and t2 p1's one: 4,000.
    tiny["trainers"][0]["max_days"] = 2
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "days": 2,
                             "months": [3, 4, 5]})
    instance = parse_instance(tiny)
    first, plan, better = repaired(instance)
    trainer_cost = {"t1": 1_000, "t2": 2_000}

    def trainers(plan: HandPlan) -> int:
        return sum(row.days * trainer_cost[trainer] for row in plan.rows
                   for trainer in row.trainers)

    assert (trainers(first), trainers(plan)) == (5_000, 4_000)
    assert {row.project: row.trainers for row in plan.rows} == {"p1": ["t2"], "p2": ["t1"]}
    solution = as_solution(instance, plan)
    assert validate(instance, solution) == []
    assert better[-1] == solution.objective


def test_a_class_shrinks_into_a_cheaper_free_room(tiny):
    # 120 teachers in two classes: evenly, 60 each, both in the hall (100 yuan a day; the room,
    # moved to the city, holds 40). Put back with resizing, the first class seats 40 in the
    # room (10 yuan) and the second 80 in the hall: 110 yuan of venue instead of 200. (With
    # the busiest day weighed, the classes of 80 would cost more than that saves.)
    tiny["venues"][1]["town"] = "c"
    tiny["projects"][0]["headcount"] = 120
    tiny["objective"] = {"weights": {"balance": 0}}
    instance = parse_instance(tiny)
    first, plan, _ = repaired(instance)
    assert sorted((row.venue, row.size) for row in first.rows) == [("hall", 60), ("hall", 60)]
    assert sorted((row.venue, row.size) for row in plan.rows) == [("hall", 80), ("room", 40)]
    solution = as_solution(instance, plan)
    assert validate(instance, solution) == [] and solution.objective == 2_110


def test_on_anshan_moves_lower_the_seat_aware_plan():
    instance = load_instance(INSTANCES / "anshan-2022.json")
    first, plan, better = repaired(instance, seconds=30)
    before, after = as_solution(instance, first), as_solution(instance, plan)
    assert validate(instance, after) == []
    assert before.objective is not None and after.objective is not None
    # 995,774 → 993,674 in 3 s on a loaded machine, more once its moves stall: the test asks
    # for the plan to be lower, not for how fast (a time-boxed figure fails under load).
    assert after.objective < before.objective
    assert better[-1] == after.objective


@st.composite
def two_project_variants(draw: st.DrawFn) -> dict:
    """A tiny variant with a second project like the first, in other months, perhaps to run
    after it."""
    data = draw(tiny_variants())
    first = data["projects"][0]
    second = {**first, "id": "p2",
              "months": sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=3))),
              "headcount": draw(st.integers(1, 120)), "priority": draw(st.sampled_from([2, 5]))}
    if draw(st.booleans()):
        second["after"] = ["p1"]
    data["projects"].append(second)
    return data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_project_variants())
def test_moves_keep_every_rule_and_never_cost_more(data):
    instance = parse_instance(data)
    first, plan, better = repaired(instance, seconds=2)
    before, after = as_solution(instance, first), as_solution(instance, plan)
    assert before.objective is not None and after.objective is not None
    assert after.objective <= before.objective
    assert better[0] == before.objective and better[-1] == after.objective
    assert better == sorted(set(better), reverse=True)
    mandatory_dropped = [project for project in plan.dropped
                         if instance.project(project).mandatory]
    assert mandatory_dropped == [project for project in first.dropped
                                 if instance.project(project).mandatory]
    assert [violation.rule for violation in validate(instance, after)] == (
        ["mandatory-dropped"] * len(mandatory_dropped))


def test_an_instance_too_large_for_the_model_is_planned_by_moves_alone():
    # Every instance counts as too large here: the plan is the moves' own, unproven, and keeps
    # every rule; the moves take 2024's quick plan to its optimum, 96,800 (every class in its
    # preferred months: 90,800 yuan and 300 teachers on the busiest school day).
    instance = load_instance(INSTANCES / "2024.json")
    result = solve_module.solve(instance, time_limit=3, workers=1,
                                params=SolveParams(moves_only_choices=0))
    solution = result.solution
    assert (solution.status.value, solution.bound, result.variables) == ("FEASIBLE", None, 0)
    assert result.why_no_bound and solution.objective is not None
    assert solution.objective == 96_800
    assert validate(instance, solution) == []


def test_a_model_too_large_to_search_is_planned_by_moves_and_bounded_by_the_relaxation(
        monkeypatch):
    # Every model counts as too large to search: no CP-SAT search runs, the moves plan, and
    # the relaxation's bound, built on the model, proves their plan optimal.
    def no_search(*args, **kwargs):
        raise AssertionError("CP-SAT searched a model too large to search")
    monkeypatch.setattr(solve_module._Search, "_starting_plan", no_search)
    monkeypatch.setattr(solve_module._Search, "_full_search", no_search)
    instance = load_instance(INSTANCES / "2024.json")
    result = solve_module.solve(instance, time_limit=20, workers=1,
                                params=SolveParams(search_max_variables=0))
    solution = result.solution
    assert result.variables > 0
    assert (solution.status.value, solution.objective, solution.bound) == (
        "OPTIMAL", 96_800, 96_800)
    assert solution.solve_seconds < 20  # the proof ended the moves
    assert validate(instance, solution) == []


def test_an_instance_too_large_for_the_model_still_says_why_it_has_no_plan(tiny):
    # A mandatory project that cannot run: the moves do not pretend, the model's path says why.
    tiny["projects"][0]["topics"] = ["C"]
    result = solve_module.solve(parse_instance(tiny), time_limit=3, workers=1,
                                params=SolveParams(moves_only_choices=0))
    assert result.solution.status.value == "INFEASIBLE"
    assert "p1" in result.unschedulable
