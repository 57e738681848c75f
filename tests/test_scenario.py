"""Scenario files: a base instance and changes by entity id, checked like an instance, with
every problem naming the change it comes from."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from models import InputError, load_instance
from scheduler.cli import main

ROOT = Path(__file__).resolve().parent.parent


def scenario_file(tmp_path: Path, base: dict[str, Any], *changes: dict[str, Any]) -> Path:
    (tmp_path / "base.json").write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "what-if.json"
    scenario = {"schema": "training-scenario/1", "name": "假如", "base": "base.json",
                "changes": list(changes)}
    path.write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    return path


def problems(tmp_path: Path, base: dict[str, Any], *changes: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as error:
        load_instance(scenario_file(tmp_path, base, *changes))
    return error.value.problems


def test_the_shipped_scenarios_change_what_they_say() -> None:
    base = load_instance(ROOT / "instances" / "2024.json")
    folder = ROOT / "instances" / "scenarios"

    hall = load_instance(folder / "hall-closed-may.json")
    closed = next(v for v in hall.venues if v.id == "jxxx-hall").unavailable
    assert (closed[-1].start, closed[-1].end) == (dt.date(2024, 5, 1), dt.date(2024, 5, 31))
    assert load_instance(folder / "rural-quota-50.json").policy.rural_quota == 0.5
    summer = load_instance(folder / "summer-session.json")
    assert [p.id for p in summer.projects] == [*(p.id for p in base.projects), "p15"]
    ill = load_instance(folder / "trainer-ill-october.json")
    assert next(t for t in ill.trainers if t.id == "ja-t20").unavailable[-1].start == \
        dt.date(2024, 10, 1)
    assert ill.name == f"{base.name} · 罗红梅老师十月病休"


def test_set_add_remove_and_unavailable_apply_in_order(tmp_path: Path, tiny: dict) -> None:
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "after": ["p1"]})
    instance = load_instance(scenario_file(
        tmp_path, tiny,
        {"set": "projects.p2.months", "value": [4, 5]},
        {"set": "towns.r.teachers.pri", "value": 150},
        {"set": "objective.weights.cost", "value": 5},
        {"add": "trainers", "value": {"id": "t3", "name": "王老师", "topics": ["A"],
                                      "max_days": 10}},
        {"remove": "projects.p1", "note": "取消"},
        {"unavailable": "venues.hall", "start": "2024-04-01", "end": "2024-04-30"},
        {"set": "projects.p2.preferred_months", "value": None},
    ))
    project = instance.project("p2")
    assert project.months == [4, 5] and project.after == []  # p1 gone from `after` too
    assert instance.town("r").teachers == {"pri": 150}
    assert instance.objective.weights.cost == 5
    assert [t.id for t in instance.trainers] == ["t1", "t2", "t3"]
    assert [p.id for p in instance.projects] == ["p2"]
    assert instance.venues[0].unavailable[0].end == dt.date(2024, 4, 30)


@pytest.mark.parametrize(("change", "expected"), [
    ({"set": "projects.p9.months", "value": [5]},
     "changes[0] (set projects.p9.months): there is no project 'p9'"),
    ({"set": "projects.p1.months", "value": [13]},
     "changes[0] (set projects.p1.months): projects[0].months[0]: 13 is not a month"),
    ({"set": "projects.p1.monthz", "value": [5]},
     "changes[0] (set projects.p1.monthz): projects[0].monthz: is not a field"),
    ({"set": "policy.rural_quota", "value": 2},
     "changes[0] (set policy.rural_quota): policy.rural_quota: 2 is not a share"),
    ({"set": "projects.p1.id", "value": "p7"},
     "changes[0] (set projects.p1.id): an id cannot be changed"),
    ({"set": "venue.hall.capacity", "value": 5},
     "changes[0] (set venue.hall.capacity): 'venue' is not a part of an instance"),
    ({"add": "venues", "value": {"id": "hall", "name": "又一个", "town": "c", "capacity": 9}},
     "changes[0] (add venues): there is already an item with id 'hall' in venues"),
    ({"add": "venues", "value": {"id": "new", "name": "新厅", "town": "x", "capacity": 9}},
     "changes[0] (add venues): venues[2].town: 'x' is not the id of any town"),
    ({"remove": "towns.c"}, "changes[0] (remove towns.c): venue hall still refers to it (town)"),
    ({"remove": "audiences.pri"}, "changes[0] (remove audiences.pri): town c still refers to it"),
    ({"unavailable": "projects.p1", "start": "2024-05-01", "end": "2024-05-02"},
     "changes[0] (unavailable projects.p1): only a venue or a trainer can be made unavailable"),
    ({"unavailable": "trainers.t1", "start": "2024-05-09", "end": "2024-05-02"},
     "changes[0] (unavailable trainers.t1): trainers[0].unavailable[0]: ends 2024-05-02 before"),
    ({"set": "policy.rural_quota", "remove": "venues.hall", "value": 1},
     "changes[0]: give exactly one of set, add, remove, unavailable"),
    ({"set": "policy.rural_quota"}, "changes[0]: value: is missing"),
])
def test_a_bad_change_is_named(tmp_path: Path, tiny: dict, change: dict, expected: str) -> None:
    found = problems(tmp_path, tiny, change)
    assert any(problem.startswith(expected) for problem in found), found


def test_every_bad_change_is_reported_at_once(tmp_path: Path, tiny: dict) -> None:
    found = problems(tmp_path, tiny, {"remove": "trainers.t9"}, {"add": "rooms", "value": {}})
    assert [problem[:11] for problem in found] == ["changes[0] ", "changes[1] "]


def test_a_missing_base_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "what-if.json"
    path.write_text(json.dumps({"schema": "training-scenario/1", "name": "假如",
                                "base": "nowhere.json", "changes": []}), encoding="utf-8")
    with pytest.raises(InputError, match=r"nowhere\.json: cannot read the file"):
        load_instance(path)


def test_solve_of_a_bad_scenario_exits_2_and_writes_nothing(tmp_path: Path, tiny: dict) -> None:
    path = scenario_file(tmp_path, tiny, {"set": "projects.p1.days", "value": 0})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "changes[0] (set projects.p1.days): projects[0].days:" in result.output
    assert "Traceback" not in result.output and not out.exists()
