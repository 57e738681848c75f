"""SCIP through OR-Tools' linear solver wrapper, set up and stopped the way `solve` needs."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ortools.linear_solver import pywraplp

POLL_SECONDS = 0.1
"""How often a solve in progress checks whether it should stop."""


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
    """Solve to optimality within `seconds`, or until `stopped` says so (SCIP is solved in a
    thread, so that the main thread stays free to take Ctrl-C); whether it found a solution."""
    solver.SetTimeLimit(max(1, int(seconds * 1000)))
    outcome: list[int] = []
    solving = threading.Thread(target=lambda: outcome.append(solver.Solve(exact_parameters())))
    solving.start()
    while solving.is_alive():
        solving.join(POLL_SECONDS)
        if stopped():
            solver.InterruptSolve()
    return outcome[0] in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
