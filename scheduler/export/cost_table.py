"""The sheet 成本明细 of plan.xlsx: what each class adds to each KPI and why (`scheduler.why`),
one row per class, then one per project that pays for its seats short of fair share or is
dropped (a class's part of the 学时 short of the requirement is negative: what its seats
remove). A class's cost is not set against the cheaper venues and trainers here (on a plan of a
thousand classes those trials take a minute); `schedule why` does that for any class."""

from __future__ import annotations

import pandas as pd

from models.instance import Instance
from models.solution import Solution
from scheduler.export.plan_table import date_span
from scheduler.why import ProjectCost, weighted, why

COLUMNS = {
    "preference": "非首选月份天数",
    "cost": "费用（元）",
    "rural_venue": "城区场地的农村优先名额",
    "balance": "最忙日离岗人数",
    "share": "公平名额缺口",
    "dropped": "未安排的优先级",
    "hours_short": "学时缺口（人·学时）",
    "away_days": "专家异地授课（人天）",
}


def cost_table(instance: Instance, solution: Solution, lang: str = "zh",
               costs: list[ProjectCost] | None = None) -> pd.DataFrame:
    """A row per class (and per project paying as a whole): its KPI parts, what they add to the
    objective, and the reasons in `lang` (from `costs` when already worked out)."""
    records = []
    for project in costs if costs is not None else plan_costs(instance, solution, lang):
        for one in project.classes:
            dates = "；".join(date_span(row.start, row.end) for row in one.rows)
            records.append({"项目编号": project.project.id,
                            "培训项目名称": project.project.name, "班级": f"第{one.session}班",
                            "培训时间": dates, **_parts(one.kpis),
                            "计入目标值": weighted(instance, one.kpis),
                            "原因": "\n".join(one.reasons)})
        if project.kpis:
            records.append({"项目编号": project.project.id,
                            "培训项目名称": project.project.name, "班级": "全项目",
                            "培训时间": "", **_parts(project.kpis),
                            "计入目标值": weighted(instance, project.kpis),
                            "原因": "\n".join(project.reasons)})
    columns = ["项目编号", "培训项目名称", "班级", "培训时间", *COLUMNS.values(), "计入目标值",
               "原因"]
    return pd.DataFrame(records, columns=columns).fillna(0)


def plan_costs(instance: Instance, solution: Solution, lang: str) -> list[ProjectCost]:
    """Each class's costs and reasons as the exports show them: without the cheaper venue and
    trainer trials."""
    return why(instance, solution, lang=lang, cheaper=False)


def _parts(kpis: dict[str, int]) -> dict[str, int]:
    return {COLUMNS[name]: value for name, value in kpis.items()}
