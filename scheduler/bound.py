"""A lower bound on the objective from a linear relaxation, solved apart from the search.

CP-SAT's own bound rests on its relaxation of the whole model, where the absence cap (a
cumulative whose demands are seat variables) says almost nothing, and on instances of a
hundred projects or more its search proves no bound at all in the time it has. This relaxation
keeps what the objective pays for, one project at a time, and of the calendar only months:

- a project runs (a fraction, in the relaxation) or pays its priority; a mandatory one runs;
- its seats by town: within each town's teachers of its audiences, together its headcount, the
  rural quota met; a class that can only fall in term time seats at most the town's daily cap;
  the rural term is what falls short of min(headcount, rural pool), plus the seats of a
  `venue_rural: preferred` project beyond what its session-phases in rural venues can hold
  (each the smaller of its class and the venue);
- how many of its session-phases start on each of its start days (a fraction): the days
  outside the preferred months they give, and its session days in each month;
- in each month, its venue-days and trainer-days, at each venue's and trainer's price: every
  day one usable venue, whose seats (up to the class size) over its days hold the project's
  seat-days, and `trainers_per_session` qualified trainers, every topic taught, no
  trainer on one class twice; no venue or trainer beyond the days of the month it is open or
  free on which some session that may use it could run, nor a trainer beyond `max_days`;
- the balance at least the largest class of a project whose classes are away on a school day,
  and at least the away seat-days that must fall inside a stretch of whole months, over that
  stretch's school days.

Every plan gives a point of this linear programme at its own objective (the stability terms of
re-planning, never negative, are left out), so the programme's optimum, which GLOP finds in a
second or so (L: 13 s), is a bound (`solve` leaves it out on XL, for its memory). On anshan it
is 772,290 where CP-SAT proved 760,700 in 60 s; on qianjiang 196,500 against 189,500; on 2024
91,800 against the optimum 92,700; on the generated M and L instances 530,253 and 2,289,883,
where CP-SAT proved nothing. By months, not by the year alone, L's bound is 4 % higher: the
free venues are full in the months most projects must run; by seat-days, 1.6 % more: a free
60-seat room cannot host a class of 300 for a fifth of the price.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.linear_solver.pywraplp import Variable

from models.instance import Project
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
        self.venue_days: dict[tuple[str, int], list] = defaultdict(list)
        self.trainer_days: dict[tuple[str, int], list] = defaultdict(list)
        """Each project's days with each venue and trainer, by (venue or trainer, month)."""
        self.month = [self.calendar.date(day).month for day in range(self.calendar.length)]
        self.usable_days: dict[str, set[int]] = defaultdict(set)
        """For each venue and trainer, the days some session that may use them could run."""
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
        starts = {day: lp.NumVar(0.0, session_phases, f"starts[{project.id},{day}]")
                  for day in split.start_days}
        lp.Add(lp.Sum(list(starts.values())) == session_phases * runs)
        self.terms.append(weights.preference * lp.Sum([
            self.calendar.days_outside(project.wanted_months, day, project.days) * count
            for day, count in starts.items()]))
        self._venues_and_trainers(variables, runs, self._days_by_month(project, starts))
        return runs

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

    def _venues_and_trainers(self, variables: ProjectVars, runs: Variable,
                             days: dict[int, Any]) -> None:
        """Venue-days and trainer-days month by month (`days`: the project's session days in
        each month), each at its price."""
        lp, project, split = self.lp, variables.project, variables.split
        cost = self.weights.cost
        session_days = {day for start in split.start_days
                        for day in range(start, start + project.days)}
        for owner_id in [venue.id for venue in split.venues] + [t.id for t in split.trainers]:
            self.usable_days[owner_id] |= session_days
        if split.venues:
            used = self._month_shares(project, split.venues, days, "venue days", self.venue_days)
            for month, share in days.items():
                lp.Add(lp.Sum([used[venue.id][month] for venue in split.venues]) == share)
            total = {venue.id: lp.Sum(list(used[venue.id].values())) for venue in split.venues}
            for venue in split.venues:
                self.terms.append(cost * venue.cost_per_day * total[venue.id])
            lp.Add(lp.Sum([min(venue.capacity, split.max_size) * total[venue.id]
                           for venue in split.venues])
                   >= split.headcount * project.phases * project.days * runs)
            if project.venue_rural == "preferred":
                self._urban_seats(split, total, runs)
        if project.trainer_count:
            taught = self._month_shares(project, split.trainers, days, "trainer days",
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
                self.terms.append(cost * trainer.fee_per_day
                                  * lp.Sum(list(taught[trainer.id].values())))

    def _month_shares(self, project: Project, owners: list, days: dict[int, Any], name: str,
                      ledger: dict[tuple[str, int], list]) -> dict[str, dict[int, Variable]]:
        """For each venue or trainer in `owners` and each month, the project's days with it,
        entered in `ledger` by (owner, month)."""
        shares: dict[str, dict[int, Variable]] = {}
        for owner in owners:
            shares[owner.id] = {}
            for month in days:
                share = self.lp.NumVar(0.0, self.lp.infinity(),
                                       f"{name}[{project.id},{owner.id},{month}]")
                shares[owner.id][month] = share
                ledger[owner.id, month].append(share)
        return shares

    def _urban_seats(self, split: SessionSplit, used: dict[str, Any], runs: Variable) -> None:
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
                    for share in self.trainer_days.get((trainer.id, month), [])]
            if year:
                self.lp.Add(self.lp.Sum(year) <= trainer.max_days)

    def _monthly_cap(self, owner: str, blocked: set[int],
                     ledger: dict[tuple[str, int], list]) -> None:
        """`owner`'s days in each month within its usable days, less the `blocked` ones."""
        usable = self.usable_days[owner] - blocked
        per_month: dict[int, int] = defaultdict(int)
        for day in usable:
            per_month[self.month[day]] += 1
        for month in range(1, 13):
            if ledger.get((owner, month)):
                self.lp.Add(self.lp.Sum(ledger[owner, month]) <= per_month[month])

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

