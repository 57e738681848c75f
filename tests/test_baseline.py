"""The hand method: valid plans, dropped projects when they do not fit, and a property test that
both it and the solver only ever write plans the checker accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from models import parse_instance
from models.load import load_instance
from scheduler.core.validate import validate
from scheduler.search.solve import solve, solve_by_hand
from tests.helpers import tiny_variants

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


def test_first_dates_first_venue_first_trainer(tiny):
    # 40 teachers: the hall comes first in the venue list, t1 first among trainers, and the
    # first allowed day of March is Friday 1 March. Seats follow the pools: 20 and 20.
    solution = solve_by_hand(parse_instance(tiny)).solution
    (row,) = solution.sessions
    assert (str(row.start), row.venue, row.trainers) == ("2024-03-01", "hall", ["t1"])
    assert row.seats == {"c": 20, "r": 20}
    assert validate(parse_instance(tiny), solution) == []


def test_rural_quota_is_met_first(tiny):
    tiny["projects"][0]["rural_quota"] = 0.75
    (row,) = solve_by_hand(parse_instance(tiny)).solution.sessions
    assert row.seats == {"c": 10, "r": 30}


def test_a_project_that_does_not_fit_is_dropped(tiny):
    # Only 15 March is free and t2 is away: t1 teaches p1, and p2 finds no trainer.
    tiny["calendar"]["blackouts"] = [
        {"name": "考试", "start": "2024-03-01", "end": "2024-03-14", "audiences": ["pri"]},
        {"name": "考试", "start": "2024-03-16", "end": "2024-03-31", "audiences": ["pri"]},
    ]
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "priority": 2})
    instance = parse_instance(tiny)
    solution = solve_by_hand(instance).solution
    assert solution.dropped == ["p2"] and solution.kpis["dropped"] == 2
    assert validate(instance, solution) == []


def test_no_plan_when_a_mandatory_project_does_not_fit(tiny):
    tiny["trainers"][0]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    assert solve_by_hand(parse_instance(tiny)).solution.status.value == "UNKNOWN"


@pytest.mark.parametrize("name", ["2024", "qianjiang-2022"])
def test_hand_method_on_the_shipped_instances(name):
    instance = load_instance(INSTANCES / f"{name}.json")
    solution = solve_by_hand(instance).solution
    assert solution.status.value == "FEASIBLE" and solution.dropped == []
    assert validate(instance, solution) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_variants())
def test_every_plan_written_passes_the_checker(data):
    instance = parse_instance(data)
    by_hand = solve_by_hand(instance).solution
    for solution in (by_hand, solve(instance, time_limit=5, workers=1).solution):
        assert validate(instance, solution) == [], solution.to_json()
        if solution.status.has_schedule:
            assert not any(instance.project(p).mandatory for p in solution.dropped)
