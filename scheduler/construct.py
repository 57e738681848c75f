"""The solver's own first plan: the hand method's bookkeeping (`scheduler.baseline`), with the
choices the objective rewards.

The hand method seats each class in proportion to the towns' pools on its first free dates, so
its plan spends the rural towns' few absence places on a few crowded days and leaves them idle
on the others (anshan: each rural town idle on 133 of 187 school days), and the rural
term, 200 a seat, is most of its objective. The neighbourhood search mends that a few projects
at a time, which on a large instance takes longer than it has. Here each class goes, among its
allowed start days, to the one where the rural towns can still send the most teachers
(preferred months breaking ties the way the objective weighs them), into the cheapest free
venue that holds it, with the cheapest free trainers; its seats go to the rural towns first,
each up to what it can still send on those days, then to the other towns. A project that does
not fit this way is placed by the hand method's rules; one that fits neither way is dropped.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import replace

import numpy as np

from models.instance import Instance, Project, Venue
from models.solution import SessionPhase
from scheduler.baseline import Booking, GreedyPlanner, proportional
from scheduler.calendar import YearCalendar
from scheduler.sessions import SessionSplit

CANDIDATE_DAYS = 20
"""Start days tried per class, best first, before the project falls back to the hand method."""


class SeatAwarePlanner(GreedyPlanner):
    """`plan()` returns a `HandPlan`; every plan keeps every rule, as the hand method's does."""

    def __init__(self, instance: Instance, calendar: YearCalendar | None = None,
                 splits: dict[str, SessionSplit | str] | None = None):
        super().__init__(instance, calendar, splits)
        towns = instance.towns
        self.town_ids = [town.id for town in towns]
        self.town_index = {town.id: index for index, town in enumerate(towns)}
        self.is_rural = np.array([town.rural for town in towns], dtype=bool)
        self.rural_ids = {town.id for town in towns if town.rural}
        school = np.array(self.calendar.school_days, dtype=bool)
        caps = np.array([instance.absence_cap(town) for town in towns], dtype=np.int64)
        teachers = np.array([town.total_teachers for town in towns], dtype=np.int64)
        self.spare = np.where(school[None, :], caps[:, None], teachers[:, None])
        """What each town (row) can still send on each day (column)."""

    def _table_order(self) -> list[Project]:
        """The projects with the fewest start days first (a project listed in another's
        `after` still before it): a class that can go on few days needs the towns' places on
        those days before the others spend them."""
        start_days = {project.id: len(split.start_days)
                      if isinstance(split := self._split(project), SessionSplit) else 0
                      for project in self.instance.projects}
        position = {project.id: index for index, project in enumerate(self.instance.projects)}
        waiting = {project.id: set(project.after) for project in self.instance.projects}
        later: dict[str, list[str]] = defaultdict(list)
        for project in self.instance.projects:
            for earlier in project.after:
                later[earlier].append(project.id)
        ready = [(start_days[project_id], position[project_id], project_id)
                 for project_id, earlier in waiting.items() if not earlier]
        heapq.heapify(ready)
        ordered = []
        while ready:
            *_, project_id = heapq.heappop(ready)
            ordered.append(self.instance.project(project_id))
            for successor in later[project_id]:
                waiting[successor].discard(project_id)
                if not waiting[successor]:
                    heapq.heappush(ready, (start_days[successor], position[successor], successor))
        return ordered

    def _place_project(self, split: SessionSplit) -> list[SessionPhase] | None:
        split = self._cheapest_first(split)
        if split.project.headcount == "all":  # every seat is given: nothing to choose
            return super()._place_project(split)
        mark = len(self.journal)
        rows = self._place_sessions(split)
        if rows is None:
            self._roll_back(mark)
            return super()._place_project(split)
        self.ends[split.project.id] = max(self.calendar.day(row.end) for row in rows)
        return rows

    def _place_sessions(self, split: SessionSplit) -> list[SessionPhase] | None:
        """Each class in turn, as large as the seats left allow evenly; None if one does not
        fit or the project misses its rural quota."""
        project = split.project
        earliest = max((self.ends[earlier] + 1 for earlier in project.after
                        if earlier in self.ends), default=0)
        starts = np.array([day for day in split.start_days if day >= earliest], dtype=np.int64)
        if starts.size == 0:
            return None
        outside = np.array([self.calendar.days_outside(project.wanted_months, int(day),
                                                       project.days) for day in starts])
        pools = np.array([town.pool(project.audiences) for town in self.instance.towns],
                         dtype=np.int64)
        left = split.headcount
        rows: list[SessionPhase] = []
        for number in range(1, split.count + 1):
            size = -(-left // (split.count - number + 1))
            placed = (self._place_session(split, number, size, pools, starts, outside)
                      if size >= 1 else None)
            if placed is None:
                return None
            session_rows, seats = placed
            rows += session_rows
            left -= size
            pools -= seats
        rural_seats = sum(count for row in rows if row.phase == 1
                          for town, count in row.seats.items() if town in self.rural_ids)
        return rows if rural_seats >= self.instance.rural_quota_seats(project) else None

    def _place_session(self, split: SessionSplit, number: int, size: int, pools: np.ndarray,
                       starts: np.ndarray, outside: np.ndarray
                       ) -> tuple[list[SessionPhase], np.ndarray] | None:
        """The class on the best of its start days that has room, every phase booked, and its
        seats by town; None if none of the `CANDIDATE_DAYS` best has room."""
        project = split.project
        if project.mode.takes_teachers_away:
            sendable = self.spare[:, starts]
            for offset in range(1, project.days):
                sendable = np.minimum(sendable, self.spare[:, starts + offset])
            available = np.clip(np.minimum(sendable, pools[:, None]), 0, None)
        else:
            available = np.repeat(pools[:, None], starts.size, axis=1)
        rural = np.minimum(available[self.is_rural].sum(axis=0), size)
        fits = available.sum(axis=0) >= size
        weights = self.instance.objective.weights
        cost = weights.preference * project.phases * outside - weights.rural * rural
        candidates = [index for index in np.lexsort((starts, cost)) if fits[index]]
        for index in candidates[:CANDIDATE_DAYS]:
            seats = self._seats(available[:, index], int(rural[index]), size)
            rows = self._place_phases(split, number, seats, int(starts[index]))
            if rows is not None:
                return rows, np.array([seats.get(town, 0) for town in self.town_ids])
        return None

    def _seats(self, available: np.ndarray, rural: int, size: int) -> dict[str, int]:
        """`rural` seats over the rural towns and the rest over the others, each in proportion
        to what the town can send."""
        seats: dict[str, int] = {}
        for is_rural, count in ((True, rural), (False, size - rural)):
            towns = {town: int(available[index]) for index, town in enumerate(self.town_ids)
                     if self.is_rural[index] == is_rural and available[index] > 0}
            seats |= proportional(towns, count)
        return {town: count for town, count in seats.items() if count > 0}

    def _place_phases(self, split: SessionSplit, number: int, seats: dict[str, int],
                      start: int) -> list[SessionPhase] | None:
        """Phase 1 from `start`, each later one on the first days the hand method would take
        after it; nothing booked if one does not fit."""
        project = split.project
        mark = len(self.journal)
        first = self._place_at(split, number, 1, seats, start)
        if first is None:
            return None
        rows = [first]
        for phase in range(2, project.phases + 1):
            start_from = self.calendar.day(rows[-1].end) + 1 + project.min_gap_days
            row = self._place_phase(split, number, phase, seats, start_from)
            if row is None:
                self._roll_back(mark)
                return None
            rows.append(row)
        return rows

    def _take(self, booking: Booking, sign: int) -> None:
        super()._take(booking, sign)
        _, _, seats, project, days = booking
        if project.mode.takes_teachers_away:
            for town, count in seats.items():
                self.spare[self.town_index[town], days.start:days.stop] -= sign * count

    def _cheapest_first(self, split: SessionSplit) -> SessionSplit:
        """The split with its venues and trainers in the order the first-free choices should
        try them: a rural venue first where the project prefers one, then the cheapest."""
        project = split.project

        def venue_order(venue: Venue) -> tuple[bool, int, int]:
            urban = project.venue_rural == "preferred" and venue.town not in self.rural_ids
            return (urban, venue.cost_per_day, venue.capacity)

        return replace(split, venues=sorted(split.venues, key=venue_order),
                       trainers=sorted(split.trainers, key=lambda trainer: trainer.fee_per_day))
