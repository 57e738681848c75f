"""Venues and trainers anew for a plan whose dates and seats stay: a small 0-1 model.

With every session-phase's days fixed, who teaches it and where is an assignment: a venue hosts
at most one class a day and only on days it is open, and only a class it holds; a trainer
teaches at most one class a day, only on days they are free, at most `max_days` in all; each
class has `trainers_per_session` of them covering every topic. One boolean per (class, venue)
and (class, trainer) and one constraint per busy day say all of it, where the whole model says
it with intervals over the whole calendar. Its objective is only what the choices change: the
cost, and the seats of a `venue_rural: preferred` class in an urban venue. On the generated M
instance the whole model with its dates fixed took 120 s to go from 586,200 to 558,200; this
model took the seat-aware plan from 586,800 to 570,100 in one 3 s step. On L (993 classes) it
finds nothing better within 3 s: there the seat-aware plan's choices stand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from models.instance import Trainer, Venue
from scheduler.hints import Hint
from scheduler.model import PhaseVars, ProjectVars, TrainingModel


@dataclass
class _Class:
    """One scheduled session-phase: its days, size and what it may use on those days."""

    phase: PhaseVars
    variables: ProjectVars
    days: range
    size: int
    venues: list[Venue]
    trainers: list[Trainer]


def reassign(built: TrainingModel, values: Hint,
             solve_model: Callable[[cp_model.CpModel, float], cp_model.CpSolver | None],
             seconds: float) -> Hint | None:
    """`values`' decisions and seats with every class's venue and trainer choices found anew
    (no worse in cost than theirs: they are the hint), or None if the solve found nothing."""
    classes = _classes(built, values)
    model = cp_model.CpModel()
    venue_of = {(index, venue.id): model.new_bool_var(f"v{index},{venue.id}")
                for index, each in enumerate(classes) for venue in each.venues}
    trainer_of = {(index, trainer.id): model.new_bool_var(f"t{index},{trainer.id}")
                  for index, each in enumerate(classes) for trainer in each.trainers}
    weights = built.instance.objective.weights
    rural_towns = {town.id for town in built.instance.towns if town.rural}
    costs = []
    venue_days: dict[tuple[str, int], list] = defaultdict(list)
    trainer_days: dict[tuple[str, int], list] = defaultdict(list)
    trainer_load: dict[str, list] = defaultdict(list)
    for index, each in enumerate(classes):
        project = each.variables.project
        if project.mode.uses_venue:
            chosen = [venue_of[index, venue.id] for venue in each.venues]
            model.add_exactly_one(chosen)
            for venue, choice in zip(each.venues, chosen, strict=True):
                price = weights.cost * venue.cost_per_day * len(each.days)
                if project.venue_rural == "preferred" and venue.town not in rural_towns:
                    price += weights.rural * each.size
                costs.append(price * choice)
                for day in each.days:
                    venue_days[venue.id, day].append(choice)
        if project.trainer_count:
            team = {trainer.id: trainer_of[index, trainer.id] for trainer in each.trainers}
            model.add(sum(team.values()) == project.trainer_count)
            for topic in project.topics:
                model.add(sum(team[trainer.id] for trainer in each.trainers
                              if topic in trainer.topics) >= 1)
            for trainer in each.trainers:
                choice = team[trainer.id]
                costs.append(weights.cost * trainer.fee_per_day * len(each.days) * choice)
                trainer_load[trainer.id].append(len(each.days) * choice)
                for day in each.days:
                    trainer_days[trainer.id, day].append(choice)
    for chosen in (*venue_days.values(), *trainer_days.values()):
        if len(chosen) > 1:
            model.add_at_most_one(chosen)
    for trainer in built.instance.trainers:
        if trainer_load[trainer.id]:
            model.add(sum(trainer_load[trainer.id]) <= trainer.max_days)
    model.minimize(sum(costs))
    for (index, venue_id), choice in venue_of.items():
        model.add_hint(choice, values[classes[index].phase.venues[venue_id].index])
    for (index, trainer_id), choice in trainer_of.items():
        model.add_hint(choice, values[classes[index].phase.trainers[trainer_id].index])
    solver = solve_model(model, seconds)
    if solver is None:
        return None
    found = dict(values)
    for index, each in enumerate(classes):
        for venue_id, literal in each.phase.venues.items():
            found[literal.index] = int((index, venue_id) in venue_of
                                       and solver.value(venue_of[index, venue_id]))
        for trainer_id, literal in each.phase.trainers.items():
            found[literal.index] = int((index, trainer_id) in trainer_of
                                       and solver.value(trainer_of[index, trainer_id]))
    return found


def _classes(built: TrainingModel, values: Hint) -> list[_Class]:
    """Every scheduled session-phase, with the venues that hold it and the trainers who may
    teach it, each free on all its days."""
    calendar = built.calendar
    closed = {venue.id: calendar.blocked_days(None, venue.unavailable)
              for venue in built.instance.venues}
    away = {trainer.id: calendar.blocked_days(trainer.available, trainer.unavailable)
            for trainer in built.instance.trainers}
    classes = []
    for variables in built.projects.values():
        if not values[variables.scheduled.index]:
            continue
        split = variables.split
        for session in variables.sessions:
            size = values[session.size.index]
            for phase in session.phases:
                start = values[phase.start.index]
                days = range(start, start + split.project.days)
                classes.append(_Class(
                    phase, variables, days, size,
                    venues=[venue for venue in split.venues if venue.id in phase.venues
                            and venue.capacity >= size and closed[venue.id].isdisjoint(days)],
                    trainers=[trainer for trainer in split.trainers
                              if trainer.id in phase.trainers
                              and away[trainer.id].isdisjoint(days)]))
    return classes

