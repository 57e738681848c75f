"""Where the web server keeps its jobs: one SQLite table of jobs and one folder per job under
the data folder, so that a restart loses nothing.

A job is one uploaded instance and what is done with it (checked, solved, stopped), or a
comparison of scenarios, or a re-plan. Its folder holds the input as uploaded and `out/`, the
files the worker wrote. Job ids are uuid4 strings made here; every id that comes from a request
is checked against that form before it names a folder, so no request reaches the file system
by a path of its own.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Statuses: an upload is checked into `invalid` or `ready`; a solve is then `queued`, `running`,
# and ends `done` (searched to its limit or proven best), `stopped` (stopped early, its best plan
# kept) or `failed` (no plan could be made, or the worker broke).
INVALID, READY, QUEUED, RUNNING, DONE, STOPPED, FAILED = (
    "invalid", "ready", "queued", "running", "done", "stopped", "failed")
FINISHED = (DONE, STOPPED, FAILED)
PLAN, COMPARE = "plan", "compare"
"""Job kinds: a plan (solved from an upload, or re-planned from another plan), or a comparison
of scenarios of a plan."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    parent TEXT,
    title TEXT NOT NULL,
    input_name TEXT NOT NULL,
    input_file TEXT NOT NULL,
    status TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    problems TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '',
    time_limit REAL,
    created REAL NOT NULL,
    started REAL,
    ended REAL,
    beat REAL,
    best REAL,
    bound REAL,
    elapsed REAL,
    stop_requested INTEGER NOT NULL DEFAULT 0
)
"""


@dataclass(frozen=True)
class Job:
    """One row of the jobs table."""

    id: str
    kind: str
    parent: str | None
    title: str
    input_name: str
    input_file: str
    status: str
    options: dict[str, Any]
    problems: list[str]
    message: str
    time_limit: float | None
    created: float
    started: float | None
    ended: float | None
    beat: float | None
    best: float | None
    bound: float | None
    elapsed: float | None
    stop_requested: bool

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def active(self) -> bool:
        return self.status in (QUEUED, RUNNING)


def is_job_id(text: str) -> bool:
    """Whether `text` is a job id as this module makes them: a uuid in its canonical form (so
    "../x", "%2e%2e", an absolute path or any other spelling is not)."""
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


class Storage:
    """The jobs table and the job folders under `root`. Every method opens its own connection,
    so the web server's threads and the worker processes share the database safely."""

    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "jobs").mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.root / "jobs.sqlite3", timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    def folder(self, job_id: str) -> Path:
        """The job's folder; raises KeyError for anything that is not a job id."""
        if not is_job_id(job_id):
            raise KeyError(job_id)
        return self.root / "jobs" / job_id

    def out_dir(self, job_id: str) -> Path:
        return self.folder(job_id) / "out"

    def new_folder(self) -> tuple[str, Path]:
        """A fresh job id and its new, empty folder."""
        job_id = str(uuid.uuid4())
        folder = self.folder(job_id)
        folder.mkdir()
        return job_id, folder

    def add(self, job_id: str, *, kind: str, title: str, input_name: str, input_file: str,
            status: str, parent: str | None = None, options: dict[str, Any] | None = None,
            problems: list[str] | None = None, time_limit: float | None = None) -> None:
        """Record the job whose folder `new_folder` made."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO jobs (id, kind, parent, title, input_name, input_file, status, "
                "options, problems, time_limit, created) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (job_id, kind, parent, title, input_name, input_file, status,
                 json.dumps(options or {}, ensure_ascii=False),
                 json.dumps(problems or [], ensure_ascii=False), time_limit, time.time()))

    def job(self, job_id: str) -> Job | None:
        if not is_job_id(job_id):
            return None
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row is not None else None

    def jobs(self, *, status: tuple[str, ...] | None = None, parent: str | None = None,
             limit: int = 200) -> list[Job]:
        """Jobs, newest first; only those of the given statuses, or children of `parent`."""
        query, values = "SELECT * FROM jobs", []
        where = []
        if status is not None:
            where.append(f"status IN ({','.join('?' * len(status))})")
            values += list(status)
        if parent is not None:
            where.append("parent = ?")
            values.append(parent)
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY created DESC LIMIT ?"
        with self._connect() as db:
            rows = db.execute(query, [*values, limit]).fetchall()
        return [_job(row) for row in rows]

    def update(self, job_id: str, **fields: Any) -> None:
        """Set the given columns of the job (options and problems as JSON)."""
        for name in ("options", "problems"):
            if name in fields:
                fields[name] = json.dumps(fields[name], ensure_ascii=False)
        columns = ", ".join(f"{name} = ?" for name in fields)
        with self._connect() as db:
            db.execute(f"UPDATE jobs SET {columns} WHERE id = ?", [*fields.values(), job_id])

    def queue(self, job_id: str, time_limit: float) -> bool:
        """Queue a checked (or finished) plan for solving; False if it cannot be (it is invalid,
        or already queued or running)."""
        with self._connect() as db:
            changed = db.execute(
                "UPDATE jobs SET status = ?, time_limit = ?, stop_requested = 0, best = NULL, "
                "bound = NULL, elapsed = NULL, message = '', started = NULL, ended = NULL "
                "WHERE id = ? AND kind = ? AND status IN (?, ?, ?, ?)",
                (QUEUED, time_limit, job_id, PLAN, READY, DONE, STOPPED, FAILED)).rowcount
        return changed == 1

    def claim(self, job_id: str) -> bool:
        """Move a queued job to running; False if it is no longer queued."""
        with self._connect() as db:
            changed = db.execute(
                "UPDATE jobs SET status = ?, started = ?, beat = ? WHERE id = ? AND status = ?",
                (RUNNING, time.time(), time.time(), job_id, QUEUED)).rowcount
        return changed == 1

    def request_stop(self, job_id: str) -> str | None:
        """Stop a job: a queued one never runs (an upload goes back to ready; a re-plan or a
        comparison, queued as it was made, ends stopped); a running one is asked to stop and
        keep its best plan. The status after, or None if there is no such job."""
        with self._connect() as db:
            row = db.execute("SELECT parent, status FROM jobs WHERE id = ?",
                             (job_id,)).fetchone()
            if row is None:
                return None
            if row["status"] == QUEUED:
                status = READY if row["parent"] is None else STOPPED
                db.execute("UPDATE jobs SET status = ?, message = ? WHERE id = ?",
                           (status, "已取消，未开始求解" if status == STOPPED else "", job_id))
                return status
            if row["status"] == RUNNING:
                db.execute("UPDATE jobs SET stop_requested = 1 WHERE id = ?", (job_id,))
            return str(row["status"])


def _job(row: sqlite3.Row) -> Job:
    values = dict(row)
    values["options"] = json.loads(values["options"])
    values["problems"] = json.loads(values["problems"])
    values["stop_requested"] = bool(values["stop_requested"])
    return Job(**values)
