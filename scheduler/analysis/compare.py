"""Comparing alternative plans: a base instance and scenarios of it, solved side by side.

The base is solved first (or its published plan is given). Each scenario is then re-planned
against the base plan (`scheduler.core.replan`, no held sessions): it keeps what it can of the base
and pays for every change, so its column shows what the scenario really forces, not an
unrelated optimum among equals; the base plan is also its warm start. Scenarios are solved in
parallel processes, each with an equal share of the cores.

Stopping: the caller's `Stop` ends the base's search; once it is set while the scenarios are
solved, each child process is sent SIGINT (`children.stop_children`), which the child, the edge
of its own process, binds to the `Stop` of its search (`interrupt.ctrl_c_stops`): each search
ends with its best plan. Ctrl-C in a terminal reaches the children directly too. A child
starts with SIGINT ignored, until its search binds it (else Ctrl-C while it starts would kill
it and break the pool), so the parent says it again every second until they are done.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models import InputError, Instance, Solution, load_instance, parse_instance, read_json
from models.phrase import Joined, Phrase, in_file, phrase
from models.scenario import is_scenario, load_scenario
from models.workbook.read import is_workbook, load_workbook_instance
from scheduler.children import die_with_parent, stop_children
from scheduler.core.diff import project_changes
from scheduler.core.kpis import KPI_NAMES
from scheduler.core.replan import STABILITY_KPIS, Replan
from scheduler.interrupt import ctrl_c_stops
from scheduler.search.solve import solve
from scheduler.search.stop import Stop, stop_from

BASE_LABEL = "基准方案"
CHANGED = ("{before} → {after}", "{before} → {after}")
NONE = phrase(("none", "无"))
"""The projects dropped by a plan that drops none."""
POLL_SECONDS = 0.1
"""How often the parent looks whether its stop was set while the scenarios are solved."""
RESEND_SECONDS = 1.0
"""How often, once stopped, the parent asks its children again to stop."""


class CompareStopped(Exception):
    """Ctrl-C during the base's search: the scenarios would have no base to start from."""


@dataclass
class Alternative:
    """One column of the comparison: a label, the file it came from, its instance and plan."""

    label: str
    path: Path
    instance: Instance
    solution: Solution


@dataclass
class Comparison:
    alternatives: list[Alternative]  # the base first

    @property
    def base(self) -> Alternative:
        return self.alternatives[0]

    def measures(self) -> dict[str, dict[str, object]]:
        """Each alternative's measures by label, the base first: a value by the measure's id
        (`_measures`), for the writers to name in the reader's language."""
        return {alternative.label: _measures(alternative, self.base)
                for alternative in self.alternatives}

    def folders(self) -> dict[str, str]:
        """Each alternative's output folder, by label: its file's name, numbered when two
        files share a name."""
        names: dict[str, str] = {}
        for alternative in self.alternatives:
            name, number = alternative.path.stem, 1
            while name in names.values():
                number += 1
                name = f"{alternative.path.stem}-{number}"
            names[alternative.label] = name
        return names

    def project_diff(self) -> pd.DataFrame:
        """One row per project that changes in some scenario; for each scenario, its months,
        venues and trainers as "before → after" where they changed (a sentence, as a dropped
        project is said in the reader's language), else empty."""
        columns: dict[tuple[str, str], dict[str, Phrase]] = {}
        # Venues and trainers by name, as the base names them, else as a scenario does.
        known: dict[str, str] = {}
        for alternative in self.alternatives:
            for venue in alternative.instance.venues:
                known.setdefault(f"venue:{venue.id}", venue.name)
            for trainer in alternative.instance.trainers:
                known.setdefault(f"trainer:{trainer.id}", trainer.name)
        for alternative in self.alternatives[1:]:
            changes = project_changes(self.base.solution, alternative.solution, known)
            for aspect in ("months", "venues", "trainers"):
                columns[alternative.label, aspect] = {
                    project: phrase(CHANGED, before=change[0], after=change[1])
                    for project, diff in changes.items()
                    if (change := getattr(diff, aspect)) is not None}
        names = {project.id: project.name for alternative in self.alternatives
                 for project in alternative.instance.projects}
        order = [project for project in names
                 if any(project in column for column in columns.values())]
        table = pd.DataFrame(columns, index=pd.Index(order, name="project"),
                             dtype=object).fillna("")
        table.insert(0, ("", "name"), [names[project] for project in order])
        return table


def load_alternatives(base_path: Path, scenario_paths: list[Path]) -> list[tuple[str, Path,
                                                                               Instance]]:
    """Read the base and every scenario (or alternative instance) before solving anything;
    raise `InputError` with every problem of every file, each prefixed with its file."""
    loaded = []
    problems: list[Phrase | str] = []
    for index, path in enumerate([base_path, *scenario_paths]):
        try:
            data = {} if is_workbook(path) else read_json(path)
            scenario = is_scenario(data)
            instance = (load_scenario(path, data) if scenario
                        else load_workbook_instance(path) if is_workbook(path)
                        else parse_instance(data))
        except InputError as error:
            problems += [in_file(path, problem) for problem in error.said]
            continue
        label = data["name"] if scenario else path.stem
        loaded.append((BASE_LABEL if index == 0 else label, path, instance))
    labels = [label for label, _, _ in loaded]
    problems += [f"{path}: another file is also called {label!r}; give scenarios distinct names"
                 for label, path, _ in loaded if labels.count(label) > 1]
    if problems:
        raise InputError(problems)
    return loaded


def compare(base_path: Path, scenario_paths: list[Path], *, stop: Stop | None = None,
            time_limit: float | None = None, jobs: int = 1, seed: int = 0,
            workers: int | None = None, base_solution: Solution | None = None) -> Comparison:
    """Solve the base (unless its plan is given), then every scenario against it in `jobs`
    parallel processes, each search within `stop`'s time limit (or `time_limit`, default 60 s,
    on the wall clock). `stop` set during the scenarios stops each search with its best plan
    so far; during the base's search it stops the comparison (`CompareStopped`)."""
    stop = stop_from(stop, time_limit, None, default_limit=60.0)
    if stop.deterministic:
        raise ValueError("scenarios are compared on the wall clock only")
    loaded = load_alternatives(base_path, scenario_paths)
    _, _, base_instance = loaded[0]
    cores = os.cpu_count() or 1
    if base_solution is None:
        result = solve(base_instance, stop=stop, seed=seed, workers=workers)
        if result.interrupted:
            raise CompareStopped("stopped by Ctrl-C while solving the base: nothing compared")
        base_solution = result.solution
    alternatives = [Alternative(BASE_LABEL, base_path, base_instance, base_solution)]
    if not base_solution.status.has_schedule:
        raise InputError([f"{base_path}: the base has no plan ({base_solution.status.value}); "
                          f"solve it on its own to see why"])
    per_job = workers or max(1, cores // jobs)
    base_json = base_solution.to_json()
    context = multiprocessing.get_context("spawn")  # no fork of a process running CP-SAT threads
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        with _started_ignoring_ctrl_c():  # (`submit` starts the processes)
            futures: list[Future[str]] = [
                pool.submit(_solve_against_base, str(path), base_json, base_path.name,
                            stop.time_limit, stop.is_set(), seed, per_job)
                for _, path, _ in loaded[1:]]
        _stop_children_when_set(stop, futures)
        for (label, path, instance), future in zip(loaded[1:], futures, strict=True):
            solution = Solution.model_validate_json(future.result())
            alternatives.append(Alternative(label, path, instance, solution))
    return Comparison(alternatives)


@contextmanager
def _started_ignoring_ctrl_c() -> Iterator[None]:
    """Processes started meanwhile start with SIGINT ignored (a disposition a child inherits,
    where a handler is not); this process's own comes back after. The main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_children_when_set(stop: Stop, futures: list[Future[str]]) -> None:
    """Wait for the scenarios' searches; once `stop` is set, ask every child process to end
    its search with its best plan, every `RESEND_SECONDS` until they are done: a child still
    starting ignores it. A parent killed outright takes its children with it
    (`die_with_parent`, each child's first act)."""
    while not all(future.done() for future in futures):
        if stop.event.wait(POLL_SECONDS):
            stop_children()
            wait(futures, timeout=RESEND_SECONDS)


def _solve_against_base(path: str, base_json: str, base_name: str, time_limit: float,
                        stopped: bool, seed: int, workers: int) -> str:
    """In a child process: the scenario re-planned against the base plan, as JSON; `stopped`:
    the parent's stop was set before, so the search stops as soon as it starts. The child is
    the edge of its process: Ctrl-C and SIGTERM stop its search, which keeps its plan."""
    instance = load_instance(Path(path))
    replan = Replan(Solution.model_validate_json(base_json), source=base_name)
    with ctrl_c_stops(Stop(time_limit)) as stop:
        if stopped:
            stop.set()
        return solve(instance, stop=stop, seed=seed, workers=workers,
                     replan=replan).solution.to_json()


def _measures(alternative: Alternative, base: Alternative) -> dict[str, object]:
    """The column of one alternative by the measures' ids (`scheduler.messages.TERMS` names
    them in Chinese); "—" where a measure does not apply (the stability of the base against
    itself, anything of a plan that does not exist)."""
    solution = alternative.solution
    planned = solution.status.has_schedule
    compared = planned and alternative is not base

    def kpi(name: str, applies: bool = True) -> object:
        return solution.kpis.get(name, "—") if applies and planned else "—"

    dropped = Joined(tuple(solution.dropped), (", ", "、")) if solution.dropped else NONE
    measures = {
        "status": solution.status.value,
        "objective": solution.objective if planned else "—",
        "gap": f"{solution.gap:.2%}" if solution.gap is not None else "—",
        **{f"kpi {name}": kpi(name) for name in KPI_NAMES},
        **{f"kpi {name}": kpi(name, compared) for name in STABILITY_KPIS},
        "projects dropped": dropped if planned else "—",
        "sessions": len({(row.project, row.session) for row in solution.sessions}),
        "sessions moved against the base": _sessions_moved(base.solution, solution)
        if compared else "—",
        "rural share": _rural_share(alternative),
        "cost (yuan)": kpi("cost"),
        "solve seconds": solution.solve_seconds,
    }
    return measures


def _sessions_moved(base: Solution, other: Solution) -> int:
    """Sessions (classes) of the base held on other dates in `other`, or not at all."""
    now = {(row.project, row.session, row.phase): (row.start, row.end) for row in other.sessions}
    return len({(row.project, row.session) for row in base.sessions
                if now.get((row.project, row.session, row.phase)) != (row.start, row.end)})


def _rural_share(alternative: Alternative) -> str:
    """Seats that go to rural towns, over all seats of the plan (each session counted once):
    what the rural quota and the fair shares' rural tilt together give the rural towns."""
    rural = {town.id for town in alternative.instance.towns if town.rural}
    seats = {(row.project, row.session): row.seats for row in alternative.solution.sessions}
    total = sum(sum(counts.values()) for counts in seats.values())
    to_rural = sum(count for counts in seats.values()
                   for town, count in counts.items() if town in rural)
    return f"{to_rural / total:.1%}" if total else "—"
