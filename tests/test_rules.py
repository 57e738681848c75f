"""One rule vocabulary (`scheduler.core.rules`): every constraint family the model builds has its
twin in the independent checker, and explain can order, word and relax every rule it may name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from models import Instance, Solution, parse_instance
from models.solution import ReplanRecord
from scheduler.analysis.no_plan import DELETION_ORDER, PRINT_ORDER, RELAXATIONS
from scheduler.core.explanation import PLURALS
from scheduler.core.replan import Replan, parse_pins
from scheduler.core.rules import Rule
from scheduler.core.validate import CHECKED_RULES, RULES, validate
from scheduler.model import RELAXABLE_RULES, TrainingModel
from tests.helpers import second_project

TODAY = dt.date(2024, 9, 20)


def test_a_rule_is_named_as_its_violations_are() -> None:
    assert all(rule.value == rule.name.lower().replace("_", "-") for rule in Rule)
    assert f"[{Rule.VENUE_ONE_SESSION_A_DAY}]" == "[venue-one-session-a-day]"


def test_the_checker_checks_and_describes_every_rule() -> None:
    assert CHECKED_RULES == set(Rule)
    assert set(RULES) == set(Rule)


def built_models(instance: Instance, solution: Solution, tiny: dict[str, Any]
                 ) -> dict[str, TrainingModel]:
    """The models of instances/2024.json afresh, re-planned (held sessions, a pin) and in
    explain mode, and of a tiny world with the families 2024 does not need (a phase gap, a
    trainer's max_days binding, a spread project)."""
    tiny["projects"][0].update(phases=2, min_gap_days=3, months=[3, 4])
    second_project(tiny, after=["p1"], months=[4, 5], rural_quota=0.5, spread=True)
    tiny["trainers"][0]["max_days"] = 2
    small = parse_instance(tiny)
    replan = Replan(solution, today=TODAY, pins=parse_pins(["p13"], solution))
    return {
        "2024": TrainingModel(instance),
        "2024 re-planned": TrainingModel(instance, replan=replan),
        "2024 explain": TrainingModel(instance, relaxable=True),
        "tiny": TrainingModel(small),
        "tiny explain": TrainingModel(small, relaxable=True),
    }


def test_every_family_the_model_builds_has_its_twin_in_the_checker(
        instance: Instance, solution: Solution, tiny: dict[str, Any]) -> None:
    models = built_models(instance, solution, tiny)
    for name, built in models.items():
        assert built.rules, name
        assert built.rules <= CHECKED_RULES, (name, built.rules - CHECKED_RULES)
        assert {group.rule for group in built.groups.values()} <= built.rules, name
    # The optional families were built, each where its instance needs it.
    assert {Rule.HELD, Rule.PINNED} <= models["2024 re-planned"].rules - models["2024"].rules
    assert {Rule.PHASE_GAP, Rule.AFTER, Rule.RURAL_QUOTA, Rule.TRAINER_MAX_DAYS
            } <= models["tiny"].rules
    assert set().union(*(built.rules for built in models.values())) >= CHECKED_RULES - {
        Rule.STATUS, Rule.SHAPE, Rule.VENUE_UNKNOWN, Rule.TRAINER_UNKNOWN, Rule.KPI,
        Rule.OBJECTIVE}  # what only a solution can get wrong: the model has nothing to name


def test_explain_orders_words_and_relaxes_every_rule_it_may_name(
        instance: Instance, solution: Solution, tiny: dict[str, Any]) -> None:
    for table in (DELETION_ORDER, PRINT_ORDER):
        assert len(set(table)) == len(table)
    assert set(DELETION_ORDER) == set(PRINT_ORDER) == set(PLURALS) == set(RELAXATIONS) \
        == RELAXABLE_RULES
    named = {group.rule for built in built_models(instance, solution, tiny).values()
             for group in built.groups.values()}
    assert named and named <= RELAXABLE_RULES


def moved_before_today(solution: Solution) -> tuple[Solution, Solution]:
    """The 2024 plan re-planned on TODAY unchanged, and with p13's first class (4 November)
    moved to 16 September, before TODAY, where it was never held."""
    replanned = solution.model_copy(update={"replan": ReplanRecord(baseline="2024",
                                                                   today=TODAY)})
    rows = [row.model_copy(update={"start": dt.date(2024, 9, 16),
                                   "end": dt.date(2024, 9, 16) + (row.end - row.start)})
            if (row.project, row.session) == ("p13", 1) else row for row in solution.sessions]
    return replanned, replanned.model_copy(update={"sessions": rows})


@pytest.mark.parametrize("moved", [False, True])
def test_only_what_was_held_lies_before_today(instance: Instance, solution: Solution,
                                              moved: bool) -> None:
    # The model keeps every session it did not hold from today on; so does the checker.
    unchanged, moved_plan = moved_before_today(solution)
    plan = moved_plan if moved else unchanged
    held = [violation.message for violation in validate(instance, plan, solution)
            if violation.rule == Rule.HELD]
    if moved:
        assert len(held) == 1 and "p13" in held[0] and "session 1" in held[0], held
        assert "starts 2024-09-16, before 2024-09-20" in held[0]
    else:
        assert held == []
