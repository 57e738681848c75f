"""学时 (credit hours): what a plan offers each town's teachers of each audience, against the
requirement (docs/format.md, Objective, `hours_short`).

A project's seats from a town are taken to come from its audiences in proportion to the town's
teachers of each, so a seat from town z of project p earns z's teachers of audience a
hours(p) · teachers(z,a) / pool(p,z) teacher-hours. offered(z,a) sums that over the scheduled
projects with audience a, and `hours_short` = floor(Σ_z Σ_a max(0, required(a)·teachers(z,a) −
offered(z,a))). Everything is in exact fractions; `scheduler.core.validate` recomputes it in its own
code.

`shortfall_rows` gives the same sum as rows the CP-SAT model and the relaxation can hold: a
town-audience that no plan can bring to its requirement needs no max(0, ·), and those of one
town are summed in one row (each seat then earns the project's whole hours, a whole number);
one that every plan brings there (an all-staff mandatory project alone does) is left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from models.instance import Instance, Project, Town
from models.phrase import Phrase, phrase, plain
from models.solution import Solution

TownAudience = tuple[str, str]


def offered(instance: Instance, seats: Mapping[str, Mapping[str, int]]
            ) -> dict[TownAudience, Fraction]:
    """The teacher-hours each town's teachers of each audience are offered by the scheduled
    projects, given each project's seats by town over all its sessions (dropped projects left
    out); every town-audience with teachers, 0 where none."""
    hours: dict[TownAudience, Fraction] = {
        (town.id, audience): Fraction(0)
        for town in instance.towns for audience, count in town.teachers.items() if count > 0}
    towns = {town.id: town for town in instance.towns}
    projects = {project.id: project for project in instance.projects}
    for project_id, by_town in seats.items():
        project = projects.get(project_id)
        if project is None:  # a plan edited by hand may name what the instance lacks
            continue
        earned = instance.hours(project)
        for town_id, count in by_town.items():
            town = towns.get(town_id)
            pool = town.pool(project.audiences) if town is not None else 0
            if town is None or not count or not pool:
                continue
            for audience in project.audiences:
                if town.teachers.get(audience, 0):
                    hours[town_id, audience] += (
                        earned * count * town.teachers[audience] / pool)
    return hours


def shortfall(instance: Instance, hours: Mapping[TownAudience, Fraction]) -> Fraction:
    """Σ max(0, required(a)·teachers(z,a) − offered(z,a)), exactly, in teacher-hours."""
    towns = {town.id: town for town in instance.towns}
    return sum((max(Fraction(0), instance.policy.required(audience)
                    * towns[town_id].teachers[audience] - given)
                for (town_id, audience), given in hours.items()), Fraction(0))


def hours_short(instance: Instance, seats: Mapping[str, Mapping[str, int]]) -> int:
    """The KPI: the teacher-hours short of the requirement, rounded down."""
    if instance.policy.required_hours is None:
        return 0
    return math.floor(shortfall(instance, offered(instance, seats)))


def has_requirement(instance: Instance) -> bool:
    """Whether the plan's hours are measured against a requirement."""
    return instance.policy.required_hours is not None


def gives_hours(instance: Instance) -> bool:
    """Whether the instance speaks of 学时 at all: a requirement, or a project's own hours."""
    return has_requirement(instance) or any(
        project.hours is not None for project in instance.projects)


@dataclass(frozen=True)
class TownAudienceHours:
    """What one town's teachers of one audience are offered, per teacher."""

    town: str
    audience: str
    teachers: int
    per_teacher: Fraction
    required: Fraction


def per_teacher(instance: Instance, seats: Mapping[str, Mapping[str, int]]
                ) -> list[TownAudienceHours]:
    """Each town-audience with teachers: the hours offered per teacher and the requirement, in
    the order of the towns and of the audiences."""
    hours = offered(instance, seats)
    rows = []
    for town in instance.towns:
        for audience in instance.audiences:
            teachers = town.teachers.get(audience.id, 0)
            if teachers > 0:
                rows.append(TownAudienceHours(
                    town.id, audience.id, teachers, hours[town.id, audience.id] / teachers,
                    instance.policy.required(audience.id)))
    return rows


def lowest_and_highest(rows: list[TownAudienceHours]
                       ) -> tuple[TownAudienceHours, TownAudienceHours] | None:
    """The town-audiences offered the fewest and the most hours per teacher (the first of
    equals); None without any."""
    if not rows:
        return None
    return (min(rows, key=lambda row: row.per_teacher),
            max(rows, key=lambda row: row.per_teacher))


def plan_seats(solution: Solution) -> dict[str, dict[str, int]]:
    """Each scheduled project's seats by town over all its sessions (each session's seats read
    from its first phase)."""
    seats: dict[str, dict[str, int]] = {}
    for row in solution.sessions:
        if row.phase == 1:
            by_town = seats.setdefault(row.project, {})
            for town, count in row.seats.items():
                by_town[town] = by_town.get(town, 0) + count
    return seats


def town_audience_phrase(instance: Instance, row: TownAudienceHours) -> Phrase:
    """`城区 小学教师 38 学时` (in English `城区 小学教师 38 h`: the names are the instance's)."""
    names = {audience.id: audience.name for audience in instance.audiences}
    return phrase(("{town} {audience} {hours} h", "{town} {audience} {hours} 学时"),
                  town=instance.town(row.town).name, audience=names[row.audience],
                  hours=as_text(row.per_teacher))


def hours_extremes(instance: Instance, solution: Solution) -> tuple[Phrase, Phrase]:
    """The town-audiences offered the fewest and the most 学时 per teacher by the plan."""
    extremes = lowest_and_highest(per_teacher(instance, plan_seats(solution)))
    if extremes is None:
        return plain("—"), plain("—")
    return (town_audience_phrase(instance, extremes[0]),
            town_audience_phrase(instance, extremes[1]))


class HoursLedger:
    """The plan's hours, kept to tell what one class's seats are worth: `removed` is how many
    teacher-hours short the plan would be more, were that class's seats not there (everything
    else as it is). A class causes no shortfall; it removes some, and where its towns'
    audiences are already offered their requirement, none. (So the classes' parts do not add
    up to `hours_short`, which is what is left after all of them.)"""

    def __init__(self, instance: Instance, seats: Mapping[str, Mapping[str, int]]):
        self.instance = instance
        self.hours = offered(instance, seats)
        self.short = shortfall(instance, self.hours)

    def removed(self, project: Project, seats: Mapping[str, int]) -> int:
        """What `hours_short` would rise by without these seats of the project."""
        if not has_requirement(self.instance):
            return 0
        earned = self.instance.hours(project)
        change = Fraction(0)
        towns = {town.id: town for town in self.instance.towns}
        for town_id, count in seats.items():
            town = towns.get(town_id)
            if town is None:
                continue
            pool = town.pool(project.audiences)
            for audience in project.audiences:
                teachers = town.teachers.get(audience, 0)
                if not count or not pool or not teachers:
                    continue
                required = self.instance.policy.required(audience) * teachers
                given = self.hours[town_id, audience]
                less = given - earned * count * teachers / pool
                change += max(Fraction(0), required - less) - max(Fraction(0), required - given)
        return math.floor(self.short + change) - math.floor(self.short)


class RunningHours:
    """`hours_short` kept up to date as projects are placed, moved and dropped one at a time
    (ruin and recreate, `scheduler.search.repair`): each project's part of `offered` is
    replaced when it moves, and the sum over the town-audiences is taken anew only when asked.
    In floats, for speed: it only ranks the moves, and the plan's KPI is measured on the plan
    in exact fractions. Without a requirement it keeps nothing."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.measured = has_requirement(instance)
        self.towns = {town.id: town for town in instance.towns}
        self.required = {(town.id, audience): float(instance.policy.required(audience)) * count
                         for town in instance.towns for audience, count in town.teachers.items()
                         if count > 0} if self.measured else {}
        self.hours = dict.fromkeys(self.required, 0.0)
        self.parts: dict[str, list[tuple[TownAudience, float]]] = {}

    def place(self, project_id: str, seats: Mapping[str, int]) -> None:
        """The project's seats by town now (empty: dropped)."""
        if not self.measured:
            return
        for key, given in self.parts.pop(project_id, []):
            self.hours[key] -= given
        project = self.instance.project(project_id)
        earned = float(self.instance.hours(project))
        part = []
        for town_id, count in seats.items():
            town = self.towns[town_id]
            pool = town.pool(project.audiences)
            for audience in project.audiences:
                if count and pool and town.teachers.get(audience, 0):
                    part.append(((town_id, audience),
                                 earned * count * town.teachers[audience] / pool))
        for key, given in part:
            self.hours[key] += given
        self.parts[project_id] = part

    def short(self) -> int:
        if not self.measured:
            return 0
        return math.floor(sum(max(0.0, required - self.hours[key])
                              for key, required in self.required.items()) + 1e-6)


def _most_seats(headcount: int, pool: int) -> int:
    """The most seats a project of `headcount` can give a town of `pool` teachers of its
    audiences."""
    return min(pool, headcount)


@dataclass(frozen=True)
class Unreachable:
    """An audience the whole plan cannot bring to its requirement: even with every project
    scheduled and its seats where they earn that audience the most, its teachers are offered
    at most `most` 学时 each on average, against `required`."""

    audience: str
    most: Fraction
    required: Fraction


def unreachable(instance: Instance) -> list[Unreachable]:
    """The audiences no plan can offer their required hours, in the order of the audiences.

    For each project with the audience, its seats go first to the towns where a seat earns
    the audience the most (the largest share of the audience in the project's pool there), up
    to each town's pool and together its headcount: the most teacher-hours it can give."""
    found = []
    for audience in instance.audiences:
        required = instance.policy.required(audience.id)
        teachers = sum(town.teachers.get(audience.id, 0) for town in instance.towns)
        if required <= 0 or teachers == 0:
            continue
        most = Fraction(0)
        for project in instance.projects:
            if audience.id not in project.audiences:
                continue
            ratios = sorted(
                ((Fraction(town.teachers.get(audience.id, 0), pool), pool)
                 for town in instance.towns if (pool := town.pool(project.audiences)) > 0),
                reverse=True)
            left, earned = instance.headcount(project), Fraction(0)
            for ratio, pool in ratios:
                taken = min(left, pool)
                earned += ratio * taken
                left -= taken
            most += instance.hours(project) * earned
        if most < required * teachers:
            found.append(Unreachable(audience.id, most / teachers, required))
    return found


OUT_OF_REACH = (
    "{audience}: this plan offers at most {most} 学时 per teacher; {required} are required",
    "{audience}：本计划每位教师最多提供 {most} 学时，要求 {required} 学时")


def hours_out_of_reach(instance: Instance) -> list[Phrase]:
    """`unreachable` in the planner's words, one sentence per audience: what the plan offers
    at most against what is required (it is said before the search, and by explain)."""
    names = {audience.id: audience.name for audience in instance.audiences}
    return [phrase(OUT_OF_REACH, audience=names[item.audience], most=as_text(item.most, floor=True),
                   required=as_text(item.required))
            for item in unreachable(instance)]


@dataclass(frozen=True)
class ShortfallRow:
    """A part of `hours_short` as the model holds it: `required` teacher-hours less what each
    seat from `town` of each project earns toward them (`per_seat`). `audience` None: the
    town's audiences that no plan brings to their requirement, together (never below 0, so
    no max is needed); else one audience that some plans bring there and others not:
    max(0, ·)."""

    town: str
    audience: str | None
    required: Fraction
    per_seat: dict[str, Fraction]
    most_seats: int
    """The most seats the row's projects can give the town together."""

    @property
    def floored(self) -> bool:
        return self.audience is not None

    @property
    def scale(self) -> int:
        """The least whole number that makes the row whole: 1 when it is already."""
        return math.lcm(self.required.denominator,
                        *(earned.denominator for earned in self.per_seat.values()))

    def in_whole_numbers(self) -> WholeRow:
        """The row times its `scale`, or, where that is beyond `MOST_SCALE`, times it with each
        seat's hours rounded down and the required ones up: the row is then never below its
        true value, at most `WholeRow.over` above it once rounded up to whole hours."""
        scale = self.scale
        if scale <= MOST_SCALE:
            return WholeRow(scale, int(self.required * scale),
                            {project: int(earned * scale)
                             for project, earned in self.per_seat.items()},
                            0 if scale == 1 else 1)
        per_seat = {project: math.floor(earned * MOST_SCALE)
                    for project, earned in self.per_seat.items()}
        # Each seat's hours fall short by less than 1/MOST_SCALE, the required ones are over
        # by less than that: below (most_seats + 1) / MOST_SCALE in all, and 1 more rounded up.
        return WholeRow(MOST_SCALE, math.ceil(self.required * MOST_SCALE), per_seat,
                        1 + math.ceil(Fraction(self.most_seats + 1, MOST_SCALE)))


MOST_SCALE = 10_000
"""The largest factor a row of `hours_short` is multiplied by to make it whole in the model. The
exact factor, the least common denominator of a town's pools, runs to billions on anshan; this
keeps every coefficient below a few million, far from CP-SAT's 64-bit limits, and a
ten-thousandth of a 学时 per seat changes no plan."""


@dataclass(frozen=True)
class WholeRow:
    """A `ShortfallRow` in whole numbers: scale · short ≥ required − Σ per_seat · seats."""

    scale: int
    required: int
    per_seat: dict[str, int]
    over: int
    """The most the row, rounded up to whole teacher-hours, may exceed its true value (0:
    exact)."""


def shortfall_rows(instance: Instance) -> list[ShortfallRow]:
    """`hours_short` before rounding down, as rows: for every plan that keeps the mandatory
    projects, the sum of the rows' values (each at least 0 where `floored`) is the KPI's sum
    exactly. None without a requirement."""
    if instance.policy.required_hours is None:
        return []
    earned = {project.id: instance.hours(project) for project in instance.projects}
    headcounts = {project.id: instance.headcount(project) for project in instance.projects}
    rows = []
    for town in instance.towns:
        projects = [(project, pool) for project in instance.projects
                    if earned[project.id] and (pool := town.pool(project.audiences)) > 0]
        most: dict[str, Fraction] = defaultdict(Fraction)
        least: dict[str, Fraction] = defaultdict(Fraction)
        for project, pool in projects:
            seats = _most_seats(headcounts[project.id], pool)
            for audience in project.audiences:
                teachers = town.teachers.get(audience, 0)
                most[audience] += earned[project.id] * teachers * seats / pool
                if project.mandatory and project.headcount == "all":
                    least[audience] += earned[project.id] * teachers
        never: list[str] = []
        for audience, teachers in town.teachers.items():
            required = instance.policy.required(audience) * teachers
            if teachers == 0 or required <= 0 or least[audience] >= required:
                continue
            if most[audience] <= required:
                never.append(audience)
            else:
                rows.append(_row(town, audience, required, [audience], projects, earned,
                                 headcounts))
        if never:
            rows.append(_row(town, None, sum(
                (instance.policy.required(audience) * town.teachers[audience]
                 for audience in never), Fraction(0)), never, projects, earned, headcounts))
    return rows


def _row(town: Town, audience: str | None, required: Fraction, audiences: list[str],
         projects: list[tuple[Project, int]], earned: dict[str, Fraction],
         headcounts: dict[str, int]) -> ShortfallRow:
    """The row of `audiences` in the town: what a seat from it of each project (with its pool
    there) earns them, for the projects that earn any."""
    per_seat, most = {}, 0
    for project, pool in projects:
        share = sum(town.teachers.get(audience, 0) for audience in audiences
                    if audience in project.audiences)
        if share:
            per_seat[project.id] = earned[project.id] * share / pool
            most += _most_seats(headcounts[project.id], pool)
    return ShortfallRow(town.id, audience, required, per_seat, most)


def as_text(hours: Fraction, floor: bool = False) -> str:
    """学时 as a planner reads them: whole where whole, else to one decimal (rounded down with
    `floor`, for a most that must not read above itself)."""
    if hours.denominator == 1:
        return str(hours.numerator)
    if floor:
        return f"{math.floor(hours * 10) / 10:.1f}"
    return f"{float(hours):.1f}"
