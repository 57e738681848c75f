"""Bad input is reported in full, each problem naming where it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models import InputError, load_instance, parse_instance
from tests.helpers import second_project


def mutate(tiny: dict, path: str, value: object) -> dict:
    """Set `value` at a dotted path like "projects.0.months"; None deletes the key."""
    *parents, last = path.split(".")
    target = tiny
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key = int(last) if last.isdigit() else last
    if value is None:
        del target[key]
    else:
        target[key] = value
    return tiny


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("projects.0.months", [3, 13], "projects[0].months[1]: 13 is not a month"),
        ("projects.0.headcount", -5, "projects[0].headcount: -5 is not a headcount"),
        ("projects.0.headcount", 500, "projects[0].headcount: 500 is more than the 200 teachers"),
        ("projects.0.mode", "face-to-face", "projects[0].mode: 'face-to-face' is given"),
        ("projects.0.holiday", "sometimes", "projects[0].holiday: 'sometimes' is given"),
        ("projects.0.audiences", ["pri", "sen"], "projects[0].audiences: 'sen' is not the id"),
        ("projects.0.audiences", ["pri", "pri"], "projects[0].audiences[1]: 'pri' is listed twice"),
        ("projects.0.months", [], "projects[0].months: List should have at least 1 item"),
        ("projects.0.after", ["p9"], "projects[0].after: 'p9' is not the id of any project"),
        ("projects.0.after", ["p1"], "projects[0].after: a project cannot come after itself"),
        ("projects.0.rural_quota", 1.5, "projects[0].rural_quota: 1.5 is not a share"),
        ("projects.0.priority", 0, "projects[0].priority: 0 is not a priority"),
        ("projects.0.days", 0, "projects[0].days: 0 is given, it should be greater than 0"),
        ("projects.0.preferred_months", [5], "projects[0].preferred_months[0]: 5 is not one"),
        ("projects.0.topics", [], "projects[0].topics: give the topics"),
        ("projects.0.sessions", 50, "projects[0].sessions: 50 classes for 40 trainees"),
        ("projects.0.weekday_only", True, "projects[0].weekday_only: is not a field"),
        ("projects.0.name", None, "projects[0].name: is missing"),
        ("towns.0.teachers", {"pri": -1}, "towns[0].teachers.pri: -1 is given, it should be"),
        ("towns.0.teachers", {"kg": 5}, "towns[0].teachers: 'kg' is not the id of any audience"),
        ("venues.0.town", "x", "venues[0].town: 'x' is not the id of any town"),
        ("venues.1.id", "hall", "venues[1].id: 'hall' is used twice"),
        ("venues.0.capacity", 0, "venues[0].capacity: 0 is given, it should be greater than 0"),
        ("venues.0.unavailable", [{"start": "2024-05-02", "end": "2024-05-01"}],
         "venues[0].unavailable[0]: ends 2024-05-01 before it starts 2024-05-02"),
        ("trainers.0.unavailable", [{"start": "2024-02-30", "end": "2024-03-01"}],
         "trainers[0].unavailable[0].start: '2024-02-30' is not a date of the calendar"),
        ("trainers.0.unavailable", [{"start": "3/1", "end": "2024-03-01"}],
         "trainers[0].unavailable[0].start: '3/1' is not a date in the form YYYY-MM-DD"),
        ("calendar.holiday_windows", [{"name": "x", "start": "2024-01-01"}],
         "calendar.holiday_windows[0].end: is missing"),
        # A year after the published ones is planned on provisional holidays, up to the last
        # year their rules are computed for; one before them is refused.
        ("year", 2150, "calendar.public_holidays: the built-in \"CN\" holidays cover"),
        ("year", 2001, "calendar.public_holidays: the built-in \"CN\" holidays cover"),
        ("calendar.extra_workdays", ["2024-03-04"], 'calendar.extra_workdays: the "CN" calendar'),
        ("calendar.extra_workdays", ["2024-03-04"], "calendar.extra_workdays[0]: 2024-03-04 is"),
        ("schema", "training-instance/2", "schema: is 'training-instance/2'"),
        ("projects", [], "projects: must not be empty"),
        ("venue", [], "venue: is not a section of an instance"),
    ],
)
def test_each_problem_names_its_place(tiny, path, value, message):
    with pytest.raises(InputError) as raised:
        parse_instance(mutate(tiny, path, value))
    assert any(problem.startswith(message) for problem in raised.value.problems), \
        raised.value.problems


@pytest.mark.parametrize("weight", [0, -1, "x", float("nan"), float("inf"), True, None])
def test_a_rural_weight_must_be_a_number_above_zero(tiny, weight):
    tiny["policy"] = {"rural_weight": weight}
    with pytest.raises(InputError) as raised:
        parse_instance(tiny)
    assert raised.value.problems == [
        f"policy.rural_weight: {weight!r} is not a weight: give a number above 0 (1 is no tilt)"]


def test_the_former_rural_weight_of_the_objective_is_refused_with_what_replaced_it(tiny):
    tiny["objective"] = {"weights": {"rural": 200, "cost": 1}}
    with pytest.raises(InputError) as raised:
        parse_instance(tiny)
    (problem,) = raised.value.problems
    assert problem.startswith("objective.weights: `rural` is no longer a term")
    assert all(word in problem for word in ("`share`", "`rural_venue`", "policy.rural_weight"))


def test_all_problems_are_reported_at_once(tiny):
    mutate(tiny, "projects.0.months", [13])
    mutate(tiny, "venues.0.town", "nowhere")
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "months": [3], "after": ["p3"]})
    tiny["projects"].append({**tiny["projects"][1], "id": "p3", "after": ["p2"]})
    with pytest.raises(InputError) as raised:
        parse_instance(tiny)
    problems = raised.value.problems
    assert len(problems) == 3, problems
    assert any("go round in a circle: p2 → p3 → p2" in p or "p3 → p2 → p3" in p
               for p in problems)


def test_file_with_byte_order_mark_is_read(tiny, tmp_path: Path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(tiny, ensure_ascii=False).encode())
    assert load_instance(path).name == "tiny"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{\"schema\": ", "not valid JSON at line 1, column 12"),
        (b"{\xff}", r"not text \(UTF-8, UTF-16 or GBK\)"),
        (b"[]", "the instance must be a JSON object"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_instance(path)


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match="cannot read the file"):
        load_instance(tmp_path / "absent.json")


# -- found by the fuzz suite (tests/fuzz) -----------------------------------------------------
def test_json_nested_too_deeply_is_a_clear_error_not_a_crash(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_instance(path)
    assert raised.value.problems == [f"{path}: nested too deeply to be an instance"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gbk"])
def test_chinese_is_read_in_the_encodings_windows_editors_save(encoding, tiny, tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(json.dumps(tiny, ensure_ascii=False).encode(encoding))
    assert load_instance(path).towns[0].name == tiny["towns"][0]["name"]


def test_more_projects_than_one_instance_plans_are_refused_at_once(tiny):
    from models.parse import MOST_PROJECTS

    tiny["projects"] = [dict(tiny["projects"][0], id=f"p{number}")
                        for number in range(MOST_PROJECTS + 1)]
    with pytest.raises(InputError) as raised:
        parse_instance(tiny)
    assert raised.value.problems == [
        "projects: 3,001 projects; one instance plans at most 3,000: split the year's plan, by "
        "office or by term"]


def test_a_copy_with_other_projects_finds_its_own_projects_by_id(tiny):
    second_project(tiny)
    instance = parse_instance(tiny)
    assert instance.project("p2").name == "培训二"
    fewer = instance.model_copy(update={"projects": instance.projects[:1]})
    with pytest.raises(KeyError):
        fewer.project("p2")
    assert instance.project("p2").name == "培训二"
