"""Why there is no plan: pre-checks, the solver's conflict, and suggestions that really work.

Every test builds an impossible plan in the tiny world of helpers.py (p1: 40 primary teachers, one
day in March, topic A, mandatory; the 100-seat hall with 多媒体 in town c, the 40-seat room in
the rural town r; t1 teaches A, t2 teaches A and B), checks what the explanation names, and
applies every suggestion that "would work" to the instance file, edit by edit, then solves and
validates it independently of the explainer.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from models import parse_instance
from scheduler.analysis.no_plan import explain
from scheduler.core.explanation import Explanation
from scheduler.core.rules import Rule
from scheduler.export.explanation import (
    explanation_json,
    explanation_short,
    explanation_text,
    write_explanation,
)
from scheduler.model import TrainingModel
from tests.helpers import blackout_all_of_march_but, second_project, solve_checked


def explained(data: dict[str, Any]) -> Explanation:
    return explain(parse_instance(data), time_limit=20, workers=2)


def apply_edits(data: dict[str, Any], suggestion: dict[str, Any]) -> dict[str, Any]:
    """The instance file with the edits of a suggestion of explain.json made: each sets the
    value at a path such as `projects[0].months` (None removes the field; a path one past the
    end of a list appends)."""
    changed = copy.deepcopy(data)
    for edit in suggestion["edits"]:
        *parents, last = re.findall(r"[^.\[\]]+", edit["path"])
        node: Any = changed
        for part in parents:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        if last.isdigit():
            index = int(last)
            if index == len(node):
                node.append(edit["after"])
            else:
                node[index] = edit["after"]
        elif edit["after"] is None:
            node.pop(last, None)
        else:
            node[last] = edit["after"]
    return changed


def assert_every_suggestion_works(data: dict[str, Any], explanation: Explanation) -> None:
    """Each suggestion explain.json says would work, applied to the file, solves and validates."""
    assert explanation.working, explanation_text(explanation, "en")
    suggestions = json.loads(explanation_json(explanation, "en"))["suggestions"]
    for suggestion in suggestions:
        if suggestion["works"]:
            solution = solve_checked(apply_edits(data, suggestion), time_limit=10).solution
            assert solution.status.has_schedule, suggestion["change"]


def conflict_of(explanation: Explanation) -> set[tuple[str, tuple[str, ...]]]:
    return {(group.rule, group.entities) for group in explanation.conflict}


def only_march_days(*days: int) -> list[dict[str, Any]]:
    """Blackouts of the primary teachers covering every day of March but `days`."""
    ranges, start = [], 1
    for day in [*sorted(days), 32]:
        if day > start:
            ranges.append({"name": "考试", "start": f"2024-03-{start:02d}",
                           "end": f"2024-03-{day - 1:02d}", "audiences": ["pri"]})
        start = day + 1
    return ranges


# --- 1. pre-checks: one impossible instance per cause -----------------------------------------


def only_finding(explanation: Explanation):
    assert explanation.status == "infeasible" and explanation.conflict == []
    (finding,) = explanation.findings
    assert finding.blocking and finding.projects[-1] in finding.message
    return finding


def test_no_trainer_teaches_a_topic(tiny):
    tiny["projects"][0]["topics"] = ["A", "C"]
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "trainer-topic"
    assert "p1 (培训一)" in finding.message and "no trainer teaches C" in finding.message
    assert any("also teach C" in s.change for s in explanation.working)
    assert_every_suggestion_works(tiny, explanation)


def test_fewer_qualified_trainers_than_a_session_needs(tiny):
    tiny["projects"][0]["trainers_per_session"] = 3
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "trainer-count"
    assert "t1 (张老师)" in finding.message and "t2 (李老师)" in finding.message
    assert_every_suggestion_works(tiny, explanation)


def test_qualified_trainers_never_free_in_its_months(tiny):
    for trainer in tiny["trainers"]:
        trainer["unavailable"] = [{"start": "2024-02-26", "end": "2024-04-05"}]
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "trainer-availability"
    assert {("trainer", "t1"), ("trainer", "t2")} <= set(finding.entities)
    assert "2024-02-26–2024-04-05" in finding.message
    assert any("to be free" in s.change for s in explanation.working)
    assert_every_suggestion_works(tiny, explanation)


def test_the_only_qualified_trainer_away_in_the_only_month(tiny):
    # Only t2 teaches B, and t2 is away all April, p1's only month: it can run in the month
    # before or after, with t2 there in April, or with one more trainer of B.
    tiny["projects"][0].update(topics=["B"], months=[4])
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-04-01", "end": "2024-04-30"}]
    explanation = explained(tiny)
    assert only_finding(explanation).rule == "trainer-availability"
    changes = [s.change for s in explanation.working]
    assert changes[:2] == ["let project p1 (培训一) also run in month 3",
                           "let project p1 (培训一) also run in month 5"]
    assert "ask trainer t2 (李老师) to be free 2024-04-01–2024-04-30 too (lift that absence)" \
        in changes
    assert "find one more trainer who teaches B, free on the days trainer t2 (李老师) is away" \
        in changes
    assert changes[-1].startswith("make project p1 (培训一) optional")
    assert_every_suggestion_works(tiny, explanation)


def test_both_trainers_a_session_needs_away_in_the_only_month(tiny):
    # p1 needs t1 and t2 together, both away all April: one freed alone is not enough.
    tiny["projects"][0].update(months=[4], trainers_per_session=2)
    for trainer in tiny["trainers"]:
        trainer["unavailable"] = [{"start": "2024-04-01", "end": "2024-04-30"}]
    explanation = explained(tiny)
    assert only_finding(explanation).rule == "trainer-availability"
    changes = [s.change for s in explanation.working]
    assert "ask trainer t1 (张老师) to be free 2024-04-01–2024-04-30 too (lift that absence); " \
        "ask trainer t2 (李老师) to be free 2024-04-01–2024-04-30 too (lift that absence) — " \
        "all together" in changes
    assert "find 2 more trainers who teach A, free on the days trainer t1 (张老师) is away" \
        in changes
    assert not any("to be free" in s.change for s in explanation.working if len(s.edits) == 1)
    assert_every_suggestion_works(tiny, explanation)


def assert_kept_out_of_the_holidays(data: dict[str, Any], explanation: Explanation) -> None:
    """No suggestion changes a project's holiday rule or adds August (all of it in 暑假); the
    nearest term months, May and September, are offered; every plan is checked (validate
    holds p1 and p2 out of the holidays)."""
    suggestions = json.loads(explanation_json(explanation, "en"))["suggestions"]
    for edit in (edit for suggestion in suggestions for edit in suggestion["edits"]):
        assert not edit["path"].endswith(".holiday"), explanation_text(explanation, "en")
        assert not edit["path"].endswith(".months") or 8 not in edit["after"]
    changes = [s.change for s in explanation.working]
    assert {"let project p1 (培训一) also run in month 5",
            "let project p1 (培训一) also run in month 9"} <= set(changes)
    assert_every_suggestion_works(data, explanation)


def term_time_in_june_and_july(tiny: dict[str, Any]) -> None:
    """p1 avoids the holidays (暑假 from 6 July) and runs in June or July; only t2 teaches it."""
    tiny["projects"][0].update(topics=["B"], months=[6, 7], holiday="forbidden")


def test_term_time_training_is_not_moved_into_the_holidays_for_its_trainer(tiny):
    term_time_in_june_and_july(tiny)
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-06-01", "end": "2024-07-05"}]
    explanation = explained(tiny)
    assert only_finding(explanation).rule == "trainer-availability"
    assert_kept_out_of_the_holidays(tiny, explanation)


def test_term_time_training_is_not_moved_into_the_holidays_for_its_blackouts(tiny):
    term_time_in_june_and_july(tiny)
    tiny["calendar"]["blackouts"] = [{"name": "期末考试", "start": "2024-06-01",
                                      "end": "2024-07-05", "audiences": ["pri"]}]
    explanation = explained(tiny)
    assert only_finding(explanation).rule == "no-start-day"
    assert_kept_out_of_the_holidays(tiny, explanation)


def test_term_time_training_is_not_moved_into_the_holidays_in_a_conflict(tiny):
    # Of p1's and p2's term days, t2 is free on 5 July only: they cannot both have it.
    term_time_in_june_and_july(tiny)
    second_project(tiny)
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-06-01", "end": "2024-07-04"}]
    explanation = explained(tiny)
    assert (Rule.HOLIDAY_FORBIDDEN, ("p1",)) in conflict_of(explanation)
    assert_kept_out_of_the_holidays(tiny, explanation)


def test_no_venue_with_the_features(tiny):
    tiny["projects"][0]["venue_features"] = ["投影"]
    explanation = explained(tiny)
    assert only_finding(explanation).rule == "venue-features"
    assert "投影" in explanation.findings[0].message
    assert any("equip venue hall (报告厅) with 投影" in s.change for s in explanation.working)
    assert_every_suggestion_works(tiny, explanation)


def test_no_venue_seats_a_fixed_size_session(tiny):
    tiny["projects"][0].update(headcount=150, sessions=1)
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "venue-size" and ("venue", "hall") in finding.entities
    assert "150" in finding.message and "hall (报告厅)" in finding.message
    best = explanation.working[0]
    assert "as 2 sessions" in best.change  # ceil(150 / 100)
    assert_every_suggestion_works(tiny, explanation)


def test_every_venue_closed_on_its_days(tiny):
    for venue in tiny["venues"]:
        venue["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "venue-availability"
    assert {("venue", "hall"), ("venue", "room")} <= set(finding.entities)
    assert any("open venue room (教室)" in s.change for s in explanation.working)
    assert_every_suggestion_works(tiny, explanation)


def test_holiday_required_but_its_months_touch_no_holiday(tiny):
    tiny["projects"][0]["holiday"] = "required"
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "holiday-months"
    assert "暑假 2024-07-06–2024-08-31" in finding.message and "month 3" in finding.message
    changes = [s.change for s in explanation.working]
    assert "let project p1 (培训一) also run in month 7" in changes
    assert_every_suggestion_works(tiny, explanation)


def test_rural_quota_above_the_rural_teachers(tiny):
    # 15 rural teachers; a quota of 0.5 of 40 asks for 20. The largest quota that works:
    # ceil(q × 40) <= 15, q = 0.37 in hundredths.
    tiny["towns"][1]["teachers"] = {"pri": 15}
    tiny["projects"][0]["rural_quota"] = 0.5
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "rural-quota"
    assert "20 of its 40" in finding.message and "only 15" in finding.message
    assert explanation.working[0].edits[0].after == 0.37
    assert_every_suggestion_works(tiny, explanation)


def test_blackouts_leave_no_start_day(tiny):
    tiny["calendar"]["blackouts"] = [{"name": "期中考试", "start": "2024-03-01",
                                      "end": "2024-03-31", "audiences": ["pri"]}]
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "no-start-day" and "期中考试 2024-03-01–2024-03-31" in finding.message
    changes = [s.change for s in explanation.working]
    assert "let project p1 (培训一) also run in month 2" in changes
    assert_every_suggestion_works(tiny, explanation)


def test_phases_that_do_not_fit_in_the_months(tiny):
    # Two one-day phases 40 days apart in March: the gap must fall to 27 days (1 → 29 March,
    # the last working day).
    tiny["projects"][0].update(phases=2, min_gap_days=40)
    explanation = explained(tiny)
    assert only_finding(explanation).rule == "phases"
    gap = next(s for s in explanation.working if s.rule == "phase-gap")
    assert gap.edits[0].after == 27
    assert_every_suggestion_works(tiny, explanation)


def test_after_chain_that_cannot_fit_in_the_months(tiny):
    # p1 takes 1–29 March (weekends allowed); p2 comes after it and only 30–31 March (a weekend)
    # remain.
    tiny["projects"][0].update(days=29, weekdays_only=False)
    second_project(tiny, days=1, after=["p1"], weekdays_only=None)
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "after-chain" and finding.projects == ("p1", "p2")
    assert "p1 (培训一)" in finding.message and "p2 (培训二)" in finding.message
    changes = [s.change for s in explanation.working]
    assert any("take p1 out of its after list" in change for change in changes)
    assert "let project p2 (培训二) also run in month 4" in changes
    assert_every_suggestion_works(tiny, explanation)


def test_several_projects_that_cannot_run_are_fixed_together(tiny):
    tiny["projects"][0]["topics"] = ["C"]
    second_project(tiny, venue_features=["投影"])
    explanation = explained(tiny)
    assert {finding.rule for finding in explanation.findings} == {"trainer-topic",
                                                                  "venue-features"}
    together = explanation.working[0]
    assert together.change.endswith("all together") and len(together.edits) == 2
    assert_every_suggestion_works(tiny, explanation)


def test_optional_projects_that_cannot_run_are_noted_not_blamed(tiny):
    second_project(tiny, priority=3, topics=["C"])
    explanation = explained(tiny)
    assert explanation.status == "feasible" and explanation.findings == []
    assert [finding.projects for finding in explanation.dropped] == [("p2",)]
    assert "the plan is feasible" in explanation_text(explanation, "en")


# --- 2. conflicts only the solver can see -------------------------------------------------------


def test_trainer_teaches_one_session_a_day(tiny):
    # Only 15 March is free, t2 is away all March: t1 cannot teach p1 and p2 on the same day.
    tiny["calendar"]["blackouts"] = blackout_all_of_march_but(15)
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    second_project(tiny)
    explanation = explained(tiny)
    assert explanation.findings == [] and explanation.minimal
    assert conflict_of(explanation) >= {(Rule.TRAINER_ONE_SESSION_A_DAY, ("t1",)),
                                        ("trainer-unavailable", ("t2",)),
                                        (Rule.MANDATORY_DROPPED, ("p1",)),
                                        (Rule.MANDATORY_DROPPED, ("p2",))}
    text = explanation_text(explanation, "en")
    assert "trainer t1 (张老师) teaches one session a day" in text
    assert "trainer t2 (李老师) is away 2024-03-01–2024-03-31" in text
    assert_every_suggestion_works(tiny, explanation)


def test_venue_hosts_one_session_a_day_and_its_closed_days(tiny):
    # Both projects need the hall (多媒体); of the two free days the hall is closed on one.
    tiny["calendar"]["blackouts"] = only_march_days(14, 15)
    tiny["venues"][0]["unavailable"] = [{"start": "2024-03-15", "end": "2024-03-15"}]
    tiny["projects"][0]["venue_features"] = ["多媒体"]
    second_project(tiny)
    explanation = explained(tiny)
    assert conflict_of(explanation) >= {(Rule.VENUE_ONE_SESSION_A_DAY, ("hall",)),
                                        ("venue-unavailable", ("hall",))}
    changes = [s.change for s in explanation.working]
    assert "open venue hall (报告厅) on 2024-03-15 too (lift that closure)" in changes
    assert any("second room like venue hall" in change for change in changes)
    assert_every_suggestion_works(tiny, explanation)


def test_absence_cap_of_the_towns(tiny):
    # A tenth of each town may be away on a school day: 10 + 10 < 40 in March.
    tiny["policy"] = {"max_absence_share": 0.1}
    explanation = explained(tiny)
    assert conflict_of(explanation) == {(Rule.MANDATORY_DROPPED, ("p1",)), ("months", ("p1",)),
                                        ("absence-cap", ("c",)), ("absence-cap", ("r",))}
    assert "town r (乡镇) may send at most 10% of its teachers (10 of 100)" \
        in explanation_text(explanation, "en")
    edits = {s.edits[0].path: s.edits[0].after for s in explanation.working}
    # The smallest shares that work: 0.2 for both towns, or 0.3 for one town alone; or July,
    # in the summer holidays, when no one is counted away; or two classes of 20.
    assert edits["policy.max_absence_share"] == 0.2
    assert edits["towns[0].max_absence_share"] == edits["towns[1].max_absence_share"] == 0.3
    assert edits["projects[0].months"] == [3, 7]
    assert edits["projects[0].sessions"] == 2
    assert_every_suggestion_works(tiny, explanation)


def test_trainer_max_days_shorter_than_a_session(tiny):
    # Only t2 teaches B, at most 2 days a year; p1's session lasts 3.
    tiny["projects"][0].update(days=3, topics=["B"])
    tiny["trainers"][1]["max_days"] = 2
    explanation = explained(tiny)
    finding = only_finding(explanation)
    assert finding.rule == "trainer-max-days" and finding.entities == (("trainer", "t2"),)
    assert "t2 (李老师) may teach at most 2 days" in finding.message
    raised = next(s for s in explanation.working if s.rule == "trainer-max-days")
    assert raised.edits[0].after == 3
    assert_every_suggestion_works(tiny, explanation)


def test_trainer_max_days_over_two_projects(tiny):
    # Only t2 teaches B, at most 3 days a year; p1 and p2 take 2 days each.
    tiny["projects"][0].update(days=2, topics=["B"])
    second_project(tiny)
    tiny["trainers"][1]["max_days"] = 3
    explanation = explained(tiny)
    assert explanation.findings == []
    assert conflict_of(explanation) == {(Rule.MANDATORY_DROPPED, ("p1",)),
                                        (Rule.MANDATORY_DROPPED, ("p2",)),
                                        ("trainer-max-days", ("t2",))}
    raised = next(s for s in explanation.working if s.rule == "trainer-max-days")
    assert raised.edits[0].after == 4
    assert_every_suggestion_works(tiny, explanation)


def test_rural_quota_against_the_rural_towns_absence_cap(tiny):
    # Half of 40 seats must be rural, but the rural town may send only 10 on a school day:
    # the largest quota that works is 0.25, the smallest share for r 0.2.
    tiny["projects"][0]["rural_quota"] = 0.5
    tiny["towns"][1]["max_absence_share"] = 0.1
    explanation = explained(tiny)
    assert conflict_of(explanation) >= {("rural-quota", ("p1",)), ("absence-cap", ("r",))}
    found = {s.rule: s.edits[0].after for s in explanation.working}
    assert found["rural-quota"] == 0.25 and found["absence-cap"] == 0.2
    assert_every_suggestion_works(tiny, explanation)


def test_after_with_both_classes_in_the_only_room(tiny):
    # p1's two classes need the rural room (one a day) on 14 and 15 March; p2 must come after
    # both. The pre-check (one class) passes; only the solver sees that the second class ends
    # too late.
    tiny["calendar"]["blackouts"] = only_march_days(14, 15)
    tiny["projects"][0].update(headcount=80, venue_rural="required")
    second_project(tiny, headcount=10, after=["p1"], venue_rural=None)
    explanation = explained(tiny)
    assert explanation.findings == []
    assert conflict_of(explanation) >= {("after", ("p2", "p1")),
                                        (Rule.VENUE_ONE_SESSION_A_DAY, ("room",))}
    assert any("take p1 out of its after list" in s.change for s in explanation.working)
    assert_every_suggestion_works(tiny, explanation)


# --- the explanation as a whole -----------------------------------------------------------------


def test_a_feasible_plan_is_said_to_be_feasible(tiny):
    explanation = explained(tiny)
    assert explanation.status == "feasible"
    assert "the plan is feasible" in explanation_text(explanation, "en")
    assert explanation.suggestions == []


@pytest.mark.parametrize("share", [0.1, 0.2, 0.5])
def test_explain_and_solve_agree_on_feasibility(tiny, share):
    tiny["policy"] = {"max_absence_share": share}
    tiny["projects"][0].update(headcount=60, max_session_size=30)
    status = solve_checked(tiny).solution.status.value
    assert explained(tiny).status == ("infeasible" if status == "INFEASIBLE" else "feasible")


def test_short_json_and_files(tiny, tmp_path):
    tiny["policy"] = {"max_absence_share": 0.1}
    explanation = explained(tiny)
    short = explanation_short(explanation, "en")
    assert "town c (城区) may send at most 10%" in short
    assert "Best change that gives a plan: let project p1 (培训一) also run in month 7" in short
    data = json.loads(explanation_json(explanation, "en"))
    assert data["schema"] == "training-explanation/1" and data["status"] == "infeasible"
    assert {"rule": "absence-cap", "entities": ["r"]}.items() <= data["conflict"][-1].items()
    assert all(suggestion["works"] for suggestion in data["suggestions"])
    paths = write_explanation(explanation, tmp_path / "out", "en")
    assert [path.name for path in paths] == ["explain.txt", "explain.json"]
    assert paths[0].read_text(encoding="utf-8") == explanation_text(explanation, "en")
    assert json.loads(paths[1].read_text(encoding="utf-8")) == data
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "explain.json", "explain.txt"]  # no temporary file left behind


def many_small_towns(tiny: dict[str, Any]) -> dict[str, Any]:
    """The tiny world with five more rural towns of 20 teachers, each town sending at most
    5 % of its teachers: every town's absence cap is in the conflict."""
    for index in range(5):
        tiny["towns"].append({"id": f"x{index}", "name": f"镇{index}", "rural": True,
                              "teachers": {"pri": 20}})
    tiny["policy"] = {"max_absence_share": 0.05}
    return tiny


def test_many_towns_are_listed_on_one_line(tiny):
    explanation = explained(many_small_towns(tiny))
    assert len([g for g in explanation.conflict if g.rule == "absence-cap"]) > 4
    assert "towns' absence caps (teachers a town may send on a school day): " \
        in explanation_text(explanation, "en")


def test_the_time_limit_is_kept(tiny):
    tiny["policy"] = {"max_absence_share": 0.1}
    explanation = explain(parse_instance(tiny), time_limit=0.3, workers=1)
    assert explanation.seconds < 2.0
    assert explanation.status in ("infeasible", "unknown")


def test_the_normal_model_has_no_groups(tiny):
    instance = parse_instance(tiny)
    built = TrainingModel(instance)
    assert built.groups == {}
    assert not any(variable.name.startswith("group[") for variable in built.model.proto.variables)
    relaxable = TrainingModel(instance, relaxable=True)
    assert {group.rule for group in relaxable.groups.values()} == {Rule.MANDATORY_DROPPED,
                                                                   Rule.MONTHS}


# --- in the planner's language ------------------------------------------------------------------


def english_words(text: str) -> set[str]:
    """The words of four letters or more in Latin letters: in a Chinese explanation of the tiny
    world none but its name and its venues' ids (the others are a letter and a digit)."""
    return set(re.findall(r"[A-Za-z]{4,}", text)) - {"tiny", "hall", "room"}


def too_many_seats(tiny: dict[str, Any]) -> None:
    tiny["projects"][0].update(headcount=150, sessions=1)


def every_venue_closed(tiny: dict[str, Any]) -> None:
    for venue in tiny["venues"]:
        venue["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]


def every_trainer_away(tiny: dict[str, Any]) -> None:
    tiny["projects"][0].update(months=[4], trainers_per_session=2)
    for trainer in tiny["trainers"]:
        trainer["unavailable"] = [{"start": "2024-04-01", "end": "2024-04-30"}]


def too_few_rural_teachers(tiny: dict[str, Any]) -> None:
    tiny["towns"][1]["teachers"] = {"pri": 15}
    tiny["projects"][0]["rural_quota"] = 0.5


def no_free_day(tiny: dict[str, Any]) -> None:
    tiny["calendar"]["blackouts"] = [{"name": "期中考试", "start": "2024-03-01",
                                      "end": "2024-03-31", "audiences": ["pri"]}]


def after_a_long_project(tiny: dict[str, Any]) -> None:
    tiny["projects"][0].update(days=29, weekdays_only=False)
    second_project(tiny, days=1, after=["p1"], weekdays_only=None)


def short_of_days(tiny: dict[str, Any]) -> None:
    tiny["projects"][0].update(days=3, topics=["B"])
    tiny["trainers"][1]["max_days"] = 2


@pytest.mark.parametrize("impossible", [
    lambda tiny: tiny["projects"][0].update(topics=["A", "C"]),
    lambda tiny: tiny["projects"][0].update(trainers_per_session=3),
    lambda tiny: tiny["projects"][0].update(venue_features=["投影"], venue_rural="required"),
    lambda tiny: tiny["projects"][0].update(holiday="required"),
    lambda tiny: tiny["projects"][0].update(phases=2, min_gap_days=40),
    too_many_seats, every_venue_closed, every_trainer_away, too_few_rural_teachers, no_free_day,
    after_a_long_project, short_of_days,
])
def test_what_cannot_run_and_every_change_is_said_in_chinese(tiny, impossible):
    impossible(tiny)
    explanation = explained(tiny)
    assert explanation.findings and explanation.suggestions
    text = explanation_text(explanation, "zh")
    assert not english_words(text), text
    data = json.loads(explanation_json(explanation, "zh"))
    said = [finding["message"] for finding in data["findings"]] + [
        suggestion["change"] + suggestion["note"] for suggestion in data["suggestions"]]
    assert not english_words(" ".join(said)), said
    short = explanation_short(explanation, "zh")
    assert english_words(short) <= {"explain", "schedule"}, short  # explain.txt, the command
    # The English stays as it was: every finding and change said in English.
    assert "cannot run" in explanation_text(explanation, "en")
    assert "cannot run" in explanation_short(explanation, "en")


def test_a_conflict_and_its_changes_are_said_in_chinese(tiny):
    # As in test_trainer_teaches_one_session_a_day: only 15 March is free, t2 is away all March.
    tiny["calendar"]["blackouts"] = blackout_all_of_march_but(15)
    tiny["trainers"][1]["unavailable"] = [{"start": "2024-03-01", "end": "2024-03-31"}]
    second_project(tiny)
    text = explanation_text(explained(tiny), "zh")
    assert not english_words(text), text
    lines = text.splitlines()
    assert lines[1:8] == [
        "这 6 条规则不能同时满足（放宽其中任何一条即可消除冲突）：",
        "  1. 项目培训一（p1）是必办项目：必须安排",
        "  2. 项目培训二（p2）是必办项目：必须安排",
        "  3. 项目培训一（p1）只能在3月举办",
        "  4. 项目培训二（p2）只能在3月举办",
        "  5. 专家李老师（t2） 2024-03-01–2024-03-31 不在",
        "  6. 专家张老师（t1）每天只能给一个班上课"]
    assert "请专家李老师（t2）在 2024-03-01–2024-03-31 也有空（取消这段外出）" in text
    assert "把项目培训一（p1）改为非必办（优先级 1）：方案将不安排它" in text


def test_many_towns_on_one_line_and_the_policy_are_said_in_chinese(tiny):
    explanation = explained(many_small_towns(tiny))
    text = explanation_text(explanation, "zh")
    assert not english_words(text), text
    assert "6 条乡镇离岗上限（乡镇在上课日最多派出的教师）：城区（c） 5/100；" in text
    assert "允许每个乡镇在上课日最多派出 15% 的教师（政策离岗上限 0.05 → 0.15）" in text
    data = json.loads(explanation_json(explanation, "zh"))
    assert data["conflict"][0]["label"] == "项目培训一（p1）是必办项目：必须安排"
    assert data["conflict"][0]["rule"] == "mandatory-dropped"  # the fields stay as they are
