"""A random valid small instance always gives a plan the checker accepts, or a named reason:
every project dropped says why, and a plan that cannot exist is explained by the rules or the
findings that forbid it."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import parse_instance
from models.solution import Status
from scheduler.analysis.no_plan import explain
from scheduler.core.validate import validate
from scheduler.search.solve import solve
from tests.helpers import TINY, tiny_variants


@st.composite
def small_worlds(draw: st.DrawFn) -> dict:
    """The tiny world's variants with a second project, after the first or not, and the towns'
    caps, the venues' and the trainers' limits drawn too; half of them with 学时 required."""
    data = draw(tiny_variants())
    second = copy.deepcopy(TINY["projects"][0]) | {
        "id": "p2", "name": "培训二",
        "headcount": draw(st.integers(1, 200)),
        "mode": draw(st.sampled_from(["offline", "online", "offsite"])),
        "days": draw(st.integers(1, 4)),
        "months": sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=4))),
        "priority": draw(st.sampled_from(["mandatory", 1, 5])),
        "trainers_per_session": draw(st.integers(0, 2)),
        "topics": draw(st.sampled_from([["A"], ["B"], ["A", "B"]])),
    }
    if draw(st.booleans()):
        second["after"] = ["p1"]
    if draw(st.booleans()):
        second["venue_rural"] = draw(st.sampled_from(["required", "preferred"]))
    if draw(st.booleans()):
        # 学时: a second audience the second project shares (its seats then earn each audience
        # a fraction of a town's pool), hours of its own, and a requirement that some plans
        # meet and others not.
        data["audiences"].append({"id": "jun", "name": "初中教师"})
        for town in data["towns"]:
            town["teachers"]["jun"] = draw(st.integers(100, 150))  # ≥ the headcount, 200
        second["audiences"] = draw(st.sampled_from([["jun"], ["pri", "jun"]]))
        second["hours"] = draw(st.sampled_from([0, 7.5, 24]))
        data["policy"]["hours_per_day"] = draw(st.sampled_from([6, 8]))
        data["policy"]["required_hours"] = draw(st.sampled_from(
            [4, 30, {"jun": 12}, {"pri": 2.5, "jun": 40}]))
    data["projects"].append(second)
    data["towns"][1]["max_absence_share"] = draw(st.sampled_from([0.05, 0.2, 1.0]))
    data["venues"][1]["capacity"] = draw(st.integers(10, 120))
    data["trainers"][1]["max_days"] = draw(st.integers(0, 20))
    return data


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(small_worlds())
def test_a_small_world_gives_a_valid_plan_or_a_named_reason(data):
    instance = parse_instance(data)
    result = solve(instance, time_limit=5, workers=1)
    solution = result.solution
    if solution.status.has_schedule:
        assert validate(instance, solution) == [], solution.to_json()
        for project_id in solution.dropped:
            assert not instance.project(project_id).mandatory
        return
    assert solution.status is Status.INFEASIBLE, solution.status
    explanation = explain(instance, time_limit=10, workers=1)
    assert explanation.status == "infeasible"
    assert explanation.findings or explanation.conflict, explanation.to_text()
