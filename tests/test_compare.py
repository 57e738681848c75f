"""`schedule compare`: the base and its scenarios solved side by side, each scenario re-planned
against the base plan; its table must match what separate solves give."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from models import Solution, load_instance
from scheduler.cli import main
from scheduler.core.validate import validate


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def scenario(folder: Path, name: str, *changes: dict[str, Any]) -> Path:
    return write(folder / f"{name}.json", {"schema": "training-scenario/1", "name": name,
                                           "base": "base.json", "changes": list(changes)})


@pytest.fixture
def files(tmp_path: Path, tiny: dict[str, Any]) -> tuple[Path, list[Path]]:
    """The tiny world with p1 in two classes of 40 in March (see test_replan), and two
    scenarios: t1 away in March, the rural room closed in March."""
    base = copy.deepcopy(tiny)
    base["projects"][0].update(headcount=80, max_session_size=40)
    write(tmp_path / "base.json", base)
    return tmp_path / "base.json", [
        scenario(tmp_path, "张老师三月外出",
                 {"unavailable": "trainers.t1", "start": "2024-03-01", "end": "2024-03-31"}),
        scenario(tmp_path, "教室三月关闭",
                 {"unavailable": "venues.room", "start": "2024-03-01", "end": "2024-03-31"}),
    ]


def test_the_table_matches_separate_solves(tmp_path: Path,
                                           files: tuple[Path, list[Path]]) -> None:
    base, scenarios = files
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [
        "compare", str(base), *map(str, scenarios), "--jobs", "2", "--workers", "1",
        "--time-limit", "20", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "compare.csv", encoding="utf-8-sig", index_col="measure")
    assert list(table.columns) == ["基准方案", "张老师三月外出", "教室三月关闭"]
    base_plan = Solution.model_validate_json((out / "base" / "solution.json").read_text())
    assert table.loc["objective", "基准方案"] == str(base_plan.objective) == "2820"

    for path in scenarios:
        solo_dir = tmp_path / f"solo-{path.stem}"
        solo = CliRunner().invoke(main, [
            "solve", str(path), "--baseline", str(out / "base" / "solution.json"),
            "--workers", "1", "--time-limit", "20", "--formats", "csv", "--out", str(solo_dir)])
        assert solo.exit_code == 0, solo.output
        alone = Solution.model_validate_json((solo_dir / "solution.json").read_text())
        column = table[path.stem]
        assert column["status"] == alone.status.value == "OPTIMAL"
        assert int(column["objective"]) == alone.objective
        for name, value in alone.kpis.items():
            assert int(column[f"kpi {name}"]) == value, name
        in_compare = Solution.model_validate_json((out / path.stem / "solution.json").read_text())
        assert in_compare.sessions == alone.sessions
        assert validate(load_instance(path), in_compare, base_plan) == []

    # t1 away all March: both classes keep their dates and room and take t2 instead
    # (2 × 1,000 more in fees, 2 trainers replaced at 1,000).
    assert table.loc["objective", "张老师三月外出"] == str(2820 + 2000 + 2000)
    assert table.loc["kpi trainer_changed", "张老师三月外出"] == "2"
    diff = pd.read_csv(out / "compare-projects.csv", encoding="utf-8-sig")
    assert list(diff["project"]) == ["p1"]
    # Venues and trainers as the planner knows them (t1 → t2, room → hall by id).
    assert diff.loc[0, "张老师三月外出: trainers"] == "张老师 → 李老师"
    assert diff.loc[0, "教室三月关闭: venues"] == "教室 → 报告厅"
    for name in ("compare.xlsx", "compare.png", "compare.html"):
        assert (out / name).stat().st_size > 0


def test_a_bad_scenario_stops_everything_before_solving(
        tmp_path: Path, files: tuple[Path, list[Path]]) -> None:
    base, scenarios = files
    broken = scenario(tmp_path, "坏方案", {"set": "venues.hall.capacity", "value": -1})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["compare", str(base), str(scenarios[0]), str(broken),
                                       "--out", str(out)])
    assert result.exit_code == 2
    assert (f"{broken}: changes[0] (set venues.hall.capacity): venues[0].capacity:"
            in result.output)
    assert not out.exists()


def test_plans_of_files_with_one_name_get_folders_of_their_own(instance, solution) -> None:
    from scheduler.analysis.compare import Alternative, Comparison

    comparison = Comparison([Alternative(label, Path(path), instance, solution) for label, path
                             in [("基准方案", "a/2024.json"), ("甲", "b/2024.json"),
                                 ("乙", "c/other.json")]])
    assert comparison.folders() == {"基准方案": "2024", "甲": "2024-2", "乙": "other"}


def test_the_table_is_said_in_chinese_and_aligned_by_display_width(
        tmp_path: Path, files: tuple[Path, list[Path]]) -> None:
    from scheduler.messages import display_width

    base, scenarios = files
    result = CliRunner().invoke(main, [
        "compare", str(base), *map(str, scenarios), "--jobs", "2", "--workers", "1",
        "--time-limit", "20", "--out", str(tmp_path / "out"), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"比较 {base} 与 2 个情景，同时求解 2 个，每个最多 20 秒"
    table = lines[1:lines.index(next(line for line in lines if line.startswith("已写入")))]
    assert table[0].split() == ["比较指标", "基准方案", "张老师三月外出", "教室三月关闭"]
    assert table[1].split() == ["求解状态", "OPTIMAL", "OPTIMAL", "OPTIMAL"]
    assert table[2].split()[:2] == ["目标值", "2,820"]
    # Right-aligned figures under Chinese labels: every line ends in the same terminal
    # column, which padding by len() would not give (a hanzi takes two columns).
    assert len({display_width(line) for line in table}) == 1
    assert len({len(line) for line in table}) > 1
    # The files name the measures in Chinese too.
    out = tmp_path / "out"
    csv = pd.read_csv(out / "compare.csv", encoding="utf-8-sig", index_col="比较指标")
    assert csv.loc["更换的专家", "张老师三月外出"] == "2"
    assert csv.loc["未安排的项目"].tolist() == ["无"] * 3
    sheet = openpyxl.load_workbook(out / "compare.xlsx").worksheets[0]
    measures = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert measures == csv.index.tolist() and "目标值" in measures
    assert not any(re.search("[A-Za-z]{4,}", measure) for measure in measures)
