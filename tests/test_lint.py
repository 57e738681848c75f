"""The code is held to ruff's rules and mypy's types in the test run, so CI keeps them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT


@pytest.mark.parametrize("command", [
    ["ruff", "check", "."],
    ["mypy", "models", "scheduler", "scripts", "tests"],
], ids=["ruff", "mypy"])
def test_the_code_passes(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr
