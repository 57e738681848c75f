"""Following the best plan and bound of a solve, for the planner's progress line, for the
proof that ends the search, and for the result's statistics."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from ortools.sat.python import cp_model

ProgressCallback = Callable[[float, float | None, float | None], None]
"""Called with (seconds so far, best objective so far, best bound so far)."""

Improvement = tuple[float, int]
"""A better plan found: seconds since the solve began, and its objective."""


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
        """When the solve began: the progress and the statistics count from here."""
        self.best: float | None = None
        self.bound: float | None = None
        self.relaxation: ProvenBound | None = None
        """The relaxation being solved beside the search: its bound is shown once solved."""
        self.improvements: list[Improvement] = []
        """Each plan better than every one before it (a step may report one no better)."""

    def seconds(self) -> float:
        """Seconds since the solve began."""
        return time.monotonic() - self.started

    def proven(self) -> bool:
        """Whether the relaxation's bound has reached the best plan: no plan is better."""
        relaxed = self.relaxation.ready() if self.relaxation is not None else None
        return relaxed is not None and self.best is not None and relaxed >= self.best

    def on_solution_callback(self) -> None:
        self.best = self.objective_value
        self._raise_bound(self.best_objective_bound)
        self._report()

    def on_objective(self, objective: int) -> None:
        self.best = objective
        self._report()

    def on_bound(self, bound: float) -> None:
        if self._raise_bound(bound):
            self._report()

    def _report(self) -> None:
        if self.relaxation is not None and (relaxed := self.relaxation.ready()) is not None:
            self._raise_bound(relaxed)
        seconds = self.seconds()
        if self.best is not None and (not self.improvements
                                      or self.best < self.improvements[-1][1]):
            self.improvements.append((seconds, round(self.best)))
        if self.on_progress is not None:
            self.on_progress(seconds, self.best, self.bound)

    def _raise_bound(self, bound: float) -> bool:
        if self.bound is not None and bound <= self.bound:
            return False
        self.bound = bound
        return True
