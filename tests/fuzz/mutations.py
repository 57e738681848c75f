"""The fuzz suite's cases: files a planner could hand the command line, broken in every way the
suite covers, each with the command to run on it.

Every case is made from a fixed random seed (`FUZZ_SEED`, default 0), so a failure reproduces;
another seed explores further. A case is a few files and the arguments of one `schedule`
command, run in a fresh folder.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import ROOT, TINY, tiny_instance, tiny_solution

SOLVE = ["solve", "instance.json", "--out", "out", "--time-limit", "3", "--formats", "csv"]


@dataclass
class Case:
    family: str
    what: str
    files: dict[str, bytes | None]
    """File name to its bytes; None makes a folder of that name."""
    args: list[str] = field(default_factory=lambda: list(SOLVE))

    @property
    def solves(self) -> bool:
        return self.args[0] == "solve"


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


# -- mutations of a JSON value ---------------------------------------------------------------
Path_ = tuple[str | int, ...]


def paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every path into the value, the value's own (the empty path) first."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths(inner, (*prefix, index))


def get(value: Any, path: Path_) -> Any:
    for part in path:
        value = value[part]
    return value


def put(value: Any, path: Path_, new: Any) -> None:
    get(value, path[:-1])[path[-1]] = new


WRONG_TYPES: list[Any] = ["text", 7, -1, 0, 1e12, 2**63, math.nan, math.inf, -math.inf, None,
                          True, [], {}, [1, 2], {"x": 1}, "2024-02-30", ""]
STRANGE_TEXT = ["😀📚", "\u202eمرحبا\u202c", "x" * 100_000, "\u0000", "名" * 50, " ", "\ud7ff"]
STRANGE_DATES = ["2024-02-30", "2024-13-01", "2024-00-10", "20240301", "3/1", "2100-01-01",
                 "1900-01-01", "2024-2-3"]
EXTREME_NUMBERS: list[Any] = [-1, 0, 13, 1900, 2100, 10**12, 2**63, -(2**63), 0.5, math.nan]
REPLACEMENTS: dict[str, list[Any]] = {"type": WRONG_TYPES, "text": STRANGE_TEXT,
                                      "number": EXTREME_NUMBERS, "date": STRANGE_DATES}
"""What a value is replaced by, per kind of mutation."""


def mutate(rng: random.Random, data: Any) -> tuple[Any, str]:
    """One random mutation of a decoded JSON document, and what it did."""
    data = copy.deepcopy(data)
    candidates = [path for path in paths(data) if path]
    path = rng.choice(candidates)
    old = get(data, path)
    where = ".".join(map(str, path))
    kind = rng.choice(["delete", "type", "type", "text", "number", "date", "empty", "duplicate",
                       "dangling", "nest"])
    if kind == "delete":
        parent = get(data, path[:-1])
        del parent[path[-1]]
        return data, f"deleted {where}"
    if kind in ("text", "date") and not isinstance(old, str):
        kind = "type" if kind == "text" else "number"
    if kind in REPLACEMENTS:
        new = rng.choice(REPLACEMENTS[kind])
        put(data, path, new)
        shown = f"strange text ({len(new)} characters)" if kind == "text" else str(new)[:20]
        return data, f"{where} = {shown}"
    if kind == "empty":
        new = [] if isinstance(old, list) else {} if isinstance(old, dict) else ""
        put(data, path, new)
        return data, f"{where} emptied"
    if kind == "duplicate":
        lists = [p for p in candidates if isinstance(get(data, p), list) and get(data, p)]
        target = rng.choice(lists)
        items = get(data, target)
        items.append(copy.deepcopy(rng.choice(items)))
        return data, f"{'.'.join(map(str, target))}: an item twice"
    if kind == "dangling":
        ids = [p for p in candidates if isinstance(get(data, p), str) and p[-1] != "name"]
        target = rng.choice(ids)
        put(data, target, "no-such-id")
        return data, f"{'.'.join(map(str, target))} = no-such-id"
    nested: Any = old
    for _ in range(rng.choice([50, 5_000])):
        nested = [nested]
    put(data, path, nested)
    return data, f"{where} nested deeply"


def mutants(rng: random.Random, data: Any, count: int) -> Iterator[tuple[bytes, str]]:
    """`count` mutations of the document, encoded, with what each did (those that cannot be
    written as JSON left out)."""
    for _ in range(count):
        mutant, what = mutate(rng, data)
        try:
            yield encode(mutant), what
        except (RecursionError, ValueError):
            continue


# -- the families ----------------------------------------------------------------------------
def shipped(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "instances" / name).read_text(encoding="utf-8"))


def instance_cases(rng: random.Random, count: int) -> list[Case]:
    """Instances: the tiny world and 2024 mutated, and files that are not what they seem."""
    with_hours = tiny_instance()
    with_hours["projects"][0]["hours"] = 12.5
    with_hours["policy"] = {"hours_per_day": 6, "required_hours": {"primary": 40, "middle": 24}}
    bases = [("tiny", TINY), ("tiny", tiny_instance()), ("tiny with 学时", with_hours),
             ("tiny, section 6", _with_section_6()), ("2024", shipped("2024.json"))]
    cases = []
    for _ in range(count):
        label, base = rng.choice(bases)
        cases += [Case("instance", f"{label}: {what}", {"instance.json": content})
                  for content, what in mutants(rng, base, 1)]
    chinese = json.dumps(tiny_instance(), ensure_ascii=False)
    text = encode(tiny_instance())
    cases += [
        Case("instance", "GBK-encoded Chinese", {"instance.json": chinese.encode("gbk")}),
        Case("instance", "UTF-16 with its BOM", {"instance.json": chinese.encode("utf-16")}),
        Case("instance", "UTF-8 with a BOM", {"instance.json": chinese.encode("utf-8-sig")}),
        Case("instance", "trailing garbage", {"instance.json": text + b"}}garbage"}),
        Case("instance", "cut short", {"instance.json": text[: len(text) // 2]}),
        Case("instance", "empty file", {"instance.json": b""}),
        Case("instance", "binary", {"instance.json": bytes(range(256)) * 4}),
        Case("instance", "NaN and Infinity literals",
             {"instance.json": text.replace(b'"headcount": 60', b'"headcount": NaN')
              .replace(b'"capacity": 40', b'"capacity": Infinity')}),
        Case("instance", "deeply nested arrays",
             {"instance.json": b"[" * 100_000 + b"]" * 100_000}),
        Case("instance", "a 30 MB file: a name of 30 million characters",
             {"instance.json": encode({**tiny_instance(), "name": "名" * 10_000_000})}),
        Case("instance", "a 30 MB file: 30,000 projects", {"instance.json": _many_projects()}),
        Case("instance", "a folder in place of the file", {"instance.json": None}),
        Case("instance", "a missing file", {}),
        Case("instance", "a JSON list", {"instance.json": b"[1, 2, 3]"}),
        Case("instance", "year 1900", {"instance.json": encode({**tiny_instance(), "year": 1900})}),
        Case("instance", "year 2100", {"instance.json": encode({**tiny_instance(), "year": 2100})}),
    ]
    return cases


def _with_section_6() -> dict[str, Any]:
    """The tiny instance with the fields of docs/format.md's newer rules given, so that they
    are mutated too: a least class on a project and on the policy."""
    data = tiny_instance()
    data["projects"][0]["min_session_size"] = 20
    data["policy"] = {**data.get("policy", {}), "min_session_size": 5}
    return data


def _many_projects() -> bytes:
    data = tiny_instance()
    data["projects"] = [dict(data["projects"][0], id=f"p{n}", name="名" * 300)
                        for n in range(30_000)]
    return encode(data)


def scenario_cases(rng: random.Random, count: int) -> list[Case]:
    """Scenarios on the tiny world: their changes mutated."""
    base = encode(tiny_instance())
    scenario = {"schema": "training-scenario/1", "name": "变化", "base": "base.json",
                "changes": [
                    {"set": "projects.p1.months", "value": [5, 6], "note": "五六月"},
                    {"unavailable": "venues.v1", "start": "2024-05-01", "end": "2024-05-31"},
                    {"add": "trainers", "value": {"id": "t9", "name": "赵老师", "topics": ["教学"],
                                                  "max_days": 10}},
                    {"remove": "trainers.t3"},
                    {"set": "policy.rural_quota", "value": 0.3},
                ]}
    cases = [Case("scenario", what, {"base.json": base, "instance.json": content})
             for content, what in mutants(rng, scenario, count)]
    cases.append(Case("scenario", "its base missing", {"instance.json": encode(scenario)}))
    cases.append(Case("scenario", "its base a scenario",
                      {"base.json": encode(scenario), "instance.json": encode(scenario)}))
    return cases


def solution_cases(rng: random.Random, count: int) -> list[Case]:
    """`validate` of broken plans of the tiny world: mutated, and broken on purpose."""
    instance = encode(tiny_instance())
    solution = json.loads(tiny_solution().to_json())
    validate = ["validate", "instance.json", "solution.json"]
    cases = [Case("solution", what, {"instance.json": instance, "solution.json": content},
                  validate) for content, what in mutants(rng, solution, count)]
    overlapping = copy.deepcopy(solution)
    overlapping["sessions"][1] |= {"start": overlapping["sessions"][3]["start"],
                                   "end": overlapping["sessions"][3]["end"]}
    unsummed = copy.deepcopy(solution)
    unsummed["sessions"][0]["seats"]["city"] += 7
    unknown = copy.deepcopy(solution)
    unknown["sessions"][0]["project"] = "p99"
    for what, broken in (("two classes in one venue on one day", overlapping),
                         ("seats that do not sum", unsummed), ("an unknown project", unknown)):
        cases.append(Case("solution", what, {"instance.json": instance,
                                             "solution.json": encode(broken)}, validate))
    return cases


def workbook_cases(rng: random.Random, count: int, folder: Path) -> list[Case]:
    """The planner's workbook: cells of the 2024 workbook overwritten with strange values,
    rows and sheets removed."""
    from openpyxl import load_workbook

    from models import load_instance
    from models.workbook.write import write_workbook

    source = folder / "2024.xlsx"
    write_workbook(source, load_instance(ROOT / "instances" / "2024.json"))
    values: list[Any] = ["13月", "全员", "约", -5, 0, 10**12, "😀", "x" * 40_000, "=1/0",
                         "2024-02-30", "必须", 3.7, None, "、、", "线上线下", "1-13月",
                         "小学教师:", "无此对象:72", "72学时", "小学教师:72；小学教师:-1"]
    cases = []
    for number in range(count):
        book = load_workbook(source)
        sheet = book[rng.choice(book.sheetnames)]
        what = sheet.title
        if rng.random() < 0.1 and len(book.sheetnames) > 2:
            del book[sheet.title]
            what += " removed"
        elif rng.random() < 0.1:
            sheet.delete_rows(rng.randint(1, max(1, sheet.max_row)))
            what += ": a row removed"
        else:
            for _ in range(rng.randint(1, 4)):
                row, column = rng.randint(1, sheet.max_row + 1), rng.randint(1, sheet.max_column)
                value = rng.choice(values)
                sheet.cell(row=row, column=column).value = value
                what += f" ({row},{column})={str(value)[:12]}"
        path = folder / f"case-{number}.xlsx"
        book.save(path)
        cases.append(Case("workbook", what, {"instance.xlsx": path.read_bytes()},
                          [*SOLVE[:1], "instance.xlsx", *SOLVE[2:]]))
    cases.append(Case("workbook", "a text file named .xlsx",
                      {"instance.xlsx": b"not a workbook"},
                      [*SOLVE[:1], "instance.xlsx", *SOLVE[2:]]))
    return cases

