"""Reading an input file: an instance, or a scenario (`models.scenario`): its base with its changes.

The checks are in `models.parse`, which both kinds of file build on; the names callers take
from here (`InputError`, `parse_instance`, `pydantic_problems`, `read_json`) are its own.
"""

from __future__ import annotations

from pathlib import Path

from models.instance import Instance
from models.parse import InputError, parse_instance, pydantic_problems, read_json
from models.scenario import is_scenario, load_scenario

__all__ = ["InputError", "load_instance", "parse_instance", "pydantic_problems", "read_json"]


def load_instance(path: Path) -> Instance:
    """An instance file, or a scenario file: its base with its changes."""
    data = read_json(path)
    if is_scenario(data):
        return load_scenario(path, data)
    return parse_instance(data)
