"""A plan given to CP-SAT as a hint: the values its variables take in that plan.

Used for the hand method's plan (a first plan in milliseconds) and for any earlier solution. A
hint that breaks a rule is only a guide: CP-SAT repairs what it can and searches from there.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from models.solution import SessionPhase
from scheduler.model import TrainingModel

Hint = dict[int, int]
"""Model variable index → value."""


def plan_hint(built: TrainingModel, rows: list[SessionPhase], dropped: list[str]) -> Hint:
    """The values of the model's decision variables in the plan `rows`, exact for a plan of the
    same instance: a project's sessions are matched in order of their first day, as the model
    orders them (a `to_area` project's area by area, in the order of its classes' areas), or by
    number when re-planning (a class keeps its number)."""
    by_session: dict[str, dict[int, dict[int, SessionPhase]]] = defaultdict(
        lambda: defaultdict(dict))
    for row in rows:
        by_session[row.project][row.session][row.phase] = row
    hint: Hint = {}
    calendar = built.calendar
    for project_id, variables in built.projects.items():
        if project_id in dropped:
            hint[variables.scheduled.index] = 0
            continue
        planned = by_session.get(project_id)
        if not planned:
            continue
        hint[variables.scheduled.index] = 1
        classes = list(planned.values())
        if built.replan is None:
            classes.sort(key=_class_order(built, variables.split.areas))
        for session, phases in zip(variables.sessions, classes, strict=False):
            first = next(iter(phases.values()))
            hint[session.size.index] = first.size
            for town, seats in session.seats.items():
                hint[seats.index] = first.seats.get(town, 0)
            for phase in session.phases:
                if phase.phase not in phases:
                    continue
                row = phases[phase.phase]
                hint[phase.start.index] = calendar.day(row.start)
                for venue, chosen in phase.venues.items():
                    hint[chosen.index] = int(venue == row.venue)
                for trainer, chosen in phase.trainers.items():
                    hint[chosen.index] = int(trainer in row.trainers)
    return hint


def _class_order(built: TrainingModel, areas: tuple[str, ...]):
    """How a plan's classes of one project line up with the model's: by first day, and of a
    `to_area` project first by the place of their venue's area among its classes' areas."""
    if not areas:
        return lambda phases: phases[min(phases)].start
    area_of = {venue.id: built.instance.town(venue.town).area_id
               for venue in built.instance.venues}
    rank = {area: index for index, area in enumerate(dict.fromkeys(areas))}

    def order(phases: dict[int, SessionPhase]) -> tuple[int, object]:
        first = phases[min(phases)]
        return rank.get(area_of.get(first.venue or "", ""), len(rank)), first.start
    return order


def set_hint(model: cp_model.CpModel, hint: Hint) -> None:
    """Replace the model's hint by `hint`."""
    model.clear_hints()
    for index, value in hint.items():
        model.add_hint(model.get_int_var_from_proto_index(index), value)
