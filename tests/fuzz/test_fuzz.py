"""The mutation fuzz suite: broken instances, scenarios, solutions and workbooks handed to the
real command line in a subprocess each. Whatever the input, the command ends with exit 0, 1 or 2
within 60 s and never prints a traceback; after exit 2 nothing is written; after exit 0 the plan
passes the checker.

The cases are made from a fixed seed (`FUZZ_SEED`, default 0) so that CI runs the same ones;
`FUZZ_SCALE` (default 1) multiplies their number to explore more. Two run at a time.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from models import Solution, load_instance
from scheduler.core.validate import validate
from tests.fuzz.mutations import (
    Case,
    instance_cases,
    scenario_cases,
    solution_cases,
    workbook_cases,
)
from tests.helpers import ROOT

SEED = int(os.environ.get("FUZZ_SEED", "0"))
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
CASE_SECONDS = 60


@dataclass
class Outcome:
    case: Case
    code: int
    output: str
    folder: Path

    def __str__(self) -> str:
        return f"[{self.case.family}] {self.case.what}: exit {self.code}\n{self.output[-2000:]}"


def run_case(case: Case, folder: Path) -> Outcome:
    folder.mkdir(parents=True)
    for name, content in case.files.items():
        if content is None:
            (folder / name).mkdir()
        else:
            (folder / name).write_bytes(content)
    try:
        done = subprocess.run([sys.executable, "-m", "scheduler.cli", *case.args], cwd=folder,
                              capture_output=True, text=True, timeout=CASE_SECONDS,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return Outcome(case, -1, f"took more than {CASE_SECONDS} s", folder)
    return Outcome(case, done.returncode, done.stdout + done.stderr, folder)


def defects(outcome: Outcome) -> list[str]:
    """What is wrong with how the command ended."""
    found = []
    if outcome.code not in (0, 1, 2):
        found.append(f"exit code {outcome.code}")
    if "Traceback" in outcome.output:
        found.append("a traceback")
    out = outcome.folder / "out"
    if outcome.code == 2 and out.exists() and any(out.iterdir()):
        found.append("files written after exit 2")
    if outcome.code == 0 and outcome.case.solves:
        instance = load_instance(outcome.folder / outcome.case.args[1])
        solution = Solution.model_validate_json((out / "solution.json").read_text("utf-8"))
        violations = validate(instance, solution)
        if violations:
            found.append(f"a plan the checker rejects: {violations[0].message}")
    return found


def fuzz(cases: list[Case], tmp_path: Path) -> Counter:
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda numbered: run_case(numbered[1],
                                                           tmp_path / f"case-{numbered[0]}"),
                                 enumerate(cases)))
    failures = [f"{outcome}\n→ {', '.join(found)}" for outcome in outcomes
                if (found := defects(outcome))]
    exits = Counter(outcome.code for outcome in outcomes)
    print(f"\n{cases[0].family}: {len(cases)} cases, exits {dict(sorted(exits.items()))}")
    assert not failures, "\n\n".join(failures)
    return exits


def count(base: int) -> int:
    return max(1, round(base * SCALE))


def test_broken_instances(tmp_path):
    exits = fuzz(instance_cases(random.Random(SEED), count(110)), tmp_path)
    assert exits[2] > 0 and exits[0] > 0


def test_broken_scenarios(tmp_path):
    exits = fuzz(scenario_cases(random.Random(SEED + 1), count(110)), tmp_path)
    assert exits[2] > 0 and exits[0] > 0


def test_broken_solutions(tmp_path):
    exits = fuzz(solution_cases(random.Random(SEED + 2), count(50)), tmp_path)
    assert exits[1] > 0 and exits[2] > 0


def test_broken_workbooks(tmp_path):
    cases = workbook_cases(random.Random(SEED + 3), count(40), tmp_path / "made")
    exits = fuzz(cases, tmp_path / "runs")
    assert exits[2] > 0


@pytest.mark.parametrize("what", ["missing", "folder"])
def test_an_input_that_is_not_a_file_is_named(what, tmp_path):
    files: dict[str, bytes | None] = {} if what == "missing" else {"instance.json": None}
    outcome = run_case(Case("instance", what, files), tmp_path / "case")
    assert outcome.code == 2 and "instance.json" in outcome.output
    assert defects(outcome) == []
