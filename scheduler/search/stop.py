"""When a search ends, as a value the caller builds: its time limit, on which clock, whether a
proof of optimality ends it, and an event the caller may set from another thread.

The library installs no signal handler: the command line binds Ctrl-C to the `Stop` it passes
(`scheduler.interrupt`), and the web worker sets its job's `Stop` when the planner asks.

    stop = Stop(time_limit=300)
    threading.Timer(10, stop.set).start()   # or a button, a signal handler, another job
    result = solve(instance, stop=stop)     # stopped after 10 s, with its best plan
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stop:
    time_limit: float = 60.0
    """Seconds the search may take, on the wall clock or, `deterministic`, the work clock."""
    deterministic: bool = False
    """The same instance, seed and limit give the same plan: one worker, and `time_limit`
    counted in work (CP-SAT's deterministic time, `scheduler.search.clock.WorkClock`)."""
    ends_on_proof: bool = True
    """Whether the search ends once the relaxation's bound proves its best plan optimal; if
    not, it runs on to its time limit (to measure what the time buys)."""
    event: threading.Event = field(default_factory=threading.Event, compare=False)
    """Set (by `set`, from any thread) to end the search early with its best plan; set before
    the search starts, the search stops as soon as it starts."""

    def set(self) -> None:
        """End the search now, keeping its best plan."""
        self.event.set()

    def is_set(self) -> bool:
        return self.event.is_set()


def stop_from(stop: Stop | None, time_limit: float | None, deterministic: bool | None,
              default_limit: float) -> Stop:
    """The `Stop` a call asks for: `stop`, or one built from the convenience keywords (with
    `default_limit` seconds where no limit is given). Both at once is a `ValueError`: which
    should win would be a guess."""
    if stop is None:
        return Stop(default_limit if time_limit is None else time_limit, bool(deterministic))
    if time_limit is not None or deterministic is not None:
        raise ValueError("give the time limit and the clock in the Stop, or as time_limit= "
                         "and deterministic=, not both")
    return stop
