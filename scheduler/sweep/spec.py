"""Reading a sweep: the bases (one instance, or a folder of districts' instances) and the
sweep file that names the variants, checked whole before anything is solved or written.

A sweep file (JSON or TOML) holds a grid, named variants, or both:

    {"grid": {"policy.rural_quota": [0.3, 0.4, 0.5], "policy.rural_weight": [1, 1.5]},
     "variants": [{"name": "大礼堂五月停用",
                   "changes": [{"unavailable": "venues.v01", "start": "2024-05-01",
                                "end": "2024-05-31"}]}]}

Each variant is the scenario format's changes (`models.scenario`); each point of the grid sets
its paths to one value of each list. With both, every variant is crossed with every point
(its changes first); the variants are then crossed with every base. A path that names no field
of an instance, an empty list, an unknown key or a base that is not there is a problem of the
sweep, said with its place, before any task runs. A value a base cannot take (a quota of 1.5,
a project one district lacks) is a problem of that variant only: its row says why.
"""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from models import InputError, read_json
from models.parse import LIST_SECTIONS, OBJECT_SECTIONS, parse_instance
from models.phrase import Phrase, in_file
from models.scenario import change_problems, read_base

if sys.version_info >= (3, 11):
    import tomllib
else:  # the cluster extra installs tomli there
    import tomli as tomllib

SWEEP_SCHEMA = "training-sweep/1"
SWEEP_KEYS = ("schema", "name", "grid", "variants")
VARIANT_KEYS = ("name", "changes")
BASE_SUFFIXES = (".json", ".xlsx")
TOP_LEVEL_FIELDS = ("name", "year")


@dataclass(frozen=True)
class Base:
    """One district's instance: its name (the file's stem) and its decoded JSON, as a scenario's
    changes apply to it."""

    name: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Variant:
    """One what-if: its label, its changes, and the value of each swept path it sets."""

    label: str
    changes: list[dict[str, Any]]
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sweep:
    bases: list[Base]
    variants: list[Variant]
    swept: list[str]
    """The grid's paths, in the file's order: the columns and the chart's axes."""


def read_sweep(base_path: Path, sweep_path: Path) -> Sweep:
    """The bases under `base_path` and the variants of the sweep file; `InputError` naming
    every problem of either, each with its file."""
    problems: list[Phrase | str] = []
    try:
        bases = read_bases(Path(base_path))
    except InputError as error:
        problems += error.said
        bases = []
    try:
        variants, swept = read_variants(Path(sweep_path))
    except InputError as error:
        problems += error.said
    if problems:
        raise InputError(problems)
    return Sweep(bases, variants, swept)


def read_bases(path: Path) -> list[Base]:
    """An instance file (JSON or a workbook), or every one in a folder, each checked."""
    if path.is_dir():
        files = sorted(file for file in path.iterdir()
                       if file.suffix.lower() in BASE_SUFFIXES and file.is_file())
        if not files:
            raise InputError([f"{path}: the folder holds no instance (.json or .xlsx)"])
    elif path.exists():
        files = [path]
    else:
        raise InputError([f"{path}: there is no such file or folder"])
    bases, problems = [], []
    for file in files:
        try:
            data = read_base(file, file.name)
            parse_instance(data)
        except InputError as error:
            problems += [in_file(file, problem) for problem in error.said]
            continue
        bases.append(Base(file.stem, data))
    names = [base.name for base in bases]
    problems += [f"{path}: two bases are called {name!r}" for name in set(names)
                 if names.count(name) > 1]
    if problems:
        raise InputError(problems)
    return bases


def read_variants(path: Path) -> tuple[list[Variant], list[str]]:
    """The sweep file's variants, crossed with its grid's points, and the grid's paths."""
    data = _decode(path)
    problems = [f"{path}: {problem}" for problem in _sweep_problems(data)]
    if problems:
        raise InputError(problems)
    grid: dict[str, list[Any]] = data.get("grid", {})
    named = [Variant(item["name"], item["changes"])
             for item in data.get("variants", [])] or [Variant("", [])]
    points = [dict(zip(grid, values, strict=True))
              for values in itertools.product(*grid.values())]
    variants = [Variant(_label(variant.label, point, grid),
                        [*variant.changes, *({"set": path, "value": value}
                                             for path, value in point.items())], point)
                for variant in named for point in points]
    labels = [variant.label for variant in variants]
    duplicated = sorted({label for label in labels if labels.count(label) > 1})
    if duplicated:
        raise InputError([f"{path}: variants: two variants are called {label!r}"
                          for label in duplicated])
    return variants, list(grid)


def _decode(path: Path) -> Any:
    if path.suffix.lower() == ".toml":
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise InputError([f"{path}: cannot read it ({error.strerror})"]) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InputError([f"{path}: not TOML ({error})"]) from None
    if path.suffix.lower() == ".json":
        return read_json(path)
    raise InputError([f"{path}: a sweep file is .json or .toml"])


def _sweep_problems(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return ["a sweep file is an object with a grid, variants, or both"]
    problems = [f"{key}: is not a field of a sweep file (a typo?); it has "
                f"{', '.join(SWEEP_KEYS)}" for key in data if key not in SWEEP_KEYS]
    if data.get("schema", SWEEP_SCHEMA) != SWEEP_SCHEMA:
        problems.append(f'schema: is {data["schema"]!r}, expected "{SWEEP_SCHEMA}"')
    if "grid" not in data and "variants" not in data:
        problems.append("give a grid (a list of values per path), variants, or both")
    grid = data.get("grid", {})
    if not isinstance(grid, dict) or ("grid" in data and not grid):
        problems.append('grid: give each path its values, e.g. '
                        '{"policy.rural_quota": [0.3, 0.4, 0.5]}')
        grid = {}
    for path, values in grid.items():
        if not isinstance(values, list) or not values:
            problems.append(f"grid.{path}: give a non-empty list of values")
        problems += [f"grid.{path}: {problem}" for problem in field_problems(path)]
    variants = data.get("variants", [])
    if not isinstance(variants, list) or ("variants" in data and not variants):
        return [*problems, "variants: give a non-empty list of {name, changes}"]
    for index, variant in enumerate(variants):
        problems += [f"variants[{index}].{problem}" for problem in _variant_problems(variant)]
    return problems


def _variant_problems(variant: Any) -> list[str]:
    if not isinstance(variant, dict):
        return ["a variant is an object with a name and its changes"]
    problems = [f"{key}: is not a field of a variant (a typo?)"
                for key in variant if key not in VARIANT_KEYS]
    if not isinstance(variant.get("name"), str) or not variant.get("name"):
        problems.append("name: give the variant a name")
    problems += change_problems(variant.get("changes"))
    problems += [f"changes[{index}].{problem}"
                 for index, change in enumerate(variant.get("changes") or [])
                 if isinstance(change, dict) and isinstance(change.get("set"), str)
                 for problem in field_problems(change["set"])]
    return problems


def field_problems(path: Any) -> list[str]:
    """Whether a set path names a field an instance has (`policy.rural_quota`,
    `projects.<id>.months`): checked against the instance's models, not a base, so that a
    typo is found once for the whole sweep. An item's id is not checked here: one district may
    have a project another lacks."""
    if not isinstance(path, str):
        return ["give the path as text, e.g. \"policy.rural_quota\""]
    section, *rest = path.split(".")
    if section in TOP_LEVEL_FIELDS and not rest:
        return []
    if section in OBJECT_SECTIONS:
        model: type[BaseModel] = OBJECT_SECTIONS[section]
        if not rest:
            return [f"name a field of {section}: {section}.<field>"]
        for name in rest:
            found = model.model_fields.get(name)
            if found is None:
                return [f"{section} has no field {name!r}; it has "
                        f"{', '.join(model.model_fields)}"]
            annotation = found.annotation
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                return []  # a value, not an object of fields: the base's check says the rest
            model = annotation
        return []
    if section in LIST_SECTIONS:
        item = LIST_SECTIONS[section]
        if len(rest) < 2 or not any(name in item.model_fields for name in rest[1:]):
            return [f"name an item and one of its fields: {section}.<id>.<field>, the field "
                    f"one of {', '.join(item.model_fields)}"]
        return []
    known = (*TOP_LEVEL_FIELDS, *OBJECT_SECTIONS, *LIST_SECTIONS)
    return [f"{section!r} is not a part of an instance; use one of {', '.join(known)}"]


def _label(name: str, point: dict[str, Any], grid: dict[str, list[Any]]) -> str:
    """A variant's label: its name, then each swept value by its field (the path's last part,
    or the whole path where two paths end alike)."""
    ends = [path.rsplit(".", 1)[-1] for path in grid]
    parts = [f"{end if ends.count(end) == 1 else path}={_value_text(value)}"
             for (path, value), end in zip(point.items(), ends, strict=True)]
    return " · ".join(part for part in (name, ", ".join(parts)) if part)


def _value_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
