"""How long `schedule alternatives --top 5` takes, and what it finds, on the shipped plans.

For each instance the plan is solved once (proven or at the time limit), then the alternatives
of a few of its classes are asked for, each `--repeat` times as a whole command (a fresh
process: the imports and the model's building count, as a planner waits for them). Printed per
instance: the median and the slowest time, how many alternatives were found and how many
needed other classes to move; the table is kept as a dated CSV in benchmarks/results/. Every
alternative is checked with `validate` (the command does).

    python scripts/benchmark_alternatives.py
    python scripts/benchmark_alternatives.py --repeat 5 --classes 3
"""

from __future__ import annotations

import datetime as dt
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import Solution  # noqa: E402

INSTANCES = ("2024", "qianjiang-2022", "anshan-2022")


def schedule(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scheduler.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, check=False)


def solved(name: str, folder: Path, time_limit: float) -> Path:
    out = folder / name
    result = schedule("solve", f"instances/{name}.json", "--out", str(out), "--formats", "csv",
                      "--time-limit", str(time_limit), "--lang", "en")
    if result.returncode != 0:
        raise click.ClickException(f"{name}: solve failed\n{result.stdout}{result.stderr}")
    return out / "solution.json"


def classes_of(solution: Path, count: int) -> list[str]:
    """`count` classes spread over the plan's projects, in project order."""
    plan = Solution.model_validate_json(solution.read_text(encoding="utf-8"))
    keys = sorted({(row.project, row.session) for row in plan.sessions})
    step = max(len(keys) // count, 1)
    return [f"{project}#{session}" for project, session in keys[::step][:count]]


@click.command()
@click.option("--repeat", default=3, show_default=True, help="Runs per class.")
@click.option("--classes", "class_count", default=2, show_default=True,
              help="Classes asked about per instance.")
@click.option("--solve-limit", default=30.0, show_default=True,
              help="Seconds to solve each instance's plan first.")
def main(repeat: int, class_count: int, solve_limit: float) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in INSTANCES:
            solution = solved(name, Path(folder), solve_limit)
            times, found, moving = [], [], []
            for target in classes_of(solution, class_count):
                for _ in range(repeat):
                    started = time.perf_counter()
                    result = schedule("alternatives", f"instances/{name}.json", str(solution),
                                      target, "--top", "5", "--lang", "en")
                    times.append(time.perf_counter() - started)
                    if result.returncode not in (0, 1):
                        raise click.ClickException(f"{name} {target}: {result.stdout}"
                                                   f"{result.stderr}")
                    found.append(len(re.findall(r"^\d+\. ", result.stdout, re.MULTILINE)))
                    moving.append(result.stdout.count("also changes:"))
            rows.append((name, statistics.median(times), max(times), statistics.median(found),
                         statistics.median(moving)))
    now = dt.datetime.now()
    print(f"{now:%Y-%m-%d %H:%M}, {platform.node()}, {repeat} run(s) × "
          f"{class_count} class(es) each")
    print(f"{'instance':<16}{'median s':>10}{'slowest s':>11}{'found':>7}{'moving others':>15}")
    for name, median, slowest, count, others in rows:
        print(f"{name:<16}{median:>10.1f}{slowest:>11.1f}{count:>7.0f}{others:>15.0f}")
    table = ROOT / "benchmarks" / "results" / f"{now:%Y-%m-%d-%H%M}-alternatives.csv"
    table.write_text("instance,runs,median_s,slowest_s,found,moving_others\n" + "".join(
        f"{name},{repeat * class_count},{median:.2f},{slowest:.2f},{count:.0f},{others:.0f}\n"
        for name, median, slowest, count, others in rows), encoding="utf-8")
    print(f"kept in {table.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
