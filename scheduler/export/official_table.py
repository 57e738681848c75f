"""The plan table as a bureau publishes it: one row per project, its classes folded into the row.

The published tables (the Jian'an 2024 appendix, the Anshan 2022 table) list projects, not
classes; the dates and places of a project's classes go into its one row, a line per class, or
a line per month when there are more classes than a cell can list (twenty lectures of one day).
Where the instance keeps the bureau's own words (`number`, `audience_text`, `mode_text`,
`months_text`), the row prints them in place of what it would derive, and the rows keep the
published order, so that a school finds "第23项" of the January notice where it was.
The table per class (`plan_table`) is the one `plan.csv` holds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from models.instance import Instance, Project
from models.solution import SessionPhase, Solution
from scheduler.core.hours import gives_hours
from scheduler.export.plan_table import (
    MODE_NAMES,
    OFFICE_COLUMN,
    audience_names,
    class_label,
    classes,
    date_span,
    phase_dates,
    place,
)

COLUMNS = ["序号", "月份", "培训项目名称", "培训对象", "培训方式", "参训人数", "培训时间",
           "培训地点", OFFICE_COLUMN]
HOURS_COLUMN = "学时"
"""After 参训人数 when the instance speaks of 学时 (`scheduler.core.hours.gives_hours`): what a
trainee earns from the project."""
CATEGORY_COLUMN = "类别"
EVERYONE = "全员"
"""参训人数 of a `headcount: "all"` project, as the bureaus print it."""
MOST_CLASS_LINES = 3
"""A project with more classes than this gives its dates a line per month, not per class."""


@dataclass(frozen=True)
class Total:
    """The 合计 row: 人次 of the projects with a number headcount; 全员 rows are left out."""

    trainees: int
    everyone_rows: int
    """Scheduled projects of `headcount: "all"`, not counted in `trainees`."""


def official_table(instance: Instance, solution: Solution) -> pd.DataFrame:
    """One row per scheduled project. Order: the published 序号 where given (compared as
    numbers, then by project order), the projects without one after them by the start of their
    first class. 序号: as published, else counting 1..N (blank beside published ones).
    月份: as published, else the month its first class starts; 培训对象 and 培训方式 as
    published, else derived; 参训人数: 全员 for a `headcount: "all"` project, else the seats of
    all its classes; 培训时间: a line per class, 第n班 before it when there are several, the
    dates of its phases separated by ；, or a line per month with the classes that start in it
    when there are more than `MOST_CLASS_LINES`; 培训地点: each place once, with the classes
    held there when they are not all at one (and when not folded by month); 学时 (when the
    instance gives hours): what each trainee earns; 负责科室 blank where the instance names
    none. A first column 类别 when any project has a category."""
    project_order = {project.id: index for index, project in enumerate(instance.projects)}
    audiences = {audience.id: audience.name for audience in instance.audiences}
    venues = {venue.id: venue.name for venue in instance.venues}

    by_project: dict[str, dict[int, list[SessionPhase]]] = defaultdict(dict)
    for (project_id, session), phases in sorted(classes(solution).items()):
        by_project[project_id][session] = phases

    def first_start(project_id: str) -> dt.date:
        return min(phases[0].start for phases in by_project[project_id].values())

    def published_order(project_id: str) -> tuple[object, ...]:
        number = instance.project(project_id).number
        index = project_order.get(project_id, len(project_order))
        if number:
            return (0, number_key(number), index)
        return (1, first_start(project_id), index)

    order = sorted(by_project, key=published_order)
    any_number = any(instance.project(project_id).number for project_id in order)
    with_category = any(project.category for project in instance.projects)

    rows = []
    for counted, project_id in enumerate(order, start=1):
        project = instance.project(project_id)
        sessions = by_project[project_id]
        row: dict[str, object] = {CATEGORY_COLUMN: project.category or ""} if with_category else {}
        row |= {
            "序号": published_number(project.number) if project.number
            else "" if any_number else counted,
            "月份": project.months_text or f"{first_start(project_id).month}月",
            "培训项目名称": project.name,
            "培训对象": project.audience_text or audience_names(project, audiences),
            "培训方式": project.mode_text or MODE_NAMES[project.mode],
            # Every phase of a class seats the same cohort (docs/format.md, Solution).
            "参训人数": EVERYONE if project.headcount == "all"
            else sum(phases[0].size for phases in sessions.values()),
            HOURS_COLUMN: _number(instance.hours(project)),
            "培训时间": class_dates(sessions),
            "培训地点": to_areas(instance, sessions) if project.delivery == "to_area"
            else class_places(project, sessions, venues),
            OFFICE_COLUMN: project.office or "",
        }
        rows.append(row)
    columns = [CATEGORY_COLUMN, *COLUMNS] if with_category else list(COLUMNS)
    if gives_hours(instance):
        columns.insert(columns.index("参训人数") + 1, HOURS_COLUMN)
    return pd.DataFrame(rows, columns=columns)


def _number(hours: Fraction) -> int | float:
    """学时 as the cell shows them: whole where whole."""
    return hours.numerator if hours.denominator == 1 else float(hours)


def plan_total(instance: Instance, solution: Solution) -> Total:
    """The 合计 of both plan tables: the seats of every scheduled project with a number
    headcount, and how many scheduled `headcount: "all"` projects it leaves out (their seats
    are every teacher of their audiences again, so adding them counts teachers twice)."""
    trainees = 0
    everyone: set[str] = set()
    for phases in classes(solution).values():
        project = instance.project(phases[0].project)
        if project.headcount == "all":
            everyone.add(project.id)
        else:
            trainees += phases[0].size
    return Total(trainees, len(everyone))


def total_label(total: Total, lang: str) -> str:
    """The words of the 合计 row: what it counts, and what it leaves out."""
    if lang == "zh":
        left_out = f"，不含全员项目{total.everyone_rows}项" if total.everyone_rows else ""
        return f"合计（人次{left_out}）"
    left_out = (f", {total.everyone_rows} all-staff project(s) (全员) left out"
                if total.everyone_rows else "")
    return f"Total (trainee places{left_out})"


def published_number(number: str) -> int | str:
    """序号 as the table shows it: a whole number as a number (a sheet would flag "23" as a
    number stored as text), anything else ("1-2", "附1") as written."""
    return int(number) if number.isdigit() else number


def number_key(number: str) -> tuple[tuple[int, object], ...]:
    """A published 序号 as it sorts: its runs of digits as numbers ("2" before "10")."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"(\d+)", number) if part)


def class_dates(sessions: dict[int, list[SessionPhase]]) -> str:
    """培训时间: a line per class, or a line per month when there are too many classes."""
    if len(sessions) == 1:
        return phase_dates(next(iter(sessions.values())))
    if len(sessions) <= MOST_CLASS_LINES:
        return "\n".join(f"{class_label(session)} {phase_dates(phases)}"
                         for session, phases in sessions.items())
    by_month: dict[int, list[SessionPhase]] = defaultdict(list)
    for phases in sessions.values():
        for phase in phases:
            by_month[phase.start.month].append(phase)
    return "\n".join(
        f"{date_span(min(p.start for p in month), max(p.end for p in month))}"
        f"（{len({p.session for p in month})}个班）"
        for _, month in sorted(by_month.items()))


def to_areas(instance: Instance, sessions: dict[int, list[SessionPhase]]) -> str:
    """培训地点 of a `to_area` project as a bureau writes it, 送教到片区（海城市、台安县）: the
    areas its classes went to, in the towns' order."""
    area_of_venue = {venue.id: instance.town(venue.town).area_id for venue in instance.venues}
    visited = {area_of_venue[phases[0].venue] for phases in sessions.values()
               if phases[0].venue in area_of_venue}
    areas = [area for area in dict.fromkeys(town.area_id for town in instance.towns)
             if area in visited]
    return f"送教到片区（{'、'.join(areas)}）"


def class_places(project: Project, sessions: dict[int, list[SessionPhase]],
                 venues: dict[str, str]) -> str:
    """培训地点: each place once, with its classes when they meet at more than one (just the
    places, separated by ；, when the dates are given by month)."""
    places: dict[str, list[int]] = defaultdict(list)
    for session, phases in sessions.items():
        places[place(project.mode, phases, venues)].append(session)
    if len(places) == 1:
        return next(iter(places))
    if len(sessions) > MOST_CLASS_LINES:
        return "；".join(places)
    return "\n".join(f"{class_label('、'.join(map(str, numbers)))} {where}"
                     for where, numbers in places.items())
