"""Where some classes may go, added to a built model: what `scheduler.analysis.alternatives` asks of
a re-plan ("run it", "in April", "in that hall", "not where it was found before")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scheduler.model.variables import PhaseVars

if TYPE_CHECKING:
    from scheduler.model.build import TrainingModel

Placement = Sequence[tuple[int, str | None]]
"""For each of some session-phases: its start day and venue (None: it has none)."""


def require_scheduled(built: TrainingModel, project_id: str) -> None:
    """The project runs."""
    built.model.add(built.projects[project_id].scheduled == 1)


def within_days(built: TrainingModel, phase: PhaseVars, days: int, first: int,
                last: int) -> None:
    """Every one of the phase's `days` days falls from day `first` to day `last`."""
    built.model.add(phase.start >= first)
    built.model.add(phase.start + days - 1 <= last)


def at_venue(built: TrainingModel, phase: PhaseVars, venue: str) -> None:
    """The phase is held at the venue (one of `phase.venues`)."""
    built.model.add(phase.venues[venue] == 1)


def forbid(built: TrainingModel, phases: Sequence[PhaseVars], placement: Placement) -> None:
    """No plan may put the session-phases at this placement again."""
    model = built.model
    same = []
    for phase, (start, venue) in zip(phases, placement, strict=True):
        on_day = model.new_bool_var("")
        model.add(phase.start == start).only_enforce_if(on_day)
        model.add(phase.start != start).only_enforce_if(~on_day)
        same.append(on_day)
        if venue is not None:
            same.append(phase.venues[venue])
    model.add_bool_or([~literal for literal in same])
