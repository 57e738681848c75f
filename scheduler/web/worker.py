"""The worker process of one job: `python -m scheduler.web.worker DATA_DIR JOB_ID WORKERS`.

The web server never solves: it starts this process, which solves the job's instance (or
compares its scenarios), keeps the job's best objective, bound and a heartbeat in the jobs
table while it searches, and writes every output into the job's `out/` folder, each file whole
or not at all. A stop asked on the page, or the server going away (this process's parent
changes), sets the search's `Stop`, as Ctrl-C does in the command line: the best plan so far
is kept and written. A comparison passes the stop on to its child processes itself
(`scheduler.analysis.compare`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scheduler import InputError, Replan, Solution, Status, Stop, usecases
from scheduler.messages import said_all
from scheduler.web import PAGE_LANGUAGE
from scheduler.web.storage import COMPARE, DONE, FAILED, STOPPED, Job, Storage

BEAT_SECONDS = 0.5
"""How often the worker writes its progress and heartbeat, and looks for a stop request."""
BASELINE_FILE = "baseline.json"
"""A re-plan's or a comparison's copy of the plan it starts from, in its own folder."""


class Watch(usecases.Hooks):
    """The worker's second thread: every beat it writes the latest progress and the heartbeat,
    and stops the search when asked to or when the server is gone. The job's use case reports
    to it (`usecases.Hooks`)."""

    def __init__(self, storage: Storage, job_id: str):
        self.storage, self.job_id = storage, job_id
        self.parent = os.getppid()
        self.lock = threading.Lock()
        self.latest: tuple[float, float | None, float | None] | None = None
        self.in_search = False
        self.reason: str | None = None
        """Why a stop was asked, in the planner's words (None: it was not)."""
        self.interrupted = False
        """Whether the search was stopped before its end."""
        self.stop: Stop | None = None
        """The job's search's stop while it searches, set when a stop is asked."""
        self.done = threading.Event()

    def progress(self, seconds: float, best: float | None, bound: float | None) -> None:
        """Kept here, written at the next beat."""
        with self.lock:
            self.latest = (seconds, best, bound)

    def run(self) -> None:
        while not self.done.wait(BEAT_SECONDS):
            with self.lock:
                latest, self.latest = self.latest, None
            fields: dict[str, float | None] = {"beat": time.time()}
            if latest is not None:
                fields.update(elapsed=latest[0], best=latest[1], bound=latest[2])
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
            if self.in_search:
                self._interrupt()

    @contextmanager
    def searching(self, stop: Stop) -> Iterator[None]:
        """Around the search: a stop asked sets `stop` from now on; one asked already does so
        at once (the search then stops as soon as it starts)."""
        with self.lock:
            self.stop, self.in_search = stop, True
            if self.reason is not None:
                self._interrupt()
        try:
            yield
        finally:
            with self.lock:  # a stop asked from now on changes nothing
                self.in_search = False

    def _interrupt(self) -> None:
        if self.stop is not None:
            self.interrupted = True
            self.stop.set()

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
    """Solve the job's instance as `schedule solve` does (`usecases.solve_and_write`): its
    plan's files, or why there is none, said and written in Chinese."""
    instance = usecases.load_file(folder / job.input_file)
    solved = usecases.solve_and_write(
        instance, out_dir, time_limit=job.time_limit or 60.0, workers=workers,
        replan=_replan(job, folder), lang="zh", status_file=True, hooks=watch)
    if not solved.solution.status.has_schedule:
        return _why_no_plan(solved)
    return _summary(solved.solution)


def _why_no_plan(solved: usecases.Solved) -> str:
    """Why the search found no plan: the projects that cannot run and why, else what the
    explanation found, and the best change that gives a plan."""
    instance = solved.instance
    reasons = "；".join(f"{instance.project(project_id).name}（{project_id}）："
                       f"{reason.text(PAGE_LANGUAGE)}"
                       for project_id, reason in solved.cannot_run.items())
    if solved.solution.status is not Status.INFEASIBLE:
        return "时限内没有找到方案，请延长求解时间" + (f"（{reasons}）" if reasons else "")
    said = "没有满足全部规则和必办项目的方案"
    if solved.explanation is None:  # a re-plan: its held and pinned sessions leave no room
        return said + (f"（{reasons}）" if reasons else "")
    cause, advice = usecases.explanation_gist(solved.explanation, PAGE_LANGUAGE)
    return (f"{said}（{reasons}）。" if reasons else f"{said}：{cause}") + advice + \
        "完整的分析和所有可行的修改见 explain.txt。"


def _replan(job: Job, folder: Path) -> Replan | None:
    """A re-plan job's request: its parent's plan, held before the day it names."""
    if not (folder / BASELINE_FILE).exists():
        return None
    baseline = usecases.read_solution_file(folder / BASELINE_FILE)
    return usecases.replan_request(baseline, today=job.options.get("today"), source="原方案")


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
    scenarios = [folder / name for name in job.options["scenarios"]]
    compared = usecases.compare_files(
        folder / job.input_file, scenarios, out_dir, time_limit=job.time_limit or 60.0,
        jobs=min(len(scenarios), workers), workers=max(1, workers // len(scenarios)),
        base_solution=usecases.read_solution_file(folder / BASELINE_FILE),
        formats=["xlsx", "csv"], lang="zh", base_files=False, hooks=watch)
    if compared.comparison is None:  # the base's plan is given: never searched, never stopped
        raise KeyboardInterrupt
    planned = sum(alternative.solution.status.has_schedule
                  for alternative in compared.comparison.alternatives[1:])
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
