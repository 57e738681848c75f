"""An independent check of a solution against the rules of docs/format.md.

It shares no code with the CP-SAT model on purpose: it re-reads every rule from the spec and
recomputes every derived number (headcounts, session counts, quotas, absence caps, school days)
from the raw fields of the instance rather than from the `Instance` helpers, so a slip in the
model or in a helper shows up here as a labelled violation.

Each rule family is one function `_check_…(plan) -> Iterator[Violation]`, registered in `CHECKS`
with the rules (`scheduler.core.rules.Rule`) it reports; `validate` runs them in that order. Rows
are the solution's `sessions` entries: one phase of one session of a project. A violation says what
is wrong as a `Phrase`, in English or Chinese (`Violation.text`), from the templates of `WORDS`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import holidays as holiday_rules
from chinese_calendar import constants as chinese_calendar_data

from models import Instance, Mode, Project, SessionPhase, Solution, Status, Town, Trainer, Venue
from models.fields import DateRange
from models.phrase import Joined, Named, Phrase, phrase
from scheduler.core.rules import Rule
from scheduler.messages import TERMS

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
    """One broken rule: its name (`rule`) and one plain sentence in the planner's terms (`said`,
    in either language); for the rules a class meets when it is moved
    (`scheduler.analysis.class_costs`), also what stands in its way (`subject`: a venue, trainer or
    town, as its kind and id), on which `days`, and the `others`: the projects whose sessions it
    clashes with."""

    rule: Rule
    said: Phrase
    subject: tuple[str, str] | None = None
    days: tuple[dt.date, ...] = ()
    others: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """The sentence in English."""
        return self.said.text("en")

    def __repr__(self) -> str:
        """With the sentence in English, as a failing test shows it."""
        return (f"Violation(rule={self.rule!r}, message={self.message!r}, "
                f"subject={self.subject!r}, days={self.days!r}, others={self.others!r})")


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


def _session_count(plan: _Plan, project: Project) -> tuple[int | None, Phrase]:
    """The number of sessions n the spec gives the project, and how it was found.

    `sessions` if given; else n = ceil(H / c) with c = min(max_session_size, largest capacity of
    the venues it may use) for offline/blended, max_session_size for online/offsite (none: n = 1).
    None when an offline project has no venue it may use.
    """
    if project.sessions is not None:
        return project.sessions, phrase(WORDS["sessions field"])
    headcount = _headcount(plan.instance, project)
    if project.delivery == "to_area" and project.mode in VENUE_MODES:
        return _area_session_count(plan, project, headcount)
    if project.mode in VENUE_MODES:
        capacities = [v.capacity for v in plan.instance.venues if _venue_fits(plan, project, v)]
        if not capacities:
            return None, phrase(WORDS["no venue"])
        sizes = [max(capacities)]
        if project.max_session_size is not None:
            sizes.append(project.max_session_size)
        size = min(sizes)
    elif project.max_session_size is not None:
        size = project.max_session_size
    else:
        return 1, phrase(WORDS["one session"])
    return -(-headcount // size), phrase(WORDS["ceil"], count=headcount, size=size)


def _area(plan: _Plan, town_id: str) -> str:
    town = plan.towns.get(town_id)
    return town_id if town is None or town.area is None else town.area


def _area_session_count(plan: _Plan, project: Project,
                        headcount: int) -> tuple[int | None, Phrase]:
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
    count = 0
    parts: list[Phrase] = []
    for area, part in weighed.items():
        if part == 0:
            continue
        capacities = [venue.capacity for venue in plan.instance.venues
                      if _area(plan, venue.town) == area and _venue_fits(plan, project, venue)]
        if not capacities:
            return None, phrase(WORDS["no venue in area"], area=area)
        largest = min(max(capacities), release[area],
                      project.max_session_size or max(capacities))
        seats = math.ceil(headcount * part / total)
        count += math.ceil(seats / largest)
        parts.append(phrase(WORDS["area ceil"], area=area, count=seats, size=largest))
    return count, phrase(WORDS["by area"], parts=Joined(tuple(parts), (", ", "；")))


def _least_session_size(plan: _Plan, project: Project) -> tuple[int, Phrase]:
    """The fewest teachers a session of the project seats, and where that comes from:
    min_session_size (project, else policy), else half the mean class, floor(H / n / 2), at
    least 1."""
    if project.min_session_size is not None:
        return project.min_session_size, phrase(WORDS["its min size"])
    if plan.instance.policy.min_session_size is not None:
        return plan.instance.policy.min_session_size, phrase(WORDS["policy min size"])
    count, _ = _session_count(plan, project)
    headcount = _headcount(plan.instance, project)
    if not count:
        return 1, phrase(WORDS["one teacher"])
    return max(1, headcount // count // 2), phrase(WORDS["half class"], headcount=headcount,
                                                    count=count)


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


def _name(item: Project | Venue | Trainer | Town, kind: str) -> Phrase:
    """`project p1 (培训名)`, `项目培训名（p1）`: `kind` is project, venue, trainer or town."""
    return phrase(WORDS[kind], item=Named(item.id, item.name))


def _session(project: Project, session: int) -> Phrase:
    return phrase(WORDS["session"], project=_name(project, "project"), session=session)


def _label(plan: _Plan, row: SessionPhase) -> Phrase:
    return phrase(WORDS["label"], session=_session(plan.project_of(row), row.session),
                  phase=row.phase)


def _ref(row: SessionPhase) -> Phrase:
    return phrase(WORDS["ref"], project=row.project, session=row.session, phase=row.phase)


def _id_or(item_id: str, chinese: str) -> Phrase:
    """The id in English and `chinese` (a name from the data) in Chinese."""
    return phrase(WORDS["id or"], item=(item_id, chinese))


def _town(plan: _Plan, town_id: str) -> Phrase:
    """A town by its id, in Chinese by its name."""
    town = plan.towns.get(town_id)
    return _id_or(town_id, town.name if town is not None else town_id)


def _audiences(plan: _Plan, audience_ids: Iterable[str]) -> Joined:
    """Audiences by their ids, in Chinese by their names."""
    names = {audience.id: audience.name for audience in plan.instance.audiences}
    return Joined(tuple(_id_or(key, names.get(key, key)) for key in audience_ids))


def _listed(items: Iterable[object], kind: str = "item") -> Phrase:
    """A list as Python shows it, `[3, 4]`, `['math']`; in Chinese `3月、4月`, `math`."""
    return phrase(WORDS["list"], items=Joined(tuple(phrase(WORDS[kind], item=item)
                                                    for item in items)))


def _seats(seats: dict[str, int]) -> Phrase:
    """Seats by town as Python shows the dict, `{'t1': 10}`; in Chinese `t1 10 人`."""
    return phrase(WORDS["seats"], seats=Joined(tuple(
        phrase(WORDS["town seats"], town=town, count=count) for town, count in seats.items())))


def _dates(days: Iterable[dt.date]) -> Joined | Phrase:
    """At most five days, then how many there are."""
    ordered = sorted(set(days))
    shown = Joined(tuple(ordered[:5]))
    if len(ordered) <= 5:
        return shown
    return phrase(WORDS["more days"], shown=shown, count=len(ordered))


def _is_are(days: list[dt.date]) -> Phrase:
    """The English verb of a list of days; Chinese needs none."""
    return phrase(WORDS["is" if len(days) == 1 else "are"])


def _english(key: object) -> Any:
    """A sort key as the English messages read (sentences as their English text), so that
    violations come in the order they always have."""
    if isinstance(key, tuple):
        return tuple(_english(part) for part in key)
    return str(key) if isinstance(key, Phrase) else key


# --- the rule families ------------------------------------------------------------------------


def _check_shape(plan: _Plan) -> Iterator[Violation]:
    """The solution names its instance; every row's project exists; dropped ids exist, appear
    once and have no rows; a project not dropped has rows; each session has each phase 1..P
    exactly once."""
    solution = plan.solution
    if solution.schema_ != SOLUTION_SCHEMA:
        yield Violation(Rule.SHAPE, phrase(WORDS["schema"], schema=solution.schema_,
                                           expected=SOLUTION_SCHEMA))
    if solution.instance != plan.instance.name:
        yield Violation(Rule.SHAPE, phrase(WORDS["other instance"], solution=solution.instance,
                                           instance=plan.instance.name))
    for row in solution.sessions:
        if row.project not in plan.projects:
            yield Violation(Rule.SHAPE, phrase(WORDS["no project"], where=_ref(row),
                                               project=row.project))
        elif row.project in plan.dropped:
            yield Violation(Rule.SHAPE, phrase(WORDS["row of dropped"], where=_label(plan, row)))
    for project_id, times in Counter(solution.dropped).items():
        if project_id not in plan.projects:
            yield Violation(Rule.SHAPE, phrase(WORDS["dropped unknown"], project=project_id))
        elif times > 1:
            yield Violation(Rule.SHAPE, phrase(WORDS["dropped twice"], project=project_id,
                                               times=times))
    for project in plan.instance.projects:
        if project.id in plan.dropped:
            continue
        rows = plan.rows_by_project.get(project.id, [])
        if not rows:
            yield Violation(Rule.SHAPE, phrase(WORDS["neither"], project=_name(project,
                                                                                "project")))
            continue
        phases_of: dict[int, Counter[int]] = defaultdict(Counter)
        for row in rows:
            phases_of[row.session][row.phase] += 1
        for session, phases in sorted(phases_of.items()):
            where = _session(project, session)
            for phase in range(1, project.phases + 1):
                if phases[phase] == 0:
                    yield Violation(Rule.SHAPE, phrase(WORDS["no row"], where=where, phase=phase))
                elif phases[phase] > 1:
                    yield Violation(Rule.SHAPE, phrase(WORDS["rows"], where=where, phase=phase,
                                                       count=phases[phase]))
            for phase in sorted(p for p in phases if p > project.phases):
                yield Violation(Rule.SHAPE, phrase(WORDS["phase beyond"], where=where, phase=phase,
                                                   phases=project.phases))


def _check_mandatory(plan: _Plan) -> Iterator[Violation]:
    """A "mandatory" project is never dropped."""
    for project_id in sorted(plan.dropped):
        project = plan.projects[project_id]
        if project.priority == "mandatory":
            yield Violation(Rule.MANDATORY_DROPPED,
                            phrase(WORDS["mandatory"], project=_name(project, "project")))


def _check_session_count(plan: _Plan) -> Iterator[Violation]:
    """A scheduled project has sessions 1..n, n = `sessions` or ceil(headcount / class size)."""
    for project_id, rows in plan.rows_by_project.items():
        project = plan.projects[project_id]
        count, how = _session_count(plan, project)
        present = sorted({row.session for row in rows})
        if count is None:
            wanted = []
            if project.venue_features:
                wanted.append(phrase(WORDS["has features"],
                                     features=_listed(project.venue_features)))
            if project.venue_rural == "required":
                wanted.append(phrase(WORDS["is rural"]))
            yield Violation(Rule.SESSION_COUNT, phrase(
                WORDS["unsized"], project=_name(project, "project"),
                wanted=Joined(tuple(wanted), (" and ", "且"))))
        elif present != list(range(1, count + 1)):
            yield Violation(Rule.SESSION_COUNT, phrase(
                WORDS["session count"], project=_name(project, "project"),
                present=_listed(present), count=count, how=how))


def _check_length(plan: _Plan) -> Iterator[Violation]:
    """Each row lasts the project's `days` consecutive calendar days: end - start + 1 == days."""
    for row in plan.rows:
        project = plan.project_of(row)
        length = (row.end - row.start).days + 1
        if length != project.days:
            yield Violation(Rule.SESSION_LENGTH, phrase(
                WORDS["length"], where=_label(plan, row), start=row.start, end=row.end,
                length=length, days=project.days))


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
                    where: Phrase | str) -> Iterator[Violation]:
    """The calendar rules `days` of the project break, each said of `where`."""
    instance = plan.instance
    windows = instance.calendar.holiday_windows
    outside_year = [day for day in days if day.year != instance.year]
    if outside_year:
        yield Violation(Rule.YEAR, phrase(WORDS["year"], where=where, dates=_dates(outside_year),
                                          verb=_is_are(outside_year), year=instance.year))
    holidays = [day for day in days if day in plan.public_holidays]
    if holidays:
        what = phrase(WORDS["a public holiday" if len(holidays) == 1 else "public holidays"])
        yield Violation(Rule.PUBLIC_HOLIDAY, phrase(
            WORDS["public holiday"], where=where, dates=_dates(holidays),
            verb=_is_are(holidays), what=what))
    weekdays_only = (project.weekdays_only if project.weekdays_only is not None
                     else instance.policy.weekdays_only)
    weekend = [d for d in days if d.weekday() >= 5 and d not in plan.makeup_workdays]
    if weekdays_only and weekend:
        named = Joined(tuple(phrase(WORDS["weekday"], day=day,
                                    weekday=phrase(WORDS[f"weekday {day.weekday()}"]))
                             for day in weekend))
        what = phrase(WORDS["a working day" if len(weekend) == 1 else "working days"])
        yield Violation(Rule.WEEKEND, phrase(WORDS["weekend"], where=where, days=named,
                                             verb=_is_are(weekend), what=what))
    if project.months is not None:
        wrong = [day for day in days if day.month not in project.months]
        if wrong:
            yield Violation(Rule.MONTHS, phrase(
                WORDS["months"], where=where, dates=_dates(wrong), verb=_is_are(wrong),
                months=_listed(sorted(project.months), "month")))
    if project.holiday == "required" and not any(
        all(w.start <= day <= w.end for day in days) for w in windows
    ):
        yield Violation(Rule.HOLIDAY_REQUIRED, phrase(
            WORDS["holiday required"], where=where, dates=_dates(days), verb=_is_are(days)))
    if project.holiday == "forbidden":
        for window in windows:
            inside = [day for day in days if window.start <= day <= window.end]
            if inside:
                yield Violation(Rule.HOLIDAY_FORBIDDEN, phrase(
                    WORDS["holiday forbidden"], where=where, dates=_dates(inside),
                    verb=_is_are(inside), holiday=window.name))
    for blackout in instance.calendar.blackouts:
        shared = sorted(set(blackout.audiences) & set(project.audiences))
        inside = [day for day in days if blackout.start <= day <= blackout.end]
        if shared and inside:
            yield Violation(Rule.BLACKOUT, phrase(
                WORDS["blackout"], where=where, dates=_dates(inside), verb=_is_are(inside),
                blackout=blackout.name, audiences=_audiences(plan, shared)))


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
                yield Violation(Rule.SPREAD, phrase(
                    WORDS["spread"], where=_label(plan, row), start=row.start, index=index,
                    count=len(rows), first=group[0], last=group[-1]))


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
                    yield Violation(Rule.PHASE_GAP, phrase(
                        WORDS["phase gap"], where=_session(project, session), later=phase + 1,
                        start=later.start, gap=gap, phase=phase, end=phases[phase].end,
                        needed=project.min_gap_days))


def _check_venue_of_row(plan: _Plan) -> Iterator[Violation]:
    """Offline and blended rows are held in an existing venue, online and offsite rows in none;
    the venue seats the row, has every required feature, is rural if the project requires it,
    and is not unavailable on any of the row's days."""
    for row in plan.rows:
        project = plan.project_of(row)
        where = _label(plan, row)
        mode = phrase(WORDS[f"mode {project.mode.value}"])
        if project.mode not in VENUE_MODES:
            if row.venue is not None:
                yield Violation(Rule.VENUE_MODE, phrase(WORDS["venue given"], where=where,
                                                        mode=mode, venue=row.venue))
            continue
        if row.venue is None:
            yield Violation(Rule.VENUE_MODE, phrase(WORDS["venue needed"], where=where,
                                                    mode=mode))
            continue
        venue = plan.venues.get(row.venue)
        if venue is None:
            yield Violation(Rule.VENUE_UNKNOWN, phrase(WORDS["no venue named"], where=where,
                                                       venue=row.venue))
            continue
        place = _name(venue, "venue")
        size = sum(row.seats.values())
        if size > venue.capacity:
            yield Violation(Rule.VENUE_CAPACITY, phrase(
                WORDS["capacity"], where=where, size=size, venue=place, capacity=venue.capacity))
        missing = sorted(set(project.venue_features) - set(venue.features))
        if missing:
            yield Violation(Rule.VENUE_FEATURES, phrase(WORDS["lacks"], where=where, venue=place,
                                                        features=Joined(tuple(missing))))
        if project.venue_rural == "required" and not _venue_is_rural(plan, venue):
            yield Violation(Rule.VENUE_RURAL, phrase(WORDS["not rural"], where=where,
                                                     venue=place, town=_town(plan, venue.town)))
        blocked = [day for day in _days(row) if _within(day, venue.unavailable)]
        if blocked:
            yield Violation(Rule.VENUE_UNAVAILABLE, phrase(
                WORDS["venue unavailable"], where=where, venue=place, dates=_dates(blocked)),
                ("venue", venue.id), tuple(blocked))


def _check_to_area(plan: _Plan) -> Iterator[Violation]:
    """A `to_area` row meets in a venue in the area of every town it seats."""
    for row in plan.rows:
        project = plan.project_of(row)
        if project.delivery != "to_area" or row.venue not in plan.venues:
            continue
        venue = plan.venues[row.venue]
        where = _area(plan, venue.town)
        away = sorted(town for town, count in row.seats.items()
                      if count > 0 and _area(plan, town) != where)
        if away:
            yield Violation(Rule.TO_AREA, phrase(
                WORDS["to area"], where=_label(plan, row),
                venue=_id_or(venue.id, Named(venue.id, venue.name).text("zh")), area=where,
                towns=Joined(tuple(_town(plan, town) for town in away)),
                areas=Joined(tuple(sorted({_area(plan, town) for town in away})))))


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
    clash_days: dict[tuple[str, tuple[tuple[Phrase, str], ...]], list[dt.date]] = \
        defaultdict(list)
    for (owner, day), rows in booked.items():
        if len(rows) > 1:
            clash_days[owner, _refs(rows)].append(day)
    for (owner, refs), days in sorted(clash_days.items(), key=_english):
        yield Violation(rule, phrase(WORDS["clash"], owner=_name(owners[owner], kind),
                                     count=len(refs), dates=_dates(days),
                                     refs=Joined(tuple(ref for ref, _ in refs))),
                        (kind, owner), tuple(days),
                        tuple(sorted({project for _, project in refs})))


def _refs(rows: Iterable[SessionPhase]) -> tuple[tuple[Phrase, str], ...]:
    """Each row as a reference and its project, in the order of the English references."""
    return tuple(sorted(((_ref(row), row.project) for row in rows), key=_english))


def _check_trainers_of_row(plan: _Plan) -> Iterator[Violation]:
    """Each row has trainers_per_session distinct, existing trainers (none offsite); each shares
    a topic with the project, and together they cover every project topic."""
    for row in plan.rows:
        project = plan.project_of(row)
        where = _label(plan, row)
        wanted = 0 if project.mode in TRAINERLESS_MODES else project.trainers_per_session
        if len(row.trainers) != wanted:
            yield Violation(Rule.TRAINER_COUNT, phrase(
                WORDS["trainer count"], where=where, count=len(row.trainers),
                mode=phrase(WORDS[f"mode {project.mode.value}"]), wanted=wanted))
        repeated = sorted(t for t, times in Counter(row.trainers).items() if times > 1)
        if repeated:
            yield Violation(Rule.TRAINER_DISTINCT, phrase(WORDS["trainer twice"], where=where,
                                                          trainers=Joined(tuple(repeated))))
        known = [plan.trainers[t] for t in dict.fromkeys(row.trainers) if t in plan.trainers]
        for trainer_id in dict.fromkeys(row.trainers):
            if trainer_id not in plan.trainers:
                yield Violation(Rule.TRAINER_UNKNOWN, phrase(WORDS["no trainer named"],
                                                             where=where, trainer=trainer_id))
        topics = set(project.topics)
        for trainer in known:
            if not topics & set(trainer.topics):
                yield Violation(Rule.TRAINER_TOPIC, phrase(
                    WORDS["trainer topic"], where=where, trainer=_name(trainer, "trainer"),
                    topics=_listed(sorted(topics))))
        uncovered = topics - {topic for trainer in known for topic in trainer.topics}
        if row.trainers and uncovered:
            yield Violation(Rule.TRAINER_COVER, phrase(WORDS["uncovered"], where=where,
                                                       topics=Joined(tuple(sorted(uncovered)))))


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
                yield Violation(Rule.TRAINER_UNAVAILABLE, phrase(
                    WORDS["trainer unavailable"], where=_label(plan, row),
                    trainer=_name(trainer, "trainer"), dates=_dates(blocked)),
                    ("trainer", trainer.id), tuple(blocked))
    yield from _clashes(booked, plan.trainers, "trainer", Rule.TRAINER_ONE_SESSION_A_DAY)
    for trainer_id, total in sorted(workload.items()):
        trainer = plan.trainers[trainer_id]
        if total > trainer.max_days:
            yield Violation(Rule.TRAINER_MAX_DAYS, phrase(
                WORDS["max days"], trainer=_name(trainer, "trainer"), total=total,
                most=trainer.max_days), ("trainer", trainer.id))


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
                    yield Violation(Rule.SEATS_TOWN, phrase(WORDS["not a town"], where=where,
                                                            count=count, town=town_id))
                if count < 0:
                    yield Violation(Rule.SEATS_NEGATIVE, phrase(
                        WORDS["negative seats"], where=where, count=count,
                        town=_town(plan, town_id)))
            if row.seats != first_seats[row.session]:
                yield Violation(Rule.SEATS_PHASES, phrase(
                    WORDS["seats differ"], where=where, seats=_seats(row.seats),
                    first=_seats(first_seats[row.session])))
        least, how = _least_session_size(plan, project)
        for session, seats in sorted(first_seats.items()):
            size = sum(seats.values())
            where = _session(project, session)
            if size < least:
                yield Violation(Rule.SESSION_SIZE, phrase(WORDS["too few"], where=where,
                                                          size=size, least=least, how=how))
            if project.max_session_size is not None and size > project.max_session_size:
                yield Violation(Rule.SESSION_SIZE, phrase(WORDS["too many"], where=where,
                                                          size=size,
                                                          most=project.max_session_size))


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
                yield Violation(Rule.SEATS_AUDIENCE, phrase(
                    WORDS["no audience"], project=name, count=count, town=_name(town, "town"),
                    audiences=_audiences(plan, project.audiences)))
            elif count > pool:
                yield Violation(Rule.SEATS_POOL, phrase(
                    WORDS["over pool"], project=name, count=count, town=_name(town, "town"),
                    pool=pool))
        headcount = _headcount(instance, project)
        total = sum(given.values())
        if total != headcount:
            yield Violation(Rule.HEADCOUNT, phrase(WORDS["headcount"], project=name, total=total,
                                                   headcount=headcount))
        if project.headcount == "all":
            continue
        quota = (project.rural_quota if project.rural_quota is not None
                 else instance.policy.rural_quota)
        needed = math.ceil(round(quota * headcount, 9))
        rural = sum(count for town_id, count in given.items()
                    if town_id in plan.towns and plan.towns[town_id].rural)
        if rural < needed:
            yield Violation(Rule.RURAL_QUOTA, phrase(
                WORDS["rural quota"], project=name, rural=rural, needed=needed, quota=quota,
                headcount=headcount))


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
    over: dict[tuple[str, int, int, Phrase, tuple[tuple[Phrase, str], ...]], list[dt.date]] = \
        defaultdict(list)
    for day, rows in _away(plan).items():
        school_day = plan.is_school_day(day)
        for town_id, town in plan.towns.items():
            seats = sum(row.seats.get(town_id, 0) for row in rows)
            teachers = sum(town.teachers.values())
            if school_day:
                share = _absence_share(plan, town)
                cap = math.floor(round(share * teachers, 9))
                why = phrase(WORDS["school day"], share=share, teachers=teachers)
            else:
                cap, why = teachers, phrase(WORDS["not a school day"])
            if seats > cap:
                refs = _refs(row for row in rows if row.seats.get(town_id, 0))
                over[town_id, seats, cap, why, refs].append(day)
    for (town_id, seats, cap, why, refs), days in sorted(over.items(), key=_english):
        yield Violation(Rule.ABSENCE_CAP, phrase(
            WORDS["absence"], town=_name(plan.towns[town_id], "town"), seats=seats,
            dates=_dates(days), refs=Joined(tuple(ref for ref, _ in refs)), cap=cap, why=why),
            ("town", town_id), tuple(days), tuple(sorted({project for _, project in refs})))


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
    over: dict[tuple[str, str, Fraction, tuple[tuple[Phrase, str], ...]], list[dt.date]] = \
        defaultdict(list)
    for (town_id, audience, day), rows in taken.items():
        total = sum((Fraction(count, pool) for count, pool, _ in rows), Fraction(0))
        if total > 1:
            refs = tuple(sorted(((phrase(WORDS["share of pool"], ref=_ref(row), count=count,
                                         pool=pool), row.project) for count, pool, row in rows),
                                key=_english))
            over[town_id, audience, total, refs].append(day)
    for (town_id, audience, total, refs), days in sorted(over.items(), key=_english):
        yield Violation(Rule.ONE_TRAINING_A_DAY, phrase(
            WORDS["booked twice"], town=_name(plan.towns[town_id], "town"),
            audience=_audiences(plan, [audience]), total=float(total), dates=_dates(days),
            refs=Joined(tuple(ref for ref, _ in refs), ("; ", "；"))),
            ("town", town_id), tuple(days), tuple(sorted({project for _, project in refs})))


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
                    yield Violation(Rule.AFTER, phrase(
                        WORDS["after"], where=_session(project, session), start=start,
                        earlier=earlier, last=last))


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
        kpi = _id_or(key, TERMS.get(f"kpi {key}", key))
        if reported is None:
            yield Violation(Rule.KPI, phrase(WORDS["kpi missing"], kpi=kpi, value=kpis[key]))
        elif reported != kpis[key]:
            yield Violation(Rule.KPI, phrase(WORDS["kpi wrong"], kpi=kpi, reported=reported,
                                             value=kpis[key]))
    objective = sum(weights[key] * kpis[key] for key in names)
    if plan.solution.objective is not None and plan.solution.objective != objective:
        terms = " + ".join(f"{weights[key]} × {kpis[key]}" for key in names)
        yield Violation(Rule.OBJECTIVE, phrase(WORDS["objective"],
                                               reported=plan.solution.objective, terms=terms,
                                               objective=objective))


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
            what = (phrase(WORDS["held"], today=record.today) if rule == Rule.HELD
                    else phrase(WORDS["pinned"]) if len(parts) == len(KEPT_PARTS)
                    else phrase(WORDS["pinned parts"], parts=_parts(parts)))
            yield Violation(rule, phrase(WORDS["kept"], where=_ref(before), start=before.start,
                                         end=before.end, what=what, changed=_parts(changed)))
    if record.today is None:
        return
    for row in plan.rows:
        if row.start < record.today and (row.project, row.session, row.phase) not in held:
            yield Violation(Rule.HELD, phrase(WORDS["before today"], where=_label(plan, row),
                                              start=row.start, today=record.today))


def _parts(parts: Iterable[str]) -> Joined:
    """Parts of a session (date, venue, trainers, seats) as a list."""
    return Joined(tuple(phrase(WORDS[f"part {part}"]) for part in parts))


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
        yield Violation(Rule.STATUS, phrase(WORDS["status"], status=solution.status.value,
                                            count=len(solution.sessions)))


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


# --- the words of the violations -------------------------------------------------------------

WORDS: dict[str, tuple[str, str]] = {
    # How a violation names things; dates are written as everywhere else, 2024-04-15.
    "project": ("project {item}", "项目{item}"),
    "venue": ("venue {item}", "场地{item}"),
    "trainer": ("trainer {item}", "专家{item}"),
    "town": ("town {item}", "乡镇{item}"),
    "session": ("{project} session {session}", "{project}第{session}班"),
    "label": ("{session} phase {phase}", "{session}第{phase}阶段"),
    "ref": ("{project} session {session} phase {phase}", "{project} 第{session}班第{phase}阶段"),
    "id or": ("{item[0]}", "{item[1]}"),
    "list": ("[{items}]", "{items}"),
    "item": ("{item!r}", "{item}"),
    "month": ("{item!r}", "{item}月"),
    "seats": ("{{{seats}}}", "{seats}"),
    "town seats": ("{town!r}: {count}", "{town} {count} 人"),
    "more days": ("{shown} … ({count} days)", "{shown} 等（共 {count} 天）"),
    "is": ("is", ""),
    "are": ("are", ""),
    "weekday": ("{day} ({weekday})", "{day}（{weekday}）"),
    "weekday 5": ("Saturday", "周六"),
    "weekday 6": ("Sunday", "周日"),
    "mode offline": ("offline", "线下集中"),
    "mode blended": ("blended", "混合式"),
    "mode online": ("online", "线上研修"),
    "mode offsite": ("offsite", "外出研修"),
    "part date": ("date", "日期"),
    "part venue": ("venue", "场地"),
    "part trainers": ("trainers", "专家"),
    "part seats": ("seats", "名额"),
    # How a class size was found.
    "sessions field": ("its sessions field", "按项目给定的班数"),
    "no venue": ("no venue it may use", "没有它能用的场地"),
    "no venue in area": ("no venue it may use in area {area}", "片区 {area} 没有它能用的场地"),
    "one session": ("one session: no max_session_size", "只开一班：未设每班人数上限"),
    "ceil": ("ceil({count} / {size})", "⌈{count} / {size}⌉"),
    "area ceil": ("{area}: ceil({count} / {size})", "片区 {area}：⌈{count} / {size}⌉"),
    "by area": ("by area, {parts}", "按片区分：{parts}"),
    "its min size": ("its min_session_size", "项目的每班最少人数"),
    "policy min size": ("policy.min_session_size", "全局的每班最少人数"),
    "one teacher": ("one teacher", "至少一人"),
    "half class": ("half the mean class, floor({headcount} / {count} / 2)",
                   "平均班额的一半，⌊{headcount} / {count} / 2⌋"),
    # The shape of the plan.
    "status": ("the status is {status} but the solution lists {count} session rows",
               "求解状态为 {status}，但方案列出了 {count} 条班次安排"),
    "schema": ("the solution's schema is {schema!r}, expected {expected!r}",
               "方案文件的格式是 {schema!r}，应为 {expected!r}"),
    "other instance": ("the solution is for instance {solution!r}, not {instance!r}",
                       "方案属于计划“{solution}”，不是“{instance}”"),
    "no project": ("{where}: there is no project {project}", "{where}：没有项目 {project}"),
    "row of dropped": ("{where}: the project is dropped but has a session",
                       "{where}：项目列为未安排，却有班次"),
    "dropped unknown": ("dropped: there is no project {project}",
                        "未安排项目中：没有项目 {project}"),
    "dropped twice": ("dropped: project {project} is listed {times} times",
                      "未安排项目中：项目 {project} 列了 {times} 次"),
    "neither": ("{project} is neither scheduled nor dropped",
                "{project}既没有安排，也没有列为未安排"),
    "no row": ("{where}: phase {phase} has no row", "{where}：第{phase}阶段没有安排"),
    "rows": ("{where}: phase {phase} has {count} rows", "{where}：第{phase}阶段安排了 {count} 次"),
    "phase beyond": ("{where}: phase {phase} is given, the project has {phases} phase(s)",
                     "{where}：安排了第{phase}阶段，而项目只有 {phases} 个阶段"),
    "mandatory": ("{project} is mandatory but dropped", "{project}是必办项目，却未安排"),
    "has features": ("has the features {features}", "具备{features}"),
    "is rural": ("is in a rural town", "位于农村乡镇"),
    "unsized": ("{project}: no venue {wanted}, so its sessions cannot be sized or held",
                "{project}：没有场地{wanted}，无法确定班额，也无法办班"),
    "session count": ("{project} has sessions {present}; it should have sessions 1..{count} "
                      "({how})", "{project}现有第{present}班；应为第1至{count}班（{how}）"),
    "length": ("{where}: runs {start} to {end}, {length} day(s); the project's sessions last "
               "{days} day(s)", "{where}：从 {start} 到 {end}，共 {length} 天；项目每班应为 "
               "{days} 天"),
    # The calendar.
    "year": ("{where}: {dates} {verb} not in {year}", "{where}：{dates}{verb}不在 {year} 年内"),
    "a public holiday": ("a public holiday", "法定节假日"),
    "public holidays": ("public holidays", "法定节假日"),
    "public holiday": ("{where}: {dates} {verb} {what}", "{where}：{dates}{verb}是{what}"),
    "a working day": ("a working day", "工作日"),
    "working days": ("working days", "工作日"),
    "weekend": ("{where}: {days} {verb} not {what} and the project trains on weekdays only",
                "{where}：{days}{verb}不是{what}，而项目只在工作日培训"),
    "months": ("{where}: {dates} {verb} outside its months {months}",
               "{where}：{dates}{verb}不在项目的月份（{months}）内"),
    "holiday required": ("{where}: {dates} {verb} not inside one holiday window, and the "
                         "project must be held in one",
                         "{where}：{dates}{verb}不在同一个寒暑假内，而项目必须在寒暑假内举办"),
    "holiday forbidden": ("{where}: {dates} {verb} in the holiday {holiday}, and the project "
                          "may not be held in a holiday",
                          "{where}：{dates}{verb}在{holiday}内，而项目不能在寒暑假举办"),
    "blackout": ("{where}: {dates} {verb} in the blackout {blackout} of {audiences}",
                 "{where}：{dates}{verb}在{audiences}的停训日“{blackout}”内"),
    "spread": ("{where} starts {start}, the {index}. of {count} starts of the spread project, "
               "which falls in {first}…{last}",
               "{where}于 {start} 开始，是分散排开的项目 {count} 次开班中的第 {index} 次，"
               "应在 {first}…{last} 之间"),
    "phase gap": ("{where}: phase {later} starts {start}, {gap} day(s) after phase {phase} ends "
                  "{end}; at least {needed} day(s) are needed",
                  "{where}：第{later}阶段 {start} 开始，与第{phase}阶段结束（{end}）只隔 {gap} "
                  "天；至少要隔 {needed} 天"),
    # Venues.
    "venue given": ("{where}: {mode} sessions have no venue, but venue {venue} is given",
                    "{where}：{mode}的班次不用场地，却给了场地 {venue}"),
    "venue needed": ("{where}: {mode} sessions need a venue, none is given",
                     "{where}：{mode}的班次需要场地，却没有给出"),
    "no venue named": ("{where}: there is no venue {venue}", "{where}：没有场地 {venue}"),
    "capacity": ("{where}: {size} seats in {venue}, which holds {capacity}",
                 "{where}：{venue}安排了 {size} 个座位，但只能容纳 {capacity} 人"),
    "lacks": ("{where}: {venue} lacks {features}", "{where}：{venue}缺少{features}"),
    "not rural": ("{where}: {venue} is in town {town}, not a rural town, and the project "
                  "requires one", "{where}：{venue}位于{town}，不是农村乡镇，而项目要求在农村乡镇"),
    "venue unavailable": ("{where}: {venue} is unavailable on {dates}",
                          "{where}：{venue}在 {dates} 不能使用"),
    "to area": ("{where}: venue {venue} is in area {area}, but it seats teachers of {towns} "
                "(area {areas}), and the project goes to its trainees' areas",
                "{where}：场地{venue}在片区 {area}，却安排了{towns}的教师（片区 {areas}），"
                "而项目须送教到学员所在片区"),
    "clash": ("{owner}: {count} sessions on {dates} ({refs})",
              "{owner}：{dates} 同时有 {count} 个班次（{refs}）"),
    # Trainers.
    "trainer count": ("{where}: {count} trainer(s); {mode} sessions of this project need "
                      "{wanted}", "{where}：{count} 位专家；本项目{mode}的班次需要 {wanted} 位"),
    "trainer twice": ("{where}: trainer {trainers} is listed more than once",
                      "{where}：专家 {trainers} 重复列出"),
    "no trainer named": ("{where}: there is no trainer {trainer}", "{where}：没有专家 {trainer}"),
    "trainer topic": ("{where}: {trainer} teaches none of the project's topics {topics}",
                      "{where}：{trainer}不教项目的任何主题（{topics}）"),
    "uncovered": ("{where}: no trainer teaches {topics}", "{where}：没有专家教{topics}"),
    "trainer unavailable": ("{where}: {trainer} is not available on {dates}",
                            "{where}：{trainer}在 {dates} 没有空"),
    "max days": ("{trainer}: teaches {total} days, at most {most}",
                 "{trainer}：授课 {total} 天，最多 {most} 天"),
    # Seats.
    "not a town": ("{where}: {count} seat(s) for {town}, which is not a town",
                   "{where}：给 {town} 安排了 {count} 个名额，但没有这个乡镇"),
    "negative seats": ("{where}: {count} seats for town {town}, a negative count",
                       "{where}：乡镇{town}的名额是 {count}，为负数"),
    "seats differ": ("{where}: seats {seats} differ from the session's first phase {first}",
                     "{where}：名额（{seats}）与本班第1阶段（{first}）不同"),
    "too few": ("{where}: seats {size} teachers, at least {least} ({how})",
                "{where}：只有 {size} 名学员，至少应有 {least} 名（{how}）"),
    "too many": ("{where}: seats {size} teachers, at most {most}",
                 "{where}：有 {size} 名学员，最多 {most} 名"),
    "no audience": ("{project}: {count} seat(s) for {town}, which has no teachers of "
                    "{audiences}",
                    "{project}：给{town}安排了 {count} 个名额，但该乡镇没有{audiences}"),
    "over pool": ("{project}: {count} seats for {town}, which has {pool} teachers of its "
                  "audiences", "{project}：给{town}安排了 {count} 个名额，但该乡镇只有 {pool} 名"
                  "培训对象教师"),
    "headcount": ("{project}: its sessions seat {total} teachers, the headcount is {headcount}",
                  "{project}：各班共 {total} 名学员，而计划培训人数是 {headcount}"),
    "rural quota": ("{project}: {rural} rural seats, at least {needed} needed (ceil({quota} × "
                    "{headcount}))", "{project}：农村名额 {rural} 个，至少需要 {needed} 个"
                    "（⌈{quota} × {headcount}⌉）"),
    # Teachers away.
    "school day": ("school day, floor({share} × {teachers})", "上课日，⌊{share} × {teachers}⌋"),
    "not a school day": ("not a school day, all its teachers", "非上课日，全部教师"),
    "absence": ("{town}: {seats} teachers away on {dates} ({refs}), more than the cap {cap} "
                "({why})", "{town}：{dates} 有 {seats} 名教师离岗（{refs}），超过上限 {cap}"
                "（{why}）"),
    "share of pool": ("{ref}: {count} of {pool}", "{ref}：{pool} 人中的 {count} 人"),
    "booked twice": ("{town}: its teachers of {audience} are booked {total:.2f} times on {dates} "
                     "({refs}): a teacher is in one training a day",
                     "{town}：{dates} {audience}的参训量是其人数的 {total:.2f} 倍（{refs}）：教师"
                     "同一天只能参加一项培训"),
    "after": ("{where} starts {start}, not after {earlier} ends {last}",
              "{where}于 {start} 开始，不在{earlier}结束（{last}）之后"),
    # KPIs and the objective.
    "kpi missing": ("KPI {kpi} is missing; it is {value}", "缺少指标“{kpi}”；应为 {value}"),
    "kpi wrong": ("KPI {kpi} is reported as {reported}; it is {value}",
                  "指标“{kpi}”报告为 {reported}；应为 {value}"),
    "objective": ("the objective is reported as {reported}; it is {terms} = {objective}",
                  "目标值报告为 {reported}；应为 {terms} = {objective}"),
    # A re-planned solution.
    "held": ("held before {today}", "在 {today} 前已举办"),
    "pinned": ("pinned", "已固定"),
    "pinned parts": ("pinned ({parts})", "已固定（{parts}）"),
    "kept": ("{where} ({start}–{end}) is {what} but the plan changes its {changed}",
             "{where}（{start}–{end}）{what}，但方案改了它的{changed}"),
    "before today": ("{where} starts {start}, before {today}: only what was held lies before it",
                     "{where}于 {start} 开始，早于 {today}：此前只能有已举办的班次"),
}
"""Every sentence of a violation and its parts, in English and in Chinese."""
