"""The hand method: valid plans, dropped projects when they do not fit, and a property test that
both it and the solver only ever write plans the checker accepts."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import parse_instance
from models.load import load_instance
from scheduler.search.solve import solve, solve_by_hand
from scheduler.validate import validate
from tests.conftest import TINY

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


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_variants())
def test_every_plan_written_passes_the_checker(data):
    instance = parse_instance(data)
    by_hand = solve_by_hand(instance).solution
    for solution in (by_hand, solve(instance, time_limit=5, workers=1).solution):
        assert validate(instance, solution) == [], solution.to_json()
        if solution.status.has_schedule:
            assert not any(instance.project(p).mandatory for p in solution.dropped)
