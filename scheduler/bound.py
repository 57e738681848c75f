"""A lower bound on the objective from a linear relaxation, solved apart from the search.

CP-SAT's own bound rests on its relaxation of the whole model, where the absence cap (a
cumulative whose demands are seat variables) says almost nothing, and on instances of a
hundred projects or more its search proves no bound at all in the time it has. This relaxation
keeps what the objective pays for and forgets the calendar, one project at a time:

- a project runs (a fraction, in the relaxation) or pays its priority; a mandatory one runs;
- its seats by town: within each town's teachers of its audiences, together its headcount, the
  rural quota met; a class that can only fall in term time seats at most the town's daily cap;
  the rural term is what falls short of min(headcount, rural pool), plus the seats of a
  `venue_rural: preferred` project beyond what its session-phases in rural venues can hold
  (each the smaller of its class and the venue);
- each session-phase at least the days outside the preferred months its best start day has;
- its venue-days and trainer-days, at each venue's and trainer's price: every day one usable
  venue and `trainers_per_session` qualified trainers, every topic taught, no trainer on one
  class twice, nor beyond `max_days`, nor a venue beyond the days it is open;
- the balance at least the largest class of a project whose classes are away on a school day,
  and at least the away seat-days that must fall inside a stretch of whole months, over that
  stretch's school days.

Every plan gives a point of this linear programme at its own objective (the stability terms of
re-planning, never negative, are left out), so the programme's optimum, which GLOP finds in a
second or so, is a bound (`solve` leaves it out on XL, for its memory). On anshan it is 768,445
where CP-SAT proved 760,700 in 60 s; on qianjiang 196,500 against 189,500; on the generated M
instance 527,453 where CP-SAT proved nothing; on 2024 91,800 against the optimum 92,700.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.linear_solver import pywraplp
from ortools.linear_solver.pywraplp import Variable

from scheduler.calendar import YearCalendar
from scheduler.model import ProjectVars, TrainingModel
from scheduler.sessions import SessionSplit

TIME_LIMIT_SECONDS = 60.0


def relaxation_bound(built: TrainingModel, seconds: float = TIME_LIMIT_SECONDS) -> int | None:
    """The relaxation's optimum, rounded up to a whole number, or None if GLOP did not solve
    it within `seconds`."""
    return _Relaxation(built).solve(seconds)


class _Relaxation:
    def __init__(self, built: TrainingModel):
        self.built = built
        self.instance = built.instance
        self.calendar = built.calendar
        self.weights = built.instance.objective.weights
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.venue_days: dict[str, list] = defaultdict(list)
        self.trainer_days: dict[str, list] = defaultdict(list)
        self.rural = {town.id for town in self.instance.towns if town.rural}
        self.terms: list = []
        self.constant = sum(self.instance.project(project_id).drop_weight
                            for project_id in built.unschedulable) * self.weights.dropped
        self.running = {project_id: self._project(variables)
                        for project_id, variables in built.projects.items()}
        self._resources()
        self._balance()

    def solve(self, seconds: float) -> int | None:
        self.lp.SetTimeLimit(max(1, int(seconds * 1000)))
        self.lp.Minimize(self.lp.Sum(self.terms) + self.constant)
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        value = self.lp.Objective().Value()
        # GLOP's tolerances (1e-7 on coefficients up to a million) may put its optimum a little
        # above the true one: a millionth off, rounded up, it stays a bound.
        return math.ceil(value - 1e-6 * max(1.0, abs(value)))

    def _project(self, variables: ProjectVars) -> Variable:
        """The project's variables and terms; returns how much of it runs."""
        lp, weights, split = self.lp, self.weights, variables.split
        project = split.project
        runs = lp.NumVar(1.0 if project.mandatory else 0.0, 1.0, f"runs[{project.id}]")
        if not project.mandatory:
            self.terms.append(weights.dropped * project.drop_weight * (1 - runs))
        seats = self._seats(variables, runs)
        rural_seats = lp.Sum([count for town, count in seats.items() if town in self.rural])
        if (quota := self.instance.rural_quota_seats(project)) > 0:
            lp.Add(rural_seats >= quota * runs)
        best = min(split.headcount, self.instance.rural_pool(project))
        self.terms.append(weights.rural * (best * runs - rural_seats))
        session_phases = split.count * project.phases
        least_outside = min(self.calendar.days_outside(project.wanted_months, day, project.days)
                            for day in split.start_days)
        self.terms.append(weights.preference * session_phases * least_outside * runs)
        self._venues_and_trainers(variables, runs, session_phases * project.days)
        return runs

    def _seats(self, variables: ProjectVars, runs: Variable) -> dict[str, Variable]:
        split = variables.split
        project = split.project
        school = self.calendar.school_days
        in_term = project.mode.takes_teachers_away and all(
            all(school[day:day + project.days]) for day in split.start_days)
        seats = {}
        for town in self.instance.towns:
            pool = town.pool(project.audiences)
            if pool == 0:
                continue
            most = min(pool, split.count * self.instance.absence_cap(town)) if in_term else pool
            seats[town.id] = self.lp.NumVar(0.0, most, f"seats[{project.id},{town.id}]")
            if project.headcount == "all":
                self.lp.Add(seats[town.id] == pool * runs)
        self.lp.Add(self.lp.Sum(list(seats.values())) == split.headcount * runs)
        return seats

    def _venues_and_trainers(self, variables: ProjectVars, runs: Variable, days: int) -> None:
        lp, project, split = self.lp, variables.project, variables.split
        cost = self.weights.cost
        if split.venues:
            used = {venue.id: lp.NumVar(0.0, days, f"venue days[{project.id},{venue.id}]")
                    for venue in split.venues}
            lp.Add(lp.Sum(list(used.values())) == days * runs)
            for venue in split.venues:
                self.venue_days[venue.id].append(used[venue.id])
                self.terms.append(cost * venue.cost_per_day * used[venue.id])
            if project.venue_rural == "preferred":
                self._urban_seats(split, used, runs)
        if project.trainer_count:
            taught = {trainer.id: lp.NumVar(0.0, days, f"trainer days[{project.id},{trainer.id}]")
                      for trainer in split.trainers}
            lp.Add(lp.Sum(list(taught.values())) == project.trainer_count * days * runs)
            for topic in project.topics:
                lp.Add(lp.Sum([taught[trainer.id] for trainer in split.trainers
                               if topic in trainer.topics]) >= days * runs)
            for trainer in split.trainers:
                self.trainer_days[trainer.id].append(taught[trainer.id])
                self.terms.append(cost * trainer.fee_per_day * taught[trainer.id])

    def _urban_seats(self, split: SessionSplit, used: dict[str, Variable],
                     runs: Variable) -> None:
        """The rural term of a `venue_rural: preferred` project: every seat but those of its
        session-phases in rural venues, each of which seats at most its class or the venue."""
        project = split.project
        in_rural = self.lp.Sum([
            min(split.max_size, venue.capacity) * used[venue.id] * (1 / project.days)
            for venue in split.venues if venue.town in self.rural])
        urban_seats = self.lp.NumVar(0.0, self.lp.infinity(), f"urban seats[{project.id}]")
        self.lp.Add(urban_seats >= split.headcount * project.phases * runs - in_rural)
        self.terms.append(self.weights.rural * urban_seats)

    def _resources(self) -> None:
        """No trainer beyond `max_days`, no venue beyond the days it is open."""
        for trainer in self.instance.trainers:
            if self.trainer_days[trainer.id]:
                self.lp.Add(self.lp.Sum(self.trainer_days[trainer.id]) <= trainer.max_days)
        for venue in self.instance.venues:
            if self.venue_days[venue.id]:
                closed = len({date for span in venue.unavailable for date in span.days()})
                self.lp.Add(self.lp.Sum(self.venue_days[venue.id])
                            <= self.calendar.length - closed)

    def _balance(self) -> None:
        """The balance is at least the largest class (at least the average) of a project whose
        every class spends a school day away; and, over a stretch of whole months, the away
        seat-days that must fall inside it (each class at least the school days its best start
        day gives) divided by the stretch's school days."""
        balance = self.lp.NumVar(0.0, self.lp.infinity(), "balance")
        self.terms.append(self.weights.balance * balance)
        school = self.calendar.school_days
        months = _month_starts(self.calendar)
        inside: dict[tuple[int, int], list] = defaultdict(list)
        for project_id, variables in self.built.projects.items():
            split, project = variables.split, variables.project
            if not project.mode.takes_teachers_away:
                continue
            first = self.calendar.date(split.start_days[0]).month
            last = self.calendar.date(split.start_days[-1] + project.days - 1).month
            least_school_days = min(sum(school[day:day + project.days])
                                    for day in split.start_days)
            if least_school_days == 0:
                continue
            # Some class seats at least the average, all of them away on a school day.
            self.lp.Add(balance >= -(-split.headcount // split.count) * self.running[project_id])
            seat_days = least_school_days * project.phases * split.headcount
            for begin in range(1, first + 1):
                for end in range(last, 13):
                    inside[(begin, end)].append(seat_days * self.running[project_id])
        for (begin, end), loads in inside.items():
            days = sum(school[months[begin]:months[end + 1]])
            if days:
                self.lp.Add(self.lp.Sum(loads) <= days * balance)


def _month_starts(calendar: YearCalendar) -> list[int]:
    """The first day of each month 1…12, indexed by month, and the year's end at 13."""
    starts = [0] * 14
    for day in range(calendar.length):
        date = calendar.date(day)
        if date.day == 1:
            starts[date.month] = day
    starts[13] = calendar.length
    return starts

