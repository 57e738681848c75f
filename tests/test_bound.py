"""The linear relaxation's bound: never above an optimum, exact where nothing is left to
choose, and what `solve` reports when CP-SAT proves less."""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scheduler.search.cpsat
import scheduler.search.solve
from models import parse_instance
from models.load import load_instance
from scheduler.model import TrainingModel
from scheduler.search.bound import BackgroundBound, _Relaxation, relaxation_bound
from scheduler.search.params import DEFAULT
from scheduler.search.solve import solve
from tests.helpers import TINY, optimum, tiny_variants

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


def test_exact_when_the_cheapest_choice_is_free(tiny):
    # 40 teachers, one day: the room (10 yuan) and t1 (1,000 yuan), each town its fair share
    # of 20 seats, 40 teachers away (20 each): 1,010 + 800, the optimum.
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 1_810
    solution = optimum(tiny)
    assert (solution.objective, solution.bound) == (1_810, 1_810)


def test_counts_what_the_share_term_cannot_avoid(tiny):
    # The rural town may send 10 teachers a school day and the class runs in term time: of its
    # fair share of 20 (100 of 200 teachers) at most 10 are seated, 10 short at 200 each (under
    # the former `rural` term, 30 short of all 40 rural).
    tiny["towns"][1]["max_absence_share"] = 0.1
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 1_810 + 10 * 200
    assert optimum(tiny).objective == 1_810 + 10 * 200


def test_a_project_preferring_a_rural_venue_pays_for_it_one_way_or_the_other(tiny):
    # Two classes of 40 that prefer a rural venue: in the rural room at 5,000 yuan a day each,
    # or in the hall at 100 and 40 seats x 200 of rural_venue each. The room is cheaper:
    # 2 x 5,000, with t1 (2 x 1,000) and 40 teachers away (800).
    tiny["venues"][1]["cost_per_day"] = 5_000
    tiny["projects"][0].update(headcount=80, max_session_size=40, venue_rural="preferred")
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 12_800
    assert optimum(tiny).objective == 12_800


def test_a_trainer_free_on_few_days_of_a_month_teaches_no_more_of_it(tiny):
    # t1 (1,000 yuan) is free on 1 March and every day of April; p1 has two classes in March,
    # p2 one in April. Over the year t1 has days enough for all three, but in March only for
    # one: t2 (2,000 yuan) teaches the other. With the room (10 yuan a day) and 40 away: 4,830.
    tiny["trainers"][0]["available"] = [{"start": "2024-03-01", "end": "2024-03-01"},
                                        {"start": "2024-04-01", "end": "2024-04-30"}]
    tiny["projects"][0].update(headcount=80, max_session_size=40)
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "headcount": 40, "months": [4]})
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 4_830
    assert optimum(tiny).objective == 4_830


def test_venues_hold_every_seat(tiny):
    # 120 teachers in two classes; the room (moved to the city) holds 40, so its 10 yuan a day
    # cannot serve both: the classes' seat-days need the hall (100 seats, 100 yuan) for at
    # least 2/3 of a day (100 h + 40 (2 - h) >= 120), 80 yuan of venue with the room's rest.
    # With t1 for two days (2,000) and a class of 60 away (1,200): 3,280. The optimum puts
    # both classes of 60 in the hall: 200 + 2,000 + 1,200.
    tiny["venues"][1]["town"] = "c"
    tiny["projects"][0]["headcount"] = 120
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 3_280
    assert optimum(tiny).objective == 3_400


def test_a_week_of_free_days_holds_one_three_day_class(tiny):
    # t1 (1,000 yuan) is free only in the week of 4 March; two classes of 40 run 3 days each
    # in March. Counted in days, t1 could teach 5 of the 6; but a class's days are 3 weekdays
    # in a row, and one week holds only one: t2 (2,000 yuan) teaches the other. With the room
    # (10 yuan) for 6 days and 40 away: 9,000 + 60 + 800.
    tiny["trainers"][0]["available"] = [{"start": "2024-03-04", "end": "2024-03-08"}]
    tiny["projects"][0].update(headcount=80, max_session_size=40, days=3)
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 9_860
    assert optimum(tiny).objective == 9_860


def test_classes_on_the_same_school_day_are_away_together(tiny):
    # Every day of March but the 1st is blacked out, so p1 and p2 (40 each) are both away on
    # 1 March: the busiest day has 80 away (1,600), not the largest class's 40.
    # One takes the room and t1, the other the hall and t2: 10 + 1,000 + 100 + 2,000.
    tiny["calendar"]["blackouts"] = [{"name": "考试", "start": "2024-03-02", "end": "2024-03-31",
                                      "audiences": ["pri"]}]
    for town in tiny["towns"]:
        town["max_absence_share"] = 1.0
    tiny["projects"].append({**tiny["projects"][0], "id": "p2"})
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 4_710
    assert optimum(tiny).objective == 4_710


def test_in_whole_numbers_a_class_is_away_whole(tiny):
    # Two classes of exactly 40 in June or July; t1 (1,000 yuan) is free on 28 June, a school
    # day, and 8 July, in the summer holiday. One class is in term, all 40 away (800) on its
    # day, or t2 (2,000) teaches it: 2 x (1,000 + 10) + 800. The linear programme spreads
    # that class over June's school days, and of "one of the two classes is in term" it
    # counts a half: 20 away (400).
    tiny["trainers"][0]["available"] = [{"start": "2024-06-28", "end": "2024-06-28"},
                                        {"start": "2024-07-08", "end": "2024-07-08"}]
    tiny["projects"][0].update(headcount=80, max_session_size=40, months=[6, 7])
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 2_420
    assert relaxation_bound(TrainingModel(instance), whole_numbers=True) == 2_820
    assert optimum(tiny).objective == 2_820


def test_a_class_that_may_keep_off_school_days_is_away_whole_if_it_does_not(tiny):
    # One class of 40 in June or July; t1 (1,000 yuan) is away all summer, t2 (2,000) free.
    # In June with t1 all 40 are away on a school day: 1,000 + 10 + 800; in the holidays with
    # t2, 2,010. The linear programme no longer spreads the class over June's school days
    # (two away on each, 40 yuan): were it away at all, its 40 are.
    tiny["trainers"][0]["unavailable"] = [{"start": "2024-07-01", "end": "2024-08-31"}]
    tiny["projects"][0]["months"] = [6, 7]
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 1_810
    assert optimum(tiny).objective == 1_810


def test_in_whole_numbers_a_trainer_teaches_whole_classes(tiny):
    # Two 2-day classes of 40; t1 (1,000 yuan) may teach 3 days of the year. Counted in days,
    # t1 teaches 3 and t2 (2,000) one; but a class has one set of trainers for its days, so t1
    # teaches one class and t2 the other: 6,000, with the room (10 yuan) for 4 days and 40
    # away (800).
    tiny["trainers"][0]["max_days"] = 3
    tiny["projects"][0].update(headcount=80, max_session_size=40, days=2)
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance)) == 5_840
    assert relaxation_bound(TrainingModel(instance), whole_numbers=True) == 6_840
    assert optimum(tiny).objective == 6_840


def test_by_day_two_classes_on_one_day_take_two_rooms_and_two_trainers(tiny):
    # p1's two classes of 40 can only run on 1 March (its audience has March's other days
    # blacked out); p2 may run on any day of March, so by months t1 (1,000 yuan) and the room
    # (10 yuan) are free on many days of it, and both of p1's classes take them. By day, one
    # of them takes t2 (2,000) and the hall (100): 3,000 + 110 + p2's 1,010, and 80 away
    # on 1 March (1,600).
    for town in tiny["towns"]:
        town["teachers"]["sec"] = 100
    tiny["audiences"].append({"id": "sec", "name": "中学教师"})
    tiny["calendar"]["blackouts"] = [{"name": "考试", "start": "2024-03-02",
                                      "end": "2024-03-31", "audiences": ["pri"]}]
    tiny["projects"][0].update(headcount=80, max_session_size=40)
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "audiences": ["sec"],
                             "headcount": 40})
    instance = parse_instance(tiny)
    assert relaxation_bound(TrainingModel(instance), whole_numbers=True) == 4_630
    assert relaxation_bound(TrainingModel(instance), by_day=True) == 5_720
    assert optimum(tiny).objective == 5_720
    # After the stage in whole numbers, only t1 and the room are taken day by day, in March:
    # they take both of p1's classes on its one day. t2 and the hall, idle, keep their months'
    # limits.
    relaxation = _Relaxation(TrainingModel(instance))
    relaxation.solve(5)
    relaxation.solve_in_whole_numbers(5)
    assert relaxation.contested() == {("t1", 3), ("room", 3)}
    assert relaxation.solve_by_day(5, DEFAULT.by_day_max_variables) == 5_720
    # What each project's own terms cost there, the balance (80 away, 1,600) besides.
    costs = relaxation.project_costs()
    assert costs is not None and sum(costs.values()) + 1_600 == pytest.approx(5_720)


def test_by_day_is_left_out_where_the_months_hold_nothing_in_question(tiny):
    # p1's one class takes the room and t1 on one of March's many free days: nothing is full,
    # nothing takes two classes on one day; day by day would prove the same again.
    relaxation = _Relaxation(TrainingModel(parse_instance(tiny)))
    relaxation.solve(5)
    assert relaxation.solve_in_whole_numbers(5) == 1_810
    assert relaxation.contested() == set()
    assert relaxation.solve_by_day(5, DEFAULT.by_day_max_variables) is None


def test_a_project_that_cannot_run_pays_its_priority(tiny):
    tiny["projects"].append({**tiny["projects"][0], "id": "p2", "topics": ["C"], "priority": 3})
    instance = parse_instance(tiny)
    # A millionth is given away to GLOP's round-off.
    assert 3_001_810 - 4 < relaxation_bound(TrainingModel(instance)) <= 3_001_810


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_variants())
def test_never_above_the_optimum(data):
    instance = parse_instance(data)
    bound = relaxation_bound(TrainingModel(instance))
    whole = relaxation_bound(TrainingModel(instance), 5, whole_numbers=True)
    by_day = relaxation_bound(TrainingModel(instance), 5, by_day=True)
    solution = solve(instance, time_limit=5, workers=1).solution
    if solution.status.value == "OPTIMAL":
        assert bound is not None and whole is not None and by_day is not None
        assert bound <= whole <= solution.objective
        assert bound <= by_day <= solution.objective


@st.composite
def contested_variants(draw: st.DrawFn) -> dict:
    """Two projects in one month, competing for two trainers and two rooms that are each
    away some days of it, with one or two trainers a class and one or two topics."""
    data = copy.deepcopy(TINY)
    months = [draw(st.integers(1, 12))]
    for index in (1, 2):
        topics = draw(st.sampled_from([["A"], ["A", "B"]]))
        data["projects"].append({
            "id": f"q{index}", "name": f"项目{index}", "audiences": ["pri"],
            "headcount": draw(st.integers(20, 160)), "max_session_size": 40,
            "mode": "offline", "days": draw(st.integers(1, 3)), "months": months,
            "topics": topics, "trainers_per_session": draw(st.integers(len(topics) - 1, 2)),
            "priority": draw(st.sampled_from(["mandatory", 2]))})
    del data["projects"][0]
    for owner in (*data["trainers"], *data["venues"]):
        first, last = sorted(draw(st.lists(st.integers(1, 28), min_size=2, max_size=2)))
        owner["unavailable"] = [{"start": f"2024-{months[0]:02}-{first:02}",
                                 "end": f"2024-{months[0]:02}-{last:02}"}]
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contested_variants())
def test_by_day_never_above_the_optimum_of_projects_competing_for_trainers_and_rooms(data):
    instance = parse_instance(data)
    by_day = relaxation_bound(TrainingModel(instance), 5, by_day=True)
    # After the stage in whole numbers: only the venues and trainers it holds in question.
    contested = relaxation_bound(TrainingModel(instance), 5, whole_numbers=True, by_day=True)
    solution = solve(instance, time_limit=5, workers=1).solution
    if solution.status.value == "OPTIMAL":
        assert by_day is not None and by_day <= solution.objective
        assert contested is not None and contested <= solution.objective


def test_in_the_background_the_bound_rises_stage_by_stage_or_is_none_once_given_up():
    built = TrainingModel(load_instance(INSTANCES / "qianjiang-2022.json"))
    solved, given_up = BackgroundBound(built, 60), BackgroundBound(built, 60)
    assert given_up.finish() is None
    seen: list[int | None] = []
    waited = time.monotonic()
    while solved.ready() != 9_178_729 and time.monotonic() - waited < 60:
        if solved.ready() not in seen:
            seen.append(solved.ready())
        time.sleep(0.01)
    # The linear programme's bound at once, in whole numbers a little higher, and with the
    # venues and trainers it holds in question day by day higher again (the weights made from
    # the data: a seat of fair share 58,646, a day outside the preferred months 11,401).
    assert [bound for bound in seen if bound is not None] == [9_178_596, 9_178_629]
    assert solved.finish() == 9_178_729


def test_solve_reports_it_where_it_is_better_than_cp_sat():
    # On qianjiang the relaxation gives its bound at once, where CP-SAT alone proves far less
    # in a minute.
    instance = load_instance(INSTANCES / "qianjiang-2022.json")
    assert relaxation_bound(TrainingModel(instance)) == 9_178_596
    solution = solve(instance, time_limit=3, workers=2).solution
    assert solution.bound is not None and solution.bound >= 9_178_596
    assert solution.objective is not None and solution.bound <= solution.objective


def test_a_plan_it_proves_optimal_ends_the_search(monkeypatch):
    # On 2024 ruin and recreate reaches 96,800 within a second, and the relaxation in whole
    # numbers proves it optimal about a second later: the neighbourhood search stops, and the
    # full search, which took 4 s to prove it, never starts.
    def full_search(*args, **kwargs):
        raise AssertionError("the full search ran after the plan was proven optimal")

    monkeypatch.setattr(scheduler.search.solve._Search, "_full_search", full_search)
    result = solve(load_instance(INSTANCES / "2024.json"), time_limit=60, workers=2)
    solution = result.solution
    assert (solution.status.value, solution.objective, solution.bound) == ("OPTIMAL", 96_800,
                                                                          96_800)
    assert not result.interrupted


def test_the_search_leaves_a_core_to_the_bound_while_it_is_being_solved(monkeypatch):
    # On 4 cores a CP-SAT solve gets 3 workers by default while the bound is being solved
    # beside it, and 4 once it is done or where there is none; asked for 2, it gets 2.
    class Bound:
        solving = True

        def running(self) -> bool:
            return self.solving

    monkeypatch.setattr(scheduler.search.cpsat.os, "cpu_count", lambda: 4)
    bound = Bound()
    workers = scheduler.search.cpsat.search_workers(None, bound)
    assert workers() == 3
    bound.solving = False
    assert workers() == 4
    assert scheduler.search.cpsat.search_workers(None, None)() == 4
    bound.solving = True
    assert scheduler.search.cpsat.search_workers(2, bound)() == 2
