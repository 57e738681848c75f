"""Ctrl-C during a long search writes the best plan so far, whole, and says it was stopped."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models import Solution, load_instance
from scheduler.core.validate import validate

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


@pytest.mark.parametrize(("how", "seconds"), [(signal.SIGINT, 1), (signal.SIGINT, 3),
                                             (signal.SIGINT, 8), (signal.SIGINT, 20),
                                             (signal.SIGTERM, 4)])
def test_ctrl_c_or_sigterm_keeps_the_best_plan(how, seconds, tmp_path):
    # m100's model and first plans take about a second, its ruin and recreate 18-46 s, then
    # the neighbourhood steps: each moment stops another stage.
    instance = INSTANCES / "generated" / "m100.json"
    process = start_solving(instance, tmp_path / "out")
    time.sleep(seconds)
    stop_and_check_the_plan(process, instance, tmp_path / "out", how)
    assert not list((tmp_path / "out").glob(".*.tmp"))


@pytest.mark.parametrize("seconds", [1.5, 2.5, 3.5, 4.5])
def test_a_solve_killed_midway_leaves_the_earlier_plan_whole(seconds, tmp_path):
    """SIGKILL, which nothing can catch, at moments of a second solve into a folder holding a
    finished plan: from the search to the writing of the last file. Each file is then the
    earlier one or a whole new one, never a part."""
    instance = INSTANCES / "2024.json"
    out = tmp_path / "out"
    first = subprocess.run(solving(instance, out, "--time-limit", "5"), capture_output=True,
                           text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    process = subprocess.Popen(solving(instance, out, "--time-limit", "5", "--seed", "1"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    process.kill()
    process.wait()
    for path, old in before.items():
        assert path.exists()
        assert_whole(path, old)
    solution = Solution.model_validate_json((out / "solution.json").read_text(encoding="utf-8"))
    assert validate(load_instance(instance), solution) == []


def assert_whole(path: Path, old: bytes) -> None:
    """The file is its earlier bytes, or a new file its reader opens whole."""
    new = path.read_bytes()
    if new == old:
        return
    if path.suffix == ".json":
        json.loads(new)
    elif path.suffix == ".xlsx":
        load_workbook(path)
    elif path.suffix == ".png":
        assert new.endswith(b"IEND\xaeB`\x82")
    elif path.suffix in (".html", ".ics", ".csv"):
        text = new.decode("utf-8-sig")
        assert text.rstrip().endswith(("</html>", "END:VCALENDAR")) or path.suffix == ".csv"
        assert len(new) > len(old) // 2


@pytest.mark.parametrize("name", ["计划 2024 输出", "out dir/子 目录"])
def test_out_may_have_chinese_and_spaces(name, tmp_path):
    out = tmp_path / name
    done = subprocess.run(solving(INSTANCES / "2024.json", out, "--formats", "csv"),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (out / "solution.json").exists() and (out / "plan.csv").exists()


def test_out_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "out").write_text("a planner's file", encoding="utf-8")
    done = subprocess.run(solving(INSTANCES / "2024.json", tmp_path / "out"),
                          capture_output=True, text=True)
    assert done.returncode == 2 and "is a file" in done.stderr
    assert (tmp_path / "out").read_text(encoding="utf-8") == "a planner's file"


def test_out_that_cannot_be_written_is_said_before_the_search(tmp_path, monkeypatch):
    import tempfile as tempfile_module

    from click.testing import CliRunner

    from scheduler.cli import main

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile_module, "TemporaryFile", refuse)
    result = CliRunner().invoke(main, ["solve", str(INSTANCES / "2024.json"), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"--out: cannot write in {tmp_path / 'out'} "
                                    f"(Permission denied)")
    assert "searching" not in result.stdout


def test_a_file_that_cannot_be_written_is_said_plainly(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from scheduler.cli import main
    from scheduler.export import formats

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device", str(tmp_path / "out" / "plan.csv"))

    monkeypatch.setattr(formats, "write_plan_csv", full_disk)
    result = CliRunner().invoke(main, ["solve", str(INSTANCES / "2024.json"), "--out",
                                       str(tmp_path / "out"), "--formats", "csv"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "No space left on device" in result.stderr


def solving(instance: Path, out: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "scheduler.cli", "solve", str(instance), "--out", str(out),
            *options]


def test_ctrl_c_while_scip_proves_the_bound(tmp_path):
    # On anshan SCIP works on the relaxation in whole numbers from about 1 s to 17 s. Its own
    # Ctrl-C handler once took the signal: SCIP stopped, and the search ran on to its limit.
    instance = INSTANCES / "anshan-2022.json"
    process = start_solving(instance, tmp_path / "out")
    time.sleep(8)
    solution = stop_and_check_the_plan(process, instance, tmp_path / "out")
    assert solution.bound is not None and solution.bound >= 774_099  # the linear programme's


def test_ctrl_c_before_the_search_still_gives_a_plan(tmp_path):
    # Pressed while the model and the first plans are made (about a second on m100), the
    # search stops as soon as it starts, and the first plan is written.
    instance = INSTANCES / "generated" / "m100.json"
    process = start_solving(instance, tmp_path / "out")
    # A moment for `solve` to take Ctrl-C over (pressed before, click aborts with nothing
    # written), well inside the second the model and first plans take.
    time.sleep(0.3)
    solution = stop_and_check_the_plan(process, instance, tmp_path / "out")
    # Stopped before the relaxation is solved, CP-SAT's bound of 0 (gap 100 %) is no bound.
    assert solution.bound is None or solution.bound > 0


def start_solving(instance: Path, out: Path) -> subprocess.Popen:
    """A solve started and past its summary line, the instance read: moments are counted from
    there (on a fresh clone the first imports alone can take a second, and Ctrl-C pressed while
    the instance is read aborts with nothing to keep)."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "scheduler.cli", "solve", str(instance), "--out", str(out),
         "--time-limit", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    assert "searching up to" in process.stdout.readline()
    return process


def stop_and_check_the_plan(process: subprocess.Popen, instance: Path, out: Path,
                            how: int = signal.SIGINT) -> Solution:
    """Ctrl-C: the search stops within 20 s and writes a plan the checker accepts."""
    started = time.monotonic()
    process.send_signal(how)
    output, _ = process.communicate(timeout=60)
    assert time.monotonic() - started < 20, "the search did not stop promptly"
    assert process.returncode == 0, output
    assert "(stopped by Ctrl-C)" in output and "status FEASIBLE" in output
    solution = Solution.model_validate_json((out / "solution.json").read_text(encoding="utf-8"))
    assert validate(load_instance(instance), solution) == []
    return solution
