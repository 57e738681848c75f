"""The year as the solver sees it: which days are working days, school days, holidays, and on
which days each project's sessions may start.

Days are numbered from 0 (1 January of the instance year); a session of `days` days starting
on day s occupies s, s+1, …, s+days-1, consecutive calendar days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cached_property

from models.instance import DateRange, HolidayRule, Instance, Project


class YearCalendar:
    def __init__(self, instance: Instance):
        self.instance = instance
        self.first_day = dt.date(instance.year, 1, 1)
        self.length = (dt.date(instance.year + 1, 1, 1) - self.first_day).days
        self.dates = [self.first_day + dt.timedelta(days=day) for day in range(self.length)]
        self.public_holidays, self.makeup_workdays = self._statutory_days()
        self._open_starts: dict[tuple, list[bool]] = {}

    def _statutory_days(self) -> tuple[set[dt.date], set[dt.date]]:
        calendar = self.instance.calendar
        if calendar.public_holidays == "CN":
            provisional = provisional_holidays(self.instance)
            if provisional is not None:
                return provisional, set()
            from chinese_calendar import constants

            return set(constants.holidays), set(constants.workdays)
        return set(calendar.public_holidays), set(calendar.extra_workdays)

    def day(self, date: dt.date) -> int:
        return (date - self.first_day).days

    def date(self, day: int) -> dt.date:
        return self.first_day + dt.timedelta(days=day)

    def is_working_day(self, date: dt.date) -> bool:
        """Monday to Friday except public holidays, plus make-up working days."""
        if date in self.makeup_workdays:
            return True
        return date.weekday() < 5 and date not in self.public_holidays

    @cached_property
    def holiday_window_of_day(self) -> list[int | None]:
        """For each day, the index of the holiday window it lies in (first match), or None."""
        windows = self.instance.calendar.holiday_windows
        return [
            next((index for index, window in enumerate(windows) if date in window), None)
            for date in self.dates
        ]

    @cached_property
    def school_days(self) -> list[bool]:
        """Working days outside every holiday window: the days the absence cap applies."""
        return [
            self.is_working_day(date) and self.holiday_window_of_day[day] is None
            for day, date in enumerate(self.dates)
        ]

    def blocked_runs(self, free_dates: set[dt.date] | None, busy_dates: set[dt.date]) -> list[
            tuple[int, int]]:
        """Runs of days outside `free_dates` (None: every day is free) or inside `busy_dates`."""
        blocked = [
            (free_dates is not None and date not in free_dates) or date in busy_dates
            for date in self.dates
        ]
        return day_runs(blocked)

    def blocked_days(self, available: list[DateRange] | None,
                     unavailable: list[DateRange]) -> set[int]:
        """The days outside `available` (if given) or inside `unavailable`: when a venue or
        trainer cannot be booked."""
        return {day for day, date in enumerate(self.dates)
                if (available is not None and not any(date in span for span in available))
                or any(date in span for span in unavailable)}

    def open_starts(self, available: list[DateRange] | None, unavailable: list[DateRange],
                    days: int) -> list[bool]:
        """For each start s = 0 … length − days: whether all of s … s+days−1 are a venue's or
        trainer's own days: inside `available` (if given), outside `unavailable`. Remembered by
        those days, as most trainers share a few calendars (splitting the projects of a large
        instance would otherwise scan the year again for each project, venue and trainer)."""
        key = (_spans(available), _spans(unavailable), days)
        if key not in self._open_starts:
            inside = range_dates(available) if available is not None else None
            outside = range_dates(unavailable)
            free = [(inside is None or date in inside) and date not in outside
                    for date in self.dates]
            self._open_starts[key] = _all_days(free, days)
        return self._open_starts[key]

    START_RULES = ("public holidays", "blackouts", "months", "weekdays", "holiday")
    """The calendar rules a session's days must keep, in the order a diagnosis applies them."""

    def start_rules(self, project: Project) -> dict[str, list[bool]]:
        """For each rule of `START_RULES`, whether a session (any phase) starting on day s keeps
        it, for s = 0 … length − days (the sessions that end inside the year): no public holiday;
        no day in a blackout of one of its audiences; every day in its months; no Saturday or
        Sunday unless a make-up working day (when weekdays only); and the holiday rule."""
        days = project.days
        weekdays_only = self.instance.weekdays_only(project)
        blackout_dates = {
            date
            for blackout in self.instance.calendar.blackouts
            if set(blackout.audiences) & set(project.audiences)
            for date in blackout.days()
        }
        months = project.allowed_months
        day_flags = {
            "public holidays": [date not in self.public_holidays for date in self.dates],
            "blackouts": [date not in blackout_dates for date in self.dates],
            "months": [date.month in months for date in self.dates],
            "weekdays": [
                not weekdays_only or date.weekday() < 5 or date in self.makeup_workdays
                for date in self.dates
            ],
        }
        starts = range(self.length - days + 1)
        rules = {rule: _all_days(flags, days) for rule, flags in day_flags.items()}
        window = self.holiday_window_of_day
        if project.holiday is HolidayRule.FORBIDDEN:
            rules["holiday"] = _all_days([index is None for index in window], days)
        elif project.holiday is HolidayRule.REQUIRED:
            rules["holiday"] = [
                _inside_one_window(start, days, self.instance, self.dates) for start in starts
            ]
        else:
            rules["holiday"] = [True] * len(starts)
        return rules

    def start_days(self, project: Project) -> list[int]:
        """Days on which a session (any phase) of the project may start: every one of its
        `days` consecutive days is allowed by months, public holidays, weekdays, blackouts and
        the holiday rule, and lies inside the year."""
        rules = self.start_rules(project)
        return [start for start, kept in enumerate(zip(*rules.values(), strict=True))
                if all(kept)]

    def days_outside(self, months: set[int], start: int, days: int) -> int:
        """How many of the days start … start+days-1 fall in a month not in `months`."""
        return sum(1 for day in range(start, start + days) if self.dates[day].month not in months)


def spread_groups(start_days: list[int], count: int) -> list[list[int]]:
    """A `spread` project's allowed start days cut into `count` consecutive groups as equal in
    count as possible, the earlier ones one larger where they cannot be equal: its k-th
    session-phase start, in date order, falls in the k-th (docs/format.md)."""
    size, extra = divmod(len(start_days), count)
    groups, at = [], 0
    for index in range(count):
        length = size + (1 if index < extra else 0)
        groups.append(start_days[at:at + length])
        at += length
    return groups


def provisional_holidays(instance: Instance) -> set[dt.date] | None:
    """The statutory holidays of a `public_holidays: "CN"` year that the built-in calendar
    (chinesecalendar, which has each year's published days off and make-up working days) does
    not cover yet, computed by their rules: 元旦, 春节 (with 除夕), 清明, 劳动节, 端午, 中秋 and
    国庆, with the days off that make up for one falling on a weekend. Provisional: the make-up
    working days (调休) are known only once the State Council publishes the year's notice, so
    there are none. None when the year is covered, or the holidays are given as dates."""
    if instance.calendar.public_holidays != "CN" or instance.year <= last_published_year():
        return None
    import holidays

    return set(holidays.China(years=instance.year))


def last_published_year() -> int:
    """The last year whose statutory holidays the installed chinesecalendar holds."""
    from chinese_calendar import constants

    return max(constants.holidays).year


def _inside_one_window(start: int, days: int, instance: Instance, dates: list[dt.date]) -> bool:
    first, last = dates[start], dates[start + days - 1]
    return any(
        first in window and last in window for window in instance.calendar.holiday_windows
    )


def _spans(ranges: list[DateRange] | None) -> tuple[tuple[dt.date, dt.date], ...] | None:
    return None if ranges is None else tuple((span.start, span.end) for span in ranges)


def range_dates(ranges: Iterable[DateRange]) -> set[dt.date]:
    """Every date inside `ranges`."""
    return {date for span in ranges for date in span.days()}


def _all_days(flags: list[bool], days: int) -> list[bool]:
    """For each start s = 0 … len(flags) − days: whether flags[s … s+days−1] are all true."""
    ok = []
    run = 0  # true flags ending at the current day
    for day, flag in enumerate(flags):
        run = run + 1 if flag else 0
        if day >= days - 1:
            ok.append(run >= days)
    return ok


def day_runs(flags: list[bool]) -> list[tuple[int, int]]:
    """Maximal runs of days whose flag is set, as (first day, last day + 1)."""
    runs = []
    begin = None
    for day, flag in enumerate([*flags, False]):
        if flag and begin is None:
            begin = day
        elif not flag and begin is not None:
            runs.append((begin, day))
            begin = None
    return runs
