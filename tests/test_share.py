"""Fair seats (docs/format.md, Objective, `share` and `rural_venue`): one tiny instance per
rule, a test where it binds and one where it does not; the bound against a brute-forced
optimum; and a property test that the solver leaves no town further below its fair share
than its plan's sessions force.

In the tiny world (see helpers.py) both towns have 100 primary teachers. A project's fair share
of town z is target(z) = min(pool(z), floor(headcount × w(z)·pool(z) / Σ w·pool)), w the
policy's rural_weight in the rural town r and 1 in the urban town c. Weights: a seat short of
a target 200, a seat of a `venue_rural: preferred` class in an urban venue 200, a teacher on
the busiest school day 20, a yuan 1. The cheapest class of 40 (the rural room at 10 yuan, t1
at 1,000, 40 away) costs 1,810; a class of 41 to 100 needs the hall (100 yuan): 1,100 plus
20 a teacher away.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations, product
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Instance, Project, Solution, parse_instance
from models.solution import SessionPhase, Status
from scheduler.cli import main
from scheduler.core.validate import KPI_NAMES, KPI_WEIGHTS, recompute_kpis, validate
from scheduler.model import TrainingModel
from scheduler.search.bound import relaxation_bound
from scheduler.search.solve import solve
from tests.helpers import ROOT, TINY, least_share_of_the_sessions, optimum, solve_checked, targets

TILTED_CLASS = 1_100 + 90 * 20
"""A class of 90: the hall (100 yuan) and t1 (1,000), 90 teachers away (20 each)."""


def only_march(first: int, last: int | None = None) -> list[dict]:
    """Blackouts of the primary teachers on every day of March but `first` to `last`."""
    last = first if last is None else last
    ranges = []
    if first > 1:
        ranges.append({"name": "考试", "start": "2024-03-01", "end": f"2024-03-{first - 1:02d}",
                       "audiences": ["pri"]})
    if last < 31:
        ranges.append({"name": "考试", "start": f"2024-03-{last + 1:02d}", "end": "2024-03-31",
                       "audiences": ["pri"]})
    return ranges


def seated(solution: Solution, project: str = "p1") -> dict[str, int]:
    """The project's seats by town over its sessions (each counted once, not per phase)."""
    seats: dict[str, int] = defaultdict(int)
    for row in solution.sessions:
        if row.project == project and row.phase == 1:
            for town, count in row.seats.items():
                seats[town] += count
    return {town: count for town, count in seats.items() if count}


# --- the fair shares themselves --------------------------------------------------------------


@pytest.mark.parametrize(
    ("headcount", "rural_weight", "rural_teachers", "shares"),
    [
        (40, 1, 100, {"c": 20, "r": 20}),  # in proportion: 40 × 100 / 200 each
        (90, 2, 100, {"c": 30, "r": 60}),  # 90 × 100 / 300 and 90 × 200 / 300
        (90, 1, 100, {"c": 45, "r": 45}),
        # 44 × 120 / 220 is 24 exactly: a weight of 1.2 read as 6/5, not 1.19999…, not 23.
        (44, 1.2, 100, {"c": 20, "r": 24}),
        # 41 × 100 / 200 = 20.5 each: floored, the odd seat is nobody's share.
        (41, 1, 100, {"c": 20, "r": 20}),
        # Weighed 100 + 20 × 10 = 300: c 40 × 100 / 300 = 13.3, r 40 × 200 / 300 = 26.7, but r
        # has only 10 teachers: its share is its pool.
        (40, 20, 10, {"c": 13, "r": 10}),
        # A weight below 1 tilts the other way: 100 + 50 = 150; c 60 × 100/150, r 60 × 50/150.
        (60, 0.5, 100, {"c": 40, "r": 20}),
    ],
)
def test_fair_shares(tiny, headcount, rural_weight, rural_teachers, shares):
    tiny["policy"] = {"rural_weight": rural_weight}
    tiny["towns"][1]["teachers"]["pri"] = rural_teachers
    tiny["projects"][0]["headcount"] = headcount
    instance = parse_instance(tiny)
    assert instance.fair_shares(instance.projects[0]) == shares


def test_a_copy_with_another_tilt_has_its_own_shares(tiny):
    # Scenarios, explain and compare change an instance by copying it: the copy's shares follow
    # its own policy (90 × 100 / 200 each, then 90 × 100 / 300 and 90 × 200 / 300).
    tiny["projects"][0]["headcount"] = 90
    instance = parse_instance(tiny)
    project = instance.projects[0]
    assert instance.fair_shares(project) == {"c": 45, "r": 45}
    tilted = instance.model_copy(update={"policy": instance.policy.model_copy(
        update={"rural_weight": 2.0})})
    assert tilted.fair_shares(project) == {"c": 30, "r": 60}
    assert instance.fair_shares(project) == {"c": 45, "r": 45}


def test_no_share_for_a_project_that_seats_everyone_nor_a_town_without_its_teachers(tiny):
    tiny["audiences"].append({"id": "sec", "name": "中学教师"})
    tiny["towns"].append({"id": "s", "name": "中学镇", "rural": True, "teachers": {"sec": 50}})
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "headcount": "all",
                             "mode": "online"})
    instance = parse_instance(tiny)
    assert instance.fair_shares(instance.projects[0]) == {"c": 20, "r": 20}
    assert instance.fair_shares(instance.projects[1]) == {}


# --- the tilt --------------------------------------------------------------------------------


def test_without_a_tilt_the_seats_follow_the_teachers(tiny):
    # 90 teachers, shares 45 and 45: any other split is short in one town. 2,900.
    tiny["projects"][0]["headcount"] = 90
    solution = optimum(tiny)
    assert seated(solution) == {"c": 45, "r": 45}
    assert solution.kpis["share"] == 0 and solution.objective == TILTED_CLASS


def test_a_tilt_moves_exactly_the_seats_it_weighs(tiny):
    # rural_weight 2: shares 30 urban and 60 rural (see test_fair_shares), so 15 seats move
    # from c to r and no more; nothing else in the objective cares whose seats they are.
    tiny["policy"] = {"rural_weight": 2}
    tiny["projects"][0]["headcount"] = 90
    solution = optimum(tiny)
    assert seated(solution) == {"c": 30, "r": 60}
    assert solution.kpis["share"] == 0 and solution.objective == TILTED_CLASS


def test_rural_seats_beyond_the_share_are_not_rewarded(tiny):
    # The former `rural` term paid for every rural seat up to the whole headcount, so the
    # 40-seat class went all rural; now 20 and 20, and a 21st rural seat costs an urban one.
    solution = optimum(tiny)
    assert seated(solution) == {"c": 20, "r": 20}
    assert solution.objective == 1_810 and "rural" not in solution.kpis


# --- the quota above the share ---------------------------------------------------------------


def test_a_quota_above_the_tilted_share_forces_rural_seats(tiny):
    # Tilt 2, 90 teachers: shares 30 and 60. A quota of 0.8 asks for 72 rural seats, so c has
    # at most 18: 12 short of its 30, 12 × 200 on top of the class's 2,900.
    tiny["policy"] = {"rural_weight": 2}
    tiny["projects"][0].update(headcount=90, rural_quota=0.8)
    solution = optimum(tiny)
    assert seated(solution) == {"c": 18, "r": 72}
    assert solution.kpis["share"] == 12
    assert solution.objective == TILTED_CLASS + 12 * 200


def test_a_quota_below_the_tilted_share_changes_nothing(tiny):
    # A quota of 0.6 asks for 54 rural seats; the share already gives r 60.
    tiny["policy"] = {"rural_weight": 2}
    tiny["projects"][0].update(headcount=90, rural_quota=0.6)
    solution = optimum(tiny)
    assert seated(solution) == {"c": 30, "r": 60}
    assert solution.kpis["share"] == 0 and solution.objective == TILTED_CLASS


def test_with_share_weighed_zero_the_quota_alone_decides(tiny):
    # The term is left out of the objective, but still reported: the 72 rural seats the quota
    # asks for are some split of the 90 with r at least 72, whose shortfall the checker
    # recomputes; the objective is the class alone.
    tiny["policy"] = {"rural_weight": 2}
    tiny["objective"] = {"weights": {"share": 0}}
    tiny["projects"][0].update(headcount=90, rural_quota=0.8)
    solution = optimum(tiny)
    seats = seated(solution)
    assert seats.get("r", 0) >= 72
    assert solution.kpis["share"] == max(0, 30 - seats.get("c", 0)) + max(0, 60 - seats["r"])
    assert solution.objective == TILTED_CLASS


# --- a town whose share is its pool ----------------------------------------------------------


def test_a_share_above_the_pool_is_the_pool(tiny):
    # r has 10 teachers and a weight of 20: its share by weight, 26, is more than it has, so
    # it is 10 and all 10 are seated; c (13) takes the other 30. Nothing short: 1,810. Were
    # the share not capped, 16 seats would be short whatever the plan.
    tiny["policy"] = {"rural_weight": 20}
    tiny["towns"][1]["teachers"]["pri"] = 10
    solution = optimum(tiny)
    assert seated(solution) == {"c": 30, "r": 10}
    assert solution.kpis["share"] == 0 and solution.objective == 1_810


def test_a_share_below_the_pool_is_the_weighed_share(tiny):
    # Weight 2: weighed 100 + 20, c 40 × 100 / 120 = 33, r 40 × 20 / 120 = 6 of its 10; the
    # 41st seat of c's 33 and r's 6 is anyone's: r has 6 or 7.
    tiny["policy"] = {"rural_weight": 2}
    tiny["towns"][1]["teachers"]["pri"] = 10
    solution = optimum(tiny)
    seats = seated(solution)
    assert seats["c"] >= 33 and seats["r"] >= 6
    assert solution.kpis["share"] == 0 and solution.objective == 1_810


# --- the absence cap below the share ---------------------------------------------------------


def test_an_absence_cap_below_the_share_leaves_it_short(tiny):
    # Weight 3: shares c 40 × 100 / 400 = 10, r 40 × 300 / 400 = 30. r may send a quarter of
    # its teachers (25) on a school day and March is all term: 5 short, 15 seats to c.
    # 1,810 + 5 × 200.
    tiny["policy"] = {"rural_weight": 3}
    tiny["towns"][1]["max_absence_share"] = 0.25
    solution = optimum(tiny)
    assert seated(solution) == {"c": 15, "r": 25}
    assert solution.kpis["share"] == 5 and solution.objective == 2_810


def test_an_absence_cap_at_the_share_leaves_nothing_short(tiny):
    tiny["policy"] = {"rural_weight": 3}
    tiny["towns"][1]["max_absence_share"] = 0.3  # 30: r's share exactly
    solution = optimum(tiny)
    assert seated(solution) == {"c": 10, "r": 30}
    assert solution.kpis["share"] == 0 and solution.objective == 1_810


def test_a_dropped_project_owes_no_share(tiny):
    # p2 needs a feature no venue has and is dropped (priority 1): its shares of 20 and 20
    # count nothing. 1,000,000 + p1's 1,810.
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "priority": 1,
                             "venue_features": ["录播"]})
    solution = solve_checked(tiny).solution
    assert solution.status.value == "OPTIMAL" and solution.dropped == ["p2"]
    assert solution.kpis["share"] == 0 and solution.objective == 1_000_000 + 1_810


# --- rural_venue -----------------------------------------------------------------------------


def test_rural_venue_pays_every_seat_of_each_phase_in_an_urban_venue(tiny):
    # Two phases of a class of 40 that prefers a rural venue; the rural room is closed all
    # March, so both meet in the hall: 2 × (100 + 1,000) yuan, 40 away on each day (800), and
    # 40 seats × 2 phases in an urban venue × 200 = 16,000. Shares 20 and 20 are met.
    tiny["venues"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    tiny["projects"][0].update(venue_rural="preferred", phases=2)
    solution = optimum(tiny)
    assert {row.venue for row in solution.sessions} == {"hall"}
    assert solution.kpis["rural_venue"] == 80 and solution.kpis["share"] == 0
    assert solution.objective == 2_200 + 800 + 16_000


def test_rural_venue_takes_the_class_to_the_rural_room_even_at_a_price(tiny):
    # The room now costs 5,000 a day. Preferring a rural venue: the room, 5,000 + 1,000 + 800
    # = 6,800, rather than the hall's 1,100 + 800 + 40 × 200 = 9,900; nothing in an urban
    # venue.
    tiny["venues"][1]["cost_per_day"] = 5_000
    tiny["projects"][0]["venue_rural"] = "preferred"
    solution = optimum(tiny)
    assert [row.venue for row in solution.sessions] == ["room"]
    assert solution.kpis["rural_venue"] == 0 and solution.objective == 6_800


def test_without_the_preference_the_hall_is_cheaper(tiny):
    # The same class with no venue_rural: the hall, 1,100 + 800; rural_venue counts nothing.
    tiny["venues"][1]["cost_per_day"] = 5_000
    solution = optimum(tiny)
    assert [row.venue for row in solution.sessions] == ["hall"]
    assert solution.kpis["rural_venue"] == 0 and solution.objective == 1_900


# --- the command line ------------------------------------------------------------------------


def run_solve(tmp_path: Path, data: dict | str) -> tuple[int, str, Path]:
    path = tmp_path / "plan.json"
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(path), "--out", str(out),
                                       "--time-limit", "10"])
    return result.exit_code, result.stdout + result.stderr, out


def test_an_instance_that_weighs_rural_is_refused(tiny, tmp_path):
    tiny["objective"] = {"weights": {"rural": 200}}
    code, printed, out = run_solve(tmp_path, tiny)
    assert code == 2, printed
    assert "objective.weights: `rural` is no longer a term" in printed
    assert "replaced by `share`" in printed and "`rural_venue`" in printed
    assert "policy.rural_weight" in printed  # where the rural tilt is set now
    assert "Traceback" not in printed and not out.exists()


@pytest.mark.parametrize("weight", ["0", "-1", '"x"', "NaN", "Infinity", "true", "null"])
def test_a_rural_weight_that_is_not_a_positive_number_is_refused(tiny, tmp_path, weight):
    # Written into the file as given: NaN and Infinity, which JSON does not allow, are refused
    # as the file is read, by name; the others where the weight is checked.
    text = json.dumps(tiny, ensure_ascii=False)[:-1] + f', "policy": {{"rural_weight": {weight}}}}}'
    code, printed, out = run_solve(tmp_path, text)
    assert code == 2, printed
    if weight in ("NaN", "Infinity"):
        assert f"{weight} is not a number JSON allows" in printed
    else:
        assert "policy.rural_weight:" in printed and "is not a weight" in printed
    assert "Traceback" not in printed and not out.exists()


def test_a_tilted_instance_solves_from_the_command_line(tiny, tmp_path):
    tiny["policy"] = {"rural_weight": 2}
    tiny["projects"][0]["headcount"] = 90
    code, printed, out = run_solve(tmp_path, tiny)
    assert code == 0, printed
    solution = Solution.model_validate_json((out / "solution.json").read_text(encoding="utf-8"))
    assert solution.kpis["share"] == 0 and seated(solution) == {"c": 30, "r": 60}
    assert validate(parse_instance(tiny), solution) == []


# --- the bound against every plan ------------------------------------------------------------

SEAT_RULES = frozenset({"seats-pool", "seats-audience", "rural-quota", "absence-cap",
                        "mandatory-dropped", "kpi", "objective"})
"""What a class judged alone, with a placeholder split of its seats, may break and still be
part of a valid plan once its seats and the other projects are chosen."""


def splits(total: int, pools: dict[str, int]) -> Iterator[dict[str, int]]:
    """Every way of seating `total` from the towns, within each town's pool."""
    towns = list(pools)
    for counts in product(*(range(min(total, pools[town]) + 1) for town in towns[:-1])):
        rest = total - sum(counts)
        if 0 <= rest <= pools[towns[-1]]:
            seats = dict(zip(towns, (*counts, rest), strict=True))
            yield {town: count for town, count in seats.items() if count}


def every_class(instance: Instance, project: Project) -> list[SessionPhase]:
    """Every class of a one-class, one-day, one-phase project that breaks no rule other than
    the seats': each day of its months, each venue (or none), each set of trainers."""
    assert project.days == 1 and project.phases == 1 and project.sessions in (None, 1)
    headcount = int(project.headcount)
    pools = {town.id: town.pool(project.audiences) for town in instance.towns}
    placeholder = next(splits(headcount, pools))
    others = [other.id for other in instance.projects if other.id != project.id]
    day = dt.date(instance.year, 1, 1)
    classes = []
    while day.year == instance.year:
        if project.months is None or day.month in project.months:
            for venue in [None, *(venue.id for venue in instance.venues)]:
                for trainers in combinations([t.id for t in instance.trainers],
                                             project.trainers_per_session):
                    row = SessionPhase(project=project.id, session=1, phase=1, start=day,
                                       end=day, venue=venue, trainers=list(trainers),
                                       seats=placeholder)
                    alone = Solution(instance=instance.name, status=Status.FEASIBLE,
                                     dropped=others, sessions=[row])
                    if all(v.rule in SEAT_RULES for v in validate(instance, alone)):
                        classes.append(row)
        day += dt.timedelta(days=1)
    return [row.model_copy(update={"seats": seats})
            for row in classes for seats in splits(headcount, pools)]


def brute_force(data: dict) -> int:
    """The least objective over every plan the checker accepts, each priced by the checker's
    own KPIs: every class of every project (or the project dropped, if it may be)."""
    instance = parse_instance(data)
    weights = instance.objective.weights
    options = [[*every_class(instance, project), *([] if project.mandatory else [None])]
               for project in instance.projects]
    best: int | None = None
    for choice in product(*options):
        rows = [row for row in choice if row is not None]
        dropped = [p.id for p, row in zip(instance.projects, choice, strict=True) if row is None]
        plan = Solution(instance=instance.name, status=Status.FEASIBLE, dropped=dropped,
                        sessions=rows)
        plan.kpis = recompute_kpis(instance, plan)
        plan.objective = sum(getattr(weights, KPI_WEIGHTS.get(key, key)) * plan.kpis[key]
                             for key in KPI_NAMES)
        if (best is None or plan.objective < best) and validate(instance, plan) == []:
            best = plan.objective
    assert best is not None, "no plan at all"
    return best


def tilted_and_capped(data: dict) -> None:
    # Weight 3, r sends at most 25 a school day: 5 short of its 30 (see above). 2,810.
    data["policy"] = {"rural_weight": 3}
    data["towns"][1]["max_absence_share"] = 0.25
    data["calendar"]["blackouts"] = only_march(15)


def tilted_capped_and_short_of_hours(data: dict) -> None:
    # As tilted_and_capped, with 3 学时 required of every teacher: 300 teacher-hours a town, 8
    # a seat. 40 seats earn 320 of the 600 wherever they fall (c could reach its 300 with 38,
    # but r would then lose its share): 280 short. 2,810 + 280.
    tilted_and_capped(data)
    data["policy"]["required_hours"] = 3


def quota_above_share(data: dict) -> None:
    # Tilt 2, 90 teachers, a quota of 72 rural seats: 12 short in c. 2,900 + 2,400.
    data["policy"] = {"rural_weight": 2}
    data["projects"][0].update(headcount=90, rural_quota=0.8)
    data["calendar"]["blackouts"] = only_march(15)


def urban_hall_only(data: dict) -> None:
    # A class that prefers a rural venue where only the hall fits the dates: 1,100 + 800 +
    # 40 × 200.
    data["venues"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    data["projects"][0]["venue_rural"] = "preferred"
    data["calendar"]["blackouts"] = only_march(15)


def two_classes_share_one_day(data: dict) -> None:
    # Two classes of 10 from towns of 20 teachers each (shares 5 and 5 each), both on 1 March,
    # the only day open: r may send 5 that day (a quarter of 20) to the two together, so 5 of
    # its 10 are short. One class takes the room and t1, the other the hall and t2 (3,110
    # yuan), 20 away (400), 5 short (1,000): 4,510. The relaxation caps a town's seats class
    # by class (5 each, enough for each share alone) and misses the 5: 3,510.
    for town in data["towns"]:
        town["teachers"]["pri"] = 20
    data["towns"][1]["max_absence_share"] = 0.25
    data["calendar"]["blackouts"] = only_march(1)
    data["projects"][0]["headcount"] = 10
    data["projects"].append({**data["projects"][0], "id": "p2", "name": "培训二"})


@pytest.mark.parametrize(
    ("variant", "best", "tight"),
    [
        (tilted_and_capped, 2_810, True),
        (tilted_capped_and_short_of_hours, 3_090, True),
        (quota_above_share, 5_300, True),
        (urban_hall_only, 9_900, True),
        (two_classes_share_one_day, 4_510, False),
    ],
)
def test_every_bound_is_at_most_the_brute_forced_optimum(variant, best, tight):
    # One day of March open (15 March, or 1 March for the two classes) keeps the enumeration
    # to a few thousand plans; no term here depends on the date.
    data = copy.deepcopy(TINY)
    variant(data)
    assert brute_force(data) == best
    assert optimum(data).objective == best
    instance = parse_instance(data)
    bounds = [relaxation_bound(TrainingModel(instance), 10),
              relaxation_bound(TrainingModel(instance), 10, whole_numbers=True),
              relaxation_bound(TrainingModel(instance), 10, by_day=True),
              relaxation_bound(TrainingModel(instance), 10, whole_numbers=True, by_day=True)]
    assert all(bound is not None and bound <= best for bound in bounds), bounds
    if tight:
        assert bounds == [best] * 4
    else:
        assert bounds[0] == 3_510


# --- property: no town is shorter than the plan's sessions force -----------------------------


@st.composite
def fair_share_variants(draw: st.DrawFn) -> dict:
    """2-4 towns with random teachers, rural flags and absence caps; 1-3 droppable projects
    (so that some plan always exists) in term, the summer holidays or across both; a random
    tilt and quota."""
    data = copy.deepcopy(TINY)
    count = draw(st.integers(2, 4))
    data["towns"] = []
    for index in range(count):
        town: dict[str, Any] = {"id": f"z{index}", "name": f"镇{index}",
                                "rural": draw(st.booleans()),
                                "teachers": {"pri": draw(st.integers(5, 60))}}
        share = draw(st.sampled_from([None, 0.1, 0.2, 0.25, 0.5]))
        if share is not None:
            town["max_absence_share"] = share
        data["towns"].append(town)
    data["venues"][0]["town"] = "z0"
    data["venues"][1]["town"] = f"z{draw(st.integers(0, count - 1))}"
    teachers = sum(town["teachers"]["pri"] for town in data["towns"])
    data["projects"] = []
    for index in range(draw(st.integers(1, 3))):
        project: dict[str, Any] = {
            "id": f"p{index}", "name": f"项目{index}", "audiences": ["pri"],
            "headcount": draw(st.integers(1, min(teachers, 120))),
            "mode": draw(st.sampled_from(["offline", "offline", "online", "offsite"])),
            "days": draw(st.integers(1, 2)),
            "months": draw(st.sampled_from([[3], [3], [6], [6, 7], [7]])),
            "topics": ["A"], "priority": draw(st.integers(2, 5)),
        }
        if draw(st.booleans()):
            project["max_session_size"] = draw(st.integers(15, 60))
        if draw(st.booleans()):
            project["rural_quota"] = draw(st.sampled_from([0.1, 0.3, 0.6]))
        if draw(st.booleans()):
            project["venue_rural"] = "preferred"
        data["projects"].append(project)
    data["policy"] = {"rural_weight": draw(st.sampled_from([0.5, 1, 1.2, 1.5, 2, 3])),
                      "rural_quota": draw(st.sampled_from([0, 0.2]))}
    if draw(st.booleans()):  # March open on two days only: its classes crowd them
        first = draw(st.integers(1, 30))
        data["calendar"]["blackouts"] = only_march(first, first + 1)
    return data


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(fair_share_variants())
def test_no_town_is_shorter_than_the_plan_forces(data):
    # Proven or not (a tilt of 0.5 with a quota above the rural share once left a tiny plan
    # FEASIBLE after 10 s, its bound 2 below its objective), the plan's seats are the best its
    # sessions allow.
    instance = parse_instance(data)
    solution = solve(instance, time_limit=10, workers=1).solution
    assert validate(instance, solution) == [], solution.to_json()
    assert solution.status in (Status.OPTIMAL, Status.FEASIBLE), solution.status
    own = sum(max(0, target - seated(solution, project.id).get(town, 0))
              for project in instance.projects if project.id not in solution.dropped
              for town, target in targets(instance, project).items())
    assert solution.kpis["share"] == own
    assert least_share_of_the_sessions(instance, solution) == own


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(fair_share_variants())
def test_no_bound_is_above_the_optimum_of_a_fair_share(data):
    instance = parse_instance(data)
    solution = solve(instance, time_limit=10, workers=1).solution
    assert solution.objective is not None
    for stages in ({}, {"whole_numbers": True}, {"by_day": True}):
        bound = relaxation_bound(TrainingModel(instance), 5, **stages)
        assert bound is not None and bound <= solution.objective, (stages, bound)


FORCED = ("from models import load_instance; "
          "instance = load_instance('instances/generated/m100.json'); "
          "print([sorted(instance.forced_shortfall(p).items()) for p in instance.projects])")


def test_the_forced_shortfall_is_the_same_in_every_process():
    """Ties between towns are broken in the towns' order, not a set's, which changes with each
    process's hash seed: the same plan once showed 165 and once 164 seats forced short in a town."""
    said = {subprocess.run([sys.executable, "-c", FORCED], cwd=ROOT, capture_output=True,
                           text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}
                           ).stdout for seed in ("0", "1", "2")}
    assert len(said) == 1
