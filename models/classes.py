"""How many classes a project has and where they may meet, from the data alone: the venues
and trainers it may use, the largest class, and a `to_area` project's classes by area. The
search splits projects by these (`scheduler.core.sessions`), and the default weights bound what a
class can save by them (`models.concerns`)."""

from __future__ import annotations

import math
from fractions import Fraction

from models.instance import Instance, Project, Trainer, Venue


def usable_venues(instance: Instance, project: Project) -> list[Venue]:
    """Venues with every feature the project needs, in a rural town if it requires one."""
    if not project.mode.uses_venue:
        return []
    needs = set(project.venue_features)
    rural_towns = {town.id for town in instance.towns if town.rural}
    return [
        venue
        for venue in instance.venues
        if needs.issubset(venue.features)
        and (project.venue_rural != "required" or venue.town in rural_towns)
    ]


def qualified_trainers(instance: Instance, project: Project) -> list[Trainer]:
    """Trainers who share at least one topic with the project."""
    if project.trainer_count == 0:
        return []
    topics = set(project.topics)
    return [trainer for trainer in instance.trainers if not topics.isdisjoint(trainer.topics)]


def largest_class(instance: Instance, project: Project, venues: list[Venue]) -> int:
    """The most teachers one class may seat: the largest usable venue's capacity (given
    `venues`, the project's usable ones, not empty), or its headcount where it needs no venue;
    at most its `max_session_size`."""
    if not project.mode.uses_venue:
        return project.max_session_size or instance.headcount(project)
    largest = max(venue.capacity for venue in venues)
    if project.max_session_size is not None:
        largest = min(largest, project.max_session_size)
    return largest


def class_areas(instance: Instance, project: Project,
                venues: list[Venue]) -> tuple[str, ...] | str:
    """A `to_area` project's classes, as the area each meets in: an area's part of the headcount
    (`Instance.area_seats`) in as few classes as the largest room it may use there holds (and
    `max_session_size`, and what the area's towns can release on one day:
    `Instance.area_release`); with a fixed number of `sessions`, those shared among the areas in
    proportion to their parts (largest remainders), at least one an area while there are enough.
    The id of an area with trainees and no room it may use, where there is one."""
    parts = instance.area_seats(project)
    town_area = {town.id: town.area_id for town in instance.towns}
    largest: dict[str, int] = {}
    for venue in venues:
        area = town_area.get(venue.town)
        if area is not None:
            largest[area] = max(largest.get(area, 0), venue.capacity)
    for area, part in parts.items():
        if part > 0 and area not in largest:
            return area
    if project.sessions is None:
        release = instance.area_release(project)
        counts = {area: math.ceil(part / min(largest[area], release[area],
                                             project.max_session_size or largest[area]))
                  for area, part in parts.items() if part > 0}
    else:
        counts = _shared_out(project.sessions, parts)
    return tuple(area for area, count in counts.items() for _ in range(count))


def _shared_out(total: int, parts: dict[str, int]) -> dict[str, int]:
    """`total` classes among the areas in proportion to their parts, largest remainders first,
    each area one first while there are enough."""
    areas = [area for area, part in parts.items() if part > 0]
    counts = dict.fromkeys(areas, 1 if total >= len(areas) else 0)
    left = total - sum(counts.values())
    weight = sum(parts[area] for area in areas)
    shares = {area: Fraction(left * parts[area], weight) for area in areas}
    for area in areas:
        counts[area] += math.floor(shares[area])
    rest = total - sum(counts.values())
    for area in sorted(areas, key=lambda area: -(shares[area] - math.floor(shares[area])))[:rest]:
        counts[area] += 1
    return counts


def class_count(instance: Instance, project: Project,
                venues: list[Venue]) -> tuple[int, tuple[str, ...]] | str:
    """How many classes the project has (given its usable venues) and, sent to the areas, the
    area of each (`class_areas`); the id of an area with trainees and no room it may use."""
    if project.delivery == "to_area" and project.mode.uses_venue:
        areas = class_areas(instance, project, venues)
        return areas if isinstance(areas, str) else (len(areas), areas)
    largest = largest_class(instance, project, venues)
    return project.sessions or math.ceil(instance.headcount(project) / max(1, largest)), ()
