"""The sheet 成本明细 of plan.xlsx: what each class adds to each KPI and why, as the analysis
worked it out (`scheduler.analysis.class_costs.plan_costs`), one row per class, then one per project
that pays for its seats short of fair share or is dropped (a class's part of the 学时 short of the
requirement is negative: what its seats remove)."""

from __future__ import annotations

import pandas as pd

from models.instance import Instance
from models.phrase import Phrase
from scheduler.core.costs import ProjectCost, weighted
from scheduler.export.plan_table import date_span

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


def cost_table(instance: Instance, costs: list[ProjectCost], lang: str) -> pd.DataFrame:
    """A row per class (and per project paying as a whole): its KPI parts, what they add to the
    objective, and the reasons, said in `lang`."""
    records = []
    for project in costs:
        for one in project.classes:
            dates = "；".join(date_span(row.start, row.end) for row in one.rows)
            records.append({"项目编号": project.project.id,
                            "培训项目名称": project.project.name, "班级": f"第{one.session}班",
                            "培训时间": dates, **_parts(one.kpis),
                            "计入目标值": weighted(instance, one.kpis),
                            "原因": _reasons(one.reasons, lang)})
        if project.kpis:
            records.append({"项目编号": project.project.id,
                            "培训项目名称": project.project.name, "班级": "全项目",
                            "培训时间": "", **_parts(project.kpis),
                            "计入目标值": weighted(instance, project.kpis),
                            "原因": _reasons(project.reasons, lang)})
    columns = ["项目编号", "培训项目名称", "班级", "培训时间", *COLUMNS.values(), "计入目标值",
               "原因"]
    return pd.DataFrame(records, columns=columns).fillna(0)


def _reasons(reasons: list[Phrase], lang: str) -> str:
    return "\n".join(reason.text(lang) for reason in reasons)


def _parts(kpis: dict[str, int]) -> dict[str, int]:
    return {COLUMNS[name]: value for name, value in kpis.items()}
