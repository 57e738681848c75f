"""What the warm start is worth: re-solving a changed instance with the earlier plan as the
search's hint, against the same re-plan without it, side by side in one run.

For each shipped scenario of instances/2024.json, and for the same kinds of change made to
qianjiang-2022 (its busiest venue closed for a month, its busiest trainer ill for a month), the
base is solved once; then each scenario is re-planned against that base plan, warm and cold,
`--repeat` times with different seeds. Printed: medians of the time to the first plan, the time
to the last improvement, the final objective and the status.

    python scripts/benchmark_warm_start.py
    python scripts/benchmark_warm_start.py --repeat 5 --time-limit 30
"""

from __future__ import annotations

import datetime as dt
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import Instance, Solution, load_instance, read_json  # noqa: E402
from models.scenario import apply_changes  # noqa: E402
from scheduler.core.replan import Replan  # noqa: E402
from scheduler.core.validate import validate  # noqa: E402
from scheduler.search.solve import solve  # noqa: E402


def shipped_scenarios() -> list[tuple[str, Instance]]:
    return [(path.stem, load_instance(path))
            for path in sorted((ROOT / "instances" / "scenarios").glob("*.json"))]


def qianjiang_scenarios(base: Solution) -> list[tuple[str, Instance]]:
    """Close the venue with the most session days for a month, and take the trainer with the
    most session days away for a month: the month each is busiest in the base plan."""
    data = read_json(ROOT / "instances" / "qianjiang-2022.json")
    venue_days: Counter[tuple[str, int]] = Counter()
    trainer_days: Counter[tuple[str, int]] = Counter()
    for row in base.sessions:
        if row.venue:
            venue_days[row.venue, row.start.month] += row.days
        for trainer in row.trainers:
            trainer_days[trainer, row.start.month] += row.days
    scenarios = []
    for kind, days in (("venues", venue_days), ("trainers", trainer_days)):
        (owner, month), _ = days.most_common(1)[0]
        start = dt.date(data["year"], month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        change = {"unavailable": f"{kind}.{owner}", "start": str(start), "end": str(end)}
        scenarios.append((f"qianjiang {kind[:-1]} {owner} away in month {month}",
                          apply_changes(data, f"{owner} away", [change])))
    return scenarios


def run(instance: Instance, replan: Replan, time_limit: float, seed: int) -> dict:
    improvements: list[tuple[float, float]] = []
    started = time.monotonic()

    def on_progress(seconds: float, best: float | None, bound: float | None) -> None:
        if best is not None and (not improvements or best < improvements[-1][1]):
            improvements.append((time.monotonic() - started, best))

    solution = solve(instance, time_limit=time_limit, seed=seed, on_progress=on_progress,
                     replan=replan).solution
    assert validate(instance, solution, replan.baseline) == [], "the plan must pass validate"
    return {"first": improvements[0][0] if improvements else None,
            "last": improvements[-1][0] if improvements else None,
            "seconds": solution.solve_seconds, "objective": solution.objective,
            "status": solution.status.value}


def median(values: list) -> float | None:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@click.command()
@click.option("--repeat", default=3, show_default=True, help="Seeds per scenario and mode.")
@click.option("--time-limit", default=60.0, show_default=True)
def main(repeat: int, time_limit: float) -> None:
    print(f"# warm start vs cold, {dt.date.today()}, {platform.machine()}, "
          f"{platform.python_version()}, medians of {repeat} seeds, limit {time_limit:g} s")
    base_2024 = Solution.model_validate_json(
        (ROOT / "tests" / "data" / "2024-solution.json").read_text(encoding="utf-8"))
    qianjiang = load_instance(ROOT / "instances" / "qianjiang-2022.json")
    base_qianjiang = solve(qianjiang, time_limit=time_limit).solution
    cases = [(name, instance, base_2024) for name, instance in shipped_scenarios()]
    cases += [(name, instance, base_qianjiang)
              for name, instance in qianjiang_scenarios(base_qianjiang)]
    header = (f"{'scenario':44} {'mode':5} {'status':9} {'objective':>10} {'first s':>8} "
              f"{'best s':>8} {'total s':>8}")
    print(header)
    print("-" * len(header))
    for name, instance, base in cases:
        for warm in (True, False):
            runs = [run(instance, Replan(base, warm_start=warm), time_limit, seed)
                    for seed in range(repeat)]
            statuses = Counter(r["status"] for r in runs).most_common(1)[0][0]
            print(f"{name[:44]:44} {'warm' if warm else 'cold':5} {statuses:9} "
                  f"{median([r['objective'] for r in runs]):>10,.0f} "
                  f"{seconds(median([r['first'] for r in runs])):>8} "
                  f"{seconds(median([r['last'] for r in runs])):>8} "
                  f"{seconds(median([r['seconds'] for r in runs])):>8}")


if __name__ == "__main__":
    main()
