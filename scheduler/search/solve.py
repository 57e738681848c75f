"""Solving an instance: the stages `stages` plans, carried out one after another, and the best
plan they found read back as a Solution.

"No schedule" is a status, not an exception: the result always carries a Solution.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.instance import Instance
from models.solution import SessionPhase, Solution, Status
from scheduler.core.calendar import YearCalendar, provisional_holidays
from scheduler.core.kpis import plan_kpis, weighted_objective
from scheduler.core.replan import Replan
from scheduler.core.sessions import SessionSplit, split_project
from scheduler.messages import Phrase, phrase
from scheduler.model import TrainingModel, read_plan
from scheduler.search import lns
from scheduler.search.bound import BackgroundBound
from scheduler.search.clock import WALL, Clock, WorkClock
from scheduler.search.construct import SeatAwarePlanner
from scheduler.search.context import SearchContext
from scheduler.search.cpsat import (
    STATUS,
    StopRequest,
    Workers,
    model_solver,
    new_solver,
    run,
    search_workers,
    whole,
)
from scheduler.search.hand_method import GreedyPlanner, HandPlan
from scheduler.search.hints import Hint, plan_hint, set_hint
from scheduler.search.params import DEFAULT, SolveParams
from scheduler.search.progress import Improvement, ProgressCallback, ProgressListener
from scheduler.search.quick import keeps_mandatory, quick_plan
from scheduler.search.repair import repair
from scheduler.search.stages import (
    Stage,
    StagePlan,
    StageRun,
    Step,
    deterministic,
    plan_stages,
    plan_without_model,
)
from scheduler.search.stop import Stop, stop_from
from scheduler.search.threads import wait_until

__all__ = ["ProgressCallback", "SolveResult", "fill_plan", "solve", "solve_by_hand"]

Plan = tuple[list[SessionPhase], list[str]]
"""A plan's session-phases and dropped projects."""


@dataclass
class SolveResult:
    solution: Solution
    unschedulable: dict[str, str]
    """Projects that cannot run at all, with the reason (dropped, or the cause of infeasibility).
    A plan made without the model has `variables` and `constraints` 0."""
    variables: int
    constraints: int
    interrupted: bool = False
    why_no_bound: Phrase | None = None
    """Where the method proves no bound at all, why, in the planner's words (either language)."""
    stages: list[StageRun] = field(default_factory=list)
    """The stages the solve ran, in order, each with its times and the best objective and
    bound at its end (none: the hand method, or no plan was possible)."""
    improvements: list[Improvement] = field(default_factory=list)
    """Each better plan the search found: (seconds since the solve began, its objective)."""

    @property
    def status(self) -> Status:
        return self.solution.status

    @property
    def objective(self) -> int | None:
        return self.solution.objective

    @property
    def first_plan_seconds(self) -> float | None:
        """When the search had its first plan, in seconds since the solve began."""
        return self.improvements[0][0] if self.improvements else None

    @property
    def best_plan_seconds(self) -> float | None:
        """When the search found its best plan, in seconds since the solve began."""
        return self.improvements[-1][0] if self.improvements else None


def solve(
    instance: Instance,
    *,
    stop: Stop | None = None,
    time_limit: float | None = None,
    deterministic: bool | None = None,
    seed: int = 0,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
    replan: Replan | None = None,
    params: SolveParams = DEFAULT,
) -> SolveResult:
    """Schedule the instance until `stop` says (its time limit, its event set from another
    thread, or the relaxation's bound proving the best plan optimal), keeping the best plan
    found: set before the search, while the model and the first plans are made, the event
    stops the search as soon as it starts. Installs no signal handler: the command line binds
    Ctrl-C to the stop it passes.

    `time_limit` (default 60 s) and `deterministic` build the stop where none is given;
    giving both a stop and either of them is a `ValueError`.

    With `replan`, the plan keeps the held and pinned sessions of the baseline and pays for
    every change (`scheduler.core.replan`); the baseline is the search's warm start.

    A deterministic stop: the same instance, seed and limit give the same plan: one worker,
    the stages on the work clock (the time limit is then work, CP-SAT's deterministic time)
    and no relaxation beside them (`stages.deterministic`)."""
    stop = stop_from(stop, time_limit, deterministic, default_limit=60.0)
    clock = WorkClock(params.work_per_second) if stop.deterministic else WALL
    search = _Search(instance, StopRequest(stop), clock.now() + stop.time_limit, seed, workers,
                     replan, params, ProgressListener(on_progress), clock,
                     stop.ends_on_proof)
    return record_calendar(instance, search.run())


def record_calendar(instance: Instance, result: SolveResult) -> SolveResult:
    """The result, its solution recording the provisional holidays it was planned on, if any
    (a year whose holiday notice is not yet out), so that every output can say so."""
    provisional = provisional_holidays(instance)
    if provisional is not None:
        result.solution.provisional_holidays = sorted(provisional)
    return result


@dataclass
class _Search:
    """What the stages of one solve share: the request, the model once built, and the plans
    found so far."""

    instance: Instance
    stop: StopRequest
    deadline: float
    seed: int
    asked_workers: int | None
    replan: Replan | None
    params: SolveParams
    listener: ProgressListener
    clock: Clock
    """What `deadline` and the stages' times are of: the wall clock, or the work clock."""
    ends_on_proof: bool
    """Whether the relaxation's bound, once it proves the best plan optimal, ends the search."""
    calendar: YearCalendar = field(init=False)
    splits: dict[str, SessionSplit | str] = field(init=False)
    built: TrainingModel = field(init=False)
    workers: Workers = field(init=False)
    context: SearchContext = field(init=False)
    """What the steps share (`repair`, `lns.improve`)."""
    runs: list[StageRun] = field(default_factory=list)
    background: BackgroundBound | None = None
    quick: HandPlan = field(init=False)
    quick_serves: bool = False
    """Whether the search starts from the quick plan and may end with it (planning afresh,
    where it keeps every mandatory project); else it hints the full search at most."""
    incumbent: lns.Incumbent | None = None
    searched: Plan | None = None
    searched_status: Status | None = None
    searched_bound: int | None = None

    def __post_init__(self) -> None:
        if self.clock.deterministic:
            self.asked_workers = 1
        self.calendar = YearCalendar(self.instance)
        self.splits = {project.id: split_project(self.instance, project, self.calendar)
                       for project in self.instance.projects}
        self._share(search_workers(self.asked_workers, None))

    def run(self) -> SolveResult:
        without_model = plan_without_model(_choices(self.splits),
                                           replanning=self.replan is not None,
                                           params=self.params)
        if without_model is not None and (moved := self._by_moves(without_model)) is not None:
            return moved
        self.built = TrainingModel(self.instance, self.calendar, replan=self.replan,
                                   splits=self.splits)
        impossible = [project_id for project_id in self.built.unschedulable
                      if self.instance.project(project_id).mandatory]
        if impossible:
            solution = Solution(instance=self.instance.name, status=Status.INFEASIBLE)
            return self._result(solution)
        self.quick = quick_plan(self.instance, self.calendar, self.splits)
        plan = plan_stages(len(self.built.model.proto.variables),
                           replanning=self.replan is not None,
                           quick_keeps_mandatory=keeps_mandatory(self.instance, self.quick),
                           params=self.params)
        if self.clock.deterministic:
            plan = deterministic(plan)
        self._begin(plan)
        for stage in plan.stages:
            started = self.listener.seconds()
            if self._run_stage(stage):
                self._record(stage.step, started)
        return self._result(self._best_solution())

    def _by_moves(self, plan: StagePlan) -> SolveResult | None:
        """The seat-aware plan improved by ruin and recreate for the whole time, with no CP-SAT
        model at all (no bound, then); None if a mandatory project cannot run or that plan
        drops one: the model's stages must then find a plan, or say why there is none. (The
        hand method's plan takes the largest instances longer and has never been the better.)"""
        unschedulable = {project_id: split for project_id, split in self.splits.items()
                         if isinstance(split, str)}
        if any(self.instance.project(project_id).mandatory for project_id in unschedulable):
            return None
        quick = SeatAwarePlanner(self.instance, self.calendar, self.splits).plan()
        if not keeps_mandatory(self.instance, quick):
            return None
        started = self.listener.seconds()
        moved = self._moves(quick, self.deadline)
        self._record(Step.MOVES, started)
        solution = Solution(instance=self.instance.name, status=Status.FEASIBLE)
        fill_plan(solution, self.instance, self.calendar, moved.rows, moved.dropped)
        solution.solve_seconds = round(self.listener.seconds(), 3)
        return SolveResult(solution, unschedulable, variables=0, constraints=0,
                           interrupted=self.stop.requested,
                           why_no_bound=phrase(("too many projects to prove one in the time",
                                                "项目太多，时限内无法证明下界")),
                           stages=self.runs, improvements=self.listener.improvements)

    def _begin(self, plan: StagePlan) -> None:
        """Start the relaxation's bound beside the search, as the plan says, and set up how
        CP-SAT is run."""
        if plan.relaxation_share is not None:
            self.background = BackgroundBound(self.built, plan.relaxation_share * self._left(),
                                              self.params)
        self._share(search_workers(self.asked_workers, self.background))
        self.listener.relaxation = self.background
        # (Re-planning, the model's objective leaves out held sessions.)
        if self.replan is None and self.ends_on_proof:
            self.stop.proven = self.listener.proven
        self.quick_serves = any(stage.step is Step.MOVES for stage in plan.stages)

    def _share(self, workers: Workers) -> None:
        """How CP-SAT is run, with `workers`, and what the steps share."""
        self.workers = workers
        self.context = SearchContext(
            deadline=self.deadline, stopped=self.stop.done, seed=self.seed, params=self.params,
            clock=self.clock, on_improve=self.listener.on_objective,
            solve_model=model_solver(self.seed, workers, self.stop, self.clock),
            # Re-planning, the search hands over to the full search once it stalls (planning
            # afresh, the relaxation's bound ends it on a proof).
            stall_after=self.params.stalled_steps if self.replan is not None else None)

    def _run_stage(self, stage: Stage) -> bool:
        """Carry the stage out; False if it had nothing to do."""
        until = self.clock.now() + stage.share * self._left()
        if stage.step is Step.MOVES:
            self.quick = self._moves(self.quick, until)
        elif stage.step is Step.AWAIT_BOUND:
            background = self.background
            if background is None:
                return False
            wait_until(lambda: not background.running() or self.stop.done(), until)
        elif stage.step is Step.START:
            self.incumbent = self._starting_plan()
        elif stage.step is Step.NEIGHBOURHOOD:
            if self.incumbent is None:
                return False
            self.incumbent = self._improved(self.incumbent, until)
        elif stage.step is Step.FULL:
            done = self.incumbent is not None and (self.incumbent.optimal
                                                   or stage.only_without_plan)
            if done or self.stop.proven():
                return False
            self._full_search()
        return True

    def _record(self, step: Step, started: float) -> None:
        """Record that `step` ran from `started` until now (a bound of 0 or less says nothing,
        as in `_best_solution`)."""
        bound = self.listener.bound
        self.runs.append(StageRun(
            step, started, self.listener.seconds(),
            self.listener.improvements[-1][1] if self.listener.improvements else None,
            whole(bound) if bound is not None and bound > 0 else None))

    def _moves(self, plan: HandPlan, until: float) -> HandPlan:
        return repair(self.instance, self.calendar, self.splits, plan, self.context.until(until))

    def _starting_plan(self) -> lns.Incumbent | None:
        """The plan the neighbourhood search starts from, as a whole assignment of the model:
        when re-planning, the baseline (the warm start) if it still keeps every rule;
        otherwise the quick plan, if it serves; failing those, a first plan (`_first_plan`),
        re-read for its objective. None if none of them exists."""
        replan = self.built.replan
        warm_start = None
        if replan is not None and replan.warm_start:
            warm_start = plan_hint(self.built, replan.baseline.sessions, replan.baseline.dropped)
        candidates = [warm_start] if warm_start is not None else []
        if self.quick_serves:
            candidates.append(plan_hint(self.built, self.quick.rows, self.quick.dropped))
        solve_model = self.context.solve_model
        for decisions in candidates:
            incumbent = lns.complete_plan(self.built, decisions, solve_model, self._left())
            if incumbent is not None:
                return incumbent
        if self.stop.proven():  # the quick plan is optimal (its completion was stopped for it)
            return None
        first = _first_plan(self.built, self._solver(), self.stop, warm_start)
        if first is None:
            return None
        return lns.complete_plan(self.built, lns.placement(self.built, first), solve_model,
                                 self._left())

    def _improved(self, incumbent: lns.Incumbent, until: float) -> lns.Incumbent:
        """The plan improved by the neighbourhood search until `until`, guided by the
        relaxation's solution where there is one."""
        self.listener.on_objective(incumbent.objective)
        # (Re-planning, the relaxation knows nothing of the changes a plan pays for.)
        guide = (self.background.project_costs
                 if self.background is not None and self.replan is None else None)
        return lns.improve(self.built, incumbent, self.context.until(until), guide)

    def _full_search(self) -> None:
        """CP-SAT on the whole model until the deadline, hinted with the best plan so far."""
        hint = (self.incumbent.values if self.incumbent is not None
                else plan_hint(self.built, self.quick.rows, self.quick.dropped))
        set_hint(self.built.model, hint)
        solver = self._solver()
        solver.best_bound_callback = self.listener.on_bound
        if self.stop.requested:  # stopped before: just turn the plan so far into a result
            solver.parameters.max_time_in_seconds = 1.0
        code = run(solver, self.built.model, self.listener, self.stop)
        status = STATUS.get(code)
        if status is None:
            raise RuntimeError(f"CP-SAT rejected the model: {solver.status_name(code)}")
        if status.has_schedule:
            self.searched = read_plan(self.built, solver.value, renumber=self.replan is None)
        self.searched_status, self.searched_bound = status, whole(solver.best_objective_bound)

    def _best_solution(self) -> Solution:
        """The best of the plans the stages found, with its status and bound: the search's,
        the neighbourhood search's (the full search may end before it has even read its hint),
        and the quick plan (stopped early, the search may have nothing better)."""
        incumbent = self.incumbent
        bound: int | None
        if incumbent is not None and incumbent.optimal:
            status, bound = Status.OPTIMAL, incumbent.objective
        elif self.searched_status is not None:
            status, bound = self.searched_status, self.searched_bound
        else:
            status, bound = Status.FEASIBLE, None
        slack = self.built.hours_slack
        if slack and bound is not None:
            # The model rounds some rows of hours_short up: its optimum is the plan's only
            # within the slack, so it proves no more than its bound less the slack.
            bound -= slack
            if status is Status.OPTIMAL:
                status = Status.FEASIBLE
        relaxed = self.background.finish() if self.background is not None else None
        plans = [self.searched] if self.searched is not None else []
        if incumbent is not None:
            # Re-planned classes keep their numbers from the baseline.
            plans.append(read_plan(self.built, lambda variable: incumbent.values[variable.index],
                                   self.replan is None))
        if self.quick_serves and status is not Status.INFEASIBLE:
            plans.append((self.quick.rows, self.quick.dropped))
        solution = Solution(instance=self.instance.name, status=status)
        baseline_rows = None
        if self.replan is not None:
            solution.replan, baseline_rows = self.replan.record(), self.replan.baseline.sessions
        for rows, dropped in plans:
            candidate = solution.model_copy(update={"status": Status.FEASIBLE})
            fill_plan(candidate, self.instance, self.calendar, rows, dropped, baseline_rows)
            if solution.objective is None or _objective(candidate) < solution.objective:
                solution = candidate
        if solution.objective is not None:
            # A bound of 0 says nothing (no plan costs less); stopped early, CP-SAT has no
            # other. But a plan of objective 0 is the best there is.
            bound = max((value for value in (bound, relaxed) if value is not None and value > 0),
                        default=0 if solution.objective == 0 else None)
            # Proven optimal, no plan is better than the search's: the best of them is too.
            if status is Status.OPTIMAL or (bound is not None and bound >= solution.objective):
                solution.status, bound = Status.OPTIMAL, solution.objective
            solution.bound = min(bound, solution.objective) if bound is not None else None
        return solution

    def _result(self, solution: Solution) -> SolveResult:
        solution.solve_seconds = round(self.listener.seconds(), 3)
        proto = self.built.model.proto
        return SolveResult(solution, self.built.unschedulable, len(proto.variables),
                           len(proto.constraints), interrupted=self.stop.requested,
                           stages=self.runs, improvements=self.listener.improvements)

    def _solver(self) -> cp_model.CpSolver:
        return new_solver(self.deadline, self.seed, self.workers, self.clock)

    def _left(self) -> float:
        return max(self.deadline - self.clock.now(), 0.05)


def _choices(splits: dict[str, SessionSplit | str]) -> int:
    """How many (session-phase, venue or trainer it may use) pairs the model would have: its
    variables are about 1.6 times as many."""
    return sum(split.count * split.project.phases * (len(split.venues) + len(split.trainers))
               for split in splits.values() if isinstance(split, SessionSplit))


def _first_plan(built: TrainingModel, solver: cp_model.CpSolver, stop: StopRequest,
                warm_start: Hint | None = None) -> Hint | None:
    """When neither the baseline nor the quick plan gives a plan: one that keeps as much
    priority as it can, whatever it costs (hinted to keep every project, or with the baseline).
    Started on the full objective, CP-SAT's first plans drop projects and take long to win them
    back. None if it finds nothing in half the time left."""
    model = built.model.clone()
    model.clear_objective()
    kept = []
    for variables in built.projects.values():
        scheduled = model.get_bool_var_from_proto_index(variables.scheduled.index)
        kept.append(variables.project.drop_weight * scheduled)
    set_hint(model, {v.scheduled.index: 1 for v in built.projects.values()} | (warm_start or {}))
    model.maximize(sum(kept))
    solver.parameters.max_time_in_seconds = max(solver.parameters.max_time_in_seconds / 2, 0.05)
    solver.parameters.max_deterministic_time /= 2
    if STATUS.get(run(solver, model, stop=stop)) not in (Status.OPTIMAL, Status.FEASIBLE):
        return None
    return {index: solver.value(model.get_int_var_from_proto_index(index))
            for index in range(len(model.proto.variables))}


def _objective(solution: Solution) -> int:
    assert solution.objective is not None
    return solution.objective


def solve_by_hand(instance: Instance) -> SolveResult:
    """The planner's hand method (`scheduler.search.hand_method`), reported like a solve: no bound,
    and the reason each dropped project did not fit."""
    calendar = YearCalendar(instance)
    started = time.monotonic()
    hand = GreedyPlanner(instance, calendar).plan()
    solution = Solution(instance=instance.name, status=Status.FEASIBLE)
    if any(instance.project(project_id).mandatory for project_id in hand.dropped):
        solution.status = Status.UNKNOWN
        reasons = {pid: why for pid, why in hand.reasons.items() if instance.project(pid).mandatory}
    else:
        fill_plan(solution, instance, calendar, hand.rows, hand.dropped)
        reasons = hand.reasons
    solution.solve_seconds = round(time.monotonic() - started, 3)
    return record_calendar(instance, SolveResult(
        solution, reasons, variables=0, constraints=0,
        why_no_bound=phrase(("the hand method proves nothing", "手工排法不证明下界"))))


def fill_plan(solution: Solution, instance: Instance, calendar: YearCalendar,
              rows: list[SessionPhase], dropped: list[str],
              baseline_rows: list[SessionPhase] | None = None) -> None:
    """Put the plan into the solution, with its KPIs and objective measured on it (and the
    stability KPIs against `baseline_rows` when re-planning)."""
    solution.sessions, solution.dropped = rows, dropped
    solution.kpis = plan_kpis(instance, calendar, rows, dropped, baseline_rows)
    solution.objective = weighted_objective(instance, solution.kpis)
