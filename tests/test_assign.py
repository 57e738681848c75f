"""Venues and trainers anew for fixed dates and seats: the cheapest free ones, every rule kept,
and the objective reported that the plan really has."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from models import load_instance, parse_instance
from models.solution import SessionPhase
from scheduler.core.validate import validate
from scheduler.model import TrainingModel, read_plan
from scheduler.search import lns
from scheduler.search.hints import plan_hint
from tests.helpers import as_solution, hand_incumbent, solve_model

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


def test_each_class_gets_the_cheapest_venue_and_trainers_free_on_its_days(tiny):
    # p1 on 1 March and p2 on 4 March, both in the hall (100 yuan) with t2 (2,000 yuan). The
    # room (10 yuan) holds 40 and t1 (1,000 yuan) teaches A, but t1 is away on 4 March.
    tiny["trainers"][0]["unavailable"] = [{"start": "2024-03-04", "end": "2024-03-04"}]
    tiny["projects"].append({**tiny["projects"][0], "id": "p2"})
    instance = parse_instance(tiny)
    built = TrainingModel(instance)
    rows = [SessionPhase(project=project, session=1, phase=1, start=day, end=day, venue="hall",
                         trainers=["t2"], seats={"r": 40})
            for project, day in (("p1", dt.date(2024, 3, 1)), ("p2", dt.date(2024, 3, 4)))]
    incumbent = lns.complete_plan(built, plan_hint(built, rows, []), solve_model, 5.0)
    assert incumbent is not None
    step = lns.assign_step(built, incumbent, solve_model, 5.0)
    assert step is not None
    plan, _ = step
    found, _ = read_plan(built, lambda variable: plan.values[variable.index])
    assert [(row.project, str(row.start), row.venue, row.trainers) for row in found] == [
        ("p1", "2024-03-01", "room", ["t1"]), ("p2", "2024-03-04", "room", ["t2"])]
    assert plan.objective == incumbent.objective - 2 * 90 - 1_000
    assert validate(instance, as_solution(instance, built, plan)) == []


def test_on_anshan_it_lowers_the_cost_of_the_hand_plan_and_keeps_every_rule():
    instance = load_instance(INSTANCES / "anshan-2022.json")
    built, incumbent = hand_incumbent(instance)
    step = lns.assign_step(built, incumbent, solve_model, 10.0)
    assert step is not None
    plan, _ = step
    solution = as_solution(instance, built, plan)
    assert validate(instance, solution) == []
    assert solution.objective == plan.objective < incumbent.objective
    before = as_solution(instance, built, incumbent)
    assert solution.sessions == [row.model_copy(update={"venue": new.venue,
                                                        "trainers": new.trainers})
                                 for row, new in zip(before.sessions, solution.sessions,
                                                     strict=True)]


def test_the_cheapest_assignment_may_change_every_class_at_once(tiny):
    # Both on 1 March: p1 (topic A) taught by t3 (1,500), p2 (topic B) by t2 (2,000). The
    # cheapest: p1 by t1 (1,000), which frees t3 for p2, 1,000 yuan less in all.
    tiny["trainers"].append({"id": "t3", "name": "王老师", "topics": ["A", "B"],
                             "max_days": 30, "fee_per_day": 1500})
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "topics": ["B"]})
    instance = parse_instance(tiny)
    built = TrainingModel(instance)
    day = dt.date(2024, 3, 1)
    rows = [SessionPhase(project="p1", session=1, phase=1, start=day, end=day, venue="hall",
                         trainers=["t3"], seats={"c": 20, "r": 20}),
            SessionPhase(project="p2", session=1, phase=1, start=day, end=day, venue="room",
                         trainers=["t2"], seats={"r": 40})]
    incumbent = lns.complete_plan(built, plan_hint(built, rows, []), solve_model, 5.0)
    assert incumbent is not None
    step = lns.assign_step(built, incumbent, solve_model, 5.0)
    assert step is not None
    found, _ = read_plan(built, lambda variable: step[0].values[variable.index])
    assert [(row.project, row.trainers) for row in found] == [("p1", ["t1"]), ("p2", ["t3"])]
    assert step[0].objective == incumbent.objective - 1_000
    assert validate(instance, as_solution(instance, built, step[0])) == []


def test_stopped_at_once_the_step_keeps_at_least_the_plan_it_started_from():
    instance = load_instance(INSTANCES / "anshan-2022.json")
    built, incumbent = hand_incumbent(instance)
    started = time.monotonic()
    step = lns.assign_step(built, incumbent, solve_model, 600.0, stopped=lambda: True)
    assert time.monotonic() - started < 60
    assert step is not None
    plan, _ = step
    solution = as_solution(instance, built, plan)
    assert validate(instance, solution) == []
    assert solution.objective == plan.objective <= incumbent.objective
