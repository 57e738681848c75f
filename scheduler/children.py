"""Worker processes die with their parent, whatever ends it.

`compare` solves its scenarios in child processes, and the web server checks uploads and
explains classes in others. A parent ended by SIGKILL (or by SIGTERM while its children ignore
it) runs no code of its own, so it cannot stop them: each child stops itself. `die_with_parent`,
called first thing in a child, asks the kernel to send it SIGKILL when its parent dies (Linux's
PR_SET_PDEATHSIG) and, where there is no such request and as a second guard, watches from a
thread that its parent is still the process that started it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5


def die_with_parent(parent: int | None = None) -> None:
    """End this process when its parent ends (see the module). `parent`: the id of the process
    that started this one, which the child cannot know otherwise if the parent died while the
    child was starting (the child's parent is then another process)."""
    parent = parent or os.getppid()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request was made, or sooner
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    stop = threading.Event()
    while not stop.wait(WATCH_SECONDS):
        if os.getppid() != parent:
            os._exit(1)  # nobody is left to read what this process would make


def stop_children() -> None:
    """Ask every child process of this one (multiprocessing's) to stop its search, as Ctrl-C
    does: each returns its best plan."""
    import multiprocessing

    for child in multiprocessing.active_children():
        if child.pid is not None:
            try:
                os.kill(child.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
