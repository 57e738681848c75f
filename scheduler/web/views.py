"""What the pages show of a job, read from its folder: the instance and plan, the classes of the
plan, the files to download, and one class's details with why it is where it is.

The why-text and the alternatives of a class come from `usecases.class_costs` and
`usecases.find_alternatives` (one call each, in a worker process).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scheduler import InputError, Instance, Solution, usecases
from scheduler.export.plan_table import class_names, classes, plan_table
from scheduler.export.summaries import KPI_LABELS
from scheduler.messages import said_all
from scheduler.web import PAGE_LANGUAGE
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
        plan = Plan(usecases.load_file(self.storage.folder(job.id) / job.input_file), solution)
        with self.lock:
            self.plans[job.id] = (stamp, plan)
        return plan


def input_path(storage: Storage, job: Job) -> Path:
    return storage.folder(job.id) / job.input_file


def checked_copy(storage: Storage, job: Job) -> Path | None:
    """The marked-up copy of an uploaded workbook with problems, if one was written."""
    return usecases.checked_copy(input_path(storage, job))


def output_files(storage: Storage, job: Job) -> list[str]:
    """Every file the worker wrote, as paths relative to `out/` with forward slashes: the only
    names a download may ask for."""
    out_dir = storage.out_dir(job.id)
    if not out_dir.is_dir():
        return []
    # Hidden names are the writers' own: a file being written, a run's staging folder.
    return sorted(path.relative_to(out_dir).as_posix() for path in out_dir.rglob("*")
                  if path.is_file()
                  and not any(part.startswith(".") for part in path.relative_to(out_dir).parts))


def class_rows(plan: Plan) -> list[dict[str, Any]]:
    """The plan table of the report, one row per class, each with its (project, session)."""
    keys = {name: key for key, name in class_names(plan.instance, plan.solution).items()}
    rows = plan_table(plan.instance, plan.solution).to_dict("records")
    for row in rows:
        row["project_id"], row["session"] = keys[row["培训项目名称"]]
    return rows


def class_details(plan: Plan, project_id: str, session: int) -> dict[str, Any] | None:
    """One class: its phases (dates, venue, trainers) and its seats by town; None if the plan
    has no such class."""
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
    }


ALTERNATIVES_SECONDS = 6.0
"""The search for a class's other placements: a panel the planner waits for."""


def class_explanation(input_file: Path, solution_file: Path, project_id: str,
                      session: int) -> dict[str, list[str]]:
    """Why the class is where it is and its best other placements, as lines for the panel, by
    one call each of `usecases.class_costs` and `usecases.find_alternatives`. Run in a
    worker process: the alternatives are a search."""
    instance = usecases.load_file(input_file)
    solution = Solution.model_validate_json(solution_file.read_text(encoding="utf-8"))
    return {"why": _why_lines(instance, solution, project_id, session),
            "alternatives": _alternative_lines(instance, solution, project_id, session)}


def _why_lines(instance: Instance, solution: Solution, project_id: str,
               session: int) -> list[str]:
    lines = []
    for project in usecases.class_costs(instance, solution, project_id, session):
        for cost in project.classes:
            if cost.session == session:
                lines += [_kpi_text(name, value) for name, value in cost.kpis.items() if value]
                lines += said_all(cost.reasons, PAGE_LANGUAGE)
        lines += [_kpi_text(name, value) for name, value in project.kpis.items() if value]
        lines += said_all(project.reasons, PAGE_LANGUAGE)
    return lines or ["这个班没有任何代价：各项指标都已是最好。"]


def _alternative_lines(instance: Instance, solution: Solution, project_id: str,
                       session: int) -> list[str]:
    try:
        found = usecases.find_alternatives(instance, solution, project_id, [session],
                                           time_limit=ALTERNATIVES_SECONDS)
    except InputError as error:
        return said_all(error.said, PAGE_LANGUAGE)
    lines = []
    for alternative in found:
        where = "；".join(usecases.describe_rows(instance, alternative.rows))
        changes = "，".join(_kpi_text(name, value, signed=True)
                           for name, value in alternative.kpi_change.items() if value)
        moved = (f"；另需调整 {len(alternative.knock_on)} 个其他班次阶段"
                 if alternative.knock_on else "")
        lines.append(f"{where}：目标值 {alternative.objective_change:+,}"
                     f"{'（' + changes + '）' if changes else ''}{moved}")
    return lines or [f"{ALTERNATIVES_SECONDS:g} 秒内没有找到其他可行的安排。"]


def _kpi_text(name: str, value: int, signed: bool = False) -> str:
    label, unit = KPI_LABELS.get(name, (name, ""))
    return f"{label} {value:+,}{unit}" if signed else f"{label} {value:,}{unit}"
