"""How the model switches its rules: always on (`Strict`, the normal model) or, in explain mode
(`Relaxable`, used by `scheduler.analysis.no_plan`), each group of the constraints a planner could
change switched on by one literal.

A group is the constraints of one rule for one entity — a project's months, a venue's one
session a day, a trainer's max_days, a town's absence cap … — so that CP-SAT can name, among
them, a set that cannot hold together. The families ask `TrainingModel.guard` for a group's
literal, which the normal model does not have; what else differs is here: which projects and
start days the model holds, the calendar rules as constraints of their own, an owner's
unavailable days and when a project stays in term time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from models.instance import HolidayRule, Project
from scheduler.core.calendar import YearCalendar, range_dates
from scheduler.core.rules import Rule
from scheduler.model.neighbourhood import fixed_intervals
from scheduler.model.resources import Choices, busy_intervals, no_overlap
from scheduler.model.variables import IntVar

if TYPE_CHECKING:
    from models.fields import DateRange
    from scheduler.core.sessions import SessionSplit
    from scheduler.model.build import TrainingModel

RELAXABLE_RULES = frozenset({
    Rule.MANDATORY_DROPPED, Rule.MONTHS, Rule.HOLIDAY_REQUIRED, Rule.HOLIDAY_FORBIDDEN,
    Rule.PHASE_GAP, Rule.AFTER, Rule.RURAL_QUOTA, Rule.VENUE_UNAVAILABLE,
    Rule.VENUE_ONE_SESSION_A_DAY, Rule.TRAINER_UNAVAILABLE, Rule.TRAINER_ONE_SESSION_A_DAY,
    Rule.TRAINER_MAX_DAYS, Rule.ABSENCE_CAP,
})
"""The rules explain mode switches by a literal per entity: those a planner could change."""

InTerm = Callable[[Iterable[int]], bool]
"""Whether every day a project's sessions could use from these start days is a school day."""


@dataclass(frozen=True)
class Group:
    """The constraints of one rule for one entity, switched on or off together in explain mode:
    `rule` is one of `RELAXABLE_RULES`, `entities` the ids it is about (a project, venue,
    trainer or town; for `after` the later and the earlier project). `scheduler.analysis.no_plan`
    says it in a planner's words."""

    rule: Rule
    entities: tuple[str, ...]


class Strict:
    """The normal model: every project, its calendar rules folded into each start's domain,
    every constraint always on, and the objective."""

    has_objective = True

    def __init__(self) -> None:
        self.groups: dict[int, Group] = {}

    def includes(self, project: Project) -> bool:
        return True

    def start_days(self, calendar: YearCalendar, split: SessionSplit) -> list[int]:
        return split.start_days

    def literal(self, rule: Rule, entities: tuple[str, ...]) -> list[IntVar]:
        return []

    def calendar_rules(self, built: TrainingModel) -> None:
        """None of their own: the start days hold them."""

    def one_at_a_time(self, built: TrainingModel, kind: str, owner: str,
                      available: list[DateRange] | None, unavailable: list[DateRange],
                      rule: Rule, choices: Choices, uses: list[cp_model.IntervalVar]) -> None:
        """The venue's or trainer's session-phases, the days it is not free and its fixed
        session-phases (`scheduler.model.neighbourhood`) in one no-overlap."""
        if not uses:  # its busy days alone constrain nothing
            return
        free = range_dates(available) if available is not None else None
        busy = busy_intervals(built, f"{kind} {owner}", free, range_dates(unavailable))
        busy += fixed_intervals(built.model, f"{kind} {owner}", built.fixed.of(kind, owner))
        no_overlap(built.model, busy + uses)

    def in_term_guards(self, built: TrainingModel, project: Project,
                       in_term: InTerm) -> list[IntVar] | None:
        """A project whose start days are not all in term time is never held to it."""
        return None


class Relaxable:
    """Explain mode: only the mandatory projects (an optional project can always be dropped,
    and a dropped project constrains nothing, so the plan is feasible exactly when the
    mandatory ones fit together), no objective, and every constraint a planner could relax
    guarded by its group's literal; `groups` maps each literal's index to its `Group`. With
    every literal true the model has a solution exactly when the normal one has a plan."""

    has_objective = False

    def __init__(self, model: cp_model.CpModel) -> None:
        self.model = model
        self.groups: dict[int, Group] = {}
        self.literals: dict[tuple[Rule, tuple[str, ...]], IntVar] = {}

    def includes(self, project: Project) -> bool:
        return project.mandatory

    def start_days(self, calendar: YearCalendar, split: SessionSplit) -> list[int]:
        """Every start the calendar rules a planner may relax could allow: the start days
        public holidays, blackouts and weekdays-only leave; the rules of `_calendar_rules` then
        narrow them under their groups' literals."""
        rules = calendar.start_rules(split.project)
        fixed = zip(rules["public holidays"], rules["blackouts"], rules["weekdays"], strict=True)
        return [day for day, kept in enumerate(fixed) if all(kept)]

    def literal(self, rule: Rule, entities: tuple[str, ...]) -> list[IntVar]:
        """The group's literal, made on first use."""
        key = (rule, entities)
        if key not in self.literals:
            literal = self.model.new_bool_var(f"group[{rule},{','.join(entities)}]")
            self.literals[key] = literal
            self.groups[literal.index] = Group(rule, entities)
        return [self.literals[key]]

    def calendar_rules(self, built: TrainingModel) -> None:
        """Every phase of a scheduled project starts where its months and its holiday rule
        allow, one group per project and rule. Public holidays and blackouts (exam weeks) are
        not the planner's to move, so they stay in the domain; so does weekdays-only, for
        speed: with weekends open to some session, the absence cap's term-time blocks could no
        longer run across weekends and the model grows one block per week, a slower model
        (docs/performance.md). `scheduler.analysis.no_plan` still tries "train on weekends too"
        as a suggestion."""
        for variables in built.projects.values():
            project = variables.project
            starts = built.calendar.start_rules(project)
            domain = built.start_domains[project.id]
            for rule, key in _calendar_rules(project).items():
                allowed = [day for day in domain if starts[key][day]]
                if len(allowed) == len(domain):
                    continue
                guard = built.guard(rule, (project.id,))
                for session in variables.sessions:
                    for phase in session.phases:
                        built.model.add_linear_expression_in_domain(
                            phase.start, cp_model.Domain.from_values(allowed)
                        ).only_enforce_if([*guard, variables.scheduled])

    def one_at_a_time(self, built: TrainingModel, kind: str, owner: str,
                      available: list[DateRange] | None, unavailable: list[DateRange],
                      rule: Rule, choices: Choices, uses: list[cp_model.IntervalVar]) -> None:
        """The session-phases in one no-overlap, their copies present while the owner's
        one-a-day group is on (`resources._uses`); a session-phase that takes the venue or
        trainer starts where its whole span is inside `available` (if given) and outside
        `unavailable`, under one group per owner."""
        self._unavailable_days(built, rule, owner, available, unavailable, choices)
        no_overlap(built.model, uses)

    def _unavailable_days(self, built: TrainingModel, rule: Rule, owner: str,
                          available: list[DateRange] | None, unavailable: list[DateRange],
                          choices: Choices) -> None:
        if available is None and not unavailable:
            return
        free = built.calendar.open_starts(available, unavailable, 1)
        guard: list[IntVar] = []
        for variables, _, phase in built.tasks():
            chosen = choices(phase).get(owner)
            if chosen is None:
                continue
            days = variables.project.days
            domain = built.start_domains[variables.project.id]
            allowed = [start for start in domain if all(free[start:start + days])]
            if len(allowed) == len(domain):
                continue
            guard = guard or built.guard(rule, (owner,))
            built.model.add_linear_expression_in_domain(
                phase.start, cp_model.Domain.from_values(allowed)
            ).only_enforce_if([chosen, *guard])

    def in_term_guards(self, built: TrainingModel, project: Project,
                       in_term: InTerm) -> list[IntVar] | None:
        """Its calendar rules (months, holiday) may be what keeps it in term: then their
        groups' literals, fewest first."""
        domain = built.start_domains[project.id]
        starts = built.calendar.start_rules(project)
        literals = {key: self.literals[(rule, (project.id,))]
                    for rule, key in _calendar_rules(project).items()
                    if (rule, (project.id,)) in self.literals}
        for key, literal in literals.items():
            if in_term(day for day in domain if starts[key][day]):
                return [literal]
        if len(literals) == 2 and in_term(
                day for day in domain if starts["months"][day] and starts["holiday"][day]):
            return list(literals.values())
        return None


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
