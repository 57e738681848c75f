"""The shipped instances load, solve and validate, and keep every project."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import load_instance
from scheduler.core.validate import validate
from scheduler.search.solve import solve

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


@pytest.mark.parametrize(("name", "time_limit"), [("2024", 30.0), ("qianjiang-2022", 40.0)])
def test_shipped_instance_solves_to_a_valid_plan(name: str, time_limit: float):
    instance = load_instance(INSTANCES / f"{name}.json")
    solution = solve(instance, time_limit=time_limit).solution
    assert solution.status.has_schedule
    assert validate(instance, solution) == []
    assert solution.dropped == []
    assert solution.objective is not None and solution.bound is not None
    assert solution.bound <= solution.objective

