"""The server's own processes start in a frozen build too: there the executable is the
`schedule` command, which takes no `-m`, and runs them through its hidden `_run`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import main
from scheduler.web.processes import module_command
from tests.helpers import ROOT


def test_a_frozen_build_runs_the_modules_through_the_command(monkeypatch):
    assert module_command("scheduler.web.worker", "d", "j", "2") == [
        sys.executable, "-m", "scheduler.web.worker", "d", "j", "2"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert module_command("scheduler.web.worker", "d", "j", "2") == [
        sys.executable, "_run", "scheduler.web.worker", "d", "j", "2"]


def test_the_command_runs_a_check_without_minus_m_as_python_minus_m_does():
    """The check process started as a frozen build starts it (the `schedule` command and its
    `_run`, no -m), and as it is started otherwise: the same answer."""
    schedule = Path(sys.executable).parent / ("schedule.exe" if os.name == "nt" else "schedule")
    args = [str(ROOT / "instances" / "2024.json"), "2024.json", str(os.getpid())]
    frozen = subprocess.run([str(schedule), "_run", "scheduler.web.check", *args],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    plain = subprocess.run([sys.executable, "-m", "scheduler.web.check", *args],
                           capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(frozen.stdout) == json.loads(plain.stdout) == {
        "title": "许昌市建安区2024年教师培训计划（场地、专家、乡镇数据为示例）", "problems": []}


def test_run_takes_only_the_servers_own_modules():
    refused = CliRunner().invoke(main, ["_run", "os", "-c", "print(1)"])
    assert refused.exit_code == 2 and "is not one of" in refused.output
