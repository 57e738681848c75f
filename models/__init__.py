"""Validated input and output of the scheduler: instance, solution, and their loading."""

from models.instance import Instance, Mode, Project, Town, Trainer, Venue, Weights
from models.load import load_instance
from models.parse import InputError, parse_instance, read_json
from models.solution import SessionPhase, Solution, Status

__all__ = [
    "InputError",
    "Instance",
    "Mode",
    "Project",
    "SessionPhase",
    "Solution",
    "Status",
    "Town",
    "Trainer",
    "Venue",
    "Weights",
    "load_instance",
    "parse_instance",
    "read_json",
]
