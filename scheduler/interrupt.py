"""Ctrl-C at the edge of the program: the command line (and each child process of `compare`)
binds Ctrl-C and SIGTERM to the `Stop` it passes to the search, which ends early and keeps its
best plan instead of aborting. The library itself installs no signal handler."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from scheduler.search.stop import Stop

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""Ctrl-C, and the polite stop a service manager or `kill` sends."""


@contextmanager
def ctrl_c_stops(stop: Stop) -> Iterator[Stop]:
    """While inside, Ctrl-C (or SIGTERM) sets `stop`; the earlier handlers come back after.
    Only the main thread may bind signals: elsewhere nothing is bound."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {number: signal.signal(number, lambda signum, frame: stop.set())
                for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
