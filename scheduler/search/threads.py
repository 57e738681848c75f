"""Solving in a thread, so that the main thread stays free to take Ctrl-C: Python runs signal
handlers only there, and not while it waits inside a solver."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

POLL_SECONDS = 0.1
"""How often a wait checks whether it should end."""

T = TypeVar("T")


def solve_in_thread(solve: Callable[[], T], *, stop_when: Callable[[], bool],
                    interrupt: Callable[[], None]) -> T:
    """What `solve` returns (or raises), called in a thread that is `interrupt`ed once
    `stop_when` says so."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(solve())
        except BaseException as error:  # handed to the caller below
            failure.append(error)

    solving = threading.Thread(target=run)
    solving.start()
    try:
        while solving.is_alive():
            solving.join(POLL_SECONDS)
            if stop_when():
                interrupt()
    except BaseException:  # KeyboardInterrupt where no one bound Ctrl-C to a stop
        interrupt()
        solving.join()
        raise
    if failure:
        raise failure[0]
    return outcome[0]


def wait_until(done: Callable[[], bool], deadline: float) -> None:
    """Wait until `done` says so or `deadline` passes."""
    while not done() and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
