"""Field types shared by the instance and solution models, with the messages a planner reads."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, model_validator

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> dt.date:
    """Accept only ISO `YYYY-MM-DD` text, so that `20240301` or `3/1` never slips in as a date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date of the calendar") from None


def _check_month(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise ValueError(f"{value!r} is not a month")
    return value


def _check_share(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{value!r} is not a share between 0 and 1")
    return float(value)


def _check_tilt(value: Any) -> float:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or value <= 0):
        raise ValueError(f"{value!r} is not a weight: give a number above 0 (1 is no tilt)")
    return float(value)


def check_hours(value: Any) -> int | float:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or value < 0):
        raise ValueError(f"{value!r} is not a number of 学时 (credit hours): give a number, 0 "
                         "or more")
    return value


Date = Annotated[dt.date, BeforeValidator(parse_date)]
Month = Annotated[int, BeforeValidator(_check_month)]
Share = Annotated[float, BeforeValidator(_check_share)]
Tilt = Annotated[float, BeforeValidator(_check_tilt)]
Hours = Annotated[int | float, BeforeValidator(check_hours)]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+$")]


class Strict(BaseModel):
    """Base of every input model: an unknown field is a typo, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DateRange(Strict):
    """Both ends inclusive."""

    start: Date
    end: Date

    @model_validator(mode="after")
    def _ends_after_start(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(f"ends {self.end} before it starts {self.start}")
        return self

    def days(self) -> list[dt.date]:
        return [
            self.start + dt.timedelta(days=offset)
            for offset in range((self.end - self.start).days + 1)
        ]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def ranges_text(ranges: Iterable[DateRange]) -> str:
    """Date ranges as a planner reads them: `2024-05-06–2024-05-10, 2024-06-01`."""
    return ", ".join(f"{r.start}–{r.end}" if r.end != r.start else f"{r.start}" for r in ranges)
