"""The independent checker: a hand-made valid plan passes, and each rule catches a broken copy.

The instance (2024, built-in Chinese calendar; dates checked with chinese_calendar):
2024-05-01..05 and 06-10 are public holidays, 2024-05-11 is a make-up working Saturday,
2024-04-13/14 a plain weekend; 暑假 is 07-01..08-31; the 期中考试 blackout (primary teachers)
is 04-22..04-26.

Towns (teachers primary/junior, absence cap on a school day):
  t1 城关镇 urban 40/20 share 0.5 -> floor(0.5 x 60) = 30
  t2 山乡 rural   20/10 policy 0.4 -> floor(0.4 x 30) = 12
  t3 河镇 rural   10/0  share 0.5 -> floor(0.5 x 10) = 5

The valid plan (rows: project session.phase):
  p1 1.1 04-09..10 hall [zhang]     {t1 10, t2 10, t3 5}  n = ceil(40 / min(25, 30)) = 2
  p1 2.1 04-16..17 hall [zhang]     {t2 10, t3 5}         rural 30 >= ceil(0.5 x 40) = 20
  p2 1.1 04-11     hall [li, zhang] {t1 10, t2 10}        gap 05-11 - 04-11 - 1 = 29 >= 5
  p2 1.2 05-11     room [li, wang]  {t1 10, t2 10}        make-up Saturday; rural 10 >= 5
  p3 1.1 07-10     -    [wang]      {t1 60, t2 30, t3 10} online, "all" = 100, in 暑假
  p4 1.1 06-11..13 -    []          {t1 5}                offsite, quota 0
  p5 dropped (priority 4)

Its KPIs by hand:
  dropped    = 4 (p5)
  preference = 1 (p2 phase 2 in May, preferred [4]; p4 in its months [6]; p1 in April)
  share      = fair shares floor(headcount x pool / total pool), rural_weight 1 (changed
               from the former rural term, 25, when it was replaced by share and rural_venue):
               p1 of 40/20/10: t1 floor(40 x 40/70) = 22, t2 11, t3 5; seated 10, 20, 10:
               12 short in t1; p2 of 20/10: t1 floor(20 x 20/30) = 13, t2 6; seated 10, 10:
               3 short in t1; p3 "all": none; p4 of 20/10: t1 3, t2 1; seated 5, 0: 1 short
               in t2                                                          -> 16
  rural_venue = p2 (venue_rural preferred): 20 seats of phase 1 at hall in urban t1 -> 20
  cost       = p1 2 x (500 + 1000) x 2 = 6000; p2 1 x (500 + 800 + 1000) = 2300 and
               1 x (200 + 800 + 600) = 1600; p3 1 x 600 = 600; p4 0          -> 10500
  balance    = 25 (04-09 and 04-10: 10 + 10 + 5; every other school day fewer)
  objective  = 1000 x 4 + 100 x 1 + 10 x 16 + 10 x 20 + 1 x 10500 + 2 x 25 = 15010
"""

from __future__ import annotations

import copy
import re
import string
from collections.abc import Callable
from typing import Any

import pytest

from models import Solution, parse_instance
from scheduler.core.validate import RULES, WORDS, Violation, recompute_kpis, validate

Data = dict[str, Any]
Mutation = Callable[[Data, Data], None]

INSTANCE: Data = {
    "schema": "training-instance/1",
    "name": "测试计划",
    "year": 2024,
    "calendar": {
        "holiday_windows": [{"name": "暑假", "start": "2024-07-01", "end": "2024-08-31"}],
        "blackouts": [{"name": "期中考试", "start": "2024-04-22", "end": "2024-04-26",
                       "audiences": ["primary"]}],
    },
    "audiences": [{"id": "primary", "name": "小学教师"}, {"id": "junior", "name": "初中教师"}],
    "towns": [
        {"id": "t1", "name": "城关镇", "rural": False, "teachers": {"primary": 40, "junior": 20},
         "max_absence_share": 0.5},
        {"id": "t2", "name": "山乡", "rural": True, "teachers": {"primary": 20, "junior": 10}},
        {"id": "t3", "name": "河镇", "rural": True, "teachers": {"primary": 10},
         "max_absence_share": 0.5},
    ],
    "venues": [
        {"id": "hall", "name": "进修学校报告厅", "town": "t1", "capacity": 30,
         "features": ["projector"], "cost_per_day": 500,
         "unavailable": [{"start": "2024-06-03", "end": "2024-06-07"}]},
        {"id": "room", "name": "山乡中心校教室", "town": "t2", "capacity": 20, "cost_per_day": 200},
    ],
    "trainers": [
        {"id": "zhang", "name": "张老师", "topics": ["math", "pedagogy"], "max_days": 10,
         "fee_per_day": 1000, "unavailable": [{"start": "2024-04-15", "end": "2024-04-15"}]},
        {"id": "li", "name": "李老师", "topics": ["reading"], "max_days": 10, "fee_per_day": 800,
         "available": [{"start": "2024-03-01", "end": "2024-06-30"}]},
        {"id": "wang", "name": "王老师", "topics": ["pedagogy"], "max_days": 5, "fee_per_day": 600},
    ],
    "projects": [
        {"id": "p1", "name": "小学数学骨干培训", "audiences": ["primary"], "headcount": 40,
         "mode": "offline", "days": 2, "max_session_size": 25, "months": [3, 4, 5, 6, 7],
         "preferred_months": [4], "holiday": "forbidden", "topics": ["math"],
         "trainers_per_session": 1, "rural_quota": 0.5, "venue_features": ["projector"],
         "priority": "mandatory"},
        {"id": "p2", "name": "初中阅读教学研修", "audiences": ["junior"], "headcount": 20,
         "mode": "blended", "days": 1, "sessions": 1, "phases": 2, "min_gap_days": 5,
         "months": [4, 5], "preferred_months": [4], "holiday": "allowed",
         "topics": ["reading", "pedagogy"], "trainers_per_session": 2,
         "venue_rural": "preferred", "priority": 3},
        {"id": "p3", "name": "全员网络研修", "audiences": ["primary", "junior"], "headcount": "all",
         "mode": "online", "days": 1, "holiday": "required", "topics": ["pedagogy"],
         "trainers_per_session": 1, "after": ["p1"], "priority": 2},
        {"id": "p4", "name": "外出跟岗学习", "audiences": ["junior"], "headcount": 5,
         "mode": "offsite", "days": 3, "months": [6], "holiday": "allowed", "rural_quota": 0,
         "priority": 1},
        {"id": "p5", "name": "校长领导力", "audiences": ["primary"], "headcount": 10,
         "mode": "offline", "days": 1, "holiday": "allowed", "topics": ["pedagogy"],
         "priority": 4},
    ],
    "policy": {"rural_quota": 0.25, "max_absence_share": 0.4, "weekdays_only": True},
    "objective": {"weights": {"dropped": 1000, "preference": 100, "share": 10, "rural_venue": 10,
                              "cost": 1, "balance": 2}},
}

KPIS = {"dropped": 4, "preference": 1, "share": 16, "rural_venue": 20, "cost": 10500,
        "balance": 25, "hours_short": 0, "away_days": 0}  # no trainer gives a town: never away


def _row(project: str, session: int, phase: int, start: str, end: str, venue: str | None,
         trainers: list[str], seats: dict[str, int]) -> Data:
    return {"project": project, "session": session, "phase": phase, "start": start, "end": end,
            "venue": venue, "trainers": trainers, "seats": seats}


SOLUTION: Data = {
    "schema": "training-solution/1",
    "instance": "测试计划",
    "status": "OPTIMAL",
    "objective": 15010,
    "bound": 15010,
    "kpis": KPIS,
    "dropped": ["p5"],
    "sessions": [
        _row("p1", 1, 1, "2024-04-09", "2024-04-10", "hall", ["zhang"],
             {"t1": 10, "t2": 10, "t3": 5}),
        _row("p1", 2, 1, "2024-04-16", "2024-04-17", "hall", ["zhang"], {"t2": 10, "t3": 5}),
        _row("p2", 1, 1, "2024-04-11", "2024-04-11", "hall", ["li", "zhang"],
             {"t1": 10, "t2": 10}),
        _row("p2", 1, 2, "2024-05-11", "2024-05-11", "room", ["li", "wang"],
             {"t1": 10, "t2": 10}),
        _row("p3", 1, 1, "2024-07-10", "2024-07-10", None, ["wang"],
             {"t1": 60, "t2": 30, "t3": 10}),
        _row("p4", 1, 1, "2024-06-11", "2024-06-13", None, [], {"t1": 5}),
    ],
}


# --- mutations: each returns a function that breaks (or bends) a copy in place -------------


def _find(items: list[Data], item_id: str) -> Data:
    return next(item for item in items if item["id"] == item_id)


def _session(solution: Data, project: str, session: int, phase: int) -> Data:
    return next(row for row in solution["sessions"]
                if (row["project"], row["session"], row["phase"]) == (project, session, phase))


def row(project: str, session: int, phase: int, **fields: Any) -> Mutation:
    return lambda inst, sol: _session(sol, project, session, phase).update(fields)


def dates(project: str, session: int, phase: int, start: str, end: str | None = None,
          **fields: Any) -> Mutation:
    return row(project, session, phase, start=start, end=end or start, **fields)


def add_row(project: str, session: int, phase: int, start: str, end: str, venue: str | None,
            trainers: list[str], seats: dict[str, int]) -> Mutation:
    new = _row(project, session, phase, start, end, venue, trainers, seats)
    return lambda inst, sol: sol["sessions"].append(new)


def remove_rows(project: str, session: int | None = None, phase: int | None = None) -> Mutation:
    def mutate(inst: Data, sol: Data) -> None:
        sol["sessions"] = [
            r for r in sol["sessions"]
            if not (r["project"] == project and session in (None, r["session"])
                    and phase in (None, r["phase"]))
        ]
    return mutate


def drop(project: str) -> Mutation:
    def mutate(inst: Data, sol: Data) -> None:
        remove_rows(project)(inst, sol)
        sol["dropped"].append(project)
    return mutate


def solution(**fields: Any) -> Mutation:
    return lambda inst, sol: sol.update(fields)


def kpis(**fields: int) -> Mutation:
    return lambda inst, sol: sol["kpis"].update(fields)


def without_kpi(name: str) -> Mutation:
    return lambda inst, sol: sol["kpis"].pop(name)


def section(kind: str, item_id: str, **fields: Any) -> Mutation:
    return lambda inst, sol: _find(inst[kind], item_id).update(fields)


def policy(**fields: Any) -> Mutation:
    return lambda inst, sol: inst["policy"].update(fields)


def both(*mutations: Mutation) -> Mutation:
    def mutate(inst: Data, sol: Data) -> None:
        for mutation in mutations:
            mutation(inst, sol)
    return mutate


def check(*mutations: Mutation, baseline: Solution | None = None) -> list[Violation]:
    inst, sol = copy.deepcopy(INSTANCE), copy.deepcopy(SOLUTION)
    for mutation in mutations:
        mutation(inst, sol)
    return validate(parse_instance(inst), Solution.model_validate(sol), baseline)


def p2_seats(seats: dict[str, int]) -> Mutation:
    return both(row("p2", 1, 1, seats=seats), row("p2", 1, 2, seats=dict(seats)))


# --- the valid plan -----------------------------------------------------------------------


def test_the_hand_made_plan_is_valid() -> None:
    assert check() == []


def test_kpis_are_recomputed_as_worked_out_by_hand() -> None:
    instance = parse_instance(copy.deepcopy(INSTANCE))
    assert recompute_kpis(instance, Solution.model_validate(SOLUTION)) == KPIS


def test_a_solution_without_a_schedule_has_nothing_to_check() -> None:
    assert check(solution(status="INFEASIBLE", sessions=[], kpis={}, objective=None)) == []


# --- each rule catches a broken copy ------------------------------------------------------

BROKEN = [
    pytest.param(solution(status="INFEASIBLE"), "status", ["INFEASIBLE", "6"], id="status"),
    pytest.param(solution(instance="别的计划"), "shape", ["别的计划", "测试计划"],
                 id="instance-name"),
    pytest.param(add_row("p9", 1, 1, "2024-04-18", "2024-04-18", None, [], {"t1": 1}),
                 "shape", ["p9 session 1 phase 1", "no project"], id="unknown-project"),
    pytest.param(add_row("p5", 1, 1, "2024-04-18", "2024-04-18", "hall", ["wang"], {"t1": 10}),
                 "shape", ["p5", "校长领导力", "dropped"], id="row-of-dropped-project"),
    pytest.param(solution(dropped=["p5", "p9"]), "shape", ["dropped", "p9"],
                 id="unknown-dropped-id"),
    pytest.param(solution(dropped=["p5", "p5"]), "shape", ["p5", "2 times"],
                 id="dropped-twice"),
    pytest.param(remove_rows("p4"), "shape", ["p4", "外出跟岗学习", "neither"],
                 id="neither-scheduled-nor-dropped"),
    pytest.param(remove_rows("p2", 1, 2), "shape", ["p2", "初中阅读教学研修", "session 1",
                                                     "phase 2", "no row"], id="missing-phase"),
    pytest.param(add_row("p4", 1, 1, "2024-06-11", "2024-06-13", None, [], {"t1": 5}),
                 "shape", ["p4", "session 1", "phase 1", "2 rows"], id="phase-twice"),
    pytest.param(add_row("p4", 1, 2, "2024-06-18", "2024-06-20", None, [], {"t1": 5}),
                 "shape", ["p4", "phase 2", "1 phase"], id="phase-beyond-phases"),
    pytest.param(drop("p1"), "mandatory-dropped", ["p1", "小学数学骨干培训", "mandatory"],
                 id="mandatory-dropped"),
    pytest.param(remove_rows("p1", 2), "session-count", ["p1", "[1]", "1..2", "ceil(40 / 25)"],
                 id="too-few-sessions"),
    pytest.param(add_row("p1", 3, 1, "2024-04-18", "2024-04-19", "hall", ["zhang"], {"t1": 1}),
                 "session-count", ["p1", "[1, 2, 3]", "1..2"], id="too-many-sessions"),
    pytest.param(row("p1", 1, 1, end="2024-04-11"), "session-length",
                 ["p1", "session 1 phase 1", "3 day(s)", "2 day(s)"], id="session-length"),
    pytest.param(dates("p4", 1, 1, "2023-06-13", "2023-06-15"), "year",
                 ["p4", "2023-06-13", "2024"], id="year"),
    pytest.param(dates("p2", 1, 2, "2024-05-01"), "public-holiday",
                 ["project p2 (初中阅读教学研修) session 1 phase 2: "
                  "2024-05-01 is a public holiday"],
                 id="public-holiday"),
    pytest.param(dates("p1", 2, 1, "2024-04-13", "2024-04-14"), "weekend",
                 ["p1", "session 2", "2024-04-13 (Saturday)", "2024-04-14 (Sunday)"],
                 id="weekend"),
    pytest.param(dates("p4", 1, 1, "2024-05-14", "2024-05-16"), "months",
                 ["p4", "2024-05-14", "[6]"], id="months"),
    pytest.param(dates("p3", 1, 1, "2024-06-12"), "holiday-required",
                 ["p3", "全员网络研修", "2024-06-12"], id="holiday-required"),
    pytest.param(dates("p1", 2, 1, "2024-07-09", "2024-07-10"), "holiday-forbidden",
                 ["p1", "session 2", "暑假", "2024-07-09"], id="holiday-forbidden"),
    pytest.param(dates("p1", 2, 1, "2024-04-23", "2024-04-24"), "blackout",
                 ["p1", "session 2", "期中考试", "2024-04-23", "primary"], id="blackout"),
    pytest.param(dates("p2", 1, 2, "2024-04-15"), "phase-gap",
                 ["p2", "session 1", "phase 2", "2024-04-15", "3 day(s)", "at least 5"],
                 id="phase-gap"),
    pytest.param(section("projects", "p2", min_gap_days=30), "phase-gap",
                 ["p2", "29 day(s)", "at least 30"], id="phase-gap-by-one"),
    pytest.param(dates("p2", 1, 2, "2024-04-08"), "phase-gap",
                 ["p2", "phase 2 starts 2024-04-08", "-4 day(s)"], id="phases-out-of-order"),
    pytest.param(row("p1", 1, 1, venue=None), "venue-mode", ["p1", "session 1", "need a venue"],
                 id="offline-without-venue"),
    pytest.param(row("p3", 1, 1, venue="room"), "venue-mode", ["p3", "online", "room"],
                 id="online-with-venue"),
    pytest.param(row("p1", 1, 1, venue="nowhere"), "venue-unknown", ["p1", "nowhere"],
                 id="venue-unknown"),
    pytest.param(section("venues", "hall", capacity=24), "venue-capacity",
                 ["p1", "session 1", "25 seats", "hall", "进修学校报告厅", "holds 24"],
                 id="venue-capacity"),
    pytest.param(section("projects", "p2", venue_features=["projector"]), "venue-features",
                 ["p2", "phase 2", "room", "山乡中心校教室", "projector"], id="venue-features"),
    pytest.param(section("projects", "p1", venue_rural="required"), "venue-rural",
                 ["p1", "hall", "t1", "rural"], id="venue-rural"),
    pytest.param(section("venues", "hall",
                         unavailable=[{"start": "2024-04-09", "end": "2024-04-09"}]),
                 "venue-unavailable", ["p1", "session 1", "hall", "2024-04-09"],
                 id="venue-unavailable"),
    pytest.param(dates("p1", 2, 1, "2024-04-10", "2024-04-11"), "venue-one-session-a-day",
                 ["venue hall (进修学校报告厅): 2 sessions on 2024-04-10 "
                  "(p1 session 1 phase 1, p1 session 2 phase 1)"], id="venue-one-a-day"),
    pytest.param(row("p1", 1, 1, trainers=[]), "trainer-count", ["p1", "0 trainer", "need 1"],
                 id="too-few-trainers"),
    pytest.param(row("p4", 1, 1, trainers=["wang"]), "trainer-count",
                 ["p4", "offsite", "need 0"], id="offsite-with-trainer"),
    pytest.param(row("p2", 1, 2, trainers=["li", "li"]), "trainer-distinct",
                 ["p2", "phase 2", "li"], id="trainer-distinct"),
    pytest.param(row("p1", 1, 1, trainers=["zhao"]), "trainer-unknown", ["p1", "zhao"],
                 id="trainer-unknown"),
    pytest.param(row("p1", 1, 1, trainers=["li"]), "trainer-topic",
                 ["p1", "li", "李老师", "math"], id="trainer-topic"),
    pytest.param(row("p2", 1, 1, trainers=["zhang", "wang"]), "trainer-cover",
                 ["p2", "phase 1", "reading"], id="trainer-cover"),
    pytest.param(dates("p2", 1, 1, "2024-04-10", venue="room"), "trainer-one-session-a-day",
                 ["trainer zhang (张老师): 2 sessions on 2024-04-10 "
                  "(p1 session 1 phase 1, p2 session 1 phase 1)"], id="trainer-one-a-day"),
    pytest.param(dates("p1", 2, 1, "2024-04-15", "2024-04-16"), "trainer-unavailable",
                 ["p1", "session 2", "zhang", "张老师", "2024-04-15"], id="trainer-unavailable"),
    pytest.param(section("trainers", "li",
                         available=[{"start": "2024-05-01", "end": "2024-06-30"}]),
                 "trainer-unavailable", ["p2", "phase 1", "li", "2024-04-11"],
                 id="trainer-outside-available"),
    pytest.param(section("trainers", "wang", max_days=1), "trainer-max-days",
                 ["wang", "王老师", "2 days", "at most 1"], id="trainer-max-days"),
    pytest.param(row("p4", 1, 1, seats={"t1": 4, "t9": 1}), "seats-town", ["p4", "t9"],
                 id="seats-town"),
    pytest.param(row("p4", 1, 1, seats={"t1": 6, "t2": -1}), "seats-negative",
                 ["p4", "-1", "t2"], id="seats-negative"),
    pytest.param(row("p2", 1, 2, seats={"t1": 11, "t2": 9}), "seats-phases",
                 ["p2", "phase 2", "'t1': 11"], id="seats-phases"),
    pytest.param(section("projects", "p1", max_session_size=24), "session-size",
                 ["p1", "session 1", "25", "at most 24"], id="session-too-big"),
    pytest.param(row("p4", 1, 1, seats={"t1": 0}), "session-size", ["p4", "session 1", "0"],
                 id="session-empty"),
    pytest.param(section("projects", "p1", min_session_size=16), "session-size",
                 ["p1", "session 2", "seats 15", "at least 16", "its min_session_size"],
                 id="session-below-its-minimum"),
    pytest.param(both(policy(min_session_size=5), row("p1", 2, 1, seats={"t2": 4})),
                 "session-size", ["p1", "session 2", "seats 4", "at least 5",
                                  "policy.min_session_size"],
                 id="session-below-the-policy-minimum"),
    pytest.param(row("p1", 2, 1, seats={"t1": 4}), "session-size",
                 ["p1", "session 2", "seats 4", "at least 10", "floor(40 / 2 / 2)"],
                 id="session-below-half-the-mean-class"),
    pytest.param(row("p4", 1, 1, seats={"t1": 4, "t3": 1}), "seats-audience",
                 ["p4", "t3", "河镇", "junior"], id="seats-audience"),
    pytest.param(row("p1", 2, 1, seats={"t2": 5, "t3": 10}), "seats-pool",
                 ["p1", "15 seats", "t3", "河镇", "10 teachers"], id="seats-pool"),
    pytest.param(row("p4", 1, 1, seats={"t1": 4}), "headcount", ["p4", "4", "5"],
                 id="headcount"),
    pytest.param(p2_seats({"t1": 16, "t2": 4}), "rural-quota", ["p2", "4 rural", "5"],
                 id="rural-quota"),
    pytest.param(section("towns", "t2", max_absence_share=0.3), "absence-cap",
                 ["t2", "山乡", "10 teachers", "2024-04-09", "cap 9", "floor(0.3 × 30)"],
                 id="absence-cap"),
    # p4 (junior, offsite) moved onto the all-staff online day of p3: t1's junior teachers
    # are 60/60 + 5/20 of themselves on 07-10.
    pytest.param(both(section("projects", "p4", months=None),
                      dates("p4", 1, 1, "2024-07-09", "2024-07-11")), "one-training-a-day",
                 ["t1", "城关镇", "junior", "booked 1.25 times", "2024-07-10",
                  "p3 session 1 phase 1: 60 of 60", "p4 session 1 phase 1: 5 of 20"],
                 id="one-training-a-day"),
    # p2 spread: its allowed starts are April and May's working days (05-11 a make-up
    # Saturday), cut in two; both phases in April leave the second half without its start.
    pytest.param(both(section("projects", "p2", spread=True), dates("p2", 1, 2, "2024-04-19")),
                 "spread", ["p2", "phase 2", "starts 2024-04-19", "2. of 2", "2024-05-"],
                 id="spread"),
    # p1 to_area with t2 and t3 in area 山区, t1 in its own: its first class in the hall
    # (t1) seats t2 and t3.
    pytest.param(both(section("projects", "p1", delivery="to_area"),
                      section("towns", "t2", area="山区"), section("towns", "t3", area="山区")),
                 "to-area", ["p1", "session 1", "hall", "area t1", "t2, t3", "area 山区"],
                 id="to-area"),
    pytest.param(section("projects", "p1", after=["p4"]), "after",
                 ["p1", "session 1", "p4", "外出跟岗学习", "2024-06-13"], id="after"),
    pytest.param(kpis(cost=1), "kpi", ["cost", "1", "10500"], id="kpi-wrong"),
    pytest.param(without_kpi("balance"), "kpi", ["balance", "missing", "25"], id="kpi-missing"),
    pytest.param(solution(objective=1), "objective", ["15010"], id="objective"),
]


@pytest.mark.parametrize(("mutation", "rule", "words"), BROKEN)
def test_a_broken_plan_is_caught(mutation: Mutation, rule: str, words: list[str]) -> None:
    violations = check(mutation)
    messages = [v.message for v in violations if v.rule == rule]
    assert messages, f"no {rule} among {violations}"
    assert any(all(word in message for word in words) for message in messages), messages


# --- re-planned against a baseline (the valid plan above) ---------------------------------
# Held: every row before 2024-04-12 (p1 1.1 and p2 1.1); pinned: p2 session 1 (both phases).

REPLAN = {"baseline": "old.json", "today": "2024-04-12", "pinned": ["p2#1"]}
UNCHANGED = {"moved": 0, "venue_changed": 0, "trainer_changed": 0}


def replanned(*mutations: Mutation) -> list[Violation]:
    return check(solution(replan=REPLAN), kpis(**UNCHANGED), *mutations,
                 baseline=Solution.model_validate(SOLUTION))


def test_an_unchanged_replan_is_valid() -> None:
    assert replanned() == []


def test_stability_kpis_are_recomputed_from_the_baseline() -> None:
    # p1 2.1 (not held, not pinned) two days later: 1 moved, by default 25 seats of fair share
    # (weighed 10 here) each.
    moved = dates("p1", 2, 1, "2024-04-18", "2024-04-19")
    assert replanned(moved, kpis(moved=1), solution(objective=15010 + 250)) == []
    violations = replanned(moved)
    assert [v.rule for v in violations] == ["kpi", "objective"]
    assert "KPI moved is reported as 0; it is 1" in violations[0].message


def test_without_the_baseline_the_stability_kpis_are_taken_as_reported() -> None:
    assert check(solution(replan=REPLAN), kpis(**UNCHANGED | {"moved": 2}),
                 solution(objective=15010 + 2 * 250)) == []


REPLAN_BROKEN = [
    pytest.param(row("p1", 1, 1, trainers=["wang"]), "held",
                 ["p1 session 1 phase 1", "2024-04-09", "held before 2024-04-12"], id="held"),
    pytest.param(dates("p2", 1, 2, "2024-05-13"), "pinned",
                 ["p2 session 1 phase 2", "2024-05-11", "pinned"], id="pinned"),
]


@pytest.mark.parametrize(("mutation", "rule", "words"), REPLAN_BROKEN)
def test_a_broken_replan_is_caught(mutation: Mutation, rule: str, words: list[str]) -> None:
    messages = [v.message for v in replanned(mutation) if v.rule == rule]
    assert any(all(word in message for word in words) for message in messages), messages


def test_every_rule_has_a_broken_case() -> None:
    assert {param.values[1] for param in BROKEN + REPLAN_BROKEN} == set(RULES)


# --- said in Chinese ----------------------------------------------------------------------

NAMED = ("projects", "venues", "trainers", "towns")
NAMES = [item["name"] for kind in NAMED for item in INSTANCE[kind]]
DATA_WORDS = {item["id"] for kind in NAMED for item in INSTANCE[kind]} | {
    "math", "reading", "pedagogy", "projector",  # topics and features, as the data has them
    "p9", "t9", "zhao", "nowhere", "INFEASIBLE",  # the broken plans' unknown ids, a status
}
"""The only ASCII words a Chinese violation may hold: ids and words of the data."""


def _said_in_chinese(violations: list[Violation]) -> None:
    """Each violation in Chinese: Chinese words, no English ones, every name the English
    sentence gives (a project, venue, trainer, town) as the data has it."""
    assert violations
    for violation in violations:
        said = violation.said.text("zh")
        assert re.search("[\u4e00-\u9fff]", said), said
        assert set(re.findall("[A-Za-z][A-Za-z0-9_]*", said)) <= DATA_WORDS, said
        assert [name for name in NAMES if name in violation.message and name not in said] == []


@pytest.mark.parametrize(("mutation", "rule", "words"), BROKEN)
def test_a_broken_plan_is_said_in_chinese(mutation: Mutation, rule: str, words: list[str]) -> None:
    _said_in_chinese(check(mutation))


@pytest.mark.parametrize(("mutation", "rule", "words"), REPLAN_BROKEN)
def test_a_broken_replan_is_said_in_chinese(mutation: Mutation, rule: str,
                                            words: list[str]) -> None:
    _said_in_chinese(replanned(mutation))


def test_chinese_names_things_as_the_planner_does() -> None:
    violations = check(dates("p2", 1, 2, "2024-05-01"), section("venues", "hall", capacity=24),
                       dates("p1", 2, 1, "2024-04-23", "2024-04-24"))
    said = {violation.rule.value: violation.said.text("zh") for violation in violations}
    assert said["public-holiday"] == ("项目初中阅读教学研修（p2）第1班第2阶段："
                                      "2024-05-01是法定节假日")
    assert said["venue-capacity"] == ("项目小学数学骨干培训（p1）第1班第1阶段：场地进修学校报告厅"
                                      "（hall）安排了 25 个座位，但只能容纳 24 人")
    assert said["blackout"] == ("项目小学数学骨干培训（p1）第2班第1阶段：2024-04-23、2024-04-24"
                                "在小学教师的停训日“期中考试”内")
    assert [violation.said.text("en") for violation in violations] == [
        violation.message for violation in violations]


def _values(template: str) -> set[str]:
    """The names of the values a template is filled in with (`item` of `{item[0]}`)."""
    return {re.split(r"[.\[]", name)[0]
            for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_each_sentence_has_the_same_values_in_english_and_chinese() -> None:
    assert {key: (_values(english), _values(chinese)) for key, (english, chinese) in WORDS.items()
            if _values(english) != _values(chinese)} == {}


# --- where a rule does not bind -----------------------------------------------------------

BENT = [
    pytest.param(both(section("projects", "p1", weekdays_only=False),
                      dates("p1", 2, 1, "2024-04-13", "2024-04-14")),
                 "weekend", "p1", id="project-allows-weekends"),
    pytest.param(both(policy(weekdays_only=False), dates("p4", 1, 1, "2024-06-15", "2024-06-17")),
                 "weekend", "p4", id="policy-allows-weekends"),
    pytest.param(dates("p2", 1, 1, "2024-04-23"), "blackout", "p2",
                 id="blackout-of-other-audience"),
    pytest.param(both(drop("p4"), section("projects", "p1", after=["p4"])), "after", "p1",
                 id="after-a-dropped-project"),
    pytest.param(section("projects", "p3", rural_quota=1.0), "rural-quota", "p3",
                 id="no-quota-for-headcount-all"),
    pytest.param(both(section("projects", "p4", months=None),
                      dates("p4", 1, 1, "2024-07-09", "2024-07-11"),
                      section("towns", "t1", max_absence_share=0.0)),
                 "absence-cap", "p4", id="no-absence-cap-in-the-holidays"),
    pytest.param(section("projects", "p2", spread=True), "spread", "p2",
                 id="spread-one-start-in-each-half"),
    # p4 on p2's day: t1's junior teachers are 10/20 + 5/20 of themselves, within their number.
    pytest.param(both(section("projects", "p4", months=None, days=1),
                      dates("p4", 1, 1, "2024-04-11", "2024-04-11")), "one-training-a-day", "p4",
                 id="two-trainings-sharing-an-audience-within-its-teachers"),
    # p1 (primary) on p2's day (junior): no audience in common.
    pytest.param(dates("p1", 2, 1, "2024-04-11", "2024-04-12"), "one-training-a-day", "p1",
                 id="two-trainings-of-other-audiences"),
    pytest.param(both(section("projects", "p3", trainers_per_session=0),
                      row("p3", 1, 1, trainers=[])), "trainer", "p3",
                 id="no-trainers-needed"),
]


@pytest.mark.parametrize(("mutation", "rule", "about"), BENT)
def test_a_rule_that_does_not_bind(mutation: Mutation, rule: str, about: str) -> None:
    """No violation of a rule starting with `rule` mentions `about` (other rows may break it)."""
    assert [v for v in check(mutation) if v.rule.startswith(rule) and about in v.message] == []


def test_online_is_not_absence_but_offline_is() -> None:
    """A cap of 0 binds on t2's in-person days, never on the online p3 (t2 sends 30)."""
    violations = check(section("towns", "t2", max_absence_share=0.0))
    assert {v.message.split(":")[0] for v in violations if v.rule == "absence-cap"} == {
        "town t2 (山乡)"
    }
    assert not any("p3" in v.message for v in violations)


def test_an_explicit_holiday_list_replaces_the_built_in_calendar() -> None:
    """With a list, 2024-04-10 is the holiday and 2024-04-13 the make-up day; 05-11 is then a
    plain Saturday and 05-01 an ordinary Wednesday."""
    explicit = both(
        lambda inst, sol: inst["calendar"].update(public_holidays=["2024-04-10"],
                                                  extra_workdays=["2024-04-13"]),
        dates("p1", 2, 1, "2024-04-13", "2024-04-14"),
    )
    found = {(v.rule, v.message) for v in check(explicit) if v.rule != "kpi"}
    assert found == {
        ("public-holiday",
         "project p1 (小学数学骨干培训) session 1 phase 1: 2024-04-10 is a public holiday"),
        ("weekend",
         "project p1 (小学数学骨干培训) session 2 phase 1: 2024-04-14 (Sunday) is not a working "
         "day and the project trains on weekdays only"),
        ("weekend",
         "project p2 (初中阅读教学研修) session 1 phase 2: 2024-05-11 (Saturday) is not a working "
         "day and the project trains on weekdays only"),
    }
