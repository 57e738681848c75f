"""Venues and trainers anew for a plan whose dates and seats stay: a small 0-1 model.

With every session-phase's days fixed, who teaches it and where is an assignment: a venue hosts
at most one class a day and only on days it is open, and only a class it holds; a trainer
teaches at most one class a day, only on days they are free, at most `max_days` in all; each
class has `trainers_per_session` of them covering every topic. One boolean per (class, venue)
and (class, trainer) and one constraint per busy day say all of it, where the whole model says
it with intervals over the whole calendar. Its objective is only what the choices change: the
cost, and the seats of a `venue_rural: preferred` class in an urban venue.

SCIP solves it, not CP-SAT: an assignment under clique rows is what branch-and-cut is made for.
SCIP proves the cheapest choices in about the time of a step, where CP-SAT finds them only
after many steps' time, unproven (and the whole model with its dates fixed, slower still).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.linear_solver.pywraplp import Variable

from models.instance import Trainer, Venue
from scheduler.model import PhaseVars, ProjectVars, TrainingModel
from scheduler.search.hints import Hint
from scheduler.search.mip import new_scip, solve_mip


@dataclass
class _Class:
    """One scheduled session-phase: its days, size and what it may use on those days."""

    phase: PhaseVars
    variables: ProjectVars
    days: range
    size: int
    venues: list[Venue]
    trainers: list[Trainer]


def reassign(built: TrainingModel, values: Hint, seconds: float,
             stopped: Callable[[], bool] = lambda: False) -> Hint | None:
    """`values`' decisions and seats with every class's venue and trainer choices found anew
    by SCIP within `seconds` or until `stopped` (no worse in cost than theirs: they are its
    first solution), or None if it has none."""
    classes = _classes(built, values)
    solver = new_scip()
    venue_of = {(index, venue.id): solver.BoolVar(f"v{index},{venue.id}")
                for index, each in enumerate(classes) for venue in each.venues}
    trainer_of = {(index, trainer.id): solver.BoolVar(f"t{index},{trainer.id}")
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
            solver.Add(solver.Sum(chosen) == 1)
            for venue, choice in zip(each.venues, chosen, strict=True):
                price = weights.cost * venue.cost_per_day * len(each.days)
                if project.venue_rural == "preferred" and venue.town not in rural_towns:
                    price += weights.rural_venue * each.size
                costs.append(price * choice)
                for day in each.days:
                    venue_days[venue.id, day].append(choice)
        if project.trainer_count:
            team = {trainer.id: trainer_of[index, trainer.id] for trainer in each.trainers}
            solver.Add(solver.Sum(list(team.values())) == project.trainer_count)
            for topic in project.topics:
                solver.Add(solver.Sum([team[trainer.id] for trainer in each.trainers
                                       if topic in trainer.topics]) >= 1)
            for trainer in each.trainers:
                choice = team[trainer.id]
                costs.append(weights.cost * trainer.fee_per_day * len(each.days) * choice)
                trainer_load[trainer.id].append(len(each.days) * choice)
                for day in each.days:
                    trainer_days[trainer.id, day].append(choice)
    for chosen in (*venue_days.values(), *trainer_days.values()):
        if len(chosen) > 1:
            solver.Add(solver.Sum(chosen) <= 1)
    for trainer in built.instance.trainers:
        if trainer_load[trainer.id]:
            solver.Add(solver.Sum(trainer_load[trainer.id]) <= trainer.max_days)
    solver.Minimize(solver.Sum(costs))
    hinted = [(choice, values[classes[index].phase.venues[venue_id].index])
              for (index, venue_id), choice in venue_of.items()]
    hinted += [(choice, values[classes[index].phase.trainers[trainer_id].index])
               for (index, trainer_id), choice in trainer_of.items()]
    solver.SetHint([choice for choice, _ in hinted], [float(value) for _, value in hinted])
    if not solve_mip(solver, seconds, stopped):
        return None
    found = dict(values)
    for index, each in enumerate(classes):
        for venue_id, literal in each.phase.venues.items():
            found[literal.index] = _taken(venue_of.get((index, venue_id)))
        for trainer_id, literal in each.phase.trainers.items():
            found[literal.index] = _taken(trainer_of.get((index, trainer_id)))
    return found


def _taken(choice: Variable | None) -> int:
    return int(choice is not None and choice.solution_value() > 0.5)


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

