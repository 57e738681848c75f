"""How a project is split into sessions (classes), and the reasons a project cannot run at all.

These reasons need no search: they follow from the data and the calendar alone, so the solver
never sees such a project (a droppable one is dropped, a mandatory one makes the plan infeasible).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from models.instance import Instance, Project, Trainer, Venue
from scheduler.calendar import YearCalendar


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
    """The project's sessions as SPEC section 2 defines them, or why it cannot be scheduled."""
    headcount = instance.headcount(project)
    venues = usable_venues(instance, project)
    if project.mode.uses_venue:
        if not venues:
            return _no_venue_reason(project)
        max_size = max(venue.capacity for venue in venues)
        if project.max_session_size is not None:
            max_size = min(max_size, project.max_session_size)
    else:
        max_size = project.max_session_size or headcount
    count = project.sessions or math.ceil(headcount / max_size)
    if count * max_size < headcount:
        return (
            f"{count} sessions of at most {max_size} seats cannot seat its {headcount} trainees"
        )

    trainers = qualified_trainers(instance, project)
    if project.trainer_count:
        untaught = [topic for topic in project.topics
                    if not any(topic in trainer.topics for trainer in trainers)]
        if untaught:
            return f"no trainer teaches {'、'.join(untaught)}"
        if len(trainers) < project.trainer_count:
            return (
                f"it needs {project.trainer_count} trainers per session but only "
                f"{len(trainers)} teach its topics"
            )

    start_days = calendar.start_days(project)
    if not start_days:
        return (
            f"no {project.days}-day stretch in its months avoids public holidays, weekends, "
            f"blackouts and its holiday rule ({project.holiday.value})"
        )
    if not _phases_fit(start_days, project):
        return (
            f"its {project.phases} phases of {project.days} days, {project.min_gap_days} days "
            f"apart, do not fit in its allowed days"
        )
    return SessionSplit(project, headcount, count, max_size, venues, trainers, start_days)


def _no_venue_reason(project: Project) -> str:
    needs = []
    if project.venue_features:
        needs.append(f"the features {'、'.join(project.venue_features)}")
    if project.venue_rural == "required":
        needs.append("a rural town")
    return "no venue has " + " and ".join(needs) if needs else "there are no venues"


def _phases_fit(start_days: list[int], project: Project) -> bool:
    """Earliest placement of each phase after the previous one: exact for a single chain."""
    earliest = start_days[0]
    for _ in range(project.phases):
        start = next((day for day in start_days if day >= earliest), None)
        if start is None:
            return False
        earliest = start + project.days + project.min_gap_days
    return True
