"""`TrainingModel`: the CP-SAT model of one instance, built family by family from its parts.

Each constraint family is one function, listed in `TrainingModel._build` with the rules
(`scheduler.core.rules.Rule`) it enforces; `scheduler.core.validate` checks the same rules on its
own. Three collaborators, chosen when the model is made, make it one of four models: `switches`
(`Strict`, or `Relaxable` in explain mode), `replanning` (`FreshPlan`, or `Replanning` against
an earlier plan) and `fixed` (the projects a neighbourhood keeps where they are; none for the
whole model).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator

from ortools.sat.python import cp_model

from models.instance import Instance, Trainer, Venue
from scheduler.core.calendar import YearCalendar
from scheduler.core.hours import ShortfallRow, WholeRow
from scheduler.core.replan import Replan
from scheduler.core.rules import Rule
from scheduler.core.sessions import SessionSplit, split_project
from scheduler.core.teachers import TownShares, town_shares
from scheduler.model import projects, resources, towns
from scheduler.model.neighbourhood import FixedPart
from scheduler.model.objective import minimize_objective
from scheduler.model.relaxable import RELAXABLE_RULES, Group, Relaxable, Strict
from scheduler.model.replanning import FreshPlan, Replanning
from scheduler.model.variables import IntVar, PhaseVars, ProjectVars, SessionVars, project_variables

HoursRow = tuple[ShortfallRow, WholeRow]


class TrainingModel:
    """Builds the model; `projects` maps project ids to their variables, `unschedulable` maps
    the ids of projects that cannot run at all to the reason.

    With `relaxable=True` it builds the explain mode instead (`scheduler.model.relaxable`):
    the mandatory projects only, no objective, and every constraint a planner could relax
    switched on by its group's literal (`groups`). With `replan` it re-plans against an earlier
    plan (`scheduler.model.replanning`). With `fixed` (`scheduler.search.lns`) it builds a
    neighbourhood (`scheduler.model.neighbourhood`): variables only for the projects not in
    it, the fixed ones' session-phases as constants in every constraint they share (not with
    `relaxable` or `replan`); its objective leaves out the fixed projects' own terms. The
    normal model is built exactly as without them.
    """

    def __init__(self, instance: Instance, calendar: YearCalendar | None = None, *,
                 relaxable: bool = False, replan: Replan | None = None,
                 fixed: FixedPart | None = None,
                 splits: dict[str, SessionSplit | str] | None = None,
                 hours_rows: list[HoursRow] | None = None):
        """`splits`: each project's `split_project`, where already made; `hours_rows`, the
        instance's `hours_rows`, where already made (a neighbourhood takes its whole model's rather
        than making them anew at every step; docs/performance.md has the cost)."""
        self.instance = instance
        self.calendar = calendar or YearCalendar(instance)
        self.model = cp_model.CpModel()
        self.replan = replan
        self.switches: Strict | Relaxable = Relaxable(self.model) if relaxable else Strict()
        self.replanning: FreshPlan | Replanning = (
            FreshPlan() if replan is None else Replanning(replan))
        self.fixed = fixed if fixed is not None else FixedPart({}, [])
        self.fixes_seat_totals = not relaxable and replan is None
        """Whether seats by town may be fixed in advance (`_never_away_in_term`): not in
        explain mode (no objective) nor when re-planning (a held class keeps its seats)."""
        self._splits = splits or {}
        self.projects: dict[str, ProjectVars] = {}
        self.unschedulable: dict[str, str] = {}
        self.rules: set[Rule] = set()
        """The rules whose constraints the model holds: those of each family that added any."""
        self._family_rules: tuple[Rule, ...] = ()
        self.start_domains: dict[str, list[int]] = {}
        """Each project's start days, as its variables hold them."""
        self.seat_totals: dict[str, dict[str, int]] = {}
        """The seats by town of the projects whose totals are fixed (`_never_away_in_term`): at
        no cost to the optimum, so the relaxation's bound may fix them too."""
        self.hours_rows = hours_rows
        """`hours_short` as the model holds it (`scheduler.core.hours.shortfall_rows`, each row with
        its whole-number form), made with the objective."""
        self.hours_slack = 0
        """The most the model's objective may exceed the plan's own for the same plan: the
        weight of `hours` for each row of `hours_short` the model rounds up to a whole number
        (`scheduler.model.objective.hours_term`); 0 where it holds the objective exactly."""
        self._venues_by_id = {venue.id: venue for venue in instance.venues}
        self._trainers_by_id = {trainer.id: trainer for trainer in instance.trainers}
        self._build()

    def _build(self) -> None:
        # The constraint families, each with the rules it enforces. The sessions come first,
        # as every family constrains their variables, and the kept sessions of a re-plan after
        # the venue and trainer choices they fix; the order otherwise only groups the model dump.
        families: tuple[tuple[Callable[[TrainingModel], None], tuple[Rule, ...]], ...] = (
            (TrainingModel._sessions_and_start_days,
             (Rule.SESSION_COUNT, Rule.SESSION_LENGTH, Rule.YEAR, Rule.PUBLIC_HOLIDAY,
              Rule.WEEKEND, Rule.MONTHS, Rule.HOLIDAY_REQUIRED, Rule.HOLIDAY_FORBIDDEN,
              Rule.BLACKOUT, Rule.SEATS_TOWN, Rule.SEATS_NEGATIVE, Rule.SEATS_PHASES,
              Rule.SEATS_AUDIENCE)),
            (self.switches.calendar_rules,
             (Rule.MONTHS, Rule.HOLIDAY_REQUIRED, Rule.HOLIDAY_FORBIDDEN)),
            (projects.mandatory_projects, (Rule.MANDATORY_DROPPED,)),
            (projects.session_sizes_and_seats,
             (Rule.SESSION_SIZE, Rule.HEADCOUNT, Rule.SEATS_POOL)),
            (projects.sessions_in_date_order, ()),
            (projects.rural_quota, (Rule.RURAL_QUOTA,)),
            (projects.phase_order, (Rule.PHASE_GAP,)),
            (projects.spread, (Rule.SPREAD,)),
            (resources.venue_choice,
             (Rule.VENUE_MODE, Rule.VENUE_CAPACITY, Rule.VENUE_FEATURES, Rule.VENUE_RURAL,
              Rule.TO_AREA)),
            (resources.venue_one_session_a_day,
             (Rule.VENUE_ONE_SESSION_A_DAY, Rule.VENUE_UNAVAILABLE)),
            (resources.trainer_choice_and_topics,
             (Rule.TRAINER_COUNT, Rule.TRAINER_DISTINCT, Rule.TRAINER_TOPIC, Rule.TRAINER_COVER)),
            (resources.trainer_one_session_a_day,
             (Rule.TRAINER_ONE_SESSION_A_DAY, Rule.TRAINER_UNAVAILABLE)),
            (resources.trainer_max_days, (Rule.TRAINER_MAX_DAYS,)),
            (projects.precedence, (Rule.AFTER,)),
            (towns.absence_cap, (Rule.ABSENCE_CAP,)),
            (towns.one_training_a_day, (Rule.ONE_TRAINING_A_DAY,)),
            (self.replanning.kept_from_baseline, (Rule.HELD, Rule.PINNED)),
        )
        proto = self.model.proto
        for family, rules in families:
            size = len(proto.variables) + len(proto.constraints)
            self._family_rules = rules
            family(self)
            if len(proto.variables) + len(proto.constraints) > size:
                self.rules.update(rules)
        self._family_rules = ()
        if self.switches.has_objective:
            minimize_objective(self)

    @property
    def groups(self) -> dict[int, Group]:
        """Explain mode: each group literal's index with its `Group`; empty otherwise."""
        return self.switches.groups

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

    @functools.cached_property
    def town_shares(self) -> dict[str, TownShares]:
        """The towns where projects share teachers (`scheduler.core.teachers`)."""
        return town_shares(self.instance)

    def guard(self, rule: Rule, entities: tuple[str, ...]) -> list[IntVar]:
        """The literal that switches on the group (rule, entities) in explain mode, made on
        first use; none in the normal model, where every constraint always holds."""
        assert rule in RELAXABLE_RULES and rule in self._family_rules, rule
        return self.switches.literal(rule, entities)

    def tasks(self) -> Iterator[tuple[ProjectVars, SessionVars, PhaseVars]]:
        """Every session-phase with its session and project."""
        for variables in self.projects.values():
            for session in variables.sessions:
                for phase in session.phases:
                    yield variables, session, phase

    def venue(self, venue_id: str) -> Venue:
        return self._venues_by_id[venue_id]

    def trainer(self, trainer_id: str) -> Trainer:
        return self._trainers_by_id[trainer_id]

    def _sessions_and_start_days(self) -> None:
        """The sessions of every project that can run (`split_project`; the others go to
        `unschedulable`), as variables: each phase lasts the project's days and starts on a day
        its calendar allows (in the year, its months and holiday rule, no public holiday,
        blackout of its audiences or, weekdays only, weekend); a session has one seat count per
        town with teachers of its audiences, the same in every phase."""
        shared = {project for shares in self.town_shares.values()
                  for project in shares.pools}
        for project in self.instance.projects:
            if not self.switches.includes(project) or project.id in self.fixed.spans:
                continue
            split = self._splits.get(project.id) or split_project(self.instance, project,
                                                                  self.calendar)
            if isinstance(split, str):
                self.unschedulable[project.id] = split
                continue
            days = self.start_domains[project.id] = self.switches.start_days(self.calendar,
                                                                             split)
            variables = project_variables(self.model, self.instance, split, days)
            self.projects[project.id] = variables
            if (project.headcount != "all" and project.id not in shared
                    and self._never_away_in_term(variables)):
                self.seat_totals[project.id] = self.instance.fair_seats(project)

    def _never_away_in_term(self, variables: ProjectVars) -> bool:
        """Whether the project's seats by town are best fixed in advance at
        `Instance.fair_seats`: its classes never keep teachers from school (online, or no
        start day puts a day in term) and it shares its teachers with no other project (one
        training at a time: `town_shares`), so how its seats fall among its classes changes
        no rule and no term but `share` and the quota, which those totals meet best. Without it
        CP-SAT spends its steps on equivalent seatings. Not where `fixes_seat_totals` is off."""
        if not self.fixes_seat_totals:
            return False
        project = variables.project
        if not project.mode.takes_teachers_away:
            return True
        school = self.calendar.school_days
        return not any(any(school[start:start + project.days])
                       for start in self.start_domains[project.id])
