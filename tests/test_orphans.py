"""No orphans: the worker processes of `compare` (and any child that calls `die_with_parent`)
end with their parent, whether it is killed outright or asked to stop (issue 40)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.web_server import wait_for

M100 = ROOT / "instances" / "generated" / "m100.json"
pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdecimal():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


CHILD = """
import sys, time
from scheduler.children import die_with_parent
die_with_parent()
print("ready", flush=True)
time.sleep(600)
"""
PARENT = f"""
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", {CHILD!r}], stdout=subprocess.PIPE)
child.stdout.readline()
print(child.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_child_ends_with_its_parent(how):
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert alive(child)
    parent.send_signal(how)
    parent.wait()
    wait_for(lambda: not alive(child), 30, "the child to end with its parent")


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    """m100, a plan of it made by hand, and two scenarios whose searches run a minute."""
    folder = tmp_path_factory.mktemp("orphans")
    done = subprocess.run([sys.executable, "-m", "scheduler.cli", "solve", str(M100), "--method",
                           "greedy", "--out", str(folder / "base"), "--formats", "csv"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    for number, quota in enumerate([0.3, 0.4], start=1):
        (folder / f"s{number}.json").write_text(json.dumps({
            "schema": "training-scenario/1", "name": f"s{number}", "base": str(M100),
            "changes": [{"set": "policy.rural_quota", "value": quota}]}))
    return folder


def start_comparing(folder: Path, out: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "compare", str(M100), str(folder / "s1.json"),
         str(folder / "s2.json"), "--jobs", "2", "--workers", "1", "--time-limit", "120",
         "--base-solution", str(folder / "base" / "solution.json"), "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    workers = wait_for(lambda: [pid for pid in children(process.pid)
                                if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
                                and b"resource_tracker" not in
                                Path(f"/proc/{pid}/cmdline").read_bytes()][:2]
                       if len(children(process.pid)) >= 3 else None, 120, "the scenario workers")
    assert workers is not None
    return process, workers


def test_compare_killed_takes_its_workers_with_it(comparison, tmp_path):
    process, workers = start_comparing(comparison, tmp_path / "out")
    process.kill()
    process.wait()
    for pid in workers:
        wait_for(lambda pid=pid: not alive(pid), 30, f"worker {pid} to end")


def test_compare_stopped_by_sigterm_stops_its_workers_and_writes_the_plans(comparison,
                                                                          tmp_path):
    process, workers = start_comparing(comparison, tmp_path / "out")
    process.terminate()
    output, _ = process.communicate(timeout=300)
    assert process.returncode in (0, 1), output.decode()
    assert b"Traceback" not in output
    for pid in workers:
        wait_for(lambda pid=pid: not alive(pid), 30, f"worker {pid} to end")
    if process.returncode == 0:  # the searches had begun: each stopped with its best plan
        assert (tmp_path / "out" / "compare.csv").exists()
