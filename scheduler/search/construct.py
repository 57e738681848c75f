"""The solver's own first plan: the hand method's bookkeeping (`scheduler.search.hand_method`), with
the choices the objective rewards.

The hand method seats each class at the towns' fair seats on its first free dates, whatever
the towns can still send on those days, so its classes crowd a few days and leave
towns short of their fair share where their absence places are spent. The neighbourhood search
mends that a few projects at a time, which on a large instance takes longer than it has. Here
each class goes to the allowed start day that costs the objective least: where the towns still
short of their fair seats (`Instance.fair_seats`) can send the most of what they lack, where
it adds least to the busiest school day's absence, inside the preferred months, and where the
cheapest free venue and trainers cost least (of the `CANDIDATE_DAYS` best by the other terms,
each priced as it would be booked). Its seats go first to the rural towns, as many as the
rural quota still asks of each class left, then to every town up to what it still lacks of its
fair seats, each as far as it can still send on those days, then to any town that can. A project
that does not fit this way is placed by the hand method's rules; one that fits neither way
is dropped, and the plan is made once more with the dropped ones placed first (the one that
drops less is kept): a project with many start days, placed late, can find its only trainers'
days spent by others that had a choice.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace

import numpy as np

from models.instance import Instance, Project, Venue
from models.solution import SessionPhase
from scheduler.core.calendar import YearCalendar
from scheduler.core.sessions import SessionSplit
from scheduler.search.hand_method import (
    NO_ROOM_LEFT,
    Booking,
    GreedyPlanner,
    HandPlan,
    days_free,
    own_starts,
    proportional,
)

CANDIDATE_DAYS = 40
"""Start days tried per class, best first, before the project falls back to the hand method."""


class SeatAwarePlanner(GreedyPlanner):
    """`plan()` returns a `HandPlan`; every plan keeps every rule, as the hand method's does."""

    def __init__(self, instance: Instance, calendar: YearCalendar | None = None,
                 splits: dict[str, SessionSplit | str] | None = None,
                 first: Collection[str] = ()):
        """`first`: projects to place before all others (their `after` still holds)."""
        super().__init__(instance, calendar, splits)
        self.first = set(first)
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
        self.school = school
        self.away = np.zeros(school.size, dtype=np.int64)
        """Teachers away on each school day (0 on the other days), whose peak is the balance."""
        self.resize = False
        """Whether a class may seat fewer than its even share, to fit a cheaper free venue (its
        later classes then larger, which may raise the busiest day: `scheduler.search.repair` tries
        both ways)."""

    def plan(self) -> HandPlan:
        """The plan; if a project found no room left, the plan made again with it placed
        first, when that one drops less."""
        plan = super().plan()
        squeezed = [project_id for project_id in plan.dropped
                    if plan.reasons[project_id] == NO_ROOM_LEFT]
        if not squeezed or self.first:
            return plan
        again = SeatAwarePlanner(self.instance, self.calendar, self.splits, first=squeezed).plan()
        return min(plan, again, key=self._dropped_weight)

    def _dropped_weight(self, plan: HandPlan) -> tuple[bool, int]:
        projects = [self.instance.project(project_id) for project_id in plan.dropped]
        return (any(project.mandatory for project in projects),
                sum(project.drop_weight for project in projects if not project.mandatory))

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
        ready = [(project_id not in self.first, start_days[project_id], position[project_id],
                  project_id) for project_id, earlier in waiting.items() if not earlier]
        heapq.heapify(ready)
        ordered = []
        while ready:
            *_, project_id = heapq.heappop(ready)
            ordered.append(self.instance.project(project_id))
            for successor in later[project_id]:
                waiting[successor].discard(project_id)
                if not waiting[successor]:
                    heapq.heappush(ready, (successor not in self.first, start_days[successor],
                                           position[successor], successor))
        return ordered

    def _place_project(self, split: SessionSplit) -> list[SessionPhase] | None:
        split = self._cheapest_first(split)
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
        fair = self.instance.fair_seats(project)
        seating = _Seating(
            pools=np.array([town.pool(project.audiences) for town in self.instance.towns],
                           dtype=np.int64),
            lacking=np.array([fair.get(town_id, 0) for town_id in self.town_ids],
                             dtype=np.int64),
            quota=self.instance.rural_quota_seats(project))
        # The seats left to each group of classes: the project's (one group), or each area's
        # fair seats for its own classes (送教下乡).
        group_of = list(split.areas) or [""] * split.count
        towns_of = {group: np.array([not split.areas or split.areas_of_towns[town_id] == group
                                     for town_id in self.town_ids]) for group in set(group_of)}
        left = {group: int(seating.lacking[towns].sum()) for group, towns in towns_of.items()}
        if not split.areas:
            left[""] = split.headcount
        rows: list[SessionPhase] = []
        for number in range(1, split.count + 1):
            group = group_of[number - 1]
            classes_left = group_of[number - 1:].count(group)
            size = -(-left[group] // classes_left)
            least = max(split.min_size, left[group] - (classes_left - 1) * split.max_size)
            rural = -(-seating.quota // (split.count - number + 1))
            placed = (self._place_session(split, number, size, least, rural, seating, starts,
                                          outside, towns_of[group], classes_left)
                      if size >= 1 else None)
            if placed is None:
                return None
            session_rows, seats = placed
            rows += session_rows
            left[group] -= int(seats.sum())
            seating.take(seats, int(seats[self.is_rural].sum()))
        return rows if seating.quota <= 0 else None

    def _place_session(self, split: SessionSplit, number: int, size: int, least: int,
                       rural: int, seating: _Seating, starts: np.ndarray, outside: np.ndarray,
                       towns: np.ndarray, classes_left: int
                       ) -> tuple[list[SessionPhase], np.ndarray] | None:
        """The class on the best of its start days that has room, every phase booked, and its
        seats by town (`rural` of them in rural towns where they can be), only from `towns`
        (a mask: of a `to_area` class, its area's); None if none of the `CANDIDATE_DAYS` best
        has room. On that day it seats `size`, or (`resize`) fewer, at least `least`, where that
        lets it into a cheaper free venue: the later classes (`classes_left` with this one) take
        the rest."""
        project = split.project
        if project.spread:  # its first phase in its own group of start days
            own = np.isin(starts, own_starts(split, number, 1))
            starts, outside = starts[own], outside[own]
        pools = seating.pools
        if project.mode.takes_teachers_away:
            sendable = self.spare[:, starts]
            for offset in range(1, project.days):
                sendable = np.minimum(sendable, self.spare[:, starts + offset])
            available = np.clip(np.minimum(sendable, pools[:, None]), 0, None)
        else:
            available = np.repeat(pools[:, None], starts.size, axis=1)
        available = np.minimum(available, self._teachers_room(project, starts)) * towns[:, None]
        toward_share = np.minimum(np.minimum(available, seating.lacking[:, None]).sum(axis=0),
                                  size)
        fits = available.sum(axis=0) >= size
        weights = self.instance.objective.weights
        cost = (weights.preference * project.phases * outside - weights.share * toward_share
                + weights.balance * self._peak_rise(project, starts, size))
        candidates = [int(index) for index in np.lexsort((starts, cost)) if fits[index]]
        for index in self._cheapest_days(split, number, size, starts, cost, candidates):
            start = int(starts[index])
            for seated in self._sizes(split, number, size, least, start):
                seats = self._seats(available[:, index], seating.lacking, rural, seated,
                                    classes_left)
                rows = self._place_phases(split, number, self._by_town(seats), start)
                if rows is not None:
                    return rows, seats
        return None

    def _teachers_room(self, project: Project, starts: np.ndarray) -> np.ndarray:
        """The most seats each town (row) can fill from each start day (column) without its
        teachers in two trainings at once (`GreedyPlanner.teachers_free`)."""
        room = np.full((len(self.town_ids), starts.size), np.iinfo(np.int64).max // 2,
                       dtype=np.int64)
        for town_id, shares in self.shares.items():
            if project.id not in shares.pools:
                continue
            busiest = np.zeros(starts.size, dtype=np.int64)
            for audience in project.audiences:
                taken = self.taken[town_id, audience]
                for offset in range(project.days):
                    busiest = np.maximum(busiest, taken[starts + offset])
            room[self.town_index[town_id]] = ((shares.scale - busiest)
                                              * shares.pools[project.id] // shares.scale)
        return room

    def _sizes(self, split: SessionSplit, number: int, size: int, least: int,
               start: int) -> list[int]:
        """The class's sizes to try from `start`: the capacity of a free venue cheaper than
        any that holds `size`, if it holds `least`, then `size`."""
        if not self.resize or not split.project.mode.uses_venue:
            return [size]
        days = range(start, start + split.project.days)
        fitting = self._free_venue(split, size, days, number)
        cheaper = next((venue for venue in split.venues_of(number)
                        if least <= venue.capacity < size
                        and (fitting is None or venue.cost_per_day < fitting.cost_per_day)
                        and days_free(self.venue_busy[venue.id], days)), None)
        return [cheaper.capacity, size] if cheaper is not None else [size]

    def _cheapest_days(self, split: SessionSplit, number: int, size: int, starts: np.ndarray,
                       cost: np.ndarray, candidates: list[int]) -> Iterator[int]:
        """The first `CANDIDATE_DAYS` candidates (in order of `cost`), in order of `cost` plus
        their venue's and trainers' price; each is priced only when no candidate already
        priced could still be cheaper, which on most classes is after the first few."""
        project = split.project
        least = (self.instance.objective.weights.cost * project.phases * project.days
                 * split.least_day_price())
        priced: list[tuple[int, int]] = []
        for index in candidates[:CANDIDATE_DAYS]:
            while priced and priced[0][0] <= cost[index] + least:
                yield heapq.heappop(priced)[1]
            price = self._price(split, number, size, int(starts[index]))
            if price is not None:
                heapq.heappush(priced, (int(cost[index]) + project.phases * price, index))
        while priced:
            yield heapq.heappop(priced)[1]

    def _price(self, split: SessionSplit, number: int, size: int, start: int) -> int | None:
        """What the cheapest free venue and trainers for a class of `size` from `start` would
        cost, weighted; None if none are free."""
        days = range(start, start + split.project.days)
        venue = self._free_venue(split, size, days, number)
        if split.project.mode.uses_venue and venue is None:
            return None
        trainers = self._free_trainers(split, days)
        if trainers is None:
            return None
        per_day = (venue.cost_per_day if venue else 0) + sum(t.fee_per_day for t in trainers)
        return self.instance.objective.weights.cost * per_day * len(days)

    def _peak_rise(self, project: Project, starts: np.ndarray, size: int) -> np.ndarray:
        """How far a class of `size` away from school on each start day would raise the
        busiest school day's absence."""
        if not project.mode.takes_teachers_away:
            return np.zeros(starts.size, dtype=np.int64)
        crowd = np.zeros(starts.size, dtype=np.int64)
        on_school_day = np.zeros(starts.size, dtype=bool)
        for offset in range(project.days):
            crowd = np.maximum(crowd, self.away[starts + offset])
            on_school_day |= self.school[starts + offset]
        return np.where(on_school_day, np.clip(crowd + size - self.away.max(), 0, None), 0)

    def _seats(self, available: np.ndarray, lacking: np.ndarray, rural: int, size: int,
               classes_left: int) -> np.ndarray:
        """`size` seats by town (in town order), none beyond what a town can send: `rural` of
        them in the rural towns, then the rest in any town; each first in proportion to this
        class's even part of what a town still lacks of its fair seats (so that a town that
        can send few a day is not left to the last class), then to what it lacks, then to
        what it can send."""
        seats = np.zeros(len(self.town_ids), dtype=np.int64)
        wanted = np.minimum(lacking, available)
        even = np.minimum(-(-lacking // classes_left), available)
        rural_only = np.where(self.is_rural, 1, 0)
        for count, most in ((min(rural, size), rural_only * even),
                            (min(rural, size), rural_only * wanted),
                            (min(rural, size), rural_only * available),
                            (size, even), (size, wanted), (size, available)):
            room = np.clip(most - seats, 0, None)
            seats += _proportional(room, count - int(seats.sum()))
        return seats

    def _by_town(self, seats: np.ndarray) -> dict[str, int]:
        return {self.town_ids[index]: int(count) for index, count in enumerate(seats)
                if count > 0}

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
            towns = [self.town_index[town] for town in seats]
            counts = np.fromiter(seats.values(), dtype=np.int64, count=len(seats))
            self.spare[towns, days.start:days.stop] -= sign * counts[:, None]
            self.away[days.start:days.stop] += (
                sign * sum(seats.values()) * self.school[days.start:days.stop])

    def _cheapest_first(self, split: SessionSplit) -> SessionSplit:
        """The split with its venues and trainers in the order the first-free choices should
        try them: a rural venue first where the project prefers one, then the cheapest."""
        project = split.project

        def venue_order(venue: Venue) -> tuple[bool, int, int]:
            urban = project.venue_rural == "preferred" and venue.town not in self.rural_ids
            return (urban, venue.cost_per_day, venue.capacity)

        return replace(split, venues=sorted(split.venues, key=venue_order),
                       trainers=sorted(split.trainers, key=lambda trainer: trainer.fee_per_day))


@dataclass
class _Seating:
    """What a project still has to seat, by town (in town order), while its classes are placed
    one by one: the teachers left in its audiences, what each town still lacks of its fair seats
    (`Instance.fair_seats`), and the rural seats its quota still asks."""

    pools: np.ndarray
    lacking: np.ndarray
    quota: int

    def take(self, seats: np.ndarray, rural: int) -> None:
        self.pools = self.pools - seats
        self.lacking = np.clip(self.lacking - seats, 0, None)
        self.quota -= rural


def _proportional(weights: np.ndarray, total: int) -> np.ndarray:
    """`total` split in proportion to `weights`, never above a weight (`proportional`)."""
    if total <= 0:
        return np.zeros(weights.size, dtype=np.int64)
    shares = proportional({index: int(weight) for index, weight in enumerate(weights)}, total)
    return np.fromiter((shares[index] for index in range(weights.size)), dtype=np.int64,
                       count=weights.size)
