"""Running CP-SAT the way every stage of the search needs: seeded, with the workers the cores
allow, stoppable by the caller's `Stop` and by a proof of optimality, in a thread (`threads`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Protocol

from ortools.sat.python import cp_model

from models.solution import Status
from scheduler.search.clock import WALL, Clock, WorkClock
from scheduler.search.stop import Stop
from scheduler.search.threads import solve_in_thread

STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}

Workers = Callable[[], int]
"""How many workers a CP-SAT solve starting now gets."""


class Relaxation(Protocol):
    """What `search_workers` needs of the relaxation's bound."""

    def running(self) -> bool: ...


class ModelSolver(Protocol):
    """Solves a model within `seconds` (honouring a stop) or, given `quiet`, until that long
    has passed without a better plan once it has bettered its first; without `probing`, its
    presolve does not probe. Returns the solver if it found a plan."""

    def __call__(self, model: cp_model.CpModel, seconds: float, *,
                 quiet: float | None = None, probing: bool = True
                 ) -> cp_model.CpSolver | None: ...


class StopRequest:
    """Why the search should end before its time: the caller's `Stop` set (`requested`), or a
    plan proven optimal by the relaxation's bound (`proven`)."""

    def __init__(self, stop: Stop) -> None:
        self.stop = stop
        self.proven: Callable[[], bool] = lambda: False

    @property
    def requested(self) -> bool:
        return self.stop.is_set()

    def done(self) -> bool:
        return self.requested or self.proven()


def search_workers(asked: int | None, relaxation: Relaxation | None) -> Workers:
    """`asked`, or by default one worker per core, less the core the relaxation's bound takes
    while it is being solved beside the search (the bound came sooner, and the optimum was
    proven sooner, than with every core searching)."""
    cores = os.cpu_count() or 1

    def workers() -> int:
        if asked is not None:
            return asked
        return max(cores - 1, 1) if relaxation is not None and relaxation.running() else cores
    return workers


WALL_SAFETY = 100
"""On the work clock a solve is stopped by the wall clock only past this many seconds per second
of work left: a backstop against a solve that never ends, set far enough above what a second of
work takes on a loaded machine (docs/performance.md) that it never ends a step and changes the
plan."""


def new_solver(deadline: float, seed: int, workers: Workers, clock: Clock = WALL
               ) -> cp_model.CpSolver:
    """A solver that stops at `deadline` of `clock`."""
    solver = cp_model.CpSolver()
    left = max(deadline - clock.now(), 0.05)
    solver.parameters.max_time_in_seconds = left * (WALL_SAFETY if clock.deterministic else 1)
    if isinstance(clock, WorkClock):
        solver.parameters.max_deterministic_time = clock.work_in(left)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers()
    solver.parameters.catch_sigint_signal = False  # the caller's Stop ends every stage
    return solver


def run(solver: cp_model.CpSolver, model: cp_model.CpModel,
        listener: cp_model.CpSolverSolutionCallback | None = None,
        stop: StopRequest | None = None, quiet: float | None = None
        ) -> cp_model.CpSolverStatus:
    """Solve in a thread; stopped once `stop` is asked for while it runs (a solve started
    after the request runs on: the search asks for no more once stopped, and what it still
    asks for turns its plan so far into a result), or says the best plan is proven optimal, or
    (given `quiet`, without a `listener`) once the solve has bettered its first plan and then
    gone `quiet` seconds without a better one."""
    watch = _QuietWatch(quiet) if quiet is not None else None
    asked_before = stop is not None and stop.requested

    def stop_when() -> bool:
        return ((stop is not None and ((stop.requested and not asked_before) or stop.proven()))
                or (watch is not None and watch.gone_quiet()))

    return solve_in_thread(lambda: solver.solve(model, listener or watch), stop_when=stop_when,
                           interrupt=solver.stop_search)


def model_solver(seed: int, workers: Workers, stop: StopRequest, clock: Clock = WALL
                 ) -> ModelSolver:
    """Solves a model like the main search (seed, workers, stop), as `ModelSolver` says; on
    the work clock `seconds` is work, and the quiet watch (which reads the wall clock) is off."""
    def solve_model(model: cp_model.CpModel, seconds: float, *,
                    quiet: float | None = None, probing: bool = True
                    ) -> cp_model.CpSolver | None:
        solver = new_solver(clock.now() + seconds, seed, workers, clock)
        if not probing:
            solver.parameters.cp_model_probing_level = 0
        code = run(solver, model, stop=stop, quiet=None if clock.deterministic else quiet)
        if clock.deterministic:
            clock.spend(solver.response_proto.deterministic_time)
        return solver if STATUS.get(code) in (Status.OPTIMAL, Status.FEASIBLE) else None
    return solve_model


def whole(bound: float) -> int:
    """CP-SAT's bound of an integer objective, as a whole number (rounded up, it stays a bound)."""
    return int(-(-bound // 1))


class _QuietWatch(cp_model.CpSolverSolutionCallback):
    """Whether a solve has bettered its first plan (in a step, most often the incumbent it is
    hinted with) and then gone `seconds` without a better one."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
        self.plans = 0
        self.last = 0.0

    def on_solution_callback(self) -> None:
        self.plans += 1
        self.last = time.monotonic()

    def gone_quiet(self) -> bool:
        return self.plans > 1 and time.monotonic() - self.last > self.seconds
