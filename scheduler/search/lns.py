"""Large-neighbourhood search around a complete plan: free a few projects, keep the rest.

CP-SAT's own search stalls on district-sized instances: the absence cap is a cumulative whose
demands are seat variables, and its linear relaxation says almost nothing about how seats may
move between towns. Once the dates are fixed, though, the cap is plain linear algebra — on each
school day, the seats a town sends to the sessions running that day stay within its cap — and
CP-SAT solves that at once, where as a cumulative it leaves a wide gap. So the steps here take
turns: every venue and trainer anew with all dates and seats fixed (`assign`, by SCIP); every
seat anew with all dates, venues and trainers fixed and the cap written out day by day; and a
few projects placed anew with everything else fixed — each a small model hinted with the
incumbent. An improvement becomes the new incumbent; the incumbent is feasible in every step,
so a step never makes the plan worse.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.core.kpis import project_terms, weighted_terms
from scheduler.model import FixedPart, FixedTask, ProjectVars, TrainingModel, read_plan
from scheduler.search.assign import reassign
from scheduler.search.context import SearchContext
from scheduler.search.cpsat import ModelSolver
from scheduler.search.hints import Hint, set_hint
from scheduler.search.params import DEFAULT, SolveParams

Guide = Callable[[], dict[str, float] | None]
"""What each project's own terms cost in the relaxation's latest solution (`bound`),
once there is one."""


@dataclass
class Incumbent:
    """The best complete assignment so far (every model variable) and its objective; `optimal`
    once a step that freed every project proved it best."""

    values: Hint
    objective: int
    optimal: bool = False


def decision_indices(variables: ProjectVars) -> list[int]:
    """What places a project: whether it runs, each phase's start, venue and trainers. Seats,
    sizes and the objective's auxiliary variables follow from these."""
    indices = [variables.scheduled.index]
    for session in variables.sessions:
        for phase in session.phases:
            indices.append(phase.start.index)
            indices += [chosen.index for chosen in phase.venues.values()]
            indices += [chosen.index for chosen in phase.trainers.values()]
    return indices


def placement(built: TrainingModel, values: Hint) -> Hint:
    """The values of what places every project (`decision_indices`) and of its seats: a plan,
    without the objective's auxiliary variables."""
    return {index: values[index] for variables in built.projects.values()
            for index in (*decision_indices(variables), *_seat_indices(variables))}


def complete_plan(built: TrainingModel, decisions: Hint, solve_model: ModelSolver,
                  seconds: float) -> Incumbent | None:
    """The whole assignment of a plan given by its decisions and seats (the hand method's
    plan): those fixed, the auxiliary variables of the objective found by a short solve. None
    if the plan breaks a rule of the model."""
    model = built.model.clone()
    _fix(model, decisions)
    solver = solve_model(model, seconds)
    return None if solver is None else _read(model, solver)


def improve(built: TrainingModel, incumbent: Incumbent, search: SearchContext,
            guide: Guide | None = None) -> Incumbent:
    """Every venue and trainer anew, each project alone (`sweep`), then neighbourhood steps
    — every venue and trainer anew (or, every other time, every seat), then three turns of a
    few projects placed anew, and again (on a model too large to copy, `is_small`, only the
    latter, and no assignment first) — until the search's deadline, a stop, or (on a small
    model) its `stall_after` steps in a row without a better plan; returns the best plan
    found, which is never worse than `incumbent`. With a `guide`, every other step of a few
    projects frees those the plan pays for otherwise than the relaxation's solution does. On a
    small model, a step of a few projects that finds a better plan is followed by every venue
    and trainer anew: with those projects moved, a cheap trainer or room they held may now go
    to another, which the assignment finds at once and steps of a few projects only slowly.
    On the work clock every venue and trainer are never moved anew (SCIP, which does that,
    stops on the wall clock) and every seat is moved instead."""
    params, clock, solve_model = search.params, search.clock, search.solve_model
    small, remaining = is_small(built, params), search.deadline - clock.now()
    assigns = not clock.deterministic
    if small and assigns and not search.stopped() and remaining >= params.least_step_seconds:
        assigned = assign_step(built, incumbent, solve_model,
                               min(params.step_seconds, remaining), search.stopped)
        incumbent = _better(incumbent, assigned, search.on_improve)
    incumbent = sweep(built, incumbent, search)
    chooser = _NeighbourhoodChooser(built, random.Random(search.seed), params, guide)
    last_improved, assign_due = 0, False
    stall_after = search.stall_after
    for turn in itertools.count():
        remaining = search.deadline - clock.now()
        # (On a model too large to be small, no full search follows.)
        stalled = small and stall_after is not None and turn - last_improved > stall_after
        if search.stopped() or remaining < params.least_step_seconds or stalled:
            break
        seconds = min(params.step_seconds, remaining)
        places_projects = turn % params.assign_every or not small
        free = chooser.next(incumbent) if places_projects and not assign_due else set()
        if free:
            outcome = projects_step(built, incumbent, free, solve_model, seconds, params)
            chooser.adapt(proved=outcome is not None and outcome[1])
        elif assigns and (turn % params.seats_every == 0 or assign_due):
            outcome = assign_step(built, incumbent, solve_model, seconds, search.stopped)
        else:
            outcome = seats_step(built, incumbent, solve_model, seconds, params)
        assign_due = False
        if outcome is None:
            continue
        plan, proved = outcome
        # Every project free is the whole model: proven there, the plan is optimal.
        plan.optimal = proved and free == set(built.projects)
        if plan.objective < incumbent.objective or plan.optimal:
            incumbent, last_improved = plan, turn
            assign_due = bool(free) and small
            if search.on_improve is not None:
                search.on_improve(incumbent.objective)
        if incumbent.optimal:
            break
    return incumbent


def sweep(built: TrainingModel, incumbent: Incumbent, search: SearchContext) -> Incumbent:
    """Each project that costs more than its least (`_Excess`), costliest first, placed anew
    alone, everything else where the plan has it: its best place given the rest, which ruin
    and recreate's rules may miss and a step of several projects may not find in its time:
    such a step frees a costly project's neighbours with it, and its model grows too large to
    solve in the step's time, where the project alone is placed and proven at once."""
    excess = _Excess(built)(incumbent.values)
    params = search.params
    for project_id in sorted((project_id for project_id, extra in excess.items() if extra > 0),
                             key=excess.__getitem__, reverse=True):
        remaining = search.deadline - search.clock.now()
        if search.stopped() or remaining < params.least_step_seconds:
            break
        outcome = projects_step(built, incumbent, {project_id}, search.solve_model,
                                min(params.step_seconds, remaining), params)
        incumbent = _better(incumbent, outcome, search.on_improve)
    return incumbent


def _better(incumbent: Incumbent, outcome: Step,
            on_improve: Callable[[int], None] | None) -> Incumbent:
    """The step's plan if it is better than `incumbent` (and said so), else `incumbent`."""
    if outcome is None or outcome[0].objective >= incumbent.objective:
        return incumbent
    if on_improve is not None:
        on_improve(outcome[0].objective)
    return outcome[0]


def is_small(built: TrainingModel, params: SolveParams = DEFAULT) -> bool:
    """Whether steps (and searches) on the whole model are worth their time and memory."""
    return len(built.model.proto.variables) <= params.whole_model_limit


Step = tuple[Incumbent, bool] | None
"""The best plan a step found and whether it is proven best in its neighbourhood; None if the
solve found nothing (stopped before it read its hint)."""


def seats_step(built: TrainingModel, incumbent: Incumbent, solve_model: ModelSolver,
               seconds: float, params: SolveParams = DEFAULT) -> Step:
    """Every seat and session size anew, with every project's dates, venues and trainers where
    the incumbent has them, and the absence cap and balance written out day by day."""
    model = built.model.clone()
    _fix(model, {index: incumbent.values[index] for variables in built.projects.values()
                 for index in decision_indices(variables)})
    _write_out_day_caps(built, model, incumbent.values, built.projects.values())
    return _solve_step(model, incumbent, solve_model, seconds, params)


def assign_step(built: TrainingModel, incumbent: Incumbent, solve_model: ModelSolver,
                seconds: float, stopped: Callable[[], bool] = lambda: False) -> Step:
    """Every venue and trainer anew, with every date and seat where the incumbent has them
    (`scheduler.search.assign`): a cheap trainer free on a day another project's class is taught by
    a dear one can take it over, which a step moving a few projects seldom finds (it leaves
    cheap trainers idle while dear ones teach)."""
    found = reassign(built, incumbent.values, seconds, stopped)
    if found is None:
        return None
    plan = complete_plan(built, placement(built, found), solve_model, seconds)
    return None if plan is None else (plan, False)


def projects_step(built: TrainingModel, incumbent: Incumbent, free: set[str],
                  solve_model: ModelSolver, seconds: float, params: SolveParams = DEFAULT
                  ) -> Step:
    """The projects in `free` placed anew, everything of every other project (seats too) where
    the incumbent has it. Freeing the other projects' seats as well made the steps too slow to
    prove.

    The step's model holds only the free projects, the others folded in as constants
    (`FixedPart`): a copy of the whole model with its domains fixed costs a large model seconds
    and gigabytes a step. Re-planning and a step that frees every project
    still copy the whole model: the stability terms are built for the whole model only."""
    if built.replan is not None or free >= set(built.projects):
        model = built.model.clone()
        _fix(model, {index: incumbent.values[index]
                     for project_id, variables in built.projects.items() if project_id not in free
                     for index in (*decision_indices(variables), *_seat_indices(variables))})
        return _solve_step(model, incumbent, solve_model, seconds, params,
                           placing_projects=True)
    neighbourhood = TrainingModel(built.instance, built.calendar,
                                  fixed=_fixed_part(built, incumbent.values, free),
                                  hours_rows=built.hours_rows)
    _keep_scheduled(built, neighbourhood, incumbent)
    return _solve_neighbourhood(built, neighbourhood, incumbent, solve_model, seconds, params)


def _keep_scheduled(built: TrainingModel, neighbourhood: TrainingModel,
                    incumbent: Incumbent) -> None:
    """A free project the incumbent schedules stays scheduled where dropping it would cost more
    than the incumbent's whole objective: no better plan drops it. With `scheduled` free,
    CP-SAT's bound on such a step left out what its rural quota forces of its fair shares and
    the step was seldom proven; with it fixed (or without presolve, which makes the rules that
    hold when the project is dropped into constraints enforced by `scheduled`) it was proven
    at once (docs/performance.md, "The evidence behind the search's choices")."""
    weight = built.instance.objective.weights.dropped
    for project_id, variables in neighbourhood.projects.items():
        scheduled = incumbent.values[built.projects[project_id].scheduled.index]
        if scheduled and weight * variables.project.drop_weight > incumbent.objective:
            neighbourhood.model.add(variables.scheduled == 1)


def _fixed_part(built: TrainingModel, values: Hint, free: set[str]) -> FixedPart:
    """The projects outside `free` where `values` have them, as constants."""
    spans: dict[str, tuple[int, int] | None] = {}
    tasks: list[FixedTask] = []
    seated: dict[str, dict[str, int]] = {}
    away_headcount = 0
    for project_id, variables in built.projects.items():
        if project_id in free:
            continue
        if not values[variables.scheduled.index]:
            spans[project_id] = None
            continue
        project = variables.project
        away = project.mode.takes_teachers_away
        away_headcount += variables.split.headcount if away else 0
        by_town = seated[project_id] = defaultdict(int)
        for session in variables.sessions:
            seats = {town: count for town, chosen in session.seats.items()
                     if (count := values[chosen.index]) > 0}
            for town, count in seats.items():
                by_town[town] += count
            for phase in session.phases:
                tasks.append(FixedTask(
                    start=values[phase.start.index], days=project.days,
                    venue=next((venue for venue, chosen in phase.venues.items()
                                if values[chosen.index]), None),
                    trainers=tuple(trainer for trainer, chosen in phase.trainers.items()
                                   if values[chosen.index]),
                    seats=seats, size=values[session.size.index], away=away,
                    project=project_id))
        starts = [values[phase.start.index] for session in variables.sessions
                  for phase in session.phases]
        spans[project_id] = (min(starts), max(starts) + project.days)
    return FixedPart(spans, tasks, away_headcount, seated)


def _solve_neighbourhood(built: TrainingModel, neighbourhood: TrainingModel,
                         incumbent: Incumbent, solve_model: ModelSolver, seconds: float,
                         params: SolveParams) -> Step:
    """Solve a neighbourhood model hinted with the incumbent and carry its values back into a
    whole assignment; its variables are those of the whole model of the same names, and the
    objective changes by the change of their terms alone."""
    model = neighbourhood.model
    whole = [built.variable_indices[variable.name] for variable in model.proto.variables]
    set_hint(model, {index: incumbent.values[full] for index, full in enumerate(whole)})
    solver = solve_model(model, seconds, quiet=params.quiet_seconds, probing=params.probing_steps)
    if solver is None:
        return None
    found = {full: solver.value(model.get_int_var_from_proto_index(index))
             for index, full in enumerate(whole)}
    changed = {full: value for full, value in found.items() if incumbent.values[full] != value}
    coefficients = built.objective_coefficients
    objective = incumbent.objective + sum(
        coefficients.get(full, 0) * (value - incumbent.values[full])
        for full, value in changed.items())
    proved = solver.best_objective_bound >= solver.objective_value
    return Incumbent(incumbent.values | changed, objective), proved


def _solve_step(model: cp_model.CpModel, incumbent: Incumbent, solve_model: ModelSolver,
                seconds: float, params: SolveParams, placing_projects: bool = False) -> Step:
    """The step's model hinted with the incumbent and solved (as a step placing projects
    anew: quiet and without probing, as `params` say)."""
    set_hint(model, incumbent.values)
    solver = (solve_model(model, seconds, quiet=params.quiet_seconds,
                          probing=params.probing_steps)
              if placing_projects else solve_model(model, seconds))
    if solver is None:
        return None
    return _read(model, solver), solver.best_objective_bound >= solver.objective_value


class _NeighbourhoodChooser:
    """Which projects to free next, in turns: a costly project and those running nearest it
    (`_costliest`), a random few, those running nearest a random day, those sharing a random
    venue or trainer; with a guide, every other turn those the plan pays for otherwise than
    the relaxation does (`_astray`). Their number grows while steps are proven optimal within
    their time and shrinks while they are not. (The costly project comes one turn in four, not
    every other: more often, it helped one instance and set another back.)"""

    def __init__(self, built: TrainingModel, rng: random.Random, params: SolveParams = DEFAULT,
                 guide: Guide | None = None):
        self.built, self.rng, self.guide, self.params = built, rng, guide, params
        self.projects = list(built.projects)
        self.size = min(4, len(self.projects))
        # A large model's steps stay under the limit, and never copy the whole model.
        variables = len(built.model.proto.variables)
        self.most = len(self.projects) if is_small(built, params) else max(
            1, len(self.projects) * params.whole_model_limit // variables)
        self.turn = 0
        self.excess = _Excess(built)

    def next(self, incumbent: Incumbent) -> set[str]:
        kinds = (self._costliest, self._random_projects, self._window, self._shared_owner)
        if self.guide is None:
            kind = kinds[self.turn % len(kinds)]
        else:
            kind = kinds[self.turn // 2 % len(kinds)] if self.turn % 2 else self._astray
        self.turn += 1
        return kind(incumbent)

    def adapt(self, proved: bool) -> None:
        grown = (round(self.size * self.params.grow) + 1 if proved
                 else round(self.size * self.params.shrink))
        self.size = max(1, min(grown, self.most))

    def _costliest(self, incumbent: Incumbent) -> set[str]:
        """A project drawn in proportion to what its own terms cost above their least
        (`_excess`), and the projects running nearest it: those it may need to push aside."""
        excess = self.excess(incumbent.values)
        costly = [project_id for project_id in self.projects if excess[project_id] > 0]
        if not costly:
            return self._random_projects(incumbent)
        chosen = self.rng.choices(costly, weights=[excess[project_id] for project_id in costly])[0]
        first_start = self._first_starts(incumbent)
        nearest = sorted(self.projects,
                         key=lambda project_id: abs(first_start[project_id] - first_start[chosen]))
        return {chosen, *nearest[:self.size - 1]}

    def _astray(self, incumbent: Incumbent) -> set[str]:
        """Up to `size` projects drawn in proportion to how far what the plan pays for each
        differs from what the relaxation's solution does: paying more, a project may be placed
        better; paying less, it may hold what the others need. Freed together, such projects
        get a plan out of where the other kinds of step leave it resting. Before there is a
        solution, `_costliest`."""
        relaxed = self.guide() if self.guide is not None else None
        if relaxed is None:
            return self._costliest(incumbent)
        own = self.excess.own_costs(incumbent.values)
        astray = {project_id: distance for project_id in self.projects
                  if (distance := abs(own[project_id] - relaxed.get(project_id, 0.0)))
                  > self.params.astray_at_least}
        chosen: set[str] = set()
        while astray and len(chosen) < self.size:
            project_id = self.rng.choices(list(astray), weights=list(astray.values()))[0]
            chosen.add(project_id)
            del astray[project_id]
        return chosen or self._costliest(incumbent)

    def _random_projects(self, incumbent: Incumbent) -> set[str]:
        return set(self.rng.sample(self.projects, self.size))

    def _window(self, incumbent: Incumbent) -> set[str]:
        """The `size` projects whose first start is nearest a random day."""
        first_start = self._first_starts(incumbent)
        day = self.rng.randrange(self.built.calendar.length)
        nearest = sorted(self.projects, key=lambda project_id: abs(first_start[project_id] - day))
        return set(nearest[:self.size])

    def _first_starts(self, incumbent: Incumbent) -> dict[str, int]:
        return {project_id: min(incumbent.values[phase.start.index]
                                for session in variables.sessions for phase in session.phases)
                for project_id, variables in self.built.projects.items()}

    def _shared_owner(self, incumbent: Incumbent) -> set[str]:
        """The projects using one random venue or trainer, at most `size` of them."""
        users: dict[str, list[str]] = {}
        for project_id, variables in self.built.projects.items():
            for session in variables.sessions:
                for phase in session.phases:
                    for owner, chosen in (phase.venues | phase.trainers).items():
                        if incumbent.values[chosen.index]:
                            users.setdefault(owner, []).append(project_id)
        if not users:
            return self._random_projects(incumbent)
        sharing = sorted(set(users[self.rng.choice(sorted(users))]))
        return set(self.rng.sample(sharing, min(self.size, len(sharing))))


def _seat_indices(variables: ProjectVars) -> list[int]:
    return [index for session in variables.sessions
            for index in (session.size.index, *(seats.index for seats in session.seats.values()))]


def _write_out_day_caps(built: TrainingModel, model: cp_model.CpModel, values: Hint,
                        fixed: Iterable[ProjectVars]) -> None:
    """The absence cap and the balance of the sessions whose dates are fixed, as one linear
    constraint per school day: a town's seats in the away sessions running that day stay within
    its cap, and all their sizes within `balance`. Only the largest sets of sessions sharing a
    day are written (a subset's constraint follows from its superset's). They repeat what the
    model's cumulatives say, in a form whose linear relaxation is tight."""
    running = _away_sessions_by_school_day(built, values, fixed)
    balance = _variable_named(model, "balance")
    for sessions in _maximal_sets(running):
        if balance is not None:
            model.add(sum(_same(model, session.size) for session in sessions) <= balance)
    for town in built.instance.towns:
        cap = built.instance.absence_cap(town)
        for sessions in _maximal_sets([
                [session for session in day if town.id in session.seats] for day in running]):
            if sum(_upper(model, session.seats[town.id]) for session in sessions) > cap:
                model.add(sum(_same(model, session.seats[town.id]) for session in sessions)
                          <= cap)


def _away_sessions_by_school_day(built: TrainingModel, values: Hint,
                                 fixed: Iterable[ProjectVars]) -> list[list]:
    """For each school day, the scheduled away sessions among `fixed` running that day."""
    school = built.calendar.school_days
    days: list[list] = [[] for _ in range(built.calendar.length)]
    for variables in fixed:
        away = variables.project.mode.takes_teachers_away
        if not away or not values.get(variables.scheduled.index):
            continue
        for session in variables.sessions:
            for phase in session.phases:
                start = values[phase.start.index]
                for day in range(start, start + variables.project.days):
                    if school[day]:
                        days[day].append(session)
    return days


def _maximal_sets(days: list[list]) -> list[list]:
    """The day lists that are no subset of another (ties kept once)."""
    keyed = sorted({frozenset(id(item) for item in day): day for day in days if day}.items(),
                   key=lambda pair: -len(pair[0]))
    kept: list[tuple[frozenset[int], list]] = []
    for key, day in keyed:
        if not any(key <= bigger for bigger, _ in kept):
            kept.append((key, day))
    return [day for _, day in kept]


def _same(model: cp_model.CpModel, variable: cp_model.IntVar) -> cp_model.IntVar:
    """The variable of the same index in a clone of the built model."""
    return model.get_int_var_from_proto_index(variable.index)


def _upper(model: cp_model.CpModel, variable: cp_model.IntVar) -> int:
    domain = model.proto.variables[variable.index].domain
    return int(domain[len(domain) - 1])  # the proto's repeated field takes no negative index


def _variable_named(model: cp_model.CpModel, name: str) -> cp_model.IntVar | None:
    for index, variable in enumerate(model.proto.variables):
        if variable.name == name:
            return model.get_int_var_from_proto_index(index)
    return None


def _fix(model: cp_model.CpModel, values: Hint) -> None:
    for index, value in values.items():
        domain = model.proto.variables[index].domain
        domain.clear()
        domain.extend([value, value])


def _read(model: cp_model.CpModel, solver: cp_model.CpSolver) -> Incumbent:
    values = {index: solver.value(model.get_int_var_from_proto_index(index))
              for index in range(len(model.proto.variables))}
    return Incumbent(values, round(solver.objective_value))


class _Excess:
    """What each project's own objective terms cost in a plan above the least they could: its
    priority if dropped; else its seats short of the towns' fair shares and in urban venues
    it would rather not use (`kpis.weighted_terms`), its days outside the preferred months,
    and its venue and trainer days above the cheapest it may use, each at its weight."""

    def __init__(self, built: TrainingModel):
        self.built = built
        self.least_cost = {project_id: variables.split.least_cost()
                           for project_id, variables in built.projects.items()}

    def __call__(self, values: Hint) -> dict[str, int]:
        own, dropped = self._own(values)
        cost = self.built.instance.objective.weights.cost
        return {project_id: own[project_id]
                - (0 if project_id in dropped else cost * self.least_cost[project_id])
                for project_id in self.built.projects}

    def own_costs(self, values: Hint) -> dict[str, int]:
        """What each project's own objective terms cost in a plan: its priority if dropped,
        else its seats short of fair shares and in urban venues, its days outside the preferred
        months and its venue and trainer days, each at its weight."""
        return self._own(values)[0]

    def _own(self, values: Hint) -> tuple[dict[str, int], list[str]]:
        instance, weights = self.built.instance, self.built.instance.objective.weights
        rows, dropped = read_plan(self.built, lambda variable: values[variable.index])
        terms = project_terms(instance, self.built.calendar, rows)
        own = {project_id: (weights.dropped * variables.project.drop_weight
                            if project_id in dropped
                            else weighted_terms(instance, variables.project, terms[project_id]))
               for project_id, variables in self.built.projects.items()}
        return own, dropped
