"""What the pages show of a job, read from its folder: the instance and plan, the classes of the
plan, the files to download, and one class's details with why it is where it is.

The why-text and the alternatives of a class come from `scheduler.why` and
`scheduler.alternatives` (one function each) where those modules are installed.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import Instance, Solution, load_instance
from models.workbook.marks import checked_copy_path
from scheduler.export.plan_table import class_names, classes, plan_table
from scheduler.web.storage import Job, Storage

STATUS_WORDS = {
    "invalid": "检查未通过", "ready": "待求解", "queued": "排队中", "running": "求解中",
    "done": "已完成", "stopped": "已停止", "failed": "未完成",
}
SOLUTION_STATUS_WORDS = {
    "OPTIMAL": "最优（已证明）", "FEASIBLE": "可行方案", "INFEASIBLE": "无可行方案",
    "UNKNOWN": "时限内未找到方案",
}


@dataclass(frozen=True)
class Plan:
    """A job's instance and its plan as the worker wrote it."""

    instance: Instance
    solution: Solution


class PlanCache:
    """Plans read from job folders, kept while their solution file is unchanged: a workbook
    takes a moment to read, and every click of a class reads the plan again."""

    def __init__(self, storage: Storage):
        self.storage = storage
        self.lock = threading.Lock()
        self.plans: dict[str, tuple[float, Plan]] = {}

    def plan(self, job: Job) -> Plan | None:
        path = self.storage.out_dir(job.id) / "solution.json"
        try:
            stamp = path.stat().st_mtime
        except FileNotFoundError:
            return None
        with self.lock:
            cached = self.plans.get(job.id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        solution = Solution.model_validate_json(path.read_text(encoding="utf-8"))
        plan = Plan(load_instance(self.storage.folder(job.id) / job.input_file), solution)
        with self.lock:
            self.plans[job.id] = (stamp, plan)
        return plan


def input_path(storage: Storage, job: Job) -> Path:
    return storage.folder(job.id) / job.input_file


def checked_copy(storage: Storage, job: Job) -> Path | None:
    """The marked-up copy of an uploaded workbook with problems, if one was written."""
    path = checked_copy_path(input_path(storage, job))
    return path if path.exists() else None


def output_files(storage: Storage, job: Job) -> list[str]:
    """Every file the worker wrote, as paths relative to `out/` with forward slashes: the only
    names a download may ask for."""
    out_dir = storage.out_dir(job.id)
    if not out_dir.is_dir():
        return []
    return sorted(path.relative_to(out_dir).as_posix() for path in out_dir.rglob("*")
                  if path.is_file() and not path.name.startswith("."))


def class_rows(plan: Plan) -> list[dict[str, Any]]:
    """The plan table of the report, one row per class, each with its (project, session)."""
    keys = {name: key for key, name in class_names(plan.instance, plan.solution).items()}
    rows = plan_table(plan.instance, plan.solution).to_dict("records")
    for row in rows:
        row["project_id"], row["session"] = keys[row["培训项目名称"]]
    return rows


def class_details(plan: Plan, project_id: str, session: int) -> dict[str, Any] | None:
    """One class: its phases (dates, venue, trainers), its seats by town, and what the why and
    alternatives modules say of it; None if the plan has no such class."""
    phases = classes(plan.solution).get((project_id, session))
    if phases is None:
        return None
    instance = plan.instance
    venues = {venue.id: venue.name for venue in instance.venues}
    trainers = {trainer.id: trainer.name for trainer in instance.trainers}
    towns = {town.id: town.name for town in instance.towns}
    return {
        "name": class_names(instance, plan.solution)[project_id, session],
        "project": instance.project(project_id),
        "phases": [{"phase": row.phase, "start": row.start, "end": row.end,
                    "venue": venues.get(row.venue or "", "—"),
                    "trainers": "、".join(trainers.get(t, t) for t in row.trainers) or "—"}
                   for row in phases],
        "seats": [(towns.get(town, town), count) for town, count in phases[0].seats.items()
                  if count],
        "why": _from_module("scheduler.why", "why_text", plan, project_id, session),
        "alternatives": _from_module("scheduler.alternatives", "alternatives_text", plan,
                                     project_id, session),
    }


def _from_module(module_name: str, function: str, plan: Plan, project_id: str,
                 session: int) -> str | None:
    """What `module_name.function(instance, solution, project_id, session)` says of the class,
    or None where the module is not installed."""
    if importlib.util.find_spec(module_name) is None:
        return None
    module = importlib.import_module(module_name)
    return str(getattr(module, function)(plan.instance, plan.solution, project_id, session))
