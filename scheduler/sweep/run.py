"""Running a sweep's tasks on a Dask cluster: the one at `--scheduler`, else a `LocalCluster`
of this machine (a worker process per core, one thread each, as each task solves on one).

Dask places the tasks, retries one whose worker died (up to `distributed.scheduler.
allowed-failures` times, then the task's row says the worker was lost), and brings the
results back as they finish. The finished ones go to the cache at once; the caller's `Stop`,
once set (Ctrl-C), cancels every task not finished, whose rows say so, and keeps the rest.

This module imports Dask: it is loaded only when a sweep runs (the `cluster` extra).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from distributed import Client, Future, KilledWorker, LocalCluster, as_completed

from scheduler.search.stop import Stop
from scheduler.sweep.cache import Cache
from scheduler.sweep.task import Outcome, Task, run_task

POLL_SECONDS = 0.2
"""How often the loop looks whether its stop was set while no result is ready."""
CANCELLED = "cancelled (Ctrl-C) before it finished"
WORKER_LOST = "its worker was lost (the machine or its process died) on every try"


@dataclass
class Progress:
    """Where the sweep stands after each result: tasks done, running and queued, the best
    objective per base so far, and the result just in."""

    total: int
    done: int
    running: int
    queued: int
    latest: Outcome
    best: dict[str, int] = field(default_factory=dict)


@contextmanager
def cluster_client(address: str | None = None) -> Iterator[Client]:
    """A client of the Dask scheduler at `address` (tcp://HOST:8786), else of a LocalCluster
    sized to this machine, closed on the way out."""
    if address:
        with Client(address) as client:
            yield client
        return
    with LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def run_tasks(tasks: list[Task], cache: Cache, *, client: Client | None = None,
              address: str | None = None, stop: Stop | None = None,
              on_progress: Callable[[Progress], None] | None = None) -> list[Outcome]:
    """Every task's outcome, in the order of `tasks`: from the cache, else solved on `client`,
    or on a cluster opened for the purpose (`cluster_client(address)`) when some task is not
    in the cache. A task equal to another, by key, is solved once."""
    outcomes: dict[str, Outcome] = {}
    unique = {task.key: task for task in tasks}
    for key in unique:
        cached = cache.get(key)
        if cached is not None:
            outcomes[key] = cached
    left = [task for key, task in unique.items() if key not in outcomes]
    if left and client is None:
        with cluster_client(address) as opened:
            return run_tasks(tasks, cache, client=opened, stop=stop, on_progress=on_progress)
    if left:
        assert client is not None
        _solve(client, left, outcomes, cache, stop or Stop(), on_progress)
    return [_as_task(outcomes[task.key], task) for task in tasks]


def _solve(client: Client, tasks: list[Task], outcomes: dict[str, Outcome], cache: Cache,
           stop: Stop, on_progress: Callable[[Progress], None] | None) -> None:
    """Solve `tasks` on the cluster into `outcomes`, each kept in the cache as it comes; once
    `stop` is set, cancel what has not finished."""
    total = len(outcomes) + len(tasks)
    futures: dict[Future[Outcome], Task] = {client.submit(run_task, task, key=task.key): task
                                            for task in tasks}
    best: dict[str, int] = {}
    for outcome in outcomes.values():
        _note_best(best, outcome)
    finished = as_completed(futures)
    while not finished.is_empty():
        ready = finished.next_batch(block=False)
        if not ready:
            if stop.event.wait(POLL_SECONDS):
                break
            continue
        for future in ready:
            outcome = _outcome(future, futures[future])
            outcomes[outcome.key] = outcome
            if future.status == "finished":
                cache.put(outcome)
            _note_best(best, outcome)
            if on_progress is not None:
                on_progress(_progress(client, futures, outcomes, total, outcome, best))
    unfinished = [future for future in futures if futures[future].key not in outcomes]
    client.cancel(unfinished)
    for future in unfinished:
        outcomes[futures[future].key] = Outcome.failed(futures[future], CANCELLED)


def _note_best(best: dict[str, int], outcome: Outcome) -> None:
    if outcome.objective is not None:
        best[outcome.base] = min(best.get(outcome.base, outcome.objective), outcome.objective)


def _outcome(future: Future[Outcome], task: Task) -> Outcome:
    """A finished future's outcome, or a row saying why it has none."""
    if future.status == "finished":
        return future.result()
    error = future.exception()
    if isinstance(error, KilledWorker):
        return Outcome.failed(task, WORKER_LOST)
    return Outcome.failed(task, f"the task failed: {type(error).__name__}: {error}")


def _progress(client: Client, futures: dict[Future[Outcome], Task], outcomes: dict[str, Outcome],
              total: int, latest: Outcome, best: dict[str, int]) -> Progress:
    waiting = {task.key for task in futures.values() if task.key not in outcomes}
    running = sum(1 for keys in client.processing().values() for key in keys if key in waiting)
    return Progress(total, len(outcomes), running, len(waiting) - running, latest, dict(best))


def _as_task(outcome: Outcome, task: Task) -> Outcome:
    """The outcome as the row of `task`: a cached one, or one shared with an equal task, may
    come from another base's file of the same content."""
    if (outcome.base, outcome.label, outcome.values) == (task.base, task.label, task.values):
        return outcome
    return Outcome(**{**vars(outcome), "base": task.base, "label": task.label,
                      "values": task.values})
