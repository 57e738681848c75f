"""The worker process of one job: `python -m scheduler.web.worker DATA_DIR JOB_ID WORKERS`.

The web server never solves: it starts this process, which solves the job's instance (or
compares its scenarios), keeps the job's best objective, bound and a heartbeat in the jobs
table while it searches, and writes every output into the job's `out/` folder, each file whole
or not at all. A stop asked on the page, or the server going away (this process's parent
changes), stops the search as Ctrl-C does in the command line: the best plan so far is kept
and written.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from models import InputError, Instance, Solution, Status, load_instance
from models.fields import parse_date
from models.outputs import all_or_nothing
from scheduler.messages import said_all
from scheduler.replan import Replan
from scheduler.search.solve import solve
from scheduler.sessions import cannot_run
from scheduler.web import PAGE_LANGUAGE
from scheduler.web.storage import COMPARE, DONE, FAILED, STOPPED, Job, Storage

BEAT_SECONDS = 0.5
"""How often the worker writes its progress and heartbeat, and looks for a stop request."""
BASELINE_FILE = "baseline.json"
"""A re-plan's or a comparison's copy of the plan it starts from, in its own folder."""


class Watch:
    """The worker's second thread: every beat it writes the latest progress and the heartbeat,
    and stops the search when asked to or when the server is gone."""

    def __init__(self, storage: Storage, job_id: str):
        self.storage, self.job_id = storage, job_id
        self.parent = os.getppid()
        self.lock = threading.Lock()
        self.progress: tuple[float, float | None, float | None] | None = None
        self.searching = False
        self.reason: str | None = None
        """Why a stop was asked, in the planner's words (None: it was not)."""
        self.interrupted = False
        """Whether the search was stopped before its end."""
        self.done = threading.Event()

    def __call__(self, seconds: float, best: float | None, bound: float | None) -> None:
        """The solve's on_progress: kept here, written at the next beat."""
        with self.lock:
            self.progress = (seconds, best, bound)

    def run(self) -> None:
        while not self.done.wait(BEAT_SECONDS):
            with self.lock:
                progress, self.progress = self.progress, None
            fields: dict[str, float | None] = {"beat": time.time()}
            if progress is not None:
                fields.update(elapsed=progress[0], best=progress[1], bound=progress[2])
            self.storage.update(self.job_id, **fields)
            if self.reason is None:
                self._stop_if_asked()

    def _stop_if_asked(self) -> None:
        job = self.storage.job(self.job_id)
        if job is not None and job.stop_requested:
            reason = "已按要求停止，保留了此前找到的最好方案"
        elif os.getppid() != self.parent:
            reason = "服务停止时中断，保留了此前找到的最好方案"
        else:
            return
        with self.lock:
            self.reason = reason
            if self.searching:
                self._interrupt()

    def begin_search(self) -> None:
        """From now on a stop interrupts the search; one asked already does so at once (the
        search then stops as soon as it starts)."""
        with self.lock:
            self.searching = True
            if self.reason is not None:
                self._interrupt()

    def end_search(self) -> None:
        """The search is over: a stop asked from now on changes nothing, and the outputs are
        written whole."""
        with self.lock:
            self.searching = False
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _interrupt(self) -> None:
        """Ctrl-C for this job alone: to its whole process group where it leads one (the
        comparison's processes are in it), else to this process."""
        self.interrupted = True
        if hasattr(os, "killpg") and os.getpgrp() == os.getpid():
            os.killpg(os.getpgrp(), signal.SIGINT)
        else:
            signal.raise_signal(signal.SIGINT)

    def __enter__(self) -> Watch:
        threading.Thread(target=self.run, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()


def run_job(storage: Storage, job: Job, workers: int) -> None:
    """Carry out the job and record how it ended."""
    folder = storage.folder(job.id)
    out_dir = storage.out_dir(job.id)
    out_dir.mkdir(exist_ok=True)
    with Watch(storage, job.id) as watch:
        try:
            if job.kind == COMPARE:
                message = _compare(job, folder, out_dir, workers, watch)
            else:
                message = _solve(job, folder, out_dir, workers, watch)
        except InputError as error:
            storage.update(job.id, status=FAILED,
                           problems=said_all(error.said, PAGE_LANGUAGE), ended=time.time(),
                           message="输入有误，未求解")
            return
        except KeyboardInterrupt:  # stopped before the search began: nothing to keep
            storage.update(job.id, status=STOPPED, ended=time.time(),
                           message="在开始搜索前已停止，没有方案")
            return
        except OSError as error:  # a full or read-only disk: the earlier outputs are kept
            storage.update(job.id, status=FAILED, ended=time.time(),
                           message=f"无法写入结果（{error.strerror or error}）：磁盘已满或不可写，"
                                   "没有留下不完整的文件")
            return
        except Exception:
            (folder / "worker.log").write_text(traceback.format_exc(), encoding="utf-8")
            storage.update(job.id, status=FAILED, ended=time.time(),
                           message="求解进程出错，详见任务文件夹中的 worker.log")
            return
    if watch.interrupted:
        storage.update(job.id, status=STOPPED, ended=time.time(),
                       message=f"{watch.reason}。{message}")
    else:
        storage.update(job.id, status=DONE, ended=time.time(), message=message)


def _solve(job: Job, folder: Path, out_dir: Path, workers: int, watch: Watch) -> str:
    from scheduler.export.formats import write_outputs

    instance = load_instance(folder / job.input_file)
    replan = _replan(job, folder)
    watch.begin_search()
    try:
        result = solve(instance, time_limit=job.time_limit or 60.0, workers=workers,
                       on_progress=watch, replan=replan)
    finally:
        watch.end_search()
    solution = result.solution
    with all_or_nothing(out_dir):
        solution.write(out_dir / "solution.json")
        if solution.status.has_schedule:
            write_outputs(instance, solution, out_dir)
            if replan is not None:
                _write_changes(instance, replan.baseline, solution, out_dir)
    if not solution.status.has_schedule:
        # The search keeps its reasons in English; the pages say them in Chinese.
        said = {project_id: why.text(PAGE_LANGUAGE)
                for project_id, why in cannot_run(instance, list(result.unschedulable)).items()}
        reasons = "；".join(f"{instance.project(project_id).name}（{project_id}）："
                           f"{said.get(project_id, reason)}"
                           for project_id, reason in result.unschedulable.items())
        return ("没有满足全部规则和必办项目的方案" if solution.status is Status.INFEASIBLE
                else "时限内没有找到方案，请延长求解时间") + (f"（{reasons}）" if reasons else "")
    return _summary(solution)


def _replan(job: Job, folder: Path) -> Replan | None:
    """A re-plan job's request: its parent's plan, held before the day it names."""
    if not (folder / BASELINE_FILE).exists():
        return None
    baseline = Solution.model_validate_json((folder / BASELINE_FILE).read_text(encoding="utf-8"))
    today = job.options.get("today")
    return Replan(baseline, parse_date(today) if today else None, source="原方案")


def _write_changes(instance: Instance, baseline: Solution, solution: Solution,
                   out_dir: Path) -> None:
    from scheduler.diff import session_changes
    from scheduler.export.changes import write_changes

    write_changes(instance, session_changes(instance, baseline, solution), out_dir,
                  PAGE_LANGUAGE)


def _summary(solution: Solution) -> str:
    proof = {Status.OPTIMAL: "已证明最优"}.get(solution.status, "")
    if not proof and solution.gap is not None:
        proof = f"与下界相差 {solution.gap:.2%}"
    provisional = ("；法定节假日按规则推算，为暂定，调休尚未公布"
                   if solution.provisional_holidays else "")
    return f"目标值 {solution.objective:,}" + (f"，{proof}" if proof else "") + provisional


def _compare(job: Job, folder: Path, out_dir: Path, workers: int, watch: Watch) -> str:
    """The scenarios of the job re-planned against its parent's plan, side by side, as
    `schedule compare --base-solution` does; each scenario's plan in a folder of its own."""
    from scheduler.compare import compare
    from scheduler.export.compare_files import write_comparison
    from scheduler.export.formats import write_outputs

    base = Solution.model_validate_json((folder / BASELINE_FILE).read_text(encoding="utf-8"))
    scenarios = [folder / name for name in job.options["scenarios"]]
    watch.begin_search()
    try:
        comparison = compare(folder / job.input_file, scenarios,
                             time_limit=job.time_limit or 60.0, jobs=min(len(scenarios), workers),
                             workers=max(1, workers // len(scenarios)), base_solution=base)
    finally:
        watch.end_search()
    folders = comparison.folders()
    with all_or_nothing(out_dir):
        for alternative in comparison.alternatives[1:]:
            if alternative.solution.status.has_schedule:
                write_outputs(alternative.instance, alternative.solution,
                              out_dir / folders[alternative.label], ["xlsx", "csv"])
        write_comparison(comparison, out_dir)
    planned = sum(alternative.solution.status.has_schedule
                  for alternative in comparison.alternatives[1:])
    return f"{planned}/{len(scenarios)} 个方案有排期"


def main(argv: list[str]) -> None:
    data_dir, job_id, workers = argv
    storage = Storage(Path(data_dir))
    job = storage.job(job_id)
    if job is None:
        sys.exit(f"no job {job_id} in {data_dir}")
    run_job(storage, job, int(workers))


if __name__ == "__main__":
    main(sys.argv[1:])
