"""One variant of a sweep as a task a worker anywhere can run, and what comes back.

A task carries the base's JSON and the variant's changes, not a path: a worker on another
machine has none of this machine's files, only the package. Every task solves
deterministically (one worker, the work clock), so its plan does not depend on which machine
ran it, and its `key` (a hash of the instance, the changes, the seed, the limit and the
package's version) names its result in the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from models import InputError, Solution
from models.scenario import apply_changes
from scheduler.sweep.spec import Sweep


@dataclass(frozen=True)
class Task:
    base: str
    label: str
    instance_json: str
    """The base's decoded instance before the changes, as JSON text (`instance_text`)."""
    changes: list[dict[str, Any]]
    values: dict[str, Any]
    """The swept paths' values of this variant (its columns in sweep.csv)."""
    seed: int
    time_limit: float
    """Work-clock seconds (`Stop.deterministic`)."""

    @cached_property
    def key(self) -> str:
        """Equal for tasks whose plans are equal: what is solved, its name (the plan carries
        it), and how."""
        import scheduler

        what = {"instance": self.instance_json, "name": self.label, "changes": self.changes,
                "seed": self.seed, "time_limit": self.time_limit,
                "version": scheduler.__version__}
        text = json.dumps(what, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return "sweep-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class Outcome:
    """A task's row: its plan's status, objective, bound, gap and KPIs, or why it has none."""

    base: str
    label: str
    values: dict[str, Any]
    key: str
    status: str | None = None
    objective: int | None = None
    bound: int | None = None
    gap: float | None = None
    kpis: dict[str, int] = field(default_factory=dict)
    seconds: float | None = None
    """The solve's wall-clock seconds on its worker."""
    cpu_seconds: float | None = None
    """The CPU time the task's process spent meanwhile (what the work clock stands for)."""
    worker: str = ""
    reason: str = ""
    """Why the row has no result: the variant's problems, a lost worker, a cancel."""
    cached: bool = False
    solution_json: str | None = None

    @classmethod
    def failed(cls, task: Task, reason: str) -> Outcome:
        return cls(task.base, task.label, task.values, task.key, reason=reason)

    @property
    def solution(self) -> Solution | None:
        return (None if self.solution_json is None
                else Solution.model_validate_json(self.solution_json))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Outcome:
        return cls(**json.loads(text))


def instance_text(data: dict[str, Any]) -> str:
    """A decoded instance as the JSON text a task carries. Its keys keep the file's order: the
    order of a town's teachers, say, is the order the model is built in, and so the plan's."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def run_task(task: Task) -> Outcome:
    """Apply the changes and solve, on whichever worker runs it; a variant the base cannot
    take comes back as a row naming each problem (nothing raised: the sweep goes on)."""
    from scheduler.search.solve import solve
    from scheduler.search.stop import Stop

    try:
        instance = apply_changes(json.loads(task.instance_json), task.label, task.changes)
    except InputError as error:
        return Outcome.failed(task, "; ".join(error.problems))
    started = time.process_time()
    result = solve(instance, stop=Stop(task.time_limit, deterministic=True), seed=task.seed,
                   workers=1)
    solution = result.solution
    return Outcome(
        task.base, task.label, task.values, task.key, status=solution.status.value,
        objective=solution.objective, bound=solution.bound, gap=solution.gap,
        kpis=dict(solution.kpis), seconds=solution.solve_seconds,
        cpu_seconds=round(time.process_time() - started, 3), worker=worker_name(),
        solution_json=solution.to_json())


def worker_name() -> str:
    """The Dask worker running this (its address), else this host and process."""
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"{socket.gethostname()}:{os.getpid()}"


def sweep_tasks(sweep: Sweep, time_limit: float, seed: int = 0) -> list[Task]:
    """A task per base and variant, bases first: every variant of a district together."""
    return [Task(base.name, variant.label, text, variant.changes, variant.values, seed,
                 time_limit)
            for base in sweep.bases for text in [instance_text(base.data)]
            for variant in sweep.variants]
