"""The code is held to ruff's rules, mypy's types and the layers' import contracts
(import-linter, `[tool.importlinter]` in pyproject.toml) in the test run, so CI keeps them."""

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


def test_each_layer_imports_only_the_layers_below_it() -> None:
    done = subprocess.run([sys.executable, "-c", LINT_IMPORTS], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())"
"""import-linter's `lint-imports`, run by the test's own Python (the package has no `-m`)."""
