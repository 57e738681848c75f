"""The plan table as a bureau publishes it: one row per project, its classes folded into the row.

The published tables (the Jian'an 2024 appendix, the Anshan 2022 table) list projects, not
classes; the dates and places of a project's classes go into its one row, a line per class.
The table per class (`plan_table`) is the one `plan.csv` holds.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import pandas as pd

from models.instance import Instance
from models.solution import SessionPhase, Solution
from scheduler.export.plan_table import (
    MODE_NAMES,
    OFFICE_COLUMN,
    audience_names,
    class_label,
    classes,
    phase_dates,
    place,
)
from scheduler.hours import gives_hours

COLUMNS = ["序号", "月份", "培训项目名称", "培训对象", "培训方式", "参训人数", "培训时间",
           "培训地点", OFFICE_COLUMN]
HOURS_COLUMN = "学时"
"""After 参训人数 when the instance speaks of 学时 (`scheduler.hours.gives_hours`): what a
trainee earns from the project."""


def official_table(instance: Instance, solution: Solution) -> pd.DataFrame:
    """One row per scheduled project, in the order its first class starts (then project
    order), 序号 counting 1..N. 月份: the month its first class starts; 参训人数: the seats of
    all its classes; 培训时间: a line per class, 第n班 before it when there are several, the
    dates of its phases separated by ；; 培训地点: each place once, with the classes held there
    when they are not all at one; 学时 (when the instance gives hours): what each trainee
    earns."""
    project_order = {project.id: index for index, project in enumerate(instance.projects)}
    audiences = {audience.id: audience.name for audience in instance.audiences}
    venues = {venue.id: venue.name for venue in instance.venues}

    by_project: dict[str, dict[int, list[SessionPhase]]] = defaultdict(dict)
    for (project_id, session), phases in sorted(classes(solution).items()):
        by_project[project_id][session] = phases
    order = sorted(by_project, key=lambda project_id: (
        min(phases[0].start for phases in by_project[project_id].values()),
        project_order.get(project_id, len(project_order))))

    rows = []
    for number, project_id in enumerate(order, start=1):
        project = instance.project(project_id)
        sessions = by_project[project_id]
        first = min(phases[0].start for phases in sessions.values())
        places: dict[str, list[int]] = defaultdict(list)
        for session, phases in sessions.items():
            places[place(project.mode, phases, venues)].append(session)
        rows.append({
            "序号": number,
            "月份": f"{first.month}月",
            "培训项目名称": project.name,
            "培训对象": audience_names(project, audiences),
            "培训方式": MODE_NAMES[project.mode],
            # Every phase of a class seats the same cohort (docs/format.md, Solution).
            "参训人数": sum(phases[0].size for phases in sessions.values()),
            HOURS_COLUMN: _number(instance.hours(project)),
            "培训时间": "\n".join(
                phase_dates(phases) if len(sessions) == 1
                else f"{class_label(session)} {phase_dates(phases)}"
                for session, phases in sessions.items()),
            "培训地点": next(iter(places)) if len(places) == 1 else "\n".join(
                f"{class_label('、'.join(map(str, numbers)))} {where}"
                for where, numbers in places.items()),
            OFFICE_COLUMN: project.office or "",
        })
    columns = list(COLUMNS)
    if gives_hours(instance):
        columns.insert(columns.index("参训人数") + 1, HOURS_COLUMN)
    return pd.DataFrame(rows, columns=columns)


def _number(hours: Fraction) -> int | float:
    """学时 as the cell shows them: whole where whole."""
    return hours.numerator if hours.denominator == 1 else float(hours)
