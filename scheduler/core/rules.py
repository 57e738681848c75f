"""The names of the rules, shared by the model, the checker, explain and the pre-checks.

One name per rule of docs/format.md, spelled as `scheduler.core.validate` reports its violations
(`[venue-one-session-a-day] venue hall …`): the model names its constraint families and explain
groups by them, explain orders and words conflicts by them, and the pre-checks name the rule a
project cannot keep. Names only: the model and the checker import this module and nothing of
each other, so that the checker stays an independent reading of the rules.
"""

from __future__ import annotations

from enum import Enum


class _Name(str, Enum):
    """A name that prints as itself, in messages and in JSON (as `StrEnum` does from 3.11)."""

    def __str__(self) -> str:
        return self.value


class Rule(_Name):
    """A rule a plan keeps; its value is the key of its violations."""

    STATUS = "status"
    SHAPE = "shape"
    MANDATORY_DROPPED = "mandatory-dropped"
    SESSION_COUNT = "session-count"
    SESSION_LENGTH = "session-length"
    YEAR = "year"
    PUBLIC_HOLIDAY = "public-holiday"
    WEEKEND = "weekend"
    MONTHS = "months"
    HOLIDAY_REQUIRED = "holiday-required"
    HOLIDAY_FORBIDDEN = "holiday-forbidden"
    BLACKOUT = "blackout"
    PHASE_GAP = "phase-gap"
    SPREAD = "spread"
    VENUE_MODE = "venue-mode"
    VENUE_UNKNOWN = "venue-unknown"
    VENUE_CAPACITY = "venue-capacity"
    VENUE_FEATURES = "venue-features"
    VENUE_RURAL = "venue-rural"
    TO_AREA = "to-area"
    VENUE_UNAVAILABLE = "venue-unavailable"
    VENUE_ONE_SESSION_A_DAY = "venue-one-session-a-day"
    TRAINER_COUNT = "trainer-count"
    TRAINER_DISTINCT = "trainer-distinct"
    TRAINER_UNKNOWN = "trainer-unknown"
    TRAINER_TOPIC = "trainer-topic"
    TRAINER_COVER = "trainer-cover"
    TRAINER_UNAVAILABLE = "trainer-unavailable"
    TRAINER_ONE_SESSION_A_DAY = "trainer-one-session-a-day"
    TRAINER_MAX_DAYS = "trainer-max-days"
    SEATS_TOWN = "seats-town"
    SEATS_NEGATIVE = "seats-negative"
    SEATS_PHASES = "seats-phases"
    SESSION_SIZE = "session-size"
    SEATS_AUDIENCE = "seats-audience"
    SEATS_POOL = "seats-pool"
    HEADCOUNT = "headcount"
    RURAL_QUOTA = "rural-quota"
    ABSENCE_CAP = "absence-cap"
    ONE_TRAINING_A_DAY = "one-training-a-day"
    AFTER = "after"
    KPI = "kpi"
    OBJECTIVE = "objective"
    HELD = "held"
    PINNED = "pinned"


class Cause(_Name):
    """Why a project cannot run at all where no one rule says it (`scheduler.core.sessions`): the
    rules together leave it no room. Where one rule does, the pre-check names that `Rule`."""

    VENUE_SIZE = "venue-size"
    """Its classes cannot seat its headcount in the largest venue it may use."""
    VENUE_AVAILABILITY = "venue-availability"
    """Every venue it could use is closed on all its allowed days."""
    TRAINER_AVAILABILITY = "trainer-availability"
    """Too few of its trainers are free on any of its allowed days."""
    HOLIDAY_MONTHS = "holiday-months"
    """It must be held in a school holiday, and no holiday falls in its months."""
    NO_START_DAY = "no-start-day"
    """Its months, holidays, blackouts and weekdays leave no start day."""
    CLASS_SIZE = "class-size"
    """Its number of classes and the least and largest class cannot seat its headcount."""
    PHASES = "phases"
    """Its phases, with their gaps, do not fit in its allowed days."""
    AFTER_CHAIN = "after-chain"
    """Its `after` chain cannot fit in the year."""
