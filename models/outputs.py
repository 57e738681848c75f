"""Writing the files of a run all or nothing.

A run writes several files (solution.json, plan.xlsx, calendars/…, compare.csv …). Each is
written whole (a temporary file, then a rename), and inside `all_or_nothing(folder)` the run's
files are first written into a hidden staging folder made inside `folder` (so on the same disk)
and moved into place only once every one of them is written. A failure or an interrupt
(Ctrl-C, SIGTERM) while they are written removes the staging folder and leaves the files of
the earlier run as they were: never a folder holding parts of two plans.

The moves themselves are renames on one disk, done with SIGINT and SIGTERM held back until the
last one (a signal that comes meanwhile is handled just after), so an interrupt cannot cut the
set in two either. Only a power cut or SIGKILL during the moves, which take milliseconds, can.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

STAGING_PREFIX = ".staging-"
HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class _Staging:
    """The staging folder of one run: each file written for `target` goes to the same place
    under `folder`, and each file an earlier run left that this one removes is only noted."""

    def __init__(self, target: Path):
        self.target = target.absolute()
        _remove_abandoned(self.target)
        self.folder = Path(tempfile.mkdtemp(dir=self.target,
                                            prefix=f"{STAGING_PREFIX}{os.getpid()}-"))
        self.written: dict[Path, Path] = {}  # final path → staged path, in the order written
        self.removed: list[Path] = []

    def covers(self, path: Path) -> bool:
        return path.absolute().is_relative_to(self.target)

    def staged(self, path: Path) -> Path:
        final = path.absolute()
        staged = self.folder / final.relative_to(self.target)
        staged.parent.mkdir(parents=True, exist_ok=True)
        self.written[final] = staged
        return staged

    def commit(self) -> None:
        # What can stop a move is found before the first one: a folder where a file goes, a
        # file where a folder goes.
        for final in self.written:
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.is_dir():
                raise IsADirectoryError(21, "Is a directory", str(final))
        with _signals_held():
            for final, staged in self.written.items():
                os.replace(staged, final)
            for path in self.removed:
                if path not in self.written:
                    path.unlink(missing_ok=True)
            self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _remove_abandoned(target: Path) -> None:
    """Remove the staging folders of runs killed outright (SIGKILL, a power cut): their process
    is gone. A run still writing into the same folder keeps its own."""
    for folder in target.glob(f"{STAGING_PREFIX}*"):
        pid = folder.name.removeprefix(STAGING_PREFIX).split("-")[0]
        if pid.isdecimal() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no signal 0 (Windows): leave it
        return True
    return True


_current: ContextVar[_Staging | None] = ContextVar("staging", default=None)


@contextlib.contextmanager
def all_or_nothing(folder: Path) -> Iterator[None]:
    """Inside it, every file written under `folder` through `write_bytes` (and every removal
    through `remove`) takes effect when the block ends without an exception, all at once; an
    exception, KeyboardInterrupt included, leaves `folder` as it was. A block inside another's
    folder joins the outer block."""
    outer = _current.get()
    if outer is not None and outer.covers(folder):
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    staging = _Staging(Path(folder))
    token = _current.set(staging)
    try:
        yield
    except BaseException:
        staging.discard()
        raise
    else:
        try:
            staging.commit()
        except BaseException:
            staging.discard()
            raise
    finally:
        _current.reset(token)


def staged_path(path: Path) -> Path:
    """Where a file meant for `path` is written now: its place in the staging folder inside
    `all_or_nothing`, else `path` itself."""
    staging = _current.get()
    if staging is not None and staging.covers(path):
        return staging.staged(path)
    return path


def remove(path: Path) -> None:
    """Remove a file an earlier run left: at the end of `all_or_nothing`, else at once."""
    staging = _current.get()
    if staging is not None and staging.covers(path):
        staging.removed.append(path.absolute())
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back meanwhile (the main thread only: only it gets them)."""
    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "pthread_sigmask")):  # Windows has no signal mask
        yield
        return
    earlier = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, earlier)
