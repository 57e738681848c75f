"""The quick plan every search starts from: the better of the hand method's and the seat-aware
planner's, each made in seconds."""

from __future__ import annotations

from models.instance import Instance
from scheduler.core.calendar import YearCalendar
from scheduler.core.kpis import plan_kpis, weighted_objective
from scheduler.core.sessions import SessionSplit
from scheduler.search.construct import SeatAwarePlanner
from scheduler.search.hand_method import GreedyPlanner, HandPlan


def quick_plan(instance: Instance, calendar: YearCalendar,
               splits: dict[str, SessionSplit | str]) -> HandPlan:
    """The better of the hand method's plan and the seat-aware one (`construct`): one that
    keeps every mandatory project, and of those the one with the lower objective."""
    plans = [SeatAwarePlanner(instance, calendar, splits).plan(),
             GreedyPlanner(instance, calendar, splits).plan()]

    def rank(plan: HandPlan) -> tuple[bool, int]:
        kpis = plan_kpis(instance, calendar, plan.rows, plan.dropped)
        return not keeps_mandatory(instance, plan), weighted_objective(instance, kpis)

    return min(plans, key=rank)


def keeps_mandatory(instance: Instance, plan: HandPlan) -> bool:
    return not any(instance.project(project_id).mandatory for project_id in plan.dropped)
