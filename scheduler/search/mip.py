"""SCIP through OR-Tools' linear solver wrapper, set up and stopped the way `solve` needs."""

from __future__ import annotations

from collections.abc import Callable

from ortools.linear_solver import pywraplp

from scheduler.search.threads import solve_in_thread


def new_scip() -> pywraplp.Solver:
    """An empty SCIP model that leaves Ctrl-C alone: SCIP's own handler would take the signal
    from `solve`'s, and stop SCIP alone."""
    scip = pywraplp.Solver.CreateSolver("SCIP")
    scip.SetSolverSpecificParametersAsString("misc/catchctrlc = FALSE")
    return scip


def exact_parameters() -> pywraplp.MPSolverParameters:
    """Solve to optimality: SCIP's default stops within 0.01 % of it."""
    exact = pywraplp.MPSolverParameters()
    exact.SetDoubleParam(exact.RELATIVE_MIP_GAP, 1e-7)
    return exact


def solve_mip(solver: pywraplp.Solver, seconds: float, stopped: Callable[[], bool]) -> bool:
    """Solve to optimality within `seconds`, or until `stopped` says so (in a thread: `threads`);
    whether it found a solution."""
    solver.SetTimeLimit(max(1, int(seconds * 1000)))
    code = solve_in_thread(lambda: solver.Solve(exact_parameters()), stop_when=stopped,
                           interrupt=solver.InterruptSolve)
    return code in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
