"""The first rule of a new instance that a session-phase of an earlier plan breaks.

Said where a re-plan's change is explained (`scheduler.core.diff`) and where a held or pinned class
can no longer be kept (`scheduler.model.replanning`). Without pandas, so that the model can
use it without loading the tables.
"""

from __future__ import annotations

import datetime as dt

from models import Instance, SessionPhase
from models.classes import qualified_trainers, usable_venues
from models.phrase import Phrase, phrase
from scheduler.core.calendar import YearCalendar
from scheduler.core.sessions import as_named


def broken_reason(instance: Instance, calendar: YearCalendar, row: SessionPhase,
                  dated: bool = True) -> Phrase | None:
    """The first rule of the new instance the earlier session-phase breaks, in a planner's
    words; None if it breaks none on its own. Not `dated`: its dates may change, so only the
    rules that hold on any dates are checked."""
    project = next((p for p in instance.projects if p.id == row.project), None)
    if project is None:
        return phrase(WORDS["project removed"], project=row.project)
    days = set(_dates(row)) if dated else set()
    for trainer_id in row.trainers:
        trainer = next((t for t in instance.trainers if t.id == trainer_id), None)
        if trainer is None:
            return phrase(WORDS["trainer removed"], trainer=trainer_id)
        away = [r for r in trainer.unavailable if days & set(r.days())]
        if away:
            return phrase(WORDS["trainer away"], trainer=as_named(trainer), start=away[0].start,
                          end=away[0].end)
        if trainer.available is not None and not days <= {
                day for r in trainer.available for day in r.days()}:
            return phrase(WORDS["trainer not free"], trainer=as_named(trainer))
        if trainer not in qualified_trainers(instance, project):
            return phrase(WORDS["trainer topics"], trainer=as_named(trainer))
    if row.venue is not None:
        venue = next((v for v in instance.venues if v.id == row.venue), None)
        if venue is None:
            return phrase(WORDS["venue removed"], venue=row.venue)
        closed = [r for r in venue.unavailable if days & set(r.days())]
        if closed:
            return phrase(WORDS["venue closed"], venue=as_named(venue), start=closed[0].start,
                          end=closed[0].end)
        if venue not in usable_venues(instance, project) or venue.capacity < row.size:
            return phrase(WORDS["venue cannot host"], venue=as_named(venue))
    if not dated:
        return None
    start = calendar.day(row.start)
    if start < 0 or start >= calendar.length or row.days != project.days:
        return phrase(WORDS["days"], project=as_named(project), days=project.days)
    for rule, allowed in calendar.start_rules(project).items():
        if start >= len(allowed) or not allowed[start]:
            return phrase(WORDS[rule])
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
    # The calendar's rules, by the names `YearCalendar.start_rules` gives them.
    "public holidays": ("its dates include a public holiday now", "日期现在包含法定节假日"),
    "blackouts": ("its dates fall in a blackout now", "日期现在落在禁排日期内"),
    "months": ("its dates are outside the project's months now", "日期现在不在项目的月份内"),
    "weekdays": ("its dates include a weekend day now", "日期现在包含周末"),
    "holiday": ("its dates break the project's school-holiday rule now",
                "日期现在不符合项目的假期规则"),
}
"""The rules a kept session-phase may break, in English and Chinese."""


def _dates(row: SessionPhase) -> list[dt.date]:
    return [row.start + dt.timedelta(days=offset) for offset in range(row.days)]
