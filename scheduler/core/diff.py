"""What changed between an earlier plan and a new one, and why: session by session (the
summary of a re-plan) and project by project (the comparison of scenarios).

Session-phases are matched by project, session number and phase, as `scheduler.core.replan` counts
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

from models import Instance, SessionPhase, Solution
from models.phrase import Phrase, phrase
from scheduler.core.broken import broken_reason
from scheduler.core.calendar import YearCalendar


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
    reason: Phrase | None
    """Why it changed; None only while `session_changes` is still finding the reasons."""


def session_changes(instance: Instance, baseline: Solution,
                    solution: Solution) -> list[SessionChange]:
    """Every session-phase of the new plan that differs from the baseline, in date order of
    the baseline (new sessions last), each with its reason; causes first, knock-on effects
    after."""
    calendar = YearCalendar(instance)
    before_rows = {_key(row): row for row in baseline.sessions}
    after_rows = {_key(row): row for row in solution.sessions}
    changes = []
    for key, before in sorted(before_rows.items(), key=lambda item: item[1].start):
        after = after_rows.get(key)
        kinds = _kinds(before, after)
        if kinds:
            changes.append(SessionChange(*key, kinds, before, after,
                                         broken_reason(instance, calendar, before)))
    for key, after in sorted(after_rows.items(), key=lambda item: item[1].start):
        if key not in before_rows:
            changes.append(SessionChange(*key, ("new",), None, after, phrase(WORDS["new"])))
    caused = any(change.reason for change in changes)
    fallback = phrase(WORDS["knock-on" if caused else "improvement"])
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
    months: tuple[Phrase | str, Phrase | str] | None
    venues: tuple[Phrase | str, Phrase | str] | None
    trainers: tuple[Phrase | str, Phrase | str] | None


def project_changes(base: Solution, other: Solution,
                    names: Mapping[str, str] | None = None) -> dict[str, ProjectChange]:
    """The projects whose months, venues or trainers differ between the two plans (a dropped
    project has none of them: `DROPPED`; one its instance does not have: "—");
    venues and trainers by their `names`, keyed "venue:<id>" and "trainer:<id>" (by id where
    missing)."""
    before, after = _summaries(base, names or {}), _summaries(other, names or {})
    changes = {}
    for project in sorted(set(before) | set(after)):
        old = before.get(project) or _absent(project, base)
        new = after.get(project) or _absent(project, other)
        fields = [(old[index], new[index]) if old[index] != new[index] else None
                  for index in range(3)]
        if any(fields):
            changes[project] = ProjectChange(project, *fields)
    return changes


DROPPED = phrase(("dropped", "未安排"))
"""What a project dropped from a plan has instead of months, venues and trainers."""


def _absent(project: str, solution: Solution) -> tuple[Phrase | str, ...]:
    """A project without sessions: dropped, or not in that plan's instance at all."""
    return (DROPPED,) * 3 if project in solution.dropped else ("—",) * 3


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


WORDS: dict[str, tuple[str, str]] = {
    "new": ("a session the earlier plan did not have", "原方案中没有的班"),
    "knock-on": ("knock-on: makes room for the changes above", "连带调整：为上面的变化腾出位置"),
    "improvement": ("improves the plan", "使方案更好"),
}
"""The reasons of the changes that break no rule, in English and Chinese."""


def _key(row: SessionPhase) -> tuple[str, int, int]:
    return (row.project, row.session, row.phase)
