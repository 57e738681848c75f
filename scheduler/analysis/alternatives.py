"""The best other placements of a class (`schedule alternatives`), each re-planned for real.

One CP-SAT model re-plans the whole plan against itself (`scheduler.core.replan`: every change
elsewhere is paid for by the stability terms) with the class made to leave its place; each
placement found — the first phase's start day and venue of each class asked about — is then
forbidden and the model solved again, so the placements come out best first, up to `top`.
`--month` and `--venue` ask "what if it ran in April / in that hall" by restricting the class
(or every class of the project) further.

Each alternative is a whole plan: it keeps every rule (it is checked by `scheduler.core.validate`
against the plan it came from), and is given with the change of every KPI, the change of the
objective (the KPIs' weighted sum, without the price of the changes themselves) and the
other classes that had to move for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from models import InputError, Instance, Project, SessionPhase, Solution, Status
from models.phrase import Joined, Named, phrase
from models.words import decimal
from scheduler.core.calendar import YearCalendar
from scheduler.core.diff import SessionChange, session_changes
from scheduler.core.kpis import KPI_NAMES, weighted_objective
from scheduler.core.replan import Replan
from scheduler.core.validate import validate
from scheduler.model import PhaseVars, TrainingModel, placement, read_plan
from scheduler.search import lns
from scheduler.search.context import SearchContext
from scheduler.search.cpsat import StopRequest, model_solver, search_workers
from scheduler.search.hints import Hint, plan_hint
from scheduler.search.params import DEFAULT
from scheduler.search.solve import fill_plan
from scheduler.search.stop import Stop, stop_from

NO_CLASS = ("{text}: the plan has no class of project {project!r}",
            "{text}：方案中没有项目 {project} 的班")
OTHER_CLASSES = ("{text}: the plan has classes {numbers} of {project}, not {number!r}",
                 "{text}：方案中项目 {project} 有第 {numbers} 班，没有第 {number} 班")
NOT_THERE = ("--venue {venue}: {project} cannot be held there; its venues: {venues}",
             "--venue {venue}：{project}不能在那里举办；可用的场地：{venues}")
NO_VENUE = ("--venue {venue}: {project} needs no venue", "--venue {venue}：{project}不需要场地")


@dataclass(frozen=True)
class Alternative:
    """One other placement of the classes asked about, as a whole re-planned plan."""

    rows: list[SessionPhase]
    """The new rows of the classes asked about."""
    solution: Solution
    kpi_change: dict[str, int]
    objective_change: int
    knock_on: list[SessionChange]
    """The other session-phases that had to change for it."""


def parse_class(text: str, solution: Solution) -> tuple[str, list[int]]:
    """`p11#3` → ("p11", [3]); `p11` → every class of p11 in the plan. `InputError` when the
    plan has no such class."""
    project, _, number = text.partition("#")
    numbers = sorted({row.session for row in solution.sessions if row.project == project})
    if not numbers:
        raise InputError([phrase(NO_CLASS, text=text, project=project)])
    if not number:
        return project, numbers
    session = decimal(number)
    if session is None or session not in numbers:
        raise InputError([phrase(OTHER_CLASSES, text=text, project=project, number=number,
                                 numbers=Joined(tuple(numbers)))])
    return project, [session]


def alternatives(instance: Instance, solution: Solution, project_id: str, sessions: list[int],
                 *, top: int = 5, month: int | None = None, venue: str | None = None,
                 stop: Stop | None = None, time_limit: float | None = None,
                 workers: int | None = None, seed: int = 0) -> list[Alternative]:
    """Up to `top` other placements of the given classes of a project, best first (by the
    change of the objective); fewer when there are no more, or the time runs out, or `stop` is
    set (what was found is kept). The time limit (`stop`'s, or `time_limit`, default 8 s, on
    the wall clock) counts from the call, the model's building included. A venue that cannot
    host the project is an `InputError`."""
    stop = stop_from(stop, time_limit, None, default_limit=8.0)
    if stop.deterministic:
        raise ValueError("the alternatives are searched on the wall clock only")
    deadline = time.monotonic() + stop.time_limit
    calendar = YearCalendar(instance)
    built = TrainingModel(instance, calendar, replan=Replan(solution, source="the plan"))
    if project_id in built.unschedulable:
        raise InputError([f"{project_id}: the project cannot run: "
                          f"{built.unschedulable[project_id]}"])
    variables = built.projects[project_id]
    placement.require_scheduled(built, project_id)
    asked = [variables.sessions[number - 1] for number in sessions]
    firsts = [session.phases[0] for session in asked]
    for session in asked:
        for phase in session.phases:
            _restrict(built, variables.project, phase, month, venue)
    before = {row.session: row for row in solution.sessions
              if row.project == project_id and row.phase == 1}
    placement.forbid(built, firsts, tuple((calendar.day(before[n].start), before[n].venue)
                                          for n in sessions))
    plan = plan_hint(built, solution.sessions, solution.dropped)
    found = []
    request = StopRequest(stop)
    search = SearchContext(deadline, model_solver(seed, search_workers(workers, None), request),
                           stopped=request.done, seed=seed,
                           stall_after=DEFAULT.stalled_steps)
    for left in range(top, 0, -1):
        until = time.monotonic() + max((deadline - time.monotonic()) / left, 0.1)
        best = _replanned(built, plan, project_id, search.until(until))
        if best is None:
            break
        found.append(_alternative(instance, calendar, built, solution, best, project_id,
                                  sessions))
        placement.forbid(built, firsts, tuple((best.values[phase.start.index],
                                               _venue(best, phase)) for phase in firsts))
        if stop.is_set() or time.monotonic() >= deadline:
            break
    return sorted(found, key=lambda alternative: alternative.objective_change)


def _replanned(built: TrainingModel, plan: Hint, project_id: str, search: SearchContext
               ) -> lns.Incumbent | None:
    """The best re-plan found by `until`: first the project placed anew with every other
    project where the plan has it (a small model, solved at once), then the neighbourhood
    search from there, which moves others where that pays for itself. Where the project fits
    nowhere without moving others, CP-SAT on the whole model finds the start."""
    as_planned = lns.Incumbent(plan, objective=0)
    step = lns.projects_step(built, as_planned, {project_id}, search.solve_model,
                             max(search.deadline - time.monotonic(), 0.05))
    if step is None:
        step = lns.projects_step(built, as_planned, set(built.projects), search.solve_model,
                                 max(search.deadline - time.monotonic(), 0.05))
    if step is None:
        return None
    start, _ = step
    return lns.improve(built, start, search)


def _restrict(built: TrainingModel, project: Project, phase: PhaseVars, month: int | None,
              venue: str | None) -> None:
    """Hold a phase to the month (every one of its days) and the venue asked about."""
    if month is not None:
        days = [day for day in range(built.calendar.length)
                if built.calendar.date(day).month == month]
        if not days:
            raise InputError([f"--month {month}: not a month of {built.instance.year}"])
        placement.within_days(built, phase, project.days, days[0], days[-1])
    if venue is not None:
        if venue not in phase.venues:
            raise InputError([phrase(
                NOT_THERE if phase.venues else NO_VENUE, venue=venue,
                project=Named(project.id, project.name),
                venues=Joined(tuple(sorted(phase.venues))))])
        placement.at_venue(built, phase, venue)


def _venue(plan: lns.Incumbent, phase: PhaseVars) -> str | None:
    return next((venue for venue, chosen in phase.venues.items()
                 if plan.values[chosen.index]), None)


def _alternative(instance: Instance, calendar: YearCalendar, built: TrainingModel,
                 solution: Solution, plan: lns.Incumbent, project_id: str,
                 sessions: list[int]) -> Alternative:
    rows, dropped = read_plan(built, lambda variable: plan.values[variable.index],
                              renumber=False)
    replanned = Solution(instance=instance.name, status=Status.FEASIBLE,
                         replan=built.replan.record() if built.replan else None)
    fill_plan(replanned, instance, calendar, rows, dropped, solution.sessions)
    broken = validate(instance, replanned, solution)
    if broken:  # the model and the checker disagree: a bug, never a plan to show
        raise RuntimeError(f"alternative plan breaks {broken[0].rule}: {broken[0].message}")
    asked = {(project_id, number) for number in sessions}
    moved = [row for row in rows if (row.project, row.session) in asked]
    # (A plan written before 学时 were counted lacks hours_short; validate accepts that only
    # where it is 0.)
    change = {name: replanned.kpis[name] - solution.kpis.get(name, 0) for name in KPI_NAMES}
    knock_on = [c for c in session_changes(instance, solution, replanned)
                if (c.project, c.session) not in asked]
    return Alternative(moved, replanned, change, _plan_objective(instance, replanned)
                       - _plan_objective(instance, solution), knock_on)


def _plan_objective(instance: Instance, solution: Solution) -> int:
    """The objective of the plan itself: its KPIs, without the price of changes."""
    return weighted_objective(instance, {name: solution.kpis.get(name, 0)
                                         for name in KPI_NAMES})
