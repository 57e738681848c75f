"""The plan as calendars (RFC 5545): `calendar.ics` with every session-phase, and one calendar
per venue, per trainer and per town under `calendars/`.

Each session-phase is an all-day event over its dates (DTEND is the day after the last day, as
RFC 5545 wants for dates). Its UID is derived from the instance's name, the project id, the
session and the phase only, so a calendar program that imports the file again after a re-solve
updates the event instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from pathlib import Path

from icalendar import Calendar, Event

from models.instance import Instance
from models.solution import SessionPhase, Solution, write_bytes_atomically
from scheduler.export.plan_table import MODE_NAMES, NOBODY, PLACE_WITHOUT_VENUE
from scheduler.export.summaries import phase_names

PRODID = "-//schedule//teacher-training plan//ZH"
# A fixed namespace for the UIDs: the same name always gives the same UUID (uuid5).
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "schedule:training-plan")
CALENDAR_FOLDER = "calendars"
KINDS = ("venue", "trainer", "town")


def event_uid(instance_name: str, project: str, session: int, phase: int) -> str:
    """The stable UID of one session-phase: the same for the same plan, project, session and
    phase however often the plan is solved again."""
    key = f"{instance_name}\x1f{project}\x1f{session}\x1f{phase}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@schedule"


def write_calendars(instance: Instance, solution: Solution, out_dir: Path,
                    stamp: dt.datetime | None = None) -> list[Path]:
    """Write `calendar.ics` and `calendars/{venue,trainer,town}-<id>.ics` into `out_dir`, each
    file atomically, and remove calendars of an earlier export whose venue, trainer or town has
    no event any more (an importer would otherwise keep showing their old dates).

    `stamp` is the DTSTAMP of every event (default: now, in UTC).
    """
    out_dir = Path(out_dir)
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    events = _Events(instance, solution, stamp)
    rows = sorted(solution.sessions, key=lambda r: (r.start, r.project, r.session, r.phase))

    files: dict[Path, bytes] = {
        out_dir / "calendar.ics": _calendar(instance.name, [events.event(row) for row in rows]),
    }
    folder = out_dir / CALENDAR_FOLDER
    for venue in instance.venues:
        mine = [events.event(row) for row in rows if row.venue == venue.id]
        if mine:
            files[folder / f"venue-{venue.id}.ics"] = _calendar(
                f"{venue.name} · {instance.name}", mine)
    for trainer in instance.trainers:
        mine = [events.event(row) for row in rows if trainer.id in row.trainers]
        if mine:
            files[folder / f"trainer-{trainer.id}.ics"] = _calendar(
                f"{trainer.name} · {instance.name}", mine)
    for town in instance.towns:
        mine = [events.event(row, town=town.id) for row in rows if row.seats.get(town.id)]
        if mine:
            files[folder / f"town-{town.id}.ics"] = _calendar(
                f"{town.name} · {instance.name}", mine)

    for path, data in files.items():
        write_bytes_atomically(path, data)
    if folder.is_dir():
        for kind in KINDS:
            for stale in folder.glob(f"{kind}-*.ics"):
                if stale not in files:
                    stale.unlink()
    return list(files)


class _Events:
    """Makes the event of a session-phase, in the planner's words."""

    def __init__(self, instance: Instance, solution: Solution, stamp: dt.datetime):
        self.instance = instance
        self.stamp = stamp
        self.names = phase_names(instance, solution)
        self.projects = {project.id: project for project in instance.projects}
        self.audiences = {audience.id: audience.name for audience in instance.audiences}
        self.venues = {venue.id: venue.name for venue in instance.venues}
        self.trainers = {trainer.id: trainer.name for trainer in instance.trainers}
        self.towns = {town.id: town.name for town in instance.towns}

    def event(self, row: SessionPhase, town: str | None = None) -> Event:
        """The all-day event of `row`; in a town's calendar (`town`) the description leads with
        that town's seats."""
        project = self.projects[row.project]
        place = (self.venues.get(row.venue, row.venue) if row.venue
                 else PLACE_WITHOUT_VENUE.get(project.mode, NOBODY))
        seats = "、".join(f"{self.towns.get(t, t)} {n}" for t, n in row.seats.items() if n)
        lines = []
        if town is not None:
            lines.append(f"本乡镇名额：{row.seats.get(town, 0)}（{self.towns[town]}）")
        lines += [
            f"培训对象：{'、'.join(self.audiences[a] for a in project.audiences)}",
            f"培训方式：{MODE_NAMES[project.mode]}",
            f"参训人数：{row.size}（{seats}）",
            f"授课专家：{'、'.join(self.trainers.get(t, t) for t in row.trainers) or NOBODY}",
        ]
        if project.office:
            lines.append(f"负责科室：{project.office}")
        phase = f" 第{row.phase}/{project.phases}阶段" if project.phases > 1 else ""
        lines.append(f"项目编号：{project.id} 第{row.session}班{phase}")

        event = Event()
        event.add("uid", event_uid(self.instance.name, row.project, row.session, row.phase))
        event.add("dtstamp", self.stamp)
        event.add("dtstart", row.start)
        event.add("dtend", row.end + dt.timedelta(days=1))
        event.add("summary", self.names[row.project, row.session, row.phase])
        event.add("location", place)
        event.add("description", "\n".join(lines))
        event.add("categories", [MODE_NAMES[project.mode]])
        event.add("transp", "OPAQUE")
        return event


def _calendar(name: str, events: Iterable[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())

