"""The instance a planner writes (docs/format.md, Instance), as pydantic models.

Each model checks what can be checked of one item on its own; `models.parse` checks what ties the
items together (ids, references, cycles) and gathers every problem before it reports.
"""

from __future__ import annotations

import math
from enum import Enum
from fractions import Fraction
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BeforeValidator,
    Field,
    NonNegativeInt,
    PositiveInt,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from models import words
from models.fields import (
    Date,
    DateRange,
    Hours,
    Id,
    Month,
    Share,
    Strict,
    Tilt,
    check_hours,
)


class Mode(str, Enum):
    OFFLINE = "offline"
    BLENDED = "blended"
    ONLINE = "online"
    OFFSITE = "offsite"

    @property
    def uses_venue(self) -> bool:
        return self in (Mode.OFFLINE, Mode.BLENDED)

    @property
    def takes_teachers_away(self) -> bool:
        return self is not Mode.ONLINE

    @property
    def needs_trainers(self) -> bool:
        return self is not Mode.OFFSITE


class HolidayRule(str, Enum):
    REQUIRED = "required"
    FORBIDDEN = "forbidden"
    ALLOWED = "allowed"


def _parse_headcount(value: Any) -> int | str:
    if value in ("all", words.ALL_TEACHERS):
        return "all"
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f'{value!r} is not a headcount: give a positive whole number or "all"')
    return int(value)


def _parse_priority(value: Any) -> int | str:
    if value in ("mandatory", words.MANDATORY):
        return "mandatory"
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f'{value!r} is not a priority: give "mandatory" or a positive whole number'
        )
    return int(value)


def _parse_required_hours(value: Any) -> Any:
    """One number for every audience, or {audience id: number}; the numbers are checked as
    `Hours`, the ids against the audiences by `models.parse`."""
    if isinstance(value, dict):
        checked = {}
        for key, number in value.items():
            try:
                checked[key] = check_hours(number)
            except ValueError as error:
                raise ValueError(f"{key}: {error}") from None
        return checked
    try:
        return check_hours(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a requirement of 学时: give a number for every "
                         "audience, or {audience id: number}") from None


RequiredHours = Annotated[int | float | dict[Id, int | float],
                          BeforeValidator(_parse_required_hours)]
Headcount = Annotated[int | Literal["all"], BeforeValidator(_parse_headcount)]
Priority = Annotated[int | Literal["mandatory"], BeforeValidator(_parse_priority)]
# The planner's Chinese words for an enum value are read as the value itself (`models.words`).
ModeValue = Annotated[Mode, BeforeValidator(
    lambda value: words.from_word(words.MODES, value, words.MODE_ALIASES))]
HolidayValue = Annotated[HolidayRule, BeforeValidator(
    lambda value: words.from_word(words.HOLIDAY_RULES, value))]
VenueRural = Annotated[Literal["required", "preferred"], BeforeValidator(
    lambda value: words.from_word(words.VENUE_RURAL, value))]


class HolidayWindow(DateRange):
    name: str


class Blackout(DateRange):
    name: str
    audiences: list[Id] = Field(min_length=1)


class Calendar(Strict):
    public_holidays: Literal["CN"] | list[Date] = "CN"
    extra_workdays: list[Date] = []
    holiday_windows: list[HolidayWindow] = []
    blackouts: list[Blackout] = []


class Audience(Strict):
    id: Id
    name: str


class Town(Strict):
    id: Id
    name: str
    rural: bool = False
    teachers: dict[Id, NonNegativeInt] = {}
    max_absence_share: Share | None = None
    area: str | None = Field(default=None, min_length=1)
    """The county or 片区 the town belongs to, by name (海城市); none: the town is an area of
    its own."""

    @property
    def area_id(self) -> str:
        return self.area if self.area is not None else self.id

    @property
    def total_teachers(self) -> int:
        return sum(self.teachers.values())

    def pool(self, audiences: list[str]) -> int:
        """Teachers of this town in any of the given audiences."""
        return sum(self.teachers.get(audience, 0) for audience in audiences)


class Venue(Strict):
    id: Id
    name: str
    town: Id
    capacity: PositiveInt
    features: list[str] = []
    cost_per_day: NonNegativeInt = 0
    unavailable: list[DateRange] = []


class Trainer(Strict):
    id: Id
    name: str
    topics: list[str] = Field(min_length=1)
    town: Id | None = None
    unavailable: list[DateRange] = []
    available: list[DateRange] | None = None
    max_days: NonNegativeInt
    fee_per_day: NonNegativeInt = 0


class Project(Strict):
    id: Id
    name: str
    audiences: list[Id] = Field(min_length=1)
    headcount: Headcount
    mode: ModeValue
    days: PositiveInt
    sessions: PositiveInt | None = None
    max_session_size: PositiveInt | None = None
    min_session_size: PositiveInt | None = None
    """The fewest teachers a class may seat (else the policy's, else half the mean class)."""
    delivery: Literal["central", "to_area"] = "central"
    """`to_area` (送教下乡): every class meets in its trainees' own area, the trainers travel."""
    spread: bool = False
    """Its session-phases spread over its window, one in each of as many equal parts of its
    allowed start days (a 全年 staged project, a touring lecture series)."""
    phases: PositiveInt = 1
    min_gap_days: NonNegativeInt = 0
    months: list[Month] | None = Field(default=None, min_length=1)
    preferred_months: list[Month] | None = Field(default=None, min_length=1)
    holiday: HolidayValue = HolidayRule.ALLOWED
    weekdays_only: bool | None = None
    topics: list[str] = []
    trainers_per_session: NonNegativeInt = 1
    rural_quota: Share | None = None
    venue_rural: VenueRural | None = None
    venue_features: list[str] = []
    after: list[Id] = []
    priority: Priority
    category: str | None = None
    office: str | None = None
    hours: Hours | None = None
    """The 学时 a trainee earns from the project (`Instance.hours`); absent: its days times
    its phases times `policy.hours_per_day`."""
    number: str | None = None
    """序号 as the bureau published it ("23", "1"): the official table prints it and keeps the
    published order by it."""
    audience_text: str | None = None
    """培训对象 as published ("市优秀班主任"), printed in place of the audiences' names."""
    mode_text: str | None = None
    """培训方式 as published ("线下（跟岗）"), printed in place of the mode's word."""
    months_text: str | None = None
    """月份 as published ("3-12月", "全年", "4、5月"), printed in place of the month of the
    first class."""

    @property
    def mandatory(self) -> bool:
        return self.priority == "mandatory"

    @property
    def drop_weight(self) -> int:
        """The priority weight lost when the project is dropped (0 for a mandatory one)."""
        return 0 if self.priority == "mandatory" else int(self.priority)

    @property
    def allowed_months(self) -> set[int]:
        return set(self.months) if self.months else set(range(1, 13))

    @property
    def wanted_months(self) -> set[int]:
        """Preferred months; absent means the allowed months."""
        return set(self.preferred_months) if self.preferred_months else self.allowed_months

    @property
    def trainer_count(self) -> int:
        """Trainers each session-phase needs: none for off-site study."""
        return self.trainers_per_session if self.mode.needs_trainers else 0


class Policy(Strict):
    rural_quota: Share = 0.0
    rural_weight: Tilt = 1.0
    """How much more a rural teacher counts than an urban one in each town's fair share of a
    project's seats (`Instance.fair_shares`): 1 is in proportion to the teachers."""
    max_absence_share: Share = 1.0
    weekdays_only: bool = True
    min_session_size: PositiveInt | None = None
    """The fewest teachers a class may seat, for every project that does not say."""
    hours_per_day: Hours = 8
    """The 学时 a day of training earns, for projects that do not give their own `hours`."""
    required_hours: RequiredHours | None = None
    """The 学时 per teacher per year the plan is meant to offer: one figure for every audience,
    or one per audience id (an audience left out has no requirement); absent, no target."""

    def required(self, audience: str) -> Fraction:
        """The 学时 required of a teacher of the audience (0: none), exactly."""
        required = self.required_hours
        if isinstance(required, dict):
            required = required.get(audience)
        return Fraction(0) if required is None else exact(required)


class Weights(Strict):
    """Objective weights, whole numbers, each per unit of its KPI. Those a planner leaves out
    are made from the instance (`models.concerns`) so that the order of concerns holds: keep
    every project (dropped) > every town its fair share, and rural classes in rural venues
    (share, rural_venue) > preferred months (preference) > 学时, the busiest school day and
    money (hours, balance, cost, away_days). The values below stand only for a `Weights` made
    apart from an instance.

    The last three count only when re-planning against an earlier plan (`--baseline`), per
    session-phase of that plan: held on other dates (or not at all), in another venue, per
    trainer replaced. A change weighs more than a day in the preferred months or a seat of fair
    share: once a plan is published, every change reaches many teachers.

    Written out (JSON, the workbook), only the weights the planner gave appear: the others are
    made again from the data, so that a plan with another project is weighed by its own data.
    """

    dropped: NonNegativeInt = 1_000_000
    share: NonNegativeInt = 200
    rural_venue: NonNegativeInt = 200
    preference: NonNegativeInt = 1_000
    balance: NonNegativeInt = 20
    cost: NonNegativeInt = 1
    away_days: NonNegativeInt = 0
    hours: NonNegativeInt = 1
    moved: NonNegativeInt = 5_000
    venue_changed: NonNegativeInt = 2_000
    trainer_changed: NonNegativeInt = 1_000

    @model_serializer(mode="wrap")
    def _given_only(self, write: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {name: value for name, value in write(self).items()
                if name in self.model_fields_set}

    @model_validator(mode="before")
    @classmethod
    def _no_rural_term(cls, data: Any) -> Any:
        """The former `rural` term paid for every rural seat up to the whole headcount and so
        left urban teachers out; an instance that still weighs it must say what it means now."""
        if isinstance(data, dict) and "rural" in data:
            raise ValueError(
                "`rural` is no longer a term: it was replaced by `share` (seats short of each "
                "town's fair share; tilt it towards rural towns with policy.rural_weight) and "
                "`rural_venue` (seats of a venue_rural: preferred class held in an urban venue)")
        return data


class Objective(Strict):
    weights: Weights = Weights()


class Instance(Strict):
    schema_: Literal["training-instance/1"] = Field(alias="schema")
    name: str
    year: Annotated[int, Field(ge=1900, le=2200)]
    calendar: Calendar = Calendar()
    audiences: list[Audience] = Field(min_length=1)
    towns: list[Town] = Field(min_length=1)
    venues: list[Venue] = []
    trainers: list[Trainer] = []
    projects: list[Project] = Field(min_length=1)
    policy: Policy = Policy()
    objective: Objective = Objective()

    @model_validator(mode="after")
    def _concern_weights(self) -> Instance:
        """The weights not given, made from the data (`models.concerns`)."""
        from models.concerns import concern_weights  # here: models.concerns imports this module

        object.__setattr__(self, "objective", Objective(weights=concern_weights(self)))
        return self

    _projects_by_id: tuple[list[Project], dict[str, Project]] | None = PrivateAttr(None)
    """The projects by id, with the list they index: a copy with other projects
    (`model_copy(update=...)` shares private attributes) indexes its own."""

    def town(self, town_id: str) -> Town:
        return next(town for town in self.towns if town.id == town_id)

    def project(self, project_id: str) -> Project:
        index = self._projects_by_id
        if index is None or index[0] is not self.projects:
            index = (self.projects, {project.id: project for project in self.projects})
            self._projects_by_id = index
        return index[1][project_id]

    def headcount(self, project: Project) -> int:
        """The number of teachers the project trains; "all" is every teacher of its audiences."""
        if project.headcount == "all":
            return self.pool(project)
        return int(project.headcount)

    def pool(self, project: Project) -> int:
        return sum(town.pool(project.audiences) for town in self.towns)

    def rural_pool(self, project: Project) -> int:
        return sum(town.pool(project.audiences) for town in self.towns if town.rural)

    def fair_shares(self, project: Project) -> dict[str, int]:
        """Each town's fair share of the project's seats (docs/format.md, Objective, `share`): its
        teachers of the project's audiences in proportion, a rural town's weighed by
        `policy.rural_weight`, floored and at most its teachers; none for "all" (it seats
        everyone). Towns without such teachers are left out. Exact arithmetic, so that a weight
        of 1.2 is 6/5 and a share that comes out whole is not floored one below."""
        if project.headcount == "all":
            return {}
        tilt = Fraction(repr(self.policy.rural_weight))
        # In whole numbers: a rural teacher weighs the tilt's numerator, an urban one its
        # denominator.
        pools = {town.id: (pool, tilt.numerator if town.rural else tilt.denominator)
                 for town in self.towns if (pool := town.pool(project.audiences)) > 0}
        weighed = sum(pool * weight for pool, weight in pools.values())
        headcount = int(project.headcount)
        return {town: min(pool, headcount * pool * weight // weighed)
                for town, (pool, weight) in pools.items()}

    def area_seats(self, project: Project) -> dict[str, int]:
        """Each area's part of a `to_area` project's headcount: ceil(headcount × the area's
        weighed teachers of its audiences / all of them), weighed as the fair shares are (every
        teacher, for "all"), so that an area's classes hold at least the fair shares of its
        towns and together at least the headcount; of the rural towns' teachers alone where
        the rural quota takes every seat. Areas in the towns' order."""
        tilt = Fraction(repr(self.policy.rural_weight))
        rural_only = self.rural_quota_seats(project) >= self.headcount(project) > 0
        weighed: dict[str, Fraction] = {}
        for town in self.towns:
            pool = town.pool(project.audiences)
            if pool > 0 and (town.rural or not rural_only):
                weight = tilt if town.rural and project.headcount != "all" else Fraction(1)
                weighed[town.area_id] = weighed.get(town.area_id, Fraction(0)) + weight * pool
        total = sum(weighed.values(), Fraction(0))
        headcount = self.headcount(project)
        return {area: math.ceil(headcount * part / total) for area, part in weighed.items()}

    def trainer_areas(self) -> dict[str, str]:
        """The area each trainer who gives a town lives in (`away_days`); a trainer without one
        is never away."""
        areas = {town.id: town.area_id for town in self.towns}
        return {trainer.id: areas[trainer.town] for trainer in self.trainers
                if trainer.town is not None}

    def area_release(self, project: Project) -> dict[str, int]:
        """The most teachers of a `to_area` project's audiences each area's towns (its rural
        towns, where the rural quota takes every seat) can send to one class: their absence
        caps, each at most its teachers of the audiences, where the project takes teachers
        away (its class size is then bounded by them on a school day); else their teachers."""
        rural_only = self.rural_quota_seats(project) >= self.headcount(project) > 0
        release: dict[str, int] = {}
        for town in self.towns:
            pool = town.pool(project.audiences)
            if pool > 0 and (town.rural or not rural_only):
                most = (min(pool, self.absence_cap(town)) if project.mode.takes_teachers_away
                        else pool)
                release[town.area_id] = release.get(town.area_id, 0) + most
        return release

    def fair_seats(self, project: Project) -> dict[str, int]:
        """The project's seats by town that leave the towns as little short of their fair shares
        as its rural quota allows: each its fair share; the rural quota first from the seats
        the floors leave over, then from the urban towns' shares, in proportion; the rest in
        proportion to the room left. Every town's teachers for "all". A rural quota above the
        rural teachers is the caller's to report (`scheduler.core.sessions`)."""
        pools = {town.id: town.pool(project.audiences) for town in self.towns
                 if town.pool(project.audiences) > 0}
        if project.headcount == "all":
            return pools
        # In the towns' order, never a set's: `proportional` breaks ties by order, and a set's
        # order changes from one process to the next.
        seats = dict(self.fair_shares(project))
        rural = [town.id for town in self.towns if town.rural and town.id in seats]
        urban = [town for town in seats if town not in rural]
        spare = int(project.headcount) - sum(seats.values())
        lacking = self.rural_quota_seats(project) - sum(seats[town] for town in rural)
        for count, givers in ((min(spare, lacking), None),
                              (lacking - min(spare, lacking), urban)):
            if count <= 0:
                continue
            if givers is not None:
                for town, taken in proportional({town: seats[town] for town in givers},
                                                 count).items():
                    seats[town] -= taken
            for town, given in proportional({town: pools[town] - seats[town]
                                              for town in rural}, count).items():
                seats[town] += given
        room = {town: pools[town] - seats[town] for town in seats}
        left = int(project.headcount) - sum(seats.values())
        for town, given in proportional(room, left).items():
            seats[town] += given
        return seats

    def forced_shortfall(self, project: Project) -> dict[str, int]:
        """The seats short of each town's fair share that the project's rural quota forces: what
        its fairest seating (`fair_seats`) still leaves short (a rural-only project leaves every
        urban town its whole share short). None for "all", which seats everyone."""
        if project.headcount == "all":
            return {}
        seats = self.fair_seats(project)
        return {town: target - seats.get(town, 0)
                for town, target in self.fair_shares(project).items()
                if target > seats.get(town, 0)}

    def rural_quota_seats(self, project: Project) -> int:
        """Seats that must go to rural towns: ceil(quota × headcount); none for "all"."""
        if project.headcount == "all":
            return 0
        quota = project.rural_quota if project.rural_quota is not None else self.policy.rural_quota
        # Rounded to 9 places first so that 0.3 × 100 is 30, not 31 after float error.
        return math.ceil(round(quota * int(project.headcount), 9))

    def min_session_size(self, project: Project, sessions: int) -> int:
        """The fewest teachers a class of the project seats, when it has `sessions` classes:
        its min_session_size, else the policy's, else half the mean class (at least 1), so
        that no class of one teacher and three trainers is ever a plan."""
        if project.min_session_size is not None:
            return project.min_session_size
        if self.policy.min_session_size is not None:
            return self.policy.min_session_size
        return max(1, self.headcount(project) // sessions // 2)

    def hours(self, project: Project) -> Fraction:
        """The 学时 a trainee earns from the project: its own `hours`, else days × phases ×
        `policy.hours_per_day`; exact, so that 1.5 学时 a day over 3 days is 4.5."""
        if project.hours is not None:
            return exact(project.hours)
        return project.days * project.phases * exact(self.policy.hours_per_day)

    def weekdays_only(self, project: Project) -> bool:
        if project.weekdays_only is not None:
            return project.weekdays_only
        return self.policy.weekdays_only

    def absence_cap(self, town: Town) -> int:
        """Most seats of the town away at once on a school day."""
        share = (
            town.max_absence_share
            if town.max_absence_share is not None
            else self.policy.max_absence_share
        )
        return math.floor(round(share * town.total_teachers, 9))


Key = TypeVar("Key")


def exact(number: float) -> Fraction:
    """A number as the planner wrote it, as a fraction: 0.1 is 1/10, not the float's binary
    neighbour."""
    return Fraction(repr(number)) if isinstance(number, float) else Fraction(number)


def proportional(weights: dict[Key, int], total: int) -> dict[Key, int]:
    """`total` split in proportion to `weights`, never above a weight, largest remainder first."""
    capacity = sum(weights.values())
    total = min(total, capacity)
    if total <= 0:
        return dict.fromkeys(weights, 0)
    share = {key: weight * total // capacity for key, weight in weights.items()}
    by_remainder = sorted(weights, key=lambda key: -(weights[key] * total % capacity))
    for key in by_remainder[:total - sum(share.values())]:
        share[key] += 1
    return share
