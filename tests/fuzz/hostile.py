"""Hostile inputs, by class: files an attacker or a careless planner hands the command line
(issue 40). Each case is made here, never kept as a file: a workbook is the base workbook
changed by openpyxl or by hand in its XML, a JSON file the base instance changed, and which row,
digit or character is poisoned is drawn from a seeded random generator.

This module imports nothing of the project, so that `scripts/hostile_inputs.py` can run the
same cases against another checkout of it (the figures before and after). A case says what a
correct program does with it: exit 2 naming the place (`said`), with nothing written, or exit
0 with a plan of exactly what was written.
"""

from __future__ import annotations

import copy
import io
import json
import os
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from tests.helpers import tiny_instance

CHECK = ["check", "instance.xlsx", "--lang", "en"]
CHECK_JSON = ["check", "instance.json", "--lang", "en"]
SOLVE = ["solve", "instance.json", "--method", "greedy", "--out", "out", "--formats", "all",
         "--lang", "en"]


@dataclass
class Case:
    family: str
    what: str
    files: dict[str, bytes]
    args: list[str]
    exit: int = 2
    """The exit a correct program gives."""
    said: str | None = None
    """Text the output must hold: the place named."""
    prepare: Callable[[Path], None] | None = None
    """Makes what files cannot hold (a FIFO, a read-only folder), in the case's folder."""
    outputs: list[str] = field(default_factory=list)
    """Files the command may write even on bad input (a workbook's checked copy)."""
    secret: str | None = None
    """Text of another file that the output must never show."""


def base_instance() -> dict[str, Any]:
    """A small instance every command plans in a moment: the export tests' example without its
    off-site project, which it drops."""
    data = tiny_instance()
    data["projects"] = [project for project in data["projects"] if project["id"] != "p4"]
    return data


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


# -- workbooks ----------------------------------------------------------------------------

def _edit(workbook: bytes, change: Callable[[Any], None]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column(sheet: Any, header: str) -> int:
    for cell in sheet[1]:
        if isinstance(cell.value, str) and cell.value.rstrip("*＊") == header:
            return int(cell.column)
    raise KeyError(header)


def _set(sheet_title: str, header: str, row: int, value: Any) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        sheet = book[sheet_title]
        sheet.cell(row, _column(sheet, header), value)
    return change


def _parts(workbook: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The workbook with its zip parts changed by hand."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    change(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_dtd(part: bytes, dtd: bytes, reference: bytes) -> bytes:
    """The sheet's XML with a DTD before its root and `reference` as its first text."""
    start = part.index(b"<worksheet")
    return part[:start] + dtd + part[start:].replace(b"<t>", b"<t>" + reference, 1)


def _sheet_part(workbook: bytes, title: str) -> str:
    """The zip part of a sheet (openpyxl writes them in order: sheet1.xml, sheet2.xml …)."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    return f"xl/worksheets/sheet{book.sheetnames.index(title) + 1}.xml"


NOT_DIGITS = ["²", "³", "¹", "①", "⑫", "⁴", "₂", "Ⅻ", "½"]


def number_cases(workbook: bytes, rng: random.Random) -> Iterator[Case]:
    """Digits a spreadsheet lets through that int() refuses, in every kind of number cell."""
    for header, sheet in [("参训人数", "项目"), ("天数", "项目"), ("优先级", "项目"),
                          ("小学教师", "乡镇"), ("容纳人数", "场地")]:
        row = rng.randint(2, 3)
        text = f"{rng.randint(1, 9)}{rng.choice(NOT_DIGITS)}"
        yield Case("numbers", f"{text!r} in {sheet} {header}",
                   {"instance.xlsx": _edit(workbook, _set(sheet, header, row, text))}, CHECK,
                   said=f"{sheet} row {row}", outputs=["instance.checked.xlsx"])
    digits = "9" * rng.randint(4400, 5200)
    yield Case("numbers", "a 5,000-digit headcount in a cell",
               {"instance.xlsx": _edit(workbook, _set("项目", "参训人数", 2, digits))}, CHECK,
               said="项目 row 2", outputs=["instance.checked.xlsx"])
    yield Case("numbers", "inf as a share", {"instance.xlsx": _edit(
        workbook, _set("乡镇", "同时外出上限", 2, "inf"))}, CHECK, said="乡镇 row 2",
        outputs=["instance.checked.xlsx"])
    yield Case("numbers", "full-width digits read as the number they are",
               {"instance.xlsx": _edit(workbook, _set("项目", "参训人数", 2, "６０"))},
               CHECK, exit=0)


def workbook_cases(workbook: bytes, rng: random.Random) -> Iterator[Case]:
    """Workbooks whose structure openpyxl reads wrongly, slowly or not at all."""
    projects = _sheet_part(workbook, "项目")

    def merged(book: Any) -> None:
        sheet = book["项目"]
        column = _column(sheet, "月份")
        sheet.merge_cells(start_row=2, end_row=3, start_column=column, end_column=column)
    yield Case("workbook", "a cell merged over two project rows",
               {"instance.xlsx": _edit(workbook, merged)}, CHECK, said="merged cell",
               outputs=["instance.checked.xlsx"])

    def chartsheet(book: Any) -> None:
        book["项目"].title = "项目旧"
        book.create_chartsheet("项目")
    yield Case("workbook", "项目 as a chart sheet", {"instance.xlsx": _edit(workbook, chartsheet)},
               CHECK, said="chart sheet", outputs=["instance.checked.xlsx"])

    def malformed(parts: dict[str, bytes]) -> None:
        parts[projects] = parts[projects][: len(parts[projects]) // 2]
    yield Case("workbook", "malformed sheet XML", {"instance.xlsx": _parts(workbook, malformed)},
               CHECK, said="instance.xlsx")

    def bad_style(parts: dict[str, bytes]) -> None:
        parts[projects] = parts[projects].replace(b'<c r="A2"', b'<c r="A2" s="9999"', 1)
    yield Case("workbook", "a bad style index", {"instance.xlsx": _parts(workbook, bad_style)},
               CHECK, said="instance.xlsx")

    def laughs(parts: dict[str, bytes]) -> None:
        entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
        dtd = f'<!DOCTYPE x [<!ENTITY l0 "ha">{entities}]>'.encode()
        parts[projects] = _with_dtd(parts[projects], dtd, b"&l9;")
    yield Case("workbook", "billion laughs", {"instance.xlsx": _parts(workbook, laughs)},
               CHECK, said="instance.xlsx")

    def xxe(parts: dict[str, bytes]) -> None:
        dtd = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
        parts[projects] = _with_dtd(parts[projects], dtd, b"&e;")
    yield Case("workbook", "an external entity (XXE)", {"instance.xlsx": _parts(workbook, xxe)},
               CHECK, said="instance.xlsx")

    far = rng.choice(["W1048576", "A1048576", "XFD3"])
    yield Case("workbook", f"one cell at {far}", {"instance.xlsx": _edit(
        workbook, lambda book: book["项目"].__setitem__(far, "x"))}, CHECK, said=far)

    def bomb(parts: dict[str, bytes]) -> None:
        parts["xl/media/padding.bin"] = b"\0" * (270 * 1024 * 1024)
    yield Case("workbook", "a zip bomb (270 MB inflated)",
               {"instance.xlsx": _parts(workbook, bomb)}, CHECK, said="inflates")
    yield Case("workbook", "an encrypted workbook (an OLE file)",
               {"instance.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096)},
               CHECK, said="encrypted")
    yield Case("workbook", "not a zip at all", {"instance.xlsx": os.urandom(2048)}, CHECK,
               said="instance.xlsx")
    for header, sheet, formula in [("月份", "项目", "=3"), ("小学教师", "乡镇", "=100"),
                                   ("天数", "项目", "=1+2")]:
        yield Case("workbook", f"{sheet} {header} {formula} without a cached value",
                   {"instance.xlsx": _edit(workbook, _set(sheet, header, 2, formula))}, CHECK,
                   said="formula", outputs=["instance.checked.xlsx"])

    def folder_in_the_way(folder: Path) -> None:
        (folder / "instance.checked.xlsx").mkdir()
    yield Case("workbook", "a folder in place of the checked copy", {"instance.xlsx": _edit(
        workbook, _set("项目", "天数", 2, "x"))}, CHECK, said="instance.checked.xlsx",
        prepare=folder_in_the_way)

    def twice(book: Any) -> None:
        sheet = book["项目"]
        sheet.cell(1, sheet.max_column + 1, "参训人数")
        sheet.cell(2, sheet.max_column, 5)
    yield Case("workbook", "a column header given twice", {"instance.xlsx": _edit(
        workbook, twice)}, CHECK, said="given twice", outputs=["instance.checked.xlsx"])


def name_cases(rng: random.Random) -> Iterator[Case]:
    """Names with characters that an output cannot hold, or that break its lines."""
    for where, text in [(("venues", 0, "name"), "区教师\n进修学校"),
                        (("name",), "示例区\r\n2024"),
                        (("projects", 1, "name"), "新教师\r岗前培训")]:
        data = base_instance()
        _put(data, where, text)
        yield Case("names", f"a line break in {where}", {"instance.json": encode(data)}, SOLVE,
                   exit=0)
    for where, text in [(("venues", 0, "name"), "场地\ud800"), (("name",), "计划\udfff"),
                        (("projects", 0, "name"), f"项目{chr(rng.randint(1, 8))}"),
                        (("trainers", 1, "name"), "老师\x1b[2J")]:
        data = base_instance()
        _put(data, where, text)
        yield Case("names", f"{text[-1]!r} in {where}",
                   {"instance.json": json.dumps(data).encode()}, SOLVE,
                   said=".".join(map(str, where)).replace(".0.", "[0].").replace(".1.", "[1]."))
    for name in ['=HYPERLINK("http://x.example","x")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(1)"]:
        data = base_instance()
        data["projects"][0]["name"] = name
        yield Case("names", f"a formula as a name: {name}", {"instance.json": encode(data)},
                   [*SOLVE[:6], "--formats", "xlsx,csv", "--lang", "en"], exit=0)


def _put(data: Any, where: tuple[Any, ...], value: Any) -> None:
    for part in where[:-1]:
        data = data[part]
    data[where[-1]] = value


def json_cases(rng: random.Random) -> Iterator[Case]:
    """JSON that Python reads one way or another, where the planner meant something else."""
    text = encode(base_instance()).decode()
    yield Case("json", "a key given twice", {"instance.json": text.replace(
        '"headcount": 60,', '"headcount": 60, "headcount": 30,', 1).encode()}, CHECK_JSON,
        said="twice")
    digits = "9" * rng.randint(4400, 5200)
    yield Case("json", "a 5,000-digit headcount", {"instance.json": text.replace(
        '"headcount": 60', f'"headcount": {digits}', 1).encode()}, CHECK_JSON, said="digits")
    yield Case("json", "a 5,000-digit year", {"instance.json": text.replace(
        '"year": 2024', f'"year": {digits}', 1).encode()}, CHECK_JSON, said="digits")
    yield Case("json", "NaN as a capacity", {"instance.json": text.replace(
        '"capacity": 40', '"capacity": NaN', 1).encode()}, CHECK_JSON, said="NaN")
    yield Case("json", "a calendar range to 9999", {"instance.json": text.replace(
        '"end": "2024-08-31"', '"end": "9999-12-31"', 1).encode()}, CHECK_JSON,
        said="holiday_windows")


def scenario_cases(rng: random.Random) -> Iterator[Case]:
    """Scenario files whose changes do not fit their target, and bases that are no instance."""
    base = base_instance()
    odd = copy.deepcopy(base)
    odd["policy"] = []
    odd["objective"] = "x"
    odd["venues"][0]["unavailable"] = "never"
    odd["calendar"]["blackouts"] = {"x": 1}
    odd["audiences"].append({"id": "extra", "name": "多余"})
    changes = [
        ("set on a list", {"set": "policy.rural_quota", "value": 0.5}),
        ("set inside a number", {"set": "projects.p1.headcount.x", "value": 1}),
        ("remove on a calendar list", {"remove": "calendar.blackouts"}),
        ("remove while the blackouts are no list", {"remove": "audiences.extra"}),
        ("add to a dict", {"add": "calendar", "value": {"id": "x"}}),
        ("unavailable on a string", {"unavailable": "venues.v1", "start": "2024-05-01",
                                     "end": "2024-05-02"}),
        ("set objective on a string", {"set": "objective.weights.share", "value": 1}),
    ]
    for what, change in changes:
        scenario = {"schema": "training-scenario/1", "name": "s", "base": "base.json",
                    "changes": [change]}
        yield Case("scenario", what, {"base.json": encode(odd),
                                      "scenario.json": encode(scenario)},
                   ["check", "scenario.json", "--lang", "en"], said="changes[0]")
    password = f"hunter{rng.randint(100, 999)}"
    secret = {"db-password": password, "name": password, "year": password}
    for what, target, extra, said in [
        ("a base that is /dev/zero", "/dev/zero", {}, "not a regular file"),
        ("a base with a NUL byte", "base\0.json", {}, "base"),
        ("a base that is a broken workbook", "base.xlsx", {"base.xlsx": os.urandom(512)},
         "base.xlsx"),
        ("a base that is another program's JSON", "../secret/config.json", {}, "base"),
        ("a base that is a FIFO", "fifo.json", {}, "not a regular file"),
    ]:
        scenario = {"schema": "training-scenario/1", "name": "s", "base": target,
                    "changes": [{"set": "policy.rural_quota", "value": 0.5}]}

        def prepare(folder: Path, target: str = target) -> None:
            if target == "fifo.json":
                os.mkfifo(folder / "fifo.json")
            secrets = folder.parent / "secret"
            secrets.mkdir(exist_ok=True)
            (secrets / "config.json").write_text(json.dumps(secret))
        yield Case("scenario", what, {"scenario.json": encode(scenario), **extra},
                   ["check", "scenario.json", "--lang", "en"], said=said, prepare=prepare,
                   secret=password)


def argument_cases(rng: random.Random) -> Iterator[Case]:
    """Arguments and places a planner gets wrong."""
    data = encode(base_instance())
    mark = rng.choice(NOT_DIGITS)
    yield Case("arguments", f"why of class p1#{mark}",
               {"instance.json": data, "solution.json": b""},
               ["why", "instance.json", "solution.json", f"p1#{mark}", "--lang", "en"],
               said="p1#", prepare=_solved)
    yield Case("arguments", f"alternatives of class p1#{mark}",
               {"instance.json": data, "solution.json": b""},
               ["alternatives", "instance.json", "solution.json", f"p1#{mark}", "--lang", "en"],
               said="p1#", prepare=_solved)

    def read_only(folder: Path) -> None:
        (folder / "ro").mkdir()
        os.chmod(folder / "ro", 0o500)
    if os.geteuid() != 0:  # root writes in a read-only folder
        yield Case("arguments", "template --out in a read-only folder", {"instance.json": data},
                   ["template", "--from", "instance.json", "--out", "ro/t.xlsx"], said="ro",
                   prepare=read_only)
    yield Case("arguments", "template --out under a file", {"instance.json": data,
                                                             "file.txt": b"x"},
               ["template", "--out", "file.txt/t.xlsx"], said="file.txt")


def _solved(folder: Path) -> None:
    """A plan of the instance made by hand (p1's classes, p2's phases, p3), for why and
    alternatives: the greedy plan of the target program."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", "from scheduler.cli import main; main()", "solve",
                    "instance.json", "--method", "greedy", "--out", "plan", "--formats", "csv"],
                   cwd=folder, capture_output=True, check=False, timeout=120)
    made = folder / "plan" / "solution.json"
    if made.exists():
        (folder / "solution.json").write_bytes(made.read_bytes())


@dataclass
class Outcome:
    case: Case
    code: int | None
    """The exit status; None when it ran past the time allowed (a hang)."""
    output: str
    written: list[str]
    """Files the command left that it should not have (after exit 2 on bad input)."""

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.output

    @property
    def wrong_exit(self) -> bool:
        return self.code != self.case.exit

    @property
    def silent_misread(self) -> bool:
        return self.case.exit == 2 and self.code == 0

    @property
    def hang(self) -> bool:
        return self.code is None

    @property
    def unnamed(self) -> bool:
        """Refused, but without naming the place."""
        return (self.case.exit == 2 and self.code == 2 and self.case.said is not None
                and self.case.said not in self.output)

    @property
    def leaked(self) -> bool:
        """The output shows another file's content."""
        return self.case.secret is not None and self.case.secret in self.output

    @property
    def failed(self) -> bool:
        return (self.traceback or self.wrong_exit or bool(self.written) or self.unnamed
                or self.leaked)


def run(case: Case, folder: Path, program: Path, seconds: float) -> Outcome:
    """Run the case's command in `folder` with the project at `program` (a checkout's root)."""
    import subprocess
    import sys

    folder.mkdir(parents=True)
    for name, data in case.files.items():
        (folder / name).write_bytes(data)
    if case.prepare is not None:
        case.prepare(folder)
    before = {path for path in folder.rglob("*")}
    environment = {**os.environ, "PYTHONPATH": str(program), "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run([sys.executable, "-c", "from scheduler.cli import main; main()",
                               *case.args], cwd=folder, env=environment, capture_output=True,
                              timeout=seconds, check=False)
        code: int | None = done.returncode
        output = (done.stdout + done.stderr).decode("utf-8", "replace")
    except subprocess.TimeoutExpired as expired:
        code, output = None, ((expired.stdout or b"") + (expired.stderr or b"")).decode(
            "utf-8", "replace")
    written = []
    if case.exit == 2 and code != 0:
        written = sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                         if path not in before and path.name not in case.outputs
                         and not any(part in case.outputs for part in path.parts))
    for path in folder.rglob("*"):  # let the case's folder be removed
        if path.is_dir():
            os.chmod(path, 0o700)
    return Outcome(case, code, output, written)


def all_cases(workbook: bytes, seed: int = 0) -> Iterator[Case]:
    rng = random.Random(seed)
    yield from number_cases(workbook, rng)
    yield from workbook_cases(workbook, rng)
    yield from name_cases(rng)
    yield from json_cases(rng)
    yield from scenario_cases(rng)
    yield from argument_cases(rng)
