"""An independent check of a solution against the rules of docs/format.md.

It shares no code with the CP-SAT model on purpose: it re-reads every rule from the spec and
recomputes every derived number (headcounts, session counts, quotas, absence caps, school days)
from the raw fields of the instance rather than from the `Instance` helpers, so a slip in the
model or in a helper shows up here as a labelled violation.

Each rule family is one function `_check_…(plan) -> Iterator[Violation]`, registered in `CHECKS`
with the rules (`scheduler.rules.Rule`) it reports; `validate` runs them in that order. Rows are
the solution's `sessions` entries: one phase of one session of a project.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import holidays as holiday_rules
from chinese_calendar import constants as chinese_calendar_data

from models import Instance, Mode, Project, SessionPhase, Solution, Status, Town, Trainer, Venue
from models.fields import DateRange
from scheduler.rules import Rule

KPI_NAMES = ("dropped", "preference", "share", "rural_venue", "cost", "balance", "hours_short",
             "away_days")
KPI_WEIGHTS = {"hours_short": "hours"}
"""A KPI whose weight in objective.weights has another name."""
NEWER_KPI_NAMES = ("hours_short", "away_days")
"""KPIs a plan written before they were counted lacks: taken as 0 where that is so, or where
their weight is 0 (they change nothing)."""
STABILITY_KPI_NAMES = ("moved", "venue_changed", "trainer_changed")

RULES: dict[Rule, str] = {
    Rule.STATUS: "a solution with sessions says OPTIMAL or FEASIBLE",
    Rule.SHAPE: "rows name known projects, each session has each phase once, dropped ids are sound",
    Rule.MANDATORY_DROPPED: "a mandatory project is never dropped",
    Rule.SESSION_COUNT: "a project has sessions 1..n, n = sessions or ceil(headcount / class size)",
    Rule.SESSION_LENGTH: "a row lasts the project's days: end - start + 1 == days",
    Rule.YEAR: "every day is in the instance year",
    Rule.PUBLIC_HOLIDAY: "no day is a public holiday",
    Rule.WEEKEND: "with weekdays_only, no Saturday or Sunday unless a make-up working day",
    Rule.MONTHS: "every day is in the project's months",
    Rule.HOLIDAY_REQUIRED: "every day inside one holiday window",
    Rule.HOLIDAY_FORBIDDEN: "no day inside a holiday window",
    Rule.BLACKOUT: "no day in a blackout of one of the project's audiences",
    Rule.PHASE_GAP: "phase k+1 starts at least min_gap_days whole days after phase k ends",
    Rule.SPREAD: "spread: the k-th of a project's N starts falls in the k-th of N equal groups "
                 "of its allowed start days",
    Rule.VENUE_MODE: "offline and blended rows have a venue, online and offsite rows none",
    Rule.VENUE_UNKNOWN: "the venue exists",
    Rule.VENUE_CAPACITY: "the venue seats the row",
    Rule.VENUE_FEATURES: "the venue has every feature in venue_features",
    Rule.VENUE_RURAL: "venue_rural required: the venue is in a rural town",
    Rule.VENUE_UNAVAILABLE: "never on the venue's unavailable days",
    Rule.TO_AREA: "to_area: a row meets in the area of every town it seats",
    Rule.VENUE_ONE_SESSION_A_DAY: "a venue hosts at most one row a day",
    Rule.TRAINER_COUNT: "trainers_per_session trainers a row (none offsite)",
    Rule.TRAINER_DISTINCT: "a row's trainers are distinct",
    Rule.TRAINER_UNKNOWN: "the trainer exists",
    Rule.TRAINER_TOPIC: "each trainer shares a topic with the project",
    Rule.TRAINER_COVER: "together the trainers cover every project topic",
    Rule.TRAINER_UNAVAILABLE: "a trainer teaches inside available and outside unavailable",
    Rule.TRAINER_ONE_SESSION_A_DAY: "a trainer teaches at most one row a day",
    Rule.TRAINER_MAX_DAYS: "a trainer teaches at most max_days days",
    Rule.SEATS_TOWN: "seats are keyed by town ids",
    Rule.SEATS_NEGATIVE: "seat counts are not negative",
    Rule.SEATS_PHASES: "every phase of a session has the same seats",
    Rule.SESSION_SIZE: "a session seats at least min_session_size (at least 1) and at most "
                       "max_session_size",
    Rule.SEATS_AUDIENCE: "seats only from towns with teachers of the project's audiences",
    Rule.SEATS_POOL: "a town's seats over a project's sessions never exceed its teachers",
    Rule.HEADCOUNT: "a project's sessions seat exactly its headcount",
    Rule.RURAL_QUOTA: "at least ceil(quota x headcount) rural seats (none for headcount all)",
    Rule.ABSENCE_CAP: "a town's teachers away on a school day are at most floor(share x teachers)",
    Rule.ONE_TRAINING_A_DAY: "a town's teachers are in one training a day: for every audience, "
                             "the shares seats / pool of the rows running that day add up to "
                             "at most 1",
    Rule.AFTER: "every session starts after the projects it comes after have ended",
    Rule.KPI: "the reported KPIs equal the recomputed ones",
    Rule.OBJECTIVE: "the objective is the weighted sum of the KPIs",
    Rule.HELD: "re-planned: a session-phase of the baseline before `today` is kept exactly, "
               "and no other starts before `today`",
    Rule.PINNED: "re-planned: a pinned session of the baseline is kept exactly, or the pinned "
                 "parts of it (date, venue, trainers, seats)",
}
SOLUTION_SCHEMA = "training-solution/1"

# Spelled out here rather than taken from `Mode`'s properties: this module re-reads the spec.
VENUE_MODES = frozenset({Mode.OFFLINE, Mode.BLENDED})
ABSENCE_MODES = frozenset({Mode.OFFLINE, Mode.BLENDED, Mode.OFFSITE})
TRAINERLESS_MODES = frozenset({Mode.OFFSITE})


@dataclass(frozen=True)
class Violation:
    """One broken rule: its name (`rule`) and one plain sentence in the planner's terms; for the
    rules a class meets when it is moved (`scheduler.why`), also what stands in its way
    (`subject`: a venue, trainer or town, as its kind and id), on which `days`, and the
    `others`: the projects whose sessions it clashes with."""

    rule: Rule
    message: str
    subject: tuple[str, str] | None = None
    days: tuple[dt.date, ...] = ()
    others: tuple[str, ...] = ()


# --- the facts every rule needs, recomputed from the raw fields ------------------------------


class _Plan:
    """The instance and solution looked up by id, with the calendar of the instance.

    `rows` holds only the rows a rule can judge: those of a known project that is not dropped
    (a row of an unknown or dropped project is reported once, by the shape check).
    """

    def __init__(self, instance: Instance, solution: Solution,
                 baseline: Solution | None = None):
        self.instance = instance
        self.solution = solution
        self.baseline = baseline
        self.projects = {project.id: project for project in instance.projects}
        self.venues = {venue.id: venue for venue in instance.venues}
        self.trainers = {trainer.id: trainer for trainer in instance.trainers}
        self.towns = {town.id: town for town in instance.towns}
        self.dropped = {pid for pid in solution.dropped if pid in self.projects}
        self.rows = [
            row for row in solution.sessions
            if row.project in self.projects and row.project not in self.dropped
        ]
        self.rows_by_project: dict[str, list[SessionPhase]] = defaultdict(list)
        for row in self.rows:
            self.rows_by_project[row.project].append(row)
        calendar = instance.calendar
        if calendar.public_holidays == "CN" and (
                instance.year <= max(chinese_calendar_data.holidays).year):
            self.public_holidays = frozenset(chinese_calendar_data.holidays)
            self.makeup_workdays = frozenset(chinese_calendar_data.workdays)
        elif calendar.public_holidays == "CN":
            # A year not yet published: its statutory holidays by their rules, read here from
            # the holidays package itself; no make-up working day is known before the notice.
            self.public_holidays = frozenset(holiday_rules.China(years=instance.year))
            self.makeup_workdays = frozenset()
        else:
            self.public_holidays = frozenset(calendar.public_holidays)
            self.makeup_workdays = frozenset(calendar.extra_workdays)

    def project_of(self, row: SessionPhase) -> Project:
        return self.projects[row.project]

    def in_holiday_window(self, day: dt.date) -> bool:
        return any(w.start <= day <= w.end for w in self.instance.calendar.holiday_windows)

    def is_working_day(self, day: dt.date) -> bool:
        """Monday to Friday except public holidays, plus make-up working days."""
        if day in self.public_holidays:
            return False
        return day.weekday() < 5 or day in self.makeup_workdays

    def is_school_day(self, day: dt.date) -> bool:
        """A working day outside every holiday window."""
        return self.is_working_day(day) and not self.in_holiday_window(day)


def _within(day: dt.date, ranges: Iterable[DateRange]) -> bool:
    """The day falls in one of the ranges, both ends inclusive."""
    return any(r.start <= day <= r.end for r in ranges)


def _pool(town: Town, audiences: Iterable[str]) -> int:
    """Teachers of the town in any of the audiences (each audience counted once)."""
    return sum(town.teachers.get(audience, 0) for audience in set(audiences))


def _headcount(instance: Instance, project: Project) -> int:
    """The project's headcount; "all" is every teacher of its audiences in every town."""
    if project.headcount == "all":
        return sum(_pool(town, project.audiences) for town in instance.towns)
    return int(project.headcount)


def _fair_shares(instance: Instance, project: Project) -> dict[str, int]:
    """target(p, z) of docs/format.md, Objective for every town: min(pool(p,z), floor(headcount ×
    w(z)·pool(p,z) / Σ_y w(y)·pool(p,y))), w = policy.rural_weight for a rural town and 1 for
    any other; the weight read as the decimal it was written as (1.2 is 6/5)."""
    rural_weight = Fraction(str(instance.policy.rural_weight))
    weighed = {town.id: (rural_weight if town.rural else Fraction(1))
               * _pool(town, project.audiences) for town in instance.towns}
    total = sum(weighed.values())
    headcount = _headcount(instance, project)
    return {town.id: min(_pool(town, project.audiences),
                         math.floor(headcount * weighed[town.id] / total)) if total else 0
            for town in instance.towns}


def _venue_is_rural(plan: _Plan, venue: Venue) -> bool:
    town = plan.towns.get(venue.town)
    return town is not None and town.rural


def _venue_fits(plan: _Plan, project: Project, venue: Venue) -> bool:
    """The venue has every feature the project asks for, and is rural if it must be."""
    if not set(project.venue_features) <= set(venue.features):
        return False
    return project.venue_rural != "required" or _venue_is_rural(plan, venue)


def _session_count(plan: _Plan, project: Project) -> tuple[int | None, str]:
    """The number of sessions n the spec gives the project, and how it was found.

    `sessions` if given; else n = ceil(H / c) with c = min(max_session_size, largest capacity of
    the venues it may use) for offline/blended, max_session_size for online/offsite (none: n = 1).
    None when an offline project has no venue it may use.
    """
    if project.sessions is not None:
        return project.sessions, "its sessions field"
    headcount = _headcount(plan.instance, project)
    if project.delivery == "to_area" and project.mode in VENUE_MODES:
        return _area_session_count(plan, project, headcount)
    if project.mode in VENUE_MODES:
        capacities = [v.capacity for v in plan.instance.venues if _venue_fits(plan, project, v)]
        if not capacities:
            return None, "no venue it may use"
        sizes = [max(capacities)]
        if project.max_session_size is not None:
            sizes.append(project.max_session_size)
        size = min(sizes)
    elif project.max_session_size is not None:
        size = project.max_session_size
    else:
        return 1, "one session: no max_session_size"
    return -(-headcount // size), f"ceil({headcount} / {size})"


def _area(plan: _Plan, town_id: str) -> str:
    town = plan.towns.get(town_id)
    return town_id if town is None or town.area is None else town.area


def _area_session_count(plan: _Plan, project: Project, headcount: int) -> tuple[int | None, str]:
    """A `to_area` project's classes: for each area with teachers of its audiences (in its
    rural towns, where the rural quota takes every seat), ceil(part / c), its part
    ceil(H × its weighed teachers / all weighed teachers) (weighed as the fair shares are;
    every teacher alike for "all") and c the largest venue it may use in the area, at most
    max_session_size and, where it takes teachers away, at most the area's towns' absence caps
    (each at most its teachers of the audiences). None when such an area has no venue it may
    use."""
    rural_weight = Fraction(str(plan.instance.policy.rural_weight))
    quota = (project.rural_quota if project.rural_quota is not None
             else plan.instance.policy.rural_quota)
    rural_only = project.headcount != "all" and math.ceil(round(quota * headcount, 9)) \
        >= headcount
    weighed: dict[str, Fraction] = defaultdict(Fraction)
    release: dict[str, int] = defaultdict(int)
    for town in plan.instance.towns:
        if rural_only and not town.rural:
            continue
        pool = _pool(town, project.audiences)
        teachers = sum(town.teachers.values())
        release[_area(plan, town.id)] += (
            min(pool, math.floor(round(_absence_share(plan, town) * teachers, 9)))
            if project.mode in ABSENCE_MODES else pool)
        weight = rural_weight if town.rural and project.headcount != "all" else Fraction(1)
        weighed[_area(plan, town.id)] += weight * _pool(town, project.audiences)
    total = sum(weighed.values())
    count, parts = 0, []
    for area, part in weighed.items():
        if part == 0:
            continue
        capacities = [venue.capacity for venue in plan.instance.venues
                      if _area(plan, venue.town) == area and _venue_fits(plan, project, venue)]
        if not capacities:
            return None, f"no venue it may use in area {area}"
        largest = min(max(capacities), release[area],
                      project.max_session_size or max(capacities))
        seats = math.ceil(headcount * part / total)
        count += math.ceil(seats / largest)
        parts.append(f"{area}: ceil({seats} / {largest})")
    return count, "by area, " + ", ".join(parts)


def _least_session_size(plan: _Plan, project: Project) -> tuple[int, str]:
    """The fewest teachers a session of the project seats, and where that comes from:
    min_session_size (project, else policy), else half the mean class, floor(H / n / 2), at
    least 1."""
    if project.min_session_size is not None:
        return project.min_session_size, "its min_session_size"
    if plan.instance.policy.min_session_size is not None:
        return plan.instance.policy.min_session_size, "policy.min_session_size"
    count, _ = _session_count(plan, project)
    headcount = _headcount(plan.instance, project)
    if not count:
        return 1, "one teacher"
    return max(1, headcount // count // 2), f"half the mean class, floor({headcount} / {count} / 2)"


def _days(row: SessionPhase) -> list[dt.date]:
    """Every calendar day of the row, start to end inclusive (none if it ends before it starts)."""
    return [row.start + dt.timedelta(days=k) for k in range((row.end - row.start).days + 1)]


def _session_seats(rows: list[SessionPhase]) -> dict[int, dict[str, int]]:
    """The seats of each session, read once (from its lowest phase), not once per phase."""
    seats: dict[int, dict[str, int]] = {}
    for row in sorted(rows, key=lambda r: (r.session, r.phase)):
        seats.setdefault(row.session, row.seats)
    return seats


def _absence_share(plan: _Plan, town: Town) -> float:
    if town.max_absence_share is not None:
        return town.max_absence_share
    return plan.instance.policy.max_absence_share


# --- how the messages name things -------------------------------------------------------------


def _name(item: Project | Venue | Trainer | Town, kind: str) -> str:
    return f"{kind} {item.id} ({item.name})"


def _label(plan: _Plan, row: SessionPhase) -> str:
    project = _name(plan.project_of(row), "project")
    return f"{project} session {row.session} phase {row.phase}"


def _ref(row: SessionPhase) -> str:
    return f"{row.project} session {row.session} phase {row.phase}"


def _dates(days: Iterable[dt.date]) -> str:
    ordered = sorted(set(days))
    shown = ", ".join(str(day) for day in ordered[:5])
    return shown if len(ordered) <= 5 else f"{shown} … ({len(ordered)} days)"


def _is_are(days: list[dt.date]) -> str:
    return "is" if len(days) == 1 else "are"


# --- the rule families ------------------------------------------------------------------------


def _check_shape(plan: _Plan) -> Iterator[Violation]:
    """The solution names its instance; every row's project exists; dropped ids exist, appear
    once and have no rows; a project not dropped has rows; each session has each phase 1..P
    exactly once."""
    solution = plan.solution
    if solution.schema_ != SOLUTION_SCHEMA:
        yield Violation(Rule.SHAPE, f"the solution's schema is {solution.schema_!r}, "
                                    f"expected {SOLUTION_SCHEMA!r}")
    if solution.instance != plan.instance.name:
        yield Violation(Rule.SHAPE, f"the solution is for instance {solution.instance!r}, "
                                    f"not {plan.instance.name!r}")
    for row in solution.sessions:
        if row.project not in plan.projects:
            yield Violation(Rule.SHAPE, f"{_ref(row)}: there is no project {row.project}")
        elif row.project in plan.dropped:
            yield Violation(Rule.SHAPE, f"{_label(plan, row)}: the project is dropped "
                                        f"but has a session")
    for project_id, times in Counter(solution.dropped).items():
        if project_id not in plan.projects:
            yield Violation(Rule.SHAPE, f"dropped: there is no project {project_id}")
        elif times > 1:
            yield Violation(Rule.SHAPE, f"dropped: project {project_id} is listed {times} times")
    for project in plan.instance.projects:
        if project.id in plan.dropped:
            continue
        rows = plan.rows_by_project.get(project.id, [])
        if not rows:
            yield Violation(Rule.SHAPE, f"{_name(project, 'project')} is neither scheduled "
                                        f"nor dropped")
            continue
        phases_of: dict[int, Counter[int]] = defaultdict(Counter)
        for row in rows:
            phases_of[row.session][row.phase] += 1
        for session, phases in sorted(phases_of.items()):
            where = f"{_name(project, 'project')} session {session}"
            for phase in range(1, project.phases + 1):
                if phases[phase] == 0:
                    yield Violation(Rule.SHAPE, f"{where}: phase {phase} has no row")
                elif phases[phase] > 1:
                    yield Violation(Rule.SHAPE, f"{where}: phase {phase} has {phases[phase]} rows")
            for phase in sorted(p for p in phases if p > project.phases):
                yield Violation(Rule.SHAPE, f"{where}: phase {phase} is given, the project has "
                                            f"{project.phases} phase(s)")


def _check_mandatory(plan: _Plan) -> Iterator[Violation]:
    """A "mandatory" project is never dropped."""
    for project_id in sorted(plan.dropped):
        project = plan.projects[project_id]
        if project.priority == "mandatory":
            yield Violation(Rule.MANDATORY_DROPPED,
                            f"{_name(project, 'project')} is mandatory but dropped")


def _check_session_count(plan: _Plan) -> Iterator[Violation]:
    """A scheduled project has sessions 1..n, n = `sessions` or ceil(headcount / class size)."""
    for project_id, rows in plan.rows_by_project.items():
        project = plan.projects[project_id]
        count, how = _session_count(plan, project)
        present = sorted({row.session for row in rows})
        if count is None:
            wanted = []
            if project.venue_features:
                wanted.append(f"has the features {project.venue_features}")
            if project.venue_rural == "required":
                wanted.append("is in a rural town")
            yield Violation(Rule.SESSION_COUNT, f"{_name(project, 'project')}: no venue "
                            f"{' and '.join(wanted)}, so its sessions cannot be sized or held")
        elif present != list(range(1, count + 1)):
            yield Violation(Rule.SESSION_COUNT, f"{_name(project, 'project')} has sessions "
                            f"{present}; it should have sessions 1..{count} ({how})")


def _check_length(plan: _Plan) -> Iterator[Violation]:
    """Each row lasts the project's `days` consecutive calendar days: end - start + 1 == days."""
    for row in plan.rows:
        project = plan.project_of(row)
        length = (row.end - row.start).days + 1
        if length != project.days:
            yield Violation(Rule.SESSION_LENGTH, f"{_label(plan, row)}: runs {row.start} to "
                            f"{row.end}, {length} day(s); the project's sessions last "
                            f"{project.days} day(s)")


def _check_days(plan: _Plan) -> Iterator[Violation]:
    """Every day of a row is in the instance year and not a public holiday; not a Saturday or
    Sunday (unless a make-up working day) when weekdays_only; in `months` if given; inside one
    holiday window when holiday is "required", outside all when "forbidden"; outside every
    blackout naming one of the project's audiences."""
    for row in plan.rows:
        days = _days(row)
        if days:
            yield from _day_violations(plan, plan.project_of(row), days, _label(plan, row))


def _day_violations(plan: _Plan, project: Project, days: list[dt.date],
                    where: str) -> Iterator[Violation]:
    """The calendar rules `days` of the project break, each said of `where`."""
    instance = plan.instance
    windows = instance.calendar.holiday_windows
    outside_year = [day for day in days if day.year != instance.year]
    if outside_year:
        yield Violation(Rule.YEAR, f"{where}: {_dates(outside_year)} {_is_are(outside_year)} "
                                   f"not in {instance.year}")
    holidays = [day for day in days if day in plan.public_holidays]
    if holidays:
        what = "a public holiday" if len(holidays) == 1 else "public holidays"
        yield Violation(Rule.PUBLIC_HOLIDAY,
                        f"{where}: {_dates(holidays)} {_is_are(holidays)} {what}")
    weekdays_only = (project.weekdays_only if project.weekdays_only is not None
                     else instance.policy.weekdays_only)
    weekend = [d for d in days if d.weekday() >= 5 and d not in plan.makeup_workdays]
    if weekdays_only and weekend:
        named = ", ".join(f"{day} ({day:%A})" for day in weekend)
        what = "a working day" if len(weekend) == 1 else "working days"
        yield Violation(Rule.WEEKEND, f"{where}: {named} {_is_are(weekend)} not {what} "
                                      f"and the project trains on weekdays only")
    if project.months is not None:
        wrong = [day for day in days if day.month not in project.months]
        if wrong:
            yield Violation(Rule.MONTHS, f"{where}: {_dates(wrong)} {_is_are(wrong)} outside "
                                         f"its months {sorted(project.months)}")
    if project.holiday == "required" and not any(
        all(w.start <= day <= w.end for day in days) for w in windows
    ):
        yield Violation(Rule.HOLIDAY_REQUIRED, f"{where}: {_dates(days)} {_is_are(days)} not "
                        f"inside one holiday window, and the project must be held in one")
    if project.holiday == "forbidden":
        for window in windows:
            inside = [day for day in days if window.start <= day <= window.end]
            if inside:
                yield Violation(Rule.HOLIDAY_FORBIDDEN, f"{where}: {_dates(inside)} "
                                f"{_is_are(inside)} in the holiday {window.name}, and the "
                                f"project may not be held in a holiday")
    for blackout in instance.calendar.blackouts:
        shared = sorted(set(blackout.audiences) & set(project.audiences))
        inside = [day for day in days if blackout.start <= day <= blackout.end]
        if shared and inside:
            yield Violation(Rule.BLACKOUT, f"{where}: {_dates(inside)} {_is_are(inside)} in "
                            f"the blackout {blackout.name} of {', '.join(shared)}")


def _check_spread(plan: _Plan) -> Iterator[Violation]:
    """A `spread` project's N session-phase starts, in date order, fall one in each of N
    consecutive groups of its allowed start days: the days on which the calendar rules alone
    let a session-phase start, in date order, cut into N groups as equal in count as
    possible, the earlier groups one larger where they cannot be equal."""
    for project_id, rows in plan.rows_by_project.items():
        project = plan.projects[project_id]
        if not project.spread:
            continue
        groups = _spread_groups(_allowed_starts(plan, project), len(rows))
        for index, (row, group) in enumerate(zip(sorted(rows, key=lambda r: r.start), groups,
                                                 strict=False), start=1):
            if group and not group[0] <= row.start <= group[-1]:
                yield Violation(Rule.SPREAD, f"{_label(plan, row)} starts {row.start}, the "
                                f"{index}. of {len(rows)} starts of the spread project, which "
                                f"falls in {group[0]}…{group[-1]}")


def _allowed_starts(plan: _Plan, project: Project) -> list[dt.date]:
    """The days of the year on which the calendar rules alone let a session-phase of the
    project start (a session's days all inside the year)."""
    first = dt.date(plan.instance.year, 1, 1)
    starts = []
    for offset in range(366):
        days = [first + dt.timedelta(days=offset + k) for k in range(project.days)]
        if days[0].year == plan.instance.year and not any(
                _day_violations(plan, project, days, "")):
            starts.append(days[0])
    return starts


def _spread_groups(starts: list[dt.date], count: int) -> list[list[dt.date]]:
    """`starts` cut into `count` consecutive groups, the earlier ones one larger where they
    cannot be equal."""
    size, extra = divmod(len(starts), count)
    groups, at = [], 0
    for index in range(count):
        length = size + (1 if index < extra else 0)
        groups.append(starts[at:at + length])
        at += length
    return groups


def _check_phase_gap(plan: _Plan) -> Iterator[Violation]:
    """Phase k+1 of a session starts after phase k ends, with at least min_gap_days whole days
    between them: start(k+1) - end(k) - 1 >= min_gap_days."""
    for project_id, rows in plan.rows_by_project.items():
        project = plan.projects[project_id]
        by_session: dict[int, dict[int, SessionPhase]] = defaultdict(dict)
        for row in rows:
            by_session[row.session].setdefault(row.phase, row)
        for session, phases in sorted(by_session.items()):
            for phase in sorted(phases):
                later = phases.get(phase + 1)
                if later is None:
                    continue
                gap = (later.start - phases[phase].end).days - 1
                if gap < project.min_gap_days:
                    yield Violation(Rule.PHASE_GAP, f"{_name(project, 'project')} session "
                                    f"{session}: phase {phase + 1} starts {later.start}, "
                                    f"{gap} day(s) after phase {phase} ends "
                                    f"{phases[phase].end}; at least {project.min_gap_days} "
                                    f"day(s) are needed")


def _check_venue_of_row(plan: _Plan) -> Iterator[Violation]:
    """Offline and blended rows are held in an existing venue, online and offsite rows in none;
    the venue seats the row, has every required feature, is rural if the project requires it,
    and is not unavailable on any of the row's days."""
    for row in plan.rows:
        project = plan.project_of(row)
        where = _label(plan, row)
        if project.mode not in VENUE_MODES:
            if row.venue is not None:
                yield Violation(Rule.VENUE_MODE, f"{where}: {project.mode.value} sessions have no "
                                                 f"venue, but venue {row.venue} is given")
            continue
        if row.venue is None:
            yield Violation(Rule.VENUE_MODE, f"{where}: {project.mode.value} sessions need a "
                                             f"venue, none is given")
            continue
        venue = plan.venues.get(row.venue)
        if venue is None:
            yield Violation(Rule.VENUE_UNKNOWN, f"{where}: there is no venue {row.venue}")
            continue
        place = _name(venue, "venue")
        size = sum(row.seats.values())
        if size > venue.capacity:
            yield Violation(Rule.VENUE_CAPACITY, f"{where}: {size} seats in {place}, which holds "
                                                 f"{venue.capacity}")
        missing = sorted(set(project.venue_features) - set(venue.features))
        if missing:
            yield Violation(Rule.VENUE_FEATURES, f"{where}: {place} lacks {', '.join(missing)}")
        if project.venue_rural == "required" and not _venue_is_rural(plan, venue):
            yield Violation(Rule.VENUE_RURAL, f"{where}: {place} is in town {venue.town}, not a "
                                              f"rural town, and the project requires one")
        blocked = [day for day in _days(row) if _within(day, venue.unavailable)]
        if blocked:
            yield Violation(Rule.VENUE_UNAVAILABLE, f"{where}: {place} is unavailable on "
                                                    f"{_dates(blocked)}", ("venue", venue.id),
                            tuple(blocked))


def _check_to_area(plan: _Plan) -> Iterator[Violation]:
    """A `to_area` row meets in a venue in the area of every town it seats."""
    for row in plan.rows:
        project = plan.project_of(row)
        if project.delivery != "to_area" or row.venue not in plan.venues:
            continue
        where = _area(plan, plan.venues[row.venue].town)
        away = sorted(town for town, count in row.seats.items()
                      if count > 0 and _area(plan, town) != where)
        if away:
            yield Violation(Rule.TO_AREA, f"{_label(plan, row)}: venue {row.venue} is in area "
                            f"{where}, but it seats teachers of {', '.join(away)} (area "
                            f"{', '.join(sorted({_area(plan, town) for town in away}))}), and "
                            f"the project goes to its trainees' areas")


def _check_venue_one_a_day(plan: _Plan) -> Iterator[Violation]:
    """A venue hosts at most one row a day."""
    hosted: dict[tuple[str, dt.date], list[SessionPhase]] = defaultdict(list)
    for row in plan.rows:
        if row.venue in plan.venues and plan.project_of(row).mode in VENUE_MODES:
            for day in _days(row):
                hosted[row.venue, day].append(row)
    yield from _clashes(hosted, plan.venues, "venue", Rule.VENUE_ONE_SESSION_A_DAY)


def _clashes(
    booked: dict[tuple[str, dt.date], list[SessionPhase]],
    owners: dict[str, Venue] | dict[str, Trainer],
    kind: str,
    rule: Rule,
) -> Iterator[Violation]:
    """One violation per owner and set of clashing rows, listing the days they clash."""
    clash_days: dict[tuple[str, tuple[tuple[str, str], ...]], list[dt.date]] = defaultdict(list)
    for (owner, day), rows in booked.items():
        if len(rows) > 1:
            clash_days[owner, tuple(sorted((_ref(row), row.project) for row in rows))].append(day)
    for (owner, refs), days in sorted(clash_days.items()):
        yield Violation(rule, f"{_name(owners[owner], kind)}: {len(refs)} sessions on "
                              f"{_dates(days)} ({', '.join(ref for ref, _ in refs)})",
                        (kind, owner), tuple(days),
                        tuple(sorted({project for _, project in refs})))


def _check_trainers_of_row(plan: _Plan) -> Iterator[Violation]:
    """Each row has trainers_per_session distinct, existing trainers (none offsite); each shares
    a topic with the project, and together they cover every project topic."""
    for row in plan.rows:
        project = plan.project_of(row)
        where = _label(plan, row)
        wanted = 0 if project.mode in TRAINERLESS_MODES else project.trainers_per_session
        if len(row.trainers) != wanted:
            yield Violation(Rule.TRAINER_COUNT, f"{where}: {len(row.trainers)} trainer(s); "
                                                f"{project.mode.value} sessions of this project "
                                                f"need {wanted}")
        repeated = sorted(t for t, times in Counter(row.trainers).items() if times > 1)
        if repeated:
            yield Violation(Rule.TRAINER_DISTINCT, f"{where}: trainer {', '.join(repeated)} is "
                                                   f"listed more than once")
        known = [plan.trainers[t] for t in dict.fromkeys(row.trainers) if t in plan.trainers]
        for trainer_id in dict.fromkeys(row.trainers):
            if trainer_id not in plan.trainers:
                yield Violation(Rule.TRAINER_UNKNOWN, f"{where}: there is no trainer {trainer_id}")
        topics = set(project.topics)
        for trainer in known:
            if not topics & set(trainer.topics):
                yield Violation(Rule.TRAINER_TOPIC, f"{where}: {_name(trainer, 'trainer')} teaches "
                                f"none of the project's topics {sorted(topics)}")
        uncovered = topics - {topic for trainer in known for topic in trainer.topics}
        if row.trainers and uncovered:
            yield Violation(Rule.TRAINER_COVER, f"{where}: no trainer teaches "
                                                f"{', '.join(sorted(uncovered))}")


def _check_trainer_days(plan: _Plan) -> Iterator[Violation]:
    """A trainer teaches at most one row a day, only inside `available` (if given) and outside
    `unavailable`, and at most max_days days in the year (days summed over their rows)."""
    booked: dict[tuple[str, dt.date], list[SessionPhase]] = defaultdict(list)
    workload: Counter[str] = Counter()
    for row in plan.rows:
        for trainer_id in dict.fromkeys(row.trainers):
            trainer = plan.trainers.get(trainer_id)
            if trainer is None:
                continue
            days = _days(row)
            workload[trainer_id] += len(days)
            for day in days:
                booked[trainer_id, day].append(row)
            blocked = [
                day for day in days
                if _within(day, trainer.unavailable)
                or (trainer.available is not None and not _within(day, trainer.available))
            ]
            if blocked:
                yield Violation(Rule.TRAINER_UNAVAILABLE, f"{_label(plan, row)}: "
                                f"{_name(trainer, 'trainer')} is not available on "
                                f"{_dates(blocked)}", ("trainer", trainer.id), tuple(blocked))
    yield from _clashes(booked, plan.trainers, "trainer", Rule.TRAINER_ONE_SESSION_A_DAY)
    for trainer_id, total in sorted(workload.items()):
        trainer = plan.trainers[trainer_id]
        if total > trainer.max_days:
            yield Violation(Rule.TRAINER_MAX_DAYS, f"{_name(trainer, 'trainer')}: teaches {total} "
                                                   f"days, at most {trainer.max_days}",
                            ("trainer", trainer.id))


def _check_seats_of_row(plan: _Plan) -> Iterator[Violation]:
    """Seats are keyed by existing town ids with non-negative counts; every phase of a session
    has the same seats; a session seats at least 1 and at most max_session_size."""
    for project_id, rows in plan.rows_by_project.items():
        project = plan.projects[project_id]
        first_seats = _session_seats(rows)
        for row in rows:
            where = _label(plan, row)
            for town_id, count in row.seats.items():
                if town_id not in plan.towns:
                    yield Violation(Rule.SEATS_TOWN, f"{where}: {count} seat(s) for {town_id}, "
                                                     f"which is not a town")
                if count < 0:
                    yield Violation(Rule.SEATS_NEGATIVE, f"{where}: {count} seats for town "
                                                         f"{town_id}, a negative count")
            if row.seats != first_seats[row.session]:
                yield Violation(Rule.SEATS_PHASES, f"{where}: seats {row.seats} differ from the "
                                f"session's first phase {first_seats[row.session]}")
        least, how = _least_session_size(plan, project)
        for session, seats in sorted(first_seats.items()):
            size = sum(seats.values())
            where = f"{_name(project, 'project')} session {session}"
            if size < least:
                yield Violation(Rule.SESSION_SIZE, f"{where}: seats {size} teachers, at least "
                                                   f"{least} ({how})")
            if project.max_session_size is not None and size > project.max_session_size:
                yield Violation(Rule.SESSION_SIZE, f"{where}: seats {size} teachers, at most "
                                                   f"{project.max_session_size}")


def _check_seats_of_project(plan: _Plan) -> Iterator[Violation]:
    """Over a project's sessions: a town gives seats only if it has teachers of the project's
    audiences, never more than it has; the seats add up to the headcount H; and at least
    ceil(quota x H) go to rural towns (quota: project, else policy; none for headcount "all")."""
    instance = plan.instance
    for project_id, rows in plan.rows_by_project.items():
        project = plan.projects[project_id]
        name = _name(project, "project")
        given: Counter[str] = Counter()
        for seats in _session_seats(rows).values():
            given.update(seats)
        for town_id, count in sorted(given.items()):
            town = plan.towns.get(town_id)
            if town is None or count <= 0:
                continue
            pool = _pool(town, project.audiences)
            if pool == 0:
                yield Violation(Rule.SEATS_AUDIENCE, f"{name}: {count} seat(s) for "
                                f"{_name(town, 'town')}, which has no teachers of "
                                f"{', '.join(project.audiences)}")
            elif count > pool:
                yield Violation(Rule.SEATS_POOL, f"{name}: {count} seats for "
                                f"{_name(town, 'town')}, which has {pool} teachers of its "
                                f"audiences")
        headcount = _headcount(instance, project)
        total = sum(given.values())
        if total != headcount:
            yield Violation(Rule.HEADCOUNT, f"{name}: its sessions seat {total} teachers, the "
                                            f"headcount is {headcount}")
        if project.headcount == "all":
            continue
        quota = (project.rural_quota if project.rural_quota is not None
                 else instance.policy.rural_quota)
        needed = math.ceil(round(quota * headcount, 9))
        rural = sum(count for town_id, count in given.items()
                    if town_id in plan.towns and plan.towns[town_id].rural)
        if rural < needed:
            yield Violation(Rule.RURAL_QUOTA, f"{name}: {rural} rural seats, at least {needed} "
                                              f"needed (ceil({quota} × {headcount}))")


def _away(plan: _Plan) -> dict[dt.date, list[SessionPhase]]:
    """The offline, blended and offsite rows running on each day."""
    running: dict[dt.date, list[SessionPhase]] = defaultdict(list)
    for row in plan.rows:
        if plan.project_of(row).mode in ABSENCE_MODES:
            for day in _days(row):
                running[day].append(row)
    return running


def _check_absence(plan: _Plan) -> Iterator[Violation]:
    """On a school day a town has at most floor(share x its teachers) seats in offline, blended
    and offsite rows running that day (share: town, else policy); on any other day at most its
    teachers."""
    over: dict[tuple[str, int, int, str, tuple[tuple[str, str], ...]], list[dt.date]] = \
        defaultdict(list)
    for day, rows in _away(plan).items():
        school_day = plan.is_school_day(day)
        for town_id, town in plan.towns.items():
            seats = sum(row.seats.get(town_id, 0) for row in rows)
            teachers = sum(town.teachers.values())
            if school_day:
                share = _absence_share(plan, town)
                cap = math.floor(round(share * teachers, 9))
                why = f"school day, floor({share} × {teachers})"
            else:
                cap, why = teachers, "not a school day, all its teachers"
            if seats > cap:
                refs = tuple(sorted((_ref(row), row.project) for row in rows
                                    if row.seats.get(town_id, 0)))
                over[town_id, seats, cap, why, refs].append(day)
    for (town_id, seats, cap, why, refs), days in sorted(over.items()):
        yield Violation(Rule.ABSENCE_CAP, f"{_name(plan.towns[town_id], 'town')}: {seats} "
                        f"teachers away on {_dates(days)} "
                        f"({', '.join(ref for ref, _ in refs)}), more than the cap {cap} "
                        f"({why})", ("town", town_id), tuple(days),
                        tuple(sorted({project for _, project in refs})))


def _check_one_training_a_day(plan: _Plan) -> Iterator[Violation]:
    """A town's teachers are never in two trainings on one day. A row's seats from town z come
    from its project's audiences in proportion to z's teachers of each, so for every town z,
    day d (any day) and audience a, the shares seats(row, z) / pool(project, z) of the rows
    running on d, in any mode, whose project has audience a, add up to at most 1. Exact
    fractions."""
    taken: dict[tuple[str, str, dt.date], list[tuple[int, int, SessionPhase]]] = \
        defaultdict(list)
    for row in plan.rows:
        project = plan.project_of(row)
        for town_id, count in row.seats.items():
            town = plan.towns.get(town_id)
            pool = _pool(town, project.audiences) if town is not None else 0
            if count <= 0 or pool == 0:
                continue
            for audience in set(project.audiences):
                for day in _days(row):
                    taken[town_id, audience, day].append((count, pool, row))
    over: dict[tuple[str, str, Fraction, tuple[str, ...]], list[dt.date]] = defaultdict(list)
    for (town_id, audience, day), rows in taken.items():
        total = sum((Fraction(count, pool) for count, pool, _ in rows), Fraction(0))
        if total > 1:
            refs = tuple(sorted(f"{_ref(row)}: {count} of {pool}" for count, pool, row in rows))
            over[town_id, audience, total, refs].append(day)
    for (town_id, audience, total, refs), days in sorted(over.items()):
        yield Violation(Rule.ONE_TRAINING_A_DAY,
                        f"{_name(plan.towns[town_id], 'town')}: its teachers of {audience} are "
                        f"booked {float(total):.2f} times on {_dates(days)} "
                        f"({'; '.join(refs)}): a teacher is in one training a day",
                        ("town", town_id), tuple(days),
                        tuple(sorted({ref.split(" ", 1)[0] for ref in refs})))


def _check_after(plan: _Plan) -> Iterator[Violation]:
    """Every session of a project starts strictly after the last day of every row of each
    project it comes after; a dropped project constrains nothing."""
    for project_id, rows in plan.rows_by_project.items():
        project = plan.projects[project_id]
        starts: dict[int, dt.date] = {}
        for row in rows:
            starts[row.session] = min(row.start, starts.get(row.session, row.start))
        for earlier_id in project.after:
            earlier_rows = plan.rows_by_project.get(earlier_id)
            if not earlier_rows:
                continue
            last = max(row.end for row in earlier_rows)
            earlier = _name(plan.projects[earlier_id], "project")
            for session, start in sorted(starts.items()):
                if start <= last:
                    yield Violation(Rule.AFTER, f"{_name(project, 'project')} session {session} "
                                    f"starts {start}, not after {earlier} ends {last}")


def _check_kpis(plan: _Plan) -> Iterator[Violation]:
    """The reported KPIs equal the recomputed ones, and the objective their weighted sum. A
    re-planned solution adds the stability KPIs: recomputed when the baseline is given, else
    taken as reported (only the baseline can tell what changed)."""
    kpis = _recompute(plan)
    names: tuple[str, ...] = KPI_NAMES
    if plan.solution.replan is not None:
        names += STABILITY_KPI_NAMES
        if plan.baseline is not None:
            kpis |= _recompute_stability(plan, plan.baseline)
        else:
            kpis |= {key: plan.solution.kpis.get(key, 0) for key in STABILITY_KPI_NAMES}
    weights = {key: getattr(plan.instance.objective.weights, KPI_WEIGHTS.get(key, key))
               for key in names}
    for key in names:
        reported = plan.solution.kpis.get(key)
        if reported is None and key in NEWER_KPI_NAMES and 0 in (kpis[key], weights[key]):
            continue  # a plan written before it was counted, where it changes nothing
        if reported is None:
            yield Violation(Rule.KPI, f"KPI {key} is missing; it is {kpis[key]}")
        elif reported != kpis[key]:
            yield Violation(Rule.KPI, f"KPI {key} is reported as {reported}; it is {kpis[key]}")
    objective = sum(weights[key] * kpis[key] for key in names)
    if plan.solution.objective is not None and plan.solution.objective != objective:
        terms = " + ".join(f"{weights[key]} × {kpis[key]}" for key in names)
        yield Violation(Rule.OBJECTIVE, f"the objective is reported as {plan.solution.objective}; "
                                        f"it is {terms} = {objective}")


def _check_kept(plan: _Plan) -> Iterator[Violation]:
    """Re-planned against a given baseline: a session-phase before `today` is held (kept
    exactly: dates, venue, trainers, seats), and so is every phase of a pinned session, or the
    pinned parts of it (`p11#2:date,venue`); no other session-phase starts before `today`
    (only what was held lies in the past)."""
    record = plan.solution.replan
    if record is None or plan.baseline is None:
        return
    now = {(row.project, row.session, row.phase): row for row in plan.solution.sessions}
    pinned = dict(_pin(text) for text in record.pinned)
    held: set[tuple[str, int, int]] = set()
    for before in plan.baseline.sessions:
        key = (before.project, before.session, before.phase)
        if record.today is not None and before.start < record.today:
            held.add(key)
            rule, parts = Rule.HELD, KEPT_PARTS
        elif (before.project, before.session) in pinned:
            rule, parts = Rule.PINNED, pinned[before.project, before.session]
        else:
            continue
        after = now.get(key)
        changed = [part for part in parts if after is None
                   or KEPT_PARTS[part](after) != KEPT_PARTS[part](before)]
        if changed:
            what = ("held before " + str(record.today) if rule == Rule.HELD
                    else "pinned" if len(parts) == len(KEPT_PARTS)
                    else f"pinned ({', '.join(parts)})")
            yield Violation(rule, f"{_ref(before)} ({before.start}–{before.end}) is {what} "
                                  f"but the plan changes its {', '.join(changed)}")
    if record.today is None:
        return
    for row in plan.rows:
        if row.start < record.today and (row.project, row.session, row.phase) not in held:
            yield Violation(Rule.HELD, f"{_label(plan, row)} starts {row.start}, before "
                                       f"{record.today}: only what was held lies before it")


KEPT_PARTS: dict[str, Callable[[SessionPhase], object]] = {
    "date": lambda row: (row.start, row.end),
    "venue": lambda row: row.venue,
    "trainers": lambda row: sorted(row.trainers),
    "seats": lambda row: row.seats,
}
"""What a held session keeps, part by part, as the pins of docs/format.md name them."""


def _pin(text: str) -> tuple[tuple[str, int], dict[str, Callable[[SessionPhase], object]]]:
    """`p11#2` pins every part of the session, `p11#2:date,venue` those parts."""
    reference, _, part_list = text.partition(":")
    project, _, number = reference.partition("#")
    names = part_list.split(",") if part_list else list(KEPT_PARTS)
    return (project, int(number)), {name: KEPT_PARTS[name] for name in names
                                    if name in KEPT_PARTS}


def _check_status(plan: _Plan) -> Iterator[Violation]:
    """A solution that lists sessions says OPTIMAL or FEASIBLE."""
    solution = plan.solution
    if solution.status not in (Status.OPTIMAL, Status.FEASIBLE) and solution.sessions:
        yield Violation(Rule.STATUS, f"the status is {solution.status.value} but the solution "
                                     f"lists {len(solution.sessions)} session rows")


Check = Callable[[_Plan], Iterator[Violation]]

CHECKS: tuple[tuple[Check, frozenset[Rule]], ...] = tuple(
    (check, frozenset(rules)) for check, rules in (
        (_check_status, {Rule.STATUS}),
        (_check_shape, {Rule.SHAPE}),
        (_check_mandatory, {Rule.MANDATORY_DROPPED}),
        (_check_session_count, {Rule.SESSION_COUNT}),
        (_check_length, {Rule.SESSION_LENGTH}),
        (_check_days, {Rule.YEAR, Rule.PUBLIC_HOLIDAY, Rule.WEEKEND, Rule.MONTHS,
                       Rule.HOLIDAY_REQUIRED, Rule.HOLIDAY_FORBIDDEN, Rule.BLACKOUT}),
        (_check_phase_gap, {Rule.PHASE_GAP}),
        (_check_spread, {Rule.SPREAD}),
        (_check_venue_of_row, {Rule.VENUE_MODE, Rule.VENUE_UNKNOWN, Rule.VENUE_CAPACITY,
                               Rule.VENUE_FEATURES, Rule.VENUE_RURAL, Rule.VENUE_UNAVAILABLE}),
        (_check_to_area, {Rule.TO_AREA}),
        (_check_venue_one_a_day, {Rule.VENUE_ONE_SESSION_A_DAY}),
        (_check_trainers_of_row, {Rule.TRAINER_COUNT, Rule.TRAINER_DISTINCT,
                                  Rule.TRAINER_UNKNOWN, Rule.TRAINER_TOPIC,
                                  Rule.TRAINER_COVER}),
        (_check_trainer_days, {Rule.TRAINER_UNAVAILABLE, Rule.TRAINER_ONE_SESSION_A_DAY,
                               Rule.TRAINER_MAX_DAYS}),
        (_check_seats_of_row, {Rule.SEATS_TOWN, Rule.SEATS_NEGATIVE, Rule.SEATS_PHASES,
                               Rule.SESSION_SIZE}),
        (_check_seats_of_project, {Rule.SEATS_AUDIENCE, Rule.SEATS_POOL, Rule.HEADCOUNT,
                                   Rule.RURAL_QUOTA}),
        (_check_absence, {Rule.ABSENCE_CAP}),
        (_check_one_training_a_day, {Rule.ONE_TRAINING_A_DAY}),
        (_check_after, {Rule.AFTER}),
        (_check_kpis, {Rule.KPI, Rule.OBJECTIVE}),
        (_check_kept, {Rule.HELD, Rule.PINNED}),
    ))
"""Each rule family's check, in the order `validate` runs them, with the rules it reports (and
no other: `validate` insists)."""
CHECKED_RULES: frozenset[Rule] = frozenset().union(*(rules for _, rules in CHECKS))
"""Every rule the checker can report a violation of."""


# --- the objective terms ----------------------------------------------------------------------


def _recompute_stability(plan: _Plan, baseline: Solution) -> dict[str, int]:
    """Per session-phase of the baseline: held on other dates or not at all (moved); else in
    another venue (venue_changed), and how many of its trainers are gone (trainer_changed)."""
    now = {(row.project, row.session, row.phase): row for row in plan.rows}
    moved = venue_changed = trainer_changed = 0
    for before in baseline.sessions:
        after = now.get((before.project, before.session, before.phase))
        if after is None:
            moved += 1
            continue
        moved += (after.start, after.end) != (before.start, before.end)
        venue_changed += after.venue != before.venue
        trainer_changed += sum(1 for trainer in before.trainers if trainer not in after.trainers)
    return {"moved": moved, "venue_changed": venue_changed, "trainer_changed": trainer_changed}



def _recompute(plan: _Plan) -> dict[str, int]:
    """The seven KPIs of docs/format.md, Objective, over the rows of scheduled projects."""
    instance = plan.instance
    dropped = sum(int(plan.projects[p].priority) for p in plan.dropped
                  if plan.projects[p].priority != "mandatory")

    preference = 0
    share = 0
    rural_venue = 0
    cost = 0
    for project_id, rows in plan.rows_by_project.items():
        project = plan.projects[project_id]
        wanted = project.preferred_months if project.preferred_months is not None \
            else project.months
        if wanted is not None:
            preference += sum(1 for row in rows for day in _days(row) if day.month not in wanted)
        if project.headcount != "all":  # it seats everyone: no share applies
            seated: Counter[str] = Counter()
            for seats in _session_seats(rows).values():
                seated.update(seats)
            share += sum(max(0, target - seated[town_id])
                         for town_id, target in _fair_shares(instance, project).items())
        if project.venue_rural == "preferred":
            rural_venue += sum(
                sum(row.seats.values()) for row in rows
                if row.venue in plan.venues and not _venue_is_rural(plan, plan.venues[row.venue])
            )
        for row in rows:
            venue = plan.venues.get(row.venue) if row.venue is not None else None
            per_day = (venue.cost_per_day if venue is not None else 0) + sum(
                plan.trainers[t].fee_per_day for t in row.trainers if t in plan.trainers
            )
            cost += len(_days(row)) * per_day

    balance = max(
        (sum(sum(row.seats.values()) for row in rows)
         for day, rows in _away(plan).items() if plan.is_school_day(day)),
        default=0,
    )
    return {"dropped": dropped, "preference": preference, "share": share,
            "rural_venue": rural_venue, "cost": cost, "balance": balance,
            "hours_short": _hours_short(plan), "away_days": _away_days(plan)}


def _away_days(plan: _Plan) -> int:
    """Days a trainer teaches in a venue outside the area of the town they live in (a trainer
    who gives no town is never away), over every row."""
    days = 0
    for row in plan.rows:
        venue = plan.venues.get(row.venue) if row.venue is not None else None
        if venue is None:
            continue
        for trainer_id in row.trainers:
            trainer = plan.trainers.get(trainer_id)
            if trainer is not None and trainer.town is not None \
                    and _area(plan, trainer.town) != _area(plan, venue.town):
                days += len(_days(row))
    return days


def _decimal(number: float) -> Fraction:
    """A number of the instance read as the decimal it was written as (7.5 is 15/2)."""
    return Fraction(str(number))


def _hours_short(plan: _Plan) -> int:
    """Σ_z Σ_a max(0, required(a)·teachers(z,a) − offered(z,a)), rounded down, where
    offered(z,a) = Σ over scheduled projects p with audience a of hours(p)·seats(p,z)·
    teachers(z,a)/pool(p,z) (docs/format.md, Objective); 0 without policy.required_hours."""
    policy = plan.instance.policy
    if policy.required_hours is None:
        return 0
    offered: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for project_id, rows in plan.rows_by_project.items():
        project = plan.projects[project_id]
        hours = (_decimal(project.hours) if project.hours is not None
                 else project.days * project.phases * _decimal(policy.hours_per_day))
        seated: Counter[str] = Counter()
        for seats in _session_seats(rows).values():
            seated.update(seats)
        for town_id, count in seated.items():
            town = plan.towns.get(town_id)
            if town is None:
                continue
            pool = _pool(town, project.audiences)
            for audience in project.audiences:
                if pool and town.teachers.get(audience, 0):
                    offered[town_id, audience] += Fraction(
                        hours * count * town.teachers[audience], pool)
    short = Fraction(0)
    for town in plan.instance.towns:
        for audience, teachers in town.teachers.items():
            given = policy.required_hours
            required = given.get(audience) if isinstance(given, dict) else given
            if required is not None:
                short += max(Fraction(0), _decimal(required) * teachers
                             - offered[town.id, audience])
    return math.floor(short)


# --- the public API ---------------------------------------------------------------------------


def recompute_kpis(instance: Instance, solution: Solution) -> dict[str, int]:
    """The KPIs `dropped, preference, share, rural_venue, cost, balance, hours_short` of the
    solution, from scratch."""
    return _recompute(_Plan(instance, solution))


def validate(instance: Instance, solution: Solution, baseline: Solution | None = None,
             only: frozenset[Rule] | None = None) -> list[Violation]:
    """Every violation of the spec's rules by the solution; [] when it is a valid plan.

    A solution without a schedule (INFEASIBLE, UNKNOWN) and without sessions has nothing to
    check; one that lists sessions must say OPTIMAL or FEASIBLE, and its rows are still checked.
    A re-planned solution is also checked against its `baseline` when given: held and pinned
    sessions kept, stability KPIs recomputed. With `only`, just the rule families that report
    one of those rules are run.
    """
    if solution.status not in (Status.OPTIMAL, Status.FEASIBLE) and not solution.sessions:
        return []
    plan = _Plan(instance, solution, baseline)
    problems = []
    for check, rules in CHECKS:
        if only is not None and not only & rules:
            continue
        for violation in check(plan):
            assert violation.rule in rules, f"{check.__name__} reports {violation.rule}"
            problems.append(violation)
    return problems
