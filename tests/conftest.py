"""Shared fixtures: a tiny instance to mutate per test, and solve-then-validate."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from models import Instance, Solution, load_instance, parse_instance
from scheduler.search.solve import SolveResult, solve
from scheduler.validate import validate

# The tiny world of the constraint tests (year 2024, mainland China's statutory calendar):
# one audience, an urban town `c` and a rural town `r` with 100 primary teachers each,
# a 100-seat hall in `c` at 100 yuan a day and a 40-seat room in `r` at 10 yuan a day,
# trainer t1 (topic A, 1000 yuan a day) and t2 (topics A and B, 2000 yuan a day).
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
}


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def instance() -> Instance:
    """instances/2024.json, for tests that read a real plan (a module may define its own)."""
    return load_instance(ROOT / "instances" / "2024.json")


@pytest.fixture(scope="session")
def solution() -> Solution:
    """The optimal plan of instances/2024.json, kept in tests/data so no test solves for it."""
    return Solution.model_validate_json(
        (ROOT / "tests" / "data" / "2024-solution.json").read_text(encoding="utf-8"))


@pytest.fixture
def tiny() -> dict[str, Any]:
    return copy.deepcopy(TINY)


@pytest.fixture
def without_chinese_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """No font draws Chinese, not even the shipped one; the warning that says so not yet given."""
    from scheduler.export import fonts, gantt

    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    gantt.warn_without_chinese_font.cache_clear()


def need(program: str) -> str:
    """The program's path; skipped where it is missing, except in CI, which must have it."""
    path = shutil.which(program)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{program} is not installed; .ci/run installs it")
        pytest.skip(f"{program} is not installed")
    return path


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
