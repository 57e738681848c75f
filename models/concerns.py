"""The objective's default weights, made from the instance so that a planner's order of concerns
holds by construction (docs/format.md, Objective): what a lower concern can save never buys a
unit of a higher one.

Bottom up, each weight not given is one more than the most the concerns below it can gain:

- `cost` 1 a yuan, `away_days` 50 a trainer-day away from home (where the towns name areas, else
  0), `balance` 20 a teacher on the busiest school day, `hours` 1 a teacher-hour short: these
  trade with each other at these rates;
- `preference`, a session day outside the preferred months: more than one session-phase of any
  project with preferred months can save by sitting outside them: its days at the dearest
  usable venue and qualified trainers less the cheapest, its trainers' days away, and its seats
  off the busiest day;
- `share` and `rural_venue`, a seat: more than one class of any project can gain in months,
  money, days away, balance and 学时 by giving up a seat of a town's fair share;
- `dropped`, a priority point: more than all of those together over the whole plan, bounded
  from the data (every class of every project at its dearest, every day outside its months,
  every fair share missed);
- the stability terms of re-planning, 25, 10 and 5 seats of fair share for a session-phase
  moved, a venue changed and a trainer replaced: a change weighs more than a seat or a day.

A weight the planner gives is used as given, and the weights above it are made from it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from models.classes import class_count, largest_class, usable_venues
from models.instance import Instance, Project, Weights

AWAY_DAY_WEIGHT = 50
"""A trainer-day away from home, where the towns name their areas: about a day's travel, so
the nearest qualified trainer goes where all else is equal."""

CHANGE_SEATS = {"moved": 25, "venue_changed": 10, "trainer_changed": 5}
"""The re-planning weights, in seats of fair share."""


@dataclass(frozen=True)
class _Reach:
    """What one project's classes can cost and save, from the data alone."""

    project: Project
    classes: int
    largest: int
    """The seats of its largest class, away on a school day (0 for an online project)."""
    dearest_day: int
    """The yuan of a session day at its dearest usable venue with its dearest trainers."""
    day_saving: int
    """The yuan one session day can save: dearest less cheapest venue and trainers."""

    @property
    def phase_days(self) -> int:
        return self.project.phases * self.project.days

    @property
    def prefers(self) -> bool:
        return bool(self.project.preferred_months)


def concern_weights(instance: Instance) -> Weights:
    """The instance's weights: those given, the others derived as the module says."""
    given = instance.objective.weights
    explicit = given.model_fields_set
    weights = {name: getattr(given, name) for name in Weights.model_fields}

    def derive(name: str, value: int) -> None:
        if name not in explicit:
            weights[name] = value

    derive("away_days", AWAY_DAY_WEIGHT if any(town.area for town in instance.towns) else 0)
    prices = _Prices(instance)
    reaches = [reach for project in instance.projects
               if (reach := prices.reach(project)) is not None]

    def day_gain(reach: _Reach) -> int:
        return (weights["cost"] * reach.day_saving
                + weights["away_days"] * reach.project.trainer_count)

    derive("preference", 1 + max((reach.project.days * day_gain(reach)
                                  + weights["balance"] * reach.largest
                                  for reach in reaches if reach.prefers), default=0))
    seat = 1 + max((reach.phase_days * (day_gain(reach)
                                        + (weights["preference"] if reach.prefers else 0))
                    + weights["balance"] * reach.largest
                    + weights["hours"] * math.ceil(instance.hours(reach.project))
                    for reach in reaches), default=0)
    derive("share", seat)
    derive("rural_venue", seat)
    derive("dropped", 1 + _whole_plan(instance, reaches, weights))
    for name, seats in CHANGE_SEATS.items():
        derive(name, seats * weights["share"])
    return Weights.model_construct(_fields_set=set(explicit), **weights)


class _Prices:
    """Each project's classes and the prices of its venues and trainers; projects that need the
    same features and topics share them, so that a plan of thousands is weighed at once."""

    def __init__(self, instance: Instance):
        self.instance = instance

    def reach(self, project: Project) -> _Reach | None:
        """The project's classes and prices, or None where it cannot run for want of a venue."""
        instance = self.instance
        venues = usable_venues(instance, project)
        if project.mode.uses_venue and not venues:
            return None
        split = class_count(instance, project, venues)
        if isinstance(split, str):
            return None
        classes, largest = split[0], largest_class(instance, project, venues)
        prices = [venue.cost_per_day for venue in venues] or [0]
        count = project.trainer_count
        fees = self._fees(frozenset(project.topics)) if count else []
        dearest_fees, cheapest_fees = sum(fees[-count:]) if count else 0, sum(fees[:count])
        return _Reach(project, classes, largest if project.mode.takes_teachers_away else 0,
                      max(prices) + dearest_fees,
                      max(prices) - min(prices) + dearest_fees - cheapest_fees)

    @functools.cache  # noqa: B019 (one instance of it lives for one weighing)
    def _fees(self, topics: frozenset[str]) -> list[int]:
        """The day fees of the trainers who share a topic with these, cheapest first."""
        return sorted(trainer.fee_per_day for trainer in self.instance.trainers
                      if not topics.isdisjoint(trainer.topics))


def _whole_plan(instance: Instance, reaches: list[_Reach], weights: dict[str, int]) -> int:
    """The most every concern below `dropped` can weigh in any plan: every class at its dearest
    with every trainer away, every day outside the preferred months, every fair share and rural
    seat missed, every teacher-hour short, every teacher away on one day."""
    total = 0
    away = 0
    for reach in reaches:
        project = reach.project
        days = reach.classes * reach.phase_days
        headcount = instance.headcount(project)
        total += days * (weights["cost"] * reach.dearest_day
                         + weights["away_days"] * project.trainer_count)
        if reach.prefers:
            total += days * weights["preference"]
        if project.headcount != "all":  # the fair shares add up to at most the headcount
            total += weights["share"] * headcount
        if project.venue_rural == "preferred":
            total += weights["rural_venue"] * headcount * project.phases
        if instance.policy.required_hours is not None:
            total += weights["hours"] * headcount * math.ceil(instance.hours(project))
        if reach.largest:
            away += headcount
    teachers = sum(town.total_teachers for town in instance.towns)
    return total + weights["balance"] * min(away, teachers)
