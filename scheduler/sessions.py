"""How a project is split into sessions (classes), and the reasons a project cannot run at all.

These reasons need no search: they follow from the data and the calendar alone, so the solver
never sees such a project (a droppable one is dropped, a mandatory one makes the plan infeasible).
`check_project` finds them one project at a time; `precheck` adds the `after` chains that cannot
fit in the year, and is the first thing `scheduler.explain` tells a planner.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from models.fields import DateRange
from models.instance import HolidayRule, Instance, Project, Trainer, Venue
from scheduler.calendar import YearCalendar
from scheduler.rules import Cause, Rule


@dataclass(frozen=True)
class SessionSplit:
    """`count` sessions of at most `max_size` seats each, seating `headcount` in all."""

    project: Project
    headcount: int
    count: int
    max_size: int
    venues: list[Venue]
    trainers: list[Trainer]
    start_days: list[int]

    def least_day_price(self) -> int:
        """The yuan of one session day in the cheapest venue with the cheapest trainers, free
        or not."""
        venue = min((venue.cost_per_day for venue in self.venues), default=0)
        fees = sorted(trainer.fee_per_day for trainer in self.trainers)
        return venue + sum(fees[:self.project.trainer_count])

    def least_cost(self) -> int:
        """The yuan of all its session days at `least_day_price`."""
        return self.count * self.project.phases * self.project.days * self.least_day_price()


@dataclass(frozen=True)
class Finding:
    """Why a project cannot run, found without search.

    `rule` names the rule it cannot keep (`Rule.TRAINER_TOPIC` …) or, where the rules only
    together leave it no room, the cause (`Cause.VENUE_SIZE`, `Cause.AFTER_CHAIN` …);
    `reason` is the clause after "cannot run:" (what `split_project` returns); `message` is the
    whole sentence, naming the project and every venue, trainer and date it speaks of;
    `entities` are the (kind, id) pairs named besides the projects; `blocking` says whether it
    makes the plan infeasible (a mandatory project) rather than dropping an optional one.
    """

    rule: Rule | Cause
    projects: tuple[str, ...]
    reason: str
    message: str
    entities: tuple[tuple[str, str], ...] = ()
    blocking: bool = False


def named(item: Project | Venue | Trainer) -> str:
    """`id (name)`: how every message names a project, venue or trainer."""
    return f"{item.id} ({item.name})"


def usable_venues(instance: Instance, project: Project) -> list[Venue]:
    """Venues with every feature the project needs, in a rural town if it requires one."""
    if not project.mode.uses_venue:
        return []
    rural_towns = {town.id for town in instance.towns if town.rural}
    return [
        venue
        for venue in instance.venues
        if set(project.venue_features) <= set(venue.features)
        and (project.venue_rural != "required" or venue.town in rural_towns)
    ]


def qualified_trainers(instance: Instance, project: Project) -> list[Trainer]:
    """Trainers who share at least one topic with the project."""
    if project.trainer_count == 0:
        return []
    return [trainer for trainer in instance.trainers if set(trainer.topics) & set(project.topics)]


def split_project(
    instance: Instance, project: Project, calendar: YearCalendar
) -> SessionSplit | str:
    """The project's sessions as docs/format.md (Instance) defines them, or why it cannot be
    scheduled."""
    checked = check_project(instance, project, calendar)
    return checked.reason if isinstance(checked, Finding) else checked


def check_project(
    instance: Instance, project: Project, calendar: YearCalendar
) -> SessionSplit | Finding:
    """The project's sessions, or the first reason (in the order of the checks below) why it
    cannot run whatever the rest of the plan does."""

    def cannot(rule: Rule | Cause, reason: str,
               entities: Iterable[tuple[str, str]] = ()) -> Finding:
        return Finding(rule, (project.id,), reason,
                       f"project {named(project)} cannot run: {reason}.",
                       tuple(entities), project.mandatory)

    headcount = instance.headcount(project)
    venues = usable_venues(instance, project)
    if project.mode.uses_venue:
        if not venues:
            return cannot(Rule.VENUE_FEATURES, _no_venue_reason(project))
        max_size = max(venue.capacity for venue in venues)
        if project.max_session_size is not None:
            max_size = min(max_size, project.max_session_size)
    else:
        max_size = project.max_session_size or headcount
    count = project.sessions or math.ceil(headcount / max_size)
    if count * max_size < headcount:
        largest = max(venues, key=lambda venue: venue.capacity) if venues else None
        limit = (f"the largest venue it may use, {named(largest)}, holds {largest.capacity}"
                 if largest is not None and largest.capacity == max_size
                 else f"its max_session_size is {max_size}")
        return cannot(
            Cause.VENUE_SIZE,
            f"{count} sessions of at most {max_size} seats cannot seat its {headcount} "
            f"trainees ({limit})",
            [("venue", largest.id)] if largest is not None else [])

    trainers = qualified_trainers(instance, project)
    if project.trainer_count:
        untaught = [topic for topic in project.topics
                    if not any(topic in trainer.topics for trainer in trainers)]
        if untaught:
            return cannot(Rule.TRAINER_TOPIC, f"no trainer teaches {'、'.join(untaught)}")
        if len(trainers) < project.trainer_count:
            return cannot(
                Rule.TRAINER_COUNT,
                f"it needs {project.trainer_count} trainers per session but only "
                f"{len(trainers)} teach its topics ({_list(trainers)})",
                [("trainer", trainer.id) for trainer in trainers])

    required = instance.rural_quota_seats(project)
    rural_pool = instance.rural_pool(project)
    if required > rural_pool:
        return cannot(
            Rule.RURAL_QUOTA,
            f"its rural quota needs {required} of its {headcount} seats in rural towns, but its "
            f"audiences have only {rural_pool} teachers there")

    start_days = calendar.start_days(project)
    if not start_days:
        return cannot(*_no_start_day(instance, project, calendar))
    if not _phases_fit(start_days, project):
        return cannot(
            Cause.PHASES,
            f"its {project.phases} phases of {project.days} days, {project.min_gap_days} days "
            f"apart, do not fit in its allowed days (the earliest possible is "
            f"{_date(calendar, start_days[0])}, the latest {_date(calendar, start_days[-1])})")

    if project.trainer_count:
        # A trainer whose max_days is shorter than one session can never teach it.
        able = [trainer for trainer in trainers if trainer.max_days >= project.days]
        short = _short_of(project, able)
        if short is not None:
            few = [trainer for trainer in trainers if trainer not in able]
            return cannot(
                Rule.TRAINER_MAX_DAYS,
                f"{short}: {_list(few)} may teach at most "
                f"{', '.join(str(trainer.max_days) for trainer in few)} days a year, less than "
                f"one of its {project.days}-day sessions",
                [("trainer", trainer.id) for trainer in few])
        unavailable = _trainers_never_free(instance, project, calendar, able, start_days)
        if unavailable is not None:
            return cannot(Cause.TRAINER_AVAILABILITY, unavailable,
                          [("trainer", trainer.id) for trainer in able])
    if project.mode.uses_venue:
        large_enough = [venue for venue in venues
                        if venue.capacity >= math.ceil(headcount / count)]
        if not any(_free_somewhen(calendar, None, venue.unavailable, project.days, start_days)
                   for venue in large_enough):
            return cannot(
                Cause.VENUE_AVAILABILITY,
                f"every venue large and equipped enough for it ({_list(large_enough)}) is "
                f"closed on all the days its calendar allows",
                [("venue", venue.id) for venue in large_enough])
    # Every session seats at least what the others leave when they are full: a venue smaller
    # than that can never host one, so it is no choice for the model to carry.
    smallest = headcount - (count - 1) * max_size
    venues = [venue for venue in venues if venue.capacity >= smallest]
    return SessionSplit(project, headcount, count, max_size, venues, trainers, start_days)


def precheck(instance: Instance, calendar: YearCalendar | None = None) -> list[Finding]:
    """Every reason found without search why a project cannot run: one per project that fails
    `check_project`, then the `after` chains of mandatory projects that cannot fit in the year
    (an optional project can be dropped, and then constrains nothing). A finding is `blocking`
    when it makes the plan infeasible."""
    calendar = calendar or YearCalendar(instance)
    findings: list[Finding] = []
    splits: dict[str, SessionSplit] = {}
    for project in instance.projects:
        checked = check_project(instance, project, calendar)
        if isinstance(checked, Finding):
            findings.append(checked)
        else:
            splits[project.id] = checked
    return findings + _after_chains(instance, calendar, splits)


def _after_chains(instance: Instance, calendar: YearCalendar,
                  splits: dict[str, SessionSplit]) -> list[Finding]:
    """Earliest end of each mandatory project, its `after` projects first: one session's phases
    placed as early as its calendar allows after they have all ended. That one session ends no
    later than every session of the project, so a chain that fails here cannot fit at all."""
    earliest_end: dict[str, int] = {}  # first day after the project's earliest possible end
    chain_of: dict[str, list[str]] = {}
    findings = []
    for project in _in_after_order(instance):
        split = splits.get(project.id)
        if split is None or not project.mandatory:
            continue
        before = [earlier for earlier in project.after if earlier in earliest_end]
        bound = max((earliest_end[earlier] for earlier in before), default=0)
        end = _earliest_end(split.start_days, project, bound)
        if end is None:
            last = max(before, key=lambda earlier: earliest_end[earlier])
            chain = [*chain_of[last], project.id]
            names = " → ".join(named(instance.project(pid)) for pid in chain)
            reason = (
                f"it must start after project {named(instance.project(last))} has ended, which "
                f"is {_date(calendar, earliest_end[last] - 1)} at the earliest, and none of its "
                f"sessions fits after that (its latest possible start is "
                f"{_date(calendar, split.start_days[-1])}; chain {names})")
            findings.append(Finding(Cause.AFTER_CHAIN, tuple(chain), reason,
                                    f"project {named(project)} cannot run: {reason}.",
                                    (), True))
            continue
        earliest_end[project.id] = end
        chain_of[project.id] = ([*chain_of[max(before, key=lambda e: earliest_end[e])],
                                 project.id] if before else [project.id])
    return findings


def _in_after_order(instance: Instance) -> list[Project]:
    """The projects, each after those in its `after` list (there are no cycles: loading checks;
    an id that is not among the projects, as in a part of an instance, is passed over)."""
    by_id = {project.id: project for project in instance.projects}
    placed: dict[str, Project] = {}

    def place(project: Project) -> None:
        if project.id in placed:
            return
        for earlier in project.after:
            if earlier in by_id:
                place(by_id[earlier])
        placed[project.id] = project

    for project in instance.projects:
        place(project)
    return list(placed.values())


def _earliest_end(start_days: list[int], project: Project, earliest: int) -> int | None:
    """The day after the last day of one session whose phases start as early as allowed, the
    first on or after `earliest`; None if they do not all fit."""
    end = None
    for _ in range(project.phases):
        start = next((day for day in start_days if day >= earliest), None)
        if start is None:
            return None
        end = start + project.days
        earliest = end + project.min_gap_days
    return end


def _phases_fit(start_days: list[int], project: Project) -> bool:
    """Earliest placement of each phase after the previous one: exact for a single chain."""
    return _earliest_end(start_days, project, start_days[0]) is not None


def _no_venue_reason(project: Project) -> str:
    needs = []
    if project.venue_features:
        needs.append(f"the features {'、'.join(project.venue_features)}")
    if project.venue_rural == "required":
        needs.append("a rural town")
    return "no venue has " + " and ".join(needs) if needs else "there are no venues"


def _no_start_day(instance: Instance, project: Project,
                  calendar: YearCalendar) -> tuple[Cause, str]:
    """(rule, reason): which calendar rule leaves no start day. The rules are applied one by one,
    months first, and the one that empties the set is named."""
    rules = calendar.start_rules(project)
    months = _months(project)
    span = f"{project.days}-day stretch" if project.days > 1 else "day"
    if project.holiday is HolidayRule.REQUIRED:
        windows = instance.calendar.holiday_windows
        touched = [window for window in windows
                   if any(date.month in project.allowed_months for date in window.days())]
        if not touched:
            where = (f"no holiday window falls in its {months} "
                     f"({'; '.join(_window(window) for window in windows)})"
                     if windows else "the calendar has no holiday windows")
            return Cause.HOLIDAY_MONTHS, f"it must be held inside a school holiday, but {where}"
    kept = rules["months"]
    if not any(kept):
        return Cause.NO_START_DAY, f"no {span} fits in its {months} inside the year"
    wording = {
        "public holidays": "public holidays",
        "weekdays": "weekends (it trains on weekdays only)",
        "holiday": f"its holiday rule ({project.holiday.value})",
    }
    applied = []
    for rule in ("public holidays", "weekdays", "holiday", "blackouts"):
        kept = [a and b for a, b in zip(kept, rules[rule], strict=True)]
        if rule != "blackouts":
            applied.append(wording[rule])
        if any(kept):
            continue
        if rule == "blackouts":
            shared = [blackout for blackout in instance.calendar.blackouts
                      if set(blackout.audiences) & set(project.audiences)
                      and any(date.month in project.allowed_months for date in blackout.days())]
            return Cause.NO_START_DAY, (
                f"the blackouts {'; '.join(_window(blackout) for blackout in shared)} leave no "
                f"{span} in its {months} that also avoids {', '.join(applied)}")
        return Cause.NO_START_DAY, f"no {span} in its {months} avoids {', '.join(applied)}"
    raise AssertionError("start_days and start_rules disagree")  # pragma: no cover


def _short_of(project: Project, trainers: list[Trainer]) -> str | None:
    """What `trainers` lack to staff a session of the project (a topic nobody teaches, or too
    few of them), or None."""
    untaught = [topic for topic in project.topics
                if not any(topic in trainer.topics for trainer in trainers)]
    if untaught:
        return f"no trainer who could teach it teaches {'、'.join(untaught)}"
    if len(trainers) < project.trainer_count:
        return (f"it needs {project.trainer_count} trainers per session and only "
                f"{len(trainers)} could teach it")
    return None


def _trainers_never_free(instance: Instance, project: Project, calendar: YearCalendar,
                         trainers: list[Trainer], start_days: list[int]) -> str | None:
    """Why no start day has enough free trainers to cover the project's topics, or None.

    A trainer is free on a start day if the whole session lies inside their `available` days (if
    given) and outside their `unavailable` ones; some start day must have `trainers_per_session`
    free qualified trainers who together cover every topic."""
    free = {trainer.id: calendar.open_starts(trainer.available, trainer.unavailable,
                                             project.days) for trainer in trainers}
    never = set(project.topics)
    for start in start_days:
        present = [trainer for trainer in trainers if free[trainer.id][start]]
        covered = {topic for trainer in present for topic in trainer.topics}
        never -= covered
        if len(present) >= project.trainer_count and set(project.topics) <= covered:
            return None
    if never:
        topic = sorted(never)[0]
        teaching = [trainer for trainer in trainers if topic in trainer.topics]
        return (f"no trainer who teaches {topic} ({_list(teaching)}) is free for a whole "
                f"session on any day its calendar allows ({_list_dates(trainers)})")
    return (f"it needs {project.trainer_count} trainers per session who together cover "
            f"{'、'.join(project.topics)}, and on no day its calendar allows are enough of them "
            f"free ({_list(trainers)}; {_list_dates(trainers)})")


def _free_somewhen(calendar: YearCalendar, available: list[DateRange] | None,
                   unavailable: list[DateRange], days: int, start_days: list[int]) -> bool:
    free = calendar.open_starts(available, unavailable, days)
    return any(free[start] for start in start_days)


def _date(calendar: YearCalendar, day: int) -> str:
    return calendar.date(day).isoformat()


def _months(project: Project) -> str:
    """`month 8` or `months 7, 8`."""
    plural = "s" if len(project.allowed_months) > 1 else ""
    return f"month{plural} " + ", ".join(str(month) for month in sorted(project.allowed_months))


def _window(window: DateRange) -> str:
    name = getattr(window, "name", "")
    return f"{name} {window.start}–{window.end}".strip()


def _list(items: list[Trainer] | list[Venue]) -> str:
    return ", ".join(named(item) for item in items) or "none"


def _list_dates(trainers: list[Trainer]) -> str:
    """When each trainer is away, for the message: `t1 unavailable 2024-03-01–2024-03-31`."""
    parts = []
    for trainer in trainers:
        if trainer.available is not None:
            parts.append(f"{trainer.id} available only "
                         f"{', '.join(_window(r) for r in trainer.available)}")
        if trainer.unavailable:
            parts.append(f"{trainer.id} unavailable "
                         f"{', '.join(_window(r) for r in trainer.unavailable)}")
    return "; ".join(parts) or "none is ever away"
