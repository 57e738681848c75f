"""The planner's hand method, as a baseline and as a first plan for the solver.

Projects in table order (a project listed in another's `after` goes first); each session on the
first allowed dates of its preferred months (then of its other months); the first free venue that
fits; the first free qualified trainers; seats by town to each town's fair share, with the rural
quota met first. A project that does not fit whole is dropped. The plan keeps every rule of
docs/format.md (Instance), so `schedule validate` accepts it; if a mandatory project does not
fit, there is no plan. `scheduler.search.solve.solve_by_hand` reports it like a solve
(`schedule solve --method greedy`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from models.instance import Instance, Project, Trainer, Venue, proportional
from models.solution import SessionPhase
from scheduler.core.calendar import YearCalendar, spread_groups
from scheduler.core.sessions import SessionSplit, split_project
from scheduler.core.teachers import town_shares

NO_ROOM_LEFT = "in table order, no dates with a free venue, trainers and town seats were left"


@dataclass
class HandPlan:
    rows: list[SessionPhase]
    dropped: list[str]
    reasons: dict[str, str]
    """Why each dropped project was dropped."""


@dataclass
class _Bookings:
    """What the plan has taken so far: each trainer's number of days (for `max_days`), town
    absences."""

    trainer_days: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    away: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int)))


Booking = tuple[Venue | None, list[Trainer], dict[str, int], Project, range]
"""One session-phase's venue, trainers, seats by town, project and days."""


class GreedyPlanner:
    def __init__(self, instance: Instance, calendar: YearCalendar | None = None,
                 splits: dict[str, SessionSplit | str] | None = None):
        """`splits`: each project's `split_project`, if already made (the solver's model has
        them; on the largest instances making them again takes seconds)."""
        self.instance = instance
        self.calendar = calendar or YearCalendar(instance)
        self.splits = dict(splits or {})
        self.bookings = _Bookings()
        self.venue_busy = {venue.id: _bits(self.calendar.blocked_days(None, venue.unavailable))
                           for venue in instance.venues}
        self.trainer_busy = {
            trainer.id: _bits(self.calendar.blocked_days(trainer.available, trainer.unavailable))
            for trainer in instance.trainers}
        """Each venue's and trainer's days closed or booked, bit d for day d: checking a class's
        days is one shift, quicker than with sets of days in ruin and recreate's moves."""
        self.towns = {town.id: town for town in instance.towns}
        self.shares = town_shares(instance)
        self.taken = {(town_id, audience): np.zeros(self.calendar.length, dtype=np.int64)
                      for town_id, shares in self.shares.items()
                      for audience in {audience for project in instance.projects
                                       if project.id in shares.pools
                                       for audience in project.audiences}}
        """One training at a time: the units of each town's teachers of each audience in
        training on each day (`scheduler.core.teachers`)."""
        self.ends: dict[str, int] = {}  # last day of each scheduled project
        self.journal: list[Booking] = []
        """Every booking in order, so that a project that does not fit whole is taken back."""

    def plan(self) -> HandPlan:
        rows: list[SessionPhase] = []
        reasons: dict[str, str] = {}
        for project in self._table_order():
            split = self._split(project)
            placed = None if isinstance(split, str) else self._place_project(split)
            if placed is None:
                reasons[project.id] = split if isinstance(split, str) else NO_ROOM_LEFT
            else:
                rows += placed
        rows.sort(key=lambda row: (row.start, row.project, row.session, row.phase))
        dropped = [project.id for project in self.instance.projects if project.id in reasons]
        return HandPlan(rows, dropped, reasons)

    def _split(self, project: Project) -> SessionSplit | str:
        """The project's `split_project`, made once."""
        if project.id not in self.splits:
            self.splits[project.id] = split_project(self.instance, project, self.calendar)
        return self.splits[project.id]

    # --- one project -----------------------------------------------------------------------

    def _place_project(self, split: SessionSplit) -> list[SessionPhase] | None:
        project = split.project
        earliest = max((self.ends[earlier] + 1 for earlier in project.after
                        if earlier in self.ends), default=0)
        seats = self._seats_by_session(split)
        if seats is None:
            return None
        mark = len(self.journal)
        rows = []
        for number, session_seats in enumerate(seats, start=1):
            start_from = earliest
            for phase in range(1, project.phases + 1):
                row = self._place_phase(split, number, phase, session_seats, start_from)
                if row is None:
                    self._roll_back(mark)
                    return None
                rows.append(row)
                start_from = self.calendar.day(row.end) + 1 + project.min_gap_days
        self.ends[project.id] = max(self.calendar.day(row.end) for row in rows)
        return rows

    def _place_phase(self, split: SessionSplit, session: int, phase: int,
                     seats: dict[str, int], start_from: int) -> SessionPhase | None:
        for start in self._candidate_starts(split, start_from, session, phase):
            row = self._place_at(split, session, phase, seats, start)
            if row is not None:
                return row
        return None

    def _place_at(self, split: SessionSplit, session: int, phase: int, seats: dict[str, int],
                  start: int) -> SessionPhase | None:
        """The session-phase on the days from `start`, booked, if the towns can send its seats
        then and a venue that fits and trainers are free; None if not."""
        project = split.project
        days = range(start, start + project.days)
        if not self._towns_can_send(seats, project, days):
            return None
        venue = self._free_venue(split, sum(seats.values()), days, session)
        if project.mode.uses_venue and venue is None:
            return None
        trainers = self._free_trainers(split, days)
        if trainers is None:
            return None
        self._book(venue, trainers, seats, project, days)
        return SessionPhase(
            project=project.id, session=session, phase=phase,
            start=self.calendar.date(start), end=self.calendar.date(start + project.days - 1),
            venue=venue.id if venue else None,
            trainers=[trainer.id for trainer in trainers], seats=seats,
        )

    def _candidate_starts(self, split: SessionSplit, start_from: int, session: int = 1,
                          phase: int = 1) -> list[int]:
        """Allowed start days from `start_from`: preferred months first, each in date order;
        of a spread project, only those of the session-phase's own group."""
        wanted = split.project.wanted_months
        starts = [day for day in own_starts(split, session, phase) if day >= start_from]
        return sorted(starts, key=lambda day: (self.calendar.date(day).month not in wanted, day))

    # --- one project at a time, into a finished plan (`scheduler.search.repair`) ------------------

    def place(self, split: SessionSplit, before: int | None = None
              ) -> tuple[list[SessionPhase], list[Booking]] | None:
        """The project placed by the planner's rules among what is booked, ending before day
        `before` (where a project that must come after it starts): its session-phases and
        their bookings, which the caller keeps; None, with nothing booked, if it does not fit."""
        project_id = split.project.id
        mark = len(self.journal)
        rows = self._place_project(split)
        if rows is not None and before is not None and self.ends[project_id] >= before:
            self._roll_back(mark)
            rows = None
        if rows is None:
            self.ends.pop(project_id, None)
            return None
        bookings = self.journal[mark:]
        del self.journal[mark:]
        return rows, bookings

    def book_rows(self, project: Project, rows: list[SessionPhase]) -> list[Booking]:
        """Book the project's session-phases of a plan made before; their bookings."""
        venues = {venue.id: venue for venue in self.instance.venues}
        trainers = {trainer.id: trainer for trainer in self.instance.trainers}
        bookings = []
        for row in rows:
            start = self.calendar.day(row.start)
            bookings.append((venues[row.venue] if row.venue else None,
                             [trainers[trainer] for trainer in row.trainers], row.seats,
                             project, range(start, start + project.days)))
        self.rebook(bookings)
        return bookings

    def rebook(self, bookings: list[Booking]) -> None:
        """Book again one project's bookings that `unbook` took back."""
        for booking in bookings:
            self._take(booking, 1)
        self.ends[bookings[0][3].id] = max(booking[4].stop - 1 for booking in bookings)

    def unbook(self, bookings: list[Booking]) -> None:
        """Take back one project's bookings (from `place` or `book_rows`)."""
        for booking in bookings:
            self._take(booking, -1)
        self.ends.pop(bookings[0][3].id, None)

    # --- resources -------------------------------------------------------------------------

    def _free_venue(self, split: SessionSplit, size: int, days: range,
                    session: int = 1) -> Venue | None:
        for venue in split.venues_of(session):
            if venue.capacity >= size and days_free(self.venue_busy[venue.id], days):
                return venue
        return None

    def _free_trainers(self, split: SessionSplit, days: range) -> list[Trainer] | None:
        """The first free trainers, in pool order, who together cover every topic."""
        project = split.project
        needed = project.trainer_count
        if needed == 0:
            return []
        chosen: dict[str, Trainer] = {}  # by id: comparing the models themselves is slow
        free: dict[str, bool] = {}  # asked only of the trainers looked at

        def can_take(trainer: Trainer) -> bool:
            if trainer.id in chosen:
                return False
            if trainer.id not in free:
                free[trainer.id] = self._trainer_free(trainer, days)
            return free[trainer.id]

        for topic in project.topics:
            if any(topic in trainer.topics for trainer in chosen.values()):
                continue
            teacher = next((trainer for trainer in split.trainers
                            if topic in trainer.topics and can_take(trainer)), None)
            if teacher is None:
                return None
            chosen[teacher.id] = teacher
        for trainer in split.trainers:
            if len(chosen) >= needed:
                break
            if can_take(trainer):
                chosen[trainer.id] = trainer
        return list(chosen.values()) if len(chosen) == needed else None

    def _trainer_free(self, trainer: Trainer, days: range) -> bool:
        return (self.bookings.trainer_days[trainer.id] + len(days) <= trainer.max_days
                and days_free(self.trainer_busy[trainer.id], days))

    def _towns_can_send(self, seats: dict[str, int], project: Project, days: range) -> bool:
        """Whether the towns' teachers are free for these seats on these days: in no other
        training with the share they would take, and, away from school, within each town's
        absence cap."""
        if any(count > self.teachers_free(town, project, days) for town, count in seats.items()):
            return False
        if not project.mode.takes_teachers_away:
            return True
        school = self.calendar.school_days
        for town in self.instance.towns:
            if not seats.get(town.id):
                continue
            cap = self.instance.absence_cap(town)
            for day in days:
                limit = cap if school[day] else town.total_teachers
                if self.bookings.away[town.id][day] + seats[town.id] > limit:
                    return False
        return True

    def teachers_free(self, town_id: str, project: Project, days: range) -> int:
        """The most seats of the project the town's teachers can fill on all these days
        without being in two trainings at once."""
        shares = self.shares.get(town_id)
        if shares is None or project.id not in shares.pools:
            return self.towns[town_id].pool(project.audiences)
        busiest = max(int(self.taken[town_id, audience][days.start:days.stop].max())
                      for audience in project.audiences)
        return (shares.scale - busiest) * shares.pools[project.id] // shares.scale

    def _book(self, venue: Venue | None, trainers: list[Trainer], seats: dict[str, int],
              project: Project, days: range) -> None:
        booking = (venue, trainers, seats, project, days)
        self.journal.append(booking)
        self._take(booking, 1)

    def _roll_back(self, mark: int) -> None:
        """Take back every booking made since the journal was `mark` long."""
        while len(self.journal) > mark:
            self._take(self.journal.pop(), -1)

    def _take(self, booking: Booking, sign: int) -> None:
        """Book (sign 1) or release (sign −1) a session-phase's venue, trainers and seats."""
        venue, trainers, seats, project, days = booking
        bits = _mask(days)
        owners = [(self.venue_busy, venue.id)] if venue is not None else []
        owners += [(self.trainer_busy, trainer.id) for trainer in trainers]
        for busy, owner in owners:  # a booked day is never a closed one: clearing leaves those
            busy[owner] = busy[owner] | bits if sign > 0 else busy[owner] & ~bits
        for trainer in trainers:
            self.bookings.trainer_days[trainer.id] += sign * len(days)
        for town, count in seats.items():
            shares = self.shares.get(town)
            if shares is not None and project.id in shares.pools and count:
                units = shares.units(project.id, count)
                for audience in project.audiences:
                    self.taken[town, audience][days.start:days.stop] += sign * units
        if project.mode.takes_teachers_away:
            for town, count in seats.items():
                for day in days:
                    self.bookings.away[town][day] += sign * count

    # --- seats -------------------------------------------------------------------------------

    def _seats_by_session(self, split: SessionSplit) -> list[dict[str, int]] | None:
        """Each session's seats by town: the project's seats that meet each town's fair share
        as far as the rural quota allows, dealt out to sessions of near-equal size."""
        totals = self._project_seats(split)
        if totals is None:
            return None
        if not split.areas:
            return _dealt(totals, split.count)
        # 送教下乡: each area's seats dealt among its own classes.
        sessions: list[dict[str, int]] = []
        for area in dict.fromkeys(split.areas):
            towns = split.area_towns[area]
            sessions += _dealt({town: count for town, count in totals.items() if town in towns},
                               split.areas.count(area))
        if any(sum(seats.values()) < split.min_size for seats in sessions):
            return None
        return sessions

    def _project_seats(self, split: SessionSplit) -> dict[str, int] | None:
        """The project's seats by town (`Instance.fair_seats`); None if its rural quota asks
        more than the rural towns' teachers."""
        project = split.project
        rural_pool = sum(town.pool(project.audiences) for town in self.instance.towns
                         if town.rural)
        if self.instance.rural_quota_seats(project) > rural_pool:
            return None
        return self.instance.fair_seats(project)

    # --- helpers -------------------------------------------------------------------------

    def _table_order(self) -> list[Project]:
        """Table order, except that a project comes after those in its `after` list."""
        ordered: list[Project] = []
        by_id = {project.id: project for project in self.instance.projects}

        def visit(project: Project) -> None:
            if project in ordered:
                return
            for earlier in project.after:
                visit(by_id[earlier])
            ordered.append(project)

        for project in self.instance.projects:
            visit(project)
        return ordered


def _dealt(totals: dict[str, int], classes: int) -> list[dict[str, int]]:
    """The seats by town dealt out to `classes` classes of near-equal size."""
    headcount = sum(totals.values())
    remaining = dict(totals)
    sessions = []
    for index in range(classes):
        share = proportional(remaining, headcount // classes + (index < headcount % classes))
        for town, count in share.items():
            remaining[town] -= count
        sessions.append({town: count for town, count in share.items() if count > 0})
    return sessions


def own_starts(split: SessionSplit, session: int, phase: int) -> list[int]:
    """The start days a session-phase may take: all the project's, or of a spread project the
    group of its place in date order (session by session, phase by phase: the groups follow
    one another, so that order is the date order)."""
    project = split.project
    if not project.spread:
        return split.start_days
    groups = spread_groups(split.start_days, split.count * project.phases)
    return groups[(session - 1) * project.phases + phase - 1]


def _bits(days: set[int]) -> int:
    return sum(1 << day for day in days)


def _mask(days: range) -> int:
    """The bitmask of the consecutive `days`."""
    return ((1 << len(days)) - 1) << days.start


def days_free(busy: int, days: range) -> bool:
    """Whether none of `days` is set in the bitmask `busy`."""
    return not busy & _mask(days)
