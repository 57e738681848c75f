"""The calendars, parsed back with icalendar and imported by a real calendar program (calcurse).

The plan is the proven-optimal 2024 plan of instances/2024.json (tests/data/2024-solution.json).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from models import Instance, Solution
from scheduler.export.ics import event_uid, write_calendars
from tests.helpers import need

ROOT = Path(__file__).parents[1]
STAMP = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def out(instance, solution, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ics")
    write_calendars(instance, solution, folder, stamp=STAMP)
    return folder


def _events(path: Path) -> list:
    return Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def test_one_all_day_event_per_session_phase_with_its_dates(out, solution):
    events = _events(out / "calendar.ics")
    assert len(events) == len(solution.sessions) == 26
    by_uid = {str(event["UID"]): event for event in events}
    assert len(by_uid) == len(events)
    for row in solution.sessions:
        event = by_uid[event_uid(solution.instance, row.project, row.session, row.phase)]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert not isinstance(start, dt.datetime)  # a date: an all-day event
        assert (start, end) == (row.start, row.end + dt.timedelta(days=1))


def test_event_text_in_the_planners_words(out):
    staged = next(event for event in _events(out / "calendar.ics")
                  if str(event["SUMMARY"]) == "初中数学学科教师培养（分阶段培育）（第2阶段）")
    assert str(staged["LOCATION"]) == "建安区教师进修学校 录播教室"
    description = str(staged["DESCRIPTION"])
    assert "授课专家：" in description and "参训人数：50" in description
    assert "负责科室" not in description  # the document names no office, so none is shown
    assert "培训方式：集中培训、任务驱动成果展示" in description  # as the bureau published it
    assert [str(category) for category in staged["CATEGORIES"].cats] == ["线下集中"]
    online = next(event for event in _events(out / "calendar.ics")
                  if str(event["SUMMARY"]).startswith("中小学、幼儿园教师师德师风培训"))
    assert str(online["LOCATION"]) == "线上"


def test_valid_rfc5545_lines(out):
    for path in [out / "calendar.ics", *sorted((out / "calendars").iterdir())]:
        data = path.read_bytes()
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
        lines = data.split(b"\r\n")
        assert b"\n" not in data.replace(b"\r\n", b""), path  # every line ends CRLF
        assert all(len(line) <= 75 for line in lines), path  # folded at 75 octets
        text = data.decode("utf-8")
        assert "PRODID:-//schedule//" in text and "VERSION:2.0" in text
        assert text.count("DTSTAMP:20240102T030405Z") == text.count("BEGIN:VEVENT") > 0


def test_text_is_escaped(instance, solution, tmp_path):
    project = instance.projects[0]
    renamed = instance.model_copy(update={"projects": [
        project.model_copy(update={"name": "骨干培训, 第四期; 师德\\心理"}),
        *instance.projects[1:],
    ]})
    write_calendars(renamed, solution, tmp_path, stamp=STAMP)
    raw = (tmp_path / "calendar.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    assert "SUMMARY:骨干培训\\, 第四期\\; 师德\\\\心理（第1班）" in raw
    summaries = {str(event["SUMMARY"]) for event in _events(tmp_path / "calendar.ics")}
    assert "骨干培训, 第四期; 师德\\心理（第1班）" in summaries


def test_uids_are_stable_across_re_solves_and_differ_between_plans(instance, solution,
                                                                   tmp_path):
    first = {str(e["UID"]) for e in _events(_written(instance, solution, tmp_path / "a"))}
    # A re-solve moves sessions: same project, session and phase, other dates and venue.
    moved = solution.model_copy(update={"sessions": [
        row.model_copy(update={"start": row.start + dt.timedelta(days=7),
                               "end": row.end + dt.timedelta(days=7)})
        for row in solution.sessions
    ]})
    again = _written(instance, moved, tmp_path / "b", stamp=STAMP + dt.timedelta(days=30))
    assert {str(e["UID"]) for e in _events(again)} == first
    assert event_uid("另一个计划", "p01", 1, 1) != event_uid(instance.name, "p01", 1, 1)
    assert event_uid(instance.name, "p01", 1, 2) != event_uid(instance.name, "p01", 1, 1)


def _written(instance: Instance, solution: Solution, folder: Path,
             stamp: dt.datetime = STAMP) -> Path:
    write_calendars(instance, solution, folder, stamp=stamp)
    return folder / "calendar.ics"


def test_a_calendar_per_venue_trainer_and_town(out, instance, solution):
    names = sorted(path.name for path in (out / "calendars").iterdir())
    venues = {row.venue for row in solution.sessions if row.venue}
    trainers = {t for row in solution.sessions for t in row.trainers}
    towns = {town for row in solution.sessions for town, n in row.seats.items() if n}
    assert names == sorted([f"venue-{v}.ics" for v in venues]
                           + [f"trainer-{t}.ics" for t in trainers]
                           + [f"town-{t}.ics" for t in towns])
    teacher = _events(out / "calendars" / "trainer-ja-t20.ics")
    assert len(teacher) == sum("ja-t20" in row.trainers for row in solution.sessions)
    town = _events(out / "calendars" / "town-lingjing.ics")
    assert len(town) == sum(bool(row.seats.get("lingjing")) for row in solution.sessions)
    assert all(str(event["DESCRIPTION"]).startswith("本乡镇名额：") for event in town)
    # The town's seats and the class size, but not the other towns' seats.
    row = next(row for row in solution.sessions if row.seats.get("lingjing"))
    uid = event_uid(solution.instance, row.project, row.session, row.phase)
    mine = next(event for event in town if str(event["UID"]) == uid)
    shared = next(event for event in _events(out / "calendar.ics") if str(event["UID"]) == uid)
    assert (mine["SUMMARY"], mine["LOCATION"]) == (shared["SUMMARY"], shared["LOCATION"])
    description = str(mine["DESCRIPTION"])
    assert description.startswith(f"本乡镇名额：{row.seats['lingjing']}（灵井镇）")
    assert f"参训人数：{row.size}\n" in description
    others = {town.name for town in instance.towns if town.id != "lingjing"}
    assert not any(name in description for name in others)
    calendar = Calendar.from_ical((out / "calendars" / "venue-jxxx-hall.ics").read_bytes())
    assert str(calendar["X-WR-CALNAME"]).startswith("建安区教师进修学校 报告厅")


def test_a_calendar_left_from_an_earlier_export_is_removed(instance, solution, tmp_path):
    stale = tmp_path / "calendars" / "trainer-nobody.ics"
    stale.parent.mkdir()
    stale.write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    mine = tmp_path / "calendars" / "holidays.ics"  # not one of ours: kept
    mine.write_text("x")
    write_calendars(instance, solution, tmp_path, stamp=STAMP)
    assert not stale.exists() and mine.exists()


def test_calcurse_imports_every_event(out, solution, tmp_path):
    calcurse = need("calcurse")
    data = tmp_path / "calcurse"
    data.mkdir()
    result = subprocess.run([calcurse, "-D", str(data), "-i", str(out / "calendar.ics")],
                            capture_output=True, text=True, timeout=60, check=True,
                            env={**os.environ, "TERM": "dumb"})
    report = re.search(r"(\d+) apps / (\d+) events / (\d+) todos / (\d+) skipped",
                       result.stdout)
    assert report, result.stdout
    assert report.groups() == ("0", str(len(solution.sessions)), "0", "0")
    # calcurse keeps a multi-day event as a daily repeat from the first to the last day.
    stored = (data / "apts").read_text(encoding="utf-8").splitlines()
    spans = []
    for line in stored:
        match = re.match(r"(\d\d/\d\d/\d{4}) \[1\] (?:\{1D -> (\d\d/\d\d/\d{4})\})?", line)
        assert match, line
        first = dt.datetime.strptime(match[1], "%m/%d/%Y").date()
        last = dt.datetime.strptime(match[2], "%m/%d/%Y").date() if match[2] else first
        spans.append((first, last))
    assert sorted(spans) == sorted((row.start, row.end) for row in solution.sessions)
