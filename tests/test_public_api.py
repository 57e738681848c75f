"""The package's public API (`scheduler.__all__`): what a Python user may import, light to
import, and the example of its docstring and the README working as written."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

import scheduler
from scheduler.cli import main
from tests.helpers import ROOT


def test_the_readme_example_plans_and_checks_a_year(tmp_path):
    instance = scheduler.load_instance(ROOT / "instances" / "2024.json")
    result = scheduler.solve(instance, time_limit=5, workers=1)
    assert result.status.has_schedule and result.objective == result.solution.objective
    assert scheduler.validate_plan(instance, result.solution) == []
    written = scheduler.write_outputs(instance, result.solution, tmp_path, ["csv"])
    assert sorted(path.name for path in written) == ["plan.csv", "solution.json"]


def test_a_stop_set_before_the_search_keeps_the_first_plan():
    # Set before the solve (a planner who pressed stop at once), the search stops as soon as
    # it starts and turns its first plan into the result.
    instance = scheduler.load_instance(ROOT / "instances" / "2024.json")
    stop = scheduler.Stop(time_limit=60)
    stop.set()
    result = scheduler.solve(instance, stop=stop)
    assert result.interrupted and result.status.has_schedule
    assert result.solution.solve_seconds < 30
    assert scheduler.validate_plan(instance, result.solution) == []


def test_every_public_name_resolves_and_nothing_else_does():
    for name in scheduler.__all__:
        assert getattr(scheduler, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'TrainingModel'"):
        scheduler.TrainingModel  # noqa: B018  (the model is not part of the API)


def test_an_instance_without_a_plan_is_explained(tiny):
    tiny["projects"][0]["months"] = [7]  # term-time training (forbidden in the holidays)
    tiny["projects"][0]["holiday"] = "forbidden"
    tiny["calendar"]["holiday_windows"] = [{"name": "暑假", "start": "2024-07-01",
                                            "end": "2024-07-31"}]
    explanation = scheduler.explain_instance(scheduler.Instance.model_validate(tiny),
                                             time_limit=20, workers=1)
    assert explanation.status == "infeasible" and explanation.findings
    assert any(suggestion.works for suggestion in explanation.suggestions)


def test_a_file_that_is_not_an_instance_raises_input_error(tmp_path):
    (tmp_path / "bad.json").write_text('{"schema": "training-instance/1"}', encoding="utf-8")
    with pytest.raises(scheduler.InputError):
        scheduler.load_instance(tmp_path / "bad.json")


def test_importing_the_package_loads_no_solver():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, scheduler; "
         "print(sorted(m for m in ('ortools', 'pandas', 'matplotlib') if m in sys.modules))"],
        capture_output=True, text=True, cwd=ROOT, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_command_says_its_version():
    shown = CliRunner().invoke(main, ["--version"])
    assert shown.exit_code == 0 and shown.output == f"schedule {scheduler.__version__}\n"
