"""Helpers the test modules share: the tiny world and its variants, solve-then-validate, a plan
as a solution, the fair seats worked out again, and the example plan of the export tests.
Fixtures live in conftest.py; a test module imports these from here, never from another test
module."""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import shutil
import time
from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any, overload

import chinese_calendar
import pytest
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from models import Instance, Project, Solution, parse_instance
from models.solution import Status
from scheduler.core.calendar import YearCalendar
from scheduler.core.validate import validate
from scheduler.model import TrainingModel, read_plan
from scheduler.search import lns
from scheduler.search.context import SearchContext
from scheduler.search.hand_method import GreedyPlanner, HandPlan
from scheduler.search.hints import plan_hint
from scheduler.search.params import DEFAULT
from scheduler.search.solve import SolveResult, fill_plan, solve

ROOT = Path(__file__).resolve().parent.parent

# --- The tiny world, its variants, and solve-then-validate ----------------------------------

# The tiny world of the constraint tests (year 2024, mainland China's statutory calendar):
# one audience, an urban town `c` and a rural town `r` with 100 primary teachers each,
# a 100-seat hall in `c` at 100 yuan a day and a 40-seat room in `r` at 10 yuan a day,
# trainer t1 (topic A, 1000 yuan a day) and t2 (topics A and B, 2000 yuan a day). It gives the
# weights its hand-worked optima are worked in (a priority point 1,000,000, a seat 200, a day
# outside the preferred months 1,000; re-planning 5,000, 2,000, 1,000); the weights made from
# the data (models.concerns) are tested in test_concerns.py.
TINY: dict[str, Any] = {
    "schema": "training-instance/1",
    "name": "tiny",
    "year": 2024,
    "calendar": {"holiday_windows": [{"name": "暑假", "start": "2024-07-06", "end": "2024-08-31"}]},
    "audiences": [{"id": "pri", "name": "小学教师"}],
    "towns": [
        {"id": "c", "name": "城区", "rural": False, "teachers": {"pri": 100}},
        {"id": "r", "name": "乡镇", "rural": True, "teachers": {"pri": 100}},
    ],
    "venues": [
        {"id": "hall", "name": "报告厅", "town": "c", "capacity": 100, "cost_per_day": 100,
         "features": ["多媒体"]},
        {"id": "room", "name": "教室", "town": "r", "capacity": 40, "cost_per_day": 10},
    ],
    "trainers": [
        {"id": "t1", "name": "张老师", "topics": ["A"], "max_days": 30, "fee_per_day": 1000},
        {"id": "t2", "name": "李老师", "topics": ["A", "B"], "max_days": 30, "fee_per_day": 2000},
    ],
    "projects": [
        {"id": "p1", "name": "培训一", "audiences": ["pri"], "headcount": 40, "mode": "offline",
         "days": 1, "months": [3], "topics": ["A"], "priority": "mandatory"},
    ],
    "objective": {"weights": {"dropped": 1_000_000, "share": 200, "rural_venue": 200,
                              "preference": 1_000, "moved": 5_000, "venue_changed": 2_000,
                              "trainer_changed": 1_000}},
}


@st.composite
def tiny_variants(draw: st.DrawFn) -> dict:
    data = copy.deepcopy(TINY)
    project = data["projects"][0]
    project.update(
        headcount=draw(st.integers(1, 200)),
        mode=draw(st.sampled_from(["offline", "blended", "online", "offsite"])),
        days=draw(st.integers(1, 5)),
        months=sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=3))),
        holiday=draw(st.sampled_from(["allowed", "forbidden", "required"])),
        phases=draw(st.integers(1, 3)),
        min_gap_days=draw(st.integers(0, 20)),
        rural_quota=draw(st.sampled_from([0, 0.2, 0.5])),
        priority=draw(st.sampled_from(["mandatory", 3])),
    )
    if draw(st.booleans()):
        project["max_session_size"] = draw(st.integers(20, 80))
    data["policy"] = {"max_absence_share": draw(st.sampled_from([0.1, 0.3, 1.0]))}
    data["trainers"][0]["max_days"] = draw(st.integers(0, 10))
    return data


def blackout_all_of_march_but(day: int) -> list[dict]:
    """Blackouts for the tiny world's audience over March 2024, all but `day`."""
    ranges = []
    if day > 1:
        ranges.append({"name": "考试", "start": "2024-03-01", "end": f"2024-03-{day - 1:02d}",
                       "audiences": ["pri"]})
    ranges.append({"name": "考试", "start": f"2024-03-{day + 1:02d}", "end": "2024-03-31",
                   "audiences": ["pri"]})
    return ranges


def second_project(tiny: dict, **fields: Any) -> dict:
    """Add to the tiny world p2 (培训二), a copy of p1 with `fields` changed; return it."""
    project = {**tiny["projects"][0], "id": "p2", "name": "培训二", **fields}
    tiny["projects"].append(project)
    return project


def solve_checked(data: dict[str, Any], time_limit: float = 20.0) -> SolveResult:
    """Solve, and insist that what the solver wrote passes the independent checker."""
    instance = parse_instance(data)
    result = solve(instance, time_limit=time_limit, workers=2)
    solution = result.solution
    round_trip = Solution.model_validate_json(solution.to_json())
    assert validate(instance, round_trip) == [], solution.to_json()
    return result


def optimum(data: dict[str, Any]) -> Solution:
    """The proven-optimal solution of a tiny instance."""
    solution = solve_checked(data).solution
    assert solution.status.value == "OPTIMAL", solution.status
    return solution


def need(program: str) -> str:
    """The program's path; skipped where it is missing, except in CI, which must have it."""
    path = shutil.which(program)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{program} is not installed; .ci/run installs it")
        pytest.skip(f"{program} is not installed")
    return path


# --- A plan as a solution, and the search's steps ------------------------------------------

def solve_model(model: cp_model.CpModel, seconds: float, *,
                quiet: float | None = None, probing: bool = True) -> cp_model.CpSolver | None:
    """The search's solve function, made plain for tests: CP-SAT on two threads, seed 0 (the
    search's `quiet` and `probing` ignored); the solver if it found a plan, else None."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    found = solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return solver if found else None


def search_context(seconds: float, **fields: Any) -> SearchContext:
    """What the steps of a search share, for a test: `seconds` from now on the wall clock,
    `solve_model`, seed 0 and the default stall limit, unless `fields` say otherwise."""
    return SearchContext(**{"deadline": time.monotonic() + seconds, "solve_model": solve_model,
                            "stall_after": DEFAULT.stalled_steps, **fields})


def hand_incumbent(instance: Instance) -> tuple[TrainingModel, lns.Incumbent]:
    """The instance's model, and the hand method's plan completed into its first incumbent."""
    calendar = YearCalendar(instance)
    built = TrainingModel(instance, calendar)
    hand = GreedyPlanner(instance, calendar).plan()
    incumbent = lns.complete_plan(built, plan_hint(built, hand.rows, hand.dropped),
                                  solve_model, 10.0)
    assert incumbent is not None
    return built, incumbent


@overload
def as_solution(instance: Instance, plan: HandPlan, /) -> Solution: ...


@overload
def as_solution(instance: Instance, model: TrainingModel,
                incumbent: lns.Incumbent, /) -> Solution: ...


def as_solution(instance: Instance, plan: HandPlan | TrainingModel,
                incumbent: lns.Incumbent | None = None) -> Solution:
    """A plan as the FEASIBLE solution the search writes, its KPIs and objective measured on it:
    a hand plan (the hand method's, the seat-aware planner's, ruin and recreate's), or the
    incumbent of a model, read back from the values of the model's variables."""
    if isinstance(plan, HandPlan):
        rows, dropped, calendar = plan.rows, plan.dropped, YearCalendar(instance)
    else:
        assert incumbent is not None, "a model's plan is the values of an incumbent"
        values = incumbent.values
        rows, dropped = read_plan(plan, lambda variable: values[variable.index])
        calendar = plan.calendar
    solution = Solution(instance=instance.name, status=Status.FEASIBLE)
    fill_plan(solution, instance, calendar, rows, dropped)
    return solution


# --- Fair seats, worked out again ----------------------------------------------------------

def targets(instance: Instance, project: Project) -> dict[str, int]:
    """docs/format.md, Objective's target(p, z), worked out here again."""
    weight = Fraction(str(instance.policy.rural_weight))
    pools = {town.id: sum(town.teachers.get(a, 0) for a in project.audiences)
             for town in instance.towns}
    weighed = {town.id: (weight if town.rural else 1) * pools[town.id]
               for town in instance.towns}
    total = sum(weighed.values())
    headcount = int(project.headcount)
    return {town: min(pools[town], math.floor(headcount * weighed[town] / total))
            for town in pools}


def is_school_day(instance: Instance, day: dt.date) -> bool:
    """A working day of mainland China's calendar outside every holiday window."""
    assert instance.calendar.public_holidays == "CN"
    return chinese_calendar.is_workday(day) and not any(
        window.start <= day <= window.end for window in instance.calendar.holiday_windows)


def least_share_of_the_sessions(instance: Instance, solution: Solution) -> int:
    """The smallest `share` of any seating of the plan's sessions as they are (dates, sizes,
    venues): each town within its teachers of the project's audiences (a `to_area` class, of
    its venue's area), the rural quota met, and on each school day each town's teachers away
    at most its cap."""
    model = cp_model.CpModel()
    seats: dict[tuple[str, int, str], cp_model.IntVar] = {}
    away: dict[tuple[dt.date, str], list[cp_model.IntVar]] = defaultdict(list)
    pool = {(project.id, town.id): sum(town.teachers.get(a, 0) for a in project.audiences)
            for project in instance.projects for town in instance.towns}
    for row in sorted(solution.sessions, key=lambda row: row.phase):
        project = instance.project(row.project)
        if row.phase == 1:
            venue = next((v for v in instance.venues if v.id == row.venue), None)
            area = instance.town(venue.town).area_id \
                if project.delivery == "to_area" and venue is not None else None
            for town in instance.towns:  # a to_area class seats its own area's towns only
                most = pool[project.id, town.id] if area in (None, town.area_id) else 0
                seats[row.project, row.session, town.id] = model.new_int_var(
                    0, most, f"seats[{row.project}#{row.session},{town.id}]")
            model.add(sum(seats[row.project, row.session, town.id]
                          for town in instance.towns) == row.size)
        if project.mode.value in ("offline", "blended", "offsite"):
            day = row.start
            while day <= row.end:
                if is_school_day(instance, day):
                    for town in instance.towns:
                        away[day, town.id].append(seats[row.project, row.session, town.id])
                day += dt.timedelta(days=1)
    for (_, town_id), counted in away.items():
        town = instance.town(town_id)
        share = town.max_absence_share if town.max_absence_share is not None \
            else instance.policy.max_absence_share
        cap = math.floor(round(share * sum(town.teachers.values()), 9))
        model.add(sum(counted) <= cap)
    short = []
    for project in instance.projects:
        if project.id in solution.dropped or project.headcount == "all":
            continue
        own = {town.id: sum(var for (p, _, z), var in seats.items()
                            if p == project.id and z == town.id) for town in instance.towns}
        for town in instance.towns:
            model.add(own[town.id] <= pool[project.id, town.id])
        quota = project.rural_quota if project.rural_quota is not None \
            else instance.policy.rural_quota
        model.add(sum(own[town.id] for town in instance.towns if town.rural)
                  >= math.ceil(round(quota * int(project.headcount), 9)))
        for town_id, target in targets(instance, project).items():
            gap = model.new_int_var(0, target, f"short[{project.id},{town_id}]")
            model.add(gap >= target - own[town_id])
            short.append(gap)
    model.minimize(sum(short))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(model) == cp_model.OPTIMAL
    return round(solver.objective_value)


# --- The example plan of the export tests --------------------------------------------------

def tiny_instance() -> dict[str, Any]:
    """Three scheduled projects: p1 in two classes, p2 staged in two phases at two venues,
    p3 online for everyone; p4 (off-site) is dropped."""
    return {
        "schema": "training-instance/1",
        "name": "示例区2024年教师培训计划",
        "year": 2024,
        "calendar": {
            "public_holidays": ["2024-05-01"],
            "holiday_windows": [
                {"name": "寒假", "start": "2024-01-20", "end": "2024-02-25"},
                {"name": "暑假", "start": "2024-07-01", "end": "2024-08-31"},
            ],
        },
        "audiences": [{"id": "primary", "name": "小学教师"}, {"id": "middle", "name": "初中教师"}],
        "towns": [
            {"id": "city", "name": "城区", "teachers": {"primary": 100, "middle": 50}},
            {"id": "rural", "name": "乡镇", "rural": True,
             "teachers": {"primary": 80, "middle": 40}},
        ],
        "venues": [
            {"id": "v1", "name": "区教师进修学校", "town": "city", "capacity": 40},
            {"id": "v2", "name": "乡镇中心校", "town": "rural", "capacity": 40},
        ],
        "trainers": [
            {"id": "t1", "name": "王老师", "topics": ["教学"], "max_days": 30},
            {"id": "t2", "name": "李老师", "topics": ["教学"], "max_days": 30},
            {"id": "t3", "name": "张老师", "topics": ["教学"], "max_days": 30},
        ],
        "projects": [
            {"id": "p1", "name": "骨干教师培训", "audiences": ["primary", "middle"],
             "headcount": 60, "mode": "offline", "days": 3, "sessions": 2,
             "topics": ["教学"], "priority": "mandatory"},
            {"id": "p2", "name": "新教师岗前培训", "audiences": ["primary"], "headcount": 20,
             "mode": "blended", "days": 3, "phases": 2, "topics": ["教学"],
             "priority": "mandatory"},
            {"id": "p3", "name": "师德师风全员培训", "audiences": ["primary", "middle"],
             "headcount": "all", "mode": "online", "days": 1, "trainers_per_session": 0,
             "priority": 5},
            {"id": "p4", "name": "校长外出研修", "audiences": ["middle"], "headcount": 10,
             "mode": "offsite", "days": 5, "priority": 1},
        ],
    }


def tiny_solution() -> Solution:
    """Listed out of order on purpose: the table sorts. p3 starts the same day as p1's second
    class, so project order breaks the tie."""
    rows = [
        ("p3", 1, 1, "2024-04-15", "2024-04-15", None, [], {"city": 150, "rural": 120}),
        ("p1", 2, 1, "2024-04-15", "2024-04-17", "v1", ["t2"], {"city": 18, "rural": 12}),
        ("p2", 1, 2, "2024-07-08", "2024-07-10", "v2", ["t3", "t1"], {"city": 15, "rural": 5}),
        ("p1", 1, 1, "2024-04-08", "2024-04-10", "v1", ["t1", "t2"], {"city": 20, "rural": 10}),
        ("p2", 1, 1, "2024-03-04", "2024-03-06", "v1", ["t1"], {"city": 15, "rural": 5}),
    ]
    return Solution.model_validate({
        "instance": "示例区2024年教师培训计划",
        "status": "OPTIMAL",
        "dropped": ["p4"],
        "sessions": [
            {"project": p, "session": s, "phase": f, "start": start, "end": end, "venue": venue,
             "trainers": trainers, "seats": seats}
            for p, s, f, start, end, venue, trainers, seats in rows
        ],
    })
