"""Stopping as a value: a `Stop` set from another thread ends a solve with its best plan, a
limit on the work clock gives the same plan every time, the library binds no signal, and the
result says what each stage did."""

from __future__ import annotations

import itertools
import signal
import threading
import time
from pathlib import Path

import pytest

from models import load_instance
from scheduler.core.validate import validate
from scheduler.search.solve import solve
from scheduler.search.stop import Stop

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


def test_a_stop_set_from_another_thread_ends_the_solve_with_a_valid_plan():
    # m100 searches for minutes: the stop, set 3 s in, ends it.
    instance = load_instance(INSTANCES / "generated" / "m100.json")
    stop = Stop(time_limit=120)
    threading.Timer(3, stop.set).start()
    started = time.monotonic()
    result = solve(instance, stop=stop, workers=2)
    assert time.monotonic() - started < 30
    assert result.interrupted and result.status.has_schedule
    assert validate(instance, result.solution) == []


def test_a_limit_on_the_work_clock_gives_the_same_plan_and_records_its_stages(instance):
    first, second = (solve(instance, stop=Stop(time_limit=2, deterministic=True))
                     for _ in range(2))
    assert first.solution.sessions == second.solution.sessions
    assert first.objective == second.objective and not first.interrupted
    stages = first.stages
    assert stages and [stage.step for stage in stages] == [stage.step for stage in second.stages]
    for earlier, later in itertools.pairwise(stages):
        assert earlier.started <= earlier.ended <= later.started <= later.ended
    assert stages[-1].objective == first.objective
    assert first.improvements and first.improvements[-1][1] == first.objective
    assert first.first_plan_seconds is not None and first.best_plan_seconds is not None
    assert first.first_plan_seconds <= first.best_plan_seconds <= stages[-1].ended


def test_solving_binds_no_signal(instance):
    bound = (signal.SIGINT, signal.SIGTERM)
    before = [signal.getsignal(number) for number in bound]
    during = []
    solve(instance, time_limit=2, workers=1,
          on_progress=lambda *_: during.append([signal.getsignal(number) for number in bound]))
    assert during and all(handlers == before for handlers in during)
    assert [signal.getsignal(number) for number in bound] == before


def test_a_stop_and_a_time_limit_together_are_refused(instance):
    with pytest.raises(ValueError, match="not both"):
        solve(instance, stop=Stop(), time_limit=5)
