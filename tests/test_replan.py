"""Re-planning against an earlier plan: held and pinned sessions stay, every other change is paid
for, and the fewest sessions change. Optima worked out by hand on the tiny instance.

The tiny base (conftest's TINY) with p1 grown to 80 teachers in classes of at most 40: two
1-day sessions in March. Its optimum: both in the rural room (10 yuan a day against the hall's
100) with t1 (1,000 against t2's 2,000), all 80 seats from the rural town, on two different days
(one session a day in the room; on one day the peak absence would be 80):
cost 2 × (10 + 1,000) = 2,020, balance 40 × 20 = 800, objective 2,820.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result

import scheduler.search.solve
from models import InputError, Solution, load_instance, parse_instance
from scheduler.cli import main
from scheduler.core.diff import session_changes
from scheduler.core.replan import WHOLE, Replan, parse_pins
from scheduler.core.validate import validate
from scheduler.export.changes import changes_table
from scheduler.search import lns
from scheduler.search.context import SearchContext
from scheduler.search.params import DEFAULT
from scheduler.search.solve import solve
from tests.helpers import tiny_instance, tiny_solution

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def two_classes(tiny: dict[str, Any]) -> dict[str, Any]:
    tiny["projects"][0].update(headcount=80, max_session_size=40)
    return tiny


@pytest.fixture
def base(two_classes: dict[str, Any]) -> Solution:
    solution = solve(parse_instance(two_classes), time_limit=20, workers=2).solution
    assert (solution.status.value, solution.objective) == ("OPTIMAL", 2820)
    assert {(row.venue, tuple(row.trainers)) for row in solution.sessions} == {("room", ("t1",))}
    return solution


def replan(data: dict[str, Any], replan: Replan) -> Solution:
    """Re-plan, and insist the plan passes the checker with its baseline."""
    instance = parse_instance(data)
    solution = solve(instance, time_limit=20, workers=2, replan=replan).solution
    assert validate(instance, solution, replan.baseline) == [], solution.to_json()
    assert solution.status.value == "OPTIMAL"
    return solution


def test_only_re_planning_hands_over_to_the_full_search_after_stalled_steps(
        two_classes: dict[str, Any], base: Solution, monkeypatch: pytest.MonkeyPatch) -> None:
    # Planning afresh, the relaxation's bound ends the neighbourhood search on a proof (here
    # it proves nothing, so that the search surely runs); re-planning, the bound proves
    # nothing, and the search hands over to CP-SAT after `SolveParams.stalled_steps` steps.
    class NoBound:
        def __init__(self, *args: object) -> None:
            pass

        def ready(self) -> None:
            return None

        def finish(self) -> None:
            return None

        def project_costs(self) -> None:
            return None

    limits = []
    improve = lns.improve

    def recorded(built: Any, incumbent: lns.Incumbent, search: SearchContext,
                 *args: Any) -> lns.Incumbent:
        limits.append(search.stall_after)
        return improve(built, incumbent, search, *args)

    monkeypatch.setattr(scheduler.search.solve, "BackgroundBound", NoBound)
    monkeypatch.setattr(lns, "improve", recorded)
    solve(parse_instance(two_classes), time_limit=5, workers=2)
    solve(parse_instance(two_classes), time_limit=5, workers=2, replan=Replan(base))
    assert limits == [None, DEFAULT.stalled_steps]


def test_a_trainer_falls_ill_and_only_that_trainer_is_replaced(
        two_classes: dict[str, Any], base: Solution) -> None:
    # t1 is ill on the day of class 1. Replacing t1 by t2 costs 1,000 more in fees plus 1,000
    # for the trainer changed; moving the class to another day would cost 5,000 for the move.
    first = base.sessions[0]
    ill = copy.deepcopy(two_classes)
    ill["trainers"][0]["unavailable"] = [{"start": str(first.start), "end": str(first.end)}]
    solution = replan(ill, Replan(base))
    assert solution.objective == 2820 + 1000 + 1000
    assert {key: solution.kpis[key] for key in ("moved", "venue_changed", "trainer_changed")
            } == {"moved": 0, "venue_changed": 0, "trainer_changed": 1}
    changes = session_changes(parse_instance(ill), base, solution)
    assert [(c.session, c.kinds) for c in changes] == [(1, ("trainers",))]
    assert changes[0].after is not None and changes[0].after.trainers == ["t2"]
    assert "trainer t1 (张老师) is away" in str(changes[0].reason)
    # Without paying for changes, the optimum just moves class 1 to another day with t1.
    free = copy.deepcopy(ill)
    free["objective"]["weights"] |= {"moved": 0, "venue_changed": 0, "trainer_changed": 0}
    assert replan(free, Replan(base)).objective == 2820


def expensive_room(data: dict[str, Any]) -> dict[str, Any]:
    """The room now costs 5,000 a day, and a change of venue costs nothing: every class would
    rather move to the hall (100 a day) on its day."""
    data = copy.deepcopy(data)
    data["venues"][1]["cost_per_day"] = 5000
    data["objective"]["weights"]["venue_changed"] = 0
    return data


def test_a_pinned_session_stays_as_it_was(two_classes: dict[str, Any], base: Solution) -> None:
    scenario = expensive_room(two_classes)
    # Unpinned, both classes move to the hall: cost 2 × 1,100 + balance 800.
    assert replan(scenario, Replan(base)).objective == 2 * 1100 + 800
    # Class 1 pinned: it stays in the room (5,000 + 1,000), class 2 moves (1,100).
    solution = replan(scenario, Replan(base, pins=parse_pins(["p1#1"], base)))
    assert solution.objective == 6000 + 1100 + 800
    rows = {row.session: row for row in solution.sessions}
    assert rows[1] == base.sessions[0]
    assert rows[2].venue == "hall" and rows[2].start == base.sessions[1].start
    assert solution.replan is not None and solution.replan.pinned == ["p1#1"]


def test_sessions_before_today_were_held(two_classes: dict[str, Any], base: Solution) -> None:
    first, second = base.sessions
    today = first.start + dt.timedelta(days=1)
    assert second.start >= today
    solution = replan(expensive_room(two_classes), Replan(base, today=today))
    rows = {row.session: row for row in solution.sessions}
    assert rows[1] == first  # held: the room, whatever it costs now
    assert rows[2].venue == "hall" and rows[2].start >= today


def test_a_held_session_the_instance_no_longer_allows_is_a_clear_error(
        two_classes: dict[str, Any], base: Solution) -> None:
    moved_out = copy.deepcopy(two_classes)
    moved_out["projects"][0]["months"] = [4]
    today = base.sessions[-1].end + dt.timedelta(days=1)
    with pytest.raises(InputError) as error:
        solve(parse_instance(moved_out), time_limit=5, replan=Replan(base, today=today))
    assert error.value.problems[0].startswith(f"p1 第1班 phase 1 ({base.sessions[0].start}")
    assert "was held before" in error.value.problems[0]
    assert "its dates are no longer allowed" in error.value.problems[0]


def test_pins_must_name_sessions_of_the_baseline(base: Solution) -> None:
    assert parse_pins(["p1"], base) == {("p1", 1): WHOLE, ("p1", 2): WHOLE}
    # Parts of one class add up over repeated pins.
    assert parse_pins(["p1#2:date", "p1#2:venue, trainers"], base) == {
        ("p1", 2): {"date", "venue", "trainers"}}
    with pytest.raises(InputError) as error:
        parse_pins(["p1#3", "p9", "p1#1:room"], base)
    assert error.value.problems == [
        "--pin p1#3: the baseline has sessions 1, 2 of p1, not '3'",
        "--pin p9: the baseline has no session of project 'p9'",
        "--pin p1#1:room: room is not a part of a class; pin date, venue, trainers, seats or "
        "the whole class",
    ]


def ill_on_the_first_class(data: dict[str, Any], base: Solution) -> dict[str, Any]:
    """t1 is away on the day of class 1, and moving a class costs nothing: the best re-plan
    moves class 1 to another day with t1 (1,000 a day against t2's 2,000)."""
    ill = copy.deepcopy(data)
    first = base.sessions[0]
    ill["trainers"][0]["unavailable"] = [{"start": str(first.start), "end": str(first.end)}]
    ill["objective"]["weights"]["moved"] = 0
    return ill


def test_a_date_pinned_class_keeps_its_date_while_its_trainer_changes(
        two_classes: dict[str, Any], base: Solution) -> None:
    ill = ill_on_the_first_class(two_classes, base)
    first = base.sessions[0]
    free = {row.session: row for row in replan(ill, Replan(base)).sessions}
    assert free[1].start != first.start and free[1].trainers == ["t1"]
    pinned = replan(ill, Replan(base, pins=parse_pins(["p1#1:date"], base)))
    rows = {row.session: row for row in pinned.sessions}
    assert rows[1].start == first.start and rows[1].trainers == ["t2"]
    assert pinned.replan is not None and pinned.replan.pinned == ["p1#1:date"]
    # The checker holds the plan to the pinned part only: moving the date breaks it.
    moved = pinned.model_copy(update={"sessions": [
        row.model_copy(update={"start": free[1].start, "end": free[1].end})
        if row.session == 1 else row for row in pinned.sessions]})
    assert [(v.rule.value, v.message) for v in validate(parse_instance(ill), moved, base)
            if v.rule.value == "pinned"] == [
        ("pinned", f"p1 session 1 phase 1 ({first.start}–{first.end}) is pinned (date) but "
                   f"the plan changes its date")]


def test_a_trainer_pinned_class_keeps_its_trainer_on_other_dates(
        two_classes: dict[str, Any], base: Solution) -> None:
    ill = ill_on_the_first_class(two_classes, base)
    ill["objective"]["weights"]["trainer_changed"] = 0  # left free, t2 would do too
    solution = replan(ill, Replan(base, pins=parse_pins(["p1#1:trainers,venue"], base)))
    rows = {row.session: row for row in solution.sessions}
    assert rows[1].trainers == ["t1"] and rows[1].venue == "room"
    assert rows[1].start != base.sessions[0].start


def test_a_pinned_part_the_instance_no_longer_allows_is_named(
        two_classes: dict[str, Any], base: Solution) -> None:
    ill = ill_on_the_first_class(two_classes, base)
    first = base.sessions[0]
    with pytest.raises(InputError) as error:
        solve(parse_instance(ill), time_limit=5,
              replan=Replan(base, pins=parse_pins(["p1#1:date,trainers"], base)))
    assert error.value.problems == [
        f"p1 第1班 phase 1 ({first.start}–{first.end}) has its date, trainers pinned, but "
        f"trainer t1 (张老师) is away {first.start}–{first.end}"]
    # Its date alone can be kept (with t2), and so can its trainer alone (on another day).
    for part in ("date", "trainers"):
        solve(parse_instance(ill), time_limit=5,
              replan=Replan(base, pins=parse_pins([f"p1#1:{part}"], base)))


def test_closing_the_hall_in_may_moves_only_the_session_that_used_it(
        solution: Solution) -> None:
    """2024: the only session in the hall in May is p05 (5/6). Everything else can stay."""
    scenario = load_instance(ROOT / "instances" / "scenarios" / "hall-closed-may.json")
    in_hall_in_may = {(row.project, row.session, row.phase) for row in solution.sessions
                      if row.venue == "jxxx-hall" and row.start.month == 5}
    assert in_hall_in_may == {("p05", 1, 1)}
    result = solve(scenario, time_limit=30, workers=2, replan=Replan(solution)).solution
    assert validate(scenario, result, solution) == []
    changes = session_changes(scenario, solution, result)
    assert {(c.project, c.session, c.phase) for c in changes} == in_hall_in_may
    assert changes[0].kinds == ("venue",)
    assert "venue jxxx-hall" in str(changes[0].reason) and "closed 2024-05-01–2024-05-31" in \
        str(changes[0].reason)


# --- from the command line -------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_replan_from_the_command_line(tmp_path: Path) -> None:
    """The trainer-ill scenario, re-planned from mid-September: the October classes ja-t20
    teaches (p11's classes 1, 3 and 4 and p03's fourth phase) keep their dates and rooms, and only
    ja-t20 is replaced; what was held is untouched."""
    baseline = ROOT / "tests" / "data" / "2024-solution.json"
    scenario = ROOT / "instances" / "scenarios" / "trainer-ill-october.json"
    out = tmp_path / "replan"
    result = run("solve", str(scenario), "--baseline", str(baseline), "--today", "2024-09-20",
                 "--pin", "p13#1", "--out", str(out), "--formats", "csv", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "0 session-phase(s) moved, 0 venue change(s), 4 trainer(s) replaced" in result.output
    assert "p11 (初中学科教师业务提升培训) 第1班 phase 1 [trainers]" in result.output
    assert "trainer ja-t20 (罗红梅) is away 2024-10-01–2024-10-31" in result.output
    changes = pd.read_csv(out / "changes.csv", encoding="utf-8-sig")
    assert sorted(changes["project"]) == ["p03", "p11", "p11", "p11"]
    # Venues and trainers by name, as the planner knows them: 罗红梅 (ja-t20) before, not after.
    assert all("罗红梅" in before and "ja-t20" not in before and "罗红梅" not in after
               for before, after in zip(changes["before"], changes["after"], strict=True))
    check = run("validate", str(scenario), str(out / "solution.json"), "--baseline",
                str(baseline))
    assert check.exit_code == 0 and "valid:" in check.output


def test_a_pinned_session_the_new_instance_forbids_is_a_clear_error(tmp_path: Path) -> None:
    result = run("solve", str(ROOT / "instances" / "scenarios" / "trainer-ill-october.json"),
                 "--baseline", str(ROOT / "tests" / "data" / "2024-solution.json"),
                 "--pin", "p11#1", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2, result.output
    assert ("p11 第1班 phase 1 (2024-10-14–2024-10-16) is pinned, but trainer ja-t20 (罗红梅) "
            "is away 2024-10-01–2024-10-31") in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--today", "2024-09-20"], "--today and --pin re-plan an earlier plan: give it with"),
    (["--baseline", "BASE", "--today", "2024-9-20"], "--today: '2024-9-20' is not a date"),
    (["--baseline", "BASE", "--pin", "p99#1"], "--pin p99#1: the baseline has no session"),
    (["--baseline", "nowhere.json"], "nowhere.json: cannot read the file"),
    (["--baseline", "BASE", "--method", "greedy"], "the hand method cannot re-plan"),
])
def test_a_bad_replan_request_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    baseline = str(ROOT / "tests" / "data" / "2024-solution.json")
    args = [baseline if arg == "BASE" else arg for arg in args]
    result = run("solve", str(ROOT / "instances" / "2024.json"), "--out", str(tmp_path / "o"),
                 *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "o").exists()


def test_changes_csv_is_headed_and_worded_in_the_planners_language() -> None:
    instance, baseline = parse_instance(tiny_instance()), tiny_solution()
    moved = [row.model_copy(update={"start": dt.date(2024, 4, 22), "end": dt.date(2024, 4, 24)})
             if (row.project, row.session) == ("p1", 1) else row for row in baseline.sessions]
    plan = baseline.model_copy(update={"sessions": moved})
    table = changes_table(instance, session_changes(instance, baseline, plan), "zh")
    assert list(table.columns) == ["项目编号", "培训项目名称", "班", "阶段", "变化", "原安排",
                                   "新安排", "原因"]
    assert table.iloc[0].tolist() == [
        "p1", "骨干教师培训", 1, 1, "日期",
        "2024-04-08–2024-04-10 · 区教师进修学校 · 王老师、李老师",
        "2024-04-22–2024-04-24 · 区教师进修学校 · 王老师、李老师", "使方案更好"]
    english = changes_table(instance, session_changes(instance, baseline, plan))
    assert list(english.columns) == ["project", "name", "session", "phase", "change", "before",
                                     "after", "why"]
    assert english.iloc[0]["why"] == "improves the plan"


def test_the_held_and_pinned_sessions_problems_in_chinese(tmp_path: Path) -> None:
    result = run("solve", str(ROOT / "instances" / "scenarios" / "trainer-ill-october.json"),
                 "--baseline", str(ROOT / "tests" / "data" / "2024-solution.json"),
                 "--pin", "p11#1:date,trainers", "--out", str(tmp_path / "o"), "--lang", "zh")
    assert result.exit_code == 2, result.output
    assert ("p11 第1班 第1阶段（2024-10-14–2024-10-16）固定了日期、专家，但专家罗红梅（ja-t20） "
            "2024-10-01–2024-10-31 不在") in result.output


def test_the_change_list_and_changes_csv_say_why_in_chinese(
        two_classes: dict[str, Any], base: Solution, tmp_path: Path) -> None:
    # t1 is ill on the day of class 1: t2 teaches it instead (as in the test above).
    first = base.sessions[0]
    two_classes["trainers"][0]["unavailable"] = [{"start": str(first.start),
                                                  "end": str(first.end)}]
    (tmp_path / "ill.json").write_text(json.dumps(two_classes, ensure_ascii=False),
                                       encoding="utf-8")
    (tmp_path / "base.json").write_text(base.to_json(), encoding="utf-8")
    out = tmp_path / "o"
    result = run("solve", str(tmp_path / "ill.json"), "--baseline", str(tmp_path / "base.json"),
                 "--out", str(out), "--formats", "csv", "--time-limit", "10", "--workers", "2",
                 "--lang", "zh")
    assert result.exit_code == 0, result.output
    why = f"专家张老师（t1） {first.start}–{first.end} 不在"
    assert "培训一（p1）第1班 第1阶段 [专家]：" in result.output
    assert f"（{why}）" in result.output
    changes = pd.read_csv(out / "changes.csv", encoding="utf-8-sig")
    assert changes["原因"].tolist() == [why]
