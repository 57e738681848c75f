"""Re-planning against an earlier plan (the baseline) without upheaval.

A session-phase of the baseline is matched with the session-phase of the same project, session
number and phase in the new plan (re-planned sessions keep their numbers, so 第2班 stays 第2班).
Three stability KPIs count what changed, per session-phase of the baseline:

- `moved`: it is held on other dates, or not at all (its project dropped, or fewer classes);
- `venue_changed`: it is still held, in another venue (or with a venue where it had none);
- `trainer_changed`: it is still held, and this many of its trainers were replaced.

Sessions that began before `today` were held: each of their phases before `today` keeps its
dates, venue and trainers, and the session keeps its seats; every other phase starts on or after
`today`. A pinned session keeps everything it had in the baseline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from models import InputError, Instance, SessionPhase, Solution
from models.solution import ReplanRecord
from scheduler.diff import broken_rule
from scheduler.sessions import named

if TYPE_CHECKING:
    from scheduler.model import TrainingModel

STABILITY_KPIS = ("moved", "venue_changed", "trainer_changed")
PhaseKey = tuple[str, int, int]
"""(project id, session number, phase)."""


@dataclass(frozen=True)
class Replan:
    """The baseline plan, the first day still open to change (None: every day), and the
    pinned sessions as (project id, session number); `source` names the baseline's file."""

    baseline: Solution
    today: dt.date | None = None
    pins: frozenset[tuple[str, int]] = frozenset()
    source: str = "baseline"
    warm_start: bool = True
    """Give the baseline to the search as its hint (off only to measure what it is worth)."""

    def held(self, row: SessionPhase) -> bool:
        return self.today is not None and row.start < self.today

    def fixed_rows(self) -> dict[PhaseKey, SessionPhase]:
        """The baseline rows that must stay exactly as they are: held or pinned."""
        return {_key(row): row for row in self.baseline.sessions
                if self.held(row) or (row.project, row.session) in self.pins}

    def record(self) -> ReplanRecord:
        return ReplanRecord(baseline=self.source, today=self.today,
                            pinned=[f"{project}#{session}" for project, session
                                    in sorted(self.pins)])


def parse_pins(texts: Iterable[str], baseline: Solution) -> frozenset[tuple[str, int]]:
    """`p03#2` pins session 2 of project p03, `p03` every session of it; each must be a
    session of the baseline. Raises `InputError` naming every pin that is not."""
    sessions = {(row.project, row.session) for row in baseline.sessions}
    pins: set[tuple[str, int]] = set()
    problems = []
    for text in texts:
        project, _, number = text.partition("#")
        of_project = sorted(session for pid, session in sessions if pid == project)
        if not of_project:
            problems.append(f"--pin {text}: the baseline has no session of project {project!r}")
        elif not number:
            pins.update((project, session) for session in of_project)
        elif not number.isdigit() or int(number) not in of_project:
            problems.append(f"--pin {text}: the baseline has sessions "
                            f"{', '.join(map(str, of_project))} of {project}, not {number!r}")
        else:
            pins.add((project, int(number)))
    if problems:
        raise InputError(problems)
    return frozenset(pins)


def stability_kpis(baseline_rows: Iterable[SessionPhase],
                   rows: Iterable[SessionPhase]) -> dict[str, int]:
    """The three stability KPIs of `rows` against the baseline's rows."""
    now = {_key(row): row for row in rows}
    kpis = dict.fromkeys(STABILITY_KPIS, 0)
    for before in baseline_rows:
        after = now.get(_key(before))
        if after is None or (after.start, after.end) != (before.start, before.end):
            kpis["moved"] += 1
        if after is not None:
            kpis["venue_changed"] += after.venue != before.venue
            kpis["trainer_changed"] += len(set(before.trainers) - set(after.trainers))
    return kpis


def add_replan(built: TrainingModel, replan: Replan) -> dict[str, cp_model.LinearExprT]:
    """Keep the held and pinned sessions, start everything else from `today`, and return the
    stability terms as linear expressions (name → expression)."""
    _check_fixed_rows(built, replan)
    model, calendar = built.model, built.calendar
    baseline = {_key(row): row for row in replan.baseline.sessions}
    fixed = replan.fixed_rows()
    fixed_sessions = {(project, session) for project, session, _ in fixed}
    today = calendar.day(replan.today) if replan.today is not None else None
    terms: dict[str, list[cp_model.LinearExprT]] = {name: [] for name in STABILITY_KPIS}
    matched: set[PhaseKey] = set()

    for variables in built.projects.values():
        project, scheduled = variables.project, variables.scheduled
        for session in variables.sessions:
            if (project.id, session.session) in fixed_sessions:
                model.add(scheduled == 1)
                seats = next(row.seats for key, row in fixed.items()
                             if key[:2] == (project.id, session.session))
                for town, count in session.seats.items():
                    model.add(count == seats.get(town, 0))
            for phase in session.phases:
                key = (project.id, session.session, phase.phase)
                if key in fixed:
                    row = fixed[key]
                    model.add(phase.start == calendar.day(row.start))
                    if row.venue is not None:
                        model.add(phase.venues[row.venue] == 1)
                    for trainer in row.trainers:
                        model.add(phase.trainers[trainer] == 1)
                elif today is not None:
                    model.add(phase.start >= today).only_enforce_if(scheduled)
                before = baseline.get(key)
                if before is None:
                    continue
                matched.add(key)
                if before.days == project.days:
                    kept = model.new_bool_var(f"kept dates[{project.id}#{key[1]}.{key[2]}]")
                    model.add(phase.start == calendar.day(before.start)).only_enforce_if(kept)
                    model.add_implication(kept, scheduled)
                    terms["moved"].append(1 - kept)
                else:
                    terms["moved"].append(1)
                if before.venue is not None:
                    terms["venue_changed"].append(scheduled - phase.venues.get(before.venue, 0))
                elif project.mode.uses_venue:
                    terms["venue_changed"].append(scheduled)
                terms["trainer_changed"] += [scheduled - phase.trainers.get(trainer, 0)
                                             for trainer in before.trainers]
    terms["moved"].append(len(set(baseline) - matched))  # no counterpart can exist
    return {name: cp_model.LinearExpr.sum(parts) for name, parts in terms.items()}


def _check_fixed_rows(built: TrainingModel, replan: Replan) -> None:
    """Every held or pinned session must still be possible in the new instance; otherwise the
    request itself is wrong (exit 2), named session by session."""
    problems = []
    for (project_id, session, phase), row in sorted(replan.fixed_rows().items()):
        why = "was held before " + str(replan.today) if replan.held(row) else "is pinned"
        label = f"{project_id} 第{session}班 phase {phase} ({row.start}–{row.end}) {why}"
        reason = _cannot_keep(built, row)
        if reason:
            problems.append(f"{label}, but {reason}")
    if problems:
        raise InputError(problems)


def _cannot_keep(built: TrainingModel, row: SessionPhase) -> str | None:
    instance: Instance = built.instance
    if not any(project.id == row.project for project in instance.projects):
        return "the instance no longer has that project"
    if row.project in built.unschedulable:
        return f"the project cannot run any more: {built.unschedulable[row.project]}"
    variables = built.projects[row.project]
    project, split = variables.project, variables.split
    if row.session > split.count or row.phase > project.phases:
        return f"{named(project)} now has {split.count} classes of {project.phases} phase(s)"
    if row.days != project.days or built.calendar.day(row.start) not in split.start_days:
        return "its dates are no longer allowed (days, months, holidays or blackouts changed)"
    session = variables.sessions[row.session - 1]
    if row.venue is not None and row.venue not in session.phases[row.phase - 1].venues:
        return f"venue {row.venue} can no longer host it"
    unknown = set(row.trainers) - set(session.phases[row.phase - 1].trainers)
    if unknown or len(row.trainers) != project.trainer_count:
        return f"its trainers {', '.join(row.trainers)} no longer fit the project"
    if set(row.seats) - set(session.seats):
        return "it seats teachers of towns the project no longer draws from"
    return broken_rule(instance, built.calendar, row)


def _key(row: SessionPhase) -> PhaseKey:
    return (row.project, row.session, row.phase)
