"""How a project is split into sessions (classes), and the reasons a project cannot run at all.

These reasons need no search: they follow from the data and the calendar alone, so the solver
never sees such a project (a droppable one is dropped, a mandatory one makes the plan infeasible).
`check_project` finds them one project at a time; `precheck` adds the `after` chains that cannot
fit in the year, and is the first thing `scheduler.analysis.no_plan` tells a planner.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from models.classes import class_count, largest_class, qualified_trainers, usable_venues
from models.fields import DateRange
from models.instance import HolidayRule, Instance, Project, Trainer, Venue
from models.phrase import Joined, Named, Phrase, phrase
from scheduler.core.calendar import YearCalendar
from scheduler.core.rules import Cause, Rule


@dataclass(frozen=True)
class SessionSplit:
    """`count` sessions of at least `min_size` and at most `max_size` seats each, seating
    `headcount` in all."""

    project: Project
    headcount: int
    count: int
    max_size: int
    venues: list[Venue]
    trainers: list[Trainer]
    start_days: list[int]
    min_size: int = 1
    areas: tuple[str, ...] = ()
    """A `to_area` project's area of each class, in class order (`class_areas`)."""
    areas_of_towns: dict[str, str] = field(default_factory=dict)
    """Each town's area, for a `to_area` project."""

    def venues_of(self, session: int) -> list[Venue]:
        """The venues class `session` may meet in: of a `to_area` project, its area's."""
        if not self.areas:
            return self.venues
        return self._area_venues[self.areas[session - 1]]

    @functools.cached_property
    def area_towns(self) -> dict[str, set[str]]:
        """The towns of each area."""
        towns: dict[str, set[str]] = {}
        for town, area in self.areas_of_towns.items():
            towns.setdefault(area, set()).add(town)
        return towns

    @functools.cached_property
    def _area_venues(self) -> dict[str, list[Venue]]:
        """The venues of each area of its classes, made once: the quick plans ask per class."""
        return {area: [venue for venue in self.venues if venue.town in self.area_towns[area]]
                for area in set(self.areas)}

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
    `why` is the clause after "cannot run:" and `sentence` the whole sentence, naming the
    project and every venue, trainer and date it speaks of, each said in English or Chinese
    (`reason` and `message` are the English); `entities` are the (kind, id) pairs named besides
    the projects; `blocking` says whether it makes the plan infeasible (a mandatory project)
    rather than dropping an optional one.
    """

    rule: Rule | Cause
    projects: tuple[str, ...]
    why: Phrase
    sentence: Phrase
    entities: tuple[tuple[str, str], ...] = ()
    blocking: bool = False

    @property
    def reason(self) -> str:
        """The clause after "cannot run:", in English (what `split_project` returns)."""
        return self.why.text("en")

    @property
    def message(self) -> str:
        return self.sentence.text("en")


def named(item: Project | Venue | Trainer) -> str:
    """`id (name)`: how every message names a project, venue or trainer."""
    return f"{item.id} ({item.name})"


def as_named(item: Project | Venue | Trainer) -> Named:
    """The item as a sentence in either language names it (`named` is the English)."""
    return Named(item.id, item.name)


def split_project(
    instance: Instance, project: Project, calendar: YearCalendar
) -> SessionSplit | str:
    """The project's sessions as docs/format.md (Instance) defines them, or why it cannot be
    scheduled."""
    checked = check_project(instance, project, calendar)
    return checked.reason if isinstance(checked, Finding) else checked


def cannot_run(instance: Instance, project_ids: Iterable[str],
               calendar: YearCalendar | None = None) -> dict[str, Phrase]:
    """Why each of these projects cannot run at all: the search keeps its reasons in English
    (`split_project`), so what is shown to the planner is found again here."""
    calendar = calendar or YearCalendar(instance)
    checked = {project_id: check_project(instance, instance.project(project_id), calendar)
               for project_id in project_ids}
    return {project_id: finding.why for project_id, finding in checked.items()
            if isinstance(finding, Finding)}


def check_project(
    instance: Instance, project: Project, calendar: YearCalendar
) -> SessionSplit | Finding:
    """The project's sessions, or the first reason (in the order of the checks below) why it
    cannot run whatever the rest of the plan does."""

    def cannot(rule: Rule | Cause, reason: Phrase,
               entities: Iterable[tuple[str, str]] = ()) -> Finding:
        return Finding(rule, (project.id,), reason, _cannot_run(project, reason),
                       tuple(entities), project.mandatory)

    headcount = instance.headcount(project)
    venues = usable_venues(instance, project)
    if project.mode.uses_venue and not venues:
        return cannot(Rule.VENUE_FEATURES, _no_venue_reason(project))
    max_size = largest_class(instance, project, venues)
    split = class_count(instance, project, venues)
    if isinstance(split, str):
        return cannot(Rule.TO_AREA, phrase(WORDS["no venue in area"], area=split,
                                           towns=_area_names(instance, split)))
    count, areas = split
    if count * max_size < headcount:
        largest = max(venues, key=lambda venue: venue.capacity) if venues else None
        limit = (phrase(WORDS["largest venue"], venue=as_named(largest),
                        capacity=largest.capacity)
                 if largest is not None and largest.capacity == max_size
                 else phrase(WORDS["max session size"], size=max_size))
        return cannot(
            Cause.VENUE_SIZE,
            phrase(WORDS["too few seats"], count=count, size=max_size, headcount=headcount,
                   limit=limit),
            [("venue", largest.id)] if largest is not None else [])

    min_size = instance.min_session_size(project, count)
    if min_size > max_size or count * min_size > headcount:
        return cannot(
            Cause.CLASS_SIZE,
            phrase(WORDS["too small"], count=count, least=min_size, headcount=headcount,
                   most=max_size))

    trainers = qualified_trainers(instance, project)
    if project.trainer_count:
        untaught = [topic for topic in project.topics
                    if not any(topic in trainer.topics for trainer in trainers)]
        if untaught:
            return cannot(Rule.TRAINER_TOPIC,
                          phrase(WORDS["untaught"], topics="、".join(untaught)))
        if len(trainers) < project.trainer_count:
            return cannot(
                Rule.TRAINER_COUNT,
                phrase(WORDS["too few trainers"], needed=project.trainer_count,
                       count=len(trainers), trainers=_list(trainers)),
                [("trainer", trainer.id) for trainer in trainers])

    required = instance.rural_quota_seats(project)
    rural_pool = instance.rural_pool(project)
    if required > rural_pool:
        return cannot(
            Rule.RURAL_QUOTA,
            phrase(WORDS["rural pool"], required=required, headcount=headcount,
                   pool=rural_pool))

    start_days = calendar.start_days(project)
    if not start_days:
        return cannot(*_no_start_day(instance, project, calendar))
    if project.spread and len(start_days) < count * project.phases:
        return cannot(
            Rule.SPREAD,
            phrase(WORDS["spread"], starts=count * project.phases, days=len(start_days)))
    if not _phases_fit(start_days, project):
        return cannot(
            Cause.PHASES,
            phrase(WORDS["phases"], phases=project.phases, days=project.days,
                   gap=project.min_gap_days, first=_date(calendar, start_days[0]),
                   last=_date(calendar, start_days[-1])))

    if project.trainer_count:
        # A trainer whose max_days is shorter than one session can never teach it.
        able = [trainer for trainer in trainers if trainer.max_days >= project.days]
        short = _short_of(project, able)
        if short is not None:
            few = [trainer for trainer in trainers if trainer not in able]
            return cannot(
                Rule.TRAINER_MAX_DAYS,
                phrase(WORDS["max days"], short=short, trainers=_list(few),
                       most=Joined(tuple(trainer.max_days for trainer in few)),
                       days=project.days),
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
                phrase(WORDS["venues closed"], venues=_list(large_enough)),
                [("venue", venue.id) for venue in large_enough])
    # Every session seats at least what the others leave when they are full: a venue smaller
    # than that can never host one, so it is no choice for the model to carry.
    smallest = max(min_size, headcount - (count - 1) * max_size)
    venues = [venue for venue in venues if venue.capacity >= smallest]
    return SessionSplit(project, headcount, count, max_size, venues, trainers, start_days,
                        min_size, areas, {town.id: town.area_id for town in instance.towns})


def _area_names(instance: Instance, area: str) -> str:
    return "、".join(town.name for town in instance.towns if town.area_id == area)


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
    return findings + _after_chains(instance, calendar, splits) + _teachers_taken(
        instance, calendar, splits)


def _teachers_taken(instance: Instance, calendar: YearCalendar,
                    splits: dict[str, SessionSplit]) -> list[Finding]:
    """Mandatory projects whose every placement meets the days on which a mandatory all-staff
    project of one class takes every teacher of an audience they share, in every town they
    seat: one training at a time leaves them no day."""
    findings = []
    for first in splits.values():
        project = first.project
        if not (project.mandatory and project.headcount == "all" and first.count == 1
                and project.phases == 1):
            continue
        taken = set.intersection(*(set(range(start, start + project.days))
                                   for start in first.start_days))
        filled = {town.id for town in instance.towns if town.pool(project.audiences)}
        for second in splits.values():
            other = second.project
            shared = [audience for audience in project.audiences if audience in other.audiences]
            towns = [town for town in instance.towns if town.pool(other.audiences)]
            if (other.id == project.id or not other.mandatory or not shared
                    or any(town.id not in filled for town in towns)
                    or any(taken.isdisjoint(range(start, start + other.days))
                           for start in second.start_days)):
                continue
            reason = phrase(WORDS["teachers taken"], project=as_named(project),
                            audience=next(audience.name for audience in instance.audiences
                                          if audience.id == shared[0]),
                            town=towns[0].name, days=_span(calendar, taken))
            findings.append(Finding(Rule.ONE_TRAINING_A_DAY, (project.id, other.id), reason,
                                    _cannot_run(other, reason), (("town", towns[0].id),), True))
    return findings


def _span(calendar: YearCalendar, days: set[int]) -> str:
    first, last = calendar.date(min(days)), calendar.date(max(days))
    return first.isoformat() if first == last else f"{first.isoformat()}–{last.isoformat()}"


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
            names = Joined(tuple(as_named(instance.project(pid)) for pid in chain),
                           (" → ", " → "))
            reason = phrase(WORDS["after chain"], last=as_named(instance.project(last)),
                            end=_date(calendar, earliest_end[last] - 1),
                            latest=_date(calendar, split.start_days[-1]), chain=names)
            findings.append(Finding(Cause.AFTER_CHAIN, tuple(chain), reason,
                                    _cannot_run(project, reason), (), True))
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


def _cannot_run(project: Project, reason: Phrase) -> Phrase:
    return phrase(WORDS["cannot run"], project=as_named(project), reason=reason)


def _no_venue_reason(project: Project) -> Phrase:
    needs = []
    if project.venue_features:
        needs.append(phrase(WORDS["features"], features="、".join(project.venue_features)))
    if project.venue_rural == "required":
        needs.append(phrase(WORDS["rural town"]))
    if not needs:
        return phrase(WORDS["no venues"])
    return phrase(WORDS["no venue has"], needs=Joined(tuple(needs), (" and ", "且")))


def _no_start_day(instance: Instance, project: Project,
                  calendar: YearCalendar) -> tuple[Cause, Phrase]:
    """(rule, reason): which calendar rule leaves no start day. The rules are applied one by one,
    months first, and the one that empties the set is named."""
    rules = calendar.start_rules(project)
    months = _months(project)
    span = (phrase(WORDS["stretch"], days=project.days) if project.days > 1
            else phrase(WORDS["day"]))
    if project.holiday is HolidayRule.REQUIRED:
        windows = instance.calendar.holiday_windows
        touched = [window for window in windows
                   if any(date.month in project.allowed_months for date in window.days())]
        if not touched:
            where = (phrase(WORDS["no window in months"], months=months,
                            windows=Joined(tuple(map(_window, windows)), ("; ", "；")))
                     if windows else phrase(WORDS["no windows"]))
            return Cause.HOLIDAY_MONTHS, phrase(WORDS["holiday required"], where=where)
    kept = rules["months"]
    if not any(kept):
        return Cause.NO_START_DAY, phrase(WORDS["no span in year"], span=span, months=months)
    wording = {
        "public holidays": phrase(WORDS["public holidays"]),
        "weekdays": phrase(WORDS["weekends"]),
        "holiday": phrase(WORDS["holiday rule"], rule=phrase(HOLIDAY_RULES[project.holiday])),
    }
    applied: list[Phrase] = []
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
            return Cause.NO_START_DAY, phrase(
                WORDS["blackouts leave none"],
                blackouts=Joined(tuple(map(_window, shared)), ("; ", "；")), span=span,
                months=months, avoided=Joined(tuple(applied)))
        return Cause.NO_START_DAY, phrase(WORDS["none avoids"], span=span, months=months,
                                          avoided=Joined(tuple(applied)))
    raise AssertionError("start_days and start_rules disagree")  # pragma: no cover


def _short_of(project: Project, trainers: list[Trainer]) -> Phrase | None:
    """What `trainers` lack to staff a session of the project (a topic nobody teaches, or too
    few of them), or None."""
    untaught = [topic for topic in project.topics
                if not any(topic in trainer.topics for trainer in trainers)]
    if untaught:
        return phrase(WORDS["able untaught"], topics="、".join(untaught))
    if len(trainers) < project.trainer_count:
        return phrase(WORDS["too few able"], needed=project.trainer_count, count=len(trainers))
    return None


def _trainers_never_free(instance: Instance, project: Project, calendar: YearCalendar,
                         trainers: list[Trainer], start_days: list[int]) -> Phrase | None:
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
        return phrase(WORDS["topic never free"], topic=topic, trainers=_list(teaching),
                      dates=_list_dates(trainers))
    return phrase(WORDS["never enough free"], needed=project.trainer_count,
                  topics="、".join(project.topics), trainers=_list(trainers),
                  dates=_list_dates(trainers))


def _free_somewhen(calendar: YearCalendar, available: list[DateRange] | None,
                   unavailable: list[DateRange], days: int, start_days: list[int]) -> bool:
    free = calendar.open_starts(available, unavailable, days)
    return any(free[start] for start in start_days)


def _date(calendar: YearCalendar, day: int) -> str:
    return calendar.date(day).isoformat()


def _months(project: Project) -> Phrase:
    """`month 8` or `months 7, 8` (`8月`, `7月、8月`)."""
    months = sorted(project.allowed_months)
    if len(months) == 1:
        return phrase(WORDS["month"], month=months[0])
    return phrase(WORDS["months"], months=Joined(tuple(phrase(WORDS["month number"], month=month)
                                                     for month in months)))


def _window(window: DateRange) -> str:
    name = getattr(window, "name", "")
    return f"{name} {window.start}–{window.end}".strip()


def _list(items: list[Trainer] | list[Venue]) -> Joined | Phrase:
    return Joined(tuple(map(as_named, items))) if items else phrase(WORDS["none"])


def _list_dates(trainers: list[Trainer]) -> Joined | Phrase:
    """When each trainer is away, for the message: `t1 unavailable 2024-03-01–2024-03-31`."""
    parts = []
    for trainer in trainers:
        if trainer.available is not None:
            parts.append(phrase(WORDS["available only"], trainer=trainer.id,
                                ranges=", ".join(map(_window, trainer.available))))
        if trainer.unavailable:
            parts.append(phrase(WORDS["unavailable"], trainer=trainer.id,
                                ranges=", ".join(map(_window, trainer.unavailable))))
    return Joined(tuple(parts), ("; ", "；")) if parts else phrase(WORDS["never away"])


WORDS: dict[str, tuple[str, str]] = {
    "cannot run": ("project {project} cannot run: {reason}.", "项目{project}无法安排：{reason}。"),
    "features": ("the features {features}", "具备{features}"),
    "rural town": ("a rural town", "位于农村乡镇"),
    "no venue has": ("no venue has {needs}", "没有场地{needs}"),
    "no venues": ("there are no venues", "没有任何场地"),
    "largest venue": ("the largest venue it may use, {venue}, holds {capacity}",
                      "它能用的最大场地{venue}只有 {capacity} 个座位"),
    "max session size": ("its max_session_size is {size}", "它每班最多 {size} 人"),
    "too few seats": ("{count} sessions of at most {size} seats cannot seat its {headcount} "
                      "trainees ({limit})",
                      "{count} 个班、每班最多 {size} 人，坐不下 {headcount} 名学员（{limit}）"),
    "too small": ("its {count} sessions of at least {least} and at most {most} teachers "
                  "cannot seat exactly its {headcount} trainees",
                  "它的 {count} 个班每班至少 {least} 人、至多 {most} 人，无法恰好容纳 "
                  "{headcount} 名学员"),
    "teachers taken": ("every day it could run meets {days}, when the all-staff project "
                       "{project} takes every teacher of {audience} in {town} and in every "
                       "other town it seats, and a teacher is in one training a day",
                       "它每个可排的日子都与 {days} 重叠，而那时全员项目{project}占用{town}等它所"
                       "有参训乡镇的全部{audience}，教师同一天只能参加一项培训"),
    "no venue in area": ("it goes to its trainees' areas (to_area), and area {area} ({towns}) "
                         "has no venue it may use",
                         "它须送教到学员所在片区，而片区 {area}（{towns}）没有它能用的场地"),
    "spread": ("its {starts} starts are to be spread over its allowed start days, and it has "
               "only {days}",
               "它的 {starts} 次开班须分散在允许的开班日期里，但只有 {days} 天可开班"),
    "untaught": ("no trainer teaches {topics}", "没有专家教{topics}"),
    "too few trainers": ("it needs {needed} trainers per session but only {count} teach its "
                         "topics ({trainers})",
                         "每班需要 {needed} 位专家，但只有 {count} 位教它的主题（{trainers}）"),
    "rural pool": ("its rural quota needs {required} of its {headcount} seats in rural towns, "
                   "but its audiences have only {pool} teachers there",
                   "农村名额要求 {headcount} 个名额中 {required} 个给农村乡镇，但培训对象在"
                   "农村乡镇只有 {pool} 名教师"),
    "phases": ("its {phases} phases of {days} days, {gap} days apart, do not fit in its "
               "allowed days (the earliest possible is {first}, the latest {last})",
               "它的 {phases} 个阶段（每段 {days} 天，间隔 {gap} 天）排不进允许的日期（最早 "
               "{first}，最晚 {last}）"),
    "max days": ("{short}: {trainers} may teach at most {most} days a year, less than one of "
                 "its {days}-day sessions",
                 "{short}：{trainers}全年最多授课 {most} 天，不够上一个 {days} 天的班"),
    "able untaught": ("no trainer who could teach it teaches {topics}",
                      "能授课的专家中没有人教{topics}"),
    "too few able": ("it needs {needed} trainers per session and only {count} could teach it",
                     "每班需要 {needed} 位专家，而只有 {count} 位能授课"),
    "venues closed": ("every venue large and equipped enough for it ({venues}) is closed on "
                      "all the days its calendar allows",
                      "所有够大、设施齐全的场地（{venues}）在它的日历允许的日子里都不开放"),
    "after chain": ("it must start after project {last} has ended, which is {end} at the "
                    "earliest, and none of its sessions fits after that (its latest possible "
                    "start is {latest}; chain {chain})",
                    "它须在项目{last}结束后开始，而那最早是 {end}，之后排不下它的班（它最晚在 "
                    "{latest} 开始；先后顺序 {chain}）"),
    "stretch": ("{days}-day stretch", "连续 {days} 天"),
    "day": ("day", "一天"),
    "no window in months": ("no holiday window falls in its {months} ({windows})",
                            "{months}里没有寒暑假（{windows}）"),
    "no windows": ("the calendar has no holiday windows", "日历里没有寒暑假"),
    "holiday required": ("it must be held inside a school holiday, but {where}",
                         "它必须在寒暑假内举办，但{where}"),
    "no span in year": ("no {span} fits in its {months} inside the year",
                        "本年度的{months}里排不下{span}"),
    "public holidays": ("public holidays", "法定节假日"),
    "weekends": ("weekends (it trains on weekdays only)", "周末（它只在工作日培训）"),
    "holiday rule": ("its holiday rule ({rule})", "它的假期规则（{rule}）"),
    "blackouts leave none": ("the blackouts {blackouts} leave no {span} in its {months} that "
                             "also avoids {avoided}",
                             "禁排日期 {blackouts} 使{months}里没有同时避开{avoided}的{span}"),
    "none avoids": ("no {span} in its {months} avoids {avoided}",
                    "{months}里没有避开{avoided}的{span}"),
    "topic never free": ("no trainer who teaches {topic} ({trainers}) is free for a whole "
                         "session on any day its calendar allows ({dates})",
                         "教{topic}的专家（{trainers}）在它的日历允许的日子里都没有一整个班的空闲"
                         "（{dates}）"),
    "never enough free": ("it needs {needed} trainers per session who together cover {topics}, "
                          "and on no day its calendar allows are enough of them free "
                          "({trainers}; {dates})",
                          "每班需要 {needed} 位共同覆盖{topics}的专家，但它的日历允许的日子里"
                          "没有一天有足够的专家有空（{trainers}；{dates}）"),
    "month": ("month {month}", "{month}月"),
    "months": ("months {months}", "{months}"),
    "month number": ("{month}", "{month}月"),
    "none": ("none", "无"),
    "available only": ("{trainer} available only {ranges}", "{trainer} 只在 {ranges} 有空"),
    "unavailable": ("{trainer} unavailable {ranges}", "{trainer} {ranges} 不在"),
    "never away": ("none is ever away", "没有人外出"),
}
"""Every sentence of a finding, in English and in Chinese."""
HOLIDAY_RULES = {
    HolidayRule.REQUIRED: ("required", "须在寒暑假内"),
    HolidayRule.FORBIDDEN: ("forbidden", "不能在寒暑假"),
    HolidayRule.ALLOWED: ("allowed", "不限"),
}
