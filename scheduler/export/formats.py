"""Which files each export format writes: the one registry behind `schedule export --format`
and `schedule solve --formats`.

Every writer reads an `Instance` and a `Solution` (never solver objects) and writes each of its
files atomically into the output folder. The workbook and the report also show what each class
costs and why: an analysis worked out before (`scheduler.analysis.class_costs.plan_costs`), handed
in, never run here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from models import InputError, Instance, Solution, read_json
from models.load import pydantic_problems
from scheduler.core.costs import ProjectCost
from scheduler.export.gantt import write_gantt
from scheduler.export.ics import write_calendars
from scheduler.export.plan_table import write_plan_csv
from scheduler.export.report import write_report
from scheduler.export.wording import LANGUAGES
from scheduler.export.xlsx import write_xlsx
from scheduler.messages import say


@dataclass
class Shown:
    """What the workbook and the report both show beside the plan: the rules a plan adjusted
    by hand breaks (exported with --allow-violations; none for a plan the solver writes), shown
    first, and each class's costs and reasons (None where no format asked shows them)."""

    broken: list[str]
    costs: list[ProjectCost] | None

    def class_costs(self) -> list[ProjectCost]:
        if self.costs is None:
            raise ValueError(f"the formats {', '.join(ANALYSED)} show the classes' costs: "
                             "pass costs (scheduler.analysis.class_costs.plan_costs)")
        return self.costs


# A writer puts a format's files into the output folder and returns their paths.
Writer = Callable[[Instance, Solution, Path, str, Shown], list[Path]]


def _xlsx(instance: Instance, solution: Solution, out_dir: Path, lang: str,
          shown: Shown) -> list[Path]:
    path = out_dir / "plan.xlsx"
    write_xlsx(instance, solution, path, lang, shown.broken, costs=shown.class_costs())
    return [path]


def _ics(instance: Instance, solution: Solution, out_dir: Path, lang: str,
         shown: Shown) -> list[Path]:
    return write_calendars(instance, solution, out_dir)


def _html(instance: Instance, solution: Solution, out_dir: Path, lang: str,
          shown: Shown) -> list[Path]:
    path = out_dir / "report.html"
    write_report(instance, solution, path, lang, shown.broken, costs=shown.class_costs())
    return [path]


def _csv(instance: Instance, solution: Solution, out_dir: Path, lang: str,
         shown: Shown) -> list[Path]:
    # The CSV is the plan.csv of docs/format.md: its headers are the official Chinese ones in
    # every language.
    path = out_dir / "plan.csv"
    write_plan_csv(instance, solution, path)
    return [path]


def _png(instance: Instance, solution: Solution, out_dir: Path, lang: str,
         shown: Shown) -> list[Path]:
    path = out_dir / "gantt.png"
    write_gantt(instance, solution, path)
    return [path]


FORMATS: dict[str, Writer] = {
    "xlsx": _xlsx,  # plan.xlsx
    "ics": _ics,  # calendar.ics and calendars/*.ics
    "html": _html,  # report.html
    "csv": _csv,  # plan.csv
    "png": _png,  # gantt.png
}
ALL = "all"
ANALYSED = ("xlsx", "html")
"""The formats that show each class's costs, so need them worked out first."""


def parse_formats(text: str) -> list[str]:
    """The format names of a comma-separated list ("all": every format), in registry order.
    Raises InputError naming each unknown one."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise InputError([f"--format: give one or more of {', '.join(FORMATS)} (or {ALL})"])
    if ALL in names:
        return list(FORMATS)
    unknown = [name for name in names if name not in FORMATS]
    if unknown:
        raise InputError([f"--format: {name!r} is not a format; choose from "
                          f"{', '.join(FORMATS)} or {ALL}" for name in unknown])
    return [name for name in FORMATS if name in names]


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError([f"--lang: {lang!r} is not a language; choose from "
                          f"{', '.join(LANGUAGES)}"])
    return lang


def write_exports(instance: Instance, solution: Solution, out_dir: Path, formats: list[str],
                  lang: str = "zh", broken: list[str] | None = None,
                  costs: list[ProjectCost] | None = None) -> list[Path]:
    """Write the files of each format into `out_dir`; return their paths. `broken`: the rules
    the plan breaks, shown first in the workbook and the report; `costs`: each class's costs
    in `lang`, which the formats of `ANALYSED` show
    (`scheduler.analysis.class_costs.plan_costs`)."""
    shown = Shown(broken or [], costs)
    written: list[Path] = []
    for name in formats:
        written += FORMATS[name](instance, solution, Path(out_dir), lang, shown)
    return written


def read_solution(path: Path, instance: Instance, allow_violations: bool = False,
                  lang: str = "en") -> tuple[Solution, list[str]]:
    """Read a solution file to export: it must parse, have a plan, belong to `instance` and
    keep every rule of it; with `allow_violations`, the rules it breaks are returned instead,
    one line each, in `lang`. Raises InputError with one line per problem."""
    from scheduler.core.validate import validate

    try:
        solution = Solution.model_validate(read_json(path))
    except ValidationError as error:
        raise InputError([f"{path}: {problem}" for problem in pydantic_problems(error, ())]) \
            from None
    if not solution.status.has_schedule:
        raise InputError([f"{path}: the solution has no plan (status {solution.status.value})"])
    problems = foreign_plan_problems(path, solution, instance)
    if problems:
        raise InputError(problems)
    broken = [f"[{violation.rule}] {violation.said.text(lang)}"
              for violation in validate(instance, solution)]
    if broken and not allow_violations:
        raise InputError([f"{path}: {line}" for line in broken]
                         + [say("not exported", lang, path=path, count=len(broken))])
    return solution, broken


def foreign_plan_problems(path: Path, solution: Solution, instance: Instance) -> list[str]:
    """Whether the solution is a plan of another instance, in a line or two: such a plan breaks
    nearly every rule, and listing each would bury what is wrong."""
    problems = []
    if solution.instance != instance.name:
        problems.append(f"{path}: this is a plan of {solution.instance!r}, not of "
                        f"{instance.name!r}")
    known = {project.id for project in instance.projects}
    unknown = sorted({row.project for row in solution.sessions} - known
                     | set(solution.dropped) - known)
    if unknown:
        problems.append(f"{path}: names projects that the instance does not have: "
                        f"{', '.join(unknown)}")
    return problems


def write_outputs(instance: Instance, solution: Solution, out_dir: Path,
                  formats: list[str] | None = None, lang: str = "zh",
                  costs: list[ProjectCost] | None = None) -> list[Path]:
    """The files of `schedule solve`: solution.json and the files of each format (default:
    every format), each written whole or not at all; `costs` as `write_exports` takes them."""
    path = out_dir / "solution.json"
    solution.write(path)
    return [path, *write_exports(instance, solution, out_dir, formats or list(FORMATS), lang,
                                 costs=costs)]
