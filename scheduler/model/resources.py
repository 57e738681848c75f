"""The constraint families of venues and trainers: each session-phase's choice of them, one
session a day each, their unavailable days and a trainer's `max_days`.

The venue and trainer choices are optional copies of a session-phase's interval, present when
chosen, in one no-overlap per venue and per trainer; how an owner's unavailable days enter it
is the rule switches' (`scheduler.model.relaxable`): as busy intervals in the normal model, as
start domains under a group's literal in explain mode.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.core.rules import Rule
from scheduler.model.variables import IntVar, PhaseVars

if TYPE_CHECKING:
    from scheduler.model.build import TrainingModel

Choices = Callable[[PhaseVars], dict[str, IntVar]]
"""A session-phase's venue or trainer choices."""


def venue_choice(built: TrainingModel) -> None:
    """An offline or blended session-phase takes exactly one usable venue that holds its
    seats (a `to_area` class, one in its own area); no venue for online and off-site
    ones."""
    model = built.model
    for variables, session, phase in built.tasks():
        if not variables.project.mode.uses_venue:
            continue
        task = f"{variables.project.id}#{session.session}.{phase.phase}"
        for venue in variables.split.venues_of(session.session):
            chosen = model.new_bool_var(f"venue[{task},{venue.id}]")
            phase.venues[venue.id] = chosen
            if venue.capacity < variables.split.max_size:
                model.add(session.size <= venue.capacity).only_enforce_if(chosen)
        model.add_exactly_one([*phase.venues.values(), ~variables.scheduled])


def venue_one_session_a_day(built: TrainingModel) -> None:
    """A venue hosts at most one session a day, and none on its unavailable days."""
    uses = _uses(built, lambda phase: phase.venues, Rule.VENUE_ONE_SESSION_A_DAY)
    for venue in built.instance.venues:
        built.switches.one_at_a_time(built, "venue", venue.id, None, venue.unavailable,
                                     Rule.VENUE_UNAVAILABLE, lambda phase: phase.venues,
                                     uses.get(venue.id, []))


def trainer_choice_and_topics(built: TrainingModel) -> None:
    """Each session-phase has `trainers_per_session` distinct trainers, each sharing a topic
    with the project, who together cover every topic of the project."""
    model = built.model
    for variables, session, phase in built.tasks():
        project = variables.project
        if project.trainer_count == 0:
            continue
        task = f"{project.id}#{session.session}.{phase.phase}"
        for trainer in variables.split.trainers:
            phase.trainers[trainer.id] = model.new_bool_var(
                f"trainer[{task},{trainer.id}]"
            )
        model.add(
            sum(phase.trainers.values()) == project.trainer_count * variables.scheduled
        )
        for topic in project.topics:
            model.add(
                sum(chosen for trainer_id, chosen in phase.trainers.items()
                    if topic in built.trainer(trainer_id).topics) >= variables.scheduled
            )


def trainer_one_session_a_day(built: TrainingModel) -> None:
    """A trainer teaches at most one session a day, only inside `available` (if given) and
    outside `unavailable`."""
    uses = _uses(built, lambda phase: phase.trainers, Rule.TRAINER_ONE_SESSION_A_DAY)
    for trainer in built.instance.trainers:
        built.switches.one_at_a_time(built, "trainer", trainer.id, trainer.available,
                                     trainer.unavailable, Rule.TRAINER_UNAVAILABLE,
                                     lambda phase: phase.trainers, uses.get(trainer.id, []))


def trainer_max_days(built: TrainingModel) -> None:
    """A trainer teaches at most `max_days` days in the year (less the fixed ones' days)."""
    for trainer in built.instance.trainers:
        load = [
            (variables.project.days, phase.trainers[trainer.id])
            for variables, _, phase in built.tasks()
            if trainer.id in phase.trainers
        ]
        left = trainer.max_days - sum(
            task.days for task in built.fixed.of("trainer", trainer.id))
        if sum(days for days, _ in load) > left:
            built.model.add(
                sum(days * chosen for days, chosen in load) <= left
            ).only_enforce_if(built.guard(Rule.TRAINER_MAX_DAYS, (trainer.id,)))


def _uses(built: TrainingModel, choices: Choices,
          rule: Rule) -> dict[str, list[cp_model.IntervalVar]]:
    """For each venue or trainer id, an optional copy of every session-phase interval that
    may use it, present when chosen. A no-overlap cannot be switched off by a literal, so in
    explain mode a copy is present when chosen and the owner's one-a-day group is on."""
    model = built.model
    uses: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    tasks = [(variables, phase, owner, chosen) for variables, _, phase in built.tasks()
             for owner, chosen in choices(phase).items()]
    shared = {owner for owner, count in
              Counter(owner for _, _, owner, _ in tasks).items() if count > 1}
    for variables, phase, owner, chosen in tasks:
        present = chosen
        guard = built.guard(rule, (owner,)) if owner in shared else []
        if guard:
            present = model.new_bool_var(f"{phase.interval.name}@{owner} present")
            model.add_bool_and([chosen, guard[0]]).only_enforce_if(present)
            model.add_bool_or([~chosen, ~guard[0], present])
        uses[owner].append(model.new_optional_fixed_size_interval_var(
            phase.start, variables.project.days, present,
            f"{phase.interval.name}@{owner}"))
    return uses


def busy_intervals(built: TrainingModel, owner: str, free_dates: set[dt.date] | None,
                   busy_dates: set[dt.date]) -> list[cp_model.IntervalVar]:
    """The days a venue or trainer cannot take a session, as fixed intervals."""
    return [
        built.model.new_fixed_size_interval_var(first, end - first, f"{owner} busy[{first}]")
        for first, end in built.calendar.blocked_runs(free_dates, busy_dates)
    ]


def no_overlap(model: cp_model.CpModel, intervals: list[cp_model.IntervalVar]) -> None:
    if len(intervals) > 1:
        model.add_no_overlap(intervals)
