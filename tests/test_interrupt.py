"""Ctrl-C during a long search writes the best plan so far, whole, and says it was stopped."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from models import Solution, load_instance
from scheduler.validate import validate

INSTANCES = Path(__file__).resolve().parent.parent / "instances"
QIANJIANG = INSTANCES / "qianjiang-2022.json"


def test_ctrl_c_keeps_the_best_plan(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "solve", str(QIANJIANG), "--out", str(out),
         "--time-limit", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    time.sleep(6)  # inside the search: loading and the model take about a second
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert time.monotonic() - started < 20, "the search did not stop promptly"
    assert process.returncode == 0, output
    assert "(stopped by Ctrl-C)" in output and "status FEASIBLE" in output
    solution = Solution.model_validate_json((out / "solution.json").read_text(encoding="utf-8"))
    assert validate(load_instance(QIANJIANG), solution) == []
    assert not list(out.glob(".*.tmp"))


def test_ctrl_c_before_the_search_still_gives_a_plan(tmp_path):
    # Pressed while the model and the first plans are made (about a second on m100), the
    # search stops as soon as it starts, and the first plan is written.
    out = tmp_path / "out"
    instance = INSTANCES / "generated" / "m100.json"
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "scheduler.cli", "solve", str(instance), "--out", str(out),
         "--time-limit", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    assert "searching up to" in process.stdout.readline()
    # A moment for `solve` to take Ctrl-C over (pressed before, click aborts with nothing
    # written), well inside the second the model and first plans take.
    time.sleep(0.3)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert time.monotonic() - started < 20, "the search did not stop promptly"
    assert process.returncode == 0, output
    assert "(stopped by Ctrl-C)" in output and "status FEASIBLE" in output
    solution = Solution.model_validate_json((out / "solution.json").read_text(encoding="utf-8"))
    assert validate(load_instance(instance), solution) == []
