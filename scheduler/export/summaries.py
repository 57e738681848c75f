"""The plan seen from each side: venues, trainers, towns (seats, fair shares, coverage over
the year), projects' rural share and the KPIs.

The Excel workbook and the HTML report show the same figures; both take them from here. Every
table function reads an `Instance` and a `Solution` and returns a pandas DataFrame labelled in
Chinese (the writers translate the labels with `wording.word`); the notes on the towns' table
come as sentences in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from fractions import Fraction

import pandas as pd

from models.instance import Instance, Mode, Project, Town
from models.solution import SessionPhase, Solution
from scheduler.core import hours
from scheduler.core.calendar import YearCalendar
from scheduler.core.kpis import WEIGHT_OF, forced_share, share_shortfall
from scheduler.export.plan_table import class_names, classes, date_span
from scheduler.export.wording import word

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


def _project_seats(solution: Solution) -> dict[str, dict[str, int]]:
    """Each scheduled project's seats by town over its sessions, each session counted once
    however many phases it has."""
    seats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (project, _), phases in classes(solution).items():
        own = seats[project]  # listed even if, oddly, its classes seat nobody
        for town, count in phases[0].seats.items():
            own[town] += count
    return seats


TOTAL_ROWS = ("农村合计", "合计")  # the town table's last rows: fixed words, not town names
PER_TEACHER = ("人均参训人次", "人均线下参训人次")
FORCED_COLUMN = "其中农村名额所致"
"""Of a town's seats short of fair share, those the rural quotas force (`forced_shortfall`):
not the plan's choice, and not the town's unfair treatment."""
FAIR_SHARE_COLUMNS = ("定额项目参训人次", "公平名额", "公平名额缺口", FORCED_COLUMN)
IN_PERSON = (Mode.OFFLINE, Mode.BLENDED)  # the modes that bring teachers together in a room


def town_summary(instance: Instance, solution: Solution) -> pd.DataFrame:
    """One row per town, then 农村合计 and 合计: teachers; seats (one per teacher per project:
    person-times) and their share of all seats (农村合计's is the plan's rural share); seats per
    teacher over the year, all and in person (offline and blended), so that a town the year
    reaches less than the others stands out; the seats of the projects with a set headcount
    against the town's fair share of them (docs/format.md, Objective, `share`) and the seats
    short of it, project by project; the most of its teachers away on one school day against its
    cap. Of the seats short, those the rural quotas force are counted apart (`FORCED_COLUMN`)."""
    projects = {project.id: project for project in instance.projects}
    tallies: dict[str, Counter[str]] = {town.id: Counter() for town in instance.towns}
    forced = {project.id: instance.forced_shortfall(project) for project in instance.projects}
    for project_id, seats in _project_seats(solution).items():
        project = projects[project_id]
        targets = instance.fair_shares(project)
        for town_id, tally in tallies.items():
            count = seats.get(town_id, 0)
            tally["参训人次"] += count
            tally["线下参训人次"] += count if project.mode in IN_PERSON else 0
            if project.headcount != "all":
                target = targets.get(town_id, 0)
                tally["定额项目参训人次"] += count
                tally["公平名额"] += target
                tally["公平名额缺口"] += max(0, target - count)
                tally[FORCED_COLUMN] += min(max(0, target - count),
                                            forced[project_id].get(town_id, 0))
    total_seats = sum(tally["参训人次"] for tally in tallies.values())
    peak = _peak_absence(instance, solution)

    def row(name: str, kind: str, towns: list[Town]) -> dict[str, object]:
        teachers = sum(town.total_teachers for town in towns)
        tally = sum((tallies[town.id] for town in towns), Counter[str]())
        return {
            "乡镇": name, "类型": kind, "教师数": teachers, "参训人次": tally["参训人次"],
            "占全部名额": tally["参训人次"] / total_seats if total_seats else 0.0,
            "人均参训人次": tally["参训人次"] / teachers if teachers else None,
            "人均线下参训人次": tally["线下参训人次"] / teachers if teachers else None,
            **{column: tally[column] for column in FAIR_SHARE_COLUMNS},
        }

    rows = [row(town.name, "农村" if town.rural else "城区", [town])
            | {"最高同日离岗": peak[town.id], "离岗上限": instance.absence_cap(town)}
            for town in instance.towns]
    rows.append(row("农村合计", "农村", [town for town in instance.towns if town.rural]))
    rows.append(row("合计", "", list(instance.towns)))
    return pd.DataFrame(rows, columns=["乡镇", "类型", "教师数", "参训人次", "占全部名额",
                                       *PER_TEACHER, *FAIR_SHARE_COLUMNS, "最高同日离岗",
                                       "离岗上限"])


def coverage_notes(instance: Instance, towns: pd.DataFrame, lang: str) -> list[str]:
    """How evenly the year reaches the towns, in a sentence per measure of `PER_TEACHER`: the
    range of seats per teacher over the towns (of `town_summary`), naming the towns that get
    the fewest and the most, so that a bureau sees at a glance that no town is left out."""
    per_town = towns.iloc[: len(instance.towns)]
    notes = []
    for column, template in zip(PER_TEACHER, COVERAGE_SENTENCES, strict=True):
        values = per_town.dropna(subset=[column])
        if values.empty:
            continue
        low, high = values[column].min(), values[column].max()
        if low == high:
            notes.append(word(template[1], lang).format(value=f"{low:.2f}"))
            continue
        joiner = "、" if lang == "zh" else ", "
        notes.append(word(template[0], lang).format(
            low=f"{low:.2f}", high=f"{high:.2f}",
            fewest=joiner.join(values.loc[values[column] == low, "乡镇"]),
            most=joiner.join(values.loc[values[column] == high, "乡镇"])))
    return notes


COVERAGE_SENTENCES = (  # (when the towns differ, when they are all alike)
    ("每位教师全年参训 {low}–{high} 人次：最少 {fewest}，最多 {most}",
     "每位教师全年参训 {value} 人次，各乡镇相同"),
    ("其中线下（线下集中、混合式）{low}–{high} 人次：最少 {fewest}，最多 {most}",
     "其中线下（线下集中、混合式）{value} 人次，各乡镇相同"),
)


def rural_note(instance: Instance, towns: pd.DataFrame, lang: str) -> str | None:
    """The rural towns' part of the plan against the rules that favour them: their share of
    all seats and of the seats of projects with a set headcount, against their fair share of
    those (which `policy.rural_weight` tilts) and the policy's rural quota. None without rural
    towns."""
    if not any(town.rural for town in instance.towns):
        return None
    rural, total = towns.iloc[-2], towns.iloc[-1]  # 农村合计, 合计

    def share(column: str) -> str:
        return f"{rural[column] / total[column]:.1%}" if total[column] else "—"

    return word("农村学员占全部名额 {all}，定额项目中占 {set}，其公平名额 {fair}（农村教师按 "
                "{weight} 倍计）；农村名额要求 ≥ {quota}", lang).format(
        all=share("参训人次"), set=share("定额项目参训人次"), fair=share("公平名额"),
        weight=f"{instance.policy.rural_weight:g}", quota=f"{instance.policy.rural_quota:.0%}")


def _away_by_day(instance: Instance, solution: Solution) -> dict[str, dict[dt.date, int]]:
    """For each town, its teachers in offline, blended or off-site sessions on each school day
    (the days its absence cap applies)."""
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
    return away


def _peak_absence(instance: Instance, solution: Solution) -> dict[str, int]:
    """For each town, the most of its teachers away on any one school day."""
    return {town: max(days.values(), default=0)
            for town, days in _away_by_day(instance, solution).items()}


def busiest_school_day(instance: Instance, solution: Solution) -> tuple[dt.date, int] | None:
    """The school day with the most teachers away from school, all towns together (the first
    such day), and how many; None when no class keeps a teacher from school."""
    total: Counter[dt.date] = Counter()
    for days in _away_by_day(instance, solution).values():
        total.update(days)
    if not total:
        return None
    most = max(total.values())
    return min(day for day, count in total.items() if count == most), most


def plan_sentence(instance: Instance, solution: Solution, lang: str) -> str:
    """The plan in one sentence a bureau head reads: the projects kept, classes and places, the
    rural share, the busiest school day, the cost, and how close to the best it is proven."""
    zh = lang == "zh"
    total, scheduled = len(instance.projects), len(instance.projects) - len(solution.dropped)
    seats = [row.seats for row in solution.sessions if row.phase == 1]
    places = sum(sum(by_town.values()) for by_town in seats)
    rural_towns = {town.id for town in instance.towns if town.rural}
    rural = sum(count for by_town in seats for town, count in by_town.items()
                if town in rural_towns)
    share = rural / places if places else 0.0
    classes_count = len(classes(solution))
    if zh:
        kept = (f"全部 {total} 个项目均已安排" if scheduled == total
                else f"已安排 {scheduled}/{total} 个项目")
        parts = [f"{kept}，共 {classes_count} 个班、{places:,} 个名额，其中农村乡镇占 {share:.0%}"]
    else:
        kept = (f"All {total} projects are scheduled" if scheduled == total
                else f"{scheduled} of {total} projects are scheduled")
        parts = [f"{kept}: {classes_count} classes, {places:,} places, {share:.0%} of them for "
                 f"rural towns"]
    busiest = busiest_school_day(instance, solution)
    if busiest is not None:
        day, away = busiest
        parts.append(f"外出培训最多的上课日是 {day}（{away:,} 名教师）" if zh
                     else f"the busiest school day is {day} ({away:,} teachers away)")
    cost = solution.kpis.get("cost", 0)
    parts.append(f"费用 {cost:,} 元" if zh else f"cost {cost:,} yuan")
    if solution.status.value == "OPTIMAL":
        proof = "按给定的规则，本方案已证明为最优" if zh else \
            "this plan is proven the best by the rules given"
    elif solution.gap is not None:
        proof = (f"与可能的最优方案相差不超过 {solution.gap:.1%}" if zh
                 else f"it is within {solution.gap:.1%} of the best possible")
    else:
        proof = "未能证明与最优方案相差多少" if zh else "how far it is from the best is not proven"
    return ("；".join(parts) + "。" + proof + "。") if zh else ("; ".join(parts) + ". "
                                                          + proof[0].upper() + proof[1:] + ".")


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
    and the quota the share must reach, and the seats short of the towns' fair shares (None
    for a "headcount: all" project, which seats everyone)."""
    rural_towns = {town.id for town in instance.towns if town.rural}
    project_seats = _project_seats(solution)
    rows = []
    for project in instance.projects:
        if project.id not in project_seats:
            continue
        seats = project_seats[project.id]
        headcount = sum(seats.values())
        rural = sum(count for town, count in seats.items() if town in rural_towns)
        rows.append({
            "培训项目名称": project.name,
            "参训人数": headcount,
            "农村学员": rural,
            "农村占比": rural / headcount if headcount else 0.0,
            "农村名额要求": rural_quota(instance, project),
            "公平名额缺口": (None if project.headcount == "all"
                             else share_shortfall(instance, project, seats)),
        })
    return pd.DataFrame(rows, columns=["培训项目名称", "参训人数", "农村学员", "农村占比",
                                       "农村名额要求", "公平名额缺口"])


KPI_LABELS = {  # in the order of scheduler.core.kpis.KPI_NAMES
    "dropped": ("未安排项目的优先级", "分"),
    "preference": ("非首选月份的培训天数", "天"),
    "share": ("公平名额缺口", "人"),
    "rural_venue": ("城区场地的农村优先名额", "人"),
    "cost": ("场地与专家费用", "元"),
    "balance": ("最高同日离岗教师", "人"),
    "hours_short": ("距学时要求的缺口", "人·学时"),
    "away_days": ("专家异地授课", "人天"),
}
STABILITY_LABELS = {  # a re-planned solution's changes against its baseline
    "moved": ("改期或取消的班次阶段", "个"),
    "venue_changed": ("更换场地的班次阶段", "个"),
    "trainer_changed": ("更换的专家", "人次"),
}


def kpi_table(instance: Instance, solution: Solution) -> pd.DataFrame:
    """The solve's status, objective, bound and gap, then each KPI (docs/format.md, Objective)
    with its weight and what it adds to the objective, then the plan's size."""
    weights = instance.objective.weights
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
        weight = getattr(weights, WEIGHT_OF.get(key, key))
        rows.append({"指标": label, "数值": value, "单位": unit, "权重": weight,
                     "计入目标": value * weight if value is not None else None})
        if key == "share":
            rows.append({"指标": FORCED_COLUMN, "数值": forced_share(instance, solution.dropped),
                         "单位": unit})
    scheduled = len(instance.projects) - len(solution.dropped)
    rows += [
        {"指标": "已安排项目", "数值": f"{scheduled}/{len(instance.projects)}", "单位": "个"},
        {"指标": "班次", "数值": len(classes(solution)), "单位": "个"},
        {"指标": "参训人次", "数值": sum(sum(seats.values())
                                        for seats in _project_seats(solution).values()),
         "单位": "人"},
    ]
    return pd.DataFrame(rows, columns=["指标", "数值", "单位", "权重", "计入目标"])


AREA_COLUMNS = ["片区", "乡镇数", "教师数", "参训人次", "人均参训人次", "公平名额", "公平名额缺口",
                FORCED_COLUMN, "本计划提供学时（人均）"]


def area_summary(instance: Instance, solution: Solution) -> pd.DataFrame | None:
    """The town sheet by area (`towns[].area`), where the towns name areas: each area's towns,
    teachers, seats and seats per teacher, its fair share and the seats short of it (of which
    the quotas force), and the 学时 the plan offers its teachers on average; None without
    areas."""
    if not any(town.area is not None for town in instance.towns):
        return None
    towns = town_summary(instance, solution).iloc[:len(instance.towns)]
    offered: dict[str, Fraction] = {}
    for row in hours.per_teacher(instance, hours.plan_seats(solution)):
        offered[row.town] = offered.get(row.town, Fraction(0)) + row.per_teacher * row.teachers
    rows = []
    for area in dict.fromkeys(town.area_id for town in instance.towns):
        members = [town for town in instance.towns if town.area_id == area]
        names = {town.name for town in members}
        part = towns[towns["乡镇"].isin(names)]
        teachers = sum(town.total_teachers for town in members)
        seats = int(part["参训人次"].sum())
        rows.append({
            "片区": area, "乡镇数": len(members), "教师数": teachers, "参训人次": seats,
            "人均参训人次": seats / teachers if teachers else None,
            **{column: int(part[column].sum()) for column in
               ("公平名额", "公平名额缺口", FORCED_COLUMN)},
            "本计划提供学时（人均）": round(float(sum(offered.get(town.id, Fraction(0))
                                              for town in members) / teachers), 1)
            if teachers else None,
        })
    return pd.DataFrame(rows, columns=AREA_COLUMNS)


HOURS_COLUMNS = ["乡镇", "培训对象", "教师数", "本计划提供学时（人均）", "学时要求",
                 "缺口（人·学时）"]


def hours_table(instance: Instance, solution: Solution) -> pd.DataFrame:
    """Per town and audience (`scheduler.core.hours.per_teacher`): its teachers, the 学时 the plan
    offers each of them, the requirement, and the teacher-hours short of it (to one decimal:
    the KPI rounds only their sum down)."""
    audiences = {audience.id: audience.name for audience in instance.audiences}
    rows = []
    for row in hours.per_teacher(instance, hours.plan_seats(solution)):
        short = max(Fraction(0), (row.required - row.per_teacher) * row.teachers)
        rows.append({
            "乡镇": instance.town(row.town).name, "培训对象": audiences[row.audience],
            "教师数": row.teachers, "本计划提供学时（人均）": round(float(row.per_teacher), 1),
            "学时要求": float(row.required) if hours.has_requirement(instance) else None,
            "缺口（人·学时）": round(float(short), 1) if hours.has_requirement(instance) else None,
        })
    return pd.DataFrame(rows, columns=HOURS_COLUMNS)


def hours_note(instance: Instance, solution: Solution, lang: str) -> str | None:
    """The town-audiences offered the fewest and the most 学时 per teacher by this plan, in a
    sentence, with the requirement; None without any teacher."""
    rows = hours.per_teacher(instance, hours.plan_seats(solution))
    extremes = hours.lowest_and_highest(rows)
    if extremes is None:
        return None
    lowest, highest = extremes
    note = word("本计划提供的人均学时：最低 {lowest}，最高 {highest}", lang).format(
        lowest=hours.town_audience_phrase(instance, lowest).text(lang),
        highest=hours.town_audience_phrase(instance, highest).text(lang))
    if hours.has_requirement(instance):
        below = sum(1 for row in rows if row.per_teacher < row.required)
        note += word("；{below} 个乡镇学段低于要求（共 {count} 个）", lang).format(
            below=below, count=len(rows))
    return note
