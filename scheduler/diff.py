"""What changed between an earlier plan and a new one, and why: session by session (the
summary of a re-plan) and project by project (the comparison of scenarios).

Session-phases are matched by project, session number and phase, as `scheduler.replan` counts
them. The reason given for a change is the first rule the earlier session-phase breaks in the
new instance (its trainer is away, its venue closed, its dates no longer allowed …); a change
to a session that breaks nothing is a knock-on of the others (or, without other changes, an
improvement of the plan).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from models import Instance, SessionPhase, Solution
from models.cell_text import csv_table
from models.classes import qualified_trainers, usable_venues
from models.solution import write_text_atomically
from scheduler.calendar import YearCalendar
from scheduler.messages import phrase, term
from scheduler.sessions import as_named

KNOCK_ON = "knock-on: makes room for the changes above"
IMPROVEMENT = "improves the plan"
CALENDAR_REASONS = {
    "public holidays": "its dates include a public holiday now",
    "blackouts": "its dates fall in a blackout now",
    "months": "its dates are outside the project's months now",
    "weekdays": "its dates include a weekend day now",
    "holiday": "its dates break the project's school-holiday rule now",
}


@dataclass(frozen=True)
class SessionChange:
    """One session-phase that is not as it was: `kinds` among dates, venue, trainers,
    cancelled, new; `before`/`after` its rows (None when it did not / does not exist)."""

    project: str
    session: int
    phase: int
    kinds: tuple[str, ...]
    before: SessionPhase | None
    after: SessionPhase | None
    reason: str


def session_changes(instance: Instance, baseline: Solution, solution: Solution,
                    lang: str = "en") -> list[SessionChange]:
    """Every session-phase of the new plan that differs from the baseline, in date order of
    the baseline (new sessions last); causes first, knock-on effects after; the reasons in
    English ("en") or Chinese ("zh")."""
    calendar = YearCalendar(instance)
    before_rows = {_key(row): row for row in baseline.sessions}
    after_rows = {_key(row): row for row in solution.sessions}
    changes = []
    for key, before in sorted(before_rows.items(), key=lambda item: item[1].start):
        after = after_rows.get(key)
        kinds = _kinds(before, after)
        if kinds:
            changes.append(SessionChange(*key, kinds, before, after,
                                         broken_rule(instance, calendar, before, lang=lang)
                                         or ""))
    for key, after in sorted(after_rows.items(), key=lambda item: item[1].start):
        if key not in before_rows:
            changes.append(SessionChange(*key, ("new",), None, after,
                                         term("a session the earlier plan did not have", lang)))
    caused = any(change.reason for change in changes)
    fallback = term(KNOCK_ON if caused else IMPROVEMENT, lang)
    return sorted((change if change.reason else replace(change, reason=fallback)
                   for change in changes), key=lambda change: change.reason == fallback)


def describe(instance: Instance, row: SessionPhase | None) -> str:
    """A session-phase in one line, as the planner names things: dates, venue, trainers."""
    if row is None:
        return "—"
    venues = {venue.id: venue.name for venue in instance.venues}
    trainers = {trainer.id: trainer.name for trainer in instance.trainers}
    parts = [f"{row.start}–{row.end}" if row.end != row.start else f"{row.start}"]
    if row.venue:
        parts.append(venues.get(row.venue, row.venue))
    if row.trainers:
        parts.append("、".join(trainers.get(trainer, trainer) for trainer in row.trainers))
    return " · ".join(parts)


@dataclass(frozen=True)
class ProjectChange:
    """How one project differs between two plans: months, venues and trainers, each as
    (before, after) when it changed."""

    project: str
    months: tuple[str, str] | None
    venues: tuple[str, str] | None
    trainers: tuple[str, str] | None


def project_changes(base: Solution, other: Solution, names: Mapping[str, str] | None = None,
                    lang: str = "en") -> dict[str, ProjectChange]:
    """The projects whose months, venues or trainers differ between the two plans (a dropped
    project has none of them: "dropped", in `lang`; one its instance does not have: "—");
    venues and trainers by their `names`, keyed "venue:<id>" and "trainer:<id>" (by id where
    missing)."""
    before, after = _summaries(base, names or {}), _summaries(other, names or {})
    changes = {}
    for project in sorted(set(before) | set(after)):
        old = before.get(project) or _absent(project, base, lang)
        new = after.get(project) or _absent(project, other, lang)
        fields = [(old[index], new[index]) if old[index] != new[index] else None
                  for index in range(3)]
        if any(fields):
            changes[project] = ProjectChange(project, *fields)
    return changes


def _absent(project: str, solution: Solution, lang: str) -> tuple[str, str, str]:
    """A project without sessions: dropped, or not in that plan's instance at all."""
    return (term("dropped", lang),) * 3 if project in solution.dropped else ("—",) * 3


def _summaries(solution: Solution,
               names: Mapping[str, str]) -> dict[str, tuple[str, str, str]]:
    months: dict[str, set[int]] = defaultdict(set)
    venues: dict[str, set[str]] = defaultdict(set)
    trainers: dict[str, set[str]] = defaultdict(set)
    for row in solution.sessions:
        day = row.start
        while day <= row.end:
            months[row.project].add(day.month)
            day += dt.timedelta(days=1)
        if row.venue:
            venues[row.project].add(row.venue)
        trainers[row.project].update(row.trainers)
    return {project: ("、".join(f"{month}月" for month in sorted(months[project])),
                      "、".join(names.get(f"venue:{venue}", venue)
                               for venue in sorted(venues[project])) or "—",
                      "、".join(names.get(f"trainer:{trainer}", trainer)
                               for trainer in sorted(trainers[project])) or "—")
            for project in months}


def _kinds(before: SessionPhase, after: SessionPhase | None) -> tuple[str, ...]:
    if after is None:
        return ("cancelled",)
    kinds = []
    if (after.start, after.end) != (before.start, before.end):
        kinds.append("dates")
    if after.venue != before.venue:
        kinds.append("venue")
    if set(after.trainers) != set(before.trainers):
        kinds.append("trainers")
    return tuple(kinds)


def broken_rule(instance: Instance, calendar: YearCalendar, row: SessionPhase,
                dated: bool = True, lang: str = "en") -> str | None:
    """The first rule of the new instance the earlier session-phase breaks, in a planner's
    words in English ("en") or Chinese ("zh"); None if it breaks none on its own. Not `dated`:
    its dates may change, so only the rules that hold on any dates are checked."""
    project = next((p for p in instance.projects if p.id == row.project), None)
    if project is None:
        return phrase(WORDS["project removed"], project=row.project).text(lang)
    days = set(_dates(row)) if dated else set()
    for trainer_id in row.trainers:
        trainer = next((t for t in instance.trainers if t.id == trainer_id), None)
        if trainer is None:
            return phrase(WORDS["trainer removed"], trainer=trainer_id).text(lang)
        away = [r for r in trainer.unavailable if days & set(r.days())]
        if away:
            return phrase(WORDS["trainer away"], trainer=as_named(trainer), start=away[0].start,
                          end=away[0].end).text(lang)
        if trainer.available is not None and not days <= {
                day for r in trainer.available for day in r.days()}:
            return phrase(WORDS["trainer not free"], trainer=as_named(trainer)).text(lang)
        if trainer not in qualified_trainers(instance, project):
            return phrase(WORDS["trainer topics"], trainer=as_named(trainer)).text(lang)
    if row.venue is not None:
        venue = next((v for v in instance.venues if v.id == row.venue), None)
        if venue is None:
            return phrase(WORDS["venue removed"], venue=row.venue).text(lang)
        closed = [r for r in venue.unavailable if days & set(r.days())]
        if closed:
            return phrase(WORDS["venue closed"], venue=as_named(venue), start=closed[0].start,
                          end=closed[0].end).text(lang)
        if venue not in usable_venues(instance, project) or venue.capacity < row.size:
            return phrase(WORDS["venue cannot host"], venue=as_named(venue)).text(lang)
    if not dated:
        return None
    start = calendar.day(row.start)
    if start < 0 or start >= calendar.length or row.days != project.days:
        return phrase(WORDS["days"], project=as_named(project), days=project.days).text(lang)
    for rule, allowed in calendar.start_rules(project).items():
        if start >= len(allowed) or not allowed[start]:
            return term(CALENDAR_REASONS[rule], lang)
    return None


WORDS: dict[str, tuple[str, str]] = {
    "project removed": ("project {project} was removed", "项目 {project} 已被删除"),
    "trainer removed": ("trainer {trainer} was removed", "专家 {trainer} 已被删除"),
    "trainer away": ("trainer {trainer} is away {start}–{end}", "专家{trainer} {start}–{end} 不在"),
    "trainer not free": ("trainer {trainer} is not available on those days",
                         "专家{trainer}在这些日子没空"),
    "trainer topics": ("trainer {trainer} no longer teaches its topics",
                       "专家{trainer}不再教该项目的主题"),
    "venue removed": ("venue {venue} was removed", "场地 {venue} 已被删除"),
    "venue closed": ("venue {venue} is closed {start}–{end}", "场地{venue} {start}–{end} 不开放"),
    "venue cannot host": ("venue {venue} can no longer host it", "场地{venue}已不能承办该班"),
    "days": ("project {project} now lasts {days} days", "项目{project}现在要 {days} 天"),
}
"""The reasons `broken_rule` gives, in English and Chinese (the calendar's: `CALENDAR_REASONS`,
said in Chinese by `scheduler.messages.term`)."""


def _dates(row: SessionPhase) -> list[dt.date]:
    return [row.start + dt.timedelta(days=offset) for offset in range(row.days)]


def _key(row: SessionPhase) -> tuple[str, int, int]:
    return (row.project, row.session, row.phase)


CHANGE_COLUMNS = ["project", "name", "session", "phase", "change", "before", "after", "why"]


def changes_table(instance: Instance, changes: list[SessionChange],
                  lang: str = "en") -> pd.DataFrame:
    """The changes as a table (changes.csv): one row per session-phase, the headers and kinds
    in `lang` (the reasons as `session_changes` said them)."""
    names = {project.id: project.name for project in instance.projects}
    return pd.DataFrame(
        [[change.project, names.get(change.project, ""), change.session, change.phase,
          ", ".join(term(kind, lang) for kind in change.kinds),
          describe(instance, change.before), describe(instance, change.after),
          change.reason] for change in changes],
        columns=[term(column, lang) for column in CHANGE_COLUMNS])


def write_changes(instance: Instance, changes: list[SessionChange], out_dir: Path,
                  lang: str = "en") -> Path:
    """`changes.csv` in `out_dir`: `changes_table`, UTF-8 with a byte-order mark so that Excel
    reads the Chinese, written whole or not at all; formula-like text guarded
    (`models.cell_text`)."""
    path = out_dir / "changes.csv"
    write_text_atomically(path, "\ufeff" + csv_table(changes_table(instance, changes, lang))
                          .to_csv(index=False))
    return path
