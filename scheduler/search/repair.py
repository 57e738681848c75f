"""Ruin and recreate: the quick plan improved a few projects at a time, without a solver.

A move takes a few projects out of the plan (a costly one and those running nearest it, or a
random few) and puts them back one by one, in random order, by the seat-aware planner's rules
(`construct`): each class on the start day that costs the objective least among what the rest
of the plan leaves free, and, one project in two, smaller than its even share where that fits
it into a cheaper free venue (the even classes are often too large for the free rooms and take
the dear halls). The move is kept if the plan costs no more; a project that no longer fits is
dropped for its priority (a mandatory one undoes the move). A move takes milliseconds, where a
neighbourhood of CP-SAT on a model of a few hundred projects takes seconds and most often finds
nothing. The moves stop once they stall (`SolveParams.stalled_moves_per_project`): on a small
instance the neighbourhood search then goes on from a better start.
"""

from __future__ import annotations

import random
from collections import defaultdict

from models.instance import Instance
from models.solution import SessionPhase
from scheduler.core.calendar import YearCalendar
from scheduler.core.hours import RunningHours
from scheduler.core.kpis import project_terms, weighted_terms
from scheduler.core.sessions import SessionSplit
from scheduler.search.construct import SeatAwarePlanner
from scheduler.search.context import SearchContext
from scheduler.search.hand_method import NO_ROOM_LEFT, Booking, HandPlan
from scheduler.search.params import SolveParams


def repair(instance: Instance, calendar: YearCalendar, splits: dict[str, SessionSplit | str],
           plan: HandPlan, search: SearchContext) -> HandPlan:
    """The plan after moves until the search's deadline (on the work clock each move is
    `params.move_work`), a stop, or a stall; never worse than `plan`, and it keeps every rule
    as the planner's plans do. The search's `on_improve` gets the objective of `plan`, then
    each better one."""
    return _Repair(instance, calendar, splits, plan, random.Random(search.seed),
                   search.params).run(search)


class _Repair:
    def __init__(self, instance: Instance, calendar: YearCalendar,
                 splits: dict[str, SessionSplit | str], plan: HandPlan, rng: random.Random,
                 params: SolveParams):
        self.instance, self.calendar, self.rng, self.params = instance, calendar, rng, params
        self.weights = instance.objective.weights
        self.reasons = dict(plan.reasons)
        self.splits = {project_id: split for project_id, split in splits.items()
                       if isinstance(split, SessionSplit)}
        self.movable = list(self.splits)
        self.unschedulable = sum(project.drop_weight for project in instance.projects
                                 if project.id not in self.splits)
        self.planner = SeatAwarePlanner(instance, calendar, splits)
        self.rows: dict[str, list[SessionPhase]] = defaultdict(list)
        for row in plan.rows:
            self.rows[row.project].append(row)
        self.bookings: dict[str, list[Booking]] = {
            project_id: self.planner.book_rows(self.splits[project_id].project, rows)
            for project_id, rows in self.rows.items()}
        self.later: dict[str, list[str]] = defaultdict(list)
        for project in instance.projects:
            for earlier in project.after:
                self.later[earlier].append(project.id)
        self.least = {project_id: self.weights.cost * split.least_cost()
                      for project_id, split in self.splits.items()}
        self.hours = RunningHours(instance)
        self.value = {project_id: self._value(project_id) for project_id in self.movable}
        self.objective = self._objective()

    def run(self, search: SearchContext) -> HandPlan:
        stall = self.params.stalled_moves_per_project * len(self.movable)
        since_better = 0
        on_improve, clock = search.on_improve, search.clock
        if on_improve is not None:
            on_improve(self.objective)
        while (self.movable and since_better < stall and not search.stopped()
               and clock.now() < search.deadline):
            clock.spend(self.params.move_work)
            before = self.objective
            self._move(self._taken_out())
            since_better = 0 if self.objective < before else since_better + 1
            if since_better == 0 and on_improve is not None:
                on_improve(self.objective)
        return self._plan()

    def _taken_out(self) -> list[str]:
        """A costly project (in proportion to what it costs above its least; a dropped one
        as much as the costliest placed one, or it would be all that is ever chosen) and those
        whose first day is nearest it, or a random few."""
        count = min(self.rng.randint(2, self.params.most_taken_out), len(self.movable))
        if self.rng.random() < 0.5:
            return self.rng.sample(self.movable, count)
        excess = {project_id: self.value[project_id] - self.least[project_id] + 1
                  for project_id in self.movable if project_id in self.rows}
        costliest = max(excess.values(), default=1)
        weights = [excess.get(project_id, costliest) for project_id in self.movable]
        chosen = self.rng.choices(self.movable, weights=weights)[0]
        first = self._first_day(chosen)
        others = [project_id for project_id in self.movable if project_id != chosen]
        nearest = sorted(others, key=lambda project_id: abs(self._first_day(project_id) - first))
        return [chosen, *self.rng.sample(nearest[:3 * count], count - 1)]

    def _move(self, taken_out: list[str]) -> None:
        """Take the projects out and put them back; keep the plan if it costs no more."""
        before = {project_id: (self.rows.get(project_id), self.bookings.get(project_id),
                               self.value[project_id]) for project_id in taken_out}
        for project_id in taken_out:
            self._take_out(project_id)
        self.rng.shuffle(taken_out)
        fits = all(self._put_back(project_id) for project_id in taken_out)
        objective = self._objective()
        if fits and objective <= self.objective:
            self.objective = objective
            return
        for project_id in taken_out:
            self._take_out(project_id)
        for project_id, (rows, bookings, value) in before.items():
            if rows is not None and bookings is not None:
                self.planner.rebook(bookings)
                self.rows[project_id], self.bookings[project_id] = rows, bookings
            self.value[project_id] = value
            self.hours.place(project_id, _seats(rows or []))

    def _take_out(self, project_id: str) -> None:
        if project_id in self.bookings:
            self.planner.unbook(self.bookings.pop(project_id))
            del self.rows[project_id]

    def _put_back(self, project_id: str) -> bool:
        """Place the project, or drop it; False if it is mandatory and does not fit."""
        before = min((self._first_day(later) for later in self.later[project_id]
                      if later in self.rows), default=None)
        self.planner.resize = self.rng.random() < 0.5
        placed = self.planner.place(self.splits[project_id], before)
        if placed is not None:
            self.rows[project_id], self.bookings[project_id] = placed
        self.value[project_id] = self._value(project_id)
        return placed is not None or not self.splits[project_id].project.mandatory

    def _first_day(self, project_id: str) -> int:
        rows = self.rows.get(project_id)
        if not rows:
            return self.splits[project_id].start_days[0]
        return min(self.calendar.day(row.start) for row in rows)

    def _value(self, project_id: str) -> int:
        """The project's own weighted terms: its priority if dropped; else its seats short of
        fair shares and in urban venues, days outside its preferred months and cost."""
        project = self.splits[project_id].project
        self.hours.place(project_id, _seats(self.rows.get(project_id, [])))
        if project_id not in self.rows:
            return self.weights.dropped * project.drop_weight
        own = project_terms(self.instance, self.calendar, self.rows[project_id])[project_id]
        return weighted_terms(self.instance, project, own)

    def _objective(self) -> int:
        """The plan's objective: the projects' own terms, the busiest school day's absence and
        the teacher-hours short of the requirement (and the priority of the projects that
        cannot run at all)."""
        return (sum(self.value.values()) + self.weights.dropped * self.unschedulable
                + self.weights.balance * int(self.planner.away.max())
                + self.weights.hours * self.hours.short())

    def _plan(self) -> HandPlan:
        rows = sorted((row for rows in self.rows.values() for row in rows),
                      key=lambda row: (row.start, row.project, row.session, row.phase))
        dropped = [project.id for project in self.instance.projects
                   if project.id not in self.rows]
        reasons = {project_id: self.reasons.get(project_id, NO_ROOM_LEFT)
                   for project_id in dropped}
        return HandPlan(rows, dropped, reasons)


def _seats(rows: list[SessionPhase]) -> dict[str, int]:
    """A project's seats by town over its classes (each read from its first phase)."""
    seats: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.phase == 1:
            for town, count in row.seats.items():
                seats[town] += count
    return seats
