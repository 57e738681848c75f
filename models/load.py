"""Reading an input file: an instance (JSON, or the planner's workbook, `models.workbook`), or a
scenario (`models.scenario`): its base with its changes.

The checks are in `models.parse`, which both kinds of file build on; the names callers take
from here (`InputError`, `parse_instance`, `pydantic_problems`, `read_json`) are its own.
"""

from __future__ import annotations

from pathlib import Path

from models.instance import Instance
from models.parse import InputError, parse_instance, pydantic_problems, read_json
from models.scenario import is_scenario, load_scenario
from models.workbook.read import is_workbook, load_workbook_instance

__all__ = ["InputError", "load_instance", "parse_instance", "pydantic_problems", "read_json"]


def load_instance(path: Path, lang: str = "zh") -> Instance:
    """An instance file (.json or .xlsx), or a scenario file: its base with its changes. A
    workbook's problems are named by sheet, row and column, in `lang` (zh or en)."""
    if is_workbook(path):
        return load_workbook_instance(path, lang)
    data = read_json(path)
    if is_scenario(data):
        return load_scenario(path, data)
    return parse_instance(data)
