"""Planning afresh (`FreshPlan`) or re-planning against an earlier plan (`Replanning`,
`scheduler.core.replan`): what the model keeps of the baseline and what it charges for changes.

A fresh plan's classes of one project are interchangeable, so the model numbers them by date.
A re-plan keeps each class's number from the baseline, keeps its held and pinned sessions as a
constraint family of its own (`kept_from_baseline`) and adds the stability terms to the
objective; a held or pinned session the new instance no longer allows makes the request wrong
(`check_kept`, an `InputError` naming each, for the caller to say in its reader's language).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from models.parse import InputError
from models.solution import SessionPhase
from scheduler.core.broken import broken_reason
from scheduler.core.replan import PIN_PARTS, STABILITY_KPIS, WHOLE, PhaseKey, Replan, phase_key
from scheduler.core.sessions import Finding, as_named, check_project
from scheduler.messages import Joined, Phrase, phrase
from scheduler.model.variables import LinearExpr

if TYPE_CHECKING:
    from scheduler.model.build import TrainingModel

CANNOT_KEEP = ("{project} 第{session}班 phase {phase} ({start}–{end}) {how}, but {reason}",
               "{project} 第{session}班 第{phase}阶段（{start}–{end}）{how}，但{reason}")
HELD = ("was held before {today}", "在 {today} 之前已举办")
PINNED = ("is pinned", "已固定")
PINNED_PARTS = ("has its {parts} pinned", "固定了{parts}")
PART_NAMES = {"date": ("date", "日期"), "venue": ("venue", "场地"),
              "trainers": ("trainers", "专家"), "seats": ("seats", "名额")}
"""The parts of a class a pin keeps."""
NO_PROJECT = ("the instance no longer has that project", "数据中已没有这个项目")
CANNOT_RUN = ("the project cannot run any more: {reason}", "这个项目已无法安排：{reason}")
FEWER_CLASSES = ("{project} now has {count} classes of {phases} phase(s)",
                 "{project}现在有 {count} 个班，每班 {phases} 个阶段")
DATES = ("its dates are no longer allowed (days, months, holidays or blackouts changed)",
         "它的日期已不再允许（天数、月份、假期或禁排日期有变）")
VENUE_LOST = ("venue {venue} can no longer host it", "场地 {venue} 已不能承办它")
TRAINERS_LOST = ("its trainers {trainers} no longer fit the project",
                 "它的专家 {trainers} 已不适合这个项目")
TOWNS_LOST = ("it seats teachers of towns the project no longer draws from",
              "它的学员来自项目已不再招收的乡镇")


class FreshPlan:
    """Planning afresh: nothing kept, nothing charged for a change."""

    classes_by_date = True
    """A project's classes are interchangeable: the model orders them by their first day."""

    def kept_from_baseline(self, built: TrainingModel) -> None:
        """Nothing to keep."""

    def stability_terms(self, built: TrainingModel) -> dict[str, LinearExpr]:
        return {}


class Replanning:
    """Re-planning against `replan.baseline`: a class keeps its number from the baseline."""

    classes_by_date = False

    def __init__(self, replan: Replan) -> None:
        self.replan = replan

    def kept_from_baseline(self, built: TrainingModel) -> None:
        """A held or pinned session-phase keeps its dates, venue and trainers, and its session
        its seats (so its project runs); a session pinned by part keeps those parts only;
        every other session-phase starts on or after `today`. A held or pinned session the
        instance no longer allows makes the request wrong: `InputError`, naming each."""
        replan, model, calendar = self.replan, built.model, built.calendar
        kept = replan.kept()
        check_kept(built, replan, kept)
        today = calendar.day(replan.today) if replan.today is not None else None
        for variables in built.projects.values():
            project, scheduled = variables.project, variables.scheduled
            for session in variables.sessions:
                for phase in session.phases:
                    row, parts = kept.get((project.id, session.session, phase.phase),
                                          (None, frozenset()))
                    if row is None:
                        if today is not None:
                            model.add(phase.start >= today).only_enforce_if(scheduled)
                        continue
                    model.add(scheduled == 1)
                    if "seats" in parts:
                        for town, count in session.seats.items():
                            model.add(count == row.seats.get(town, 0))
                    if "date" in parts:
                        model.add(phase.start == calendar.day(row.start))
                    if "venue" in parts and row.venue is not None:
                        model.add(phase.venues[row.venue] == 1)
                    if "trainers" in parts:
                        for trainer in row.trainers:
                            model.add(phase.trainers[trainer] == 1)

    def stability_terms(self, built: TrainingModel) -> dict[str, LinearExpr]:
        """The stability KPIs (`scheduler.core.replan`) as expressions, per session-phase of the
        baseline: `moved` unless it keeps its dates (or when it can have no counterpart),
        `venue_changed` and `trainer_changed` when held elsewhere or by others."""
        model = built.model
        baseline = {phase_key(row): row for row in self.replan.baseline.sessions}
        terms: dict[str, list[LinearExpr]] = {name: [] for name in STABILITY_KPIS}
        matched: set[PhaseKey] = set()
        for variables, session, phase in built.tasks():
            project, scheduled = variables.project, variables.scheduled
            key = (project.id, session.session, phase.phase)
            before = baseline.get(key)
            if before is None:
                continue
            matched.add(key)
            if before.days == project.days:
                kept = model.new_bool_var(f"kept dates[{project.id}#{key[1]}.{key[2]}]")
                model.add(phase.start == built.calendar.day(before.start)).only_enforce_if(kept)
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


def check_kept(built: TrainingModel, replan: Replan,
               kept: dict[PhaseKey, tuple[SessionPhase, frozenset[str]]]) -> None:
    """Every held or pinned session must still be possible in the new instance; otherwise
    the request itself is wrong (exit 2), named session by session and part by part."""
    problems = []
    for (project_id, session, phase), (row, parts) in sorted(kept.items()):
        reason = _cannot_keep(built, row, parts)
        if reason is None:
            continue
        how: Phrase
        if replan.held(row):
            how = phrase(HELD, today=replan.today)
        elif parts == WHOLE:
            how = phrase(PINNED)
        else:
            how = phrase(PINNED_PARTS, parts=Joined(tuple(
                phrase(PART_NAMES[part]) for part in PIN_PARTS if part in parts)))
        problems.append(phrase(CANNOT_KEEP, project=project_id, session=session, phase=phase,
                               start=row.start, end=row.end, how=how,
                               reason=reason))
    if problems:
        raise InputError(problems)


def _cannot_keep(built: TrainingModel, row: SessionPhase,
                 parts: frozenset[str]) -> Phrase | None:
    """Why the model cannot keep these parts of a held or pinned session-phase as they
    were, or None."""
    instance = built.instance
    if not any(project.id == row.project for project in instance.projects):
        return phrase(NO_PROJECT)
    if row.project in built.unschedulable:
        checked = check_project(instance, instance.project(row.project), built.calendar)
        assert isinstance(checked, Finding)  # what made it unschedulable
        return phrase(CANNOT_RUN, reason=checked.why)
    variables = built.projects[row.project]
    project, split = variables.project, variables.split
    if row.session > split.count or row.phase > project.phases:
        return phrase(FEWER_CLASSES, project=as_named(project), count=split.count,
                      phases=project.phases)
    dated = "date" in parts
    if dated and (row.days != project.days
                  or built.calendar.day(row.start) not in split.start_days):
        return phrase(DATES)
    phase = variables.sessions[row.session - 1].phases[row.phase - 1]
    if "venue" in parts and row.venue is not None and row.venue not in phase.venues:
        return phrase(VENUE_LOST, venue=row.venue)
    if "trainers" in parts and (set(row.trainers) - set(phase.trainers)
                                or len(row.trainers) != project.trainer_count):
        return phrase(TRAINERS_LOST, trainers=Joined(tuple(row.trainers)))
    if "seats" in parts and set(row.seats) - set(variables.sessions[0].seats):
        return phrase(TOWNS_LOST)
    kept_part = row.model_copy(update={
        "venue": row.venue if "venue" in parts else None,
        "trainers": row.trainers if "trainers" in parts else []})
    return broken_reason(instance, built.calendar, kept_part, dated=dated)
