"""What `explain` finds (`scheduler.analysis.no_plan`): the values the analysis works out and
the writer renders (`scheduler.export.explanation`: explain.txt, explain.json, the lines of
`schedule solve` and of the web pages), apart from the analysis so that a writer reads them
without running it. Every finding, rule and change is a sentence, said in the reader's language
by the writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from models.phrase import Joined, Phrase, phrase
from scheduler.core.rules import Rule
from scheduler.core.sessions import Finding

INFEASIBLE, FEASIBLE, UNKNOWN = "infeasible", "feasible", "unknown"

TOGETHER: Literal["together"] = "together"
"""The rule of a suggestion that fixes several findings at once."""
Relaxed = Rule | Literal["together"]
"""What a suggestion relaxes: one rule, or every finding together."""


@dataclass(frozen=True)
class Edit:
    """One change of the instance: the value at `path` (as input errors name places, e.g.
    `projects[8].months`; `venues[10]` for a new venue) goes from `before` to `after`."""

    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Suggestion:
    """A change of the instance, in plain words (`words`, said in English or Chinese) and as
    edits, tried by solving the changed instance: `works` only if that gave a plan that passed
    `validate`; `note` says more (whether the plan drops the project made optional)."""

    words: Phrase
    rule: Relaxed
    entities: tuple[str, ...]
    edits: tuple[Edit, ...]
    tier: int
    size: float
    works: bool
    note: Phrase | None = None

    @property
    def change(self) -> str:
        """The change in English."""
        return self.words.text("en")

    @property
    def sentence(self) -> Phrase:
        """The change with its note."""
        if self.note is None:
            return self.words
        return phrase(("{change}: {note}", "{change}：{note}"), change=self.words, note=self.note)

    @property
    def rank(self) -> tuple[int, float]:
        """How big a change it is: its tier, then how much within the tier."""
        return self.tier, self.size


@dataclass(frozen=True)
class Conflicting:
    """A rule of the conflict (a group of the explain model) in a planner's words: `label` the
    rule, `brief` its entity and numbers alone, for a line that lists many of one rule."""

    rule: Rule
    entities: tuple[str, ...]
    label: Phrase
    brief: Phrase | None = None


@dataclass
class Explanation:
    """What `explain` found. `status` is "infeasible", "feasible" or "unknown" (not decided in
    the time limit). An infeasible plan is explained either by `findings` (mandatory projects
    that cannot run at all: each must be fixed) or by `conflict` (rules that cannot all hold:
    relaxing any one removes it), with `suggestions` that were tried (working ones first, by
    size) and the rules whose relaxation alone is `not_enough`."""

    instance: str
    status: str
    findings: list[Finding] = field(default_factory=list)
    dropped: list[Finding] = field(default_factory=list)
    conflict: list[Conflicting] = field(default_factory=list)
    minimal: bool = True
    suggestions: list[Suggestion] = field(default_factory=list)
    not_enough: list[Phrase] = field(default_factory=list)
    complete: bool = True
    seconds: float = 0.0
    hours: list[Phrase] = field(default_factory=list)
    """The audiences no plan can offer their required 学时 (`scheduler.core.hours.unreachable`):
    not a cause of infeasibility, but what the bureau asks first of any plan."""

    @property
    def working(self) -> list[Suggestion]:
        return [suggestion for suggestion in self.suggestions if suggestion.works]

    def conflict_lines(self) -> list[Phrase]:
        """The conflict a line per rule; more than `LISTED` of one kind on one line, by their
        briefs."""
        lines = []
        for rule in dict.fromkeys(group.rule for group in self.conflict):
            groups = [group for group in self.conflict if group.rule == rule]
            briefs = [group.brief for group in groups if group.brief is not None]
            if len(groups) <= LISTED or len(briefs) < len(groups):
                lines += [group.label for group in groups]
            else:
                lines.append(phrase(MANY, count=len(groups), rule=phrase(PLURALS[rule]),
                                    briefs=Joined(tuple(briefs), SEMICOLONS)))
        return lines


LISTED = 4  # rules of one kind listed one by one; more are listed on one line
SEMICOLONS = ("; ", "；")
MANY = ("{count} {rule}: {briefs}", "{count} 条{rule}：{briefs}")
PLURALS: dict[Rule, tuple[str, str]] = {  # the groups of one rule, when many are on one line
    Rule.MANDATORY_DROPPED: ("mandatory projects that must be scheduled", "必须安排的必办项目"),
    Rule.MONTHS: ("projects' allowed months", "项目允许的月份"),
    Rule.HOLIDAY_REQUIRED: ("projects' holiday rules", "项目的假期规则"),
    Rule.HOLIDAY_FORBIDDEN: ("projects' holiday rules", "项目的假期规则"),
    Rule.PHASE_GAP: ("projects' gaps between phases", "项目两阶段之间的间隔"),
    Rule.AFTER: ("'after' rules", "先后顺序"),
    Rule.RURAL_QUOTA: ("projects' rural quotas", "项目的农村名额比例"),
    Rule.VENUE_UNAVAILABLE: ("venues' closed days", "场地不开放的日期"),
    Rule.VENUE_ONE_SESSION_A_DAY: ("venues that can each host one session a day",
                                   "每天只能办一个班的场地"),
    Rule.TRAINER_UNAVAILABLE: ("trainers' days away", "专家外出的日期"),
    Rule.TRAINER_ONE_SESSION_A_DAY: ("trainers who each teach one session a day",
                                     "每天只能给一个班上课的专家"),
    Rule.TRAINER_MAX_DAYS: ("trainers' yearly day limits", "专家全年授课天数上限"),
    Rule.ABSENCE_CAP: ("towns' absence caps (teachers a town may send on a school day)",
                       "乡镇离岗上限（乡镇在上课日最多派出的教师）"),
}
