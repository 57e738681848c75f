"""Running the jobs: a thread of the web server starts a worker process for each queued job,
at most `max_running` at once (default: one per core), oldest first, and notices when each
ends. The solving itself is always in the worker (`scheduler.web.worker`), never here.

Jobs outlive the server. A worker whose server stops writes its best plan and ends the job
`stopped` (it watches its parent); a job left `running` whose worker no longer beats (it was
killed) is marked `stopped` with whatever plan it had written. Queued jobs wait in the table and
run when the server starts again.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import threading
import time

from scheduler.web.processes import module_command
from scheduler.web.storage import FAILED, QUEUED, RUNNING, STOPPED, Storage

log = logging.getLogger("scheduler.web")

POLL_SECONDS = 0.25
STALE_SECONDS = 10.0
"""A running job whose worker has not beaten for this long has no worker any more."""
SHUTDOWN_SECONDS = 30.0
"""How long a stopping server waits for its workers to write their best plans."""


class JobRunner:
    """Starts the queued jobs of `storage` in worker processes and follows them."""

    def __init__(self, storage: Storage, max_running: int | None = None):
        self.storage = storage
        self.cores = os.cpu_count() or 1
        self.max_running = max_running or self.cores
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.wake = threading.Event()
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="job-runner", daemon=True)
        self.faulty = False
        """Whether the last round met a disk fault (said once, not every round)."""

    def start(self) -> None:
        self.thread.start()

    def nudge(self) -> None:
        """A job was queued: look now rather than at the next poll."""
        self.wake.set()

    def shutdown(self) -> None:
        """Stop every running job (each writes its best plan) and wait for the workers."""
        self.closing.set()
        self.wake.set()
        self.thread.join()
        for job_id in list(self.workers):
            self.storage.request_stop(job_id)
        deadline = time.monotonic() + SHUTDOWN_SECONDS
        for job_id, process in list(self.workers.items()):
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            self._reap(job_id)

    def _loop(self) -> None:
        while not self.closing.is_set():
            try:
                self._follow()
                self._start_queued()
            except (OSError, sqlite3.Error) as error:
                # A full or read-only --data folder: the jobs table cannot be written now.
                # The runner goes on, and carries on where it was once the disk is back.
                if not self.faulty:
                    log.error("the job runner cannot use the data folder: %s", error)
                self.faulty = True
            else:
                self.faulty = False
            self.wake.wait(POLL_SECONDS)
            self.wake.clear()

    def _follow(self) -> None:
        """Reap the workers that ended, and mark stopped the running jobs nobody runs."""
        for job_id, process in list(self.workers.items()):
            if process.poll() is not None:
                self._reap(job_id)
        now = time.time()
        for job in self.storage.jobs(status=(RUNNING,)):
            if job.id not in self.workers and (job.beat or 0) < now - STALE_SECONDS:
                self._mark_abandoned(job.id, "服务停止时中断")

    def _reap(self, job_id: str) -> None:
        del self.workers[job_id]
        job = self.storage.job(job_id)
        if job is not None and job.status == RUNNING:  # the worker ended without saying how
            self._mark_abandoned(job_id, "求解进程意外结束")

    def _mark_abandoned(self, job_id: str, why: str) -> None:
        kept = (self.storage.out_dir(job_id) / "solution.json").exists()
        self.storage.update(job_id, status=STOPPED, ended=time.time(),
                            message=f"{why}，保留了已写出的方案" if kept
                            else f"{why}，没有写出方案")

    def _start_queued(self) -> None:
        running = len(self.storage.jobs(status=(RUNNING,)))
        for job in reversed(self.storage.jobs(status=(QUEUED,))):  # oldest first
            if running >= self.max_running:
                return
            if self.storage.claim(job.id):
                running += 1
                try:
                    self._spawn(job.id, workers=max(1, self.cores // running))
                except OSError as error:
                    self.storage.update(job.id, status=FAILED, ended=time.time(),
                                        message=f"无法启动求解进程（{error.strerror}）")

    def _spawn(self, job_id: str, workers: int) -> None:
        """The worker process, in a process group of its own where there are such, so that
        Ctrl-C at the server's terminal does not reach it: the server asks it to stop instead,
        and it keeps its best plan."""
        self.workers[job_id] = subprocess.Popen(
            module_command("scheduler.web.worker", str(self.storage.root), job_id,
                           str(workers)),
            stdin=subprocess.DEVNULL, start_new_session=os.name == "posix")
