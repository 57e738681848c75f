"""Re-planning against an earlier plan (the baseline) without upheaval.

A session-phase of the baseline is matched with the session-phase of the same project, session
number and phase in the new plan (re-planned sessions keep their numbers, so 第2班 stays 第2班).
Three stability KPIs count what changed, per session-phase of the baseline:

- `moved`: it is held on other dates, or not at all (its project dropped, or fewer classes);
- `venue_changed`: it is still held, in another venue (or with a venue where it had none);
- `trainer_changed`: it is still held, and this many of its trainers were replaced.

Sessions that began before `today` were held: each of their phases before `today` keeps its
dates, venue and trainers, and the session keeps its seats; every other phase starts on or after
`today`. A pinned session keeps everything it had in the baseline; a session pinned by part
(`p11#2:date`, `:venue`, `:trainers`, `:seats`, or several: `p11#2:date,venue`) keeps only those
parts in every phase, and the rest may change.

This module holds the request (`Replan`, `parse_pins`) and measures a plan against its baseline
(`stability_kpis`); the model keeps the held and pinned sessions as a constraint family of its
own and counts the changes in its objective (`scheduler.model.replanning.Replanning`), so
that nothing here needs the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from models import InputError, SessionPhase, Solution
from models.solution import ReplanRecord
from models.words import decimal

STABILITY_KPIS = ("moved", "venue_changed", "trainer_changed")
PhaseKey = tuple[str, int, int]
"""(project id, session number, phase)."""
ClassKey = tuple[str, int]
"""(project id, session number)."""
PIN_PARTS = ("date", "venue", "trainers", "seats")
WHOLE = frozenset(PIN_PARTS)
"""What a whole pin or a held session keeps."""


@dataclass(frozen=True)
class Replan:
    """The baseline plan, the first day still open to change (None: every day), and the
    pinned sessions as (project id, session number); `source` names the baseline's file."""

    baseline: Solution
    today: dt.date | None = None
    pins: Mapping[ClassKey, frozenset[str]] = field(default_factory=dict)
    """The parts each pinned session keeps (`WHOLE` when pinned without parts)."""
    source: str = "baseline"
    warm_start: bool = True
    """Give the baseline to the search as its hint (off only to measure what it is worth)."""

    def held(self, row: SessionPhase) -> bool:
        return self.today is not None and row.start < self.today

    def kept(self) -> dict[PhaseKey, tuple[SessionPhase, frozenset[str]]]:
        """The baseline rows that keep something, with what they keep: all of it when held,
        the pinned parts when pinned."""
        kept = {}
        for row in self.baseline.sessions:
            parts = WHOLE if self.held(row) else self.pins.get((row.project, row.session))
            if parts:
                kept[phase_key(row)] = (row, parts)
        return kept

    def record(self) -> ReplanRecord:
        return ReplanRecord(baseline=self.source, today=self.today,
                            pinned=[pin_text(key, parts)
                                    for key, parts in sorted(self.pins.items())])


def parse_pins(texts: Iterable[str], baseline: Solution) -> dict[ClassKey, frozenset[str]]:
    """`p03#2` pins session 2 of project p03, `p03` every session of it, `p03#2:date,venue`
    only those parts of it (repeated pins of one session add up). Each must be a session of
    the baseline. Raises `InputError` naming every pin that is not."""
    sessions = {(row.project, row.session) for row in baseline.sessions}
    pins: dict[ClassKey, frozenset[str]] = {}
    problems = []
    for text in texts:
        try:
            project, numbers, parts = _read_pin(text, sessions)
        except ValueError as error:
            problems.append(f"--pin {text}: {error}")
            continue
        for number in numbers:
            pins[project, number] = pins.get((project, number), frozenset()) | parts
    if problems:
        raise InputError(problems)
    return pins


def _read_pin(text: str, sessions: set[ClassKey]) -> tuple[str, list[int], frozenset[str]]:
    reference, colon, part_list = text.partition(":")
    project, _, number = reference.partition("#")
    of_project = sorted(session for pid, session in sessions if pid == project)
    if not of_project:
        raise ValueError(f"the baseline has no session of project {project!r}")
    session = decimal(number)
    if number and (session is None or session not in of_project):
        raise ValueError(f"the baseline has sessions {', '.join(map(str, of_project))} of "
                         f"{project}, not {number!r}")
    parts = frozenset(part.strip() for part in part_list.split(",")) if colon else WHOLE
    unknown = sorted(parts - WHOLE)
    if unknown or not parts:
        raise ValueError(f"{', '.join(unknown) or 'nothing'} is not a part of a class; pin "
                         f"{', '.join(PIN_PARTS)} or the whole class")
    return project, [session] if session is not None else of_project, parts


def pin_text(key: ClassKey, parts: frozenset[str]) -> str:
    """`p03#2` for a whole pin, `p03#2:date,venue` for a pin by parts."""
    project, session = key
    if parts == WHOLE:
        return f"{project}#{session}"
    return f"{project}#{session}:" + ",".join(part for part in PIN_PARTS if part in parts)


def read_pin_text(text: str) -> tuple[ClassKey, frozenset[str]]:
    """The inverse of `pin_text`, for a solution's record."""
    reference, colon, part_list = text.partition(":")
    project, _, number = reference.partition("#")
    return (project, int(number)), frozenset(part_list.split(",")) if colon else WHOLE


def stability_kpis(baseline_rows: Iterable[SessionPhase],
                   rows: Iterable[SessionPhase]) -> dict[str, int]:
    """The three stability KPIs of `rows` against the baseline's rows."""
    now = {phase_key(row): row for row in rows}
    kpis = dict.fromkeys(STABILITY_KPIS, 0)
    for before in baseline_rows:
        after = now.get(phase_key(before))
        if after is None or (after.start, after.end) != (before.start, before.end):
            kpis["moved"] += 1
        if after is not None:
            kpis["venue_changed"] += after.venue != before.venue
            kpis["trainer_changed"] += len(set(before.trainers) - set(after.trainers))
    return kpis


def phase_key(row: SessionPhase) -> PhaseKey:
    """How a session-phase of the baseline is matched in a new plan."""
    return (row.project, row.session, row.phase)
