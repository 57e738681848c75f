"""A neighbourhood model (`scheduler.search.lns`): variables only for a few free projects, the
others kept where they are as constants (`FixedPart`).

A model of a few free projects is then small, however large the instance. Each family that a
fixed project shares with the free ones reads it from `TrainingModel.fixed`: its session-phases
as fixed intervals at their venues, with their trainers and, where they take teachers away, in
their towns' absence caps and the balance; the days they take from `max_days`; its seats in the
teacher-hours; `after` against its dates (`precedence_with_fixed`). The whole model's `fixed` is
empty, so there these add nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from models.instance import Project

if TYPE_CHECKING:
    from scheduler.model.build import TrainingModel


@dataclass(frozen=True)
class FixedTask:
    """A session-phase kept where it is in a neighbourhood model (`FixedPart`): what it takes
    of the venues, trainers, towns' absence caps and the balance, as constants."""

    start: int
    days: int
    venue: str | None
    trainers: tuple[str, ...]
    seats: dict[str, int]
    size: int
    away: bool
    project: str = ""


@dataclass
class FixedPart:
    """The projects a neighbourhood model keeps where they are, without variables: for each,
    its first day and the day after its last (None if dropped), for `after`; and its
    session-phases. A model of a few free projects is then small, however large the instance."""

    spans: dict[str, tuple[int, int] | None]
    tasks: list[FixedTask]
    away_headcount: int = 0
    """The teachers the fixed projects that take teachers away seat: the balance's ceiling."""
    seats: dict[str, dict[str, int]] = field(default_factory=dict)
    """Each scheduled fixed project's seats by town over all its sessions: the hours they
    offer (`scheduler.model.objective.hours_term`)."""
    by_owner: dict[tuple[str, str], list[FixedTask]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_owner = defaultdict(list)
        for task in self.tasks:
            owners = [("trainer", trainer) for trainer in task.trainers]
            owners += [("venue", task.venue)] if task.venue is not None else []
            owners += [("town", town) for town in task.seats] if task.away else []
            for owner in owners:
                self.by_owner[owner].append(task)

    def of(self, kind: str, owner: str) -> list[FixedTask]:
        """The fixed session-phases held at a venue, taught by a trainer or, for a town, the
        away ones it sends teachers to."""
        return self.by_owner.get((kind, owner), [])


def fixed_intervals(model: cp_model.CpModel, owner: str,
                    tasks: list[FixedTask]) -> list[cp_model.IntervalVar]:
    return [model.new_fixed_size_interval_var(task.start, task.days, f"{owner} fixed[{task.start}]")
            for task in tasks]


def precedence_with_fixed(built: TrainingModel) -> None:
    """`after` between a free project and a fixed one that runs: the free one starts after
    the fixed one's last day, or ends before its first."""
    followers: dict[str, list[Project]] = {}
    for later in built.instance.projects:
        for earlier_id in later.after:
            followers.setdefault(earlier_id, []).append(later)
    for variables in built.projects.values():
        project = variables.project
        for earlier_id in project.after:
            if (span := built.fixed.spans.get(earlier_id)) is not None:
                for session in variables.sessions:
                    built.model.add(session.phases[0].start >= span[1]
                                    ).only_enforce_if(variables.scheduled)
        for later in followers.get(project.id, []):
            if span := built.fixed.spans.get(later.id):
                for session in variables.sessions:
                    built.model.add(session.phases[-1].start + project.days <= span[0]
                                    ).only_enforce_if(variables.scheduled)
