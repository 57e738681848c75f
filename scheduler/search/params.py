"""Every threshold, time share and step literal of the search, in one place.

The defaults are what the benchmarks chose; docs/performance.md gives the runs behind each
("The evidence behind the search's choices").
A test or a benchmark passes its own `SolveParams` to `solve` instead of patching modules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SolveParams:
    # Which stages run (`scheduler.search.stages`).
    moves_only_choices: int = 400_000
    """Above this many (session-phase, venue or trainer) pairs the CP-SAT model is not built at
    all: building it would take minutes and gigabytes, and its searches found nothing better than
    ruin and recreate, which then has all the time."""
    search_max_variables: int = 50_000
    """Above this many model variables CP-SAT searches nothing: ruin and recreate has all the
    time, and the model serves the relaxation's bound alone. Beyond it the moves alone ended
    better than the moves followed by the neighbourhood search."""
    whole_model_limit: int = 500_000
    """Above this many model variables no step copies the whole model (a copy takes a minute and
    gigabytes), the seats step and the relaxation are left out, and no full search follows the
    neighbourhood search."""

    # Time shares.
    repair_share: float = 0.8
    """At most this share of the time left goes to ruin and recreate, which stops sooner once
    its moves stall; where CP-SAT searches nothing, all of it."""
    lns_share: float = 0.7
    """The share of the time left that the neighbourhood search gets; the full search then starts
    from its plan, for the rest, to prove a bound (on small instances, the optimum)."""
    relaxation_share: float = 0.8
    """At most this share of the time left goes to the relaxation's bound, solved beside the
    search; nothing waits for it."""

    # The relaxation's stages (`scheduler.search.bound`).
    whole_numbers_max_variables: int = 50_000
    """The relaxation is solved again in whole numbers only up to this many variables: beyond,
    that stage barely raised the bound and took gigabytes."""
    by_day_max_variables: int = 25_000
    """The stage with venues and trainers day by day runs only where the relaxation with the
    variables it adds has at most this many."""

    # Ruin and recreate (`scheduler.search.repair`).
    most_taken_out: int = 6
    """Projects taken out by one move, at most (at least two)."""
    stalled_moves_per_project: int = 5
    """Moves in a row without a better plan, per project, after which the moves stop."""
    move_work: float = 0.001
    """What one move of ruin and recreate counts on the work clock of a deterministic search,
    in CP-SAT's deterministic time."""
    work_per_second: float = 0.2
    """CP-SAT's deterministic time that one core of the reference machine does in a second: a
    deterministic search's time limit is so much work a second."""

    # Neighbourhood steps (`scheduler.search.lns`).
    step_seconds: float = 3.0
    """Time limit of one step: long enough to prove most steps optimal on a district."""
    least_step_seconds: float = 0.2
    """No step starts with less time than this left."""
    quiet_seconds: float = 0.5
    """A step of a few projects that has bettered its start ends once this long has passed
    without a better plan: such steps find their best early and then fail to prove it."""
    probing_steps: bool = False
    """Whether the presolve of a step of a few projects probes its model (it can spend the
    whole step probing the venues' and trainers' no-overlaps)."""
    stalled_steps: int = 12
    """Steps without a better plan after which the search, when re-planning, hands over to the
    full search. Planning afresh the relaxation's bound ends it instead."""
    assign_every: int = 4
    """One turn in this many frees no projects but moves every venue and trainer or every seat;
    the others place a few projects anew."""
    seats_every: int = 8
    """One turn in this many, of those (`assign_every`), moves every venue and trainer; the
    others every seat."""
    grow: float = 1.25
    """How much the number of projects a step frees grows after a step proven within its time."""
    shrink: float = 0.8
    """How much it shrinks after a step not proven."""
    astray_at_least: float = 0.5
    """A project counts as placed otherwise than the relaxation's solution places it where
    what the plan pays for it differs from the relaxation's by more than this."""

    def __post_init__(self) -> None:
        for name in ("repair_share", "lns_share", "relaxation_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must lie in (0, 1], not {getattr(self, name)}")
        if self.grow <= 1 or not 0 < self.shrink < 1:
            raise ValueError("grow must exceed 1 and shrink lie in (0, 1)")


DEFAULT = SolveParams()
