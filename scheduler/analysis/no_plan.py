"""Why there is no plan, in the planner's terms, and what change would give one.

`explain(instance)` works in three steps, all within one time limit:

1. **Pre-checks** (`scheduler.core.sessions.precheck`): causes that need no search — no trainer for
a
   topic, no venue with the features and seats, a holiday-required project whose months touch
   no holiday, a rural quota above the rural teachers, no start day, phases or `after` chains
   that do not fit. Each is a sentence naming the project and what it lacks.
2. **The conflict**, when the pre-checks pass and there is still no plan: the explain mode of
   `TrainingModel` switches every rule a planner could change on by one literal per rule and
   entity ("venue hall can host one session a day", "trainer t3 teaches at most 20 days" …).
   CP-SAT names a set of them that cannot hold together (its sufficient assumptions, which need
   a single worker), and the set is shrunk by deletion: each member is switched off in turn and
   left out if the rest still has no plan. What remains is minimal: relaxing any one of its
   rules removes this conflict (there may be others).
3. **Suggestions**: for each rule of the conflict (or each pre-check finding), the smallest
   concrete change of the instance that gives a plan — one more month, one more session, the
   quota lowered to the largest value that works, the absence cap raised to the smallest share
   that works, a trainer's max_days raised, a closure or absence lifted, a second room or
   trainer like a busy one, one more trainer who is never away, the project made optional. They
   are tried smallest tier first (`NUDGE` … `DROP`). Months are added only where the project's
   holiday rule leaves it days, and term-time (`forbidden`) training is never offered the
   holidays: it needs the pupils. The largest change of each kind is tried first; if even
   that gives no plan, the rule is reported as "not enough on its own" and the smaller ones are
   not tried. Otherwise the smallest that works is searched for (by a quick feasibility model of
   the mandatory projects), then the real model is solved on the changed instance and its plan
   checked with `scheduler.core.validate`: a suggestion says "would work" only if that plan passed.

Only mandatory projects can make a plan infeasible (an optional one can be dropped, and a dropped
project constrains nothing), so the quick models hold the mandatory projects alone.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from models.classes import class_areas, qualified_trainers, usable_venues
from models.fields import DateRange, ranges_text
from models.instance import HolidayRule, Instance, Objective, Project, Trainer, Weights
from scheduler.core.calendar import YearCalendar, range_dates
from scheduler.core.explanation import (
    FEASIBLE,
    INFEASIBLE,
    LISTED,
    SEMICOLONS,
    TOGETHER,
    UNKNOWN,
    Conflicting,
    Edit,
    Explanation,
    Relaxed,
    Suggestion,
)
from scheduler.core.hours import hours_out_of_reach
from scheduler.core.kpis import weighted_objective
from scheduler.core.rules import Cause, Rule
from scheduler.core.sessions import Finding, as_named, check_project, precheck
from scheduler.core.validate import validate
from scheduler.messages import Joined, Named, Phrase, phrase
from scheduler.model import Group, TrainingModel
from scheduler.search.solve import solve

# The order in which deletion tries to leave rules out of the conflict: the generic ones first,
# so that the minimal set keeps the most specific rules a planner can act on.
DELETION_ORDER = (Rule.TRAINER_ONE_SESSION_A_DAY, Rule.VENUE_ONE_SESSION_A_DAY,
                  Rule.HOLIDAY_REQUIRED, Rule.HOLIDAY_FORBIDDEN, Rule.AFTER, Rule.PHASE_GAP,
                  Rule.TRAINER_UNAVAILABLE, Rule.VENUE_UNAVAILABLE, Rule.TRAINER_MAX_DAYS,
                  Rule.RURAL_QUOTA, Rule.ABSENCE_CAP, Rule.MONTHS, Rule.MANDATORY_DROPPED)
# The order in which a conflict is printed: the projects' own rules, then venues, trainers, towns.
PRINT_ORDER = (Rule.MANDATORY_DROPPED, Rule.MONTHS, Rule.HOLIDAY_REQUIRED,
               Rule.HOLIDAY_FORBIDDEN, Rule.PHASE_GAP, Rule.AFTER, Rule.RURAL_QUOTA,
               Rule.VENUE_UNAVAILABLE, Rule.VENUE_ONE_SESSION_A_DAY, Rule.TRAINER_UNAVAILABLE,
               Rule.TRAINER_ONE_SESSION_A_DAY, Rule.TRAINER_MAX_DAYS, Rule.ABSENCE_CAP)

# Tiers of change, smallest first: a limit nudged (a month, a session, a quota, a cap, max_days,
# a gap); a closure or absence lifted; a rule of the project changed (holiday rule, weekends,
# `after`, trainers' topics, venue features); one more room or trainer found; the project dropped.
NUDGE, AVAILABILITY, RULE, RESOURCE, DROP = range(1, 6)

_QUICK_SOLVE = 10.0  # seconds, at most, for one quick feasibility model
_PLAN_SOLVE = 20.0  # seconds, at most, for one real solve of a changed instance


def explain(instance: Instance, *, time_limit: float = 60.0,
            workers: int | None = None) -> Explanation:
    """Explain why `instance` has no plan, and what would give one, within `time_limit` s."""
    return _NoPlanSearch(instance, time_limit, workers or os.cpu_count() or 1).run()


# --- the work -------------------------------------------------------------------------------


@dataclass
class _Option:
    """One concrete change: `apply` makes it on any instance that has the entities it names."""

    change: Phrase
    edits: tuple[Edit, ...]
    size: float
    apply: Callable[[Instance], Instance]


@dataclass
class _Family:
    """Changes of one kind for one rule, smallest first; the last is the largest of its kind.
    The first `nested_from` options are tried one by one; from there on they are nested (if one
    gives a plan, every later one does too), so a search finds the smallest that works.
    `label` names the rule or finding they relax (None: several, or one it does not name)."""

    rule: Relaxed
    entities: tuple[str, ...]
    label: Phrase | None
    tier: int
    options: list[_Option]
    nested_from: int = 0
    dropped_project: str | None = None  # for "made optional": say whether the plan drops it


class _NoPlanSearch:
    """The search for why an instance has no plan: its causes, then the smallest changes that
    give one, each tried by solving."""

    def __init__(self, instance: Instance, time_limit: float, workers: int):
        self.instance = instance
        self.calendar = YearCalendar(instance)
        self.workers = workers
        self.started = time.monotonic()
        self.deadline = self.started + time_limit
        self.complete = True

    def left(self, cap: float) -> float:
        """Seconds for one solve: at most `cap`, and no more than are left."""
        return max(min(self.deadline - time.monotonic(), cap), 0.0)

    def share(self, part: float, cap: float) -> float:
        """`part` of the seconds left (at least one), at most `cap`."""
        return self.left(min(max(part * self.left(math.inf), 1.0), cap))

    def out_of_time(self) -> bool:
        if time.monotonic() >= self.deadline - 0.05:
            self.complete = False
            return True
        return False

    def run(self) -> Explanation:
        findings = precheck(self.instance, self.calendar)
        explanation = Explanation(
            self.instance.name, INFEASIBLE,
            findings=[finding for finding in findings if finding.blocking],
            dropped=[finding for finding in findings if not finding.blocking],
            hours=hours_out_of_reach(self.instance))
        if len(explanation.findings) == 1:
            families = sorted(self._finding_families(explanation.findings[0]),
                              key=lambda family: family.tier)
        elif explanation.findings:
            families = self._together(explanation.findings)
        else:
            status, conflict, minimal = self._conflict()
            explanation.status, explanation.minimal = status, minimal
            explanation.conflict = sorted((_worded(self.instance, group) for group in conflict),
                                          key=_print_key)
            families = self._group_families(explanation.conflict)
        if explanation.status == INFEASIBLE:
            explanation.suggestions, explanation.not_enough = self._suggest(families)
        explanation.complete = self.complete
        explanation.seconds = time.monotonic() - self.started
        return explanation

    # --- step 2: the conflict ------------------------------------------------------------

    def _conflict(self) -> tuple[str, list[Group], bool]:
        """A minimal set of groups that cannot hold together, by CP-SAT's sufficient
        assumptions and deletion; ("feasible" | "unknown", [], …) if there is none to find."""
        built = TrainingModel(self.instance, self.calendar, relaxable=True)
        every = set(built.groups)
        # One worker with assumptions names a conflict at once when propagation finds it;
        # when it needs search, every worker decides first (see below).
        status, core = self._assume(built, every, self.share(0.3, 5.0))
        if status == FEASIBLE:
            return FEASIBLE, [], True
        if status == UNKNOWN:
            # One worker could not decide: decide with all of them, then narrow the conflict
            # down to the projects it needs before asking one worker again.
            status = self._decide(built, every, self.left(_QUICK_SOLVE * 3))
            if status != INFEASIBLE:
                return status, [], True
            core = self._fewer_projects(built, every)
            status, smaller = self._assume(built, core, self.left(_QUICK_SOLVE))
            if status == INFEASIBLE:
                core = smaller
        else:
            core = self._fewer_projects(built, core)
        minimal = True
        for index in sorted(core, key=lambda index: _deletion_key(built.groups[index])):
            if index not in core:
                continue
            if self.out_of_time():
                minimal = False
                break
            status = self._decide(built, core - {index}, self.left(_QUICK_SOLVE))
            if status == INFEASIBLE:
                core = core - {index}
            elif status == UNKNOWN:
                minimal = False
        return INFEASIBLE, [built.groups[index] for index in core], minimal

    def _fewer_projects(self, built: TrainingModel, core: set[int]) -> set[int]:
        """Leave out, one at a time, every project whose rules the conflict does not need: the
        projects with most sessions first, since without them the rest is quickest to solve."""
        projects = sorted(
            ((index, group.entities[0]) for index, group in built.groups.items()
             if group.rule == Rule.MANDATORY_DROPPED and index in core),
            key=lambda item: -sum(len(session.phases)
                                  for session in built.projects[item[1]].sessions))
        for _, project_id in projects:
            if self.out_of_time():
                break
            trial = {other for other in core
                     if project_id not in built.groups[other].entities
                     or built.groups[other].rule not in _PROJECT_RULES}
            if self._decide(built, trial, self.left(_QUICK_SOLVE)) == INFEASIBLE:
                core = trial
        return core

    def _assume(self, built: TrainingModel, on: set[int],
                limit: float) -> tuple[str, set[int]]:
        """Solve with the groups `on` as assumptions (the others off) on one worker, which
        CP-SAT needs for its sufficient assumptions to be a real subset."""
        model = built.model.clone()
        for index in set(built.groups) - on:
            model.add(model.get_bool_var_from_proto_index(index) == 0)
        model.add_assumptions([model.get_bool_var_from_proto_index(index) for index in on])
        solver = _solver(limit, 1)
        status = _status(solver.solve(model))
        if status != INFEASIBLE:
            return status, set()
        return status, set(solver.sufficient_assumptions_for_infeasibility()) & on

    def _decide(self, built: TrainingModel, on: set[int], limit: float) -> str:
        """Whether the explain model has a solution with exactly the groups `on` switched on:
        fixed rather than assumed, so presolve can use them and every worker can help."""
        model = built.model.clone()
        for index in built.groups:
            model.add(model.get_bool_var_from_proto_index(index) == int(index in on))
        return _status(_solver(limit, self.workers).solve(model))

    # --- step 3: suggestions -------------------------------------------------------------

    def _suggest(self, families: list[_Family]) -> tuple[list[Suggestion], list[Phrase]]:
        """The smallest working option of each family, tried for real; and the labels of the
        rules none of whose families gave a plan even at their largest."""
        suggestions: list[Suggestion] = []
        failed: list[Phrase | None] = []
        helped: set[Phrase | None] = set()
        tried: set[Phrase] = set()
        for family in families:
            if self.out_of_time():
                break
            option = self._smallest_that_works(family)
            if option is None:
                failed.append(family.label)
                continue
            helped.add(family.label)
            if family.rule == Rule.MONTHS:
                option = self._fewest_months(option, family)
            if option.change in tried or _dominated(option, family, suggestions):
                continue
            tried.add(option.change)
            if self.out_of_time():
                break
            works, note = self._gives_a_plan(option.apply(self.instance), family)
            suggestions.append(Suggestion(option.change, family.rule, family.entities,
                                          option.edits, family.tier, option.size, works, note))
        suggestions.sort(key=lambda suggestion: (not suggestion.works, suggestion.rank))
        not_enough = [label for label in dict.fromkeys(failed) if label and label not in helped]
        return suggestions, not_enough

    def _fewest_months(self, option: _Option, family: _Family) -> _Option:
        """The months an extension adds, thinned one by one (farthest first) while the quick
        model still finds a plan: "months 2, 3" becomes "month 2" when March alone does not
        help."""
        project = self.instance.project(family.entities[0])
        allowed = project.allowed_months
        added = set(option.edits[0].after) - allowed
        best = option
        for month in sorted(added, key=lambda month: -_month_distance(month, allowed)):
            if len(added) == 1 or self.out_of_time():
                break
            fewer = _months_option(self.instance, project, allowed | (added - {month}))
            if self._quick(fewer.apply(self.instance)):
                added -= {month}
                best = fewer
        return best

    def _smallest_that_works(self, family: _Family) -> _Option | None:
        """The smallest option of the family the quick model finds feasible, or None if even
        the largest is not (or the time ran out)."""
        options = family.options
        if not options or self._quick(options[-1].apply(self.instance)) is not True:
            return None
        for option in options[:min(family.nested_from, len(options) - 1)]:
            if self.out_of_time():
                return options[-1]
            if self._quick(option.apply(self.instance)):
                return option
        if family.nested_from < len(options) - 1:
            nested = options[family.nested_from:]
            low, high = -1, len(nested) - 1  # nested[high] works; nested[low] does not
            step = 1
            while low + step < high:  # gallop from the smallest change: answers are often near
                if self.out_of_time():
                    return nested[high]
                if self._quick(nested[low + step].apply(self.instance)):
                    high = low + step
                    break
                low += step
                step *= 2
            while high - low > 1:
                if self.out_of_time():
                    return nested[high]
                middle = (low + high) // 2
                if self._quick(nested[middle].apply(self.instance)):
                    high = middle
                else:
                    low = middle
            return nested[high]
        return options[-1]

    def _quick(self, instance: Instance) -> bool | None:
        """Whether the mandatory projects of `instance` fit together: the normal model of them
        alone, without objective. None when not decided in time."""
        mandatory = [project for project in instance.projects if project.mandatory]
        if not mandatory:
            return True
        alone = instance.model_copy(update={"projects": mandatory})
        if any(finding.blocking for finding in precheck(alone)):
            return False
        built = TrainingModel(alone)
        built.model.clear_objective()
        status = _status(_solver(self.left(_QUICK_SOLVE), self.workers).solve(built.model))
        return {FEASIBLE: True, INFEASIBLE: False}.get(status)

    def _gives_a_plan(self, changed: Instance, family: _Family) -> tuple[bool, Phrase | None]:
        """Solve the changed instance with the real model (weights zeroed: any plan will do,
        and the search stops at the first) and check the plan with the independent checker."""
        quiet = changed.model_copy(update={"objective": Objective(weights=Weights(
            dropped=0, share=0, rural_venue=0, preference=0, balance=0, cost=0, hours=0))})
        limit = self.left(_PLAN_SOLVE)
        if limit <= 0.1:
            self.complete = False
            return False, phrase(WORDS["not tried"])
        solution = solve(quiet, time_limit=limit, workers=self.workers).solution
        if not solution.status.has_schedule:
            return False, None
        solution = solution.model_copy(update={
            "objective": weighted_objective(changed, solution.kpis), "bound": None})
        if validate(changed, solution):
            return False, phrase(WORDS["broke a rule"])
        if family.dropped_project is None:
            return True, None
        dropped = family.dropped_project in solution.dropped
        return True, phrase(WORDS["then dropped" if dropped else "can still run"])

    def _together(self, findings: list[Finding]) -> list[_Family]:
        """Several projects cannot run, and each must be fixed: one suggestion makes the first
        change of each that lets its project pass the pre-checks, all together; another makes
        them all optional."""
        options: list[_Option] = []
        for finding in findings:
            own = sorted((family for family in self._finding_families(finding)
                          if family.tier != DROP), key=lambda family: family.tier)
            for family in own:
                fixed = next((option for option in family.options
                              if not _still_blocked(option.apply(self.instance), finding)), None)
                if fixed is not None:
                    options.append(fixed)
                    break
        together = []
        if len(options) == len(findings):
            together.append(_Family(TOGETHER, (), None, NUDGE, [_combine(options)]))
        blocked = sorted({project for finding in findings for project in finding.projects
                          if self.instance.project(project).mandatory})
        together += [_Family(Rule.MANDATORY_DROPPED, tuple(blocked), None, DROP, [_combine(
            [_make_optional(self.instance, project) for project in blocked])])]
        return together

    # --- which changes to try ------------------------------------------------------------

    def _group_families(self, conflict: list[Conflicting]) -> list[_Family]:
        """The changes that relax each rule of the conflict (`RELAXATIONS`), and with the caps
        of several towns in it, the policy's cap for all of them."""
        context = _Conflict(self.instance, self.calendar, conflict)
        families = [family for group in conflict
                    for family in RELAXATIONS[group.rule](context, group)]
        if len(context.towns) > 1:
            families.append(_policy_absence_family(self.instance))
        families.sort(key=lambda family: family.tier)
        return families

    def _finding_families(self, finding: Finding) -> list[_Family]:
        instance = self.instance
        project_id = finding.projects[-1]
        project = instance.project(project_id)
        label = finding.sentence
        families: list[_Family] = []
        rule = finding.rule
        if rule == Rule.VENUE_FEATURES:
            families += _venue_feature_families(instance, project_id, label)
        elif rule == Cause.VENUE_SIZE:
            families.append(_sessions_family(instance, self.calendar, project_id, label))
        elif rule in (Rule.TRAINER_TOPIC, Rule.TRAINER_COUNT):
            families += _trainer_topic_families(instance, project_id, label)
            if rule == Rule.TRAINER_COUNT:
                families.append(_trainer_count_family(instance, project_id, label))
        elif rule == Rule.TRAINER_MAX_DAYS:
            for _, trainer_id in finding.entities[:3]:
                families.append(_max_days_family(instance, self.calendar, trainer_id, label))
        elif rule == Cause.TRAINER_AVAILABILITY:
            families += _trainers_away_families(instance, self.calendar, finding)
        elif rule == Cause.VENUE_AVAILABILITY:
            for kind, venue_id in finding.entities:
                if kind == "venue":
                    families.append(_venue_open_family(instance, venue_id, label))
        elif rule == Rule.RURAL_QUOTA:
            families.append(_quota_family(instance, project_id, label,
                                          instance.rural_pool(project)))
        elif rule in (Cause.HOLIDAY_MONTHS, Cause.NO_START_DAY, Cause.PHASES):
            if rule == Cause.HOLIDAY_MONTHS:
                families.append(_holiday_months_family(instance, project_id, label))
            families += _months_families(instance, self.calendar, project_id, label)
            if rule == Cause.PHASES and project.min_gap_days:
                families.append(_gap_family(instance, project_id, label))
            if project.holiday is HolidayRule.REQUIRED:
                families.append(_holiday_family(instance, project_id, label))
            if instance.weekdays_only(project) and rule == Cause.NO_START_DAY:
                families.append(_weekends_family(instance, project_id, label))
        elif rule == Rule.TO_AREA:
            room = _area_room_family(instance, project_id, label)
            families += [room] if room is not None else []
            families.append(_central_family(instance, project_id, label))
        elif rule == Rule.ONE_TRAINING_A_DAY:
            families += _months_families(instance, self.calendar, project_id, label)
        elif rule == Cause.AFTER_CHAIN:
            earlier = finding.projects[-2]
            families += _months_families(instance, self.calendar, project_id, label)
            families.append(_after_family(instance, project_id, earlier, label))
        if project.mandatory:
            families.append(_optional_family(instance, project_id, label))
        return families


# --- the families of changes ----------------------------------------------------------------


_PROJECT_RULES = {Rule.MANDATORY_DROPPED, Rule.MONTHS, Rule.HOLIDAY_REQUIRED,
                  Rule.HOLIDAY_FORBIDDEN, Rule.PHASE_GAP, Rule.RURAL_QUOTA, Rule.AFTER}


def _optional_family(instance: Instance, project_id: str, label: Phrase) -> _Family:
    option = _make_optional(instance, project_id)
    return _Family(Rule.MANDATORY_DROPPED, (project_id,), label, DROP, [option],
                   dropped_project=project_id)


def _make_optional(instance: Instance, project_id: str) -> _Option:
    project = instance.project(project_id)
    return _Option(phrase(WORDS["optional"], project=as_named(project)),
                   (_project_edit(instance, project_id, "priority", 1),), 1,
                   _set_item("projects", project_id, priority=1))


def _months_families(instance: Instance, calendar: YearCalendar, project_id: str,
                     label: Phrase) -> list[_Family]:
    """More months, three ways, each nested (one more month at a time): earlier months, later
    months, and both at once (every month within 1, 2 … months of the allowed ones). Only
    months its holiday rule leaves a day in are added: term-time training is never offered a
    month all inside the holidays."""
    project = instance.project(project_id)
    allowed = project.allowed_months
    first, last = min(allowed), max(allowed)
    sides = {
        "earlier": [allowed | set(range(first - reach, first)) for reach in range(1, first)],
        "later": [allowed | set(range(last + 1, last + reach + 1))
                  for reach in range(1, 13 - last)],
        "around": [{month for month in range(1, 13) if _month_distance(month, allowed) <= reach}
                   for reach in range(1, 12)],
    }
    kept = allowed | _months_of_its_holiday_rule(calendar, project)
    families = []
    for months_sets in sides.values():
        options = _unique([_months_option(instance, project, months & kept)
                           for months in months_sets if months & kept != allowed])
        if options:
            families.append(_Family(Rule.MONTHS, (project_id,), label, NUDGE, options))
    return families


def _months_option(instance: Instance, project: Project, months: set[int]) -> _Option:
    added = sorted(months - project.allowed_months)
    return _Option(phrase(WORDS["more months"], project=as_named(project),
                          months=_months_words(added)),
                   (_project_edit(instance, project.id, "months", sorted(months)),),
                   len(added) / 12, _set_item("projects", project.id, months=sorted(months)))


def _dominated(option: _Option, family: _Family, suggestions: list[Suggestion]) -> bool:
    """Whether a working suggestion of more months for the same project adds only some of the
    months this option adds (then this one is no smaller a change)."""
    if family.rule != Rule.MONTHS:
        return False
    added = set(option.edits[0].after)
    return any(suggestion.works and suggestion.rule == Rule.MONTHS
               and suggestion.entities == family.entities
               and set(suggestion.edits[0].after) <= added for suggestion in suggestions)


def _holiday_months_family(instance: Instance, project_id: str, label: Phrase) -> _Family:
    """A holiday-required project whose months touch no holiday window: each month of a window
    added alone, nearest first, then all the windows' months."""
    project = instance.project(project_id)
    allowed = project.allowed_months
    in_windows = sorted({date.month for window in instance.calendar.holiday_windows
                         for date in window.days() if date.year == instance.year} - allowed,
                        key=lambda month: (_month_distance(month, allowed), month))
    options = [_months_option(instance, project, allowed | {month}) for month in in_windows]
    if len(in_windows) > 1:
        options.append(_months_option(instance, project, allowed | set(in_windows)))
    return _Family(Rule.MONTHS, (project_id,), label, NUDGE, options, nested_from=len(options))


def _months_of_its_holiday_rule(calendar: YearCalendar, project: Project) -> set[int]:
    """The months with a day the project's holiday rule lets it train on: for `forbidden` a
    day outside every holiday window, for `required` a day inside one, for `allowed` any."""
    if project.holiday is HolidayRule.ALLOWED:
        return set(range(1, 13))
    inside = project.holiday is HolidayRule.REQUIRED
    return {date.month for date, window in zip(calendar.dates, calendar.holiday_window_of_day,
                                               strict=True) if (window is not None) == inside}


def _month_distance(month: int, allowed: set[int]) -> int:
    return min(abs(month - other) for other in allowed)


def _weekends_family(instance: Instance, project_id: str, label: Phrase) -> _Family:
    project = instance.project(project_id)
    option = _Option(phrase(WORDS["weekends"], project=as_named(project)),
                     (_project_edit(instance, project_id, "weekdays_only", False),), 1,
                     _set_item("projects", project_id, weekdays_only=False))
    return _Family(Rule.WEEKEND, (project_id,), None, RULE, [option])


def _area_room_family(instance: Instance, project_id: str, label: Phrase) -> _Family | None:
    """A `to_area` project an area cannot host: a room like the largest it may use, in a town
    of that area (a rural one, where it needs a rural venue)."""
    project = instance.project(project_id)
    venues = usable_venues(instance, project)
    area = class_areas(instance, project, venues)
    town = next((town for town in instance.towns if town.area_id == area
                 and (town.rural or project.venue_rural != "required")), None)
    if not venues or not isinstance(area, str) or town is None:
        return None
    like = max(venues, key=lambda venue: venue.capacity)
    room = like.model_copy(update={
        "id": _fresh_id(f"{town.id}-room", {venue.id for venue in instance.venues}),
        "name": f"{town.name} 培训室", "town": town.id, "unavailable": []})
    option = _Option(
        phrase(WORDS["area room"], venue=as_named(like), capacity=like.capacity,
               town=town.name, area=area),
        (Edit(f"venues[{len(instance.venues)}]", None, room),), 1,
        _append_items("venues", [room]))
    return _Family(Rule.TO_AREA, (project_id,), label, RULE, [option])


def _central_family(instance: Instance, project_id: str, label: Phrase) -> _Family:
    """A `to_area` project an area cannot host, brought to one venue for all its trainees:
    offered after a room in the area, as it gives up what the plan's document asks."""
    project = instance.project(project_id)
    option = _Option(phrase(WORDS["central"], project=as_named(project)),
                     (_project_edit(instance, project_id, "delivery", "central"),), 1,
                     _set_item("projects", project_id, delivery="central"))
    return _Family(Rule.TO_AREA, (project_id,), label, RESOURCE, [option])


def _holiday_family(instance: Instance, project_id: str, label: Phrase) -> _Family:
    """A holiday-required project let run in term time too. The opposite is never offered:
    term-time (`forbidden`) training needs the pupils, so it is not moved into the holidays."""
    project = instance.project(project_id)
    option = _Option(phrase(WORDS["holiday allowed"], project=as_named(project)),
                     (_project_edit(instance, project_id, "holiday", "allowed"),), 1,
                     _set_item("projects", project_id, holiday=HolidayRule.ALLOWED))
    return _Family(Rule.HOLIDAY_REQUIRED, (project_id,), label, RULE, [option])


def _gap_family(instance: Instance, project_id: str, label: Phrase) -> _Family:
    project = instance.project(project_id)
    gap = project.min_gap_days
    options = [_Option(phrase(WORDS["shorter gap"], project=as_named(project), gap=gap,
                              shorter=shorter),
                       (_project_edit(instance, project_id, "min_gap_days", shorter),),
                       (gap - shorter) / gap,
                       _set_item("projects", project_id, min_gap_days=shorter))
               for shorter in range(gap - 1, -1, -1)]
    return _Family(Rule.PHASE_GAP, (project_id,), label, NUDGE, options)


def _after_family(instance: Instance, project_id: str, earlier_id: str, label: Phrase) -> _Family:
    project, earlier = instance.project(project_id), instance.project(earlier_id)
    after = [other for other in project.after if other != earlier_id]
    option = _Option(phrase(WORDS["not after"], project=as_named(project),
                            earlier=as_named(earlier), earlier_id=earlier_id),
                     (_project_edit(instance, project_id, "after", after),), 1,
                     _set_item("projects", project_id, after=after))
    return _Family(Rule.AFTER, (project_id, earlier_id), label, RULE, [option])


def _quota_family(instance: Instance, project_id: str, label: Phrase, most: int) -> _Family:
    """The rural quota lowered, in steps of 0.01, starting from the first share that asks for
    at most `most` seats, down to 0."""
    project = instance.project(project_id)
    headcount = instance.headcount(project)
    current = project.rural_quota if project.rural_quota is not None \
        else instance.policy.rural_quota
    options = []
    seen = set()
    for hundredths in range(math.floor(round(current * 100, 9)), -1, -1):
        share = hundredths / 100
        seats = math.ceil(round(share * headcount, 9))
        if seats > most or seats in seen:
            continue
        seen.add(seats)
        options.append(_Option(
            phrase(WORDS["lower quota"], project=as_named(project), current=current,
                   share=share, seats=seats, headcount=headcount),
            (_project_edit(instance, project_id, "rural_quota", share),),
            current - share, _set_item("projects", project_id, rural_quota=share)))
    return _Family(Rule.RURAL_QUOTA, (project_id,), label, NUDGE, options)


def _absence_family(instance: Instance, town_id: str, label: Phrase) -> _Family:
    """The town's absence cap raised, in steps of 0.01 of its teachers, up to all of them."""
    town = instance.town(town_id)
    index = next(i for i, other in enumerate(instance.towns) if other.id == town_id)
    current = town.max_absence_share if town.max_absence_share is not None \
        else instance.policy.max_absence_share
    teachers = town.total_teachers
    options = []
    seen = {instance.absence_cap(town)}
    for hundredths in range(math.floor(round(current * 100, 9)) + 1, 101):
        share = hundredths / 100
        cap = math.floor(round(share * teachers, 9))
        if cap in seen:
            continue
        seen.add(cap)
        options.append(_Option(
            phrase(WORDS["town cap"], town=Named(town.id, town.name), share=share, cap=cap,
                   teachers=teachers, current=current),
            (Edit(f"towns[{index}].max_absence_share", town.max_absence_share, share),),
            share - current, _set_item("towns", town_id, max_absence_share=share)))
    return _Family(Rule.ABSENCE_CAP, (town_id,), label, NUDGE, options)


def _policy_absence_family(instance: Instance) -> _Family:
    current = instance.policy.max_absence_share
    options = []
    for hundredths in range(math.floor(round(current * 100, 9)) + 1, 101):
        share = hundredths / 100
        options.append(_Option(
            phrase(WORDS["policy cap"], share=share, current=current),
            (Edit("policy.max_absence_share", current, share),), share - current,
            _set_policy(max_absence_share=share)))
    return _Family(Rule.ABSENCE_CAP, ("policy",), phrase(WORDS["the policy's cap"]), NUDGE,
                   options)


def _sessions_family(instance: Instance, calendar: YearCalendar, project_id: str,
                     label: Phrase) -> _Family:
    """More sessions (smaller classes): one, two or three more than now, or as many as the
    largest usable venue needs."""
    project = instance.project(project_id)
    checked = check_project(instance, project, calendar)
    current = checked.count if not isinstance(checked, Finding) else project.sessions or 1
    headcount = instance.headcount(project)
    counts = [current + more for more in (1, 2, 3)]
    if isinstance(checked, Finding) and checked.rule == Cause.VENUE_SIZE:
        largest = max((venue.capacity for venue in instance.venues), default=1)
        if project.max_session_size is not None:
            largest = min(largest, project.max_session_size)
        needed = math.ceil(headcount / largest)
        counts = sorted({needed, needed + 1})
    options = [_Option(phrase(WORDS["more sessions"], project=as_named(project), count=count,
                              current=current),
                       (_project_edit(instance, project_id, "sessions", count),),
                       (count - current) / current,
                       _set_item("projects", project_id, sessions=count))
               for count in counts if count <= headcount]
    return _Family(Rule.SESSION_COUNT, (project_id,), label, NUDGE, options,
                   nested_from=len(options))


def _venue_copy_family(instance: Instance, venue_id: str, label: Phrase) -> _Family:
    venue = next(venue for venue in instance.venues if venue.id == venue_id)
    copy_id = _fresh_id(venue_id, {other.id for other in instance.venues})
    twin = venue.model_copy(update={"id": copy_id, "name": f"{venue.name}（第二间）"})
    option = _Option(
        phrase(WORDS["second room"], venue=as_named(venue), capacity=venue.capacity),
        (Edit(f"venues[{len(instance.venues)}]", None, twin),), 1,
        _append_items("venues", [twin]))
    return _Family(Rule.VENUE_ONE_SESSION_A_DAY, (venue_id,), label, RESOURCE, [option])


def _venue_open_family(instance: Instance, venue_id: str, label: Phrase) -> _Family:
    index, venue = next((i, venue) for i, venue in enumerate(instance.venues)
                        if venue.id == venue_id)
    path = f"venues[{index}].unavailable"
    options = _lifted_closures(
        venue.unavailable, path, as_named(venue), (WORDS["open venue"], WORDS["open venue always"]),
        lambda ranges: _set_item("venues", venue_id, unavailable=ranges))
    return _Family(Rule.VENUE_UNAVAILABLE, (venue_id,), label, AVAILABILITY, options,
                   nested_from=len(options))


def _trainer_copy_family(instance: Instance, trainer_id: str, label: Phrase) -> _Family:
    trainer = next(trainer for trainer in instance.trainers if trainer.id == trainer_id)
    copy_id = _fresh_id(trainer_id, {other.id for other in instance.trainers})
    twin = trainer.model_copy(update={"id": copy_id, "name": f"{trainer.name}之外的另一位专家"})
    option = _Option(
        phrase(WORDS["second trainer"], topics="、".join(trainer.topics),
               trainer=as_named(trainer)),
        (Edit(f"trainers[{len(instance.trainers)}]", None, twin),), 1,
        _append_items("trainers", [twin]))
    return _Family(Rule.TRAINER_ONE_SESSION_A_DAY, (trainer_id,), label, RESOURCE, [option])


def _trainers_away_families(instance: Instance, calendar: YearCalendar,
                            finding: Finding) -> list[_Family]:
    """For a project whose qualified trainers are never free in its months: the nearest other
    months; a trainer's absence lifted (most days a year first), or as many together as a
    session needs; fewer trainers a session; more trainers with its topics, never away."""
    project_id, label = finding.projects[-1], finding.sentence
    project = instance.project(project_id)
    able = sorted((trainer for trainer in instance.trainers
                   if ("trainer", trainer.id) in finding.entities),
                  key=lambda trainer: -trainer.max_days)
    away = [trainer for trainer in able if trainer.available is not None or trainer.unavailable]
    lifted = [_trainer_free_family(instance, trainer.id, label) for trainer in away]
    families = [*_months_families(instance, calendar, project_id, label), *lifted[:3]]
    needed = project.trainer_count - (len(able) - len(away))
    if 1 < needed <= len(lifted):
        families.append(_lifted_together(calendar, project, lifted[:needed], label))
    if project.trainer_count > 1:
        families.append(_trainer_count_family(instance, project_id, label))
    families.append(_trainer_never_away_family(instance, able[0].id, label, project.topics,
                                               project.trainer_count))
    return families


def _lifted_together(calendar: YearCalendar, project: Project, lifted: list[_Family],
                     label: Phrase) -> _Family:
    """Several trainers freed at once, as a session needs them together: of each, the absence
    whose lifting frees most days in the project's months (the smallest change if several)."""
    months = project.allowed_months
    chosen = [min(family.options,
                  key=lambda option: (-_days_freed(calendar, option, months), option.size))
              for family in lifted]
    return _Family(Rule.TRAINER_UNAVAILABLE, tuple(family.entities[0] for family in lifted),
                   label, AVAILABILITY, [_combine(chosen)])


def _days_freed(calendar: YearCalendar, option: _Option, months: set[int]) -> int:
    """How many days in `months` an option of `_trainer_free_family` frees."""
    freed: set[dt.date] = set()
    for edit in option.edits:
        if edit.path.endswith(".unavailable"):
            freed |= range_dates(edit.before) - range_dates(edit.after)
        else:  # the `available` days dropped: free all year
            freed |= set(calendar.dates) - range_dates(edit.before)
    return sum(1 for date in freed if date.month in months)


def _trainer_never_away_family(instance: Instance, trainer_id: str, label: Phrase,
                               topics: list[str], most: int = 1) -> _Family:
    """One more trainer (up to `most`, nested) who teaches `topics` and is never away, paid and
    booked like `trainer_id` otherwise: for trainers who are away when they are needed."""
    trainer = next(trainer for trainer in instance.trainers if trainer.id == trainer_id)
    taken = {other.id for other in instance.trainers}
    twins = []
    for number in range(1, most + 1):
        twin_id = _fresh_id(trainer_id, taken)
        taken.add(twin_id)
        twins.append(trainer.model_copy(update={
            "id": twin_id, "name": f"{trainer.name}之外的另一位专家{'' if number == 1 else number}",
            "topics": topics, "available": None, "unavailable": []}))
    first = len(instance.trainers)
    options = []
    for count in range(1, most + 1):
        options.append(_Option(
            phrase(WORDS["trainer never away" if count == 1 else "trainers never away"],
                   count=count, topics="、".join(topics), trainer=as_named(trainer)),
            tuple(Edit(f"trainers[{first + i}]", None, twin)
                  for i, twin in enumerate(twins[:count])),
            count, _append_items("trainers", twins[:count])))
    return _Family(Rule.TRAINER_UNAVAILABLE, (trainer_id,), label, RESOURCE, options)


def _relax_trainer_away(conflict: _Conflict, group: Conflicting) -> list[_Family]:
    """The trainer's days away lifted, or one more trainer like them who is never away."""
    instance, trainer_id = conflict.instance, group.entities[0]
    trainer = next(trainer for trainer in instance.trainers if trainer.id == trainer_id)
    return [_trainer_free_family(instance, trainer_id, group.label),
            _trainer_never_away_family(instance, trainer_id, group.label, trainer.topics)]


def _trainer_free_family(instance: Instance, trainer_id: str, label: Phrase) -> _Family:
    index, trainer = next((i, trainer) for i, trainer in enumerate(instance.trainers)
                          if trainer.id == trainer_id)
    path = f"trainers[{index}]"
    options = _lifted_closures(
        trainer.unavailable, f"{path}.unavailable", as_named(trainer),
        (WORDS["trainer free"], WORDS["trainer free always"]),
        lambda ranges: _set_item("trainers", trainer_id, unavailable=ranges))
    if trainer.available is not None:
        options.append(_Option(
            phrase(WORDS["all year not only"], trainer=as_named(trainer),
                   ranges=ranges_text(trainer.available)),
            (Edit(f"{path}.available", trainer.available, None),),
            365, _set_item("trainers", trainer_id, available=None)))
        if trainer.unavailable:
            options.append(_Option(
                phrase(WORDS["all year"], trainer=as_named(trainer)),
                (Edit(f"{path}.available", trainer.available, None),
                 Edit(f"{path}.unavailable", trainer.unavailable, [])), 366,
                _set_item("trainers", trainer_id, available=None, unavailable=[])))
    return _Family(Rule.TRAINER_UNAVAILABLE, (trainer_id,), label, AVAILABILITY, options,
                   nested_from=len(options))


def _lifted_closures(ranges: list[DateRange], path: str, owner: Named,
                     words: tuple[tuple[str, str], tuple[str, str]],
                     setter: Callable[[list[DateRange]], Callable[[Instance], Instance]]
                     ) -> list[_Option]:
    """Each range lifted alone (shortest first), then all of them. `words`: the sentence that
    lifts one range, and the one that lifts them all, of the venue or trainer `owner`."""
    one, every = words
    options = []
    for date_range in sorted(ranges, key=lambda r: (r.end - r.start).days):
        rest = [other for other in ranges if other is not date_range]
        options.append(_Option(phrase(one, owner=owner, ranges=ranges_text([date_range])),
                               (Edit(path, ranges, rest),),
                               (date_range.end - date_range.start).days + 1, setter(rest)))
    if len(ranges) > 1:
        options.append(_Option(phrase(every, owner=owner, ranges=ranges_text(ranges)),
                               (Edit(path, ranges, []),),
                               sum((r.end - r.start).days + 1 for r in ranges), setter([])))
    return options


def _max_days_family(instance: Instance, calendar: YearCalendar, trainer_id: str,
                     label: Phrase) -> _Family:
    index, trainer = next((i, trainer) for i, trainer in enumerate(instance.trainers)
                          if trainer.id == trainer_id)
    most = sum(project.days * project.phases * _session_count(instance, calendar, project)
               for project in instance.projects if project.mandatory
               and set(trainer.topics) & set(project.topics) and project.trainer_count)
    options = [_Option(phrase(WORDS["more days"], trainer=as_named(trainer), days=days,
                              most=trainer.max_days),
                       (Edit(f"trainers[{index}].max_days", trainer.max_days, days),),
                       (days - trainer.max_days) / max(trainer.max_days, 1),
                       _set_item("trainers", trainer_id, max_days=days))
               for days in range(trainer.max_days + 1, max(most, trainer.max_days + 1) + 1)]
    return _Family(Rule.TRAINER_MAX_DAYS, (trainer_id,), label, NUDGE, options)


def _venue_feature_families(instance: Instance, project_id: str, label: Phrase) -> list[_Family]:
    project = instance.project(project_id)
    rural = {town.id for town in instance.towns if town.rural}
    candidates = [venue for venue in instance.venues
                  if project.venue_rural != "required" or venue.town in rural]
    families = []
    for venue in sorted(candidates, key=lambda venue: -venue.capacity)[:2]:
        missing = [feature for feature in project.venue_features
                   if feature not in venue.features]
        index = instance.venues.index(venue)
        features = [*venue.features, *missing]
        option = _Option(phrase(WORDS["equip"], venue=as_named(venue),
                                features="、".join(missing)),
                         (Edit(f"venues[{index}].features", venue.features, features),),
                         len(missing), _set_item("venues", venue.id, features=features))
        families.append(_Family(Rule.VENUE_FEATURES, (project_id, venue.id), label, RULE,
                                [option]))
    if project.venue_rural == "required":
        option = _Option(phrase(WORDS["not rural"], project=as_named(project)),
                         (_project_edit(instance, project_id, "venue_rural", "preferred"),), 1,
                         _set_item("projects", project_id, venue_rural="preferred"))
        families.append(_Family(Rule.VENUE_RURAL, (project_id,), label, RULE, [option]))
    return families


def _trainer_topic_families(instance: Instance, project_id: str, label: Phrase) -> list[_Family]:
    """A trainer takes on the topics nobody teaches (the topics of the project they do not
    teach yet): first those who already teach one of its topics, most days first."""
    project = instance.project(project_id)
    qualified = qualified_trainers(instance, project)
    untaught = [topic for topic in project.topics
                if not any(topic in trainer.topics for trainer in qualified)]
    pool = qualified if qualified and untaught else [
        trainer for trainer in instance.trainers if trainer not in qualified]
    families = []
    for trainer in sorted(pool, key=lambda trainer: -trainer.max_days)[:2]:
        missing = [topic for topic in (untaught or project.topics[:1])
                   if topic not in trainer.topics]
        index = instance.trainers.index(trainer)
        topics = [*trainer.topics, *missing]
        option = _Option(phrase(WORDS["also teach"], trainer=as_named(trainer),
                                topics="、".join(missing)),
                         (Edit(f"trainers[{index}].topics", trainer.topics, topics),),
                         len(missing), _set_item("trainers", trainer.id, topics=topics))
        families.append(_Family(Rule.TRAINER_TOPIC, (project_id, trainer.id), label, RULE,
                                [option]))
    return families


def _trainer_count_family(instance: Instance, project_id: str, label: Phrase) -> _Family:
    project = instance.project(project_id)
    options = [_Option(phrase(WORDS["fewer trainers"], project=as_named(project), count=count,
                              current=project.trainers_per_session),
                       (_project_edit(instance, project_id, "trainers_per_session", count),),
                       project.trainers_per_session - count,
                       _set_item("projects", project_id, trainers_per_session=count))
               for count in range(project.trainers_per_session - 1, 0, -1)]
    return _Family(Rule.TRAINER_COUNT, (project_id,), label, RULE, options)


# --- which changes relax each rule of a conflict --------------------------------------------


@dataclass
class _Conflict:
    """What the changes for one rule of a conflict may depend on: the whole conflict."""

    instance: Instance
    calendar: YearCalendar
    groups: list[Conflicting]
    towns: list[str] = field(init=False)
    """The towns whose absence caps are in the conflict, most teachers first."""
    resources: bool = field(init=False)
    """Whether a venue's days or a town's cap is in it: then more, smaller classes may help."""

    def __post_init__(self) -> None:
        self.towns = sorted((group.entities[0] for group in self.groups
                             if group.rule == Rule.ABSENCE_CAP),
                            key=lambda town_id: -self.instance.town(town_id).total_teachers)
        self.resources = any(group.rule in (Rule.VENUE_UNAVAILABLE, Rule.VENUE_ONE_SESSION_A_DAY,
                                            Rule.ABSENCE_CAP) for group in self.groups)


def _relax_mandatory(conflict: _Conflict, group: Conflicting) -> list[_Family]:
    """The project made optional; with a venue's or town's limit in the conflict, also more
    classes of it, each smaller."""
    instance, project_id = conflict.instance, group.entities[0]
    families = [_optional_family(instance, project_id, group.label)]
    if conflict.resources and instance.project(project_id).mode.takes_teachers_away:
        families.append(_sessions_family(instance, conflict.calendar, project_id, group.label))
    return families


def _relax_months(conflict: _Conflict, group: Conflicting) -> list[_Family]:
    """More months; for a project that trains on weekdays only, weekends too."""
    instance, project_id = conflict.instance, group.entities[0]
    families = _months_families(instance, conflict.calendar, project_id, group.label)
    if instance.weekdays_only(instance.project(project_id)):
        families.append(_weekends_family(instance, project_id, group.label))
    return families


def _relax_quota(conflict: _Conflict, group: Conflicting) -> list[_Family]:
    instance, project_id = conflict.instance, group.entities[0]
    most = instance.rural_quota_seats(instance.project(project_id)) - 1
    return [_quota_family(instance, project_id, group.label, most)]


def _relax_absence(conflict: _Conflict, group: Conflicting) -> list[_Family]:
    """A town's own cap raised: of every town in the conflict if few, else of the largest
    (the policy's cap for all of them is tried besides)."""
    town_id = group.entities[0]
    if town_id in conflict.towns[:LISTED - 1] or len(conflict.towns) <= LISTED:
        return [_absence_family(conflict.instance, town_id, group.label)]
    return []


def _one(build: Callable[[Instance, str, Phrase], _Family]
         ) -> Callable[[_Conflict, Conflicting], list[_Family]]:
    """The changes of a rule about one entity that depend on nothing else."""
    return lambda conflict, group: [build(conflict.instance, group.entities[0], group.label)]


RELAXATIONS: dict[Rule, Callable[[_Conflict, Conflicting], list[_Family]]] = {
    Rule.MANDATORY_DROPPED: _relax_mandatory,
    Rule.MONTHS: _relax_months,
    Rule.HOLIDAY_REQUIRED: _one(_holiday_family),
    Rule.HOLIDAY_FORBIDDEN: lambda conflict, group: [],  # kept: see _holiday_family
    Rule.PHASE_GAP: _one(_gap_family),
    Rule.AFTER: lambda conflict, group: [_after_family(
        conflict.instance, group.entities[0], group.entities[1], group.label)],
    Rule.RURAL_QUOTA: _relax_quota,
    Rule.ABSENCE_CAP: _relax_absence,
    Rule.VENUE_ONE_SESSION_A_DAY: _one(_venue_copy_family),
    Rule.VENUE_UNAVAILABLE: _one(_venue_open_family),
    Rule.TRAINER_ONE_SESSION_A_DAY: _one(_trainer_copy_family),
    Rule.TRAINER_UNAVAILABLE: _relax_trainer_away,
    Rule.TRAINER_MAX_DAYS: lambda conflict, group: [_max_days_family(
        conflict.instance, conflict.calendar, group.entities[0], group.label)],
}
"""For each rule a conflict may hold (`scheduler.model.RELAXABLE_RULES`), the changes that
relax it, given its group and the conflict."""


# --- changing an instance -------------------------------------------------------------------


def _set_item(section: str, item_id: str, **update: Any) -> Callable[[Instance], Instance]:
    """A change to one project, venue, trainer or town (`section` names the instance's list)."""
    def apply(instance: Instance) -> Instance:
        return instance.model_copy(update={section: [
            item.model_copy(update=update) if item.id == item_id else item
            for item in getattr(instance, section)]})
    return apply


def _append_items(section: str, items: list[Any]) -> Callable[[Instance], Instance]:
    """New venues or trainers (`section` names the instance's list) added at its end."""
    def apply(instance: Instance) -> Instance:
        return instance.model_copy(update={section: [*getattr(instance, section), *items]})
    return apply


def _set_policy(**update: Any) -> Callable[[Instance], Instance]:
    def apply(instance: Instance) -> Instance:
        return instance.model_copy(update={"policy": instance.policy.model_copy(update=update)})
    return apply


def _combine(options: list[_Option]) -> _Option:
    def apply(instance: Instance) -> Instance:
        for option in options:
            instance = option.apply(instance)
        return instance
    return _Option(phrase(WORDS["all together"],
                          changes=Joined(tuple(option.change for option in options), SEMICOLONS)),
                   tuple(edit for option in options for edit in option.edits),
                   sum(option.size for option in options), apply)


def _project_edit(instance: Instance, project_id: str, field_name: str, after: Any) -> Edit:
    index = next(i for i, project in enumerate(instance.projects) if project.id == project_id)
    before = getattr(instance.projects[index], field_name)
    return Edit(f"projects[{index}].{field_name}", before, after)


def _still_blocked(instance: Instance, finding: Finding) -> bool:
    return any(other.blocking and other.projects[-1] == finding.projects[-1]
               for other in precheck(instance))


def _session_count(instance: Instance, calendar: YearCalendar, project: Project) -> int:
    checked = check_project(instance, project, calendar)
    return checked.count if not isinstance(checked, Finding) else 1


def _fresh_id(base: str, taken: set[str]) -> str:
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _unique(options: list[_Option]) -> list[_Option]:
    seen, unique = set(), []
    for option in options:
        if option.change not in seen:
            seen.add(option.change)
            unique.append(option)
    return unique


# --- small helpers --------------------------------------------------------------------------


def _solver(limit: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(limit, 0.01)
    solver.parameters.num_workers = workers
    return solver


def _status(code: Any) -> str:
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return FEASIBLE
    if code == cp_model.INFEASIBLE:
        return INFEASIBLE
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError("CP-SAT rejected the explain model")
    return UNKNOWN


def _deletion_key(group: Group) -> tuple[int, tuple[str, ...]]:
    return DELETION_ORDER.index(group.rule), group.entities


def _print_key(group: Conflicting) -> tuple[int, tuple[str, ...]]:
    return PRINT_ORDER.index(group.rule), group.entities


def _worded(instance: Instance, group: Group) -> Conflicting:
    """A group of the conflict with its rule in a planner's words, its numbers as the
    instance sets them (as `scheduler.model` enforces them)."""
    rule, entities = group.rule, group.entities
    if rule == Rule.ABSENCE_CAP:
        town = instance.town(entities[0])
        teachers, cap = town.total_teachers, instance.absence_cap(town)
        named = Named(town.id, town.name)
        return Conflicting(rule, entities, phrase(
            RULE_WORDS[rule], town=named, share=cap / teachers, cap=cap, teachers=teachers),
            phrase(WORDS["cap brief"], town=named, cap=cap, teachers=teachers))
    if rule in (Rule.VENUE_ONE_SESSION_A_DAY, Rule.VENUE_UNAVAILABLE):
        venue = next(venue for venue in instance.venues if venue.id == entities[0])
        return Conflicting(rule, entities, phrase(RULE_WORDS[rule], venue=as_named(venue),
                                                  ranges=ranges_text(venue.unavailable)))
    if rule in (Rule.TRAINER_ONE_SESSION_A_DAY, Rule.TRAINER_UNAVAILABLE, Rule.TRAINER_MAX_DAYS):
        trainer = next(trainer for trainer in instance.trainers if trainer.id == entities[0])
        return Conflicting(rule, entities, phrase(
            RULE_WORDS[rule], trainer=as_named(trainer), days=trainer.max_days,
            availability=_availability(trainer)))
    project = instance.project(entities[0])
    named = as_named(project)
    if rule == Rule.AFTER:
        label = phrase(RULE_WORDS[rule], project=named,
                       earlier=as_named(instance.project(entities[1])))
    elif rule == Rule.MONTHS:
        label = phrase(RULE_WORDS[rule], project=named,
                       months=_months_words(sorted(project.allowed_months)))
    elif rule in (Rule.HOLIDAY_REQUIRED, Rule.HOLIDAY_FORBIDDEN):
        label = phrase(RULE_WORDS[rule], project=named, windows=Joined(tuple(
            f"{window.name} {window.start}–{window.end}"
            for window in instance.calendar.holiday_windows), SEMICOLONS))
    elif rule == Rule.RURAL_QUOTA:
        required, headcount = instance.rural_quota_seats(project), instance.headcount(project)
        label = phrase(RULE_WORDS[rule], project=named, required=required, headcount=headcount,
                       quota=required / headcount)
    else:
        label = phrase(RULE_WORDS[rule], project=named, gap=project.min_gap_days)
    return Conflicting(rule, entities, label)


def _availability(trainer: Trainer) -> Joined:
    """When a trainer is free: only on their `available` days, and not on their days away."""
    parts = []
    if trainer.available is not None:
        parts.append(phrase(WORDS["available only"], ranges=ranges_text(trainer.available)))
    if trainer.unavailable:
        parts.append(phrase(WORDS["away"], ranges=ranges_text(trainer.unavailable)))
    return Joined(tuple(parts), (" and ", "，"))


def _months_words(months: list[int]) -> Phrase:
    """`month 5` or `months 2, 3` (`5月`, `2月、3月`)."""
    if len(months) == 1:
        return phrase(WORDS["month"], month=months[0])
    return phrase(WORDS["months"], months=Joined(tuple(
        phrase(WORDS["month number"], month=month) for month in months)))


RULE_WORDS: dict[Rule, tuple[str, str]] = {
    Rule.MANDATORY_DROPPED: ("project {project} is mandatory: it must be scheduled",
                             "项目{project}是必办项目：必须安排"),
    Rule.MONTHS: ("project {project} may only run in {months}", "项目{project}只能在{months}举办"),
    Rule.HOLIDAY_REQUIRED: ("project {project} must be held inside one school holiday "
                            "({windows})", "项目{project}必须在一个寒暑假内举办（{windows}）"),
    Rule.HOLIDAY_FORBIDDEN: ("project {project} may not run in a school holiday ({windows})",
                             "项目{project}不能在寒暑假举办（{windows}）"),
    Rule.PHASE_GAP: ("project {project} leaves at least {gap} days between its phases",
                     "项目{project}两阶段之间至少间隔 {gap} 天"),
    Rule.AFTER: ("project {project} starts only after project {earlier} has ended",
                 "项目{project}须在项目{earlier}结束后才开始"),
    Rule.RURAL_QUOTA: ("project {project} gives at least {required} of its {headcount} seats "
                       "to rural towns (quota {quota:.0%})",
                       "项目{project}的 {headcount} 个名额中至少 {required} 个给农村乡镇"
                       "（比例 {quota:.0%}）"),
    Rule.VENUE_ONE_SESSION_A_DAY: ("venue {venue} can host one session a day",
                                   "场地{venue}每天只能办一个班"),
    Rule.VENUE_UNAVAILABLE: ("venue {venue} is closed {ranges}", "场地{venue} {ranges} 不开放"),
    Rule.TRAINER_ONE_SESSION_A_DAY: ("trainer {trainer} teaches one session a day",
                                     "专家{trainer}每天只能给一个班上课"),
    Rule.TRAINER_UNAVAILABLE: ("trainer {trainer} {availability}",
                               "专家{trainer} {availability}"),
    Rule.TRAINER_MAX_DAYS: ("trainer {trainer} teaches at most {days} days a year",
                            "专家{trainer}全年最多授课 {days} 天"),
    Rule.ABSENCE_CAP: ("town {town} may send at most {share:.0%} of its teachers ({cap} of "
                       "{teachers}) on a school day",
                       "乡镇{town}在上课日最多派出 {share:.0%} 的教师（{teachers} 人中 {cap} 人）"),
}
"""The rules a conflict may hold, in English and Chinese."""

WORDS: dict[str, tuple[str, str]] = {
    # The rules of a conflict: their parts.
    "cap brief": ("{town} {cap} of {teachers}", "{town} {cap}/{teachers}"),
    "available only": ("is available only {ranges}", "只在 {ranges} 有空"),
    "away": ("is away {ranges}", "{ranges} 不在"),
    "month": ("month {month}", "{month}月"),
    "months": ("months {months}", "{months}"),
    "month number": ("{month}", "{month}月"),
    "the policy's cap": ("the policy's absence cap", "政策规定的离岗上限"),
    # The changes that may give a plan.
    "optional": ("make project {project} optional (priority 1, not mandatory)",
                 "把项目{project}改为非必办（优先级 1）"),
    "more months": ("let project {project} also run in {months}",
                    "允许项目{project}也在{months}举办"),
    "area room": ("book a room like venue {venue} ({capacity} seats) in {town}, in area {area}",
                  "在{area}的{town}找一间与场地{venue}相当的教室（{capacity} 个座位）"),
    "central": ("bring the trainees of project {project} to one venue instead of going to "
                "their areas (delivery: central)",
                "项目{project}改为集中到场培训，不再送教到各片区"),
    "weekends": ("let project {project} also train on Saturdays and Sundays",
                 "允许项目{project}在周六、周日也培训"),
    "holiday allowed": ("let project {project} run outside the school holidays too "
                        "(holiday: allowed)", "允许项目{project}在寒暑假以外也举办"),
    "shorter gap": ("shorten the gap between the phases of project {project} from {gap} to "
                    "{shorter} days",
                    "把项目{project}两阶段之间的间隔从 {gap} 天缩短到 {shorter} 天"),
    "not after": ("let project {project} start before project {earlier} has ended (take "
                  "{earlier_id} out of its after list)",
                  "允许项目{project}在项目{earlier}结束前开始（不再要求排在它之后）"),
    "lower quota": ("lower the rural quota of project {project} from {current:g} to {share:g} "
                    "(at least {seats} of its {headcount} seats in rural towns)",
                    "把项目{project}的农村名额比例从 {current:g} 降到 {share:g}（{headcount} "
                    "个名额中至少 {seats} 个给农村乡镇）"),
    "town cap": ("let town {town} send up to {share:.0%} of its teachers on a school day "
                 "({cap} of {teachers}; max_absence_share {current:g} → {share:g})",
                 "允许乡镇{town}在上课日最多派出 {share:.0%} 的教师（{teachers} 人中 {cap} 人；"
                 "离岗上限 {current:g} → {share:g}）"),
    "policy cap": ("let every town send up to {share:.0%} of its teachers on a school day "
                   "(policy max_absence_share {current:g} → {share:g})",
                   "允许每个乡镇在上课日最多派出 {share:.0%} 的教师（政策离岗上限 {current:g} "
                   "→ {share:g}）"),
    "more sessions": ("run project {project} as {count} sessions instead of {current} "
                      "(smaller classes)",
                      "把项目{project}分成 {count} 个班，而不是 {current} 个（每班人数更少）"),
    "second room": ("book a second room like venue {venue} ({capacity} seats) on the same days",
                    "在同样的日期再借一间像场地{venue}这样的教室（{capacity} 个座位）"),
    "open venue": ("open venue {owner} on {ranges} too (lift that closure)",
                   "场地{owner}在 {ranges} 也开放（取消这段关闭）"),
    "open venue always": ("open venue {owner} on all its closed days ({ranges})",
                          "场地{owner}在所有关闭的日期都开放（{ranges}）"),
    "second trainer": ("find one more trainer who teaches {topics} and is free when trainer "
                       "{trainer} is",
                       "再找一位教{topics}的专家，与专家{trainer}同时有空"),
    "trainer never away": ("find one more trainer who teaches {topics}, free on the days "
                           "trainer {trainer} is away",
                           "再找一位教{topics}的专家，在专家{trainer}外出的日子有空"),
    "trainers never away": ("find {count} more trainers who teach {topics}, free on the days "
                            "trainer {trainer} is away",
                            "再找 {count} 位教{topics}的专家，在专家{trainer}外出的日子有空"),
    "trainer free": ("ask trainer {owner} to be free {ranges} too (lift that absence)",
                     "请专家{owner}在 {ranges} 也有空（取消这段外出）"),
    "trainer free always": ("ask trainer {owner} to be free on all their days away ({ranges})",
                            "请专家{owner}在所有外出的日期都有空（{ranges}）"),
    "all year not only": ("ask trainer {trainer} to be available all year, not only {ranges}",
                          "请专家{trainer}全年都有空，而不只在 {ranges}"),
    "all year": ("ask trainer {trainer} to be available all year", "请专家{trainer}全年都有空"),
    "more days": ("let trainer {trainer} teach up to {days} days (max_days {most} → {days})",
                  "允许专家{trainer}全年最多授课 {days} 天（原为 {most} 天）"),
    "equip": ("equip venue {venue} with {features}", "为场地{venue}配备{features}"),
    "not rural": ("let project {project} use a venue outside the rural towns (venue_rural: "
                  "preferred)", "允许项目{project}使用农村乡镇以外的场地"),
    "also teach": ("ask trainer {trainer} to also teach {topics}", "请专家{trainer}也教{topics}"),
    "fewer trainers": ("have {count} trainer(s) per session of project {project} instead of "
                       "{current}", "项目{project}每班配 {count} 位专家，而不是 {current} 位"),
    "all together": ("{changes} — all together", "{changes}——一起修改"),
    # What came of trying one.
    "not tried": ("not tried: the time limit was reached", "未尝试：已到时限"),
    "broke a rule": ("the plan found broke a rule", "找到的方案违反了规则"),
    "then dropped": ("the plan then drops it", "方案将不安排它"),
    "can still run": ("it can still run", "它仍可安排"),
}
"""Every other sentence of an explanation but its frame (`scheduler.messages`), in English
and Chinese: the changes and what came of them."""
