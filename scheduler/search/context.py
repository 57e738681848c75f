"""What the steps of one search share, in one value handed from stage to step: until when it
may run and on which clock, whether to stop, the seed, the tuning, how CP-SAT is run, and whom
to tell of a better plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from scheduler.search.clock import WALL, Clock
from scheduler.search.cpsat import ModelSolver
from scheduler.search.params import DEFAULT, SolveParams


def _never() -> bool:
    return False


@dataclass(frozen=True)
class SearchContext:
    deadline: float
    """When the step must end, of `clock`."""
    solve_model: ModelSolver
    """How the steps solve a model with CP-SAT (`cpsat.model_solver`)."""
    stopped: Callable[[], bool] = _never
    """Whether the search should end now: a stop asked, or its plan proven optimal."""
    seed: int = 0
    params: SolveParams = DEFAULT
    clock: Clock = WALL
    """What `deadline` is of: the wall clock, or the work clock (`clock.WorkClock`)."""
    on_improve: Callable[[int], None] | None = None
    """Told the objective of each better plan (ruin and recreate tells first that of the plan
    it starts from)."""
    stall_after: int | None = None
    """Steps of the neighbourhood search in a row without a better plan after which it ends,
    on a small model (None: never; re-planning hands over to the full search so)."""

    def until(self, deadline: float) -> SearchContext:
        """The same search, to end at `deadline`."""
        return replace(self, deadline=deadline)
