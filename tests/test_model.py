"""One tiny instance per rule, a test where it binds and one where it does not.

Default weights: dropped 1,000,000 per priority point, share 200 a seat short of a town's fair
share, rural_venue 200 a seat, preference 1,000 a day, balance 20 a teacher, cost 1 a yuan. In the
tiny world (see helpers.py) the unconstrained optimum of p1 (40 teachers, 1 day in March, topic A)
is the rural room (10 yuan) with t1 (1,000 yuan), 20 seats from each town (their fair shares: 100
teachers each), 40 teachers away on a school day:
cost 1,010 + balance 20 × 40 = 1,810.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from itertools import pairwise

import pytest
from ortools.sat.python import cp_model

from models import parse_instance
from scheduler.core.calendar import YearCalendar
from scheduler.core.sessions import split_project
from scheduler.model import TrainingModel
from tests.helpers import (
    ROOT,
    TINY,
    blackout_all_of_march_but,
    optimum,
    second_project,
    solve_checked,
)

BASE_OPTIMUM = 1_810


def test_unconstrained_optimum(tiny):
    solution = optimum(tiny)
    assert solution.objective == BASE_OPTIMUM
    (row,) = solution.sessions
    # Seats 20 and 20, not all 40 rural as under the former `rural` term.
    assert (row.venue, row.trainers, row.seats) == ("room", ["t1"], {"c": 20, "r": 20})
    assert solution.kpis == {"dropped": 0, "preference": 0, "share": 0, "rural_venue": 0,
                             "cost": 1_010, "balance": 40, "hours_short": 0, "away_days": 0}


def test_venue_capacity_binds(tiny):
    # 60 seats: one session (the hall holds 100), the 40-seat room is too small.
    # cost 100 + 1,000; balance 20 × 60 = 1,200; 30 seats from each town.
    tiny["projects"][0]["headcount"] = 60
    solution = optimum(tiny)
    assert [row.venue for row in solution.sessions] == ["hall"]
    assert solution.objective == 1_100 + 1_200


def test_venue_features_bind(tiny):
    # Only the hall has 多媒体: cost 1,100 + balance 800.
    tiny["projects"][0]["venue_features"] = ["多媒体"]
    solution = optimum(tiny)
    assert [row.venue for row in solution.sessions] == ["hall"]
    assert solution.objective == 1_900


def test_rural_venue_required_splits_into_classes_of_the_room(tiny):
    # Only the 40-seat room is rural: 60 teachers become ceil(60 / 40) = 2 sessions on two days,
    # cost 2 × 1,010; the larger class has at least 30 seats: balance 20 × 30.
    tiny["projects"][0].update(headcount=60, venue_rural="required")
    solution = optimum(tiny)
    assert {row.venue for row in solution.sessions} == {"room"}
    assert sorted(row.size for row in solution.sessions) == [30, 30]
    assert solution.objective == 2_020 + 600


def test_venue_unavailable_binds(tiny):
    tiny["venues"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    solution = optimum(tiny)
    assert [row.venue for row in solution.sessions] == ["hall"]
    assert solution.objective == BASE_OPTIMUM + 90


def test_venue_hosts_one_session_a_day(tiny):
    # Only 15 March is free of blackouts and both classes need the rural room: the second of
    # two 30-seat classes has no room, so the droppable project is dropped (priority 4).
    tiny["calendar"]["blackouts"] = blackout_all_of_march_but(15)
    tiny["projects"][0].update(headcount=60, venue_rural="required", priority=4)
    solution = optimum(tiny)
    assert solution.dropped == ["p1"] and solution.sessions == []
    assert solution.objective == 4 * 1_000_000


def test_one_day_is_enough_when_the_hall_takes_everyone(tiny):
    tiny["calendar"]["blackouts"] = blackout_all_of_march_but(15)
    tiny["projects"][0].update(headcount=60, priority=4)
    solution = optimum(tiny)
    assert solution.dropped == [] and str(solution.sessions[0].start) == "2024-03-15"


@pytest.mark.parametrize(
    ("fields", "trainers", "objective"),
    [
        ({"topics": ["A", "B"]}, ["t2"], 2_010 + 800),  # only t2 covers A and B
        ({"trainers_per_session": 2}, ["t1", "t2"], 3_010 + 800),
        ({}, ["t1"], BASE_OPTIMUM),
    ],
)
def test_trainer_topics_and_count(tiny, fields, trainers, objective):
    tiny["projects"][0].update(fields)
    solution = optimum(tiny)
    assert solution.sessions[0].trainers == trainers
    assert solution.objective == objective


@pytest.mark.parametrize(
    "availability",
    [
        {"unavailable": [{"start": "2024-02-20", "end": "2024-04-02"}]},
        {"available": [{"start": "2024-04-01", "end": "2024-12-31"}]},
    ],
)
def test_trainer_availability_binds(tiny, availability):
    tiny["trainers"][0].update(availability)
    solution = optimum(tiny)
    assert solution.sessions[0].trainers == ["t2"]
    assert solution.objective == BASE_OPTIMUM + 1_000


@pytest.mark.parametrize(("max_days", "trainer", "objective"),
                         [(2, "t2", 3 * 2_010 + 800), (3, "t1", 3 * 1_010 + 800)])
def test_trainer_max_days(tiny, max_days, trainer, objective):
    tiny["projects"][0]["days"] = 3
    tiny["trainers"][0]["max_days"] = max_days
    solution = optimum(tiny)
    assert solution.sessions[0].trainers == [trainer]
    assert solution.objective == objective


def test_trainer_teaches_one_session_a_day(tiny):
    # Two projects on the only free day, t2 away all March: t1 cannot teach both, so the
    # droppable p2 (priority 3) goes. p1 alone: 1,810.
    tiny["calendar"]["blackouts"] = blackout_all_of_march_but(15)
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    second_project(tiny, priority=3)
    solution = optimum(tiny)
    assert solution.dropped == ["p2"]
    assert solution.objective == 3 * 1_000_000 + BASE_OPTIMUM


def test_mandatory_project_that_cannot_fit_makes_the_plan_infeasible(tiny):
    tiny["calendar"]["blackouts"] = blackout_all_of_march_but(15)
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    second_project(tiny)
    assert solve_checked(tiny).solution.status.value == "INFEASIBLE"


def test_sessions_follow_capacity_and_max_session_size(tiny):
    tiny["projects"][0].update(headcount=150)
    assert len(optimum(tiny).sessions) == 2  # ceil(150 / 100)
    tiny["projects"][0].update(max_session_size=40, months=[3, 4])
    sessions = optimum(tiny).sessions
    assert len(sessions) == 4 and sum(row.size for row in sessions) == 150


def test_headcount_all_seats_every_teacher(tiny):
    tiny["projects"][0].update(headcount="all", mode="online")
    (row,) = optimum(tiny).sessions
    assert row.seats == {"c": 100, "r": 100} and row.venue is None


def test_rural_quota_binds(tiny):
    # Only 15 rural teachers: a quota of half of 40 (20 seats) cannot be met.
    tiny["towns"][1]["teachers"] = {"pri": 15}
    tiny["projects"][0]["rural_quota"] = 0.5
    assert solve_checked(tiny).solution.status.value == "INFEASIBLE"
    # A quota of 0.25: 10 rural seats, met. The fair shares of 100 and 15 teachers are
    # floor(40 × 100 / 115) = 34 and floor(40 × 15 / 115) = 5: the quota's 10 rural seats leave
    # c 30, 4 short (the former `rural` term seated all 15 rural teachers instead).
    tiny["projects"][0]["rural_quota"] = 0.25
    solution = optimum(tiny)
    assert solution.sessions[0].seats == {"c": 30, "r": 10} and solution.kpis["share"] == 4
    assert solution.objective == BASE_OPTIMUM + 4 * 200


def test_absence_cap_pushes_training_into_the_holidays(tiny):
    # A tenth of each town may be away on a school day: at most 10 + 10 < 40 in March, so the
    # session moves to the summer holidays in July (not a preferred month: +1,000), where
    # no one is counted away (balance 0): cost 1,010 + 1,000.
    tiny["policy"] = {"max_absence_share": 0.1}
    tiny["projects"][0].update(months=[3, 7], preferred_months=[3])
    solution = optimum(tiny)
    assert solution.sessions[0].start.month == 7
    assert solution.objective == 1_010 + 1_000


def test_absence_cap_not_binding(tiny):
    tiny["policy"] = {"max_absence_share": 0.5}
    assert optimum(tiny).objective == BASE_OPTIMUM


def test_town_absence_share_overrides_policy(tiny):
    # The policy lets half of each town go, but the rural town may send 10 at once: 10 seats
    # of its fair share of 20 go to the urban town (share 10 × 200). Under the former `rural`
    # term, which seated the class all rural, a cap of 25 moved 15 seats.
    tiny["policy"] = {"max_absence_share": 0.5}
    tiny["towns"][1]["max_absence_share"] = 0.1
    solution = optimum(tiny)
    assert solution.sessions[0].seats == {"c": 30, "r": 10}
    assert solution.objective == BASE_OPTIMUM + 10 * 200


def test_balance_spreads_sessions_over_days(tiny):
    # 80 teachers in classes of 40: on two days the peak is 40, not 80.
    tiny["projects"][0].update(headcount=80, max_session_size=40)
    solution = optimum(tiny)
    assert solution.kpis["balance"] == 40
    assert solution.objective == 2 * 1_010 + 800


def test_preferred_months(tiny):
    tiny["projects"][0].update(months=[3, 4], preferred_months=[4])
    solution = optimum(tiny)
    assert solution.sessions[0].start.month == 4 and solution.objective == BASE_OPTIMUM


def test_precedence_binds(tiny):
    # p1 prefers April, but p2 (March only) must come after it: p1 runs in March (+1,000).
    tiny["projects"][0].update(months=[3, 4], preferred_months=[4])
    second_project(tiny, months=[3], preferred_months=[3], after=["p1"])
    solution = optimum(tiny)
    p1, p2 = (next(row for row in solution.sessions if row.project == p) for p in ("p1", "p2"))
    assert p1.end < p2.start
    assert solution.objective == 2 * 1_010 + 800 + 1_000


def test_precedence_with_a_dropped_project_constrains_nothing(tiny):
    tiny["projects"][0].update(months=[3, 4], preferred_months=[4], priority=1,
                               venue_features=["投影"])  # no venue has it: p1 is dropped
    second_project(tiny, months=[3], preferred_months=[3], after=["p1"],
                   venue_features=[], priority="mandatory")
    result = solve_checked(tiny)
    assert result.solution.dropped == ["p1"] and "投影" in result.unschedulable["p1"]


def test_phases_keep_their_gap(tiny):
    tiny["projects"][0].update(phases=3, days=2, min_gap_days=10, months=[3, 4, 5])
    rows = optimum(tiny).sessions
    assert [row.phase for row in rows] == [1, 2, 3]
    assert all((later.start - earlier.end).days - 1 >= 10
               for earlier, later in pairwise(rows))


def test_phases_that_cannot_fit_are_explained(tiny):
    tiny["projects"][0].update(phases=2, min_gap_days=40)
    result = solve_checked(tiny)
    assert result.solution.status.value == "INFEASIBLE"
    assert "phases" in result.unschedulable["p1"]


def test_a_venue_smaller_than_any_session_can_be_is_never_offered(tiny):
    # 150 teachers in 2 classes of at most 100: each class seats at least 150 − 100 = 50, so
    # the 40-seat room can never host one; the hall (100) can.
    tiny["projects"][0].update(headcount=150, max_session_size=100)
    instance = parse_instance(tiny)
    split = split_project(instance, instance.projects[0], YearCalendar(instance))
    assert not isinstance(split, str)
    assert (split.count, [venue.id for venue in split.venues]) == (2, ["hall"])
    solution = optimum(tiny)
    assert {row.venue for row in solution.sessions} == {"hall"}


# --- what the model fixes in advance, and what that must not cost ------------------------------


def summer_project(tiny: dict) -> dict:
    """p1 as 80 teachers in two 40-seat classes of the summer holidays, tilted 3 to 1 with a
    rural quota of 0.8: fair shares c 20, r 60; the quota asks 64 rural seats, 4 beyond r's
    share, which only c can give up: fair seats c 16, r 64, share 4."""
    tiny["policy"] = {"rural_weight": 3, "rural_quota": 0.8}
    tiny["projects"][0].update(headcount=80, max_session_size=40, months=[7, 8],
                               holiday="required")
    return tiny


def test_a_class_that_never_keeps_teachers_from_school_has_its_towns_seats_fixed(tiny):
    instance = parse_instance(summer_project(tiny))
    project = instance.projects[0]
    assert instance.fair_seats(project) == {"c": 16, "r": 64}
    built = TrainingModel(instance)
    variables = built.projects["p1"]
    # Seats by town over both classes are pinned; how they fall between the classes is not.
    for town, total in (("c", 16), ("r", 64)):
        seats = sum(session.seats[town] for session in variables.sessions)
        model = built.model.clone()
        model.add(seats != total * variables.scheduled)
        assert cp_model.CpSolver().solve(model) == cp_model.INFEASIBLE
    solution = optimum(summer_project(copy.deepcopy(TINY)))
    assert solution.kpis["share"] == 4


def test_fixing_those_seats_loses_nothing(tiny, monkeypatch):
    fixed = optimum(summer_project(copy.deepcopy(tiny)))
    monkeypatch.setattr(TrainingModel, "_never_away_in_term", lambda self, variables: False)
    free = optimum(summer_project(tiny))
    assert fixed.objective == free.objective
    assert fixed.kpis == free.kpis


def test_a_term_time_project_keeps_its_seats_free(tiny):
    tiny["projects"][0].update(headcount=80, max_session_size=40)
    built = TrainingModel(parse_instance(tiny))
    assert "p1" not in built.seat_totals


def test_classes_are_in_date_order(tiny):
    tiny["projects"][0].update(headcount=80, max_session_size=40)
    instance = parse_instance(tiny)
    built = TrainingModel(instance)
    first, second = built.projects["p1"].sessions
    model = built.model.clone()
    model.add(first.phases[0].start > second.phases[0].start)
    assert cp_model.CpSolver().solve(model) == cp_model.INFEASIBLE


def test_the_model_imports_no_tables():
    """Importing the model loads no module of ours that imports pandas (`scheduler.core.diff` made
    its tables with it). OR-Tools' `cp_model` imports pandas on its own, so `sys.modules` alone
    cannot tell: the imports of pandas are caught where they are made."""
    spy = """
import builtins, sys
importers = set()
real = builtins.__import__
def spy(name, globals=None, locals=None, fromlist=(), level=0):
    if name.split(".")[0] == "pandas" and globals:
        importers.add(globals.get("__name__") or "")
    return real(name, globals, locals, fromlist, level)
builtins.__import__ = spy
import scheduler.model
ours = sorted(name for name in importers if name.split(".")[0] in ("scheduler", "models"))
print(ours, "scheduler.core.diff" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", spy], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["[]", "False"], done.stdout + done.stderr
