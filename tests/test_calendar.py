"""The days a session may use: statutory holidays, make-up days, windows, blackouts, months."""

from __future__ import annotations

import datetime as dt

from models import parse_instance
from scheduler.core.calendar import YearCalendar


def start_dates(tiny: dict, **fields) -> list[dt.date]:
    tiny["projects"][0].update(fields)
    instance = parse_instance(tiny)
    calendar = YearCalendar(instance)
    return [calendar.date(day) for day in calendar.start_days(instance.projects[0])]


def test_national_day_holidays_and_makeup_saturday(tiny):
    # 2024: 1–7 October are public holidays; Saturday 12 October is a make-up working day.
    starts = start_dates(tiny, months=[10])
    assert dt.date(2024, 10, 8) == starts[0]
    assert dt.date(2024, 10, 12) in starts
    assert dt.date(2024, 10, 13) not in starts  # an ordinary Sunday


def test_sessions_are_consecutive_working_days(tiny):
    # 3-day sessions in the first week of April 2024: 4–6 April are Qingming holidays, Sunday
    # 7 April is a make-up working day, so 7–9 April works and 1–3 April works.
    starts = start_dates(tiny, months=[4], days=3)
    assert starts[:3] == [dt.date(2024, 4, 1), dt.date(2024, 4, 7), dt.date(2024, 4, 8)]


def test_weekends_allowed_but_never_public_holidays(tiny):
    starts = start_dates(tiny, months=[10], weekdays_only=False)
    assert starts[0] == dt.date(2024, 10, 8) and dt.date(2024, 10, 13) in starts


def test_holiday_required_stays_inside_one_window(tiny):
    # The summer window starts Saturday 6 July: a 5-day session starts Monday 8 July at the
    # earliest and ends by Friday 30 August.
    starts = start_dates(tiny, months=[7, 8], days=5, holiday="required")
    assert starts[0] == dt.date(2024, 7, 8) and starts[-1] == dt.date(2024, 8, 26)


def test_holiday_forbidden_avoids_every_window(tiny):
    starts = start_dates(tiny, months=[7], days=5, holiday="forbidden")
    assert starts == [dt.date(2024, 7, 1)]


def test_blackout_applies_to_its_audiences_only(tiny):
    tiny["calendar"]["blackouts"] = [
        {"name": "期中考试", "start": "2024-03-01", "end": "2024-03-29", "audiences": ["pri"]}
    ]
    assert start_dates(tiny, months=[3]) == []
    tiny["audiences"].append({"id": "jun", "name": "初中教师"})
    tiny["calendar"]["blackouts"][0]["audiences"] = ["jun"]
    assert start_dates(tiny, months=[3])[0] == dt.date(2024, 3, 1)


def test_explicit_holiday_list(tiny):
    tiny["calendar"].update(public_holidays=["2024-03-01"], extra_workdays=["2024-03-02"])
    starts = start_dates(tiny, months=[3])
    assert starts[:2] == [dt.date(2024, 3, 2), dt.date(2024, 3, 4)]


def test_school_days_exclude_weekends_holidays_and_windows(tiny):
    calendar = YearCalendar(parse_instance(tiny))
    school = {calendar.date(day) for day, is_school in enumerate(calendar.school_days)
              if is_school}
    assert dt.date(2024, 3, 1) in school
    assert dt.date(2024, 3, 2) not in school  # Saturday
    assert dt.date(2024, 10, 1) not in school  # National Day
    assert dt.date(2024, 10, 12) in school  # make-up Saturday
    assert dt.date(2024, 7, 8) not in school  # summer window
