"""The results of finished tasks, kept by task key in a folder, so that the same sweep run
again (or a sweep that shares variants with an earlier one) solves only what is new.

Each result is written as it comes back, one file per task, atomically: a sweep stopped by
Ctrl-C, or killed, keeps every result it had. What a task returned is kept, a plan or a
variant the base cannot take (both the same on any run); a lost worker or a cancel is not, so
the next run tries that task again.
"""

from __future__ import annotations

from pathlib import Path

from models.solution import write_bytes_atomically
from scheduler.sweep.task import Outcome


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def get(self, key: str) -> Outcome | None:
        """The kept result of the task `key`, marked cached; None if there is none, or the
        file is not one this version reads (it is solved again and overwritten)."""
        path = self.folder / f"{key}.json"
        try:
            outcome = Outcome.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return None
        outcome.cached = True
        return outcome

    def put(self, outcome: Outcome) -> None:
        """Keep what a task returned (not a row made for a task that did not return)."""
        write_bytes_atomically(self.folder / f"{outcome.key}.json",
                               outcome.to_json().encode("utf-8"))
