"""Teachers, not only seats: one training at a time, and classes of a real size.

Each rule on the tiny world (tests/helpers.py: towns c and r, 100 primary teachers each), once
where it binds and once where it does not, the optimum worked out by hand; then the property
that every plan, the solver's and the quick plans', keeps one training at a time as the
independent checker counts it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import parse_instance
from models.parse import InputError
from scheduler.analysis.class_costs import why
from scheduler.cli import main
from scheduler.core.kpis import forced_share
from scheduler.core.sessions import precheck
from scheduler.core.validate import validate
from scheduler.export.official_table import official_table
from scheduler.export.summaries import area_summary, kpi_table, town_summary
from scheduler.search.construct import SeatAwarePlanner
from scheduler.search.hand_method import GreedyPlanner
from scheduler.search.solve import solve
from tests.helpers import TINY, as_solution, blackout_all_of_march_but, optimum, solve_checked


def rows_of(solution, project: str) -> list:
    return [row for row in solution.sessions if row.project == project]


# --- one training at a time ----------------------------------------------------------------


def all_of_march_online(tiny: dict[str, Any], audience: str = "pri") -> None:
    """p2: every teacher of `audience`, online every day of March (weekends too)."""
    tiny["projects"].append({
        "id": "p2", "name": "全员网络研修", "audiences": [audience], "headcount": "all",
        "mode": "online", "days": 31, "months": [3], "weekdays_only": False,
        "trainers_per_session": 0, "priority": "mandatory"})


def test_an_all_staff_online_month_moves_another_class_out_of_it(tiny):
    # p1 prefers March and may run in April; the all-staff online p2 takes every primary
    # teacher every day of March, so p1 goes to April: one day outside its preferred months.
    tiny["projects"][0].update(months=[3, 4], preferred_months=[3])
    all_of_march_online(tiny)
    solution = optimum(tiny)
    assert [row.start.month for row in rows_of(solution, "p1")] == [4]
    assert solution.kpis["preference"] == 1


def test_an_all_staff_month_of_another_audience_leaves_the_class_in_it(tiny):
    tiny["audiences"].append({"id": "jun", "name": "初中教师"})
    for town in tiny["towns"]:
        town["teachers"]["jun"] = 50
    tiny["projects"][0].update(months=[3, 4], preferred_months=[3])
    all_of_march_online(tiny, "jun")
    solution = optimum(tiny)
    assert [row.start.month for row in rows_of(solution, "p1")] == [3]
    assert solution.kpis["preference"] == 0


def half_shared(tiny: dict[str, Any], headcount: int) -> dict[str, Any]:
    """p1 (primary, `headcount`, in person) and p2 (primary and junior, 200 of each town's 200,
    online), both on 2024-03-12 only: on that day a town's primary teachers are p1's seats of
    100 plus p2's of 200."""
    tiny["audiences"].append({"id": "jun", "name": "初中教师"})
    for town in tiny["towns"]:
        town["teachers"]["jun"] = 100
    tiny["calendar"]["blackouts"] = blackout_all_of_march_but(12)
    tiny["projects"][0].update(headcount=headcount, months=[3])
    tiny["projects"].append({
        "id": "p2", "name": "网络研修", "audiences": ["pri", "jun"], "headcount": 200,
        "mode": "online", "days": 1, "months": [3], "trainers_per_session": 0,
        "priority": "mandatory"})
    return tiny


def test_two_trainings_sharing_half_an_audience_may_share_a_day(tiny):
    # Each town: p1 50/100 + p2 100/200 = 1 of its primary teachers, exactly all of them.
    solution = optimum(half_shared(tiny, 100))
    assert {row.start.day for row in solution.sessions} == {12}
    for project in ("p1", "p2"):
        seats = [row.seats for row in rows_of(solution, project)]
        assert sum(seat.get("c", 0) for seat in seats) == sum(seat.get("r", 0) for seat in seats)


def test_one_teacher_more_and_they_cannot(tiny):
    # 101 + 200 seats: over the two towns the shares add up to 1.01 + 1 > 2; no plan.
    result = solve(parse_instance(half_shared(tiny, 101)), time_limit=10, workers=1)
    assert result.solution.status.value == "INFEASIBLE"


def test_the_quick_plans_keep_the_rule_too(tiny):
    tiny["projects"][0].update(months=[3, 4], preferred_months=[3])
    all_of_march_online(tiny)
    instance = parse_instance(tiny)
    # The hand method, in table order, puts p1 on March's first day and then finds no room
    # for p2; the seat-aware plan places p2, which has one start day, first.
    hand = GreedyPlanner(instance).plan()
    assert hand.dropped == ["p2"]
    assert {v.rule for v in validate(instance, as_solution(instance, hand))} == {
        "mandatory-dropped"}
    quick = SeatAwarePlanner(instance).plan()
    assert quick.dropped == [] and [row.start.month for row in quick.rows
                                    if row.project == "p1"] == [4]
    assert validate(instance, as_solution(instance, quick)) == []


# --- classes of a real size ----------------------------------------------------------------


def two_classes_of_90(tiny: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """p1: 90 teachers in 2 classes, the rent alone counting (no balance): the room holds 40
    at 10 yuan a day, the hall 100 at 100."""
    tiny["projects"][0].update(headcount=90, sessions=2, trainers_per_session=0, **fields)
    tiny["objective"] = {"weights": {"balance": 0}}
    return tiny


def class_sizes(solution) -> list[int]:
    return sorted(sum(row.seats.values()) for row in solution.sessions)


def test_without_a_minimum_the_cheap_room_takes_a_class(tiny):
    # 40 in the room (10) and 50 in the hall (100): 110 yuan. The default least class,
    # floor(90 / 2 / 2) = 22, allows it.
    solution = optimum(two_classes_of_90(tiny))
    assert class_sizes(solution) == [40, 50]
    assert solution.kpis["cost"] == 110


def test_a_minimum_class_size_changes_the_split(tiny):
    # At least 45 a class: neither fits the room, two classes of 45 in the hall, 200 yuan.
    solution = optimum(two_classes_of_90(tiny, min_session_size=45))
    assert class_sizes(solution) == [45, 45]
    assert solution.kpis["cost"] == 200


def test_no_class_of_one_by_default(tiny):
    # 41 teachers, at most 40 a class: two classes, each at least floor(41 / 2 / 2) = 10.
    tiny["projects"][0].update(headcount=41, max_session_size=40)
    solution = optimum(tiny)
    assert min(class_sizes(solution)) >= 10


@pytest.mark.parametrize(("fields", "policy", "words"), [
    ({"min_session_size": 50}, {}, ["projects[0].min_session_size", "at least 50", "trains 40"]),
    ({}, {"min_session_size": 50}, ["policy.min_session_size", "at least 50", "trains 40"]),
    ({"min_session_size": 25, "sessions": 2}, {},
     ["projects[0].min_session_size", "2 classes", "need 50", "trains 40"]),
    ({"min_session_size": 30, "max_session_size": 20}, {},
     ["projects[0].min_session_size", "max_session_size is 20"]),
])
def test_a_minimum_no_plan_can_keep_is_refused_by_field(tiny, fields, policy, words):
    tiny["projects"][0].update(fields)
    tiny["policy"] = policy
    with pytest.raises(InputError) as refused:
        parse_instance(tiny)
    assert any(all(word in problem for word in words) for problem in refused.value.problems)


# --- every plan keeps one training at a time, and spread -------------------------------------


@st.composite
def sharing_variants(draw: st.DrawFn) -> dict:
    """The tiny world with two to three projects of overlapping audiences in the same months,
    in person and online, some all-staff, some spread."""
    data = copy.deepcopy(TINY)
    data["audiences"].append({"id": "jun", "name": "初中教师"})
    for town in data["towns"]:
        town["teachers"]["jun"] = draw(st.integers(0, 60))
    month = draw(st.integers(3, 6))
    projects = []
    for index in range(draw(st.integers(2, 3))):
        audiences = draw(st.sampled_from([["pri"], ["jun"], ["pri", "jun"]]))
        online = draw(st.booleans())
        projects.append({
            "id": f"p{index + 1}", "name": f"项目{index + 1}", "audiences": audiences,
            "headcount": draw(st.sampled_from(["all", 20, 60, 120])),
            "mode": "online" if online else "offline",
            "days": draw(st.integers(1, 3)), "months": [month],
            "topics": ["A"], "trainers_per_session": 0 if online else 1,
            "spread": draw(st.booleans()), "max_session_size": draw(st.sampled_from([30, 80])),
            "priority": draw(st.sampled_from(["mandatory", 5]))})
    data["projects"] = projects
    data["policy"] = {"max_absence_share": draw(st.sampled_from([0.3, 1.0]))}
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sharing_variants())
def test_every_plan_keeps_one_training_at_a_time_and_spread(data):
    try:
        instance = parse_instance(data)
    except InputError:  # a headcount above its audiences' teachers: refused, rightly
        return
    for planner in (GreedyPlanner, SeatAwarePlanner):
        plan = planner(instance).plan()
        if not any(instance.project(pid).mandatory for pid in plan.dropped):
            assert validate(instance, as_solution(instance, plan)) == []
    solution = solve_checked(data, time_limit=5).solution
    assert solution.status.value in ("OPTIMAL", "FEASIBLE", "INFEASIBLE")


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["outside its preferred months", "town c (城区)'s teachers are in p2 on 03-01…03-31"]),
    ("zh", ["不在首选月份", "乡镇城区（c） 的教师 03-01…03-31 在参加 p2"]),
])
def test_why_names_the_training_that_holds_the_teachers(tiny, lang, words):
    tiny["projects"][0].update(months=[3, 4], preferred_months=[3])
    all_of_march_online(tiny)
    solution = optimum(tiny)
    (project,) = why(parse_instance(tiny), solution, "p1")
    reasons = " ".join(reason.text(lang) for reason in project.classes[0].reasons)
    assert all(word in reasons for word in words), reasons


def test_explain_names_the_all_staff_days_that_leave_a_class_no_day(tiny, tmp_path):
    # p1 may run only in March, every day of which the all-staff p2 takes: the pre-check names
    # the training, the audience, a town and the days, and explain offers p1 other months.
    all_of_march_online(tiny)
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny, ensure_ascii=False), encoding="utf-8")
    for lang, words in (("en", ["p1 (培训一) cannot run", "2024-03-01–2024-03-31",
                                "p2 (全员网络研修)", "小学教师", "城区", "one training a day"]),
                        ("zh", ["项目培训一（p1）无法安排", "全员网络研修（p2）", "小学教师",
                                "城区", "也在4月举办"])):
        result = CliRunner().invoke(main, ["explain", str(path), "--lang", lang])
        assert result.exit_code == 0, result.output
        assert all(word in result.output for word in words), result.output
        if lang == "en":
            assert "month" in result.output.split("cannot run", 1)[1]


def test_a_least_class_the_venues_rule_out_is_found_before_the_search(tiny):
    # 100 teachers in person, without the hall only the room (40 seats): 3 classes, and 3
    # classes of at least 35 need 105.
    tiny["venues"] = tiny["venues"][1:]
    tiny["projects"][0].update(headcount=100, min_session_size=35)
    (finding,) = precheck(parse_instance(tiny))
    assert finding.rule == "class-size" and finding.blocking
    assert "3 sessions of at least 35 and at most 40 teachers cannot seat exactly its 100" \
        in finding.sentence.text("en")


# --- spread over the window ----------------------------------------------------------------
# (docs/format.md, Spread: the k-th of N starts in the k-th of N equal groups of the allowed
# start days.)


def spread_series(tiny: dict[str, Any], spread: bool = True) -> dict[str, Any]:
    """p1, three one-day classes of 40 in March–May whose teachers prefer March."""
    tiny["projects"][0].update(headcount=120, max_session_size=40, months=[3, 4, 5],
                               preferred_months=[3], spread=spread)
    return tiny


def test_a_spread_series_of_three_takes_one_start_in_each_third(tiny):
    # March–May 2024 has 64 working days: March's 21; April's 22 (Qingming 04-04..06 off,
    # Sundays 04-07 and 04-28 make-up working days); May's 21 (05-01..05 off, Saturday 05-11
    # a make-up day). Thirds of 22, 21, 21: 03-01…04-01, 04-02…04-30, 05-06…05-31. Spread, the
    # classes take the first day of the second and third (outside March either way, and the
    # plan is otherwise the same on every day): 2 days outside the preferred months.
    solution = optimum(spread_series(tiny))
    starts = sorted(row.start for row in solution.sessions)
    assert [day.isoformat() for day in starts][1:] == ["2024-04-02", "2024-05-06"]
    assert starts[0].month == 3
    assert solution.kpis["preference"] == 2


def test_without_spread_the_series_keeps_to_its_preferred_month(tiny):
    solution = optimum(spread_series(tiny, spread=False))
    assert {row.start.month for row in solution.sessions} == {3}
    assert solution.kpis["preference"] == 0


def test_spread_with_phases_and_a_gap(tiny):
    # One class in three phases at least 20 days apart, spread: each phase in its own third
    # (the gap holds too), checked by the independent checker inside `optimum`.
    tiny["projects"][0].update(headcount=40, sessions=1, phases=3, min_gap_days=20,
                               months=[3, 4, 5], spread=True)
    solution = optimum(tiny)
    assert [row.start.month for row in sorted(solution.sessions, key=lambda row: row.phase)] \
        == [3, 4, 5]


def test_more_starts_than_days_cannot_run(tiny):
    # Three classes to spread over March, whose blackouts leave one day.
    tiny["projects"][0].update(headcount=120, max_session_size=40, months=[3], spread=True)
    tiny["calendar"]["blackouts"] = blackout_all_of_march_but(12)
    (finding,) = precheck(parse_instance(tiny))
    assert finding.rule == "spread" and "3 starts" in finding.sentence.text("en")


def test_the_quick_plans_spread_a_series(tiny):
    instance = parse_instance(spread_series(tiny))
    for planner in (GreedyPlanner, SeatAwarePlanner):
        plan = planner(instance).plan()
        assert sorted(row.start.month for row in plan.rows) == [3, 4, 5]
        assert validate(instance, as_solution(instance, plan)) == []


# --- training that goes to the schools (送教下乡) -------------------------------------------


def two_areas(tiny: dict[str, Any], delivery: str) -> dict[str, Any]:
    """Towns c and r in areas 城区片 and 乡镇片; p1, 80 teachers, with `delivery`."""
    tiny["towns"][0]["area"], tiny["towns"][1]["area"] = "城区片", "乡镇片"
    tiny["projects"][0].update(headcount=80, delivery=delivery)
    return tiny


def test_a_to_area_project_meets_in_each_area(tiny):
    # Each area's part is ceil(80 × 100 / 200) = 40: one class in the hall (城区片) for c's 40
    # and one in the room (乡镇片) for r's 40; each town its fair share.
    solution = optimum(two_areas(tiny, "to_area"))
    classes = sorted((row.venue, tuple(sorted(row.seats.items()))) for row in solution.sessions)
    assert classes == [("hall", (("c", 40),)), ("room", (("r", 40),))]
    assert solution.kpis["share"] == 0


def test_why_never_offers_a_room_in_another_area(tiny, tmp_path):
    # The hall class (城区片) would be cheaper in r's room, which is in the other area.
    data = two_areas(tiny, "to_area")
    paths = tmp_path / "tiny.json", tmp_path / "plan.json"
    paths[0].write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    paths[1].write_text(optimum(data).to_json(), "utf-8")
    shown = CliRunner().invoke(main, ["why", *map(str, paths), "p1", "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    assert "a cheaper venue: in another area than its trainees' (送教下乡 goes to them)" in \
        shown.output
    assert "breaks no rule" not in shown.output


def test_a_central_project_brings_the_trainees_to_one_room(tiny):
    # ceil(80 / 100) = 1 class, in the hall, for both towns.
    solution = optimum(two_areas(tiny, "central"))
    assert [(row.venue, row.seats) for row in solution.sessions] == [
        ("hall", {"c": 40, "r": 40})]


def test_an_area_without_a_room_is_named(tiny):
    tiny["venues"] = tiny["venues"][:1]  # the hall in c only
    (finding,) = precheck(parse_instance(two_areas(tiny, "to_area")))
    assert finding.rule == "to-area"
    assert "area 乡镇片 (乡镇) has no venue it may use" in finding.sentence.text("en")


def test_an_online_project_cannot_go_to_the_areas(tiny):
    tiny["projects"][0].update(mode="online")
    with pytest.raises(InputError) as refused:
        parse_instance(two_areas(tiny, "to_area"))
    assert "projects[0].delivery" in refused.value.problems[0]


def test_explain_offers_a_room_in_the_area_then_to_bring_the_trainees_in(tiny, tmp_path):
    tiny["venues"] = tiny["venues"][:1]  # the hall in c only
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(two_areas(tiny, "to_area"), ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["explain", str(path)])
    assert result.exit_code == 0, result.output
    assert "area 乡镇片 (乡镇) has no venue it may use" in result.output
    room = result.output.index("1. book a room like venue hall (报告厅) (100 seats) in 乡镇, in "
                               "area 乡镇片")
    assert room < result.output.index("2. bring the trainees of project p1 (培训一) to one venue "
                                      "instead of going to their areas")
    # Each was tried for real: the room in r gives the plan of two classes, one per area.
    data = two_areas(tiny, "to_area")
    data["venues"].append({**data["venues"][0], "id": "r-room", "name": "乡镇 培训室",
                           "town": "r"})
    assert sorted(row.venue for row in optimum(data).sessions) == ["hall", "r-room"]


def trainers_at_home(tiny: dict[str, Any], fee_in_r: int) -> dict[str, Any]:
    """Two areas, p1 to_area (a class in each), and two trainers of topic A: t1 lives in c,
    t3 (at `fee_in_r` a day, t1's being 1,000) in r."""
    two_areas(tiny, "to_area")
    tiny["trainers"] = [{**tiny["trainers"][0], "town": "c"},
                        {"id": "t3", "name": "王老师", "topics": ["A"], "town": "r",
                         "max_days": 30, "fee_per_day": fee_in_r}]
    return tiny


def teacher_of(solution, venue: str) -> list[str]:
    return next(row.trainers for row in solution.sessions if row.venue == venue)


def test_the_nearest_trainer_goes_when_all_else_is_equal(tiny):
    # Each trainer teaches the class in their own area: no day away (50 each otherwise).
    solution = optimum(trainers_at_home(tiny, 1_000))
    assert teacher_of(solution, "hall") == ["t1"] and teacher_of(solution, "room") == ["t3"]
    assert solution.kpis["away_days"] == 0


def test_a_trainer_cheaper_by_more_than_the_travel_goes_away(tiny):
    # t3 at 900 a day saves 100 on the hall's class, more than its day away (50): t3 teaches
    # both (one day away), t1 none.
    solution = optimum(trainers_at_home(tiny, 900))
    assert teacher_of(solution, "hall") == ["t3"] and teacher_of(solution, "room") == ["t3"]
    assert solution.kpis["away_days"] == 1


def test_the_official_table_says_where_the_training_went(tiny):
    data = two_areas(tiny, "to_area")
    solution = optimum(data)
    (row,) = official_table(parse_instance(data), solution).to_dict("records")
    assert row["培训地点"] == "送教到片区（城区片、乡镇片）"


# --- seats short of fair share that the quotas force (docs/format.md, Forced shortfall) -------


def test_a_rural_only_project_leaves_the_urban_town_short_by_force(tiny, tmp_path):
    # 40 teachers, all rural (quota 1): c's fair share, floor(40 × 100 / 200) = 20, is short,
    # every seat of it forced; the summary, the KPI sheet and the town sheet say so.
    tiny["projects"][0]["rural_quota"] = 1.0
    instance = parse_instance(tiny)
    assert instance.forced_shortfall(instance.projects[0]) == {"c": 20}
    solution = optimum(tiny)
    assert solution.kpis["share"] == 20 and forced_share(instance, solution.dropped) == 20
    kpis = kpi_table(instance, solution).set_index("指标")["数值"]
    assert kpis["公平名额缺口"] == kpis["其中农村名额所致"] == 20
    towns = town_summary(instance, solution).set_index("乡镇")
    assert towns.loc["城区", "其中农村名额所致"] == towns.loc["城区", "公平名额缺口"] == 20
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny, ensure_ascii=False), "utf-8")
    for lang, words in (("en", "seats short of fair share 20 (all forced by rural quotas)"),
                        ("zh", "公平名额缺口 20（全部由农村名额所致）")):
        result = CliRunner().invoke(main, ["solve", str(path), "--out", str(tmp_path / lang),
                                           "--formats", "csv", "--lang", lang])
        assert words in result.output, result.output


def test_why_names_the_spread_that_holds_a_class_outside_its_month(tiny):
    # The spread series of three prefers March; its April and May classes are held there by the
    # spread (and weekends), not by a venue or trainer.
    solution = optimum(spread_series(tiny))
    (project,) = why(parse_instance(tiny), solution, "p1")
    held = [cls for cls in project.classes if cls.rows[0].start.month != 3]
    assert held and all("its series is spread over its window"
                        in " ".join(map(str, cls.reasons))
                        for cls in held)


def test_the_outputs_show_seats_and_hours_by_area(tiny):
    data = two_areas(tiny, "to_area")
    instance, solution = parse_instance(data), optimum(data)
    areas = area_summary(instance, solution).set_index("片区")
    assert areas.loc["城区片", "参训人次"] == areas.loc["乡镇片", "参训人次"] == 40
    assert areas.loc["乡镇片", "本计划提供学时（人均）"] == 3.2  # 40 × 8 学时 / 100 teachers
    assert area_summary(parse_instance(TINY), solution) is None  # no areas, no table
