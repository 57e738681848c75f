"""A scenario: a base instance and a list of changes to it ("what if the hall is closed in May?").

A scenario file (`"schema": "training-scenario/1"`) names its base instance (a path relative to
the scenario file) and its changes, each addressed by entity id:

    {"set": "projects.p03.months", "value": [5, 6]}        a field of an item (value null: unset)
    {"set": "policy.rural_quota", "value": 0.5}            a field of calendar, policy, objective
    {"add": "venues", "value": {...a whole venue...}}      a new item of a section
    {"remove": "trainers.ja-t04"}                          an item, by id
    {"unavailable": "trainers.ja-t04", "start": "2024-10-01", "end": "2024-10-31"}
                                                           a closed range for a venue or trainer

Every change may carry a `note` (why), shown in the comparison. The changes are applied in order
to the base's JSON, then the result is checked exactly like an instance; every problem names the
change it comes from (`changes[2] (set projects.p09.months): there is no project p09`).
Removing a project also removes it from other projects' `after` (a dropped project constrains
nothing either); removing anything else that is still referenced is an error.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from models.instance import Instance
from models.parse import (
    INSTANCE_SCHEMA,
    LIST_SECTIONS,
    MAX_JSON_BYTES,
    OBJECT_SECTIONS,
    InputError,
    parse_instance,
    read_json,
    read_regular_file,
)
from models.workbook.read import read_workbook
from models.workbook.safety import OLE_MAGIC, ZIP_MAGIC

SCENARIO_SCHEMA = "training-scenario/1"
CHANGE_KINDS = ("set", "add", "remove", "unavailable")
_TOP_LEVEL_FIELDS = ("name", "year")
# What refers to an item of each section, as (section, field) pairs of the referring items.
_REFERENCES: dict[str, list[tuple[str, str]]] = {
    "audiences": [("towns", "teachers"), ("projects", "audiences")],
    "towns": [("venues", "town"), ("trainers", "town")],
}


def is_scenario(data: Any) -> bool:
    return isinstance(data, dict) and data.get("schema") == SCENARIO_SCHEMA


def load_scenario(path: Path, data: Any | None = None) -> Instance:
    """The instance a scenario file describes: its base with its changes applied. Its name is
    the base's name followed by the scenario's."""
    path = Path(path)
    data = read_json(path) if data is None else data
    problems = _scenario_problems(data)
    if problems:
        raise InputError(problems)
    return apply_changes(read_base(path, data["base"]), data["name"], data["changes"])


def read_base(path: Path, base: str) -> Any:
    """The decoded base instance of the scenario file at `path`: `base` is a path relative to
    the scenario file's folder (an absolute path stays as it is). It must be an instance file,
    known by its content: a workbook (a zip), or JSON whose schema is an instance's. Anything
    else is refused without a word of what it holds, as the file may be any file readable
    here; a pipe or a device is refused by its type before it is opened."""
    if "\0" in base:
        raise InputError([f"base: {base!r} is not a path"])
    base_path = Path(path).parent / base
    head = read_regular_file(base_path, MAX_JSON_BYTES, head=8)
    if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return read_workbook(base_path)
    try:
        decoded = read_json(base_path)
    except InputError:
        raise InputError([f"base: {base} is not an instance file (JSON or .xlsx)"]) from None
    if is_scenario(decoded):
        raise InputError([f"base: {base} is a scenario; name an instance file"])
    if not isinstance(decoded, dict) or decoded.get("schema") != INSTANCE_SCHEMA:
        raise InputError([f'base: {base} is not an instance file (its "schema" is not '
                          f'"{INSTANCE_SCHEMA}")'])
    return decoded


def apply_changes(base: Any, name: str, changes: list[dict[str, Any]]) -> Instance:
    """Apply the changes to the decoded base instance and check the result; raise `InputError`
    naming the change of every problem."""
    if not isinstance(base, dict):
        raise InputError(["base: the base instance must be a JSON object"])
    data = copy.deepcopy(base)
    problems: list[str] = []
    touched: list[tuple[str, str]] = []  # (instance path prefix, change label)
    for index, change in enumerate(changes):
        label = f"changes[{index}] ({_describe(change)})"
        try:
            touched += [(prefix, label) for prefix in _apply(data, change)]
        except _ChangeError as error:
            problems.append(f"{label}: {error}")
    if problems:
        raise InputError(problems)
    data["name"] = f"{data.get('name', '')} · {name}"
    try:
        return parse_instance(data)
    except InputError as error:
        raise InputError([_blame(problem, touched) for problem in error.problems]) from None


class _ChangeError(Exception):
    pass


def _scenario_problems(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return ["the scenario must be a JSON object"]
    problems = []
    for key in data:
        if key not in ("schema", "name", "base", "description", "changes"):
            problems.append(f"{key}: is not a field of a scenario (a typo?)")
    if not isinstance(data.get("name"), str) or not data.get("name"):
        problems.append("name: give the scenario a name")
    if not isinstance(data.get("base"), str):
        problems.append("base: give the path of the base instance, relative to this file")
    return problems + change_problems(data.get("changes"))


def change_problems(changes: Any) -> list[str]:
    """What is wrong with the shape of a list of changes (not yet with the base it applies
    to), each problem naming its change: `changes[2]: give exactly one of set, add, …`."""
    if not isinstance(changes, list):
        return ["changes: must be a list"]
    return [f"changes[{index}]: {problem}" for index, change in enumerate(changes)
            for problem in _change_shape(change)]


def _change_shape(change: Any) -> list[str]:
    if not isinstance(change, dict):
        return ["a change is an object such as {\"set\": \"policy.rural_quota\", \"value\": 0.5}"]
    kinds = [kind for kind in CHANGE_KINDS if kind in change]
    if len(kinds) != 1:
        return [f"give exactly one of {', '.join(CHANGE_KINDS)}"]
    kind = kinds[0]
    allowed = {"set": {"value"}, "add": {"value"}, "remove": set(),
               "unavailable": {"start", "end"}}[kind] | {kind, "note"}
    problems = [f"{key}: is not a field of a {kind} change (a typo?)"
                for key in change if key not in allowed]
    problems += [f"{key}: is missing" for key in sorted(allowed - {"note"}) if key not in change]
    if not isinstance(change[kind], str):
        problems.append(f"{kind}: give the path as text, e.g. \"projects.p03.months\"")
    return problems


def _describe(change: dict[str, Any]) -> str:
    kind = next(kind for kind in CHANGE_KINDS if kind in change)
    return f"{kind} {change[kind]}"


def _apply(data: dict[str, Any], change: dict[str, Any]) -> list[str]:
    """Apply one change to `data` in place; return the instance paths it touched."""
    if "set" in change:
        return [_set(data, change["set"], change["value"])]
    if "add" in change:
        return [_add(data, change["add"], change["value"])]
    if "remove" in change:
        _remove(data, change["remove"])
        return []
    return [_add_unavailable(data, change["unavailable"], change["start"], change["end"])]


def _set(data: dict[str, Any], path: str, value: Any) -> str:
    section, rest = _split_section(path)
    if section in _TOP_LEVEL_FIELDS and not rest:
        data[section] = value
        return section
    if section in OBJECT_SECTIONS:
        target, location = data.setdefault(section, {}), section
        _expect(target, dict, section)
    else:
        index, rest = _find_item(data, section, rest)
        target, location = data[section][index], f"{section}[{index}]"
    fields = rest.split(".") if rest else []
    if not fields:
        raise _ChangeError(f"name the field to set, e.g. {path}.months")
    if fields[0] == "id":
        raise _ChangeError("an id cannot be changed; remove the item and add it anew")
    for field in fields[:-1]:
        if not isinstance(target.get(field, {}), dict):
            raise _ChangeError(f"{field} has no fields of its own (it is "
                               f"{_kind(target[field])} in the base)")
        target = target.setdefault(field, {})
        location += f".{field}"
    if value is None:
        target.pop(fields[-1], None)
    else:
        target[fields[-1]] = copy.deepcopy(value)
    return f"{location}.{fields[-1]}"


def _add(data: dict[str, Any], section: str, value: Any) -> str:
    if section not in LIST_SECTIONS:
        raise _ChangeError(f"{section} is not a list of an instance; "
                           f"add to one of {', '.join(LIST_SECTIONS)}")
    if not isinstance(value, dict):
        raise _ChangeError("value: give the whole new item as an object")
    items = data.setdefault(section, [])
    _expect(items, list, section)
    if any(item.get("id") == value.get("id") for item in items if isinstance(item, dict)):
        raise _ChangeError(f"there is already an item with id {value.get('id')!r} in {section}")
    items.append(copy.deepcopy(value))
    return f"{section}[{len(items) - 1}]"


def _remove(data: dict[str, Any], path: str) -> None:
    section, rest = _split_section(path)
    if section not in LIST_SECTIONS:
        raise _ChangeError(f"{section} is not a list of an instance; "
                           f"remove from one of {', '.join(LIST_SECTIONS)}")
    index, rest = _find_item(data, section, rest)
    if rest:
        raise _ChangeError(f"remove takes a whole item ({section}.<id>); to unset a field use "
                           f"set with value null")
    item_id = data[section][index]["id"]
    for referrer, field in _REFERENCES.get(section, []):
        for other in data.get(referrer, []):
            if isinstance(other, dict) and item_id in _as_ids(other.get(field)):
                raise _ChangeError(f"{referrer[:-1]} {other.get('id')} still refers to it "
                                   f"({field})")
    if section == "audiences":
        calendar = data.get("calendar", {})
        _expect(calendar, dict, "calendar")
        blackouts = calendar.get("blackouts", [])
        _expect(blackouts, list, "calendar.blackouts")
        for blackout in blackouts:
            if isinstance(blackout, dict) and item_id in _as_ids(blackout.get("audiences")):
                raise _ChangeError(f"blackout {blackout.get('name')} still refers to it")
    del data[section][index]
    if section == "projects":
        for project in data["projects"]:
            if isinstance(project, dict) and item_id in project.get("after", []):
                project["after"] = [other for other in project["after"] if other != item_id]


def _add_unavailable(data: dict[str, Any], path: str, start: Any, end: Any) -> str:
    section, rest = _split_section(path)
    if section not in ("venues", "trainers"):
        raise _ChangeError("only a venue or a trainer can be made unavailable "
                           "(venues.<id> or trainers.<id>)")
    index, rest = _find_item(data, section, rest)
    if rest:
        raise _ChangeError(f"give the {section[:-1]} alone: {section}.<id>")
    ranges = data[section][index].setdefault("unavailable", [])
    _expect(ranges, list, f"{section}.{data[section][index]['id']}.unavailable")
    ranges.append({"start": start, "end": end})
    return f"{section}[{index}].unavailable[{len(ranges) - 1}]"


def _split_section(path: str) -> tuple[str, str]:
    section, _, rest = path.partition(".")
    known = (*_TOP_LEVEL_FIELDS, *LIST_SECTIONS, *OBJECT_SECTIONS)
    if section not in known:
        raise _ChangeError(f"{section!r} is not a part of an instance; use one of "
                           f"{', '.join(known)}")
    return section, rest


def _find_item(data: dict[str, Any], section: str, rest: str) -> tuple[int, str]:
    """The index of the item whose id `rest` starts with (the longest such id: ids may hold
    dots), and what follows the id."""
    best: tuple[int, str] | None = None
    _expect(data.get(section, []), list, section)
    for index, item in enumerate(data.get(section, [])):
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str) or not (rest == item_id or rest.startswith(item_id + ".")):
            continue
        if best is None or len(item_id) > len(data[section][best[0]]["id"]):
            best = (index, rest[len(item_id) + 1:])
    if best is None:
        item_id = rest.split(".")[0] if rest else ""
        raise _ChangeError(f"there is no {section[:-1]} {item_id!r}" if item_id
                           else f"name the {section[:-1]} by its id: {section}.<id>")
    return best


def _kind(value: Any) -> str:
    """What a JSON value is, in a word a planner reads."""
    if isinstance(value, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "text", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _expect(value: Any, kind: type, where: str) -> None:
    """A change applies to an object or a list only where the base has one."""
    if not isinstance(value, kind):
        raise _ChangeError(f"{where} is {_kind(value)} in the base, not "
                           f"{_kind(kind())}: the change cannot apply to it")


def _as_ids(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, list):
        return value
    return [value]


def _blame(problem: str, touched: list[tuple[str, str]]) -> str:
    """Prefix an instance problem with the change that touched its path, if one did."""
    for prefix, label in reversed(touched):
        if problem == prefix or problem.startswith((prefix + ":", prefix + ".", prefix + "[")):
            return f"{label}: {problem}"
    return f"after the changes: {problem}"
