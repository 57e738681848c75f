"""The plan table a bureau publishes: one row per session (class), in the official columns."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from models.cell_text import csv_table
from models.instance import Instance, Mode, Project
from models.solution import SessionPhase, Solution, write_text_atomically

COLUMNS = [
    "序号",
    "月份",
    "培训项目名称",
    "培训对象",
    "培训方式",
    "参训人数",
    "培训时间",
    "培训地点",
    "授课专家",
]
# Not in the plan.csv of docs/format.md; the published tables (the Anshan appendix) carry it,
# so the Excel table and the report add it.
OFFICE_COLUMN = "负责科室"
MODE_NAMES = {
    Mode.OFFLINE: "线下集中",
    Mode.BLENDED: "混合式（线上+线下）",
    Mode.ONLINE: "线上研修",
    Mode.OFFSITE: "外出研修",
}
PLACE_WITHOUT_VENUE = {Mode.ONLINE: "线上", Mode.OFFSITE: "外出（区外）"}
NOBODY = "—"

ClassKey = tuple[str, int]


def classes(solution: Solution) -> dict[ClassKey, list[SessionPhase]]:
    """The session-phases of the solution grouped by (project, session), each in phase order."""
    grouped: dict[ClassKey, list[SessionPhase]] = defaultdict(list)
    for phase in solution.sessions:
        grouped[phase.project, phase.session].append(phase)
    return {key: sorted(phases, key=lambda p: p.phase) for key, phases in grouped.items()}


def class_names(instance: Instance, solution: Solution) -> dict[ClassKey, str]:
    """The name a session goes by in every output: the project's name, with （第n班） when the
    project runs in more than one class."""
    projects = {project.id: project for project in instance.projects}
    grouped = classes(solution)
    session_counts: dict[str, int] = defaultdict(int)
    for project_id, _ in grouped:
        session_counts[project_id] += 1
    names = {}
    for project_id, session in grouped:
        name = projects[project_id].name
        if session_counts[project_id] > 1:
            name += f"（{class_label(session)}）"
        names[project_id, session] = name
    return names


def class_label(sessions: int | str) -> str:
    """A class, or classes, as the tables name them: 第2班, 第1、3班."""
    return f"第{sessions}班"


def plan_table(instance: Instance, solution: Solution, *, office: bool = False) -> pd.DataFrame:
    """One row per session, sorted by the start of its first phase, then project order, then
    session number, with 序号 counting 1..N in that order; 培训对象 and 培训方式 in the bureau's
    words where the instance keeps them. With `office`, a last column
    负责科室 gives each project's office (empty when the instance names none)."""
    project_order = {project.id: index for index, project in enumerate(instance.projects)}
    projects = {project.id: project for project in instance.projects}
    audiences = {audience.id: audience.name for audience in instance.audiences}
    venues = {venue.id: venue.name for venue in instance.venues}
    trainers = {trainer.id: trainer.name for trainer in instance.trainers}

    grouped = classes(solution)
    names = class_names(instance, solution)
    order = sorted(
        grouped,
        key=lambda key: (grouped[key][0].start, project_order.get(key[0], len(project_order)),
                         key[1]),
    )

    rows = []
    for number, (project_id, session) in enumerate(order, start=1):
        phases = grouped[project_id, session]
        project = projects[project_id]
        row: dict[str, object] = {
            "序号": number,
            "月份": f"{phases[0].start.month}月",
            "培训项目名称": names[project_id, session],
            "培训对象": project.audience_text or audience_names(project, audiences),
            "培训方式": project.mode_text or MODE_NAMES[project.mode],
            # Every phase seats the same cohort (docs/format.md, Solution).
            "参训人数": phases[0].size,
            "培训时间": phase_dates(phases),
            "培训地点": place(project.mode, phases, venues),
            "授课专家": "、".join(
                trainers.get(t, t) for t in _unique(t for p in phases for t in p.trainers)
            ) or NOBODY,
        }
        if office:
            row[OFFICE_COLUMN] = project.office or ""
        rows.append(row)
    return pd.DataFrame(rows, columns=[*COLUMNS, OFFICE_COLUMN] if office else COLUMNS)


def write_plan_csv(instance: Instance, solution: Solution, path: Path) -> None:
    """The plan table as CSV in UTF-8 with a byte-order mark: without it, Excel on a Chinese
    Windows reads the file as GBK and shows garbage. Formula-like text is guarded
    (`models.cell_text`)."""
    text = csv_table(plan_table(instance, solution)).to_csv(index=False, lineterminator="\n")
    write_text_atomically(Path(path), "\ufeff" + text)


def audience_names(project: Project, audiences: dict[str, str]) -> str:
    """The project's audiences by name, separated by 、."""
    return "、".join(audiences.get(a, a) for a in project.audiences)


def phase_dates(phases: list[SessionPhase]) -> str:
    """The dates of a class's phases, separated by ；."""
    return "；".join(date_span(p.start, p.end) for p in phases)


def date_span(start: dt.date, end: dt.date) -> str:
    """A date or a span of dates as the plan table writes them: 3月4日—3月6日."""
    if start == end:
        return _day(start)
    return f"{_day(start)}—{_day(end)}"


def _day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def place(mode: Mode, phases: list[SessionPhase], venues: dict[str, str]) -> str:
    """Where the phases meet: their venues' names, or 线上 / 外出（区外） for a mode without one."""
    if mode in PLACE_WITHOUT_VENUE:
        return PLACE_WITHOUT_VENUE[mode]
    names = _unique(venues.get(p.venue, p.venue) for p in phases if p.venue is not None)
    return "；".join(names) or NOBODY


def _unique(items: Iterable[str]) -> list[str]:
    """The distinct items in order of first appearance."""
    return list(dict.fromkeys(items))
