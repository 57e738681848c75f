"""What a plan's classes cost: the values `scheduler.analysis.class_costs` works out and the exports
render (plan.xlsx's 成本明细, the report's tooltips), apart from the analysis so that a writer reads
them without running it."""

from __future__ import annotations

from dataclasses import dataclass, field

from models import Instance, Project, SessionPhase
from models.phrase import Phrase
from scheduler.core.kpis import weighted_objective


@dataclass
class ClassCost:
    """One class of a project: its rows, its own parts of the KPIs and why it pays them."""

    project: Project
    session: int
    rows: list[SessionPhase]
    kpis: dict[str, int] = field(default_factory=dict)
    reasons: list[Phrase] = field(default_factory=list)
    """Sentences, said in the reader's language by the writer or page that shows them."""


@dataclass
class ProjectCost:
    """A project's classes, and what the project adds as a whole (fair shares, or dropped)."""

    project: Project
    classes: list[ClassCost]
    kpis: dict[str, int] = field(default_factory=dict)
    reasons: list[Phrase] = field(default_factory=list)


KPI_WORDS = {
    "dropped": ("priority dropped", "未安排的优先级"),
    "preference": ("days outside preferred months", "非首选月份天数"),
    "share": ("seats short of fair share", "公平名额缺口"),
    "rural_venue": ("rural-preferred seats in urban venues", "城区场地的农村优先名额"),
    "cost": ("cost", "费用"),
    "balance": ("peak absence", "最高同日离岗"),
    "hours_short": ("teacher-hours short of 学时", "学时缺口（人·学时）"),
    "away_days": ("trainer-days away from home", "专家异地授课（人天）"),
}
"""The KPIs' names as a planner reads them, in English and Chinese: in a class's reasons and
where its parts are listed (`schedule why`, `schedule alternatives`)."""


def weighted(instance: Instance, kpis: dict[str, int]) -> int:
    """What these KPI parts add to the objective (the balance, a peak, is left out)."""
    return weighted_objective(instance, {name: value for name, value in kpis.items()
                                         if name != "balance"})
