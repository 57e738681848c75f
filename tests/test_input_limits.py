"""What reading refuses, and how it names it (issue 40): JSON read one way or another, numbers
int() refuses, files that are no instance, and a scenario's base (focused cases; the whole
range is tests/fuzz/test_hostile.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from models import InputError, load_instance, read_json
from models.words import WordError, decimal, parse_headcount, parse_number, parse_whole
from tests.helpers import tiny_instance


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "said"), [
    ('{"a": 1, "b": {"id": "p1", "headcount": 40, "headcount": 30}}',
     "the key 'headcount' is given twice in one object (the object with \"id\": 'p1')"),
    ('{"year": ' + "9" * 5000 + "}", "a number of 5,000 digits"),
    ('{"capacity": NaN}', "NaN is not a number JSON allows"),
    ('{"capacity": -Infinity}', "-Infinity is not a number JSON allows"),
    ('{"capacity": 1e999}', "1e999 is too large a number"),
])
def test_json_that_reads_one_way_or_another_is_refused(tmp_path, text, said):
    with pytest.raises(InputError, match=r"x\.json: ") as raised:
        read_json(write(tmp_path / "x.json", text))
    assert said in str(raised.value)


def test_a_pipe_or_a_folder_is_refused_by_its_type_without_reading_it(tmp_path):
    os.mkfifo(tmp_path / "fifo.json")
    with pytest.raises(InputError, match="is not a regular file"):
        load_instance(tmp_path / "fifo.json")
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        load_instance(tmp_path / "folder.json")


@pytest.mark.parametrize("text", ["²", "3²", "①", "⑫", "½", "Ⅻ", "9" * 16, "", "-3", "1.5"])
def test_what_int_refuses_is_no_whole_number(text):
    assert decimal(text) is None
    with pytest.raises(WordError):
        parse_whole(text)


@pytest.mark.parametrize(("text", "number"), [("120", 120), ("１２０", 120), (" 7 ", 7),
                                              ("٣", 3)])
def test_decimal_digits_read_as_int_reads_them(text, number):
    assert decimal(text) == number
    assert parse_headcount(text) == number


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1" * 5000])
def test_a_number_cell_that_is_no_finite_number_is_refused(text):
    with pytest.raises(WordError):
        parse_number(text)


def test_a_scenarios_base_is_read_relative_to_the_scenario_file(tmp_path, monkeypatch):
    (tmp_path / "plans").mkdir()
    write(tmp_path / "2024.json", json.dumps(tiny_instance(), ensure_ascii=False))
    scenario = write(tmp_path / "plans" / "s.json", json.dumps({
        "schema": "training-scenario/1", "name": "s", "base": "../2024.json", "changes": []}))
    monkeypatch.chdir(tmp_path / "plans")  # neither here nor at the root is "2024.json" seen
    assert load_instance(scenario).name.endswith(" · s")


@pytest.mark.parametrize("content", [
    json.dumps({"db-password": "hunter2", "token": "s3cr3t"}),
    "db-password=hunter2\ntoken=s3cr3t\n",
    json.dumps({"schema": "training-scenario/1", "name": "hunter2", "base": "x",
                "changes": []}),
])
def test_a_base_that_is_no_instance_is_refused_without_a_word_of_it(tmp_path, content):
    write(tmp_path / "config.json", content)
    scenario = write(tmp_path / "s.json", json.dumps({
        "schema": "training-scenario/1", "name": "s", "base": "config.json", "changes": []}))
    with pytest.raises(InputError, match=r"base: config\.json is") as raised:
        load_instance(scenario)
    assert "hunter2" not in str(raised.value) and "s3cr3t" not in str(raised.value)
    assert "db-password" not in str(raised.value)


def test_an_uploaded_scenario_is_refused_where_scenarios_are_not_taken(tmp_path):
    scenario = write(tmp_path / "s.json", json.dumps({
        "schema": "training-scenario/1", "name": "s", "base": "/etc/hostname", "changes": []}))
    with pytest.raises(InputError, match="is a scenario file"):
        load_instance(scenario, scenarios=False)


def test_a_calendar_range_far_past_the_year_is_refused_at_once(tmp_path):
    data = tiny_instance()
    data["calendar"]["holiday_windows"][1]["end"] = "9999-12-31"
    data["venues"][0]["unavailable"] = [{"start": "1900-01-01", "end": "2024-01-02"}]
    with pytest.raises(InputError) as raised:
        load_instance(write(tmp_path / "x.json", json.dumps(data, ensure_ascii=False)))
    assert raised.value.problems == [
        "calendar.holiday_windows[1]: 9999-12-31 is more than a year from the plan's year "
        "2024; give dates of 2023–2025",
        "venues[0].unavailable[0]: 1900-01-01 is more than a year from the plan's year 2024; "
        "give dates of 2023–2025"]
