"""What a plan's classes cost: the values `scheduler.analysis.class_costs` works out and the exports
render (plan.xlsx's 成本明细, the report's tooltips), apart from the analysis so that a writer reads
them without running it."""

from __future__ import annotations

from dataclasses import dataclass, field

from models import Instance, Project, SessionPhase
from scheduler.core.kpis import weighted_objective


@dataclass
class ClassCost:
    """One class of a project: its rows, its own parts of the KPIs and why it pays them."""

    project: Project
    session: int
    rows: list[SessionPhase]
    kpis: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


@dataclass
class ProjectCost:
    """A project's classes, and what the project adds as a whole (fair shares, or dropped)."""

    project: Project
    classes: list[ClassCost]
    kpis: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


def weighted(instance: Instance, kpis: dict[str, int]) -> int:
    """What these KPI parts add to the objective (the balance, a peak, is left out)."""
    return weighted_objective(instance, {name: value for name, value in kpis.items()
                                         if name != "balance"})
