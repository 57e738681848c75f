"""Benchmark `schedule sweep` on a LocalCluster of one worker and of two: variants of m100 (its
rural quota × rural weight) solved deterministically, each cluster with an empty cache.
Reports per cluster the wall time, variants per hour, the speed-up over one worker, the peak
memory of a worker, and the CPU-seconds a variant took against its work-clock limit (what
docs/performance.md, "Sweeps", quotes).

    python scripts/benchmark_sweep.py                                  # 20 variants at 20 s
    python scripts/benchmark_sweep.py --variants 2 --time-limit 2      # a quick check
"""

from __future__ import annotations

import itertools
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import click
from distributed import Client, LocalCluster

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduler.sweep.cache import Cache  # noqa: E402
from scheduler.sweep.run import run_tasks  # noqa: E402
from scheduler.sweep.spec import read_sweep  # noqa: E402
from scheduler.sweep.task import Task, sweep_tasks  # noqa: E402

QUOTAS = [0.1, 0.2, 0.3, 0.4, 0.5]
WEIGHTS = [1, 1.5, 2, 3]


def peak_memory_mib() -> float:
    """This process's peak resident memory (Linux counts ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tasks_of(base: Path, variants: int, time_limit: float, folder: Path) -> list[Task]:
    points = list(itertools.product(QUOTAS, WEIGHTS))[:variants]
    sweep_file = folder / "sweep.json"
    sweep_file.write_text(json.dumps({"variants": [
        {"name": f"quota {quota} weight {weight}",
         "changes": [{"set": "policy.rural_quota", "value": quota},
                     {"set": "policy.rural_weight", "value": weight}]}
        for quota, weight in points]}), encoding="utf-8")
    return sweep_tasks(read_sweep(base, sweep_file), time_limit)


@click.command()
@click.option("--base", type=click.Path(exists=True, path_type=Path),
              default=ROOT / "instances" / "generated" / "m100.json", show_default=True)
@click.option("--variants", default=20, show_default=True, type=click.IntRange(1, 20))
@click.option("--time-limit", default=20.0, show_default=True)
@click.option("--workers", "worker_counts", default="1,2", show_default=True,
              help="The cluster sizes to run, comma-separated.")
def main(base: Path, variants: int, time_limit: float, worker_counts: str) -> None:
    rows = []
    for workers in [int(count) for count in worker_counts.split(",")]:
        with tempfile.TemporaryDirectory() as folder, \
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                             dashboard_address=None) as cluster, Client(cluster) as client:
            tasks = tasks_of(base, variants, time_limit, Path(folder))
            started = time.monotonic()
            outcomes = run_tasks(tasks, Cache(Path(folder) / "cache"), client=client)
            seconds = time.monotonic() - started
            memory = max(client.run(peak_memory_mib).values())
        cpu = [outcome.cpu_seconds for outcome in outcomes if outcome.cpu_seconds is not None]
        failed = [outcome.reason for outcome in outcomes if outcome.objective is None]
        rows.append((workers, seconds, len(outcomes) / seconds * 3600, memory,
                     statistics.median(cpu) if cpu else float("nan"), len(failed)))
    first = rows[0][1]
    print(f"{variants} variants of {base.name} at {time_limit:g} s (work clock), one thread a "
          f"worker")
    print("workers  wall s  variants/h  speed-up  peak MiB/worker  CPU-s/variant (median)  "
          "failed")
    for workers, seconds, per_hour, memory, cpu_median, failed_count in rows:
        print(f"{workers:7d}  {seconds:6.1f}  {per_hour:10.1f}  {first / seconds:8.2f}  "
              f"{memory:15.0f}  {cpu_median:22.1f}  {failed_count:6d}")


if __name__ == "__main__":
    main()
