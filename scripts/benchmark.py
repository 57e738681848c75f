"""Benchmark the scheduler on the shipped instances, side by side with the planner's hand method
(the greedy baseline): status, time to the first and to the best plan, objective, proven bound
and gap, peak memory, each KPI, and the objective against greedy ("vs greedy": −78% is 78%
lower); under each instance the hand method's KPIs with the solver's share of each in brackets.
Each run is a fresh process so its peak memory is its own; figures are medians over `--repeat`
runs.

    python scripts/benchmark.py                       # 2024, qianjiang, anshan, S, M: 3 runs each
    python scripts/benchmark.py --large --repeat 1    # and L (300 s) and XL (600 s), once
    python scripts/benchmark.py instances/2024.json --repeat 5 --time-limit 30
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["2024", "qianjiang-2022", "anshan-2022", "generated/s30", "generated/m100"]
LARGE = {"generated/l400": 300.0, "generated/xl1500": 600.0}
"""The large generated instances and their time limits: L is to reach a gap under 5 % in
300 s, XL a valid plan in 600 s. One run each (`--large`)."""
KPIS = ("dropped", "preference", "share", "rural_venue", "cost", "balance", "hours_short",
        "away_days")
RESULTS = ROOT / "benchmarks" / "results"
"""Where each run's table is kept, as `<date>-<time>.csv`, one row per instance."""


def measure_once(path: Path, time_limit: float, seed: int) -> dict:
    """Solve one instance in this process and return its figures."""
    sys.path.insert(0, str(ROOT))
    from models import load_instance
    from scheduler.core.validate import validate
    from scheduler.export.summaries import town_summary
    from scheduler.search.solve import solve, solve_by_hand

    instance = load_instance(path)
    result = solve(instance, time_limit=time_limit, seed=seed)
    solution = result.solution
    greedy = solve_by_hand(instance).solution
    return {
        "greedy_objective": greedy.objective,
        "greedy_kpis": dict(greedy.kpis),
        "greedy_dropped": len(greedy.dropped),
        "dropped": len(solution.dropped),
        "status": solution.status.value,
        "seconds": solution.solve_seconds,
        "first_solution": result.first_plan_seconds,
        "best_solution": result.best_plan_seconds,
        "objective": solution.objective,
        "kpis": dict(solution.kpis),
        "bound": solution.bound,
        "gap": solution.gap,
        "variables": result.variables,
        "constraints": result.constraints,
        "sessions": len({(row.project, row.session) for row in solution.sessions}),
        "valid": not validate(instance, solution) and not validate(instance, greedy),
        "coverage": _coverage(town_summary(instance, solution), len(instance.towns)),
        "double_booked": _double_booked(instance, solution),
        "greedy_double_booked": _double_booked(instance, greedy),
        "smallest_class": _smallest_class(solution),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _coverage(towns, count: int) -> list:
    """The lowest and highest seats per teacher over the year among the towns, each with the
    town's name: whether the plan leaves a town out."""
    per_town = towns.iloc[:count].dropna(subset=["人均参训人次"])
    low = per_town.loc[per_town["人均参训人次"].idxmin()]
    high = per_town.loc[per_town["人均参训人次"].idxmax()]
    return [float(low["人均参训人次"]), low["乡镇"], float(high["人均参训人次"]), high["乡镇"]]


def _double_booked(instance, solution) -> int:
    """The (town, day, audience) triples on which the plan books a town's teachers of an
    audience more than once over (docs/format.md, One training at a time), in exact fractions."""
    towns = {town.id: town for town in instance.towns}
    load: dict[tuple, Fraction] = defaultdict(Fraction)
    for row in solution.sessions:
        project = instance.project(row.project)
        for town_id, seats in row.seats.items():
            pool = towns[town_id].pool(project.audiences)
            for audience in project.audiences:
                for offset in range((row.end - row.start).days + 1):
                    load[town_id, row.start + dt.timedelta(days=offset), audience] += \
                        Fraction(seats, pool)
    return sum(1 for share in load.values() if share > 1)


def _smallest_class(solution) -> list:
    """The fewest teachers a class of the plan seats, and which class."""
    sizes = {f"{row.project}#{row.session}": sum(row.seats.values())
             for row in solution.sessions}
    smallest = min(sizes, key=lambda name: (sizes[name], name))
    return [sizes[smallest], smallest]


def measure_in_child(path: Path, time_limit: float, seed: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--one", str(path), "--time-limit", str(time_limit),
         "--seed", str(seed)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


@click.command()
@click.argument("instances", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--repeat", default=3, show_default=True,
              help="Runs per instance (median); the large instances run once.")
@click.option("--time-limit", type=float, default=None,
              help="Seconds per run [default: 60; with --large, 300 for L and 600 for XL].")
@click.option("--large", is_flag=True, help="Add the generated L and XL instances.")
@click.option("--one", is_flag=True, hidden=True, help="Measure one run in this process.")
@click.option("--seed", default=0, hidden=True)
def main(instances: tuple[Path, ...], repeat: int, time_limit: float | None, large: bool,
         one: bool, seed: int) -> None:
    if one:
        print(json.dumps(measure_once(instances[0], time_limit or 60.0, seed)))
        return
    plan = [(path, time_limit or 60.0, repeat) for path in instances] or [
        (ROOT / "instances" / f"{name}.json", time_limit or 60.0, repeat) for name in SHIPPED]
    if large:
        plan += [(ROOT / "instances" / f"{name}.json", time_limit or limit, 1)
                 for name, limit in LARGE.items()]
    print(f"{platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} cores · Python {platform.python_version()} · "
          f"{time.strftime('%Y-%m-%d')} · medians over seeds 0..N−1 (N = runs)")
    header = (f"{'instance':<16}{'runs':>5}{'limit':>6}{'sessions':>9}{'status':>17}"
              f"{'first s':>8}{'best s':>8}{'total s':>8}{'objective':>13}{'bound':>13}"
              f"{'gap':>8}{'peak MB':>8}" + "".join(f"{kpi:>16}" for kpi in KPIS)
              + f"{'vs greedy':>10}{'valid':>6}")
    print(header)
    print("-" * len(header))
    table = []
    for path, limit, runs_wanted in plan:
        runs = [measure_in_child(path, limit, seed) for seed in range(runs_wanted)]
        print(_solver_row(path, limit, runs))
        print(_greedy_row(runs))
        low, fewest, high, most = runs[0]["coverage"]
        print(f"{'':<16}towns: seats per teacher {low:.2f} ({fewest}) – {high:.2f} ({most})"
              + (" [seed 0]" if len(runs) > 1 else ""))
        size, smallest = runs[0]["smallest_class"]
        print(f"{'':<16}teachers: double-booked town-day-audiences {runs[0]['double_booked']} "
              f"(greedy {runs[0]['greedy_double_booked']}) · smallest class {size} ({smallest})")
        table.append(_csv_row(path, limit, runs))
    _write_results(table)


def _csv_row(path: Path, limit: float, runs: list[dict]) -> dict:
    """The instance's medians, as `benchmarks/results/` keeps them."""
    row = {"instance": _name(path), "runs": len(runs), "limit_s": limit,
           "status": "/".join(sorted({run["status"] for run in runs}))}
    for key in ("first_solution", "best_solution", "seconds", "objective", "bound", "gap",
                "peak_mb", "greedy_objective"):
        value = _median(run[key] for run in runs)
        row[key] = round(value, 4 if key == "gap" else 2) if value is not None else None
    row |= {kpi: _median(run["kpis"].get(kpi) for run in runs) for kpi in KPIS}
    low, fewest, high, most = runs[0]["coverage"]
    row |= {"seats_per_teacher_low": round(low, 3), "town_low": fewest,
            "seats_per_teacher_high": round(high, 3), "town_high": most,
            "valid": all(run["valid"] for run in runs),
            "double_booked": runs[0]["double_booked"],
            "smallest_class": runs[0]["smallest_class"][0]}
    return row


def _write_results(table: list[dict]) -> None:
    """The run's table as a dated CSV under `RESULTS`, written whole or not at all."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"{time.strftime('%Y-%m-%d-%H%M')}.csv"
    partial = target.with_suffix(".csv.part")
    with partial.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    partial.replace(target)
    print(f"wrote {target.relative_to(ROOT)}")


def _solver_row(path: Path, limit: float, runs: list[dict]) -> str:
    median = {key: _median(run[key] for run in runs)
              for key in ("seconds", "first_solution", "best_solution", "objective", "bound",
                          "gap", "peak_mb", "greedy_objective")}
    kpis = {kpi: _median(run["kpis"].get(kpi) for run in runs) for kpi in KPIS}
    statuses = "/".join(sorted({run["status"] for run in runs}))
    name = _name(path)
    return (f"{name:<16}{len(runs):>5}{limit:>6g}{runs[0]['sessions']:>9}{statuses:>17}"
            f"{_fmt(median['first_solution'], '.1f'):>8}{_fmt(median['best_solution'], '.1f'):>8}"
            f"{_fmt(median['seconds'], '.1f'):>8}{_fmt(median['objective'], ',.0f'):>13}"
            f"{_fmt(median['bound'], ',.0f'):>13}{_fmt(median['gap'], '.1%'):>8}"
            f"{_fmt(median['peak_mb'], '.0f'):>8}"
            + "".join(f"{_fmt(kpis[kpi], ',.0f'):>16}" for kpi in KPIS)
            + f"{_ratio(median['objective'], median['greedy_objective']):>10}"
            f"{all(run['valid'] for run in runs)!s:>6}")


def _greedy_row(runs: list[dict]) -> str:
    """The hand method's figures under the solver's, each KPI as solver/greedy."""
    greedy = runs[0]["greedy_kpis"]
    solver = {kpi: _median(run["kpis"].get(kpi) for run in runs) for kpi in KPIS}
    ratios = "".join(f"{_fmt(greedy.get(kpi), ',.0f') + _share(solver[kpi], greedy.get(kpi)):>16}"
                     for kpi in KPIS)
    return (f"{'  greedy':<16}{'':>5}{'':>6}{'':>9}{'':>17}{'':>8}{'':>8}{'':>8}"
            f"{_fmt(runs[0]['greedy_objective'], ',.0f'):>13}{'':>13}{'':>8}{'':>8}"
            f"{ratios}{'':>10}{'':>6}")


def _name(path: Path) -> str:
    return path.stem if path.parent.name != "generated" else f"gen/{path.stem}"


def _median(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def _share(solver: float | None, greedy: float | None) -> str:
    """Solver over greedy for one KPI, as a percentage in brackets (none when greedy is 0)."""
    if solver is None or not greedy:
        return ""
    return f" ({solver / greedy:.0%})"


def _ratio(solver: float | None, greedy: float | None) -> str:
    """How much lower the solver's objective is than the hand method's."""
    if solver is None or not greedy:
        return "—"
    return f"{solver / greedy - 1:+.0%}"


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


if __name__ == "__main__":
    main()
