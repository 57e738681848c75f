"""The hostile inputs of issue 40 (tests/fuzz/hostile.py), each run through the command line in
this process: a correct program ends each with the exit the case says, never a traceback; a
refusal names the place and writes nothing; an accepted plan keeps every rule.

`scripts/hostile_inputs.py` runs the same cases in subprocesses and counts the failures per
class (for another checkout too).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from models import Solution, load_instance, parse_instance
from models.workbook.write import write_workbook
from scheduler.cli import main
from scheduler.core.validate import validate
from tests.fuzz.hostile import Case, all_cases, base_instance

SEED = int(os.environ.get("FUZZ_SEED", "0"))


def _workbook() -> bytes:
    """The base instance as the planner's workbook, in Chinese."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "base.xlsx"
        write_workbook(path, parse_instance(base_instance()), "zh")
        return path.read_bytes()


CASES = list(all_cases(_workbook(), SEED))


@pytest.mark.parametrize("case", CASES, ids=[f"{case.family}: {case.what}" for case in CASES])
def test_hostile_input(case: Case, tmp_path, monkeypatch):
    folder = tmp_path / "case"
    folder.mkdir()
    for name, data in case.files.items():
        (folder / name).write_bytes(data)
    if case.prepare is not None:
        case.prepare(folder)
    before = set(folder.rglob("*"))
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, case.args)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"traceback: {result.exception!r}\n{result.output}"
    assert result.exit_code == case.exit, result.output
    assert case.secret is None or case.secret not in result.output
    if case.exit == 2:
        assert case.said is None or case.said in result.output, result.output
        written = {path for path in set(folder.rglob("*")) - before
                   if path.name not in case.outputs}
        assert not written, written
    elif "solve" in case.args:
        instance = load_instance(folder / "instance.json")
        solution = Solution.model_validate(
            json.loads((folder / "out" / "solution.json").read_text(encoding="utf-8")))
        assert validate(instance, solution) == []
