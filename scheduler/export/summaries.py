"""The plan seen from each side: venues, trainers, towns, projects' rural share and the KPIs.

The Excel workbook and the HTML report show the same figures; both take them from here. Every
function reads an `Instance` and a `Solution` and returns a pandas DataFrame labelled in
Chinese (the writers translate the labels with `wording.word`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd

from models.instance import Instance, Project
from models.solution import SessionPhase, Solution
from scheduler.calendar import YearCalendar
from scheduler.export.plan_table import class_names, classes, date_span

MONTHS = [f"{month}月" for month in range(1, 13)]
PhaseKey = tuple[str, int, int]


def phase_names(instance: Instance, solution: Solution) -> dict[PhaseKey, str]:
    """The name of each session-phase: its class's name, with （第k阶段） for a staged project."""
    phases_of = {project.id: project.phases for project in instance.projects}
    names = class_names(instance, solution)
    return {
        (row.project, row.session, row.phase): names[row.project, row.session]
        + (f"（第{row.phase}阶段）" if phases_of[row.project] > 1 else "")
        for row in solution.sessions
    }


def days_of(row: SessionPhase) -> list[dt.date]:
    return [row.start + dt.timedelta(days=offset) for offset in range(row.days)]


def _by_start(solution: Solution) -> list[SessionPhase]:
    return sorted(solution.sessions, key=lambda row: (row.start, row.project, row.session,
                                                      row.phase))


def days_by_month(instance: Instance, solution: Solution, kind: str) -> pd.DataFrame:
    """Days each venue (kind "venue") or trainer (kind "trainer") is booked in each month: one
    row per venue or trainer of the instance, in instance order, columns 1月..12月 and 合计.
    A session-phase across the end of a month counts its days in each month."""
    entities = instance.venues if kind == "venue" else instance.trainers
    counts: dict[str, list[int]] = {entity.id: [0] * 12 for entity in entities}
    for row in solution.sessions:
        holders = [row.venue] if kind == "venue" and row.venue else (
            row.trainers if kind == "trainer" else [])
        for holder in holders:
            for day in days_of(row):
                counts[holder][day.month - 1] += 1
    table = pd.DataFrame(
        [counts[entity.id] for entity in entities],
        index=pd.Index([entity.name for entity in entities], name="场地" if kind == "venue"
                       else "授课专家"),
        columns=MONTHS,
        dtype=int,
    )
    table["合计"] = table.sum(axis=1)
    return table


def venue_summary(instance: Instance, solution: Solution) -> pd.DataFrame:
    """One row per venue: its town, seats, days used and the dates with what runs there."""
    towns = {town.id: town.name for town in instance.towns}
    names = phase_names(instance, solution)
    rows = []
    for venue in instance.venues:
        booked = [row for row in _by_start(solution) if row.venue == venue.id]
        rows.append({
            "场地": venue.name,
            "所在乡镇": towns[venue.town],
            "座位数": venue.capacity,
            "使用天数": sum(row.days for row in booked),
            "使用日期": "\n".join(
                f"{date_span(row.start, row.end)} {names[row.project, row.session, row.phase]}"
                for row in booked
            ),
        })
    return pd.DataFrame(rows, columns=["场地", "所在乡镇", "座位数", "使用天数", "使用日期"])


def trainer_summary(instance: Instance, solution: Solution) -> pd.DataFrame:
    """One row per trainer: days taught against the yearly limit, fees, and the dates with
    the session taught on each."""
    names = phase_names(instance, solution)
    rows = []
    for trainer in instance.trainers:
        taught = [row for row in _by_start(solution) if trainer.id in row.trainers]
        days = sum(row.days for row in taught)
        rows.append({
            "授课专家": trainer.name,
            "授课天数": days,
            "年度上限": trainer.max_days,
            "专家费（元）": days * trainer.fee_per_day,
            "授课日期": "\n".join(
                f"{date_span(row.start, row.end)} {names[row.project, row.session, row.phase]}"
                for row in taught
            ),
        })
    return pd.DataFrame(rows, columns=["授课专家", "授课天数", "年度上限", "专家费（元）",
                                       "授课日期"])


def _session_seats(solution: Solution) -> list[dict[str, int]]:
    """The seats of each session, counted once however many phases it has."""
    return [phases[0].seats for phases in classes(solution).values()]


def town_summary(instance: Instance, solution: Solution) -> pd.DataFrame:
    """One row per town, then 农村合计 and 合计: teachers, seats (one per teacher per project:
    person-times), the town's share of all seats, and the most of its teachers away on one
    school day against its cap. 农村合计's share is the plan's rural share."""
    seats: dict[str, int] = defaultdict(int)
    for session_seats in _session_seats(solution):
        for town, count in session_seats.items():
            seats[town] += count
    peak = _peak_absence(instance, solution)
    total_seats = sum(seats.values())

    def share(count: int) -> float:
        return count / total_seats if total_seats else 0.0

    rows: list[dict[str, object]] = [
        {
            "乡镇": town.name,
            "类型": "农村" if town.rural else "城区",
            "教师数": town.total_teachers,
            "参训人次": seats[town.id],
            "占全部名额": share(seats[town.id]),
            "最高同日离岗": peak[town.id],
            "离岗上限": instance.absence_cap(town),
        }
        for town in instance.towns
    ]
    rural = [town for town in instance.towns if town.rural]
    rural_seats = sum(seats[town.id] for town in rural)
    rows.append({"乡镇": "农村合计", "类型": "农村",
                 "教师数": sum(town.total_teachers for town in rural),
                 "参训人次": rural_seats, "占全部名额": share(rural_seats)})
    rows.append({"乡镇": "合计", "类型": "",
                 "教师数": sum(town.total_teachers for town in instance.towns),
                 "参训人次": total_seats, "占全部名额": 1.0 if total_seats else 0.0})
    return pd.DataFrame(rows, columns=["乡镇", "类型", "教师数", "参训人次", "占全部名额",
                                       "最高同日离岗", "离岗上限"])


def _peak_absence(instance: Instance, solution: Solution) -> dict[str, int]:
    """For each town, the most of its teachers in offline, blended or off-site sessions on any
    one school day (the days its absence cap applies)."""
    calendar = YearCalendar(instance)
    modes = {project.id: project.mode for project in instance.projects}
    away: dict[str, dict[dt.date, int]] = {town.id: defaultdict(int) for town in instance.towns}
    for row in solution.sessions:
        if not modes[row.project].takes_teachers_away:
            continue
        for day in days_of(row):
            if 0 <= calendar.day(day) < calendar.length and calendar.school_days[
                    calendar.day(day)]:
                for town, count in row.seats.items():
                    away[town][day] += count
    return {town: max(days.values(), default=0) for town, days in away.items()}


def rural_quota(instance: Instance, project: Project) -> float | None:
    """The project's rural quota as a share, None for a "headcount: all" project (it seats
    everyone, so no quota applies)."""
    if project.headcount == "all":
        return None
    if project.rural_quota is not None:
        return project.rural_quota
    return instance.policy.rural_quota


def project_rural(instance: Instance, solution: Solution) -> pd.DataFrame:
    """One row per scheduled project, in instance order: headcount, rural seats, their share
    and the quota the share must reach."""
    rural_towns = {town.id for town in instance.towns if town.rural}
    grouped = classes(solution)
    rows = []
    for project in instance.projects:
        sessions = [phases[0] for (project_id, _), phases in grouped.items()
                    if project_id == project.id]
        if not sessions:
            continue
        headcount = sum(row.size for row in sessions)
        rural = sum(count for row in sessions for town, count in row.seats.items()
                    if town in rural_towns)
        rows.append({
            "培训项目名称": project.name,
            "参训人数": headcount,
            "农村学员": rural,
            "农村占比": rural / headcount if headcount else 0.0,
            "农村名额要求": rural_quota(instance, project),
        })
    return pd.DataFrame(rows, columns=["培训项目名称", "参训人数", "农村学员", "农村占比",
                                       "农村名额要求"])


KPI_LABELS = {
    "dropped": ("未安排项目的优先级", "分"),
    "preference": ("非首选月份的培训天数", "天"),
    "rural": ("农村名额缺口", "人"),
    "cost": ("场地与专家费用", "元"),
    "balance": ("最高同日离岗教师", "人"),
}
STABILITY_LABELS = {  # a re-planned solution's changes against its baseline
    "moved": ("改期或取消的班次阶段", "个"),
    "venue_changed": ("更换场地的班次阶段", "个"),
    "trainer_changed": ("更换的专家", "人次"),
}


def kpi_table(instance: Instance, solution: Solution) -> pd.DataFrame:
    """The solve's status, objective, bound and gap, then each KPI of SPEC section 3 with its
    weight and what it adds to the objective, then the plan's size."""
    weights = instance.objective.weights.model_dump()
    gap = solution.gap
    rows: list[dict[str, object]] = [
        {"指标": "求解状态", "数值": solution.status.value},
        {"指标": "目标值", "数值": solution.objective},
        {"指标": "下界", "数值": solution.bound},
        {"指标": "差距", "数值": f"{gap:.2%}" if gap is not None else ""},
    ]
    labels = KPI_LABELS | {key: label for key, label in STABILITY_LABELS.items()
                           if key in solution.kpis}
    for key, (label, unit) in labels.items():
        value = solution.kpis.get(key)
        rows.append({"指标": label, "数值": value, "单位": unit, "权重": weights[key],
                     "计入目标": value * weights[key] if value is not None else None})
    scheduled = len(instance.projects) - len(solution.dropped)
    rows += [
        {"指标": "已安排项目", "数值": f"{scheduled}/{len(instance.projects)}", "单位": "个"},
        {"指标": "班次", "数值": len(classes(solution)), "单位": "个"},
        {"指标": "参训人次", "数值": sum(sum(seats.values())
                                        for seats in _session_seats(solution)), "单位": "人"},
    ]
    return pd.DataFrame(rows, columns=["指标", "数值", "单位", "权重", "计入目标"])
