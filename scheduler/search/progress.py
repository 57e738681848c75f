"""Following the best plan and bound of a solve, for the planner's progress line and for the
proof that ends the search."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from ortools.sat.python import cp_model

from scheduler.search.lns import Incumbent

ProgressCallback = Callable[[float, float | None, float | None], None]
"""Called with (seconds so far, best objective so far, best bound so far)."""


class ProvenBound(Protocol):
    """What the listener needs of the relaxation's bound."""

    def ready(self) -> int | None: ...


class ProgressListener(cp_model.CpSolverSolutionCallback):
    """Follows the best plan and bound, and reports each better one to `on_progress` (if
    given); the bound (the relaxation's, then CP-SAT's) only ever rises."""

    def __init__(self, on_progress: ProgressCallback | None):
        super().__init__()
        self.on_progress = on_progress
        self.started = time.monotonic()
        self.best: float | None = None
        self.bound: float | None = None
        self.relaxation: ProvenBound | None = None
        """The relaxation being solved beside the search: its bound is shown once solved."""

    def proven(self) -> bool:
        """Whether the relaxation's bound has reached the best plan: no plan is better."""
        relaxed = self.relaxation.ready() if self.relaxation is not None else None
        return relaxed is not None and self.best is not None and relaxed >= self.best

    def on_solution_callback(self) -> None:
        self.best = self.objective_value
        self._raise_bound(self.best_objective_bound)
        self._report()

    def on_incumbent(self, incumbent: Incumbent) -> None:
        self.on_objective(incumbent.objective)

    def on_objective(self, objective: int) -> None:
        self.best = objective
        self._report()

    def on_bound(self, bound: float) -> None:
        if self._raise_bound(bound):
            self._report()

    def _report(self) -> None:
        if self.relaxation is not None and (relaxed := self.relaxation.ready()) is not None:
            self._raise_bound(relaxed)
        if self.on_progress is not None:
            self.on_progress(time.monotonic() - self.started, self.best, self.bound)

    def _raise_bound(self, bound: float) -> bool:
        if self.bound is not None and bound <= self.bound:
            return False
        self.bound = bound
        return True
