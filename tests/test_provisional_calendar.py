"""Next year before its holiday notice (docs/format.md, Calendar): `public_holidays: "CN"` for a
year the built-in chinesecalendar does not cover yet is planned on the year's statutory holidays
computed by their rules (the holidays package), marked provisional everywhere a date is shown;
the validator reads the same rules on its own. The 2027 instance is instances/2024.json moved
three years on."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from models import Solution, parse_instance
from scheduler.cli import main
from scheduler.core.calendar import YearCalendar, last_published_year, provisional_holidays
from scheduler.core.rules import Rule
from scheduler.core.validate import validate
from scheduler.search.solve import solve_by_hand
from tests.helpers import ROOT

YEAR = 2027
DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
# 2027 by the rules: 元旦; 除夕 and 春节 (2-05…2-08, two days off for the weekend); 清明;
# 劳动节 (5-01, 5-02, two off); 端午; 中秋; 国庆 (10-01…10-03, two off).
STATUTORY_2027 = {dt.date(2027, 1, 1), dt.date(2027, 2, 6), dt.date(2027, 4, 5),
                  dt.date(2027, 5, 1), dt.date(2027, 6, 9), dt.date(2027, 9, 15),
                  dt.date(2027, 10, 1), dt.date(2027, 10, 7) - dt.timedelta(days=6)}


def moved(data: Any, years: int) -> Any:
    """The instance's JSON with every date `years` years later (29 February as the 28th)."""
    if isinstance(data, dict):
        return {key: moved(value, years) for key, value in data.items()}
    if isinstance(data, list):
        return [moved(value, years) for value in data]
    if isinstance(data, str) and (match := DATE.fullmatch(data)):
        year, month, day = int(match[1]) + years, int(match[2]), int(match[3])
        return dt.date(year, month, min(day, 28) if month == 2 else day).isoformat()
    return data


@pytest.fixture(scope="module")
def next_year() -> dict[str, Any]:
    data = json.loads((ROOT / "instances" / "2024.json").read_text(encoding="utf-8"))
    return moved(data, YEAR - 2024) | {"year": YEAR}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_year_is_not_yet_published_so_its_holidays_are_computed(next_year):
    assert last_published_year() < YEAR  # the premise: chinesecalendar stops before 2027
    instance = parse_instance(next_year)
    holidays = provisional_holidays(instance)
    assert holidays is not None and STATUTORY_2027 <= holidays
    calendar = YearCalendar(instance)
    assert calendar.makeup_workdays == set()  # 调休 unknown before the notice
    assert not calendar.is_working_day(dt.date(2027, 2, 8))  # a Monday of 春节
    assert calendar.is_working_day(dt.date(2027, 2, 11))
    # A published year and an explicit list are no guess.
    assert provisional_holidays(parse_instance(json.loads(
        (ROOT / "instances" / "2024.json").read_text(encoding="utf-8")))) is None
    listed = next_year | {"calendar": next_year["calendar"] | {
        "public_holidays": ["2027-10-01"]}}
    assert provisional_holidays(parse_instance(listed)) is None


def test_validate_reads_the_computed_holidays_on_its_own(next_year):
    instance = parse_instance(next_year)
    solution = solve_by_hand(instance).solution
    assert solution.provisional_holidays == sorted(provisional_holidays(instance) or ())
    assert validate(instance, solution) == []
    # The same plan with its first class moved onto 10-04, a Monday that is a day off by the
    # rules (国庆 falls partly on the weekend): the validator calls it a public holiday.
    first = solution.sessions[0]
    moved_class = first.model_copy(update={
        "start": dt.date(2027, 10, 4),
        "end": dt.date(2027, 10, 4) + dt.timedelta(days=first.days - 1)})
    shifted = solution.model_copy(update={"sessions": [moved_class, *solution.sessions[1:]]})
    assert any(problem.rule is Rule.PUBLIC_HOLIDAY and "2027-10-04" in problem.message
               for problem in validate(instance, shifted))


def test_solve_plans_2027_says_it_is_provisional_and_every_dated_output_says_so(next_year,
                                                                              tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(next_year, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run("solve", str(path), "--out", str(out), "--workers", "1",
                               "--time-limit", "10", "--lang", "zh")
    assert code == 0, stdout + stderr
    assert "提醒：2027年的放假安排尚未公布" in stderr and "调休" in stderr
    solution = Solution.model_validate_json((out / "solution.json").read_text(encoding="utf-8"))
    assert solution.provisional_holidays and STATUTORY_2027 <= set(solution.provisional_holidays)
    assert run("validate", str(path), str(out / "solution.json"), "--lang", "zh")[0] == 0
    note = "暂定：2027年法定节假日按规则推算，调休尚未公布"
    assert note in (out / "report.html").read_text(encoding="utf-8")
    assert note in (out / "calendar.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
    book = openpyxl.load_workbook(out / "plan.xlsx")
    for sheet in book.worksheets[:2]:
        assert note in [cell.value for row in sheet.iter_rows() for cell in row]
        assert sheet.oddHeader.center.text == note
    # The message follows the planner's language.
    _, _, english = run("validate", str(path), str(out / "solution.json"), "--lang", "en")
    assert "note: 2027's public holidays are not published yet" in english


def test_a_published_year_says_nothing_of_it(tiny, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(tiny, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run("solve", str(path), "--out", str(out), "--workers", "1",
                          "--time-limit", "5", "--formats", "html", "--lang", "zh")
    assert code == 0 and "提醒" not in stderr
    assert "provisional_holidays" not in (out / "solution.json").read_text(encoding="utf-8")
    assert "暂定" not in (out / "report.html").read_text(encoding="utf-8")


def test_a_year_beyond_the_rules_is_refused_naming_the_field(next_year, tmp_path):
    far = next_year | {"year": 2150}
    path: Path = tmp_path / "far.json"
    path.write_text(json.dumps(far, ensure_ascii=False), encoding="utf-8")
    code, _, stderr = run("solve", str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and not (tmp_path / "out").exists()
    assert "calendar.public_holidays" in stderr and "2150" in stderr
