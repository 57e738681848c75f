"""What the search's stages measure time by: the wall clock, or, for a deterministic search, the
work done, so that the same request runs the same steps whatever the machine's load.

The work clock counts CP-SAT's deterministic time of every solve (its own measure of the work
done, the same for the same model, seed and one worker) and `SolveParams.move_work` for every
move of ruin and recreate; a deadline is then so much work, not so many seconds.
"""

from __future__ import annotations

import time


class Clock:
    """The wall clock: `now` is seconds; work spent is not counted."""

    deterministic = False

    def now(self) -> float:
        return time.monotonic()

    def spend(self, work: float) -> None:
        """Count `work` done (a solve's deterministic time, a move's share)."""


class WorkClock(Clock):
    """The work clock: `now` is the work done so far, in the seconds that work takes one core
    of the reference machine (`work_per_second` units of CP-SAT's deterministic time a second),
    so that a time limit means about as long on the clock as it says."""

    deterministic = True

    def __init__(self, work_per_second: float = 1.0) -> None:
        self.work = 0.0
        self.work_per_second = work_per_second

    def now(self) -> float:
        return self.work / self.work_per_second

    def spend(self, work: float) -> None:
        self.work += work

    def work_in(self, seconds: float) -> float:
        """The deterministic time `seconds` of this clock stand for."""
        return seconds * self.work_per_second


WALL = Clock()
