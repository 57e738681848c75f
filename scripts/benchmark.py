"""Benchmark the scheduler on the shipped instances, side by side with the planner's hand method
(the greedy baseline): model size, time to a proven optimum (or the gap at the time limit), peak
memory, objective against greedy ("vs greedy": −78% is 78% lower), projects dropped
(solver/greedy). Each run is a fresh process so its peak memory is its own; figures are medians
over `--repeat` runs.

    python scripts/benchmark.py                       # the shipped instances, 3 runs each
    python scripts/benchmark.py instances/2024.json --repeat 5 --time-limit 30
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCES = [ROOT / "instances" / "2024.json", ROOT / "instances" / "qianjiang-2022.json"]


def measure_once(path: Path, time_limit: float, seed: int) -> dict:
    """Solve one instance in this process and return its figures."""
    sys.path.insert(0, str(ROOT))
    from models import load_instance
    from scheduler.solve import solve, solve_by_hand
    from scheduler.validate import validate

    instance = load_instance(path)
    first: list[float] = []
    started = time.monotonic()

    def on_progress(seconds: float, best: float | None, bound: float | None) -> None:
        if best is not None and not first:
            first.append(time.monotonic() - started)

    result = solve(instance, time_limit=time_limit, seed=seed, on_progress=on_progress)
    solution = result.solution
    greedy = solve_by_hand(instance).solution
    return {
        "greedy_objective": greedy.objective,
        "greedy_dropped": len(greedy.dropped),
        "greedy_valid": not validate(instance, greedy),
        "dropped": len(solution.dropped),
        "status": solution.status.value,
        "seconds": solution.solve_seconds,
        "first_solution": first[0] if first else None,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": solution.gap,
        "variables": result.variables,
        "constraints": result.constraints,
        "sessions": len({(row.project, row.session) for row in solution.sessions}),
        "valid": not validate(instance, solution) and not validate(instance, greedy),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_in_child(path: Path, time_limit: float, seed: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--one", str(path), "--time-limit", str(time_limit),
         "--seed", str(seed)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


@click.command()
@click.argument("instances", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--repeat", default=3, show_default=True, help="Runs per instance (median).")
@click.option("--time-limit", default=60.0, show_default=True)
@click.option("--one", is_flag=True, hidden=True, help="Measure one run in this process.")
@click.option("--seed", default=0, hidden=True)
def main(instances: tuple[Path, ...], repeat: int, time_limit: float, one: bool,
         seed: int) -> None:
    if one:
        print(json.dumps(measure_once(instances[0], time_limit, seed)))
        return
    print(f"{platform.node()} · {platform.processor() or platform.machine()} · "
          f"Python {platform.python_version()} · {time.strftime('%Y-%m-%d')} · "
          f"median of {repeat} runs, seeds 0..{repeat - 1}, time limit {time_limit:g} s")
    header = (f"{'instance':<22}{'sessions':>9}{'vars':>8}{'cons':>8}{'status':>10}"
              f"{'first s':>9}{'total s':>9}{'objective':>13}{'gap':>8}{'peak MB':>9}"
              f"{'greedy':>13}{'vs greedy':>10}{'drops':>7}{'valid':>7}")
    print(header)
    print("-" * len(header))
    for path in instances or DEFAULT_INSTANCES:
        runs = [measure_in_child(path, time_limit, seed) for seed in range(repeat)]
        median = {key: statistics.median(run[key] for run in runs if run[key] is not None)
                  if any(run[key] is not None for run in runs) else None
                  for key in ("seconds", "first_solution", "objective", "gap", "peak_mb",
                              "greedy_objective")}
        statuses = "/".join(sorted({run["status"] for run in runs}))
        print(f"{path.stem:<22}{runs[0]['sessions']:>9}{runs[0]['variables']:>8}"
              f"{runs[0]['constraints']:>8}{statuses:>10}"
              f"{_fmt(median['first_solution'], '.2f'):>9}{_fmt(median['seconds'], '.2f'):>9}"
              f"{_fmt(median['objective'], ',.0f'):>13}{_fmt(median['gap'], '.2%'):>8}"
              f"{_fmt(median['peak_mb'], '.0f'):>9}{_fmt(median['greedy_objective'], ',.0f'):>13}"
              f"{_ratio(median['objective'], median['greedy_objective']):>10}"
              f"{runs[0]['dropped']:>4}/{runs[0]['greedy_dropped']:<2}"
              f"{all(r['valid'] for r in runs)!s:>7}")


def _ratio(solver: float | None, greedy: float | None) -> str:
    """How much lower the solver's objective is than the hand method's."""
    if solver is None or not greedy:
        return "—"
    return f"{solver / greedy - 1:+.0%}"


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


if __name__ == "__main__":
    main()
