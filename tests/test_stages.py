"""Which stages a solve runs, decided from sizes alone: no model is solved here."""

from __future__ import annotations

import dataclasses

import pytest

from scheduler.search.params import DEFAULT, SolveParams
from scheduler.search.stages import Step, plan_stages, plan_without_model


def steps(plan) -> list[Step]:
    return [stage.step for stage in plan.stages]


def test_a_district_gets_every_stage_with_the_relaxation_beside():
    plan = plan_stages(11_549, replanning=False, quick_keeps_mandatory=True, params=DEFAULT)
    assert steps(plan) == [Step.MOVES, Step.START, Step.NEIGHBOURHOOD, Step.FULL]
    assert [stage.share for stage in plan.stages] == [DEFAULT.repair_share, 1.0,
                                                      DEFAULT.lns_share, 1.0]
    assert plan.builds_model and plan.relaxation_share == DEFAULT.relaxation_share
    assert not plan.stages[-1].only_without_plan


def test_a_model_too_large_to_search_is_left_to_the_moves_and_the_bound():
    plan = plan_stages(133_614, replanning=False, quick_keeps_mandatory=True, params=DEFAULT)
    assert steps(plan) == [Step.MOVES, Step.AWAIT_BOUND]
    assert plan.stages[0].share == 1.0
    assert "133,614 variables, above 50,000" in plan.stages[0].reason


def test_a_quick_plan_that_drops_a_mandatory_project_leaves_the_search_to_find_one():
    # Even on a model too large to search: CP-SAT must find a plan that keeps it, or say why not.
    for variables in (11_549, 133_614):
        plan = plan_stages(variables, replanning=False, quick_keeps_mandatory=False,
                           params=DEFAULT)
        assert steps(plan) == [Step.START, Step.NEIGHBOURHOOD, Step.FULL]
        assert "drops a mandatory project" in plan.stages[0].reason


def test_re_planning_starts_from_the_baseline_never_from_the_quick_plan():
    plan = plan_stages(11_549, replanning=True, quick_keeps_mandatory=True, params=DEFAULT)
    assert steps(plan) == [Step.START, Step.NEIGHBOURHOOD, Step.FULL]
    assert "baseline" in plan.stages[0].reason
    assert plan_without_model(10**7, replanning=True, params=DEFAULT) is None


def test_a_model_too_large_to_copy_has_no_relaxation_and_searches_whole_only_without_a_plan():
    params = SolveParams(whole_model_limit=1_000, search_max_variables=10_000)
    plan = plan_stages(5_000, replanning=False, quick_keeps_mandatory=True, params=params)
    assert plan.relaxation_share is None
    assert steps(plan) == [Step.MOVES, Step.START, Step.NEIGHBOURHOOD, Step.FULL]
    neighbourhood, full = plan.stages[2:]
    assert neighbourhood.share == 1.0 and full.only_without_plan
    # Too large to search as well: the moves alone, and no bound to wait for.
    plan = plan_stages(20_000, replanning=False, quick_keeps_mandatory=True, params=params)
    assert steps(plan) == [Step.MOVES]


def test_an_instance_too_large_for_the_model_is_planned_without_one():
    assert plan_without_model(DEFAULT.moves_only_choices, replanning=False,
                              params=DEFAULT) is None
    plan = plan_without_model(1_270_000, replanning=False, params=DEFAULT)
    assert plan is not None and not plan.builds_model and plan.relaxation_share is None
    assert steps(plan) == [Step.MOVES] and plan.stages[0].share == 1.0
    assert "1,270,000" in plan.stages[0].reason


def test_the_thresholds_come_from_the_params():
    at = DEFAULT.search_max_variables
    assert steps(plan_stages(at, replanning=False, quick_keeps_mandatory=True,
                             params=DEFAULT))[-1] is Step.FULL
    lower = dataclasses.replace(DEFAULT, search_max_variables=at - 1)
    assert steps(plan_stages(at, replanning=False, quick_keeps_mandatory=True,
                             params=lower)) == [Step.MOVES, Step.AWAIT_BOUND]


def test_every_stage_is_described_in_one_line():
    plan = plan_stages(11_549, replanning=False, quick_keeps_mandatory=True, params=DEFAULT)
    lines = plan.describe()
    assert len(lines) == 1 + len(plan.stages)
    assert lines[0].startswith("relaxation beside the search, up to 80% of the time")
    assert lines[1].startswith("moves, up to 80% of the time left: ")
    assert all("\n" not in line for line in lines)


@pytest.mark.parametrize("change", [{"lns_share": 0.0}, {"repair_share": 1.5},
                                    {"grow": 1.0}, {"shrink": 1.0}])
def test_params_out_of_range_are_refused(change):
    with pytest.raises(ValueError):
        SolveParams(**change)
