"""Checking a decoded instance and reporting every problem in it at once, each with its path.

Sections and list items are validated one by one, so a broken project does not hide a broken
venue, and the checks that tie items together (ids, references, cycles) still run on the items
that did parse. Both kinds of input file build on it: an instance (`models.load`) and a
scenario, an instance changed (`models.scenario`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from models.instance import (
    Audience,
    Calendar,
    Instance,
    Objective,
    Policy,
    Project,
    Town,
    Trainer,
    Venue,
)
from models.phrase import Phrase

LIST_SECTIONS: dict[str, type[BaseModel]] = {
    "audiences": Audience,
    "towns": Town,
    "venues": Venue,
    "trainers": Trainer,
    "projects": Project,
}
OBJECT_SECTIONS: dict[str, type[BaseModel]] = {
    "calendar": Calendar,
    "policy": Policy,
    "objective": Objective,
}


MOST_PROJECTS = 3_000
"""The most projects one instance may hold: a city's year has a few dozen, and beyond this the
quick plans, which the time limit does not cut short, took minutes (docs/performance.md)."""


class InputError(Exception):
    """The input is wrong: one sentence per problem, each naming where. `said` holds them as
    found: a `Phrase` where the planner may read it in either language (a workbook's cells), a
    plain string where it has one wording (a JSON path with pydantic's words), for the caller to
    say in its reader's language (`scheduler.messages.said_all`); `problems` and str() read
    them in English."""

    def __init__(self, problems: Sequence[Phrase | str]):
        self.said = list(problems)
        super().__init__("\n".join(self.problems))

    @property
    def problems(self) -> list[str]:
        return [str(problem) for problem in self.said]


def read_json(path: Path) -> Any:
    """Read a JSON file in UTF-8 (with or without a byte-order mark), UTF-16 with its byte-order
    mark, or GBK (GB18030): what Chinese Windows' Notepad and WPS save as "ANSI".

    Only what an instance can be is read: a regular file (a FIFO or a device is refused by its
    type, before it is opened, as reading one may never end) of at most `MAX_JSON_BYTES`; a key
    given twice in one object, a number of more than `MAX_DIGITS` digits, and NaN or Infinity
    are refused, never read one way or another."""
    data = read_regular_file(path, MAX_JSON_BYTES)
    text = None
    for encoding in ("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig",
                     "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise InputError([f"{path}: not text (UTF-8, UTF-16 or GBK)"])
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_int=_integer,
                          parse_float=_decimal, parse_constant=_no_constant)
    except _Refused as error:
        raise InputError([f"{path}: {error}"]) from None
    except json.JSONDecodeError as error:
        raise InputError(
            [f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"]
        ) from None
    except RecursionError:
        raise InputError([f"{path}: nested too deeply to be an instance"]) from None


INSTANCE_SCHEMA = "training-instance/1"
MAX_JSON_BYTES = 64 * 1024 * 1024
"""The largest JSON file read: the largest instance shipped (1,500 projects) is 1 MB."""
MAX_DIGITS = 30
"""The most digits of a number in a JSON file: more is no count, day or weight of a plan, and
Python takes seconds to read an integer of many thousand digits."""


def read_regular_file(path: Path, limit: int, head: int | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (only its first `head` bytes, if
    given); InputError otherwise, naming it."""
    path = Path(path)
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise InputError([f"{path}: is a folder, not a file"])
        if not stat.S_ISREG(status.st_mode):
            raise InputError([f"{path}: is not a regular file (a pipe, a device or a socket); "
                              "give an instance file"])
        if status.st_size > limit:
            raise InputError([f"{path}: {status.st_size:,} bytes, more than the {limit:,} an "
                              "input file may have"])
        with path.open("rb") as file:
            return file.read(head if head is not None else limit)
    except OSError as error:
        raise InputError([f"{path}: cannot read the file ({error.strerror})"]) from None
    except ValueError:  # a NUL byte in the path
        raise InputError([f"{path!r}: not a path to a file"]) from None


class _Refused(ValueError):
    """What read_json refuses in a file that is valid JSON."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            where = next((f' (the object with "id": {v!r})' for k, v in pairs
                          if k == "id" and isinstance(v, str)), "")
            raise _Refused(f"the key {key!r} is given twice in one object{where}; keep one")
        result[key] = value
    return result


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"a number of {len(text.lstrip('-')):,} digits ({text[:12]}…); no "
                       f"number of an instance has more than {MAX_DIGITS}")
    return int(text)


def _decimal(text: str) -> float:
    if len(text) > MAX_DIGITS + 10:
        raise _Refused(f"a number of {len(text):,} characters ({text[:12]}…)")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"{text[:20]} is too large a number")
    return value


def _no_constant(text: str) -> Any:
    raise _Refused(f"{text} is not a number JSON allows")


UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Characters no output can hold: control characters (a tab and a line break are text) and the
halves of a broken character (unpaired surrogates). The workbook cannot store them, nor UTF-8
encode a half character, and none is seen on a page: they are refused where they are written."""


def text_problems(value: Any, location: tuple[str | int, ...] = ()) -> list[str]:
    """Each text of the decoded input (keys too) that holds a character of `UNWRITABLE`."""
    if isinstance(value, str):
        found = UNWRITABLE.search(value)
        if found is None:
            return []
        code = ord(found.group())
        what = ("half of a broken character" if 0xD800 <= code <= 0xDFFF
                else "an invisible control character")
        return [f"{format_location(location) or 'the file'}: character {found.start() + 1} "
                f"is {what} (U+{code:04X}); retype or remove it"]
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            problems += text_problems(key, location) if isinstance(key, str) else []
            problems += text_problems(item, (*location, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += text_problems(item, (*location, index))
    return problems


def format_location(location: Iterable[str | int]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def pydantic_problems(error: ValidationError, prefix: tuple[str | int, ...]) -> list[str]:
    problems = []
    for detail in error.errors():
        message = detail["msg"].removeprefix("Value error, ")
        location = prefix + tuple(detail["loc"])
        # Unions report one branch per error; the before-validators already say what is wanted.
        location = tuple(part for part in location if part not in ("int", "str", "literal['all']"))
        if detail["type"] == "extra_forbidden":
            message = "is not a field of this section (a typo?)"
        elif detail["type"] == "missing":
            message = "is missing"
        elif message.startswith("Input should be "):
            message = f"{detail['input']!r} is given, it should be {message[16:]}"
        problems.append(f"{format_location(location)}: {message}")
    return problems


def parse_instance(data: Any) -> Instance:
    """Validate a decoded instance; raise `InputError` listing every problem found."""
    if not isinstance(data, dict):
        raise InputError(["the instance must be a JSON object"])
    problems: list[str] = text_problems(data)
    parsed: dict[str, Any] = {}

    for key in data:
        if key not in ("schema", "name", "year", *LIST_SECTIONS, *OBJECT_SECTIONS):
            problems.append(f"{key}: is not a section of an instance (a typo?)")
    if data.get("schema") != INSTANCE_SCHEMA:
        problems.append(f'schema: is {data.get("schema")!r}, expected "{INSTANCE_SCHEMA}"')
    if not isinstance(data.get("name"), str):
        problems.append("name: give the plan's name as text")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        problems.append(f"year: {year!r} is not a year")

    for section, model in OBJECT_SECTIONS.items():
        if section in data:
            parsed[section] = _validate(model, data[section], (section,), problems)
    for section, model in LIST_SECTIONS.items():
        items = data.get(section, [])
        if not isinstance(items, list):
            problems.append(f"{section}: must be a list")
            items = []
        elif not items and section in ("audiences", "towns", "projects"):
            problems.append(f"{section}: must not be empty")
        elif section == "projects" and len(items) > MOST_PROJECTS:
            problems.append(f"projects: {len(items):,} projects; one instance plans at most "
                            f"{MOST_PROJECTS:,}: split the year's plan, by office or by term")
            items = []
        parsed[section] = [
            _validate(model, item, (section, index), problems) for index, item in enumerate(items)
        ]

    if isinstance(year, int):
        problems += cross_reference_problems(parsed, year)
    if problems:
        raise InputError(problems)
    return Instance.model_validate(data)


def _validate(
    model: type[BaseModel], value: Any, prefix: tuple[str | int, ...], problems: list[str]
) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as error:
        problems += pydantic_problems(error, prefix)
        return None


def cross_reference_problems(parsed: dict[str, Any], year: int) -> list[str]:
    """What ties the items together: unique ids, references, cycles, and facts of the data that
    make a rule of docs/format.md, Instance impossible whatever the schedule."""
    problems: list[str] = []
    ids: dict[str, set[str]] = {}
    for section in LIST_SECTIONS:
        seen: set[str] = set()
        for index, item in enumerate(parsed[section]):
            if item is None:
                continue
            if item.id in seen:
                problems.append(f"{section}[{index}].id: {item.id!r} is used twice")
            seen.add(item.id)
        ids[section] = seen

    def check_ids(path: str, values: Iterable[str], section: str, what: str) -> None:
        for value in values:
            if value not in ids[section]:
                problems.append(f"{path}: {value!r} is not the id of any {what}")

    problems += _far_dates(parsed, year)
    calendar: Calendar | None = parsed.get("calendar", Calendar())
    if calendar is not None:
        problems += _calendar_problems(calendar, year)
        for index, blackout in enumerate(calendar.blackouts):
            check_ids(f"calendar.blackouts[{index}].audiences", blackout.audiences,
                      "audiences", "audience")
    policy: Policy | None = parsed.get("policy", Policy())
    if policy is not None and isinstance(policy.required_hours, dict):
        check_ids("policy.required_hours", policy.required_hours, "audiences", "audience")
    towns = {town.id: town for town in parsed["towns"] if town is not None}
    for index, town in enumerate(parsed["towns"]):
        if town is not None:
            check_ids(f"towns[{index}].teachers", town.teachers, "audiences", "audience")
    for index, venue in enumerate(parsed["venues"]):
        if venue is not None:
            check_ids(f"venues[{index}].town", [venue.town], "towns", "town")
    for index, trainer in enumerate(parsed["trainers"]):
        if trainer is not None and trainer.town is not None:
            check_ids(f"trainers[{index}].town", [trainer.town], "towns", "town")

    for index, project in enumerate(parsed["projects"]):
        if project is None:
            continue
        path = f"projects[{index}]"
        check_ids(f"{path}.audiences", project.audiences, "audiences", "audience")
        for position, audience in enumerate(project.audiences):
            if audience in project.audiences[:position]:
                problems.append(f"{path}.audiences[{position}]: {audience!r} is listed twice")
        check_ids(f"{path}.after", project.after, "projects", "project")
        if project.id in project.after:
            problems.append(f"{path}.after: a project cannot come after itself")
        pool = sum(town.pool(project.audiences) for town in towns.values())
        if isinstance(project.headcount, int) and project.headcount > pool:
            problems.append(
                f"{path}.headcount: {project.headcount} is more than the {pool} teachers "
                f"of its audiences in all towns"
            )
        headcount = pool if project.headcount == "all" else project.headcount
        if project.sessions is not None and isinstance(headcount, int) and headcount > 0 \
                and project.sessions > headcount:
            problems.append(
                f"{path}.sessions: {project.sessions} classes for {headcount} trainees"
            )
        if project.delivery == "to_area" and not project.mode.uses_venue:
            problems.append(f"{path}.delivery: to_area classes meet in a venue in the trainees' "
                            f"area; a {project.mode.value} project has none")
        problems += _least_class_problems(path, project, headcount,
                                          parsed.get("policy") or Policy())
        if project.months and project.preferred_months:
            for position, month in enumerate(project.preferred_months):
                if month not in project.months:
                    problems.append(
                        f"{path}.preferred_months[{position}]: {month} is not one of the "
                        f"allowed months {sorted(set(project.months))}"
                    )
        if project.trainer_count > 0 and not project.topics:
            problems.append(
                f"{path}.topics: give the topics its trainers must teach "
                f"(trainers_per_session is {project.trainers_per_session})"
            )
    problems += _cycle_problems(parsed["projects"])
    return problems


def _least_class_problems(path: str, project: Project, headcount: Any,
                          policy: Policy) -> list[str]:
    """A least class (project, else policy) that no plan can keep: above the headcount, above
    the largest class, or more than the fixed number of classes can fill."""
    least, where = ((project.min_session_size, f"{path}.min_session_size")
                    if project.min_session_size is not None
                    else (policy.min_session_size, "policy.min_session_size"))
    if least is None or not isinstance(headcount, int) or headcount <= 0:
        return []
    if least > headcount:
        return [f"{where}: classes of at least {least} teachers, but {path} "
                f"({project.name}) trains {headcount}"]
    if project.max_session_size is not None and least > project.max_session_size:
        return [f"{where}: classes of at least {least} teachers, but {path}.max_session_size "
                f"is {project.max_session_size}"]
    if project.sessions is not None and project.sessions * least > headcount:
        return [f"{where}: {project.sessions} classes of at least {least} teachers need "
                f"{project.sessions * least}, but {path} ({project.name}) trains {headcount}"]
    return []


def _far_dates(parsed: dict[str, Any], year: int) -> list[str]:
    """Dates more than a year from the plan's year, refused at once: no rule reaches them, and
    a range to 9999 would otherwise be walked day by day (millions of days)."""
    if not 1900 <= year <= 2200:  # said already: no year to measure from
        return []
    first, last = dt.date(year - 1, 1, 1), dt.date(year + 1, 12, 31)
    dated: list[tuple[str, Any]] = []
    calendar = parsed.get("calendar")
    if calendar is not None:
        if isinstance(calendar.public_holidays, list):
            dated += [(f"calendar.public_holidays[{i}]", (day, day))
                      for i, day in enumerate(calendar.public_holidays)]
        dated += [(f"calendar.extra_workdays[{i}]", (day, day))
                  for i, day in enumerate(calendar.extra_workdays)]
        for section in ("holiday_windows", "blackouts"):
            dated += [(f"calendar.{section}[{i}]", (span.start, span.end))
                      for i, span in enumerate(getattr(calendar, section))]
    for section, fields in (("venues", ("unavailable",)),
                            ("trainers", ("unavailable", "available"))):
        for index, item in enumerate(parsed[section]):
            for name in fields:
                for position, span in enumerate(getattr(item, name, None) or []):
                    dated.append((f"{section}[{index}].{name}[{position}]",
                                  (span.start, span.end)))
    return [f"{path}: {day} is more than a year from the plan's year {year}; give dates of "
            f"{year - 1}–{year + 1}"
            for path, ends in dated for day in dict.fromkeys(ends)
            if not first <= day <= last]


def _calendar_problems(calendar: Calendar, year: int) -> list[str]:
    problems = []
    if calendar.public_holidays == "CN":
        # A year after the last one published is planned on its holidays computed by their
        # rules, provisionally (scheduler.core.calendar.provisional_holidays).
        first, last = _chinese_calendar_years()[0], _computed_years()[1]
        if not first <= year <= last:
            problems.append(
                f'calendar.public_holidays: the built-in "CN" holidays cover {first}–{last}, '
                f"not {year}; give the year's public holidays as a list of dates"
            )
        if calendar.extra_workdays:
            problems.append(
                'calendar.extra_workdays: the "CN" calendar has its make-up working days built in; '
                "give extra_workdays only with an explicit list of public_holidays"
            )
    for index, day in enumerate(calendar.extra_workdays):
        if day.weekday() < 5:
            problems.append(
                f"calendar.extra_workdays[{index}]: {day} is a {day:%A}, not a weekend day"
            )
    return problems


def _chinese_calendar_years() -> tuple[int, int]:
    from chinese_calendar import constants

    known = list(constants.holidays)
    return min(known).year, max(known).year


def _computed_years() -> tuple[int, int]:
    """The years whose statutory holidays the holidays package computes by their rules."""
    import holidays

    return holidays.China.start_year, holidays.China.end_year


def _cycle_problems(projects: list[Project | None]) -> list[str]:
    """Report each cycle of `after` once, as the chain of project ids that closes it."""
    after = {p.id: [q for q in p.after if q != p.id] for p in projects if p is not None}
    state: dict[str, str] = {}
    problems = []

    def visit(project_id: str, chain: list[str]) -> None:
        state[project_id] = "open"
        for earlier in after.get(project_id, []):
            if state.get(earlier) == "open":
                cycle = [*chain[chain.index(earlier):], earlier]
                problems.append(
                    "projects: the 'after' rules go round in a circle: "
                    + " → ".join(reversed(cycle))
                )
            elif earlier not in state and earlier in after:
                visit(earlier, [*chain, earlier])
        state[project_id] = "done"

    for project_id in after:
        if project_id not in state:
            visit(project_id, [project_id])
    return problems

