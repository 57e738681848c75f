"""The solution the solver writes (docs/format.md, Solution)."""

from __future__ import annotations

import os
import tempfile
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from models.fields import Date, Id
from models.outputs import staged_path


class Status(str, Enum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"

    @property
    def has_schedule(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


class SessionPhase(BaseModel):
    """One phase of one session (class) of a project: its dates, venue, trainers and seats."""

    model_config = ConfigDict(extra="forbid")

    project: Id
    session: int = Field(ge=1)
    phase: int = Field(ge=1)
    start: Date
    end: Date
    venue: Id | None = None
    trainers: list[Id] = []
    seats: dict[Id, int] = {}

    @property
    def size(self) -> int:
        return sum(self.seats.values())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class ReplanRecord(BaseModel):
    """What a re-planned solution was planned against: the earlier plan (its file, as given),
    the first day still open to change (sessions before it were held), and the pinned sessions
    (`project#session`)."""

    model_config = ConfigDict(extra="forbid")

    baseline: str
    today: Date | None = None
    pinned: list[str] = []


class Solution(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: str = Field(default="training-solution/1", alias="schema")
    instance: str
    status: Status
    objective: int | None = None
    bound: int | None = None
    solve_seconds: float = 0.0
    kpis: dict[str, int] = {}
    dropped: list[Id] = []
    sessions: list[SessionPhase] = []
    replan: ReplanRecord | None = None
    provisional_holidays: list[Date] | None = None
    """The statutory holidays the plan assumed for a year whose official notice is not yet out
    (computed by their rules: `scheduler.core.calendar.provisional_holidays`); no make-up working
    day (调休) is known yet. Absent when the year's holidays are published or given as dates."""

    @property
    def gap(self) -> float | None:
        """Relative distance between the objective and the proven bound (0 when optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == self.bound:
            return 0.0
        return abs(self.objective - self.bound) / max(abs(self.objective), 1)

    def to_json(self) -> str:
        absent = {name for name in ("replan", "provisional_holidays")
                  if getattr(self, name) is None}
        return self.model_dump_json(by_alias=True, indent=2, exclude=absent or None)

    def write(self, path: Path) -> None:
        write_text_atomically(path, self.to_json() + "\n")


def write_text_atomically(path: Path, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a file.
    Inside `models.outputs.all_or_nothing`, the file goes to the run's staging folder."""
    path = staged_path(Path(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; outputs are shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
