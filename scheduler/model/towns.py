"""The constraint families of the towns' teachers: the term-time absence cap and one training
a day, each a cumulative per town."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.core.calendar import day_runs
from scheduler.core.rules import Rule
from scheduler.model.neighbourhood import FixedTask, fixed_intervals
from scheduler.model.variables import IntVar, LinearExpr, ProjectVars

if TYPE_CHECKING:
    from scheduler.core.teachers import TownShares
    from scheduler.model.build import TrainingModel


def absence_cap(built: TrainingModel) -> None:
    """On a school day, a town's seats in offline, blended and off-site sessions running that
    day are at most floor(max_absence_share × its teachers); on other days at most its
    teachers. One cumulative per town: capacity = its teachers, with fixed blocks of
    (teachers − cap) over term time. A session that can only fall on school days also gets
    the cap as a plain bound on its seats, which the search propagates far sooner.
    In explain mode the blocks are present only while the town's group is on: relaxed, the
    town's cap is its teachers on every day."""
    model = built.model
    blocks = term_blocks(built)
    away = [variables for variables in built.projects.values()
            if variables.project.mode.takes_teachers_away]
    in_term = {variables.project.id: guards for variables in away
               if (guards := _in_term_guards(built, variables)) is not None}
    for town in built.instance.towns:
        teachers, cap = town.total_teachers, built.instance.absence_cap(town)
        sending = [variables for variables in away if town.pool(variables.project.audiences)]
        fixed = built.fixed.of("town", town.id)
        most_away = sum(min(variables.split.headcount, town.pool(variables.project.audiences))
                        for variables in sending) + sum(task.seats[town.id] for task in fixed)
        if not sending or most_away <= cap:
            continue
        guard = built.guard(Rule.ABSENCE_CAP, (town.id,)) if cap < teachers else []
        intervals: list[cp_model.IntervalVar] = []
        demands: list[LinearExpr] = []
        for variables in sending:
            for session in variables.sessions:
                if variables.project.id in in_term:
                    model.add(session.seats[town.id] <= cap).only_enforce_if(
                        [*guard, *in_term[variables.project.id]])
                intervals += [phase.interval for phase in session.phases]
                demands += [session.seats[town.id]] * len(session.phases)
        intervals += fixed_intervals(model, f"town {town.id}", fixed)
        demands += [task.seats[town.id] for task in fixed]
        if cap < teachers:
            for first, end in blocks:
                name = f"term[{town.id},{first}]"
                intervals.append(
                    model.new_optional_fixed_size_interval_var(
                        first, end - first, guard[0], name) if guard
                    else model.new_fixed_size_interval_var(first, end - first, name))
                demands.append(teachers - cap)
        model.add_cumulative(intervals, demands, teachers)


def one_training_a_day(built: TrainingModel) -> None:
    """A town's teachers are in one training a day: for every town z and audience a, the
    session-phases running on a day whose project trains a take together at most z's
    teachers of a, a session's seats counted as the share seats / pool(p, z) of its
    project's pool there, in any mode. One cumulative per town and set of projects that
    train one audience (`scheduler.core.teachers.TownShares`), in units of the town's scale:
    a share's units are its seats times scale / pool where that is whole, else a variable
    held to ceil(seats × scale / pool). A set whose projects could not fill the town
    even all on one day adds nothing."""
    fixed_by_project: dict[str, list[FixedTask]] = defaultdict(list)
    for task in built.fixed.tasks:
        fixed_by_project[task.project].append(task)
    for town_id, shares in built.town_shares.items():
        units: dict[str, list[tuple[cp_model.IntervalVar, LinearExpr]]] = {}
        most: dict[str, int] = {}
        """The most units each project can take of the town on one day."""
        for project_id in shares.pools:
            if project_id in built.projects:
                variables = built.projects[project_id]
                units[project_id] = _share_units(built, variables, shares)
                seated = min(shares.pools[project_id], variables.split.headcount)
                most[project_id] = (shares.units(project_id, seated)
                                    + len(variables.sessions))  # each rounded up
            else:
                tasks = [task for task in fixed_by_project.get(project_id, [])
                         if task.seats.get(town_id)]
                demands = [shares.units(project_id, task.seats[town_id]) for task in tasks]
                intervals = fixed_intervals(built.model, f"town {town_id}", tasks)
                units[project_id] = list(zip(intervals, demands, strict=True))
                most[project_id] = sum(demands)
        for group in shares.groups:
            if sum(most.get(project_id, 0) for project_id in group) <= shares.scale:
                continue
            chosen = [unit for project_id in sorted(group) for unit in units[project_id]]
            built.model.add_cumulative([interval for interval, _ in chosen],
                                       [demand for _, demand in chosen], shares.scale)


def _share_units(built: TrainingModel, variables: ProjectVars, shares: TownShares
                 ) -> list[tuple[cp_model.IntervalVar, LinearExpr]]:
    """Each session-phase of the project with the units its seats take of the town."""
    project, town_id = variables.project, shares.town
    pool = shares.pools[project.id]
    tasks: list[tuple[cp_model.IntervalVar, LinearExpr]] = []
    for session in variables.sessions:
        seats = session.seats[town_id]
        if shares.exact(project.id):
            demand: LinearExpr = seats * (shares.scale // pool)
        else:
            demand = built.model.new_int_var(
                0, shares.scale, f"share[{project.id}#{session.session},{town_id}]")
            built.model.add(pool * demand >= shares.scale * seats)
            built.model.add(pool * demand <= shares.scale * seats + pool - 1)
        tasks += [(phase.interval, demand) for phase in session.phases]
    return tasks


def _in_term_guards(built: TrainingModel, variables: ProjectVars) -> list[IntVar] | None:
    """The literals under which every day the project's sessions could use is a school day:
    [] if always, None if never (in explain mode, its relaxable calendar rules may be what
    keeps it in term: `Relaxable.in_term_guards`)."""
    school = built.calendar.school_days
    days = variables.project.days

    def in_term(starts: Iterable[int]) -> bool:
        return all(all(school[start:start + days]) for start in starts)

    if in_term(built.start_domains[variables.project.id]):
        return []
    return built.switches.in_term_guards(built, variables.project, in_term)


def term_blocks(built: TrainingModel) -> list[tuple[int, int]]:
    """The stretches of the year the absence rules cover, as few as possible: runs of school
    days, merged across the days no away session can use (weekends, public holidays …),
    since a block over a day nobody can use changes nothing. Few long blocks propagate far
    faster than one per week."""
    usable = [False] * built.calendar.length
    for variables in built.projects.values():
        if variables.project.mode.takes_teachers_away:
            for start in built.start_domains[variables.project.id]:
                for day in range(start, start + variables.project.days):
                    usable[day] = True
    for task in built.fixed.tasks:
        if task.away:
            usable[task.start:task.start + task.days] = [True] * task.days
    school = built.calendar.school_days
    covered = [school[day] or not usable[day] for day in range(built.calendar.length)]
    return [(first, end) for first, end in day_runs(covered) if any(school[first:end])]
