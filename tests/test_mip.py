"""SCIP as `solve` runs it: stopped on request, with the best solution it has."""

from __future__ import annotations

import random
import time

from scheduler.search.mip import new_scip, solve_mip


def test_a_stop_request_ends_the_solve_with_its_first_solution_or_better():
    # A market split problem (Cornuéjols and Dawande), each equality's miss paid for: a few
    # rows of random weights over 0-1 variables. Unstopped, SCIP had not settled it after 15 s.
    # Its first solution, given as a hint, chooses nothing and misses each row by half its
    # weights.
    rng = random.Random(0)
    solver = new_scip()
    chosen = [solver.BoolVar(f"x{index}") for index in range(40)]
    misses, hint = [], []
    for row in range(4):
        weights = [rng.randrange(100) for _ in chosen]
        under, over = solver.IntVar(0, 5000, f"under{row}"), solver.IntVar(0, 5000, f"over{row}")
        solver.Add(solver.Sum([w * x for w, x in zip(weights, chosen, strict=True)])
                   + under - over == sum(weights) // 2)
        misses += [under, over]
        hint += [(under, sum(weights) // 2), (over, 0)]
    solver.Minimize(solver.Sum(misses))
    hint += [(x, 0) for x in chosen]
    solver.SetHint([variable for variable, _ in hint], [float(value) for _, value in hint])
    started = time.monotonic()
    assert solve_mip(solver, 600.0, stopped=lambda: time.monotonic() - started > 0.5)
    assert time.monotonic() - started < 10
    assert solver.Objective().Value() <= sum(value for _, value in hint)
