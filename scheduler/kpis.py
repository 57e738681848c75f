"""The KPIs of SPEC section 3, measured on a finished plan (not read off solver variables, so a
plan found before the search closed its gaps reports what it really is)."""

from __future__ import annotations

from collections import defaultdict

from models.instance import Instance
from models.solution import SessionPhase
from scheduler.calendar import YearCalendar
from scheduler.replan import STABILITY_KPIS, stability_kpis

KPI_NAMES = ("dropped", "preference", "rural", "cost", "balance")


def plan_kpis(
    instance: Instance, calendar: YearCalendar, rows: list[SessionPhase], dropped: list[str],
    baseline_rows: list[SessionPhase] | None = None,
) -> dict[str, int]:
    """The five KPIs, and the stability KPIs too when re-planning against `baseline_rows`."""
    kpis = _plan_kpis(instance, calendar, rows, dropped)
    if baseline_rows is not None:
        kpis |= stability_kpis(baseline_rows, rows)
    return kpis


def _plan_kpis(
    instance: Instance, calendar: YearCalendar, rows: list[SessionPhase], dropped: list[str]
) -> dict[str, int]:
    projects = {project.id: project for project in instance.projects}
    venues = {venue.id: venue for venue in instance.venues}
    fees = {trainer.id: trainer.fee_per_day for trainer in instance.trainers}
    rural_towns = {town.id for town in instance.towns if town.rural}

    preference = cost = 0
    urban_venue_seats = 0
    rural_seats: dict[str, int] = defaultdict(int)
    away_by_day = [0] * calendar.length
    for row in rows:
        if row.phase == 1:  # seats are the same in every phase: count each session once
            rural_seats[row.project] += sum(
                seats for town, seats in row.seats.items() if town in rural_towns)
        project = projects[row.project]
        start = calendar.day(row.start)
        preference += calendar.days_outside(project.wanted_months, start, row.days)
        venue = venues[row.venue] if row.venue else None
        cost += row.days * ((venue.cost_per_day if venue else 0)
                            + sum(fees[trainer] for trainer in row.trainers))
        if project.venue_rural == "preferred" and venue and venue.town not in rural_towns:
            urban_venue_seats += row.size
        if project.mode.takes_teachers_away:
            for day in range(start, start + row.days):
                away_by_day[day] += row.size

    rural_shortfall = sum(
        min(instance.headcount(project), instance.rural_pool(project)) - rural_seats[project.id]
        for project in instance.projects if project.id not in dropped
    )

    school_days = calendar.school_days
    return {
        "dropped": sum(projects[project_id].drop_weight for project_id in dropped),
        "preference": preference,
        "rural": rural_shortfall + urban_venue_seats,
        "cost": cost,
        "balance": max((away for day, away in enumerate(away_by_day) if school_days[day]),
                       default=0),
    }


def weighted_objective(instance: Instance, kpis: dict[str, int]) -> int:
    weights = instance.objective.weights
    return sum(getattr(weights, name) * kpis[name]
               for name in (*KPI_NAMES, *STABILITY_KPIS) if name in kpis)
