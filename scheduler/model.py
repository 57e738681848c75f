"""The CP-SAT model of docs/format.md, Instance with the objective of section 3.

Time is counted in days from 1 January (see `scheduler.calendar`). Every phase of every session
is a fixed-length interval whose start ranges over the project's allowed start days; venues and
trainers are optional copies of that interval in one no-overlap constraint per venue and per
trainer (at most one session a day), and the term-time absence cap is a cumulative constraint per
town whose demands are the town's seats.

Each constraint family is one method, listed in `TrainingModel._build` with the rules
(`scheduler.rules.Rule`) it enforces; `scheduler.validate` checks the same rules on its own.

In explain mode (`TrainingModel(instance, relaxable=True)`, used by `scheduler.explain`) the
constraints of each rule and entity a planner could change — a project's months, a venue's one
session a day, a trainer's max_days, a town's absence cap … — are switched on by one literal per
group (`groups`), so that CP-SAT can name, among them, a set that cannot hold together.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from ortools.sat.python import cp_model

from models.fields import DateRange
from models.instance import HolidayRule, Instance, Project, Trainer, Venue
from models.parse import InputError
from models.solution import SessionPhase
from scheduler.broken import broken_rule
from scheduler.calendar import YearCalendar, day_runs, range_dates, spread_groups
from scheduler.hours import ShortfallRow, WholeRow, shortfall_rows
from scheduler.messages import Joined, phrase
from scheduler.replan import PIN_PARTS, STABILITY_KPIS, WHOLE, PhaseKey, Replan, phase_key
from scheduler.rules import Rule
from scheduler.sessions import Finding, SessionSplit, as_named, check_project, split_project
from scheduler.teachers import TownShares, town_shares

IntVar = cp_model.IntVar
HoursRow = tuple[ShortfallRow, WholeRow]
LinearExpr = cp_model.LinearExprT

RELAXABLE_RULES = frozenset({
    Rule.MANDATORY_DROPPED, Rule.MONTHS, Rule.HOLIDAY_REQUIRED, Rule.HOLIDAY_FORBIDDEN,
    Rule.PHASE_GAP, Rule.AFTER, Rule.RURAL_QUOTA, Rule.VENUE_UNAVAILABLE,
    Rule.VENUE_ONE_SESSION_A_DAY, Rule.TRAINER_UNAVAILABLE, Rule.TRAINER_ONE_SESSION_A_DAY,
    Rule.TRAINER_MAX_DAYS, Rule.ABSENCE_CAP,
})
"""The rules explain mode switches by a literal per entity: those a planner could change."""


@dataclass
class PhaseVars:
    """One phase of one session: its start day, interval, and the venue and trainer choices."""

    phase: int
    start: IntVar
    interval: cp_model.IntervalVar
    venues: dict[str, IntVar] = field(default_factory=dict)
    trainers: dict[str, IntVar] = field(default_factory=dict)


@dataclass
class SessionVars:
    session: int
    size: IntVar
    seats: dict[str, IntVar]
    phases: list[PhaseVars]


@dataclass
class ProjectVars:
    split: SessionSplit
    scheduled: IntVar
    sessions: list[SessionVars]

    @property
    def project(self) -> Project:
        return self.split.project


@dataclass(frozen=True)
class FixedTask:
    """A session-phase kept where it is in a neighbourhood model (`FixedPart`): what it takes
    of the venues, trainers, towns' absence caps and the balance, as constants."""

    start: int
    days: int
    venue: str | None
    trainers: tuple[str, ...]
    seats: dict[str, int]
    size: int
    away: bool
    project: str = ""


@dataclass
class FixedPart:
    """The projects a neighbourhood model keeps where they are, without variables: for each,
    its first day and the day after its last (None if dropped), for `after`; and its
    session-phases. A model of a few free projects is then small, however large the instance."""

    spans: dict[str, tuple[int, int] | None]
    tasks: list[FixedTask]
    away_headcount: int = 0
    """The teachers the fixed projects that take teachers away seat: the balance's ceiling."""
    seats: dict[str, dict[str, int]] = field(default_factory=dict)
    """Each scheduled fixed project's seats by town over all its sessions: the hours they
    offer (`_hours_term`)."""
    by_owner: dict[tuple[str, str], list[FixedTask]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_owner = defaultdict(list)
        for task in self.tasks:
            owners = [("trainer", trainer) for trainer in task.trainers]
            owners += [("venue", task.venue)] if task.venue is not None else []
            owners += [("town", town) for town in task.seats] if task.away else []
            for owner in owners:
                self.by_owner[owner].append(task)

    def of(self, kind: str, owner: str) -> list[FixedTask]:
        """The fixed session-phases held at a venue, taught by a trainer or, for a town, the
        away ones it sends teachers to."""
        return self.by_owner.get((kind, owner), [])


@dataclass(frozen=True)
class Group:
    """The constraints of one rule for one entity, switched on or off together in explain mode:
    `rule` is one of `RELAXABLE_RULES`, `entities` the ids it is about (a project, venue,
    trainer or town; for `after` the later and the earlier project). `scheduler.explain` says
    it in a planner's words."""

    rule: Rule
    entities: tuple[str, ...]


class TrainingModel:
    """Builds the model; `projects` maps project ids to their variables, `unschedulable` maps
    the ids of projects that cannot run at all to the reason.

    With `relaxable=True` it builds the explain mode instead: only the mandatory projects (an
    optional project can always be dropped, and a dropped project constrains nothing, so the
    plan is feasible exactly when the mandatory ones fit together), no objective, and every
    constraint a planner could relax guarded by its group's literal; `groups` maps each literal's
    index to its `Group`. With every literal true the model has a solution exactly when the
    normal one has a plan. The normal model is built exactly as without explain mode.

    With `fixed` (`scheduler.search.lns`) it builds a neighbourhood: variables only for the projects
    not in it, the fixed ones' session-phases as constants in every constraint they share (not
    with `relaxable` or `replan`). Its objective leaves out the fixed projects' own terms.
    """

    def __init__(self, instance: Instance, calendar: YearCalendar | None = None, *,
                 relaxable: bool = False, replan: Replan | None = None,
                 fixed: FixedPart | None = None,
                 splits: dict[str, SessionSplit | str] | None = None,
                 hours_rows: list[HoursRow] | None = None):
        """`splits`: each project's `split_project`, where already made; `hours_rows`, the
        instance's `hours_rows`, where already made (a neighbourhood takes its whole model's:
        made anew, they took anshan's steps a quarter of a second each)."""
        self.instance = instance
        self._splits = splits or {}
        self.fixed = fixed if fixed is not None else FixedPart({}, [])
        self.replan = replan
        self.calendar = calendar or YearCalendar(instance)
        self.relaxable = relaxable
        self.model = cp_model.CpModel()
        self.projects: dict[str, ProjectVars] = {}
        self.unschedulable: dict[str, str] = {}
        self.groups: dict[int, Group] = {}
        self.rules: set[Rule] = set()
        """The rules whose constraints the model holds: those of each family that added any."""
        self._family_rules: tuple[Rule, ...] = ()
        self._group_literals: dict[tuple[Rule, tuple[str, ...]], IntVar] = {}
        self._start_domains: dict[str, list[int]] = {}
        self.seat_totals: dict[str, dict[str, int]] = {}
        """The seats by town of the projects whose totals are fixed (`_never_away_in_term`): at
        no cost to the optimum, so the relaxation's bound may fix them too."""
        self.hours_rows = hours_rows
        """`hours_short` as the model holds it (`scheduler.hours.shortfall_rows`, each row with
        its whole-number form), made with the objective."""
        self.hours_slack = 0
        """The most the model's objective may exceed the plan's own for the same plan: the
        weight of `hours` for each row of `hours_short` the model rounds up to a whole number
        (`_hours_term`); 0 where it holds the objective exactly."""
        self._venues_by_id = {venue.id: venue for venue in instance.venues}
        self._trainers_by_id = {trainer.id: trainer for trainer in instance.trainers}
        self._build()

    def _build(self) -> None:
        # The constraint families, each with the rules it enforces. The sessions come first,
        # as every family constrains their variables, and the kept sessions of a re-plan after
        # the venue and trainer choices they fix; the order otherwise only groups the model dump.
        families: tuple[tuple[Callable[[], None], tuple[Rule, ...]], ...] = (
            (self._sessions_and_start_days,
             (Rule.SESSION_COUNT, Rule.SESSION_LENGTH, Rule.YEAR, Rule.PUBLIC_HOLIDAY,
              Rule.WEEKEND, Rule.MONTHS, Rule.HOLIDAY_REQUIRED, Rule.HOLIDAY_FORBIDDEN,
              Rule.BLACKOUT, Rule.SEATS_TOWN, Rule.SEATS_NEGATIVE, Rule.SEATS_PHASES,
              Rule.SEATS_AUDIENCE)),
            (self._calendar_rules, (Rule.MONTHS, Rule.HOLIDAY_REQUIRED, Rule.HOLIDAY_FORBIDDEN)),
            (self._mandatory_projects, (Rule.MANDATORY_DROPPED,)),
            (self._session_sizes_and_seats, (Rule.SESSION_SIZE, Rule.HEADCOUNT, Rule.SEATS_POOL)),
            (self._sessions_in_date_order, ()),
            (self._rural_quota, (Rule.RURAL_QUOTA,)),
            (self._phase_order, (Rule.PHASE_GAP,)),
            (self._spread, (Rule.SPREAD,)),
            (self._venue_choice,
             (Rule.VENUE_MODE, Rule.VENUE_CAPACITY, Rule.VENUE_FEATURES, Rule.VENUE_RURAL,
              Rule.TO_AREA)),
            (self._venue_one_session_a_day,
             (Rule.VENUE_ONE_SESSION_A_DAY, Rule.VENUE_UNAVAILABLE)),
            (self._trainer_choice_and_topics,
             (Rule.TRAINER_COUNT, Rule.TRAINER_DISTINCT, Rule.TRAINER_TOPIC, Rule.TRAINER_COVER)),
            (self._trainer_one_session_a_day,
             (Rule.TRAINER_ONE_SESSION_A_DAY, Rule.TRAINER_UNAVAILABLE)),
            (self._trainer_max_days, (Rule.TRAINER_MAX_DAYS,)),
            (self._precedence, (Rule.AFTER,)),
            (self._absence_cap, (Rule.ABSENCE_CAP,)),
            (self._one_training_a_day, (Rule.ONE_TRAINING_A_DAY,)),
            (self._kept_from_baseline, (Rule.HELD, Rule.PINNED)),
        )
        proto = self.model.proto
        for family, rules in families:
            size = len(proto.variables) + len(proto.constraints)
            self._family_rules = rules
            family()
            if len(proto.variables) + len(proto.constraints) > size:
                self.rules.update(rules)
        self._family_rules = ()
        if not self.relaxable:
            self._objective()

    @functools.cached_property
    def variable_indices(self) -> dict[str, int]:
        """Each variable's index by its name (names are unique: each names its entity)."""
        return {variable.name: index for index, variable in enumerate(self.model.proto.variables)}

    @functools.cached_property
    def objective_coefficients(self) -> dict[int, int]:
        """The objective's coefficient of each variable in it, by index."""
        objective = self.model.proto.objective
        coefficients: dict[int, int] = defaultdict(int)
        for index, coefficient in zip(objective.vars, objective.coeffs, strict=True):
            coefficients[index] += coefficient
        return coefficients

    def _guard(self, rule: Rule, entities: tuple[str, ...]) -> list[IntVar]:
        """The literal that switches on the group (rule, entities) in explain mode, made on
        first use; none in the normal model, where every constraint always holds."""
        assert rule in RELAXABLE_RULES and rule in self._family_rules, rule
        if not self.relaxable:
            return []
        key = (rule, entities)
        if key not in self._group_literals:
            literal = self.model.new_bool_var(f"group[{rule},{','.join(entities)}]")
            self._group_literals[key] = literal
            self.groups[literal.index] = Group(rule, entities)
        return [self._group_literals[key]]

    # --- variables -----------------------------------------------------------------------

    def _sessions_and_start_days(self) -> None:
        """The sessions of every project that can run (`split_project`; the others go to
        `unschedulable`), as variables: each phase lasts the project's days and starts on a day
        its calendar allows (in the year, its months and holiday rule, no public holiday,
        blackout of its audiences or, weekdays only, weekend); a session has one seat count per
        town with teachers of its audiences, the same in every phase."""
        shared = {project for shares in self.town_shares.values()
                  for project in shares.pools}
        for project in self.instance.projects:
            if (self.relaxable and not project.mandatory) or project.id in self.fixed.spans:
                continue
            split = self._splits.get(project.id) or split_project(self.instance, project,
                                                                  self.calendar)
            if isinstance(split, str):
                self.unschedulable[project.id] = split
            else:
                variables = self._project_variables(split)
                self.projects[project.id] = variables
                if (project.headcount != "all" and project.id not in shared
                        and self._never_away_in_term(variables)):
                    self.seat_totals[project.id] = self.instance.fair_seats(project)

    def _project_variables(self, split: SessionSplit) -> ProjectVars:
        model, project = self.model, split.project
        scheduled = model.new_bool_var(f"scheduled[{project.id}]")
        # Explain mode: every start the calendar rules a planner may relax could allow.
        days = self._open_start_days(project) if self.relaxable else split.start_days
        self._start_domains[project.id] = days
        start_domain = cp_model.Domain.from_values(days)
        sessions = []
        for session in range(1, split.count + 1):
            name = f"{project.id}#{session}"
            size = model.new_int_var(0, split.max_size, f"size[{name}]")
            seats = {
                town.id: model.new_int_var(
                    0, min(split.max_size, town.pool(project.audiences)), f"seats[{name},{town.id}]"
                )
                for town in self.instance.towns
                if town.pool(project.audiences) > 0
            }
            phases = []
            for phase in range(1, project.phases + 1):
                task = f"{name}.{phase}"
                start = model.new_int_var_from_domain(start_domain, f"start[{task}]")
                interval = model.new_optional_fixed_size_interval_var(
                    start, project.days, scheduled, f"days[{task}]"
                )
                phases.append(PhaseVars(phase, start, interval))
            sessions.append(SessionVars(session, size, seats, phases))
        return ProjectVars(split, scheduled, sessions)

    def _tasks(self) -> Iterator[tuple[ProjectVars, SessionVars, PhaseVars]]:
        for variables in self.projects.values():
            for session in variables.sessions:
                for phase in session.phases:
                    yield variables, session, phase

    # --- constraint families ---------------------------------------------------------------

    def _calendar_rules(self) -> None:
        """Explain mode only (the normal model folds these rules into each start's domain):
        every phase of a scheduled project starts where its months and its holiday rule allow,
        one group per project and rule. Public holidays and blackouts (exam weeks) are not the
        planner's to move, so they stay in the domain; so does weekdays-only, for speed: with
        weekends open to some session, the absence cap's term-time blocks could no longer run
        across weekends and the model grows one block per week (Qianjiang: twice as slow).
        `scheduler.explain` still tries "train on weekends too" as a suggestion."""
        if not self.relaxable:
            return
        for variables in self.projects.values():
            project = variables.project
            starts = self.calendar.start_rules(project)
            domain = self._start_domains[project.id]
            for rule, key in _calendar_rules(project).items():
                allowed = [day for day in domain if starts[key][day]]
                if len(allowed) == len(domain):
                    continue
                guard = self._guard(rule, (project.id,))
                for session in variables.sessions:
                    for phase in session.phases:
                        self.model.add_linear_expression_in_domain(
                            phase.start, cp_model.Domain.from_values(allowed)
                        ).only_enforce_if([*guard, variables.scheduled])

    def _mandatory_projects(self) -> None:
        """A mandatory project is scheduled; any other may be dropped whole at its priority."""
        for variables in self.projects.values():
            project = variables.project
            if project.mandatory:
                self.model.add(variables.scheduled == 1).only_enforce_if(self._guard(
                    Rule.MANDATORY_DROPPED, (project.id,)))

    def _session_sizes_and_seats(self) -> None:
        """Each session seats at least its least class size (`SessionSplit.min_size`), at most
        its size limit, a `to_area` class only from the towns of its area; its seats sum over
        towns to its size; the sessions seat the headcount exactly; a town's seats over all
        sessions stay within its teachers of the project's audiences (each trained once)."""
        for variables in self.projects.values():
            project, scheduled = variables.project, variables.scheduled
            sizes = [session.size for session in variables.sessions]
            self.model.add(sum(sizes) == variables.split.headcount * scheduled)
            split = variables.split
            for session in variables.sessions:
                self.model.add(session.size >= split.min_size * scheduled)
                self.model.add(sum(session.seats.values()) == session.size)
                if split.areas:  # 送教下乡: a class seats only its own area's towns
                    area = split.areas[session.session - 1]
                    for town_id, seats in session.seats.items():
                        if split.areas_of_towns[town_id] != area:
                            self.model.add(seats == 0)
            totals = self.seat_totals.get(project.id, {})
            for town in self.instance.towns:
                pool = town.pool(project.audiences)
                if pool == 0:
                    continue
                town_seats = sum(session.seats[town.id] for session in variables.sessions)
                if project.headcount == "all":
                    self.model.add(town_seats == pool * scheduled)
                elif town.id in totals:
                    self.model.add(town_seats == totals[town.id] * scheduled)
                else:
                    self.model.add(town_seats <= pool)

    def _sessions_in_date_order(self) -> None:
        """A project's classes are interchangeable, so class k+1 starts no earlier than class
        k: one plan, not one per order of its classes (of a `to_area` project, the classes of
        one area). Not when re-planning: a class keeps its number from the baseline."""
        if self.replan is not None:
            return
        for variables in self.projects.values():
            areas = variables.split.areas
            for earlier, later in pairwise(variables.sessions):
                if not areas or areas[earlier.session - 1] == areas[later.session - 1]:
                    self.model.add(earlier.phases[0].start <= later.phases[0].start)

    @functools.cached_property
    def town_shares(self) -> dict[str, TownShares]:
        """The towns where projects share teachers (`scheduler.teachers`)."""
        return town_shares(self.instance)

    def _never_away_in_term(self, variables: ProjectVars) -> bool:
        """Whether the project's seats by town are best fixed in advance at
        `Instance.fair_seats`: its classes never keep teachers from school (online, or no
        start day puts a day in term) and it shares its teachers with no other project (one
        training at a time: `town_shares`), so how its seats fall among its classes changes
        no rule and no term but `share` and the quota, which those totals meet best. Without it
        CP-SAT spends its steps on equivalent seatings. Not in explain mode (no objective)
        nor when re-planning (a held class keeps the seats it had)."""
        if self.relaxable or self.replan is not None:
            return False
        project = variables.project
        if not project.mode.takes_teachers_away:
            return True
        school = self.calendar.school_days
        return not any(any(school[start:start + project.days])
                       for start in self._start_domains[project.id])

    def _rural_quota(self) -> None:
        """rural seats ≥ ceil(quota × headcount) for a scheduled project (none for "all")."""
        for variables in self.projects.values():
            project = variables.project
            required = self.instance.rural_quota_seats(project)
            if required > 0:
                self.model.add(
                    self._rural_seats(variables) >= required * variables.scheduled
                ).only_enforce_if(self._guard(Rule.RURAL_QUOTA, (project.id,)))

    def _phase_order(self) -> None:
        """Phase k+1 starts at least `min_gap_days` whole days after phase k ends (in explain
        mode, after it ends always, and the gap as its own group)."""
        for variables in self.projects.values():
            project = variables.project
            gap_guard = self._guard(Rule.PHASE_GAP, (project.id,)) \
                if project.min_gap_days and project.phases > 1 else []
            for session in variables.sessions:
                for earlier, later in pairwise(session.phases):
                    if gap_guard:
                        self.model.add(later.start >= earlier.start + project.days
                                       ).only_enforce_if(variables.scheduled)
                    self.model.add(
                        later.start >= earlier.start + project.days + project.min_gap_days
                    ).only_enforce_if([variables.scheduled, *gap_guard])

    def _spread(self) -> None:
        """A spread project's session-phase starts, in date order, fall one in each of as many
        groups of its allowed start days (`spread_groups`). Where the date order of its starts
        is known (one class, whose phases are in order; or interchangeable classes of one
        phase, in date order when planning afresh) the k-th start lies in the k-th group;
        otherwise each start takes one group and each group one start."""
        for variables in self.projects.values():
            project = variables.project
            if not project.spread:
                continue
            tasks = [phase for session in variables.sessions for phase in session.phases]
            groups = spread_groups(variables.split.start_days, len(tasks))
            if len(variables.sessions) == 1 or (project.phases == 1 and self.replan is None
                                                and not variables.split.areas):
                for phase, group in zip(tasks, groups, strict=True):
                    self.model.add_linear_constraint(phase.start, group[0], group[-1]
                                                     ).only_enforce_if(variables.scheduled)
                continue
            taken = [[self.model.new_bool_var(f"spread[{project.id},{index},{number}]")
                      for number in range(len(groups))] for index in range(len(tasks))]
            for phase, choices in zip(tasks, taken, strict=True):
                self.model.add(sum(choices) == variables.scheduled)
                for group, chosen in zip(groups, choices, strict=True):
                    self.model.add_linear_constraint(phase.start, group[0], group[-1]
                                                     ).only_enforce_if(chosen)
            for number in range(len(groups)):
                self.model.add(sum(choices[number] for choices in taken) == variables.scheduled)

    def _venue_choice(self) -> None:
        """An offline or blended session-phase takes exactly one usable venue that holds its
        seats (a `to_area` class, one in its own area); no venue for online and off-site
        ones."""
        for variables, session, phase in self._tasks():
            if not variables.project.mode.uses_venue:
                continue
            task = f"{variables.project.id}#{session.session}.{phase.phase}"
            for venue in variables.split.venues_of(session.session):
                chosen = self.model.new_bool_var(f"venue[{task},{venue.id}]")
                phase.venues[venue.id] = chosen
                if venue.capacity < variables.split.max_size:
                    self.model.add(session.size <= venue.capacity).only_enforce_if(chosen)
            self.model.add_exactly_one([*phase.venues.values(), ~variables.scheduled])

    def _venue_one_session_a_day(self) -> None:
        """A venue hosts at most one session a day, and none on its unavailable days."""
        uses = self._uses(lambda phase: phase.venues, Rule.VENUE_ONE_SESSION_A_DAY)
        for venue in self.instance.venues:
            if self.relaxable:
                self._unavailable_days(
                    Rule.VENUE_UNAVAILABLE, venue.id, None, venue.unavailable,
                    lambda phase: phase.venues)
                self._no_overlap(uses.get(venue.id, []))
                continue
            if venue.id not in uses:  # its busy days alone constrain nothing
                continue
            busy = self._busy_intervals(f"venue {venue.id}", None, range_dates(venue.unavailable))
            busy += self._fixed_intervals(f"venue {venue.id}", self.fixed.of("venue", venue.id))
            self._no_overlap(busy + uses[venue.id])

    def _trainer_choice_and_topics(self) -> None:
        """Each session-phase has `trainers_per_session` distinct trainers, each sharing a topic
        with the project, who together cover every topic of the project."""
        for variables, session, phase in self._tasks():
            project = variables.project
            if project.trainer_count == 0:
                continue
            task = f"{project.id}#{session.session}.{phase.phase}"
            for trainer in variables.split.trainers:
                phase.trainers[trainer.id] = self.model.new_bool_var(
                    f"trainer[{task},{trainer.id}]"
                )
            self.model.add(
                sum(phase.trainers.values()) == project.trainer_count * variables.scheduled
            )
            for topic in project.topics:
                self.model.add(
                    sum(chosen for trainer_id, chosen in phase.trainers.items()
                        if topic in self._trainer(trainer_id).topics) >= variables.scheduled
                )

    def _trainer_one_session_a_day(self) -> None:
        """A trainer teaches at most one session a day, only inside `available` (if given) and
        outside `unavailable`."""
        uses = self._uses(lambda phase: phase.trainers, Rule.TRAINER_ONE_SESSION_A_DAY)
        for trainer in self.instance.trainers:
            if self.relaxable:
                self._unavailable_days(
                    Rule.TRAINER_UNAVAILABLE, trainer.id, trainer.available, trainer.unavailable,
                    lambda phase: phase.trainers)
                self._no_overlap(uses.get(trainer.id, []))
                continue
            if trainer.id not in uses:
                continue
            free = range_dates(trainer.available) if trainer.available is not None else None
            busy = self._busy_intervals(f"trainer {trainer.id}", free,
                                        range_dates(trainer.unavailable))
            busy += self._fixed_intervals(f"trainer {trainer.id}",
                                          self.fixed.of("trainer", trainer.id))
            self._no_overlap(busy + uses.get(trainer.id, []))

    def _trainer_max_days(self) -> None:
        """A trainer teaches at most `max_days` days in the year (less the fixed ones' days)."""
        for trainer in self.instance.trainers:
            load = [
                (variables.project.days, phase.trainers[trainer.id])
                for variables, _, phase in self._tasks()
                if trainer.id in phase.trainers
            ]
            left = trainer.max_days - sum(
                task.days for task in self.fixed.of("trainer", trainer.id))
            if sum(days for days, _ in load) > left:
                self.model.add(
                    sum(days * chosen for days, chosen in load) <= left
                ).only_enforce_if(self._guard(Rule.TRAINER_MAX_DAYS, (trainer.id,)))

    def _precedence(self) -> None:
        """Every session of a project starts after every phase of every session of each project
        in its `after` list has ended, when both are scheduled."""
        for variables in self.projects.values():
            for earlier_id in variables.project.after:
                earlier = self.projects.get(earlier_id)
                if earlier is None:  # fixed, or cannot run (then dropped, constraining nothing)
                    continue
                both = [variables.scheduled, earlier.scheduled, *self._guard(
                    Rule.AFTER, (variables.project.id, earlier_id))]
                for later_session in variables.sessions:
                    for earlier_session in earlier.sessions:
                        self.model.add(
                            later_session.phases[0].start
                            >= earlier_session.phases[-1].start + earlier.project.days
                        ).only_enforce_if(both)
        self._precedence_with_fixed()

    def _precedence_with_fixed(self) -> None:
        """`after` between a free project and a fixed one that runs: the free one starts after
        the fixed one's last day, or ends before its first."""
        followers: dict[str, list[Project]] = {}
        for later in self.instance.projects:
            for earlier_id in later.after:
                followers.setdefault(earlier_id, []).append(later)
        for variables in self.projects.values():
            project = variables.project
            for earlier_id in project.after:
                if (span := self.fixed.spans.get(earlier_id)) is not None:
                    for session in variables.sessions:
                        self.model.add(session.phases[0].start >= span[1]
                                       ).only_enforce_if(variables.scheduled)
            for later in followers.get(project.id, []):
                if span := self.fixed.spans.get(later.id):
                    for session in variables.sessions:
                        self.model.add(session.phases[-1].start + project.days <= span[0]
                                       ).only_enforce_if(variables.scheduled)

    def _absence_cap(self) -> None:
        """On a school day, a town's seats in offline, blended and off-site sessions running that
        day are at most floor(max_absence_share × its teachers); on other days at most its
        teachers. One cumulative per town: capacity = its teachers, with fixed blocks of
        (teachers − cap) over term time. A session that can only fall on school days also gets
        the cap as a plain bound on its seats, which the search propagates far sooner.
        In explain mode the blocks are present only while the town's group is on: relaxed, the
        town's cap is its teachers on every day."""
        blocks = self._term_blocks()
        away = [variables for variables in self.projects.values()
                if variables.project.mode.takes_teachers_away]
        in_term = {variables.project.id: guards for variables in away
                   if (guards := self._in_term_guards(variables)) is not None}
        for town in self.instance.towns:
            teachers, cap = town.total_teachers, self.instance.absence_cap(town)
            sending = [variables for variables in away if town.pool(variables.project.audiences)]
            fixed = self.fixed.of("town", town.id)
            most_away = sum(min(variables.split.headcount, town.pool(variables.project.audiences))
                            for variables in sending) + sum(task.seats[town.id] for task in fixed)
            if not sending or most_away <= cap:
                continue
            guard = self._guard(Rule.ABSENCE_CAP, (town.id,)) if cap < teachers else []
            intervals: list[cp_model.IntervalVar] = []
            demands: list[LinearExpr] = []
            for variables in sending:
                for session in variables.sessions:
                    if variables.project.id in in_term:
                        self.model.add(session.seats[town.id] <= cap).only_enforce_if(
                            [*guard, *in_term[variables.project.id]])
                    intervals += [phase.interval for phase in session.phases]
                    demands += [session.seats[town.id]] * len(session.phases)
            intervals += self._fixed_intervals(f"town {town.id}", fixed)
            demands += [task.seats[town.id] for task in fixed]
            if cap < teachers:
                for first, end in blocks:
                    name = f"term[{town.id},{first}]"
                    intervals.append(
                        self.model.new_optional_fixed_size_interval_var(
                            first, end - first, guard[0], name) if guard
                        else self.model.new_fixed_size_interval_var(first, end - first, name))
                    demands.append(teachers - cap)
            self.model.add_cumulative(intervals, demands, teachers)

    def _one_training_a_day(self) -> None:
        """A town's teachers are in one training a day: for every town z and audience a, the
        session-phases running on a day whose project trains a take together at most z's
        teachers of a, a session's seats counted as the share seats / pool(p, z) of its
        project's pool there, in any mode. One cumulative per town and set of projects that
        train one audience (`scheduler.teachers.TownShares`), in units of the town's scale:
        a share's units are its seats times scale / pool where that is whole, else a variable
        held to ceil(seats × scale / pool). A set whose projects could not fill the town
        even all on one day adds nothing."""
        fixed_by_project: dict[str, list[FixedTask]] = defaultdict(list)
        for task in self.fixed.tasks:
            fixed_by_project[task.project].append(task)
        for town_id, shares in self.town_shares.items():
            units: dict[str, list[tuple[cp_model.IntervalVar, LinearExpr]]] = {}
            most: dict[str, int] = {}
            """The most units each project can take of the town on one day."""
            for project_id in shares.pools:
                if project_id in self.projects:
                    variables = self.projects[project_id]
                    units[project_id] = self._share_units(variables, shares)
                    seated = min(shares.pools[project_id], variables.split.headcount)
                    most[project_id] = (shares.units(project_id, seated)
                                        + len(variables.sessions))  # each rounded up
                else:
                    tasks = [task for task in fixed_by_project.get(project_id, [])
                             if task.seats.get(town_id)]
                    demands = [shares.units(project_id, task.seats[town_id]) for task in tasks]
                    intervals = self._fixed_intervals(f"town {town_id}", tasks)
                    units[project_id] = list(zip(intervals, demands, strict=True))
                    most[project_id] = sum(demands)
            for group in shares.groups:
                if sum(most.get(project_id, 0) for project_id in group) <= shares.scale:
                    continue
                chosen = [unit for project_id in sorted(group) for unit in units[project_id]]
                self.model.add_cumulative([interval for interval, _ in chosen],
                                          [demand for _, demand in chosen], shares.scale)

    def _share_units(self, variables: ProjectVars, shares: TownShares
                     ) -> list[tuple[cp_model.IntervalVar, LinearExpr]]:
        """Each session-phase of the project with the units its seats take of the town."""
        project, town_id = variables.project, shares.town
        pool = shares.pools[project.id]
        tasks: list[tuple[cp_model.IntervalVar, LinearExpr]] = []
        for session in variables.sessions:
            seats = session.seats[town_id]
            if shares.exact(project.id):
                demand: LinearExpr = seats * (shares.scale // pool)
            else:
                demand = self.model.new_int_var(
                    0, shares.scale, f"share[{project.id}#{session.session},{town_id}]")
                self.model.add(pool * demand >= shares.scale * seats)
                self.model.add(pool * demand <= shares.scale * seats + pool - 1)
            tasks += [(phase.interval, demand) for phase in session.phases]
        return tasks

    def _kept_from_baseline(self) -> None:
        """Re-planning (`scheduler.replan`): a held or pinned session-phase keeps its dates,
        venue and trainers, and its session its seats (so its project runs); a session pinned
        by part keeps those parts only; every other session-phase starts on or after `today`.
        A held or pinned session the instance no longer allows makes the request wrong:
        `InputError`, naming each."""
        replan = self.replan
        if replan is None:
            return
        kept = replan.kept()
        self._check_kept_rows(replan, kept)
        calendar = self.calendar
        today = calendar.day(replan.today) if replan.today is not None else None
        for variables in self.projects.values():
            project, scheduled = variables.project, variables.scheduled
            for session in variables.sessions:
                for phase in session.phases:
                    row, parts = kept.get((project.id, session.session, phase.phase),
                                          (None, frozenset()))
                    if row is None:
                        if today is not None:
                            self.model.add(phase.start >= today).only_enforce_if(scheduled)
                        continue
                    self.model.add(scheduled == 1)
                    if "seats" in parts:
                        for town, count in session.seats.items():
                            self.model.add(count == row.seats.get(town, 0))
                    if "date" in parts:
                        self.model.add(phase.start == calendar.day(row.start))
                    if "venue" in parts and row.venue is not None:
                        self.model.add(phase.venues[row.venue] == 1)
                    if "trainers" in parts:
                        for trainer in row.trainers:
                            self.model.add(phase.trainers[trainer] == 1)

    def _check_kept_rows(self, replan: Replan,
                         kept: dict[PhaseKey, tuple[SessionPhase, frozenset[str]]]) -> None:
        """Every held or pinned session must still be possible in the new instance; otherwise
        the request itself is wrong (exit 2), named session by session and part by part, in
        the request's language."""
        problems = []
        for (project_id, session, phase), (row, parts) in sorted(kept.items()):
            reason = self._cannot_keep(row, parts, replan.lang)
            if reason is None:
                continue
            if replan.held(row):
                how = phrase(KEPT_WORDS["held"], today=replan.today)
            elif parts == WHOLE:
                how = phrase(KEPT_WORDS["pinned"])
            else:
                how = phrase(KEPT_WORDS["pinned parts"], parts=Joined(tuple(
                    phrase(PART_WORDS[part]) for part in PIN_PARTS if part in parts)))
            problems.append(phrase(KEPT_WORDS["cannot keep"], project=project_id,
                                   session=session, phase=phase, start=row.start, end=row.end,
                                   how=how, reason=reason).text(replan.lang))
        if problems:
            raise InputError(problems)

    def _cannot_keep(self, row: SessionPhase, parts: frozenset[str], lang: str) -> str | None:
        """Why the model cannot keep these parts of a held or pinned session-phase as they
        were, in `lang`, or None."""
        instance = self.instance
        if not any(project.id == row.project for project in instance.projects):
            return phrase(KEPT_WORDS["no project"]).text(lang)
        if row.project in self.unschedulable:
            checked = check_project(instance, instance.project(row.project), self.calendar)
            assert isinstance(checked, Finding)  # what made it unschedulable
            return phrase(KEPT_WORDS["cannot run"], reason=checked.why).text(lang)
        variables = self.projects[row.project]
        project, split = variables.project, variables.split
        if row.session > split.count or row.phase > project.phases:
            return phrase(KEPT_WORDS["fewer classes"], project=as_named(project),
                          count=split.count, phases=project.phases).text(lang)
        dated = "date" in parts
        if dated and (row.days != project.days
                      or self.calendar.day(row.start) not in split.start_days):
            return phrase(KEPT_WORDS["dates"]).text(lang)
        phase = variables.sessions[row.session - 1].phases[row.phase - 1]
        if "venue" in parts and row.venue is not None and row.venue not in phase.venues:
            return phrase(KEPT_WORDS["venue lost"], venue=row.venue).text(lang)
        if "trainers" in parts and (set(row.trainers) - set(phase.trainers)
                                    or len(row.trainers) != project.trainer_count):
            return phrase(KEPT_WORDS["trainers lost"],
                          trainers=Joined(tuple(row.trainers))).text(lang)
        if "seats" in parts and set(row.seats) - set(variables.sessions[0].seats):
            return phrase(KEPT_WORDS["towns lost"]).text(lang)
        kept_part = row.model_copy(update={
            "venue": row.venue if "venue" in parts else None,
            "trainers": row.trainers if "trainers" in parts else []})
        return broken_rule(instance, self.calendar, kept_part, dated=dated, lang=lang)

    # --- objective -----------------------------------------------------------------------

    def _objective(self) -> None:
        """The weighted sum of docs/format.md, Objective; a term enters only when its weight is
        positive."""
        weights = self.instance.objective.weights
        builders = {
            "dropped": self._dropped_term,
            "preference": self._preference_term,
            "share": self._share_term,
            "rural_venue": self._rural_venue_term,
            "cost": self._cost_term,
            "balance": self._balance_term,
            "hours": self._hours_term,
            "away_days": self._away_days_term,
        }
        objective = 0
        for name, build in builders.items():
            weight = getattr(weights, name)
            if weight > 0:
                objective += weight * build()
        if self.replan is not None:
            for name, term in self._stability_terms(self.replan).items():
                objective += getattr(weights, name) * term
        self.model.minimize(objective)

    def _stability_terms(self, replan: Replan) -> dict[str, LinearExpr]:
        """Re-planning: the stability KPIs (`scheduler.replan`) as expressions, per
        session-phase of the baseline: `moved` unless it keeps its dates (or when it can have
        no counterpart), `venue_changed` and `trainer_changed` when held elsewhere or by
        others."""
        baseline = {phase_key(row): row for row in replan.baseline.sessions}
        terms: dict[str, list[LinearExpr]] = {name: [] for name in STABILITY_KPIS}
        matched: set[PhaseKey] = set()
        for variables, session, phase in self._tasks():
            project, scheduled = variables.project, variables.scheduled
            key = (project.id, session.session, phase.phase)
            before = baseline.get(key)
            if before is None:
                continue
            matched.add(key)
            if before.days == project.days:
                kept = self.model.new_bool_var(f"kept dates[{project.id}#{key[1]}.{key[2]}]")
                self.model.add(phase.start == self.calendar.day(before.start)
                               ).only_enforce_if(kept)
                self.model.add_implication(kept, scheduled)
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

    def _dropped_term(self) -> LinearExpr:
        """Sum of the priority weights of dropped projects."""
        forced = sum(self.instance.project(project_id).drop_weight
                     for project_id in self.unschedulable)
        return forced + sum(
            variables.project.drop_weight * (1 - variables.scheduled)
            for variables in self.projects.values()
            if not variables.project.mandatory
        )

    def _preference_term(self) -> LinearExpr:
        """Session days outside the preferred months, read from a table indexed by start day."""
        total: list[LinearExpr] = []
        tables: dict[tuple[frozenset[int], int], list[int]] = {}
        for variables, session, phase in self._tasks():
            project = variables.project
            key = (frozenset(project.wanted_months), project.days)
            if key not in tables:
                tables[key] = [
                    self.calendar.days_outside(set(key[0]), day, project.days)
                    if day + project.days <= self.calendar.length else 0
                    for day in range(self.calendar.length)
                ]
            outside = tables[key]
            if not any(outside[day] for day in variables.split.start_days):
                continue
            task = f"{project.id}#{session.session}.{phase.phase}"
            days_out = self.model.new_int_var(0, project.days, f"days outside preferred[{task}]")
            self.model.add_element(phase.start, outside, days_out)
            counted = self.model.new_int_var(0, project.days, f"preference[{task}]")
            self.model.add(counted >= days_out - project.days * (1 - variables.scheduled))
            total.append(counted)
        return sum(total)

    def _share_term(self) -> LinearExpr:
        """Seats short of each town's fair share (`Instance.fair_shares`) of a scheduled
        project: short[p,z] ≥ target(p,z) × scheduled − seats(p,z), short ≥ 0; for a project
        whose seats by town are fixed, their shortfall × scheduled: as variables, they left
        CP-SAT unable to prove a step of that project alone (docs/performance.md)."""
        total: list[LinearExpr] = []
        for variables in self.projects.values():
            project = variables.project
            fair = self.instance.fair_shares(project)
            if project.id in self.seat_totals:
                totals = self.seat_totals[project.id]
                total.append(variables.scheduled * sum(
                    max(0, target - totals[town_id]) for town_id, target in fair.items()))
                continue
            for town_id, target in fair.items():
                if target == 0:
                    continue
                short = self.model.new_int_var(
                    0, target, f"short of share[{project.id},{town_id}]")
                seats = sum(session.seats[town_id] for session in variables.sessions)
                self.model.add(short >= target * variables.scheduled - seats)
                total.append(short)
        return sum(total)

    def _rural_venue_term(self) -> LinearExpr:
        """The seats of each session-phase of a `venue_rural: preferred` project held outside a
        rural town."""
        rural_towns = {town.id for town in self.instance.towns if town.rural}
        total: list[LinearExpr] = []
        for variables, session, phase in self._tasks():
            project = variables.project
            if project.venue_rural != "preferred":
                continue
            task = f"{project.id}#{session.session}.{phase.phase}"
            urban_seats = self.model.new_int_var(
                0, variables.split.max_size, f"urban venue seats[{task}]")
            for venue_id, chosen in phase.venues.items():
                if self._venue(venue_id).town not in rural_towns:
                    self.model.add(urban_seats >= session.size).only_enforce_if(chosen)
            total.append(urban_seats)
        return sum(total)

    def _cost_term(self) -> LinearExpr:
        """Venue cost per day and trainer fees per day over every session day, in yuan."""
        total: list[LinearExpr] = []
        for variables, _, phase in self._tasks():
            days = variables.project.days
            total += [days * self._venue(venue_id).cost_per_day * chosen
                      for venue_id, chosen in phase.venues.items()]
            total += [days * self._trainer(trainer_id).fee_per_day * chosen
                      for trainer_id, chosen in phase.trainers.items()]
        return sum(total)

    def _away_days_term(self) -> LinearExpr:
        """The days trainers teach in a venue outside the area they live in: per session-phase
        and trainer with a town, a literal that is exactly "teaches it" and "its venue is in
        another area" (`scheduler.kpis` measures the same on a plan)."""
        homes = self.instance.trainer_areas()
        areas = {town.id: town.area_id for town in self.instance.towns}
        total: list[LinearExpr] = []
        for variables, session, phase in self._tasks():
            for trainer_id, teaches in phase.trainers.items():
                home = homes.get(trainer_id)
                elsewhere = [chosen for venue_id, chosen in phase.venues.items()
                             if home is not None and areas[self._venue(venue_id).town] != home]
                if not elsewhere:
                    continue
                away = self.model.new_bool_var(
                    f"away[{variables.project.id}#{session.session}.{phase.phase},{trainer_id}]")
                self.model.add(away <= teaches)
                self.model.add(away <= sum(elsewhere))
                self.model.add(away >= teaches + sum(elsewhere) - 1)
                total.append(variables.project.days * away)
        return sum(total)

    def _hours_term(self) -> LinearExpr:
        """The teacher-hours short of the requirement (`scheduler.hours.shortfall_rows`): each
        row's required hours less Σ per_seat(p) · seats(p,z) over the projects, the fixed ones'
        seats as constants. A whole row that cannot fall below 0 is the expression itself;
        any other is a variable short ≥ 0 with scale · short ≥ scale · (required − Σ ...) in
        whole numbers (`ShortfallRow.in_whole_numbers`), so short is the row rounded up, never
        below it. `hours_slack` says by how much the objective may then exceed the plan's
        (the KPI rounds the sum down)."""
        total: list[LinearExpr] = []
        over = 0
        if self.hours_rows is None:
            self.hours_rows = [(row, row.in_whole_numbers())
                               for row in shortfall_rows(self.instance)]
        for row, whole in self.hours_rows:
            earned: list[LinearExpr] = []
            required = whole.required
            for project_id, per_seat in whole.per_seat.items():
                if project_id in self.projects:
                    sessions = self.projects[project_id].sessions
                    earned.append(per_seat * sum(session.seats[row.town] for session in sessions))
                elif project_id in self.fixed.seats:
                    required -= per_seat * self.fixed.seats[project_id].get(row.town, 0)
            if whole.scale == 1 and not row.floored:
                total.append(required - sum(earned))
                continue
            over += whole.over
            name = row.town if row.audience is None else f"{row.town},{row.audience}"
            short = self.model.new_int_var(0, max(0, math.ceil(row.required)),
                                           f"hours short[{name}]")
            self.model.add(whole.scale * short >= required - sum(earned))
            total.append(short)
        self.hours_slack = self.instance.objective.weights.hours * over
        return sum(total)

    def _balance_term(self) -> LinearExpr:
        """The most teachers away (offline, blended, off-site seats) on any one school day:
        a cumulative of session sizes under a fixed capacity U, with blocks of (U − balance)
        over the school days, so that load ≤ balance on school days only."""
        away = [(session, phase) for variables, session, phase in self._tasks()
                if variables.project.mode.takes_teachers_away]
        ceiling = self.fixed.away_headcount + sum(
            variables.split.headcount for variables in self.projects.values()
            if variables.project.mode.takes_teachers_away)
        balance = self.model.new_int_var(0, ceiling, "balance")
        fixed = [task for task in self.fixed.tasks if task.away]
        if not away and not fixed:
            return balance
        intervals = [phase.interval for _, phase in away] + self._fixed_intervals("away", fixed)
        demands: list[LinearExpr] = [session.size for session, _ in away]
        demands += [task.size for task in fixed]
        for first, end in self._term_blocks():
            intervals.append(self.model.new_fixed_size_interval_var(
                first, end - first, f"term[{first}]"))
            demands.append(ceiling - balance)
        self.model.add_cumulative(intervals, demands, ceiling)
        return balance

    # --- helpers -------------------------------------------------------------------------

    def _in_term_guards(self, variables: ProjectVars) -> list[IntVar] | None:
        """The literals under which every day the project's sessions could use is a school day:
        [] if always (the normal model), None if never. In explain mode its calendar rules
        (months, holiday) may be what keeps it in term: then their groups' literals, fewest
        first."""
        school = self.calendar.school_days
        project = variables.project
        days = project.days

        def in_term(starts: Iterable[int]) -> bool:
            return all(all(school[start:start + days]) for start in starts)

        domain = self._start_domains[project.id]
        if in_term(domain):
            return []
        if not self.relaxable:
            return None
        starts = self.calendar.start_rules(project)
        literals = {key: self._group_literals[(rule, (project.id,))]
                    for rule, key in _calendar_rules(project).items()
                    if (rule, (project.id,)) in self._group_literals}
        for key, literal in literals.items():
            if in_term(day for day in domain if starts[key][day]):
                return [literal]
        if len(literals) == 2 and in_term(
                day for day in domain if starts["months"][day] and starts["holiday"][day]):
            return list(literals.values())
        return None

    def _term_blocks(self) -> list[tuple[int, int]]:
        """The stretches of the year the absence rules cover, as few as possible: runs of school
        days, merged across the days no away session can use (weekends, public holidays …),
        since a block over a day nobody can use changes nothing. Few long blocks propagate far
        faster than one per week."""
        usable = [False] * self.calendar.length
        for variables in self.projects.values():
            if variables.project.mode.takes_teachers_away:
                for start in self._start_domains[variables.project.id]:
                    for day in range(start, start + variables.project.days):
                        usable[day] = True
        for task in self.fixed.tasks:
            if task.away:
                usable[task.start:task.start + task.days] = [True] * task.days
        school = self.calendar.school_days
        covered = [school[day] or not usable[day] for day in range(self.calendar.length)]
        return [(first, end) for first, end in day_runs(covered) if any(school[first:end])]

    def _rural_seats(self, variables: ProjectVars) -> cp_model.LinearExpr:
        rural = {town.id for town in self.instance.towns if town.rural}
        return cp_model.LinearExpr.sum([
            seats for session in variables.sessions
            for town_id, seats in session.seats.items() if town_id in rural
        ])

    def _busy_intervals(self, owner: str, free_dates: set[dt.date] | None,
                        busy_dates: set[dt.date]) -> list[cp_model.IntervalVar]:
        return [
            self.model.new_fixed_size_interval_var(first, end - first, f"{owner} busy[{first}]")
            for first, end in self.calendar.blocked_runs(free_dates, busy_dates)
        ]

    def _fixed_intervals(self, owner: str, tasks: list[FixedTask]) -> list[cp_model.IntervalVar]:
        return [self.model.new_fixed_size_interval_var(task.start, task.days,
                                                       f"{owner} fixed[{task.start}]")
                for task in tasks]

    def _uses(self, choices: Callable[[PhaseVars], dict[str, IntVar]],
              rule: Rule) -> dict[str, list[cp_model.IntervalVar]]:
        """For each venue or trainer id, an optional copy of every session-phase interval that
        may use it, present when chosen. A no-overlap cannot be switched off by a literal, so in
        explain mode a copy is present when chosen and the owner's one-a-day group is on."""
        uses: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        tasks = [(variables, phase, owner, chosen) for variables, _, phase in self._tasks()
                 for owner, chosen in choices(phase).items()]
        shared = {owner for owner, count in
                  Counter(owner for _, _, owner, _ in tasks).items() if count > 1}
        for variables, phase, owner, chosen in tasks:
            present = chosen
            guard = self._guard(rule, (owner,)) if owner in shared else []
            if guard:
                present = self.model.new_bool_var(f"{phase.interval.name}@{owner} present")
                self.model.add_bool_and([chosen, guard[0]]).only_enforce_if(present)
                self.model.add_bool_or([~chosen, ~guard[0], present])
            uses[owner].append(self.model.new_optional_fixed_size_interval_var(
                phase.start, variables.project.days, present,
                f"{phase.interval.name}@{owner}"))
        return uses

    def _unavailable_days(self, rule: Rule, owner: str, available: list[DateRange] | None,
                          unavailable: list[DateRange],
                          choices: Callable[[PhaseVars], dict[str, IntVar]]) -> None:
        """Explain mode: a session-phase that takes the venue or trainer starts where its whole
        span is inside `available` (if given) and outside `unavailable`; one group per owner."""
        if available is None and not unavailable:
            return
        free = self.calendar.open_starts(available, unavailable, 1)
        guard: list[IntVar] = []
        for variables, _, phase in self._tasks():
            chosen = choices(phase).get(owner)
            if chosen is None:
                continue
            days = variables.project.days
            domain = self._start_domains[variables.project.id]
            allowed = [start for start in domain if all(free[start:start + days])]
            if len(allowed) == len(domain):
                continue
            guard = guard or self._guard(rule, (owner,))
            self.model.add_linear_expression_in_domain(
                phase.start, cp_model.Domain.from_values(allowed)
            ).only_enforce_if([chosen, *guard])

    def _open_start_days(self, project: Project) -> list[int]:
        """Explain mode: the start days public holidays, blackouts and weekdays-only leave; the
        rules of `_calendar_rules` then narrow them under their groups' literals."""
        rules = self.calendar.start_rules(project)
        fixed = zip(rules["public holidays"], rules["blackouts"], rules["weekdays"], strict=True)
        return [day for day, kept in enumerate(fixed) if all(kept)]

    def _no_overlap(self, intervals: list[cp_model.IntervalVar]) -> None:
        if len(intervals) > 1:
            self.model.add_no_overlap(intervals)

    def _venue(self, venue_id: str) -> Venue:
        return self._venues_by_id[venue_id]

    def _trainer(self, trainer_id: str) -> Trainer:
        return self._trainers_by_id[trainer_id]


def holiday_rule(project: Project) -> Rule | None:
    """The rule the project's `holiday` field sets (inside one holiday, or outside all); None
    when it may run either way."""
    return {HolidayRule.REQUIRED: Rule.HOLIDAY_REQUIRED,
            HolidayRule.FORBIDDEN: Rule.HOLIDAY_FORBIDDEN}.get(project.holiday)


def _calendar_rules(project: Project) -> dict[Rule, str]:
    """The project's calendar rules a planner may relax, each with its key in
    `YearCalendar.start_rules`."""
    holiday = holiday_rule(project)
    return {Rule.MONTHS: "months"} | ({holiday: "holiday"} if holiday is not None else {})


def read_plan(built: TrainingModel, value: Callable[[cp_model.IntVar], int],
              renumber: bool = True) -> tuple[list[SessionPhase], list[str]]:
    """The scheduled session-phases and the dropped projects of an assignment; a project's
    sessions are interchangeable, so they are numbered in order of their first day (第1班 is
    the earliest class), unless `renumber` is off (re-planning: a class keeps the number it
    had in the baseline)."""
    calendar = built.calendar
    rows = []
    for variables in built.projects.values():
        if not value(variables.scheduled):
            continue
        project = variables.project
        sessions = variables.sessions
        if renumber:
            sessions = sorted(sessions, key=lambda session: value(session.phases[0].start))
        for number, session in enumerate(sessions, start=1):
            seats = {town: value(count) for town, count in session.seats.items()}
            for phase in session.phases:
                start = value(phase.start)
                rows.append(SessionPhase(
                    project=project.id,
                    session=number,
                    phase=phase.phase,
                    start=calendar.date(start),
                    end=calendar.date(start + project.days - 1),
                    venue=next((venue for venue, chosen in phase.venues.items()
                                if value(chosen)), None),
                    trainers=[trainer for trainer, chosen in phase.trainers.items()
                              if value(chosen)],
                    seats={town: count for town, count in seats.items() if count > 0},
                ))
    rows.sort(key=lambda row: (row.start, row.project, row.session, row.phase))
    dropped = [project.id for project in built.instance.projects
               if project.id in built.unschedulable
               or not value(built.projects[project.id].scheduled)]
    return rows, dropped


KEPT_WORDS: dict[str, tuple[str, str]] = {
    "cannot keep": ("{project} 第{session}班 phase {phase} ({start}–{end}) {how}, but {reason}",
                    "{project} 第{session}班 第{phase}阶段（{start}–{end}）{how}，但{reason}"),
    "held": ("was held before {today}", "在 {today} 之前已举办"),
    "pinned": ("is pinned", "已固定"),
    "pinned parts": ("has its {parts} pinned", "固定了{parts}"),
    "venue lost": ("venue {venue} can no longer host it", "场地 {venue} 已不能承办它"),
    "trainers lost": ("its trainers {trainers} no longer fit the project",
                      "它的专家 {trainers} 已不适合这个项目"),
    "towns lost": ("it seats teachers of towns the project no longer draws from",
              "它的学员来自项目已不再招收的乡镇"),
    "no project": ("the instance no longer has that project", "数据中已没有这个项目"),
    "cannot run": ("the project cannot run any more: {reason}", "这个项目已无法安排：{reason}"),
    "fewer classes": ("{project} now has {count} classes of {phases} phase(s)",
                      "{project}现在有 {count} 个班，每班 {phases} 个阶段"),
    "dates": ("its dates are no longer allowed (days, months, holidays or blackouts changed)",
              "它的日期已不再允许（天数、月份、假期或禁排日期有变）"),
}
"""What `_check_kept_rows` says of a held or pinned session it cannot keep, in English and
Chinese."""
PART_WORDS = {"date": ("date", "日期"), "venue": ("venue", "场地"),
              "trainers": ("trainers", "专家"), "seats": ("seats", "名额")}
"""The parts of a class a pin keeps."""
