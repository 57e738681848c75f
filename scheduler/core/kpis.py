"""The KPIs of docs/format.md, Objective, measured on a finished plan (not read off solver
variables, so a plan found before the search closed its gaps reports what it really is)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from models.instance import Instance, Project
from models.solution import SessionPhase
from scheduler.core.calendar import YearCalendar
from scheduler.core.hours import hours_short
from scheduler.core.replan import STABILITY_KPIS, stability_kpis

KPI_NAMES = ("dropped", "preference", "share", "rural_venue", "cost", "balance", "hours_short",
             "away_days")
WEIGHT_OF = {"hours_short": "hours"}
"""The weight of a KPI whose name is not the weight's own."""


def plan_kpis(
    instance: Instance, calendar: YearCalendar, rows: list[SessionPhase], dropped: list[str],
    baseline_rows: list[SessionPhase] | None = None,
) -> dict[str, int]:
    """The eight KPIs, and the stability KPIs too when re-planning against `baseline_rows`."""
    kpis = _plan_kpis(instance, calendar, rows, dropped)
    if baseline_rows is not None:
        kpis |= stability_kpis(baseline_rows, rows)
    return kpis


@dataclass
class ProjectTerms:
    """A scheduled project's own parts of the KPIs in a plan."""

    preference: int = 0
    """Session days outside its preferred months."""
    cost: int = 0
    seats: dict[str, int] = field(default_factory=dict)
    """Its seats by town, over all its sessions."""
    urban_venue_seats: int = 0
    """Seats of each session-phase of a `venue_rural: preferred` project in an urban venue."""
    away_days: int = 0
    """Days its trainers teach outside the area they live in (`Instance.trainer_areas`)."""


def project_terms(instance: Instance, calendar: YearCalendar,
                  rows: list[SessionPhase]) -> dict[str, ProjectTerms]:
    """Each scheduled project's own parts of the KPIs, from its session-phases."""
    projects = {project.id: project for project in instance.projects}
    venues = {venue.id: venue for venue in instance.venues}
    fees = {trainer.id: trainer.fee_per_day for trainer in instance.trainers}
    homes = instance.trainer_areas()
    areas = {town.id: town.area_id for town in instance.towns}
    rural_towns = {town.id for town in instance.towns if town.rural}
    terms: dict[str, ProjectTerms] = defaultdict(ProjectTerms)
    for row in rows:
        own = terms[row.project]
        if row.phase == 1:  # seats are the same in every phase: count each session once
            for town, seats in row.seats.items():
                own.seats[town] = own.seats.get(town, 0) + seats
        project = projects[row.project]
        own.preference += calendar.days_outside(project.wanted_months, calendar.day(row.start),
                                                row.days)
        venue = venues[row.venue] if row.venue else None
        own.cost += row.days * ((venue.cost_per_day if venue else 0)
                                + sum(fees[trainer] for trainer in row.trainers))
        if project.venue_rural == "preferred" and venue and venue.town not in rural_towns:
            own.urban_venue_seats += row.size
        if venue is not None:
            place = areas[venue.town]
            own.away_days += row.days * sum(1 for trainer in row.trainers
                                            if homes.get(trainer, place) != place)
    return terms


def forced_share(instance: Instance, dropped: list[str]) -> int:
    """Of a plan's seats short of fair share, those its scheduled projects' rural quotas force
    (`Instance.forced_shortfall`): no seating of theirs could give them."""
    return sum(sum(instance.forced_shortfall(project).values())
               for project in instance.projects if project.id not in dropped)


def share_shortfall(instance: Instance, project: Project, seats: dict[str, int]) -> int:
    """The project's part of `share`: the seats each town is short of its fair share."""
    return sum(max(0, target - seats.get(town, 0))
               for town, target in instance.fair_shares(project).items())


def weighted_terms(instance: Instance, project: Project, terms: ProjectTerms) -> int:
    """What the project's own terms add to the objective: the seats short of the towns' fair
    shares, its seats in urban venues it would rather not use, days outside its preferred
    months and cost, each at its weight."""
    weights = instance.objective.weights
    return (weights.share * share_shortfall(instance, project, terms.seats)
            + weights.rural_venue * terms.urban_venue_seats
            + weights.preference * terms.preference + weights.cost * terms.cost
            + weights.away_days * terms.away_days)


def _plan_kpis(
    instance: Instance, calendar: YearCalendar, rows: list[SessionPhase], dropped: list[str]
) -> dict[str, int]:
    terms = project_terms(instance, calendar, rows)
    projects = {project.id: project for project in instance.projects}
    kept = [project for project in instance.projects if project.id not in dropped]
    away_by_day = [0] * calendar.length
    for row in rows:
        if projects[row.project].mode.takes_teachers_away:
            start = calendar.day(row.start)
            for day in range(start, start + row.days):
                away_by_day[day] += row.size

    school_days = calendar.school_days
    return {
        "dropped": sum(projects[project_id].drop_weight for project_id in dropped),
        "preference": sum(own.preference for own in terms.values()),
        "share": sum(share_shortfall(instance, project, terms[project.id].seats)
                     for project in kept),
        "rural_venue": sum(own.urban_venue_seats for own in terms.values()),
        "cost": sum(own.cost for own in terms.values()),
        "balance": max((away for day, away in enumerate(away_by_day) if school_days[day]),
                       default=0),
        "hours_short": hours_short(instance, {project_id: own.seats
                                              for project_id, own in terms.items()}),
        "away_days": sum(own.away_days for own in terms.values()),
    }


def weighted_objective(instance: Instance, kpis: dict[str, int]) -> int:
    return sum(weight(instance, name) * kpis[name]
               for name in (*KPI_NAMES, *STABILITY_KPIS) if name in kpis)


def weight(instance: Instance, kpi: str) -> int:
    """The objective's weight of the KPI."""
    return int(getattr(instance.objective.weights, WEIGHT_OF.get(kpi, kpi)))
