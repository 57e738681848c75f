"""Which stages a solve runs, decided from the instance's size and the request alone.

Pure functions: no model is solved here, so the choice is tested without solving. `solve`
carries the plan out, stage after stage, and records what each did (`StageRun`); a stage may
still end early at run time (a stop, or a plan proven optimal by the relaxation's bound).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from scheduler.search.params import SolveParams


class Step(Enum):
    MOVES = "moves"
    """Ruin and recreate from the quick plan (`repair`)."""
    AWAIT_BOUND = "await bound"
    """Once the moves have stalled, wait for the relaxation's bound: it may prove their plan
    optimal."""
    START = "start"
    """A whole assignment of the model for CP-SAT to start from: the baseline when re-planning,
    else the quick plan, else a first plan that keeps as much priority as it can."""
    NEIGHBOURHOOD = "neighbourhood"
    """CP-SAT on a few projects at a time, the rest fixed (`lns`)."""
    FULL = "full search"
    """CP-SAT on the whole model, hinted with the best plan: a bound, on small models the
    optimum."""


@dataclass(frozen=True)
class Stage:
    step: Step
    share: float
    """Of the time left when the stage starts."""
    reason: str
    only_without_plan: bool = False
    """Run only if no earlier stage found a plan."""


@dataclass(frozen=True)
class StageRun:
    """What a stage did, as `SolveResult.stages` records it: times in seconds since the solve
    began, and the best objective and bound known at its end (None: none yet)."""

    step: Step
    started: float
    ended: float
    objective: int | None
    bound: int | None


@dataclass(frozen=True)
class StagePlan:
    stages: tuple[Stage, ...]
    builds_model: bool
    """False: the CP-SAT model is not built; there is then no bound."""
    relaxation_share: float | None
    """Of the time left once the model is built, for the relaxation's bound beside the search;
    None: no relaxation."""
    why_relaxation: str

    def describe(self) -> list[str]:
        """One line a stage, the relaxation first: what runs, for how long, and why."""
        relaxation = ("relaxation beside the search, up to "
                      f"{self.relaxation_share:.0%} of the time: "
                      if self.relaxation_share is not None else "no relaxation: ")
        lines = [relaxation + self.why_relaxation]
        for stage in self.stages:
            when = " (only if no plan yet)" if stage.only_without_plan else ""
            lines.append(f"{stage.step.value}, up to {stage.share:.0%} of the time left{when}: "
                         f"{stage.reason}")
        return lines


def plan_without_model(choices: int, *, replanning: bool, params: SolveParams
                       ) -> StagePlan | None:
    """The plan when the instance is too large to build the CP-SAT model at all: its quick plan
    improved by moves for the whole time, with no bound. None where the model is to be built
    (re-planning always builds it: the moves know nothing of held sessions)."""
    if replanning or choices <= params.moves_only_choices:
        return None
    return StagePlan(
        stages=(Stage(Step.MOVES, 1.0, f"{choices:,} venue and trainer choices, above "
                      f"{params.moves_only_choices:,}: too many to build the model"),),
        builds_model=False, relaxation_share=None, why_relaxation="there is no model")


def deterministic(plan: StagePlan) -> StagePlan:
    """The plan for a search that must give the same plan for the same request: the same
    stages on the work clock (`clock.WorkClock`), without the relaxation, which is solved beside
    the search and so lands at a different step each run, nor the wait for its bound."""
    return replace(plan, stages=tuple(stage for stage in plan.stages
                                      if stage.step is not Step.AWAIT_BOUND),
                   relaxation_share=None,
                   why_relaxation="deterministic: nothing runs beside the search")


def plan_stages(variables: int, *, replanning: bool, quick_keeps_mandatory: bool,
                params: SolveParams) -> StagePlan:
    """The stages for a built model of `variables` variables. The quick plan serves only when
    planning afresh and only if it keeps every mandatory project; a model above
    `search_max_variables` is then left to the moves, and one above `whole_model_limit` gets
    neither the relaxation nor a full search after the neighbourhood search."""
    small = variables <= params.whole_model_limit
    relaxation_share = params.relaxation_share if small else None
    why_relaxation = (f"{variables:,} variables, at most {params.whole_model_limit:,}"
                      if small else
                      f"{variables:,} variables, above {params.whole_model_limit:,}: its copy "
                      "would stay held through the search")
    quick_usable = quick_keeps_mandatory and not replanning
    if quick_usable and variables > params.search_max_variables:
        stages = [Stage(Step.MOVES, 1.0, f"{variables:,} variables, above "
                        f"{params.search_max_variables:,}: CP-SAT searches nothing")]
        if small:
            stages.append(Stage(Step.AWAIT_BOUND, 1.0,
                                "the bound may yet prove the moves' plan optimal"))
        return StagePlan(tuple(stages), True, relaxation_share, why_relaxation)
    stages = []
    if quick_usable:
        stages.append(Stage(Step.MOVES, params.repair_share,
                            "the quick plan improved by moves before CP-SAT starts from it"))
    start = ("the baseline, while it keeps every rule" if replanning else
             "the quick plan" if quick_usable else
             "a first plan (the quick plan drops a mandatory project)")
    stages.append(Stage(Step.START, 1.0, start))
    stages.append(Stage(Step.NEIGHBOURHOOD, params.lns_share if small else 1.0,
                        "a few projects at a time" if small else
                        "a few projects at a time, for all the time: no full search follows"))
    stages.append(Stage(Step.FULL, 1.0, "the whole model, to prove a bound" if small else
                        "the whole model, too large to search once there is a plan",
                        only_without_plan=not small))
    return StagePlan(tuple(stages), True, relaxation_share, why_relaxation)
