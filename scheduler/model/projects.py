"""The constraint families of a project's own rules: whether it runs, its classes' sizes and
seats, their order, the rural quota, the gaps between phases, spread and `after`."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.core.calendar import spread_groups
from scheduler.core.rules import Rule
from scheduler.model.neighbourhood import precedence_with_fixed
from scheduler.model.variables import ProjectVars

if TYPE_CHECKING:
    from scheduler.model.build import TrainingModel


def mandatory_projects(built: TrainingModel) -> None:
    """A mandatory project is scheduled; any other may be dropped whole at its priority."""
    for variables in built.projects.values():
        project = variables.project
        if project.mandatory:
            built.model.add(variables.scheduled == 1).only_enforce_if(built.guard(
                Rule.MANDATORY_DROPPED, (project.id,)))


def session_sizes_and_seats(built: TrainingModel) -> None:
    """Each session seats at least its least class size (`SessionSplit.min_size`), at most
    its size limit, a `to_area` class only from the towns of its area; its seats sum over
    towns to its size; the sessions seat the headcount exactly; a town's seats over all
    sessions stay within its teachers of the project's audiences (each trained once)."""
    model = built.model
    for variables in built.projects.values():
        project, scheduled = variables.project, variables.scheduled
        sizes = [session.size for session in variables.sessions]
        model.add(sum(sizes) == variables.split.headcount * scheduled)
        split = variables.split
        for session in variables.sessions:
            model.add(session.size >= split.min_size * scheduled)
            model.add(sum(session.seats.values()) == session.size)
            if split.areas:  # 送教下乡: a class seats only its own area's towns
                area = split.areas[session.session - 1]
                for town_id, seats in session.seats.items():
                    if split.areas_of_towns[town_id] != area:
                        model.add(seats == 0)
        totals = built.seat_totals.get(project.id, {})
        for town in built.instance.towns:
            pool = town.pool(project.audiences)
            if pool == 0:
                continue
            town_seats = sum(session.seats[town.id] for session in variables.sessions)
            if project.headcount == "all":
                model.add(town_seats == pool * scheduled)
            elif town.id in totals:
                model.add(town_seats == totals[town.id] * scheduled)
            else:
                model.add(town_seats <= pool)


def sessions_in_date_order(built: TrainingModel) -> None:
    """A project's classes are interchangeable, so class k+1 starts no earlier than class
    k: one plan, not one per order of its classes (of a `to_area` project, the classes of
    one area). Not when re-planning: a class keeps its number from the baseline."""
    if not built.replanning.classes_by_date:
        return
    for variables in built.projects.values():
        areas = variables.split.areas
        for earlier, later in pairwise(variables.sessions):
            if not areas or areas[earlier.session - 1] == areas[later.session - 1]:
                built.model.add(earlier.phases[0].start <= later.phases[0].start)


def rural_quota(built: TrainingModel) -> None:
    """rural seats ≥ ceil(quota × headcount) for a scheduled project (none for "all")."""
    for variables in built.projects.values():
        project = variables.project
        required = built.instance.rural_quota_seats(project)
        if required > 0:
            built.model.add(
                _rural_seats(built, variables) >= required * variables.scheduled
            ).only_enforce_if(built.guard(Rule.RURAL_QUOTA, (project.id,)))


def phase_order(built: TrainingModel) -> None:
    """Phase k+1 starts at least `min_gap_days` whole days after phase k ends (in explain
    mode, after it ends always, and the gap as its own group)."""
    for variables in built.projects.values():
        project = variables.project
        gap_guard = built.guard(Rule.PHASE_GAP, (project.id,)) \
            if project.min_gap_days and project.phases > 1 else []
        for session in variables.sessions:
            for earlier, later in pairwise(session.phases):
                if gap_guard:
                    built.model.add(later.start >= earlier.start + project.days
                                    ).only_enforce_if(variables.scheduled)
                built.model.add(
                    later.start >= earlier.start + project.days + project.min_gap_days
                ).only_enforce_if([variables.scheduled, *gap_guard])


def spread(built: TrainingModel) -> None:
    """A spread project's session-phase starts, in date order, fall one in each of as many
    groups of its allowed start days (`spread_groups`). Where the date order of its starts
    is known (one class, whose phases are in order; or interchangeable classes of one
    phase, in date order when planning afresh) the k-th start lies in the k-th group;
    otherwise each start takes one group and each group one start."""
    model = built.model
    for variables in built.projects.values():
        project = variables.project
        if not project.spread:
            continue
        tasks = [phase for session in variables.sessions for phase in session.phases]
        groups = spread_groups(variables.split.start_days, len(tasks))
        if len(variables.sessions) == 1 or (project.phases == 1
                                            and built.replanning.classes_by_date
                                            and not variables.split.areas):
            for phase, group in zip(tasks, groups, strict=True):
                model.add_linear_constraint(phase.start, group[0], group[-1]
                                            ).only_enforce_if(variables.scheduled)
            continue
        taken = [[model.new_bool_var(f"spread[{project.id},{index},{number}]")
                  for number in range(len(groups))] for index in range(len(tasks))]
        for phase, choices in zip(tasks, taken, strict=True):
            model.add(sum(choices) == variables.scheduled)
            for group, chosen in zip(groups, choices, strict=True):
                model.add_linear_constraint(phase.start, group[0], group[-1]
                                            ).only_enforce_if(chosen)
        for number in range(len(groups)):
            model.add(sum(choices[number] for choices in taken) == variables.scheduled)


def precedence(built: TrainingModel) -> None:
    """Every session of a project starts after every phase of every session of each project
    in its `after` list has ended, when both are scheduled."""
    for variables in built.projects.values():
        for earlier_id in variables.project.after:
            earlier = built.projects.get(earlier_id)
            if earlier is None:  # fixed, or cannot run (then dropped, constraining nothing)
                continue
            both = [variables.scheduled, earlier.scheduled, *built.guard(
                Rule.AFTER, (variables.project.id, earlier_id))]
            for later_session in variables.sessions:
                for earlier_session in earlier.sessions:
                    built.model.add(
                        later_session.phases[0].start
                        >= earlier_session.phases[-1].start + earlier.project.days
                    ).only_enforce_if(both)
    precedence_with_fixed(built)


def _rural_seats(built: TrainingModel, variables: ProjectVars) -> cp_model.LinearExpr:
    rural = {town.id for town in built.instance.towns if town.rural}
    return cp_model.LinearExpr.sum([
        seats for session in variables.sessions
        for town_id, seats in session.seats.items() if town_id in rural
    ])
