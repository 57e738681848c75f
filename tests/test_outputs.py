"""The files of a run are written all or nothing (models/outputs.py): a failure or an interrupt
while they are written leaves the earlier files as they were; names no output can hold are
refused at input, naming where they are."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.outputs import STAGING_PREFIX, all_or_nothing, remove
from models.solution import write_bytes_atomically
from scheduler.cli import main
from tests.helpers import tiny_instance, tiny_solution


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_files_appear_together_when_the_block_ends(tmp_path):
    with all_or_nothing(tmp_path):
        write_bytes_atomically(tmp_path / "a.txt", b"a")
        write_bytes_atomically(tmp_path / "sub" / "b.txt", b"b")
        assert not (tmp_path / "a.txt").exists()
    assert files(tmp_path) == {"a.txt": b"a", "sub/b.txt": b"b"}


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt(),
                                     UnicodeEncodeError("utf-8", "x", 0, 1, "bad")])
def test_a_failure_midway_leaves_the_earlier_files_as_they_were(tmp_path, failure):
    (tmp_path / "a.txt").write_bytes(b"old a")
    (tmp_path / "stale.ics").write_bytes(b"old calendar")
    before = files(tmp_path)
    with pytest.raises(type(failure)), all_or_nothing(tmp_path):
        write_bytes_atomically(tmp_path / "a.txt", b"new a")
        remove(tmp_path / "stale.ics")
        write_bytes_atomically(tmp_path / "b.txt", b"new b")
        raise failure
    assert files(tmp_path) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "stale.ics"]


def test_a_removal_takes_effect_with_the_rest(tmp_path):
    (tmp_path / "stale.ics").write_bytes(b"old calendar")
    with all_or_nothing(tmp_path):
        remove(tmp_path / "stale.ics")
        assert (tmp_path / "stale.ics").exists()
    assert not (tmp_path / "stale.ics").exists()


def test_a_block_inside_another_joins_it(tmp_path):
    with pytest.raises(RuntimeError), all_or_nothing(tmp_path):
        with all_or_nothing(tmp_path / "scenario"):
            write_bytes_atomically(tmp_path / "scenario" / "plan.csv", b"x")
        raise RuntimeError
    assert files(tmp_path) == {}


def test_the_staging_folder_of_a_killed_run_is_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    abandoned = tmp_path / f"{STAGING_PREFIX}{dead}-x"
    (abandoned / "plan.xlsx").parent.mkdir(parents=True)
    (abandoned / "plan.xlsx").write_bytes(b"half")
    mine = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-y"
    mine.mkdir()
    with all_or_nothing(tmp_path):
        pass
    assert not abandoned.exists() and mine.exists()


# --- the command line -----------------------------------------------------------------------

@pytest.fixture
def exported(tmp_path) -> tuple[Path, Path, Path]:
    instance = tmp_path / "plan.json"
    instance.write_text(json.dumps(tiny_instance(), ensure_ascii=False), encoding="utf-8")
    solution = tmp_path / "solution.json"
    tiny_solution().write(solution)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(solution), "--instance", str(instance),
                                       "--out", str(out), "--lang", "en",
                                       "--allow-violations"])
    assert result.exit_code == 0, result.output
    return instance, solution, out


@pytest.mark.parametrize(("failure", "code", "said"), [
    (OSError(28, "No space left on device"), 2, "No space left on device"),
    (KeyboardInterrupt(), 1, "interrupted while writing"),
])
def test_export_failing_at_its_last_file_leaves_the_earlier_export_whole(
        exported, monkeypatch, failure, code, said):
    instance, solution, out = exported
    (out / "calendars" / "venue-gone.ics").write_bytes(b"a calendar of the earlier export")
    before = files(out)

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr("scheduler.export.formats.write_gantt", fail)
    result = CliRunner().invoke(main, ["export", str(solution), "--instance", str(instance),
                                       "--out", str(out), "--lang", "en",
                                       "--allow-violations"])
    assert result.exit_code == code, result.output
    assert said in result.output and "Traceback" not in result.output
    assert files(out) == before
    assert not [path for path in out.iterdir() if path.name.startswith(".")]


@pytest.mark.parametrize(("where", "text", "said"), [
    (("name",), "计划\ud800", "name: character 3 is half of a broken character (U+D800)"),
    (("projects", 0, "name"), "项目\x01", "projects[0].name: character 3 is an invisible "
                                          "control character (U+0001)"),
    (("venues", 1, "name"), "场地\x1b[2J", "venues[1].name: character 3 is an invisible"),
    (("towns", 0, "teachers"), {"primary\x7f": 1}, "towns[0].teachers: character 8 is"),
])
def test_text_no_output_can_hold_is_refused_naming_the_field(tmp_path, where, text, said):
    data = tiny_instance()
    target = data
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = text
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # \\ud800 escaped: valid JSON
    result = CliRunner().invoke(main, ["solve", str(path), "--method", "greedy",
                                       "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert not (tmp_path / "out").exists()


def test_a_line_break_in_names_is_written_safely(tmp_path):
    data = tiny_instance()
    data["name"] = "示例区\n2024"
    data["venues"][0]["name"] = "区教师\r\n进修学校"
    data["projects"][0]["name"] = "骨干\r教师培训"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(path), "--method", "greedy",
                                       "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["validate", str(path), str(out / "solution.json")])
    assert result.exit_code == 0, result.output


def test_a_folder_in_place_of_a_file_stops_the_run_before_any_file_is_moved(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"old a")
    (tmp_path / "b.txt").mkdir()
    with pytest.raises(IsADirectoryError), all_or_nothing(tmp_path):
        write_bytes_atomically(tmp_path / "a.txt", b"new a")
        write_bytes_atomically(tmp_path / "b.txt", b"new b")
    assert files(tmp_path) == {"a.txt": b"old a"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_sigterm_while_writing_leaves_the_earlier_export_whole(exported, monkeypatch):
    instance, solution, out = exported
    before = files(out)

    def terminated(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)  # its handler runs as soon as this returns
        raise AssertionError("SIGTERM was not taken as an interrupt")

    monkeypatch.setattr("scheduler.export.formats.write_gantt", terminated)
    result = CliRunner().invoke(main, ["export", str(solution), "--instance", str(instance),
                                       "--out", str(out), "--lang", "en",
                                       "--allow-violations"])
    assert result.exit_code == 1, result.output
    assert "interrupted while writing" in result.output
    assert files(out) == before
    assert not [path for path in out.iterdir() if path.name.startswith(".")]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # given back after the writing
