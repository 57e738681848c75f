"""What each class of a plan adds to each KPI, and why it is where it is (`schedule why`).

Each class's own parts of the KPIs are measured on its rows, as `scheduler.core.kpis` measures the
plan: days outside the preferred months, cost (venue and trainers, day by day), seats in an
urban venue a project would rather not use, and the teachers it takes away on the plan's
busiest school day (the balance is the peak, not a sum). A project adds its seats short of the
towns' fair shares, or, dropped, its priority. A class's part of `hours_short` is negative: the
teacher-hours short of the requirement its seats remove (`scheduler.core.hours.HoursLedger`), none
where its towns' audiences are already offered their requirement.

Where a class pays, the reason is found by trying the cheaper place for real and asking the
validator (`scheduler.core.validate`, the same checks `schedule validate` runs) what rule that place
breaks: the class on each day of its preferred months (same venue and trainers), in each cheaper
or rural venue that can host it, with each cheaper qualified trainer (same days). Every rule
met is named with what stands in the way (the venue taken by p04 on 10-08…10-24, the trainer
away 10-01…10-07); a place that breaks no rule is named with what it would cost instead, since
then it is the plan's trade-off, not a rule, that keeps the class where it is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from models import Instance, Project, SessionPhase, Solution
from models.classes import qualified_trainers, usable_venues
from models.phrase import Phrase, by_reading, phrase, plain
from scheduler.core.calendar import YearCalendar
from scheduler.core.costs import KPI_WORDS, ClassCost, ProjectCost
from scheduler.core.hours import HoursLedger, as_text, plan_seats
from scheduler.core.kpis import KPI_NAMES, plan_kpis, project_terms, weighted_objective
from scheduler.core.rules import Rule
from scheduler.core.validate import Violation, validate
from scheduler.messages import Joined, Named

Change = dict[str, Any]
"""A class tried elsewhere: a `shift` of its days, or fields of its rows (venue, trainers)."""
ROW_RULES = frozenset({
    Rule.YEAR, Rule.PUBLIC_HOLIDAY, Rule.WEEKEND, Rule.MONTHS, Rule.HOLIDAY_REQUIRED,
    Rule.HOLIDAY_FORBIDDEN, Rule.BLACKOUT, Rule.PHASE_GAP, Rule.VENUE_CAPACITY,
    Rule.VENUE_FEATURES, Rule.VENUE_RURAL, Rule.VENUE_UNAVAILABLE, Rule.TO_AREA,
    Rule.TRAINER_TOPIC, Rule.TRAINER_COVER})
VENUE_RULES = frozenset({Rule.VENUE_ONE_SESSION_A_DAY})
TRAINER_RULES = frozenset({Rule.TRAINER_UNAVAILABLE, Rule.TRAINER_ONE_SESSION_A_DAY,
                           Rule.TRAINER_MAX_DAYS})
TOWN_RULES = frozenset({Rule.ABSENCE_CAP, Rule.ONE_TRAINING_A_DAY})
"""The rules a class can break by its dates, venue and trainers alone: those of a row by itself,
and those it shares with other rows in its venue, with its trainers or from its towns (and
`after`, with the projects it follows or precedes)."""
MOST_TRIALS = 12
"""Venues or trainers tried per question (each is a validation; every day of the preferred
months is tried): enough to see what stands in the way, few enough that `why` on a plan of a
hundred projects answers in seconds."""


def why(instance: Instance, solution: Solution, project_id: str | None = None,
        session: int | None = None, cheaper: bool = True) -> list[ProjectCost]:
    """The costs of every project of the plan (or of one, or of one class), with reasons as
    sentences for the reader's language. Without `cheaper`, a class's cost is not set against
    the cheaper venues and trainers (the trials that take most of the time on a large plan);
    days outside the preferred months and urban venues are always explained."""
    costs = _ClassCosts(instance, solution, cheaper)
    projects = [p for p in instance.projects if project_id in (None, p.id)]
    return [costs.project(project, session) for project in projects]


def plan_costs(instance: Instance, solution: Solution) -> list[ProjectCost]:
    """Each class's costs and reasons as the exports show them: without the cheaper venue and
    trainer trials (they take most of the time on a large plan; `schedule why` makes them for
    any class)."""
    return why(instance, solution, cheaper=False)


class _ClassCosts:
    """Each class of a plan set against what the same class would cost elsewhere, and the rules
    that keep it from there."""

    def __init__(self, instance: Instance, solution: Solution, cheaper: bool):
        self.instance = instance
        self.cheaper = cheaper
        self.solution = solution
        self.names = {(kind, item.id): item.name for kind, items in (
            ("venue", instance.venues), ("trainer", instance.trainers), ("town", instance.towns))
            for item in items}
        self.calendar = YearCalendar(instance)
        self.venues = {venue.id: venue for venue in instance.venues}
        self.fees = {trainer.id: trainer.fee_per_day for trainer in instance.trainers}
        self.kpis = plan_kpis(instance, self.calendar, solution.sessions, solution.dropped)
        self.hours = HoursLedger(instance, plan_seats(solution))
        self.objective = weighted_objective(instance, self.kpis)
        self.away = self._away(solution.sessions)
        self.on_day: dict[dt.date, list[int]] = defaultdict(list)
        for index, row in enumerate(solution.sessions):
            for day in _dates(row):
                self.on_day[day].append(index)
        self.peak_day, self.peak = self._busiest_school_day()

    def project(self, project: Project, session: int | None) -> ProjectCost:
        rows = [row for row in self.solution.sessions if row.project == project.id]
        numbers = sorted({row.session for row in rows if session in (None, row.session)})
        classes = [self.one_class(project, number,
                                  [row for row in rows if row.session == number])
                   for number in numbers]
        cost = ProjectCost(project, classes)
        if project.id in self.solution.dropped:
            cost.kpis["dropped"] = project.drop_weight
            cost.reasons.append(_say("dropped", weight=project.drop_weight))
            return cost
        seated: dict[str, int] = defaultdict(int)
        for row in rows:
            if row.phase == 1:
                for town, seats in row.seats.items():
                    seated[town] += seats
        towns = {town.id: town for town in self.instance.towns}
        short = {town: target - seated[town]
                 for town, target in self.instance.fair_shares(project).items()
                 if seated[town] < target}
        if short:
            cost.kpis["share"] = sum(short.values())
            cost.reasons.append(_say("short", towns=Joined(tuple(
                f"{towns[town].name} {count}" for town, count in sorted(short.items())))))
        return cost

    def one_class(self, project: Project, session: int, rows: list[SessionPhase]) -> ClassCost:
        cost = ClassCost(project, session, rows)
        wanted = project.wanted_months
        outside = sum(self.calendar.days_outside(wanted, self.calendar.day(row.start), row.days)
                      for row in rows)
        if outside:
            cost.kpis["preference"] = outside
            months = "、".join(f"{month}月" for month in sorted(wanted))
            starts = self._days_in(project, wanted)
            cost.reasons.append(_then(_say("outside", days=outside, months=months),
                                      self._why_not_on(rows, starts)))
            if (trade := self._trade(project, rows, starts)) is not None:
                cost.reasons.append(trade)
        cost.kpis["cost"] = sum(self._cost(row) for row in rows)
        cheaper = self._why_not_cheaper(project, rows) if self.cheaper else None
        if cheaper:
            cost.reasons.append(cheaper)
        urban = sum(row.size for row in rows if project.venue_rural == "preferred"
                    and row.venue and not self._rural(row.venue))
        if urban:
            cost.kpis["rural_venue"] = urban
            rural = [venue.id for venue in usable_venues(self.instance, project)
                     if self._rural(venue.id)]
            cost.reasons.append(_then(_say("urban", seats=urban), self._why_not(
                rows, [{"venue": venue} for venue in rural], "rural venue")))
        seats = next((row.seats for row in rows if row.phase == 1), rows[0].seats)
        removed = self.hours.removed(project, seats)
        if removed:
            # A class removes teacher-hours short of the requirement: its part is negative.
            cost.kpis["hours_short"] = -removed
            cost.reasons.append(_say(
                "hours", seats=sum(seats.values()), hours=as_text(self.instance.hours(project)),
                removed=removed))
        away = sum(row.size for row in rows if project.mode.takes_teachers_away
                   and row.start <= self.peak_day <= row.end) if self.peak_day else 0
        if away:
            cost.kpis["balance"] = away
            cost.reasons.append(_say("peak", away=away, peak=self.peak, day=self.peak_day))
        return cost

    # --- the cheaper places, tried for real ---------------------------------------------------

    def _why_not_on(self, rows: list[SessionPhase], starts: list[dt.date]) -> Phrase:
        shifts = [start - rows[0].start for start in starts]
        return self._why_not(rows, [{"shift": shift} for shift in shifts], "day")

    def _trade(self, project: Project, rows: list[SessionPhase],
               starts: list[dt.date]) -> Phrase | None:
        """Where the class sits outside its preferred months: the best day of them in another
        venue it may use (dearer ones too) that breaks no rule, and what it would cost, so a
        planner sees what the month was traded for; None where no venue is free then. The
        venues are spread over the price range (`MOST_TRIALS`)."""
        first = rows[0]
        venues = [venue.id for venue in usable_venues(self.instance, project)
                  if venue.id != first.venue and venue.capacity >= first.size]
        if not venues or not starts:
            return None
        if len(venues) > MOST_TRIALS:
            venues = [venues[int(index * len(venues) / MOST_TRIALS)]
                      for index in range(MOST_TRIALS)]
        free = []
        for venue in venues:
            for start in starts:
                moved = [self._changed(row, {"shift": start - first.start, "venue": venue})
                         for row in rows]
                if not self._broken(rows, moved):
                    kpis = self._kpis(rows, moved)
                    free.append((weighted_objective(self.instance, kpis) - self.objective,
                                 self._place(moved), self._changes(kpis)))
                    break  # its first free day in the months; the next venue
        if not free:
            return None
        return _least(free, lambda delta, place, kpi_changes: _say(
            "in the months", place=place, delta=delta, changes=kpi_changes))

    def _why_not_cheaper(self, project: Project, rows: list[SessionPhase]) -> Phrase | None:
        """Why the class does not use a cheaper venue or a cheaper trainer on its days."""
        first = rows[0]
        venue_cost = self.venues[first.venue].cost_per_day if first.venue else 0
        venues = [venue.id for venue in usable_venues(self.instance, project)
                  if venue.cost_per_day < venue_cost and venue.capacity >= first.size]
        texts = []
        if venues:
            texts.append(_then(_say("cheaper venue"), self._why_not(
                rows, [{"venue": venue} for venue in venues], "cheaper venue")))
        for trainer in first.trainers:
            cheaper = [other.id for other in qualified_trainers(self.instance, project)
                       if other.fee_per_day < self.fees[trainer] and other.id not in first.trainers]
            if cheaper:
                options = [{"trainers": [other if t == trainer else t for t in first.trainers]}
                           for other in cheaper]
                texts.append(_then(_say("cheaper trainer", trainer=self._named("trainer", trainer)),
                                   self._why_not(rows, options, "cheaper trainer")))
        return _joined(texts) if texts else None

    def _why_not(self, rows: list[SessionPhase], changes: list[Change],
                 what: str) -> Phrase:
        """Try the class with each change; say which rules stand in the way, gathered by what
        stands there, or, where one breaks none, what it would cost."""
        if not changes:
            return _say("no " + what)
        if what != "day" and len(changes) > MOST_TRIALS:  # spread over the price range
            step = len(changes) / MOST_TRIALS
            changes = [changes[int(index * step)] for index in range(MOST_TRIALS)]
        project = rows[0].project
        days: dict[tuple[Rule, tuple[str, str] | None], set[dt.date]] = defaultdict(set)
        others: dict[tuple[Rule, tuple[str, str] | None], set[str]] = defaultdict(set)
        free: list[tuple[int, Phrase, Phrase]] = []
        for change in changes:
            moved = [self._changed(row, change) for row in rows]
            broken = self._broken(rows, moved)
            if not broken:
                kpis = self._kpis(rows, moved)
                free.append((weighted_objective(self.instance, kpis) - self.objective,
                             self._place(moved), self._changes(kpis)))
            for violation in broken:
                key = violation.rule, violation.subject
                days[key] |= set(violation.days)
                # A town's rule counts the class's own seats too: its project is named
                # only where the rule is another's (a venue or trainer it clashes with).
                others[key] |= {other for other in violation.others
                                if other != project or violation.rule not in TOWN_RULES}
        texts = [self._blocker(*key, _others(others[key], project), blocked)
                 for key, blocked in sorted(
                     days.items(), key=lambda item: (-len(item[1]), str(item[0][1])))]
        if free:
            texts.append(_least(free, lambda delta, place, kpi_changes: _say(
                "raise" if delta >= 0 else "lower", place=place, delta=abs(delta),
                changes=kpi_changes)))
        shown = _joined(texts[:SHOWN])
        if len(texts) > SHOWN:
            return _then(shown, _say("more", count=len(texts) - SHOWN))
        return shown

    def _changed(self, row: SessionPhase, change: Change) -> SessionPhase:
        update = dict(change)
        shift = update.pop("shift", None)
        if isinstance(shift, dt.timedelta):
            update |= {"start": row.start + shift, "end": row.end + shift}
        return row.model_copy(update=update)

    def _broken(self, before: list[SessionPhase], after: list[SessionPhase]) -> list[Violation]:
        """The placement rules the class breaks with its rows `before` changed to `after`. The
        plan kept every rule, so each rule family is asked only of the rows the class can meet
        in it: its own rules of a row alone; on its new days, the rows in its venue, those with
        one of its trainers (and, where its trainers changed, every row of the new ones: their
        days in the year) and those seating one of its towns; where its days moved, the rows of
        the projects it comes after or before. Each is checked as a plan cut down to those rows
        (of the towns, only the class's own)."""
        on_days = [self.solution.sessions[index] for index in sorted(
            {index for row in after for day in _dates(row) for index in self.on_day.get(day, ())})]
        venues = {row.venue for row in after} - {None}
        trainers = {trainer for row in after for trainer in row.trainers}
        towns = {town for row in after for town in row.seats}
        # The new trainers' days in the whole year count towards their yearly limit.
        taught = (self.solution.sessions
                  if trainers - {trainer for row in before for trainer in row.trainers}
                  else on_days)
        checks = [
            ([], ROW_RULES),
            ([row for row in on_days if row.venue in venues], VENUE_RULES),
            ([row for row in taught if trainers & set(row.trainers)], TRAINER_RULES),
            ([row for row in on_days if towns & set(row.seats)], TOWN_RULES),
        ]
        project = self.instance.project(after[0].project)
        if project.spread and before[0].start != after[0].start:
            checks.append(([row for row in self.solution.sessions if row.project == project.id],
                           frozenset({Rule.SPREAD})))
        if before[0].start != after[0].start:
            related = {project.id, *project.after} | {
                other.id for other in self.instance.projects if project.id in other.after}
            checks.append(([row for row in self.solution.sessions if row.project in related],
                           frozenset({Rule.AFTER})))
        return [violation for rows, rules in checks
                for violation in self._check(before, after, rows, rules)]

    def _check(self, before: list[SessionPhase], after: list[SessionPhase],
               rows: list[SessionPhase], rules: frozenset[Rule]) -> list[Violation]:
        """Validate the class's new rows with `rows`, the plan cut down to them, for `rules`;
        of the towns only the class's own (a large plan has hundreds, and the class's seats
        cannot touch another town's absence)."""
        keys = {(row.project, row.session, row.phase) for row in before}
        kept = [row for row in rows if (row.project, row.session, row.phase) not in keys]
        cut = self.solution.model_copy(update={"sessions": kept + after})
        towns = {town for row in after for town in row.seats}
        own_towns = self.instance.model_copy(update={
            "towns": [town for town in self.instance.towns if town.id in towns]})
        return [violation for violation in validate(own_towns, cut, only=rules)
                if violation.rule in rules]

    def _kpis(self, before: list[SessionPhase], after: list[SessionPhase]) -> dict[str, int]:
        """The plan's six KPIs with the class's rows `before` changed to `after`, as the solver
        measures them: its own terms swapped, the teachers away day by day moved (its seats,
        so the fair shares, and the dropped projects stay as they are)."""
        old, new = (project_terms(self.instance, self.calendar, rows)[rows[0].project]
                    for rows in (before, after))
        away = self.away.copy()
        for rows, sign in ((before, -1), (after, 1)):
            for row in rows:
                for day in self._days_away(row):
                    away[day] += sign * row.size
        return self.kpis | {
            "preference": self.kpis["preference"] - old.preference + new.preference,
            "cost": self.kpis["cost"] - old.cost + new.cost,
            "away_days": self.kpis.get("away_days", 0) - old.away_days + new.away_days,
            "rural_venue": self.kpis["rural_venue"] - old.urban_venue_seats
            + new.urban_venue_seats,
            "balance": max(away, default=0),
        }

    def _away(self, rows: list[SessionPhase]) -> list[int]:
        """Teachers away on each school day of the year (0 on other days)."""
        away = [0] * self.calendar.length
        for row in rows:
            for day in self._days_away(row):
                away[day] += row.size
        return away

    def _days_away(self, row: SessionPhase) -> list[int]:
        """The school days a row keeps its teachers from school."""
        if not self.instance.project(row.project).mode.takes_teachers_away:
            return []
        start = self.calendar.day(row.start)
        school_days = self.calendar.school_days
        return [day for day in range(max(start, 0), min(start + row.days, self.calendar.length))
                if school_days[day]]

    # --- measures -----------------------------------------------------------------------------

    def _days_in(self, project: Project, months: Iterable[int]) -> list[dt.date]:
        wanted = set(months)
        return [self.calendar.date(day) for day in range(self.calendar.length)
                if self.calendar.date(day).month in wanted
                and self.calendar.date(min(day + project.days - 1, self.calendar.length - 1)
                                       ).month in wanted]

    def _cost(self, row: SessionPhase) -> int:
        venue = self.venues[row.venue].cost_per_day if row.venue else 0
        return row.days * (venue + sum(self.fees[trainer] for trainer in row.trainers))

    def _rural(self, venue_id: str) -> bool:
        rural = {town.id for town in self.instance.towns if town.rural}
        return self.venues[venue_id].town in rural

    def _place(self, rows: list[SessionPhase]) -> Phrase:
        first = rows[0]
        if first.venue is None:
            return plain(str(first.start))
        return _say("place", day=first.start, venue=self._named("venue", first.venue))

    # --- words --------------------------------------------------------------------------------

    def _named(self, kind: str, item_id: str) -> Phrase:
        """`venue jxxx-hall (报告厅)`, or in Chinese `场地报告厅（jxxx-hall）`."""
        return phrase(KINDS[kind], named=Named(item_id,
                                               self.names.get((kind, item_id), item_id)))

    def _blocker(self, rule: Rule, subject: tuple[str, str] | None, others: Phrase,
                 days: set[dt.date]) -> Phrase:
        if rule in BLOCKERS and subject is not None:
            return _say(BLOCKERS[rule], subject=self._named(*subject), others=others,
                        days=day_ranges(days))
        rule_words = phrase(RULE_WORDS[rule]) if rule in RULE_WORDS else plain(str(rule))
        return _then(rule_words, plain(f" ({day_ranges(days)})" if days else ""))

    def _changes(self, kpis: dict[str, int]) -> Phrase:
        changes = tuple(phrase(("{kpi} {change:+,}", "{kpi} {change:+,}"),
                               kpi=phrase(KPI_WORDS[name]), change=kpis[name] - self.kpis[name])
                        for name in KPI_NAMES if kpis[name] != self.kpis[name])
        if not changes:
            return _say("no change")
        return phrase(("{changes}", "{changes}"), changes=Joined(changes))

    def _busiest_school_day(self) -> tuple[dt.date | None, int]:
        """The first school day with the most teachers away, and how many; None if none are."""
        peak = max(self.away, default=0)
        if peak == 0:
            return None, 0
        return self.calendar.date(self.away.index(peak)), peak


SHOWN = 4
"""What stands in the way, at most this many things said per question."""

WORDS = {
    "outside": ("{days} day(s) outside its preferred months {months}: ",
                "{days} 天不在首选月份（{months}）："),
    "urban": ("{seats} rural-preferred seat(s) in an urban venue: ",
              "{seats} 个农村优先名额在城区场地："),
    "cheaper venue": ("a cheaper venue: ", "更便宜的场地："),
    "in the months": ("in its preferred months it could meet {place}, which breaks no rule and "
                      "would change the objective by {delta:+,} ({changes}): the months were "
                      "traded for that",
                      "它本可在首选月份于{place}举办，不违反任何规则，目标值变化 {delta:+,}"
                      "（{changes}）：首选月份是为此让出的"),
    "cheaper trainer": ("a cheaper trainer than {trainer}: ", "比{trainer}便宜的专家："),
    "peak": ("{away} of the {peak} teachers away on the busiest school day {day} are its own",
             "最忙的上课日 {day} 共 {peak} 名教师离岗，其中 {away} 名是本班的"),
    "hours": ("its {seats} trainees earn {hours} 学时 each: without them the plan would be "
              "{removed:,} teacher-hours further short of the requirement",
              "本班 {seats} 名学员每人获得 {hours} 学时：没有本班，本计划距学时要求将多缺 "
              "{removed:,} 人·学时"),
    "dropped": ("dropped: priority {weight} lost", "未安排：失去优先级 {weight}"),
    "short": ("seats short of fair share: {towns}", "公平名额缺口：{towns}"),
    "no day": ("there is no day it could use", "没有可用的日期"),
    "no cheaper venue": ("there is no cheaper venue it could use", "没有可用的更便宜场地"),
    "no cheaper trainer": ("there is no cheaper trainer it could use", "没有可用的更便宜专家"),
    "no rural venue": ("there is no rural venue it could use", "没有可用的农村场地"),
    "own class": ("another class of the same project", "本项目的另一个班"),
    "place": ("{day} in {venue}", "{day} 在{venue}"),
    "raise": ("{place} breaks no rule but would raise the objective by {delta:,} ({changes})",
              "{place}不违反任何规则，但目标值会增加 {delta:,}（{changes}）"),
    "lower": ("{place} breaks no rule and would lower the objective by {delta:,} ({changes}): "
              "the plan can be improved there",
              "{place}不违反任何规则，且目标值会减少 {delta:,}（{changes}）：方案在此处还可改进"),
    "no change": ("no KPI changes", "指标不变"),
    "more": (" (and {count} more)", "（另有 {count} 条）"),
}
"""Every sentence `why` says, in English and in Chinese."""

BLOCKERS = {
    Rule.VENUE_ONE_SESSION_A_DAY: "taken",
    Rule.TRAINER_ONE_SESSION_A_DAY: "teaches",
    Rule.TRAINER_UNAVAILABLE: "away",
    Rule.VENUE_UNAVAILABLE: "closed",
    Rule.ABSENCE_CAP: "too many away",
    Rule.ONE_TRAINING_A_DAY: "in training",
    Rule.TRAINER_MAX_DAYS: "no days left",
}
WORDS |= {
    "taken": ("{subject} is taken by {others} on {days}", "{subject} {days} 已被 {others} 占用"),
    "teaches": ("{subject} teaches {others} on {days}", "{subject} {days} 在给 {others} 上课"),
    "away": ("{subject} is away {days}", "{subject} {days} 不在"),
    "closed": ("{subject} is closed {days}", "{subject} {days} 不开放"),
    "too many away": ("{subject} would have too many teachers away on {days} (with {others})",
                      "{subject} {days} 离岗教师会超过上限（与 {others} 一起）"),
    "in training": ("{subject}'s teachers are in {others} on {days}",
                    "{subject} 的教师 {days} 在参加 {others}"),
    "no days left": ("{subject} has no teaching days left", "{subject} 已没有可授课的天数"),
}
SEPARATORS = ("; ", "；")
"""Between the things said of one question, and between questions."""
KINDS = {"venue": ("venue {named}", "场地{named}"), "trainer": ("trainer {named}", "专家{named}"),
         "town": ("town {named}", "乡镇{named}")}

RULE_WORDS = {
    Rule.PUBLIC_HOLIDAY: ("public holidays", "法定节假日"),
    Rule.WEEKEND: ("weekends", "周末"),
    Rule.MONTHS: ("outside the project's months", "不在项目的月份内"),
    Rule.HOLIDAY_REQUIRED: ("not inside a school holiday", "不在寒暑假内"),
    Rule.HOLIDAY_FORBIDDEN: ("in a school holiday", "在寒暑假内"),
    Rule.BLACKOUT: ("a blackout of its audiences", "培训对象的禁排期"),
    Rule.PHASE_GAP: ("too close to its other phase", "离另一阶段太近"),
    Rule.SPREAD: ("its series is spread over its window, one start in each part",
                  "系列培训须分散排开，每段时间一次"),
    Rule.AFTER: ("before a project it must follow", "早于须在其之前的项目"),
    Rule.VENUE_CAPACITY: ("too few seats", "座位不够"),
    Rule.VENUE_FEATURES: ("lacks what the project needs", "缺少项目所需的设施"),
    Rule.VENUE_RURAL: ("not in a rural town", "不在农村乡镇"),
    Rule.TO_AREA: ("in another area than its trainees' (送教下乡 goes to them)",
                   "不在学员所在片区（送教下乡须到学员片区）"),
    Rule.YEAR: ("outside the year", "不在本年度"),
    Rule.TRAINER_TOPIC: ("the trainer teaches none of its topics", "专家不教该项目的主题"),
    Rule.TRAINER_COVER: ("its trainers would not cover every topic", "专家不能覆盖全部主题"),
}


def _say(key: str, **values: object) -> Phrase:
    return phrase(WORDS[key], **values)


def _then(first: Phrase, then: Phrase) -> Phrase:
    """`first` followed by `then`, as one sentence."""
    return phrase(("{first}{then}", "{first}{then}"), first=first, then=then)


def _joined(texts: list[Phrase]) -> Phrase:
    """The things said of one question, or the questions, one after the other."""
    return phrase(("{texts}", "{texts}"), texts=Joined(tuple(texts), SEPARATORS))


def _others(others: set[str], project: str) -> Phrase:
    """The projects in the way, sorted as the reader reads them: `project` itself said as
    another class of the same project, sorted among the ids by its words in each language."""
    return by_reading(lambda language: Joined(tuple(
        _say("own class") if other == project else other
        for other in sorted(others, key=lambda other: _say("own class").text(language)
                            if other == project else other))))


def _least(free: list[tuple[int, Phrase, Phrase]],
           say: Callable[[int, Phrase, Phrase], Phrase]) -> Phrase:
    """`say` of the free place that changes the objective least; of equal ones the first by
    its words, in each language."""
    return by_reading(lambda language: say(*min(
        free, key=lambda place: (place[0], place[1].text(language), place[2].text(language)))))


def _dates(row: SessionPhase) -> list[dt.date]:
    return [row.start + dt.timedelta(days=offset) for offset in range(row.days)]


def day_ranges(days: Iterable[dt.date]) -> str:
    """Days as runs: `10-08…10-24, 11-02`."""
    ordered = sorted(set(days))
    runs: list[list[dt.date]] = []
    for day in ordered:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(f"{run[0]:%m-%d}" + (f"…{run[-1]:%m-%d}" if len(run) > 1 else "")
                     for run in runs)
