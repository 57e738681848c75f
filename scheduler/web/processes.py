"""How the server starts its own processes, a check and a job's worker: `python -m MODULE`; in
a frozen build (PyInstaller), whose executable is the `schedule` command itself and takes no
`-m`, through that command's hidden `_run MODULE`."""

from __future__ import annotations

import sys

RUNNABLE = ("scheduler.web.check", "scheduler.web.worker")
"""The modules the server runs as processes of their own."""


def module_command(module: str, *args: str) -> list[str]:
    """The command line that runs `module` as a process with `args`."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "_run", module, *args]
    return [sys.executable, "-m", module, *args]
