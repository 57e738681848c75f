"""The plan as calendars (RFC 5545): `calendar.ics` with every session-phase, and one calendar
per venue, per trainer and per town under `calendars/`.

Each session-phase is an all-day event over its dates (DTEND is the day after the last day, as
RFC 5545 wants for dates). Its UID is derived from the instance's name, the project id, the
session and the phase only, so a calendar program that imports the file again after a re-solve
updates the event instead of adding a second one.

A town's calendar gives the town's own seats and the class size, not every town's seats: a
class of a large instance seats teachers of dozens of towns, and every town's breakdown in
every town's events made the calendars far larger and slower to write.
The events of the other calendars are the same in each, and serialised once. A plan made on
provisional holidays (a year before its notice) says so in every event and calendar.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from pathlib import Path

from icalendar import Calendar, Event, vText
from icalendar.parser import Contentline, Parameters

from models.instance import Instance
from models.outputs import remove
from models.solution import SessionPhase, Solution, write_bytes_atomically
from scheduler.export.plan_table import MODE_NAMES, NOBODY, PLACE_WITHOUT_VENUE
from scheduler.export.summaries import phase_names
from scheduler.export.wording import provisional_note

PRODID = "-//schedule//teacher-training plan//ZH"
# A fixed namespace for the UIDs: the same name always gives the same UUID (uuid5).
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "schedule:training-plan")
CALENDAR_FOLDER = "calendars"
KINDS = ("venue", "trainer", "town")
EVENT_END = b"END:VEVENT\r\n"
CALENDAR_END = b"END:VCALENDAR\r\n"


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

    shared = [(row, events.serialised(row)) for row in rows]
    note = provisional_note(instance, "zh")
    files: dict[Path, bytes] = {
        out_dir / "calendar.ics": _calendar(instance.name, [event for _, event in shared],
                                            note)}
    folder = out_dir / CALENDAR_FOLDER
    for venue in instance.venues:
        mine = [event for row, event in shared if row.venue == venue.id]
        if mine:
            files[folder / f"venue-{venue.id}.ics"] = _calendar(
                f"{venue.name} · {instance.name}", mine, note)
    for trainer in instance.trainers:
        mine = [event for row, event in shared if trainer.id in row.trainers]
        if mine:
            files[folder / f"trainer-{trainer.id}.ics"] = _calendar(
                f"{trainer.name} · {instance.name}", mine, note)
    for town in instance.towns:
        mine = [events.serialised(row, town.id) for row in rows if row.seats.get(town.id)]
        if mine:
            files[folder / f"town-{town.id}.ics"] = _calendar(
                f"{town.name} · {instance.name}", mine, note)

    for path, data in files.items():
        write_bytes_atomically(path, data)
    if folder.is_dir():
        for kind in KINDS:
            for stale in folder.glob(f"{kind}-*.ics"):
                if stale not in files:
                    remove(stale)
    return list(files)


class _Events:
    """Serialises the event of a session-phase, in the planner's words: all of it but the
    description once, the description for each calendar it is in."""

    def __init__(self, instance: Instance, solution: Solution, stamp: dt.datetime):
        self.instance = instance
        self.stamp = stamp
        self.names = phase_names(instance, solution)
        self.projects = {project.id: project for project in instance.projects}
        self.audiences = {audience.id: audience.name for audience in instance.audiences}
        self.venues = {venue.id: venue.name for venue in instance.venues}
        self.trainers = {trainer.id: trainer.name for trainer in instance.trainers}
        self.towns = {town.id: town.name for town in instance.towns}
        self.note = provisional_note(instance, "zh")
        self._frames: dict[tuple[str, int, int], bytes] = {}

    def serialised(self, row: SessionPhase, town: str | None = None) -> bytes:
        """The all-day event of `row`; in a town's calendar (`town`) the description leads with
        that town's seats, and gives no other town's."""
        key = (row.project, row.session, row.phase)
        if key not in self._frames:
            self._frames[key] = self._undescribed(row).to_ical()
        line = Contentline.from_parts("DESCRIPTION", Parameters(),
                                      vText(self._description(row, town))).to_ical()
        return self._frames[key][:-len(EVENT_END)] + line + b"\r\n" + EVENT_END

    def _undescribed(self, row: SessionPhase) -> Event:
        project = self.projects[row.project]
        place = (self.venues.get(row.venue, row.venue) if row.venue
                 else PLACE_WITHOUT_VENUE.get(project.mode, NOBODY))
        event = Event()
        event.add("uid", event_uid(self.instance.name, row.project, row.session, row.phase))
        event.add("dtstamp", self.stamp)
        event.add("dtstart", row.start)
        event.add("dtend", row.end + dt.timedelta(days=1))
        event.add("summary", self.names[row.project, row.session, row.phase])
        event.add("location", place)
        event.add("categories", [MODE_NAMES[project.mode]])
        event.add("transp", "OPAQUE")
        return event

    def _description(self, row: SessionPhase, town: str | None) -> str:
        project = self.projects[row.project]
        if town is None:
            seats = "、".join(f"{self.towns.get(t, t)} {n}" for t, n in row.seats.items() if n)
            lines = [f"参训人数：{row.size}（{seats}）"]
        else:
            lines = [f"本乡镇名额：{row.seats.get(town, 0)}（{self.towns[town]}）",
                     f"参训人数：{row.size}"]
        # The bureau's own words where the instance keeps them, as in the official table.
        audiences = project.audience_text or "、".join(self.audiences[a] for a in project.audiences)
        lines += [
            f"培训对象：{audiences}",
            f"培训方式：{project.mode_text or MODE_NAMES[project.mode]}",
            f"授课专家：{'、'.join(self.trainers.get(t, t) for t in row.trainers) or NOBODY}",
        ]
        if project.office:
            lines.append(f"负责科室：{project.office}")
        phase = f" 第{row.phase}/{project.phases}阶段" if project.phases > 1 else ""
        lines.append(f"项目编号：{project.id} 第{row.session}班{phase}")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


def _calendar(name: str, events: Iterable[bytes], note: str | None = None) -> bytes:
    """A calendar named `name` holding the serialised `events`; a `note` (the holidays are
    provisional) is the calendar's description."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # icalendar escapes text by the property's type, and knows no type for X-WR-CALNAME: as
    # vText, a line break in the name is escaped as in SUMMARY, never a line of its own.
    calendar.add("x-wr-calname", vText(name))
    if note:
        calendar.add("x-wr-caldesc", vText(note))
    empty = bytes(calendar.to_ical())
    return empty[:-len(CALENDAR_END)] + b"".join(events) + CALENDAR_END

