"""A lower bound on the objective from a linear relaxation, solved apart from the search.

CP-SAT's own bound rests on its relaxation of the whole model, where the absence cap (a
cumulative whose demands are seat variables) says almost nothing, and on large instances its
search proves no bound at all in the time it has. This relaxation
keeps what the objective pays for, one project at a time, and of the calendar only months:

- a project runs (a fraction, in the relaxation) or pays its priority; a mandatory one runs;
- its seats by town: within each town's teachers of its audiences, together its headcount, the
  rural quota met; a class that can only fall in term time seats at most the town's daily cap;
  `share` is what each town's seats fall short of its fair share, and `rural_venue` the seats
  of a `venue_rural: preferred` project beyond what its session-phases in rural venues can hold
  (each the smaller of its class and the venue);
- how many of its session-phases start on each of its start days (a fraction): the days
  outside the preferred months they give, and its session days in each month;
- in each month, its venue-days and trainer-days, at each venue's and trainer's price: every
  day one usable venue, whose seats (up to the class size) over its days hold the project's
  seat-days, and `trainers_per_session` qualified trainers, every topic taught, no
  trainer on one class twice; no venue or trainer beyond the days of the month it is open or
  free on which some session that may use it could run, nor a trainer beyond `max_days`; nor
  more classes of k days or more than its runs of such days hold (a 5-day week, one 3-day
  class);
- the seats of the classes starting on each day (each between the smallest and the largest
  class), away on the school days they cover: the balance at least each school day's, and at
  least the largest class of a project whose classes are all away on a school day, and the
  smallest class of one whose classes may keep off school days, if any does not (in the
  linear programme: the smallest class times the share of its classes in term);
- of one training at a time, only what needs no seats by town: on the days an all-staff project
  of one class runs, no session-phase of a project that shares an audience with it and seats
  only towns it fills.

Every plan gives a point of this linear programme at its own objective (the stability terms of
re-planning, never negative, are left out), so the programme's optimum, which GLOP finds in
seconds, is a bound: well above CP-SAT's own, and one where CP-SAT proves none. `solve` runs it
beside ruin and recreate, and leaves it out on a model too large to copy, for its memory.
Every variable counts projects, session-phases, days or seats, so the same programme in whole
numbers is a bound too, and a better one: a class is away whole on one day, not a tenth of it
on each of ten, and a project's days with a venue or trainer are whole sessions, not three
days of a 5-day class. SCIP solves it after GLOP, in the time left, on relaxations of up to
`SolveParams.whole_numbers_max_variables` variables (beyond, it barely raises the bound and
takes gigabytes).
Last, on the smallest (up to `SolveParams.by_day_max_variables` variables with those it adds),
the venues and trainers day by day as well (`add_days`), where the solution in whole numbers
holds them in question (`contested`): by months, a project's classes may all start on one day
in one free room with the cheapest trainers, which no plan can do.
Each of these limits is there because the bound is weak without it: by months, not by
the year alone, as the free venues are full in the months most projects must run; by
seat-days, as a small free room cannot host a large class for a fraction of the price; by the
weeks' runs of days; and by each school day's absence, not only the months'.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.linear_solver.pywraplp import OFFSET_KEY, Variable

from models.instance import Project, Trainer, Venue
from scheduler.core.hours import shortfall_rows
from scheduler.core.sessions import SessionSplit
from scheduler.model import ProjectVars, TrainingModel
from scheduler.search.mip import exact_parameters, new_scip
from scheduler.search.params import DEFAULT, SolveParams

TIME_LIMIT_SECONDS = 60.0
FINISH_WAIT_SECONDS = 1.0
"""How long `BackgroundBound.finish` waits for an interrupted stage to say what it proved."""

Ledger = dict[tuple[str, int], list[tuple[Variable, int]]]

Held = tuple[str, int | None]
"""A venue or trainer in a month (None: in the year)."""


MOST_TEACHER_ROWS = 50_000
"""The most rows `_Relaxation._one_training_a_day` adds."""


def relaxation_bound(built: TrainingModel, seconds: float = TIME_LIMIT_SECONDS, *,
                     whole_numbers: bool = False, by_day: bool = False,
                     params: SolveParams = DEFAULT) -> int | None:
    """The relaxation's optimum, rounded up to a whole number, or None if GLOP did not solve
    it within `seconds`; with `whole_numbers`, the best of that and SCIP's bound with the
    counts in whole numbers, and with `by_day` that with venues and trainers day by day too
    (`_Relaxation.add_days`), each given the same `seconds` again."""
    relaxation = _Relaxation(built)
    bound = relaxation.solve(seconds)
    if bound is None:
        return None
    if whole_numbers:
        bound = max(bound, relaxation.solve_in_whole_numbers(seconds) or bound)
    if by_day:
        bound = max(bound, relaxation.solve_by_day(seconds, params.by_day_max_variables) or bound)
    return bound


class BackgroundBound:
    """`relaxation_bound` in a thread, started at once, in up to three stages within
    `seconds`: the linear programme; on a small enough one, its counts in whole numbers; then,
    where they add few enough variables, that with the venues and trainers day by day where
    its solution holds them in question. GLOP and SCIP let go of
    Python's lock while they solve, so the bound takes the second core while ruin and recreate
    keeps the first, and nothing waits for it."""

    def __init__(self, built: TrainingModel, seconds: float, params: SolveParams = DEFAULT):
        self._deadline = time.monotonic() + seconds
        self._params = params
        self._relaxation: _Relaxation | None = None
        self._bound: int | None = None
        self._costs: dict[str, float] | None = None
        self._cancelled = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, args=(built,), daemon=True)
        self._thread.start()

    def _run(self, built: TrainingModel) -> None:
        relaxation = _Relaxation(built)
        with self._lock:
            if self._cancelled:
                return
            self._relaxation = relaxation
        by_day = functools.partial(relaxation.solve_by_day,
                                   most_variables=self._params.by_day_max_variables)
        stages: list[Callable[[float], int | None]] = [relaxation.solve]
        if relaxation.lp.NumVariables() <= self._params.whole_numbers_max_variables:
            stages += [relaxation.solve_in_whole_numbers, by_day]
        for stage in stages:  # each proves nothing once interrupted
            bound = stage(self._deadline - time.monotonic())
            if bound is None:
                break
            self._bound = max(bound, self._bound or bound)
            self._costs = relaxation.project_costs()
        self._relaxation = None  # its memory (a gigabyte on a large model) is not needed

    def running(self) -> bool:
        """Whether a stage is still being solved."""
        return self._thread.is_alive()

    def ready(self) -> int | None:
        """The best bound proven so far, or None."""
        return self._bound

    def project_costs(self) -> dict[str, float] | None:
        """What each project's own terms cost in the latest solution in whole numbers, if
        any: where a plan pays more or less for a project, it may be placed better."""
        return self._costs

    def finish(self) -> int | None:
        """Stop the stage still running, and the best bound proven (an interrupted stage in
        whole numbers keeps what it proved; one in the linear programme, nothing)."""
        with self._lock:
            self._cancelled = True
            if (relaxation := self._relaxation) is not None:
                relaxation.interrupt()
        self._thread.join(FINISH_WAIT_SECONDS)
        return self._bound


class _Relaxation:
    def __init__(self, built: TrainingModel):
        self.built = built
        self.instance = built.instance
        self.calendar = built.calendar
        self.weights = built.instance.objective.weights
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.scip: pywraplp.Solver | None = None
        self.interrupted = False
        self.venue_days: Ledger = defaultdict(list)
        self.trainer_days: Ledger = defaultdict(list)
        """Each project's days with each venue and trainer, and its session length, by (venue
        or trainer, month)."""
        self.month = [self.calendar.date(day).month for day in range(self.calendar.length)]
        self.usable_days: dict[str, set[int]] = defaultdict(set)
        """For each venue and trainer, the days some session that may use them could run."""
        self.rural = {town.id for town in self.instance.towns if town.rural}
        self.away_on: dict[int, list[Variable]] = defaultdict(list)
        """The seats away on each school day, by project and start day."""
        self.starts: dict[str, dict[int, Variable]] = {}
        """Each project's session-phases starting on each of its start days."""
        self.shares: dict[tuple[str, str], dict[int, Variable]] = {}
        """Each project's days with each venue and trainer, by month."""
        self.caps: list[tuple[Held, list[tuple[Variable, float]], float]] = []
        """Each venue's and trainer's limits, by month (and a trainer's in the year, month
        None): the (share, coefficient) terms of a row and its right-hand side."""
        self.whole_solution: list[float] | None = None
        """The values of SCIP's latest solution in whole numbers, by variable index, if any."""
        self.terms: dict[str | None, list] = defaultdict(list)
        """The objective's terms, by the project they are its own of (None: the balance)."""
        self.constant = sum(self.instance.project(project_id).drop_weight
                            for project_id in built.unschedulable) * self.weights.dropped
        self.seats: dict[str, dict[str, Variable]] = {}
        """Each project's seats by town, over all its sessions."""
        self.running = {project_id: self._project(variables)
                        for project_id, variables in built.projects.items()}
        self._resources()
        self._balance()
        self._one_training_a_day()
        if self.weights.hours > 0:
            self._hours()

    def solve(self, seconds: float) -> int | None:
        """The linear programme's optimum (GLOP), rounded up, or None if not solved in time."""
        self.lp.SetTimeLimit(max(1, int(seconds * 1000)))
        self.lp.Minimize(self.lp.Sum([term for terms in self.terms.values() for term in terms])
                         + self.constant)
        if self.interrupted or self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return _rounded_up(self.lp.Objective().Value())

    def solve_in_whole_numbers(self, seconds: float) -> int | None:
        """SCIP's proven bound on the same programme in whole numbers, after `seconds` or
        once interrupted; None if it proved none. (After `solve`: it copies the programme with
        its objective.) Each variable counts projects, session-phases, days or seats, whole in
        every plan; all whole, the objective is too, and SCIP rounds its bound up (which makes
        it far quicker than with only the counts of starts and days whole)."""
        programme = linear_solver_pb2.MPModelProto()
        self.lp.ExportModelToProto(programme)
        for variable in programme.variable:
            variable.is_integer = True
        scip = new_scip()
        scip.LoadModelFromProto(programme)
        scip.SetTimeLimit(max(1, int(seconds * 1000)))
        self.scip = scip
        if self.interrupted:
            return None
        status = scip.Solve(exact_parameters())  # a bound, not a plan, is wanted
        if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            self.whole_solution = [variable.solution_value() for variable in scip.variables()]
        bound = scip.Objective().BestBound()
        return _rounded_up(bound) if math.isfinite(bound) else None

    def solve_by_day(self, seconds: float, most_variables: int) -> int | None:
        """`solve_in_whole_numbers` with the venues and trainers day by day (`add_days`), all
        within `seconds`: after that stage, only where its solution holds them in question
        (`contested`). None, unsolved, where none is, or where they would take the programme
        beyond `most_variables`."""
        started = time.monotonic()
        contested = self.contested()
        added = self.day_choices(contested)
        if added == 0 or self.lp.NumVariables() + added > most_variables:
            return None
        self.add_days(contested)
        return self.solve_in_whole_numbers(seconds - (time.monotonic() - started))

    def interrupt(self) -> None:
        """Stop the solve under way (its best bound stays), or the next before it starts."""
        self.interrupted = True
        self.lp.InterruptSolve()
        if self.scip is not None:
            self.scip.InterruptSolve()

    def day_choices(self, contested: set[Held] | None) -> int:
        """How many variables `add_days(contested)` adds: a (project, venue or trainer, start
        day) for each start day on which the venue or trainer is free for the session's every
        day (and which it takes day by day)."""
        months = _months_held(contested)
        return sum(len(self._starts_taken(split, owner, months(owner.id))[0])
                   for split, owners, _, _ in self._owners() for owner in owners)

    def add_days(self, contested: set[Held] | None) -> None:
        """The venues and trainers day by day, not only by months: on each start day, every
        session-phase starting has a venue and `trainers_per_session` distinct trainers, every
        topic taught, each free on all of the session's days; no venue or trainer has two
        sessions on a day; and a venue's or trainer's days with the project in a month are
        those of the sessions it takes. Every plan keeps these too. (By months, a project's
        classes may all start on one day with one free room and the cheapest trainers.)
        Given `contested`, a venue or trainer takes day by day only the sessions running in a
        month it is contested in (any month, if in the year), and on a start day where others
        may take a session too, they take what those leave, held by months alone."""
        lp = self.lp
        months = _months_held(contested)
        sessions_on: dict[tuple[str, int], list[Variable]] = defaultdict(list)
        for split, owners, per_session, topics in self._owners():
            if self.interrupted:  # (adding them all takes a while; finish() waits for it)
                return
            project = split.project
            taken_by, loose = [], set()
            for owner in owners:
                taking, untaken = self._taking(split, owner, sessions_on, months(owner.id))
                taken_by.append(taking)
                loose |= untaken
            for day, count in self.starts[project.id].items():
                on_day = [(owner, taken[day]) for owner, taken in zip(owners, taken_by, strict=True)
                          if day in taken]
                others: Any = 0
                if day in loose:
                    if not on_day:
                        continue
                    others = per_session * count - lp.Sum([takes for _, takes in on_day])
                    lp.Add(others >= 0)
                else:
                    lp.Add(lp.Sum([takes for _, takes in on_day]) == per_session * count)
                # No trainer twice on one class. (For a venue it follows, but SCIP proves the
                # optimum sooner with these rows.)
                for _, takes in on_day:
                    lp.Add(takes <= count)
                for topic in topics:
                    taught = lp.Sum([takes for owner, takes in on_day if topic in owner.topics])
                    lp.Add(taught + others >= count)
        for sessions in sessions_on.values():
            if len(sessions) > 1:
                lp.Add(lp.Sum(sessions) <= 1)

    def project_costs(self) -> dict[str, float] | None:
        """What each project's own terms (all but the balance) cost in the latest solution in
        whole numbers, if there is one. (Not the linear programme's: its fractions are no
        plan's, and guided the neighbourhood search worse.)"""
        if (values := self.whole_solution) is None:
            return None

        def value(term: Any) -> float:
            return sum(coefficient * (1.0 if variable is OFFSET_KEY else values[variable.index()])
                       for variable, coefficient in term.GetCoeffs().items())

        return {project_id: sum(value(term) for term in terms)
                for project_id, terms in self.terms.items() if project_id is not None}

    def contested(self) -> set[Held] | None:
        """The venues and trainers, and the months, where the solution in whole numbers may
        not hold day by day: full in the month (a trainer, or in the year), or taking more
        sessions of a project in the month than it has start days there; None (all) without
        that solution. Elsewhere their days could move to days they are free. Taking only these
        day by day, in only these months, keeps the stage small: SCIP proves the same bound
        sooner than with every venue and trainer in every month."""
        if (values := self.whole_solution) is None:
            return None

        def value(variable: Variable) -> float:
            return values[variable.index()]

        contested = {held for held, terms, most in self.caps
                     if sum(coefficient * value(share) for share, coefficient in terms)
                     >= most - 1e-6}
        start_days: dict[tuple[str, int], set[int]] = defaultdict(set)
        for project_id, starts in self.starts.items():
            days = self.instance.project(project_id).days
            for day, count in starts.items():
                if value(count) > 0.5:
                    for session_day in range(day, day + days):
                        start_days[project_id, self.month[session_day]].add(day)
        for (project_id, owner), shares in self.shares.items():
            days = self.instance.project(project_id).days
            contested |= {(owner, month) for month, share in shares.items()
                          if value(share) / days > len(start_days[project_id, month]) + 1e-6}
        return contested

    def _owners(self) -> Iterator[tuple[SessionSplit, list, int, list[str]]]:
        """Each project's venues (one a session) and its trainers (`trainers_per_session`,
        covering its topics), if it has any."""
        for variables in self.built.projects.values():
            split, project = variables.split, variables.project
            if split.venues:
                yield split, split.venues, 1, []
            if project.trainer_count:
                yield split, split.trainers, project.trainer_count, project.topics

    def _open(self, project: Project, owner: Venue | Trainer) -> list[bool]:
        available = owner.available if isinstance(owner, Trainer) else None
        return self.calendar.open_starts(available, owner.unavailable, project.days)

    def _starts_taken(self, split: SessionSplit, owner: Venue | Trainer, months: set[int] | None
                      ) -> tuple[list[int], set[int]]:
        """The project's start days `owner` is free for whose session runs in `months` (None:
        any), and those it is free for otherwise."""
        open_starts, project = self._open(split.project, owner), split.project
        taken, untaken = [], set()
        for start in split.start_days:
            if not open_starts[start]:
                continue
            if months is None or any(self.month[day] in months
                                     for day in range(start, start + project.days)):
                taken.append(start)
            else:
                untaken.add(start)
        return taken, untaken

    def _taking(self, split: SessionSplit, owner: Venue | Trainer,
                sessions_on: dict[tuple[str, int], list[Variable]], months: set[int] | None
                ) -> tuple[dict[int, Variable], set[int]]:
        """Whether `owner` takes a session-phase of the project starting on each start day it
        is free for whose session runs in `months` (None: any), entered in `sessions_on` for
        each of the session's days; the project's days with `owner` in each of `months` (its
        month shares) are those of the sessions it takes, and in the others at least those.
        Also the start days it is free for but does not take day by day."""
        lp, project = self.lp, split.project
        taken, untaken = self._starts_taken(split, owner, months)
        taking, by_month = {}, defaultdict(list)
        for start in taken:
            taking[start] = lp.NumVar(0.0, 1.0, f"takes[{project.id},{owner.id},{start}]")
            for day in range(start, start + project.days):
                sessions_on[owner.id, day].append(taking[start])
                by_month[self.month[day]].append(taking[start])
        for month, share in self.shares[project.id, owner.id].items():
            if months is None or month in months:
                lp.Add(share == lp.Sum(by_month[month]))
            elif by_month[month]:
                lp.Add(share >= lp.Sum(by_month[month]))
        return taking, untaken

    def _project(self, variables: ProjectVars) -> Variable:
        """The project's variables and terms; returns how much of it runs."""
        lp, weights, split = self.lp, self.weights, variables.split
        project = split.project
        runs = lp.NumVar(1.0 if project.mandatory else 0.0, 1.0, f"runs[{project.id}]")
        if not project.mandatory:
            self.terms[project.id].append(weights.dropped * project.drop_weight * (1 - runs))
        seats = self.seats[project.id] = self._seats(variables, runs)
        rural_seats = lp.Sum([count for town, count in seats.items() if town in self.rural])
        if (quota := self.instance.rural_quota_seats(project)) > 0:
            lp.Add(rural_seats >= quota * runs)
        self._share(project, seats, runs)
        session_phases = split.count * project.phases
        starts = {day: lp.NumVar(0.0, session_phases, f"starts[{project.id},{day}]")
                  for day in split.start_days}
        lp.Add(lp.Sum(list(starts.values())) == session_phases * runs)
        self.starts[project.id] = starts
        self.terms[project.id].append(weights.preference * lp.Sum([
            self.calendar.days_outside(project.wanted_months, day, project.days) * count
            for day, count in starts.items()]))
        self._venues_and_trainers(variables, runs, self._days_by_month(project, starts))
        if (away := self._least_away_days(split)) and weights.away_days:
            self.terms[project.id].append(weights.away_days * away * runs)
        if project.mode.takes_teachers_away:
            self._away(split, starts, runs)
        return runs

    @functools.cached_property
    def trainer_areas(self) -> dict[str, str]:
        return self.instance.trainer_areas()

    def _least_away_days(self, split: SessionSplit) -> int:
        """The fewest trainer-days away from home its classes can take (`away_days`): each
        session-phase in the venue whose area most of its qualified trainers live in, taught
        by them first, free or not."""
        project = split.project
        if not project.mode.uses_venue or not project.trainer_count:
            return 0
        homes = self.trainer_areas
        least = project.trainer_count
        for venue in split.venues:
            area = self.instance.town(venue.town).area_id
            at_home = sum(1 for trainer in split.trainers
                          if homes.get(trainer.id, area) == area)
            least = min(least, max(0, project.trainer_count - at_home))
        return least * project.days * project.phases * split.count

    def _share(self, project: Project, seats: dict[str, Variable], runs: Variable) -> None:
        """The seats short of each town's fair share: short ≥ target × runs − seats, ≥ 0."""
        for town_id, target in self.instance.fair_shares(project).items():
            if target > 0:
                short = self.lp.NumVar(0.0, target, f"short of share[{project.id},{town_id}]")
                self.lp.Add(short >= target * runs - seats[town_id])
                self.terms[project.id].append(self.weights.share * short)

    def _hours(self) -> None:
        """The teacher-hours short of the requirement, row by row as the model holds them
        (`scheduler.core.hours.shortfall_rows`): required − Σ per_seat · seats, at least 0 where
        it may fall below. A row with fractions is its real value here, while the KPI rounds
        the sum down and the model and SCIP round such a row up: the bound gives up the
        weight once for each such row, as the model's slack does."""
        lp = self.lp
        rows = (self.built.hours_rows if self.built.hours_rows is not None
                else [(row, row.in_whole_numbers()) for row in shortfall_rows(self.instance)])
        for row, _ in rows:
            earned = lp.Sum([float(per_seat) * self.seats[project_id][row.town]
                             for project_id, per_seat in row.per_seat.items()
                             if project_id in self.seats])
            value = float(row.required) - earned
            if row.floored:
                short = lp.NumVar(0.0, lp.infinity(), f"hours short[{row.town},{row.audience}]")
                lp.Add(short >= value)
                value = short
            self.terms[None].append(self.weights.hours * value)
            if row.scale > 1:
                self.constant -= self.weights.hours

    def _away(self, split: SessionSplit, starts: dict[int, Variable], runs: Variable) -> None:
        """The project's seats in the session-phases starting on each day (each between its
        smallest and its largest class, together every seat of every phase), entered as away
        on each school day they cover."""
        lp, project = self.lp, split.project
        school = self.calendar.school_days
        smallest = split.headcount - (split.count - 1) * split.max_size  # the others full
        seated = []
        for day, count in starts.items():
            seats = lp.NumVar(0.0, lp.infinity(), f"away[{project.id},{day}]")
            lp.Add(seats <= split.max_size * count)
            if smallest > 1:
                lp.Add(seats >= smallest * count)
            seated.append(seats)
            for session_day in range(day, day + project.days):
                if school[session_day]:
                    self.away_on[session_day].append(seats)
        lp.Add(lp.Sum(seated) == split.headcount * project.phases * runs)

    def _days_by_month(self, project: Project, starts: dict[int, Variable]) -> dict[int, Any]:
        """The project's session days in each month, from how many session-phases start on
        each of its start days."""
        by_month: dict[int, list[Variable]] = defaultdict(list)
        for day, count in starts.items():
            for session_day in range(day, day + project.days):
                by_month[self.month[session_day]].append(count)
        return {month: self.lp.Sum(counts) for month, counts in by_month.items()}

    def _seats(self, variables: ProjectVars, runs: Variable) -> dict[str, Variable]:
        split = variables.split
        project = split.project
        school = self.calendar.school_days
        in_term = project.mode.takes_teachers_away and all(
            all(school[day:day + project.days]) for day in split.start_days)
        seats = {}
        fixed = self.built.seat_totals.get(project.id)
        for town in self.instance.towns:
            pool = town.pool(project.audiences)
            if pool == 0:
                continue
            most = min(pool, split.count * self.instance.absence_cap(town)) if in_term else pool
            seats[town.id] = self.lp.NumVar(0.0, most, f"seats[{project.id},{town.id}]")
            if project.headcount == "all":
                self.lp.Add(seats[town.id] == pool * runs)
            elif fixed is not None:
                self.lp.Add(seats[town.id] == fixed[town.id] * runs)
        self.lp.Add(self.lp.Sum(list(seats.values())) == split.headcount * runs)
        return seats

    def _venues_and_trainers(self, variables: ProjectVars, runs: Variable,
                             days: dict[int, Any]) -> None:
        """Venue-days and trainer-days month by month (`days`: the project's session days in
        each month), each at its price; a `to_area` project's days in each area's venues
        those of its classes there."""
        lp, project, split = self.lp, variables.project, variables.split
        cost = self.weights.cost
        session_days = {day for start in split.start_days
                        for day in range(start, start + project.days)}
        for owner_id in [venue.id for venue in split.venues] + [t.id for t in split.trainers]:
            self.usable_days[owner_id] |= session_days
        if split.venues:
            used = self._month_shares(split, split.venues, days, "venue days", self.venue_days)
            for month, share in days.items():
                lp.Add(lp.Sum([used[venue.id][month] for venue in split.venues]) == share)
            total = {venue.id: lp.Sum(list(used[venue.id].values())) for venue in split.venues}
            for venue in split.venues:
                self.terms[project.id].append(cost * venue.cost_per_day * total[venue.id])
            lp.Add(lp.Sum([min(venue.capacity, split.max_size) * total[venue.id]
                           for venue in split.venues])
                   >= split.headcount * project.phases * project.days * runs)
            for area in set(split.areas):  # 送教下乡: each area's classes in its own venues
                lp.Add(lp.Sum([total[venue.id] for venue in split.venues_of(
                    split.areas.index(area) + 1)])
                       >= split.areas.count(area) * project.phases * project.days * runs)
            if project.venue_rural == "preferred":
                self._urban_seats(split, total, runs)
        if project.trainer_count:
            taught = self._month_shares(split, split.trainers, days, "trainer days",
                                        self.trainer_days)
            for month, share in days.items():
                lp.Add(lp.Sum([taught[trainer.id][month] for trainer in split.trainers])
                       == project.trainer_count * share)
                for trainer in split.trainers:  # no trainer twice on one class
                    lp.Add(taught[trainer.id][month] <= share)
                for topic in project.topics:
                    lp.Add(lp.Sum([taught[trainer.id][month] for trainer in split.trainers
                                   if topic in trainer.topics]) >= share)
            for trainer in split.trainers:
                self.terms[project.id].append(cost * trainer.fee_per_day
                                  * lp.Sum(list(taught[trainer.id].values())))

    def _month_shares(self, split: SessionSplit, owners: list, days: dict[int, Any], name: str,
                      ledger: Ledger) -> dict[str, dict[int, Variable]]:
        """For each venue or trainer in `owners` and each month, the project's days with it,
        entered in `ledger` by (owner, month); over the year, whole sessions of it."""
        lp, project = self.lp, split.project
        shares: dict[str, dict[int, Variable]] = {}
        for owner in owners:
            shares[owner.id] = self.shares[project.id, owner.id] = {}
            for month in days:
                share = lp.NumVar(0.0, lp.infinity(), f"{name}[{project.id},{owner.id},{month}]")
                shares[owner.id][month] = share
                ledger[owner.id, month].append((share, project.days))
            if project.days > 1:
                # In the linear programme this says nothing; in whole numbers, no session is
                # split between venues or trainers, which raises the bound. `sessions` has an
                # upper bound: without one SCIP was several times slower.
                sessions = lp.NumVar(0.0, split.count * project.phases,
                                     f"{name} in sessions[{project.id},{owner.id}]")
                lp.Add(lp.Sum(list(shares[owner.id].values())) == project.days * sessions)
        return shares

    def _urban_seats(self, split: SessionSplit, used: dict[str, Any], runs: Variable) -> None:
        """The `rural_venue` term of a `venue_rural: preferred` project: every seat but those of its
        session-phases in rural venues, each of which seats at most its class or the venue."""
        project = split.project
        in_rural = self.lp.Sum([
            min(split.max_size, venue.capacity) * used[venue.id] * (1 / project.days)
            for venue in split.venues if venue.town in self.rural])
        urban_seats = self.lp.NumVar(0.0, self.lp.infinity(), f"urban seats[{project.id}]")
        self.lp.Add(urban_seats >= split.headcount * project.phases * runs - in_rural)
        if split.areas:  # 送教下乡: an area's seats meet in its own venues
            self.lp.Add(urban_seats >= self.lp.Sum(
                [self._urban_seats_in(split, area, used) for area in set(split.areas)]))
        self.terms[project.id].append(self.weights.rural_venue * urban_seats)

    def _urban_seats_in(self, split: SessionSplit, area: str, used: dict[str, Any]) -> Variable:
        """A `to_area` project's seats of one area beyond what its rural venues there hold."""
        project, seats = split.project, self.seats[split.project.id]
        in_rural = self.lp.Sum([
            min(split.max_size, venue.capacity) * used[venue.id] * (1 / project.days)
            for venue in split.venues_of(split.areas.index(area) + 1)
            if venue.town in self.rural])
        urban = self.lp.NumVar(0.0, self.lp.infinity(), f"urban seats[{project.id},{area}]")
        self.lp.Add(urban >= project.phases * self.lp.Sum(
            [seats[town] for town in split.area_towns[area] if town in seats]) - in_rural)
        return urban

    def _resources(self) -> None:
        """In each month, no venue beyond the days it is open and no trainer beyond the days
        they are free, counting only the days some session that may use them could run (a
        venue is not open for training on a Sunday in August, whatever its calendar says); no
        trainer beyond `max_days` in the year."""
        calendar = self.calendar
        for venue in self.instance.venues:
            self._monthly_cap(venue.id, calendar.blocked_days(None, venue.unavailable),
                              self.venue_days)
        for trainer in self.instance.trainers:
            self._monthly_cap(trainer.id,
                              calendar.blocked_days(trainer.available, trainer.unavailable),
                              self.trainer_days)
            year = [share for month in range(1, 13)
                    for share, _ in self.trainer_days.get((trainer.id, month), [])]
            if year:
                self._cap((trainer.id, None), [(share, 1.0) for share in year],
                          trainer.max_days)

    def _monthly_cap(self, owner: str, blocked: set[int], ledger: Ledger) -> None:
        """`owner`'s days in each month within its usable days, less the `blocked` ones; and
        its sessions of each length k or more within what its runs of usable days can hold."""
        usable = self.usable_days[owner] - blocked
        per_month: dict[int, int] = defaultdict(int)
        for day in usable:
            per_month[self.month[day]] += 1
        runs = _runs(usable)
        for month in range(1, 13):
            entries = ledger.get((owner, month))
            if not entries:
                continue
            self._cap((owner, month), [(share, 1.0) for share, _ in entries], per_month[month])
            for least, most in self._session_caps(runs, month, {days for _, days in entries}):
                self._cap((owner, month), [(share, 1 / days) for share, days in entries
                                           if days >= least], most)

    def _cap(self, held: Held, terms: list[tuple[Variable, float]], most: float) -> None:
        self.lp.Add(self.lp.Sum([coefficient * share for share, coefficient in terms]) <= most)
        self.caps.append((held, terms, most))

    def _session_caps(self, runs: list[list[int]], month: int,
                      lengths: set[int]) -> Iterator[tuple[int, float]]:
        """For each session length k in `lengths` where it says more than the day count: how
        many sessions of k days or more (each counted by its share of days in `month`) fit in
        the month. A session's days are consecutive usable days, so each lies in one run of
        them (`runs`, the owner's): a run of r days holds at most r // k such sessions, and
        those count at most a / k in the month, a being the run's days in it. With weekdays
        only, a 5-day week holds one 3-day session, not five thirds."""
        runs = [run for run in runs if self.month[run[0]] <= month <= self.month[run[-1]]]
        for least in sorted(length for length in lengths if length > 1):
            inside = [sum(self.month[day] == month for day in run) for run in runs]
            most = sum(min(len(run) // least, days / least)
                       for run, days in zip(runs, inside, strict=True))
            if most < sum(inside) / least - 1e-9:
                yield least, most

    def _balance(self) -> None:
        """The balance is at least the teachers away on each school day; the largest class
        (at least the average) of a project whose every class spends a school day away; and
        the smallest class of one whose classes may all keep off school days, unless they
        do."""
        lp = self.lp
        balance = lp.NumVar(0.0, lp.infinity(), "balance")
        self.terms[None].append(self.weights.balance * balance)
        for seats in self.away_on.values():
            lp.Add(lp.Sum(seats) <= balance)
        school = self.calendar.school_days
        for project_id, variables in self.built.projects.items():
            split, project = variables.split, variables.project
            if not project.mode.takes_teachers_away:
                continue
            in_term = [count for day, count in self.starts[project_id].items()
                       if any(school[day:day + project.days])]
            if len(in_term) == len(split.start_days):
                lp.Add(balance >= -(-split.headcount // split.count) * self.running[project_id])
                continue
            smallest = split.headcount - (split.count - 1) * split.max_size  # the others full
            if in_term and smallest > 0:
                # Whether any of its session-phases spends a school day away: in whole numbers
                # 0 or 1, so the smallest class counts whole, not spread over the term's days:
                # SCIP by months proves a higher bound, and sooner.
                some_in_term = lp.NumVar(0.0, 1.0, f"in term[{project_id}]")
                lp.Add(split.count * project.phases * some_in_term >= lp.Sum(in_term))
                lp.Add(balance >= smallest * some_in_term)

    def _one_training_a_day(self) -> None:
        """One training at a time, where it needs no seats by town: an all-staff project of
        one class takes, on its days, every teacher of its audiences in every town it seats,
        so on those days no session-phase runs of a project that trains one of its audiences
        and seats only towns it fills: Σ B's session-phases covering d ≤ n_B × (1 − Σ A's
        covering d). Left out past `MOST_TEACHER_ROWS` rows, where it would cost the
        programme more than it raises the bound."""
        pairs = []
        for first, variables in self.built.projects.items():
            project = variables.project
            if project.headcount != "all" or variables.split.count != 1:
                continue
            filled = {town.id for town in self.instance.towns if town.pool(project.audiences)}
            for second, other in self.built.projects.items():
                if second != first and set(other.project.audiences) & set(project.audiences) \
                        and all(town.id in filled for town in self.instance.towns
                                if town.pool(other.project.audiences)):
                    pairs.append((first, second, other.split.count * other.project.phases))
        covering = {project_id: self._covering(project_id)
                    for project_id in {pid for pair in pairs for pid in pair[:2]}}
        rows = sum(len(covering[first].keys() & covering[second].keys())
                   for first, second, _ in pairs)
        if rows > MOST_TEACHER_ROWS:
            return
        for first, second, most in pairs:
            for day in covering[first].keys() & covering[second].keys():
                self.lp.Add(self.lp.Sum(covering[second][day])
                            <= most * (1 - self.lp.Sum(covering[first][day])))

    def _covering(self, project_id: str) -> dict[int, list[Variable]]:
        """The project's start counts whose session-phases cover each day."""
        days = self.instance.project(project_id).days
        covering: dict[int, list[Variable]] = defaultdict(list)
        for start, count in self.starts[project_id].items():
            for day in range(start, start + days):
                covering[day].append(count)
        return covering


def _months_held(contested: set[Held] | None) -> Callable[[str], set[int] | None]:
    """The months each venue or trainer is contested in (a trainer in the year: all); None,
    all of them, where `contested` is None."""
    if contested is None:
        return lambda owner_id: None
    months: dict[str, set[int]] = defaultdict(set)
    for owner_id, month in contested:
        months[owner_id].update(range(1, 13) if month is None else (month,))
    return lambda owner_id: months[owner_id]


def _rounded_up(value: float) -> int:
    # The solvers' tolerances (1e-7 on coefficients up to a million) may put an optimum a
    # little above the true one: a millionth off, rounded up, it stays a bound.
    return math.ceil(value - 1e-6 * max(1.0, abs(value)))


def _runs(days: set[int]) -> list[list[int]]:
    """The maximal runs of consecutive days in `days`, in order."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs

