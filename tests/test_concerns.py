"""The order of concerns by construction (models.concerns): with the default weights, no rent
buys a day outside the preferred months and no preferred month buys a seat of fair share;
weights a planner gives are used as given."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from models import load_instance, parse_instance
from models.concerns import concern_weights
from scheduler.core.validate import validate
from scheduler.search.solve import solve
from tests.helpers import ROOT, optimum


def _dear_month(tiny: dict[str, Any]) -> dict[str, Any]:
    """p1 (40 teachers, one day) may run in March or April and prefers April; in April only
    the hall at 5,000 yuan a day is open, in March a free room of 40 seats as well. The
    weights are the data's own."""
    del tiny["objective"]
    tiny["venues"] = [
        {"id": "hall", "name": "报告厅", "town": "c", "capacity": 100, "cost_per_day": 5000},
        {"id": "free", "name": "免费教室", "town": "c", "capacity": 40, "cost_per_day": 0,
         "unavailable": [{"start": "2024-04-01", "end": "2024-04-30"}]},
    ]
    tiny["projects"][0].update(months=[3, 4], preferred_months=[4])
    return tiny


def _month(solution: Any) -> set[int]:
    return {row.start.month for row in solution.sessions}


def test_the_preferred_month_wins_over_a_free_room_outside_it(tiny: dict[str, Any]) -> None:
    solution = optimum(_dear_month(tiny))
    assert _month(solution) == {4}
    assert [row.venue for row in solution.sessions] == ["hall"]
    assert solution.kpis["preference"] == 0 and solution.kpis["cost"] == 6000


def test_a_preference_weight_the_planner_gives_is_used_as_given(tiny: dict[str, Any]) -> None:
    data = _dear_month(tiny)
    data["objective"] = {"weights": {"preference": 1000}}
    solution = optimum(data)
    assert _month(solution) == {3}  # a day outside April weighs 1,000, the hall 5,000 more
    assert parse_instance(data).objective.weights.preference == 1000


def _short_seat_in_the_month(tiny: dict[str, Any]) -> dict[str, Any]:
    """p1 (40 teachers: 20 of each town by fair share) may run in March or April and prefers
    April; the rural town can send 19 teachers on a school day, and only March has a weekend
    day open (every April weekend is blacked out). Balance is weighed 0: a weekend day would
    also keep the teachers off the busiest school day."""
    tiny["objective"] = {"weights": {"balance": 0}}  # the rest the data's own
    tiny["towns"][1]["max_absence_share"] = 0.19
    tiny["projects"][0].update(months=[3, 4], preferred_months=[4], weekdays_only=False)
    weekends = [day for day in (dt.date(2024, 4, 1) + dt.timedelta(n) for n in range(30))
                if day.weekday() >= 5]
    tiny["calendar"]["blackouts"] = [
        {"name": "周末", "start": day.isoformat(), "end": day.isoformat(), "audiences": ["pri"]}
        for day in weekends]
    return tiny


def test_a_seat_of_fair_share_wins_over_the_preferred_month(tiny: dict[str, Any]) -> None:
    solution = optimum(_short_seat_in_the_month(tiny))
    assert solution.kpis["share"] == 0
    assert _month(solution) == {3}
    assert solution.sessions[0].start.weekday() >= 5


def test_with_the_former_weights_the_month_took_the_seat(tiny: dict[str, Any]) -> None:
    """The case above binds: at 200 a seat against 1,000 a day, the plan kept April and left
    the rural town one seat short."""
    data = _short_seat_in_the_month(tiny)
    data["objective"]["weights"] |= {"share": 200, "preference": 1000}
    solution = optimum(data)
    assert _month(solution) == {4} and solution.kpis["share"] == 1


def test_derived_weights_are_not_written_out_and_come_back_the_same(
        tiny: dict[str, Any]) -> None:
    data = _dear_month(tiny)
    data["objective"] = {"weights": {"cost": 2}}  # the rest the data's own
    instance = parse_instance(data)
    written = json.loads(instance.model_dump_json(by_alias=True))
    assert written["objective"] == {"weights": {"cost": 2}}
    assert parse_instance(written).objective.weights == instance.objective.weights


def test_each_concern_outweighs_what_the_ones_below_can_gain_on_anshan() -> None:
    """Anshan as45 (思政, 9月, 3,000 teachers) and as50 (送教下乡, 10月): a day outside the month
    weighs more than a class of either saves in rent, fees and peak absence by leaving it; a
    seat of fair share more than a class gains in months; a priority point more than all."""
    data = json.loads(Path(ROOT, "instances/anshan-2022.json").read_text(encoding="utf-8"))
    instance = parse_instance(data)
    weights = instance.objective.weights
    assert concern_weights(instance) == weights
    venue_prices = [venue.cost_per_day for venue in instance.venues]
    fees = sorted(trainer.fee_per_day for trainer in instance.trainers)
    for project_id in ("as45", "as50"):
        project = instance.project(project_id)
        day = (max(venue_prices) - min(venue_prices)
               + sum(fees[-project.trainer_count:]) - sum(fees[:project.trainer_count])
               + weights.away_days * project.trainer_count)
        largest_class = max(venue.capacity for venue in instance.venues)
        assert weights.preference > project.days * day + weights.balance * largest_class
        assert weights.share > project.phases * project.days * (weights.preference + day)
    assert weights.dropped > weights.share * sum(
        sum(instance.fair_shares(project).values()) for project in instance.projects)


def test_anshan_keeps_the_published_months_of_as45_and_as50() -> None:
    """The January notice says 9月 for as45 (思政, 3,000 teachers) and 10月 for as50 (送教下乡):
    under the former weights the plan moved as45 to August for cheaper halls and half of as50
    to November; weighed by the data, both stay (deterministic: one worker, the work clock)."""
    instance = load_instance(ROOT / "instances" / "anshan-2022.json")
    solution = solve(instance, time_limit=10, workers=1, deterministic=True).solution
    assert validate(instance, solution) == []
    months = {project_id: {row.start.month for row in solution.sessions
                           if row.project == project_id} for project_id in ("as45", "as50")}
    assert months == {"as45": {9}, "as50": {10}}
