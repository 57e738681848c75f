"""One worker gives the same plan for the same instance and seed, run after run, whatever the
process's hash seed (set iteration order); more workers race on the clock and need not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from models import Solution, load_instance
from scheduler.core.validate import validate
from scheduler.search.clock import WALL, WorkClock
from scheduler.search.params import DEFAULT
from scheduler.search.stages import Step, deterministic, plan_stages

INSTANCE = Path(__file__).resolve().parent.parent / "instances" / "2024.json"


def solve_once(out: Path, hash_seed: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "solve", str(INSTANCE), "--workers", "1",
         "--time-limit", "2", "--formats", "csv", "--out", str(out)],
        capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": hash_seed})
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((out / "solution.json").read_text(encoding="utf-8"))


def test_one_worker_gives_the_same_plan_every_time(tmp_path):
    first, second = (solve_once(tmp_path / name, seed) for name, seed in (("a", "1"), ("b", "2")))
    for key in ("status", "objective", "bound", "kpis", "dropped", "sessions"):
        assert first[key] == second[key], key
    assert (tmp_path / "a" / "plan.csv").read_bytes() == (tmp_path / "b" / "plan.csv").read_bytes()
    solution = Solution.model_validate(first)
    assert validate(load_instance(INSTANCE), solution) == []


def test_the_deterministic_stages_leave_out_what_runs_beside_the_search():
    plan = plan_stages(133_614, replanning=False, quick_keeps_mandatory=True, params=DEFAULT)
    assert Step.AWAIT_BOUND in [stage.step for stage in plan.stages]
    steady = deterministic(plan)
    assert [stage.step for stage in steady.stages] == [Step.MOVES]
    assert steady.relaxation_share is None and plan.relaxation_share is not None


def test_on_the_work_clock_a_deadline_is_work_not_seconds():
    clock = WorkClock()
    clock.spend(0.25)
    clock.spend(0.5)
    assert clock.now() == 0.75 and clock.deterministic and not WALL.deterministic
