"""Reading an input file: an instance (JSON, or the planner's workbook, `models.workbook`), or a
scenario (`models.scenario`): its base with its changes.

The checks are in `models.parse`, which both kinds of file build on; the names callers take
from here (`InputError`, `parse_instance`, `pydantic_problems`, `read_json`) are its own.
"""

from __future__ import annotations

from pathlib import Path

from models.instance import Instance
from models.parse import InputError, parse_instance, pydantic_problems, read_json
from models.phrase import phrase
from models.scenario import is_scenario, load_scenario
from models.workbook.read import is_workbook, load_workbook_instance

__all__ = ["InputError", "load_instance", "parse_instance", "pydantic_problems", "read_json"]


SCENARIO_REFUSED = ("{path}: is a scenario file; give the instance itself (.json or .xlsx)",
                    "{path}：是方案（scenario）文件；请上传实例本身（.json 或 .xlsx）")


def load_instance(path: Path, scenarios: bool = True) -> Instance:
    """An instance file (.json or .xlsx), or a scenario file: its base with its changes. A
    workbook's problems are named by sheet, row and column, in both languages. Without
    `scenarios`, a scenario file is refused: its base names another file to read, which a file
    from elsewhere (a web upload) must not choose."""
    if is_workbook(path):
        return load_workbook_instance(path)
    data = read_json(path)
    if is_scenario(data):
        if not scenarios:
            raise InputError([phrase(SCENARIO_REFUSED, path=path)])
        return load_scenario(path, data)
    return parse_instance(data)
