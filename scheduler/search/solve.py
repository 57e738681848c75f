"""Solving an instance: build the CP-SAT model, search, and read the plan back as a Solution.

"No schedule" is a status, not an exception: the result always carries a Solution.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ortools.sat.python import cp_model

from models.instance import Instance
from models.solution import SessionPhase, Solution, Status
from scheduler.baseline import GreedyPlanner, HandPlan
from scheduler.calendar import YearCalendar
from scheduler.kpis import plan_kpis, weighted_objective
from scheduler.model import TrainingModel, read_plan
from scheduler.replan import Replan
from scheduler.search import lns
from scheduler.search.bound import BackgroundBound
from scheduler.search.construct import SeatAwarePlanner
from scheduler.search.hints import Hint, plan_hint, set_hint
from scheduler.search.repair import repair
from scheduler.sessions import SessionSplit, split_project

ProgressCallback = Callable[[float, float | None, float | None], None]
"""Called with (seconds so far, best objective so far, best bound so far)."""

REPAIR_SHARE = 0.8
"""At most this share of the time limit goes to improving the quick plan by ruin and recreate
(`scheduler.search.repair`), which stops sooner once its moves stall (2024: after 0.6 s; anshan:
7–8 s of 60; m100: 18–46 s); on a model above `SEARCH_MAX_VARIABLES`, all of it."""

MOVES_ONLY_CHOICES = 400_000
"""Above this many (session-phase, venue or trainer) pairs (`_choices`) the CP-SAT model is not
built at all and ruin and recreate has all the time. XL has 1.27 million: its model took 117 s
to build and its peak memory to 4.8 GB, and in the 120 s after 480 s of moves no step of the
search found a better plan. L has 85,392."""

SEARCH_MAX_VARIABLES = 50_000
"""Above this many model variables (M has 11,549, L 133,614) CP-SAT searches nothing: ruin and
recreate has all the time, and the model is built for the relaxation's bound alone (should the
moves stall first, the time left goes to that bound). On L the moves still found better plans
at 240 s, where the neighbourhood search after them found 200 in 42 s and the full search, in
17 s, not even a plan; with all 300 s, seeds 0-2 ended at 2,414,400, 2,416,740 and 2,419,180
against 2,415,240, 2,420,180 and 2,420,540 (one session, 2026-11-23). Between M and L, in
120 s (seeds 0-1), generated instances of 250 projects (68,325 variables) ended better by moves
alone (1,930,640 and 1,931,940 against 1,933,480 and 1,932,520), of 200 (36,793) with the
search (1,380,300 and 1,384,260 against 1,380,900 and 1,388,180)."""

LNS_SHARE = 0.7
"""The share of the time left that the neighbourhood search gets; the full search then starts
from its plan, for the rest of the time, to prove a bound (and on small instances the optimum)."""

RELAXATION_SHARE = 0.8
"""At most this share of the time limit goes to the relaxation's bound (`bound`), solved
beside ruin and recreate and the search: the linear programme (2024: 0.2 s; M: 1.7 s; L: 48 s,
of which 10 s to build it), then on the smaller ones the same in whole numbers, and on the
smallest that with the venues and trainers day by day, until the time is up. Nothing waits
for it: when the search ends, it is stopped with what it has proved."""

STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}


@dataclass
class SolveResult:
    solution: Solution
    unschedulable: dict[str, str]
    """Projects that cannot run at all, with the reason (dropped, or the cause of infeasibility).
    A plan made without the model (`_solve_by_moves`) has `variables` and `constraints` 0."""
    variables: int
    constraints: int
    interrupted: bool = False
    why_no_bound: str | None = None
    """Where the method proves no bound at all, why, in the planner's words."""


class _ProgressListener(cp_model.CpSolverSolutionCallback):
    """Follows the best plan and bound, and reports each better one to `on_progress` (if
    given); the bound (the relaxation's, then CP-SAT's) only ever rises."""

    def __init__(self, on_progress: ProgressCallback | None):
        super().__init__()
        self.on_progress = on_progress
        self.started = time.monotonic()
        self.best: float | None = None
        self.bound: float | None = None
        self.relaxation: BackgroundBound | None = None
        """The relaxation being solved beside the search: its bound is shown once solved."""

    def proven(self) -> bool:
        """Whether the relaxation's bound has reached the best plan: no plan is better."""
        relaxed = self.relaxation.ready() if self.relaxation is not None else None
        return relaxed is not None and self.best is not None and relaxed >= self.best

    def on_solution_callback(self) -> None:
        self.best = self.objective_value
        self._raise_bound(self.best_objective_bound)
        self._report()

    def on_incumbent(self, incumbent: lns.Incumbent) -> None:
        self.on_objective(incumbent.objective)

    def on_objective(self, objective: int) -> None:
        self.best = objective
        self._report()

    def on_bound(self, bound: float) -> None:
        if self._raise_bound(bound):
            self._report()

    def _report(self) -> None:
        if self.relaxation is not None and (relaxed := self.relaxation.ready()) is not None:
            self._raise_bound(relaxed)
        if self.on_progress is not None:
            self.on_progress(time.monotonic() - self.started, self.best, self.bound)

    def _raise_bound(self, bound: float) -> bool:
        if self.bound is not None and bound <= self.bound:
            return False
        self.bound = bound
        return True


def solve(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
    replan: Replan | None = None,
) -> SolveResult:
    """Schedule the instance within `time_limit` seconds, or until the relaxation's bound
    proves the best plan optimal (2024: 1.6 s); Ctrl-C stops early with the best plan
    (pressed before the search, while the model and the first plans are made, it stops the
    search as soon as it starts).

    With `replan`, the plan keeps the held and pinned sessions of the baseline and pays for
    every change (`scheduler.replan`); the baseline is the search's warm start."""
    with _stop_on_ctrl_c() as stop:
        return _solve(instance, stop, time_limit, seed, workers, on_progress, replan)


def _solve(instance: Instance, stop: _StopRequest, time_limit: float, seed: int,
           workers: int | None, on_progress: ProgressCallback | None,
           replan: Replan | None) -> SolveResult:
    started = time.monotonic()
    calendar = YearCalendar(instance)
    splits = {project.id: split_project(instance, project, calendar)
              for project in instance.projects}
    listener = _ProgressListener(on_progress)
    if replan is None and _choices(splits) > MOVES_ONLY_CHOICES:
        moved = _solve_by_moves(instance, calendar, splits, started + time_limit, seed, stop,
                                listener)
        if moved is not None:
            moved.solution.solve_seconds = round(time.monotonic() - started, 3)
            return moved
    built = TrainingModel(instance, calendar, replan=replan, splits=splits)
    proto = built.model.proto
    size = (len(proto.variables), len(proto.constraints))

    impossible = [pid for pid in built.unschedulable if instance.project(pid).mandatory]
    if impossible:
        solution = Solution(instance=instance.name, status=Status.INFEASIBLE,
                            solve_seconds=round(time.monotonic() - started, 3))
        return SolveResult(solution, built.unschedulable, *size)

    deadline = started + time_limit
    quick = _quick_plan(instance, calendar, splits)
    # On a model too large to copy (XL, when it still had one) the relaxation's 1.2 GB stayed
    # held through the search and took the peak memory to 8.0 GB: there it is left out, like
    # the full search.
    background = (BackgroundBound(built, RELAXATION_SHARE * time_limit)
                  if lns.is_small(built) else None)
    search_workers = _search_workers(workers, background)
    listener.relaxation = background
    if replan is None:  # (re-planning, the model's objective leaves out the held sessions')
        stop.proven = listener.proven
    # Not when re-planning: the quick planners know nothing of held sessions.
    quick_usable = replan is None and _keeps_mandatory(instance, quick)
    # A large model needs CP-SAT only to re-plan, or to find a plan that keeps every mandatory
    # project where the quick plan does not.
    moves_only = quick_usable and size[0] > SEARCH_MAX_VARIABLES
    if quick_usable:
        quick = repair(instance, calendar, splits, quick,
                       deadline=deadline if moves_only else started + REPAIR_SHARE * time_limit,
                       seed=seed, stopped=stop.done, on_improve=listener.on_objective)
    bound: int | None
    incumbent = None
    if moves_only:
        _await_bound(background, deadline, stop)
    else:
        solve_model = _model_solver(seed, search_workers, stop)
        start = _starting_plan(built, quick if quick_usable else None, deadline, seed,
                               search_workers, stop, solve_model)
        if start is not None:
            # (Re-planning, the relaxation knows nothing of the changes a plan pays for.)
            guide = (background.project_costs
                     if background is not None and replan is None else None)
            incumbent = _improved(built, start, deadline, seed, solve_model, stop, listener,
                                  guide)
    if incumbent is not None and incumbent.optimal:
        status, bound, searched = Status.OPTIMAL, incumbent.objective, None
    elif moves_only or stop.proven() or (incumbent is not None and not lns.is_small(built)):
        # Planned by moves alone, or proven optimal by the relaxation, there is nothing left
        # to search. (On XL, when it had a model, the whole-model searches took the peak
        # memory to 15.9 GB and found neither a better plan nor a bound: the neighbourhood
        # search had all the time.)
        status, bound, searched = Status.FEASIBLE, None, None
    else:
        hint = (incumbent.values if incumbent is not None
                else plan_hint(built, quick.rows, quick.dropped))
        status, bound, searched = _full_search(built, hint, deadline, seed, search_workers, stop,
                                               listener)
    relaxed = background.finish() if background is not None else None

    renumber = replan is None  # re-planned classes keep their numbers from the baseline
    plans = [searched] if searched is not None else []
    if incumbent is not None:
        # The full search may end before it has even read its hint (large instances).
        plans.append(read_plan(built, lambda variable: incumbent.values[variable.index],
                               renumber))
    if quick_usable and status is not Status.INFEASIBLE:
        # Stopped early, the search may have nothing better than its quick plan: keep the best.
        plans.append((quick.rows, quick.dropped))
    solution = Solution(instance=instance.name, status=status)
    baseline_rows = None
    if replan is not None:
        solution.replan, baseline_rows = replan.record(), replan.baseline.sessions
    for rows, dropped in plans:
        candidate = solution.model_copy(update={"status": Status.FEASIBLE})
        fill_plan(candidate, instance, calendar, rows, dropped, baseline_rows)
        if solution.objective is None or _objective(candidate) < solution.objective:
            solution = candidate
    if solution.objective is not None:
        # A bound of 0 says nothing (no plan costs less); stopped early, CP-SAT has no other.
        # But a plan of objective 0 is the best there is.
        bound = max((value for value in (bound, relaxed) if value is not None and value > 0),
                    default=0 if solution.objective == 0 else None)
        # Proven optimal, no plan is better than the search's: the best of them is optimal too.
        if status is Status.OPTIMAL or (bound is not None and bound >= solution.objective):
            solution.status, bound = Status.OPTIMAL, solution.objective
        solution.bound = min(bound, solution.objective) if bound is not None else None
    solution.solve_seconds = round(time.monotonic() - started, 3)
    return SolveResult(solution, built.unschedulable, *size, interrupted=stop.requested)


Workers = Callable[[], int]
"""How many workers a CP-SAT solve starting now gets."""


def _search_workers(asked: int | None, background: BackgroundBound | None) -> Workers:
    """`asked`, or by default one worker per core, less the core the relaxation's bound takes
    while it is being solved beside the search. On 2 cores, qianjiang's bound by day came at
    12.7-13.5 s of a solve with one worker, at 17.8-18.2 s with two (seeds 0-4), and its
    optimum was proven at a median 12.3 s instead of 15.6 (seeds 10-29); 2024, s30, anshan and
    m100 ended as with two."""
    cores = os.cpu_count() or 1

    def workers() -> int:
        if asked is not None:
            return asked
        return max(cores - 1, 1) if background is not None and background.running() else cores
    return workers


def _choices(splits: dict[str, SessionSplit | str]) -> int:
    """How many (session-phase, venue or trainer it may use) pairs the model would have: its
    variables are about 1.6 times as many (L: 85,392 and 133,614; XL: 1.27 and 2 million)."""
    return sum(split.count * split.project.phases * (len(split.venues) + len(split.trainers))
               for split in splits.values() if isinstance(split, SessionSplit))


def _solve_by_moves(instance: Instance, calendar: YearCalendar,
                    splits: dict[str, SessionSplit | str], deadline: float, seed: int,
                    stop: _StopRequest, listener: _ProgressListener) -> SolveResult | None:
    """The seat-aware plan improved by ruin and recreate until `deadline`, with no CP-SAT
    model at all (no bound, then); None if a mandatory project cannot run or that plan drops
    one: the model's stages must then find a plan, or say why there is none. (The hand
    method's plan, which `_quick_plan` also makes, would take XL 12 s more, and it has never
    been the better one: 114 million against 16.3 on XL.)"""
    unschedulable = {project_id: split for project_id, split in splits.items()
                     if isinstance(split, str)}
    if any(instance.project(project_id).mandatory for project_id in unschedulable):
        return None
    quick = SeatAwarePlanner(instance, calendar, splits).plan()
    if not _keeps_mandatory(instance, quick):
        return None
    plan = repair(instance, calendar, splits, quick, deadline=deadline, seed=seed,
                  stopped=stop.done, on_improve=listener.on_objective)
    solution = Solution(instance=instance.name, status=Status.FEASIBLE)
    fill_plan(solution, instance, calendar, plan.rows, plan.dropped)
    return SolveResult(solution, unschedulable, variables=0, constraints=0,
                       interrupted=stop.requested,
                       why_no_bound="too many projects to prove one in the time")


def _full_search(built: TrainingModel, hint: Hint, deadline: float, seed: int, workers: Workers,
                 stop: _StopRequest, listener: _ProgressListener
                 ) -> tuple[Status, int | None, tuple[list[SessionPhase], list[str]] | None]:
    """CP-SAT on the whole model until `deadline`, hinted with the best plan so far: its
    status, its proven bound and its plan."""
    set_hint(built.model, hint)
    solver = _solver(deadline, seed, workers, stop)
    solver.best_bound_callback = listener.on_bound
    if stop.requested:  # stopped before: just turn the plan so far (the hint) into a result
        solver.parameters.max_time_in_seconds = 1.0
    code = _run(solver, built.model, listener, stop)
    status = STATUS.get(code)
    if status is None:
        raise RuntimeError(f"CP-SAT rejected the model: {solver.status_name(code)}")
    renumber = built.replan is None
    plan = read_plan(built, solver.value, renumber) if status.has_schedule else None
    return status, _whole(solver.best_objective_bound), plan


def _quick_plan(instance: Instance, calendar: YearCalendar,
                splits: dict[str, SessionSplit | str]) -> HandPlan:
    """The better of the hand method's plan and the seat-aware one (`scheduler.search.construct`),
    each made in a second or two (L: 2 s; XL: 27 s and 12 s): one that keeps every mandatory
    project, and of those the one with the lower objective. The search starts from it."""
    plans = [SeatAwarePlanner(instance, calendar, splits).plan(),
             GreedyPlanner(instance, calendar, splits).plan()]

    def rank(plan: HandPlan) -> tuple[bool, int]:
        kpis = plan_kpis(instance, calendar, plan.rows, plan.dropped)
        return not _keeps_mandatory(instance, plan), weighted_objective(instance, kpis)

    return min(plans, key=rank)


def _keeps_mandatory(instance: Instance, plan: HandPlan) -> bool:
    return not any(instance.project(project_id).mandatory for project_id in plan.dropped)


def _starting_plan(built: TrainingModel, quick: HandPlan | None, deadline: float, seed: int,
                   workers: Workers, stop: _StopRequest,
                   solve_model: lns.ModelSolver) -> lns.Incumbent | None:
    """The plan the neighbourhood search starts from, as a whole assignment of the model:
    when re-planning, the baseline (the warm start) if it still keeps every rule; otherwise
    the quick plan (`_quick_plan`), if given; failing those, stage one's plan, re-read for its
    objective. None if none of them exists."""
    replan = built.replan
    warm_start = None
    if replan is not None and replan.warm_start:
        warm_start = plan_hint(built, replan.baseline.sessions, replan.baseline.dropped)
    candidates = [warm_start] if warm_start is not None else []
    if quick is not None:
        candidates.append(plan_hint(built, quick.rows, quick.dropped))
    for decisions in candidates:
        incumbent = lns.complete_plan(built, decisions, solve_model, _left(deadline))
        if incumbent is not None:
            return incumbent
    if stop.proven():  # the quick plan is optimal (its completion was stopped for it)
        return None
    first = _first_plan(built, _solver(deadline, seed, workers, stop), warm_start)
    if first is None:
        return None
    return lns.complete_plan(built, lns.placement(built, first), solve_model, _left(deadline))


def _improved(built: TrainingModel, incumbent: lns.Incumbent, deadline: float, seed: int,
              solve_model: lns.ModelSolver, stop: _StopRequest, listener: _ProgressListener,
              guide: lns.Guide | None) -> lns.Incumbent:
    """The plan improved by the neighbourhood search for the first `LNS_SHARE` of the time
    left, or all of it on a model too large for the full search; guided by the relaxation's
    solution, if given."""
    listener.on_incumbent(incumbent)
    started = time.monotonic()
    share = LNS_SHARE if lns.is_small(built) else 1.0  # no full search follows (`solve`)
    # Planning afresh, the relaxation's bound ends the search on a proof (`lns.STALLED_STEPS`).
    stall_after = lns.STALLED_STEPS if built.replan is not None else None
    return lns.improve(built, incumbent, deadline=started + share * (deadline - started),
                       seed=seed, solve_model=solve_model, stopped=stop.done,
                       on_improve=listener.on_incumbent, stall_after=stall_after, guide=guide)


def _await_bound(background: BackgroundBound | None, deadline: float, stop: _StopRequest
                 ) -> None:
    """Wait until the relaxation's stages end, `deadline` or a stop: once the moves have
    stalled, nothing else searches, and the bound may yet prove their plan optimal."""
    while (background is not None and background.running() and not stop.done()
           and time.monotonic() < deadline):
        time.sleep(0.1)


def _left(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.05)


def _model_solver(seed: int, workers: Workers, stop: _StopRequest) -> lns.ModelSolver:
    """Solves a model like the main search (seed, workers, Ctrl-C), as `lns.ModelSolver` says."""
    def solve_model(model: cp_model.CpModel, seconds: float, *,
                    quiet: float | None = None, probing: bool = True
                    ) -> cp_model.CpSolver | None:
        solver = _solver(time.monotonic() + seconds, seed, workers, stop)
        if not probing:
            solver.parameters.cp_model_probing_level = 0
        code = _run(solver, model, stop=stop, quiet=quiet)
        return solver if STATUS.get(code) in (Status.OPTIMAL, Status.FEASIBLE) else None
    return solve_model


def _objective(solution: Solution) -> int:
    assert solution.objective is not None
    return solution.objective


def solve_by_hand(instance: Instance) -> SolveResult:
    """The planner's hand method (`scheduler.baseline`), reported like a solve: no bound, and
    the reason each dropped project did not fit."""
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
    return SolveResult(solution, reasons, variables=0, constraints=0,
                       why_no_bound="the hand method proves nothing")


def fill_plan(solution: Solution, instance: Instance, calendar: YearCalendar,
              rows: list[SessionPhase], dropped: list[str],
              baseline_rows: list[SessionPhase] | None = None) -> None:
    """Put the plan into the solution, with its KPIs and objective measured on it (and the
    stability KPIs against `baseline_rows` when re-planning)."""
    solution.sessions, solution.dropped = rows, dropped
    solution.kpis = plan_kpis(instance, calendar, rows, dropped, baseline_rows)
    solution.objective = weighted_objective(instance, solution.kpis)


def _whole(bound: float) -> int:
    """CP-SAT's bound of an integer objective, as a whole number (rounded up, it stays a bound)."""
    return int(-(-bound // 1))


def _first_plan(built: TrainingModel, solver: cp_model.CpSolver,
                warm_start: Hint | None = None) -> Hint | None:
    """Stage one, when neither the baseline nor the quick plan gives a plan: one that keeps
    as much priority as it can, whatever it costs (hinted to keep every project, or with the
    baseline). Started on the full objective, CP-SAT's first plans drop projects and take long
    to win them back (2024: optimum in 24 s instead of 3 s). None if it finds nothing in half
    the time left."""
    model = built.model.clone()
    model.clear_objective()
    kept = []
    for variables in built.projects.values():
        scheduled = model.get_bool_var_from_proto_index(variables.scheduled.index)
        kept.append(variables.project.drop_weight * scheduled)
    set_hint(model, {v.scheduled.index: 1 for v in built.projects.values()} | (warm_start or {}))
    model.maximize(sum(kept))
    solver.parameters.max_time_in_seconds = max(solver.parameters.max_time_in_seconds / 2, 0.05)
    if STATUS.get(_run(solver, model)) not in (Status.OPTIMAL, Status.FEASIBLE):
        return None
    return {index: solver.value(model.get_int_var_from_proto_index(index))
            for index in range(len(model.proto.variables))}


def _solver(deadline: float, seed: int, workers: Workers, stop: _StopRequest
            ) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(deadline - time.monotonic(), 0.05)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers()
    solver.parameters.catch_sigint_signal = False  # ours stops both stages and says so
    stop.solver = solver
    return solver


def _run(solver: cp_model.CpSolver, model: cp_model.CpModel,
         listener: cp_model.CpSolverSolutionCallback | None = None,
         stop: _StopRequest | None = None, quiet: float | None = None
         ) -> cp_model.CpSolverStatus:
    """Solve in a thread, so that the main thread stays free to take Ctrl-C (Python runs signal
    handlers only there, and not while it waits inside CP-SAT); stopped once `stop` says the
    best plan is proven optimal, or (given `quiet`, without a `listener`) once the solve has
    bettered its first plan and then gone `quiet` seconds without a better one."""
    watch = _QuietWatch(quiet) if quiet is not None else None
    outcome: list[cp_model.CpSolverStatus] = []
    search = threading.Thread(
        target=lambda: outcome.append(solver.solve(model, listener or watch)))
    search.start()
    while search.is_alive():
        search.join(0.1)
        if (stop is not None and stop.proven()) or (watch is not None and watch.gone_quiet()):
            solver.stop_search()
    return outcome[0]


class _QuietWatch(cp_model.CpSolverSolutionCallback):
    """Whether a solve has bettered its first plan (in a step, most often the incumbent it is
    hinted with) and then gone `seconds` without a better one."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
        self.plans = 0
        self.last = 0.0

    def on_solution_callback(self) -> None:
        self.plans += 1
        self.last = time.monotonic()

    def gone_quiet(self) -> bool:
        return self.plans > 1 and time.monotonic() - self.last > self.seconds


class _StopRequest:
    """Why the search should end before its time: Ctrl-C (`requested`, by the signal handler
    it is), or a plan proven optimal by the relaxation's bound (`proven`)."""

    def __init__(self) -> None:
        self.requested = False
        self.solver: cp_model.CpSolver | None = None
        self.proven: Callable[[], bool] = lambda: False

    def done(self) -> bool:
        return self.requested or self.proven()

    def __call__(self, signum: int, frame: object) -> None:
        self.requested = True
        if self.solver is not None:
            self.solver.stop_search()


@contextmanager
def _stop_on_ctrl_c() -> Iterator[_StopRequest]:
    """While solving, Ctrl-C asks CP-SAT to stop and keep its best plan instead of aborting."""
    stop = _StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
