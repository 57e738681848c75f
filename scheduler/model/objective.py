"""The objective: the weighted sum of docs/format.md, Objective, one function per term; a term
enters only when its weight is positive. A neighbourhood model's terms leave out its fixed
projects' own (`scheduler.model.neighbourhood`); a re-plan adds the price of every change
(`scheduler.model.replanning`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from scheduler.core.hours import shortfall_rows
from scheduler.model.neighbourhood import fixed_intervals
from scheduler.model.towns import term_blocks
from scheduler.model.variables import LinearExpr

if TYPE_CHECKING:
    from scheduler.model.build import TrainingModel


def minimize_objective(built: TrainingModel) -> None:
    """The model minimizes the weighted sum of the terms, and of the stability terms when
    re-planning."""
    weights = built.instance.objective.weights
    builders: dict[str, Callable[[TrainingModel], LinearExpr]] = {
        "dropped": dropped_term,
        "preference": preference_term,
        "share": share_term,
        "rural_venue": rural_venue_term,
        "cost": cost_term,
        "balance": balance_term,
        "hours": hours_term,
        "away_days": away_days_term,
    }
    objective = 0
    for name, build in builders.items():
        weight = getattr(weights, name)
        if weight > 0:
            objective += weight * build(built)
    for name, term in built.replanning.stability_terms(built).items():
        objective += getattr(weights, name) * term
    built.model.minimize(objective)


def dropped_term(built: TrainingModel) -> LinearExpr:
    """Sum of the priority weights of dropped projects."""
    forced = sum(built.instance.project(project_id).drop_weight
                 for project_id in built.unschedulable)
    return forced + sum(
        variables.project.drop_weight * (1 - variables.scheduled)
        for variables in built.projects.values()
        if not variables.project.mandatory
    )


def preference_term(built: TrainingModel) -> LinearExpr:
    """Session days outside the preferred months, read from a table indexed by start day."""
    calendar, model = built.calendar, built.model
    total: list[LinearExpr] = []
    tables: dict[tuple[frozenset[int], int], list[int]] = {}
    for variables, session, phase in built.tasks():
        project = variables.project
        key = (frozenset(project.wanted_months), project.days)
        if key not in tables:
            tables[key] = [
                calendar.days_outside(set(key[0]), day, project.days)
                if day + project.days <= calendar.length else 0
                for day in range(calendar.length)
            ]
        outside = tables[key]
        if not any(outside[day] for day in variables.split.start_days):
            continue
        task = f"{project.id}#{session.session}.{phase.phase}"
        days_out = model.new_int_var(0, project.days, f"days outside preferred[{task}]")
        model.add_element(phase.start, outside, days_out)
        counted = model.new_int_var(0, project.days, f"preference[{task}]")
        model.add(counted >= days_out - project.days * (1 - variables.scheduled))
        total.append(counted)
    return sum(total)


def share_term(built: TrainingModel) -> LinearExpr:
    """Seats short of each town's fair share (`Instance.fair_shares`) of a scheduled
    project: short[p,z] ≥ target(p,z) × scheduled − seats(p,z), short ≥ 0; for a project
    whose seats by town are fixed, their shortfall × scheduled: as variables, they left
    CP-SAT unable to prove a step of that project alone (docs/performance.md)."""
    total: list[LinearExpr] = []
    for variables in built.projects.values():
        project = variables.project
        fair = built.instance.fair_shares(project)
        if project.id in built.seat_totals:
            totals = built.seat_totals[project.id]
            total.append(variables.scheduled * sum(
                max(0, target - totals[town_id]) for town_id, target in fair.items()))
            continue
        for town_id, target in fair.items():
            if target == 0:
                continue
            short = built.model.new_int_var(
                0, target, f"short of share[{project.id},{town_id}]")
            seats = sum(session.seats[town_id] for session in variables.sessions)
            built.model.add(short >= target * variables.scheduled - seats)
            total.append(short)
    return sum(total)


def rural_venue_term(built: TrainingModel) -> LinearExpr:
    """The seats of each session-phase of a `venue_rural: preferred` project held outside a
    rural town."""
    rural_towns = {town.id for town in built.instance.towns if town.rural}
    total: list[LinearExpr] = []
    for variables, session, phase in built.tasks():
        project = variables.project
        if project.venue_rural != "preferred":
            continue
        task = f"{project.id}#{session.session}.{phase.phase}"
        urban_seats = built.model.new_int_var(
            0, variables.split.max_size, f"urban venue seats[{task}]")
        for venue_id, chosen in phase.venues.items():
            if built.venue(venue_id).town not in rural_towns:
                built.model.add(urban_seats >= session.size).only_enforce_if(chosen)
        total.append(urban_seats)
    return sum(total)


def cost_term(built: TrainingModel) -> LinearExpr:
    """Venue cost per day and trainer fees per day over every session day, in yuan."""
    total: list[LinearExpr] = []
    for variables, _, phase in built.tasks():
        days = variables.project.days
        total += [days * built.venue(venue_id).cost_per_day * chosen
                  for venue_id, chosen in phase.venues.items()]
        total += [days * built.trainer(trainer_id).fee_per_day * chosen
                  for trainer_id, chosen in phase.trainers.items()]
    return sum(total)


def away_days_term(built: TrainingModel) -> LinearExpr:
    """The days trainers teach in a venue outside the area they live in: per session-phase
    and trainer with a town, a literal that is exactly "teaches it" and "its venue is in
    another area" (`scheduler.core.kpis` measures the same on a plan)."""
    model = built.model
    homes = built.instance.trainer_areas()
    areas = {town.id: town.area_id for town in built.instance.towns}
    total: list[LinearExpr] = []
    for variables, session, phase in built.tasks():
        for trainer_id, teaches in phase.trainers.items():
            home = homes.get(trainer_id)
            elsewhere = [chosen for venue_id, chosen in phase.venues.items()
                         if home is not None and areas[built.venue(venue_id).town] != home]
            if not elsewhere:
                continue
            away = model.new_bool_var(
                f"away[{variables.project.id}#{session.session}.{phase.phase},{trainer_id}]")
            model.add(away <= teaches)
            model.add(away <= sum(elsewhere))
            model.add(away >= teaches + sum(elsewhere) - 1)
            total.append(variables.project.days * away)
    return sum(total)


def hours_term(built: TrainingModel) -> LinearExpr:
    """The teacher-hours short of the requirement (`scheduler.core.hours.shortfall_rows`): each
    row's required hours less Σ per_seat(p) · seats(p,z) over the projects, the fixed ones'
    seats as constants. A whole row that cannot fall below 0 is the expression itself;
    any other is a variable short ≥ 0 with scale · short ≥ scale · (required − Σ ...) in
    whole numbers (`ShortfallRow.in_whole_numbers`), so short is the row rounded up, never
    below it. `TrainingModel.hours_slack` says by how much the objective may then exceed the
    plan's (the KPI rounds the sum down)."""
    total: list[LinearExpr] = []
    over = 0
    if built.hours_rows is None:
        built.hours_rows = [(row, row.in_whole_numbers())
                            for row in shortfall_rows(built.instance)]
    for row, whole in built.hours_rows:
        earned: list[LinearExpr] = []
        required = whole.required
        for project_id, per_seat in whole.per_seat.items():
            if project_id in built.projects:
                sessions = built.projects[project_id].sessions
                earned.append(per_seat * sum(session.seats[row.town] for session in sessions))
            elif project_id in built.fixed.seats:
                required -= per_seat * built.fixed.seats[project_id].get(row.town, 0)
        if whole.scale == 1 and not row.floored:
            total.append(required - sum(earned))
            continue
        over += whole.over
        name = row.town if row.audience is None else f"{row.town},{row.audience}"
        short = built.model.new_int_var(0, max(0, math.ceil(row.required)),
                                        f"hours short[{name}]")
        built.model.add(whole.scale * short >= required - sum(earned))
        total.append(short)
    built.hours_slack = built.instance.objective.weights.hours * over
    return sum(total)


def balance_term(built: TrainingModel) -> LinearExpr:
    """The most teachers away (offline, blended, off-site seats) on any one school day:
    a cumulative of session sizes under a fixed capacity U, with blocks of (U − balance)
    over the school days, so that load ≤ balance on school days only."""
    model = built.model
    away = [(session, phase) for variables, session, phase in built.tasks()
            if variables.project.mode.takes_teachers_away]
    ceiling = built.fixed.away_headcount + sum(
        variables.split.headcount for variables in built.projects.values()
        if variables.project.mode.takes_teachers_away)
    balance = model.new_int_var(0, ceiling, "balance")
    fixed = [task for task in built.fixed.tasks if task.away]
    if not away and not fixed:
        return balance
    intervals = [phase.interval for _, phase in away] + fixed_intervals(model, "away", fixed)
    demands: list[LinearExpr] = [session.size for session, _ in away]
    demands += [task.size for task in fixed]
    for first, end in term_blocks(built):
        intervals.append(model.new_fixed_size_interval_var(
            first, end - first, f"term[{first}]"))
        demands.append(ceiling - balance)
    model.add_cumulative(intervals, demands, ceiling)
    return balance
