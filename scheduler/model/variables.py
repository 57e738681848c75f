"""The model's variables, each named after its entity, and a plan read back from their values.

A project that can run has a `scheduled` literal and, per session, a size and a seat count per
town with teachers of its audiences (the same in every phase) and, per phase, a start day and its
interval; the venue and trainer choices are added by their families (`scheduler.model.resources`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from models.solution import SessionPhase

if TYPE_CHECKING:
    from models.instance import Instance, Project
    from scheduler.core.sessions import SessionSplit
    from scheduler.model.build import TrainingModel

IntVar = cp_model.IntVar
LinearExpr = cp_model.LinearExprT


@dataclass
class PhaseVars:
    """One phase of one session: its start day, interval, and the venue and trainer choices."""

    phase: int
    start: IntVar
    interval: cp_model.IntervalVar
    venues: dict[str, IntVar] = field(default_factory=dict)
    trainers: dict[str, IntVar] = field(default_factory=dict)


@dataclass
class SessionVars:
    session: int
    size: IntVar
    seats: dict[str, IntVar]
    phases: list[PhaseVars]


@dataclass
class ProjectVars:
    split: SessionSplit
    scheduled: IntVar
    sessions: list[SessionVars]

    @property
    def project(self) -> Project:
        return self.split.project


def project_variables(model: cp_model.CpModel, instance: Instance, split: SessionSplit,
                      days: list[int]) -> ProjectVars:
    """The variables of a project that can run, its phases starting on one of `days`."""
    project = split.project
    scheduled = model.new_bool_var(f"scheduled[{project.id}]")
    start_domain = cp_model.Domain.from_values(days)
    sessions = []
    for session in range(1, split.count + 1):
        name = f"{project.id}#{session}"
        size = model.new_int_var(0, split.max_size, f"size[{name}]")
        seats = {
            town.id: model.new_int_var(
                0, min(split.max_size, town.pool(project.audiences)), f"seats[{name},{town.id}]"
            )
            for town in instance.towns
            if town.pool(project.audiences) > 0
        }
        phases = []
        for phase in range(1, project.phases + 1):
            task = f"{name}.{phase}"
            start = model.new_int_var_from_domain(start_domain, f"start[{task}]")
            interval = model.new_optional_fixed_size_interval_var(
                start, project.days, scheduled, f"days[{task}]"
            )
            phases.append(PhaseVars(phase, start, interval))
        sessions.append(SessionVars(session, size, seats, phases))
    return ProjectVars(split, scheduled, sessions)


def read_plan(built: TrainingModel, value: Callable[[cp_model.IntVar], int],
              renumber: bool = True) -> tuple[list[SessionPhase], list[str]]:
    """The scheduled session-phases and the dropped projects of an assignment; a project's
    sessions are interchangeable, so they are numbered in order of their first day (第1班 is
    the earliest class), unless `renumber` is off (re-planning: a class keeps the number it
    had in the baseline)."""
    calendar = built.calendar
    rows = []
    for variables in built.projects.values():
        if not value(variables.scheduled):
            continue
        project = variables.project
        sessions = variables.sessions
        if renumber:
            sessions = sorted(sessions, key=lambda session: value(session.phases[0].start))
        for number, session in enumerate(sessions, start=1):
            seats = {town: value(count) for town, count in session.seats.items()}
            for phase in session.phases:
                start = value(phase.start)
                rows.append(SessionPhase(
                    project=project.id,
                    session=number,
                    phase=phase.phase,
                    start=calendar.date(start),
                    end=calendar.date(start + project.days - 1),
                    venue=next((venue for venue, chosen in phase.venues.items()
                                if value(chosen)), None),
                    trainers=[trainer for trainer, chosen in phase.trainers.items()
                              if value(chosen)],
                    seats={town: count for town, count in seats.items() if count > 0},
                ))
    rows.sort(key=lambda row: (row.start, row.project, row.session, row.phase))
    dropped = [project.id for project in built.instance.projects
               if project.id in built.unschedulable
               or not value(built.projects[project.id].scheduled)]
    return rows, dropped
