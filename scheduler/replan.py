"""Re-planning against an earlier plan (the baseline) without upheaval.

A session-phase of the baseline is matched with the session-phase of the same project, session
number and phase in the new plan (re-planned sessions keep their numbers, so 第2班 stays 第2班).
Three stability KPIs count what changed, per session-phase of the baseline:

- `moved`: it is held on other dates, or not at all (its project dropped, or fewer classes);
- `venue_changed`: it is still held, in another venue (or with a venue where it had none);
- `trainer_changed`: it is still held, and this many of its trainers were replaced.

Sessions that began before `today` were held: each of their phases before `today` keeps its
dates, venue and trainers, and the session keeps its seats; every other phase starts on or after
`today`. A pinned session keeps everything it had in the baseline.

This module holds the request (`Replan`, `parse_pins`) and measures a plan against its baseline
(`stability_kpis`); the model keeps the held and pinned sessions as a constraint family of its
own and counts the changes in its objective (`TrainingModel._kept_from_baseline`,
`_stability_terms`), so that nothing here needs the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from models import InputError, SessionPhase, Solution
from models.solution import ReplanRecord

STABILITY_KPIS = ("moved", "venue_changed", "trainer_changed")
PhaseKey = tuple[str, int, int]
"""(project id, session number, phase)."""


@dataclass(frozen=True)
class Replan:
    """The baseline plan, the first day still open to change (None: every day), and the
    pinned sessions as (project id, session number); `source` names the baseline's file."""

    baseline: Solution
    today: dt.date | None = None
    pins: frozenset[tuple[str, int]] = frozenset()
    source: str = "baseline"
    warm_start: bool = True
    """Give the baseline to the search as its hint (off only to measure what it is worth)."""

    def held(self, row: SessionPhase) -> bool:
        return self.today is not None and row.start < self.today

    def fixed_rows(self) -> dict[PhaseKey, SessionPhase]:
        """The baseline rows that must stay exactly as they are: held or pinned."""
        return {phase_key(row): row for row in self.baseline.sessions
                if self.held(row) or (row.project, row.session) in self.pins}

    def record(self) -> ReplanRecord:
        return ReplanRecord(baseline=self.source, today=self.today,
                            pinned=[f"{project}#{session}" for project, session
                                    in sorted(self.pins)])


def parse_pins(texts: Iterable[str], baseline: Solution) -> frozenset[tuple[str, int]]:
    """`p03#2` pins session 2 of project p03, `p03` every session of it; each must be a
    session of the baseline. Raises `InputError` naming every pin that is not."""
    sessions = {(row.project, row.session) for row in baseline.sessions}
    pins: set[tuple[str, int]] = set()
    problems = []
    for text in texts:
        project, _, number = text.partition("#")
        of_project = sorted(session for pid, session in sessions if pid == project)
        if not of_project:
            problems.append(f"--pin {text}: the baseline has no session of project {project!r}")
        elif not number:
            pins.update((project, session) for session in of_project)
        elif not number.isdigit() or int(number) not in of_project:
            problems.append(f"--pin {text}: the baseline has sessions "
                            f"{', '.join(map(str, of_project))} of {project}, not {number!r}")
        else:
            pins.add((project, int(number)))
    if problems:
        raise InputError(problems)
    return frozenset(pins)


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
