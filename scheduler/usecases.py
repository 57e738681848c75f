"""The application's operations, one function each, shared by the `schedule` command and the
web worker so that the two cannot drift: read an instance or a plan, check a file, solve a file
(solve, explain when there is no plan, work out what the outputs show, write them), re-plan,
compare scenarios, export, and the analyses of one class.

Each returns a value (the result, the explanation, the paths written) and prints nothing: the
command line prints it and sets the exit code, the web worker records it in the job. What the
caller does meanwhile (show progress, stop the search, guard the writing) is a `Hooks` it
passes in. A run's files are written all or nothing (`models.outputs`). The solver is imported
with the module, before a command says it is solving: Ctrl-C pressed from then on stops a search,
never an import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from models import InputError, Instance, SessionPhase, Solution, Status, read_json
from models import load_instance as load
from models.fields import parse_date
from models.load import pydantic_problems
from models.outputs import all_or_nothing
from scheduler.messages import Phrase, phrase
from scheduler.search.solve import solve, solve_by_hand
from scheduler.search.stop import Stop

if TYPE_CHECKING:
    from models.published.to_workbook import Guess
    from scheduler.analysis.alternatives import Alternative
    from scheduler.analysis.compare import Comparison
    from scheduler.core.costs import ProjectCost
    from scheduler.core.diff import SessionChange
    from scheduler.core.explanation import Explanation
    from scheduler.core.replan import Replan
    from scheduler.core.validate import Violation
    from scheduler.search.solve import SolveResult
    from scheduler.sweep.run import Progress
    from scheduler.sweep.spec import Sweep
    from scheduler.sweep.task import Outcome, Task

__all__ = [
    "Checked", "Compared", "Hooks", "Solved", "base_plan_problems", "check_file", "checked_copy",
    "class_costs", "compare_files", "describe_rows", "explanation_gist", "explanation_short",
    "explanation_text", "export_plan", "find_alternatives", "foreign_plan_problems",
    "instance_notes", "is_date", "kpi_words", "load_file", "metrics_text", "parse_class",
    "parse_formats", "plan_costs", "provisional_year", "read_plan", "read_solution_file",
    "replan_request", "solve_and_write", "weighted", "write_import", "write_outputs",
    "write_plans", "write_scenario", "write_template",
]


class Hooks:
    """What the caller does at the steps of an operation; here, nothing. The command line
    prints at them and guards the writing; the web worker keeps the progress in the job and
    stops the search when asked."""

    def progress(self, seconds: float, best: float | None, bound: float | None) -> None:
        """The search's best objective and bound so far."""

    def searching(self, stop: Stop) -> AbstractContextManager[object]:
        """Around the search: where the caller binds its way of stopping it (Ctrl-C, a button)
        to `stop`."""
        return nullcontext()

    def solved(self, solved: Solved) -> None:
        """The search is over; its result, before any explaining or writing."""

    def explained(self, explanation: Explanation) -> None:
        """Why the instance has no plan, before the explanation's files are written."""

    def compared(self, comparison: Comparison) -> None:
        """The scenarios are solved, before their files are written."""

    def writing(self, out_dir: Path) -> AbstractContextManager[object]:
        """Around the writing of a run's files into `out_dir` (all or nothing inside it)."""
        return nullcontext()


QUIET = Hooks()


@contextmanager
def _written(out_dir: Path, hooks: Hooks) -> Iterator[None]:
    with hooks.writing(out_dir), all_or_nothing(out_dir):
        yield


# --- reading ---------------------------------------------------------------------------------


def parse_formats(text: str, lang: str) -> list[str]:
    """The output formats of a comma-separated list ("all": every one), the language checked
    too; `InputError` naming each unknown one."""
    from scheduler.export.formats import check_language
    from scheduler.export.formats import parse_formats as parse

    problems: list[Phrase | str] = []
    formats: list[str] = []
    try:
        formats = parse(text)
    except InputError as error:
        problems += error.said
    try:
        check_language(lang)
    except InputError as error:
        problems += error.said
    if problems:
        raise InputError(problems)
    return formats


def load_file(path: str | Path, *, scenarios: bool = True) -> Instance:
    """The instance of a JSON file, a workbook or (with `scenarios`) a scenario file;
    `InputError` naming every problem."""
    return load(Path(path), scenarios)


def is_date(text: str) -> bool:
    """Whether the text is a day of the calendar written YYYY-MM-DD."""
    try:
        parse_date(text)
    except ValueError:
        return False
    return True


def write_scenario(path: Path, name: str, base: str, changes: list[dict[str, object]]) -> None:
    """A scenario file: the instance file it changes (`base`, beside it) and its changes."""
    import json

    from models.scenario import SCENARIO_SCHEMA

    path.write_text(json.dumps({"schema": SCENARIO_SCHEMA, "name": name, "base": base,
                                "changes": changes}, ensure_ascii=False, indent=2),
                    encoding="utf-8")


def provisional_year(instance: Instance) -> bool:
    """Whether the year is planned on holidays reckoned by rule, before their notice."""
    from scheduler.core.calendar import provisional_holidays

    return provisional_holidays(instance) is not None


def instance_notes(instance: Instance) -> list[Phrase]:
    """What to say of the instance before solving it: the hours its training cannot reach."""
    from scheduler.core.hours import hours_out_of_reach

    return hours_out_of_reach(instance)


def read_solution_file(path: str | Path) -> Solution:
    """A solution file as written (any status); `InputError` naming each problem."""
    try:
        return Solution.model_validate(read_json(Path(path)))
    except ValidationError as error:
        raise InputError([f"{path}: {problem}"
                          for problem in pydantic_problems(error, ())]) from None


def foreign_plan_problems(path: str | Path, solution: Solution, instance: Instance) -> list[str]:
    """Whether the solution is a plan of another instance, in a line or two."""
    from scheduler.export.formats import foreign_plan_problems as foreign

    return foreign(Path(path), solution, instance)


def read_plan(path: str | Path, instance: Instance, allow_violations: bool = False,
              lang: str = "en") -> tuple[Solution, list[str]]:
    """A plan of `instance` to export or analyse, and the rules it breaks (allowed only with
    `allow_violations`); `InputError` otherwise (`scheduler.export.formats.read_solution`)."""
    from scheduler.export.formats import read_solution

    return read_solution(Path(path), instance, allow_violations, lang)


def replan_request(baseline: Solution, *, today: str | None = None, pins: Iterable[str] = (),
                   source: str) -> Replan:
    """A re-plan against `baseline`: sessions before `today` held, the `pins` kept (`p03#2`,
    `p03`, `p03#2:date,venue`); `InputError` naming every problem."""
    from scheduler.core.replan import Replan, parse_pins

    problems: list[Phrase | str] = []
    held_from = None
    if today is not None:
        try:
            held_from = parse_date(today)
        except ValueError as error:
            problems.append(f"--today: {error}")
    try:
        pinned = parse_pins(pins, baseline)
    except InputError as error:
        problems += error.said
    if problems:
        raise InputError(problems)
    return Replan(baseline, held_from, pinned, source=source)


# --- checking a file -------------------------------------------------------------------------


@dataclass
class Checked:
    """A file checked: its instance, or every problem (a workbook's also marked in its checked
    copy)."""

    instance: Instance | None
    problems: list[Phrase | str] = field(default_factory=list)
    checked_copy: Path | None = None


def check_file(path: str | Path, lang: str = "zh", *, scenarios: bool = True,
               hooks: Hooks = QUIET) -> Checked:
    """Read the file as `load_file` does; a workbook with problems gets a copy beside it with
    each bad cell red and commented in `lang`."""
    from models.workbook.marks import write_checked_copy
    from models.workbook.read import WorkbookError

    try:
        return Checked(load_file(path, scenarios=scenarios))
    except WorkbookError as error:
        with _written(Path(path).parent, hooks):
            copy = write_checked_copy(Path(path), error.cells, lang)
        return Checked(None, error.said, copy)
    except InputError as error:
        return Checked(None, error.said)


def checked_copy(path: str | Path) -> Path | None:
    """The copy of a workbook with its problems marked, where `check_file` wrote one."""
    from models.workbook.marks import checked_copy_path

    copy = checked_copy_path(Path(path))
    return copy if copy.exists() else None


# --- solving a file --------------------------------------------------------------------------


@dataclass
class Solved:
    """A solve and what came of it: why projects cannot run, the explanation of a plan-less
    instance, a re-plan's changes, the files written."""

    instance: Instance
    result: SolveResult
    cannot_run: dict[str, Phrase]
    """Why each project that cannot run at all cannot."""
    explanation: Explanation | None = None
    changes: list[SessionChange] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def solution(self) -> Solution:
        return self.result.solution

    def forced_share(self) -> int:
        """The seats short of fair shares that no plan could avoid."""
        from scheduler.core.kpis import forced_share

        kpis = self.solution.kpis
        return forced_share(self.instance, self.solution.dropped) if kpis["share"] else 0

    def hours_extremes(self) -> tuple[Phrase, Phrase] | None:
        """The towns and audiences offered the fewest and most hours (None: no requirement)."""
        from scheduler.core.hours import has_requirement, hours_extremes

        if not has_requirement(self.instance):
            return None
        return hours_extremes(self.instance, self.solution)


def solve_and_write(instance: Instance, out_dir: Path, *, time_limit: float = 60.0,
                    seed: int = 0, workers: int | None = None, method: str = "cp-sat",
                    replan: Replan | None = None, formats: list[str] | None = None,
                    lang: str = "zh", deterministic: bool = False,
                    status_file: bool = False, hooks: Hooks = QUIET) -> Solved:
    """Solve the instance (`method` "greedy": the planner's hand method), explain it when it
    has no plan (a re-plan's pinned sessions excepted: the explainer knows no pins), and write
    into `out_dir` the plan's files in `formats` (default: all) with what they show, a
    re-plan's changes, or the explanation. With `status_file`, solution.json is written for a
    run without a plan too (the web pages read the status from it)."""
    from scheduler.core.sessions import cannot_run
    from scheduler.export.formats import FORMATS

    formats = formats if formats is not None else list(FORMATS)
    if method == "greedy":
        result = solve_by_hand(instance)
    else:
        stop = Stop(time_limit, deterministic)
        with hooks.searching(stop):
            result = solve(instance, stop=stop, seed=seed, workers=workers,
                           on_progress=hooks.progress, replan=replan)
    solution = result.solution
    if "png" in formats and solution.status.has_schedule:
        _warn_if_charts_lack_chinese()
    solved = Solved(instance, result, cannot_run(instance, list(result.unschedulable)))
    hooks.solved(solved)
    if replan is None and solution.status is Status.INFEASIBLE:
        from scheduler.analysis.no_plan import explain

        solved.explanation = explain(instance, time_limit=time_limit, workers=workers)
        hooks.explained(solved.explanation)
    if not (solution.status.has_schedule or solved.explanation or status_file):
        return solved
    with _written(out_dir, hooks):
        if solved.explanation is not None:
            from scheduler.export.explanation import write_explanation

            solved.written += write_explanation(solved.explanation, out_dir, lang)
        if solution.status.has_schedule:
            solved.written += write_outputs(instance, solution, out_dir, formats, lang)
            if replan is not None:
                solved.written.append(_write_changes(solved, replan.baseline, out_dir, lang))
        elif status_file:
            solution.write(out_dir / "solution.json")
            solved.written.append(out_dir / "solution.json")
    return solved


def _write_changes(solved: Solved, baseline: Solution, out_dir: Path, lang: str) -> Path:
    from scheduler.core.diff import session_changes
    from scheduler.export.changes import write_changes

    solved.changes = session_changes(solved.instance, baseline, solved.solution)
    return write_changes(solved.instance, solved.changes, out_dir, lang)


def _warn_if_charts_lack_chinese() -> None:
    """Say before the summary, where it is read, that the charts will be labelled with ids; the
    charts drawn after it stay silent."""
    from scheduler.export.gantt import chart_font

    chart_font()


# --- writing a plan --------------------------------------------------------------------------


def plan_costs(instance: Instance, solution: Solution) -> list[ProjectCost]:
    """What each class of the plan costs and why, as the workbook and the report show it."""
    from scheduler.analysis.class_costs import plan_costs

    return plan_costs(instance, solution)


def _costs_for(instance: Instance, solution: Solution,
               formats: list[str] | None) -> list[ProjectCost] | None:
    """The classes' costs, worked out once, where a format shows them."""
    from scheduler.export.formats import ANALYSED, FORMATS

    shown = formats if formats is not None else list(FORMATS)
    return plan_costs(instance, solution) if set(ANALYSED) & set(shown) else None


def write_outputs(instance: Instance, solution: Solution, out_dir: Path,
                  formats: list[str] | None = None, lang: str = "zh",
                  costs: list[ProjectCost] | None = None) -> list[Path]:
    """Write solution.json and the files of each format (default: every format) into
    `out_dir`, each whole or not at all; return their paths. The classes' costs the workbook
    and the report show are worked out here once, unless given."""
    from scheduler.export import formats as export

    costs = costs if costs is not None else _costs_for(instance, solution, formats)
    return export.write_outputs(instance, solution, Path(out_dir), formats, lang, costs)


def export_plan(instance: Instance, solution: Solution, out_dir: Path, formats: list[str],
                lang: str = "zh", broken: list[str] | None = None,
                hooks: Hooks = QUIET) -> list[Path]:
    """Write the plan's files in `formats` (not solution.json), a plan adjusted by hand with
    the rules it breaks (`broken`) listed first; return their paths."""
    from scheduler.export.formats import write_exports

    with _written(out_dir, hooks):
        return write_exports(instance, solution, out_dir, formats, lang, broken,
                             _costs_for(instance, solution, formats))


def write_plans(solutions: list[Solution], paths: list[Path], out_dir: Path,
                hooks: Hooks = QUIET) -> list[Path]:
    """Write each solution to its path in `out_dir`, all or none."""
    with _written(out_dir, hooks):
        for solution, path in zip(solutions, paths, strict=True):
            solution.write(path)
    return paths


def write_template(out_path: Path, instance: Instance | None, lang: str = "zh",
                   hooks: Hooks = QUIET) -> None:
    """The planner's workbook to fill in: empty, or filled with `instance`."""
    from models.workbook.write import write_workbook

    with _written(out_path.parent, hooks):
        write_workbook(out_path, instance, lang)


def write_import(table: Path, out_path: Path, lang: str = "zh",
                 hooks: Hooks = QUIET) -> tuple[int, list[Guess]]:
    """A bureau's published table made into the planner's workbook; how many projects it has
    and each value guessed."""
    from models.published.to_workbook import import_table

    with _written(out_path.parent, hooks):
        count, guesses = import_table(table, out_path, lang)
    return count, guesses


# --- comparing -------------------------------------------------------------------------------


def base_plan_problems(base: Instance, base_path: Path, base_solution: Solution,
                       solution_path: str, lang: str) -> list[str]:
    """Whether `base_solution` is a plan of the base: the first rule it breaks, else none."""
    from scheduler.core.validate import validate
    from scheduler.messages import say

    violations: list[Violation] = validate(base, base_solution)
    if not violations:
        return []
    more = say("and more", lang, count=len(violations) - 1) if len(violations) > 1 else ""
    return [say("not a plan of", lang, solution=solution_path, base=base_path,
                rule=violations[0].rule, message=violations[0].said.text(lang), more=more)]


@dataclass
class Compared:
    """A comparison and the files written of it; or, stopped while the base was searched,
    why nothing was compared."""

    comparison: Comparison | None
    written: list[Path] = field(default_factory=list)
    stopped: str | None = None


def compare_files(base_path: Path, scenario_paths: list[Path], out_dir: Path, *,
                  time_limit: float = 60.0, jobs: int = 1, seed: int = 0,
                  workers: int | None = None, base_solution: Solution | None = None,
                  formats: list[str] | None = None, lang: str = "zh", base_files: bool = True,
                  hooks: Hooks = QUIET) -> Compared:
    """Solve the base (unless its plan is given) and each scenario against it; write each
    plan in `formats` (default: csv) in a folder of its own (the base's too with
    `base_files`) and the comparison's files."""
    from scheduler.analysis.compare import CompareStopped, compare
    from scheduler.export.compare_files import write_comparison

    try:
        stop = Stop(time_limit)
        with hooks.searching(stop):
            comparison = compare(base_path, scenario_paths, stop=stop, jobs=jobs, seed=seed,
                                 workers=workers, base_solution=base_solution)
    except CompareStopped as stopped:
        return Compared(None, stopped=str(stopped))
    _warn_if_charts_lack_chinese()  # compare.png
    hooks.compared(comparison)
    folders = comparison.folders()
    written: list[Path] = []
    planned = comparison.alternatives if base_files else comparison.alternatives[1:]
    with _written(out_dir, hooks):
        for alternative in planned:
            if alternative.solution.status.has_schedule:
                written += write_outputs(alternative.instance, alternative.solution,
                                         out_dir / folders[alternative.label],
                                         formats or ["csv"], lang)
        written += write_comparison(comparison, out_dir, lang)
    return Compared(comparison, written)


def metrics_text(comparison: Comparison, lang: str = "zh") -> str:
    """The comparison's measures side by side, as a table of text."""
    from scheduler.export.compare_files import metrics_text, named_metrics

    return metrics_text(named_metrics(comparison, lang), lang)


# --- one class -------------------------------------------------------------------------------


def parse_class(text: str, solution: Solution) -> tuple[str, list[int]]:
    """`p11#3` → ("p11", [3]); `p11` → every class of p11 in the plan; `InputError` else."""
    from scheduler.analysis.alternatives import parse_class

    return parse_class(text, solution)


def class_costs(instance: Instance, solution: Solution, project_id: str | None = None,
                session: int | None = None) -> list[ProjectCost]:
    """What each class (of a project, or one class) adds to each KPI and the rules that keep
    it from a cheaper place (`scheduler.analysis.class_costs`), its reasons as sentences."""
    from scheduler.analysis.class_costs import why

    return why(instance, solution, project_id, session)


def find_alternatives(instance: Instance, solution: Solution, project_id: str,
                      sessions: list[int], *, top: int = 5, month: int | None = None,
                      venue: str | None = None, time_limit: float = 8.0,
                      workers: int | None = None, hooks: Hooks = QUIET) -> list[Alternative]:
    """The best other placements of the classes, each a re-plan of the whole plan
    (`scheduler.analysis.alternatives`)."""
    from scheduler.analysis.alternatives import alternatives

    stop = Stop(time_limit)
    with hooks.searching(stop):
        return alternatives(instance, solution, project_id, sessions, top=top, month=month,
                            venue=venue, stop=stop, workers=workers)


def describe_rows(instance: Instance, rows: Iterable[SessionPhase | None]) -> list[str]:
    """Each row in a line: dates, venue, trainers (`scheduler.core.diff.describe`)."""
    from scheduler.core.diff import describe

    return [describe(instance, row) for row in rows]


def kpi_words(lang: str) -> dict[str, str]:
    """The KPIs' names as a planner reads them, in `lang`."""
    from scheduler.core.costs import KPI_WORDS

    return {name: phrase(words).text(lang) for name, words in KPI_WORDS.items()}


def explanation_text(explanation: Explanation, lang: str) -> str:
    """The whole explanation of an instance without a plan, as explain.txt says it."""
    from scheduler.export.explanation import explanation_text

    return explanation_text(explanation, lang)


def explanation_short(explanation: Explanation, lang: str) -> str:
    """The conflict and the best change, as `schedule solve` prints them."""
    from scheduler.export.explanation import explanation_short

    return explanation_short(explanation, lang)


def explanation_gist(explanation: Explanation, lang: str) -> tuple[str, str]:
    """What stands in the way and the best change, a sentence each, as a job's page says them."""
    from scheduler.export.explanation import explanation_gist

    return explanation_gist(explanation, lang)


def weighted(instance: Instance, kpis: dict[str, int]) -> int:
    """What these KPI parts add to the objective."""
    from scheduler.core.costs import weighted

    return weighted(instance, kpis)


# --- sweeps ----------------------------------------------------------------------------------


def can_sweep() -> bool:
    """Whether the `cluster` extra (Dask) is installed."""
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


@dataclass
class SweepRun:
    """A sweep read and made into tasks, before any runs."""

    sweep: Sweep
    tasks: list[Task]


def read_sweep_file(base_path: Path, sweep_path: Path, time_limit: float, seed: int = 0
                    ) -> SweepRun:
    """The bases and variants of a sweep, a task each (`scheduler.sweep`); `InputError`
    naming every problem of either file."""
    from scheduler.sweep.spec import read_sweep
    from scheduler.sweep.task import sweep_tasks

    sweep = read_sweep(base_path, sweep_path)
    return SweepRun(sweep, sweep_tasks(sweep, time_limit, seed))


def sweep_and_write(run: SweepRun, out_dir: Path, *, address: str | None = None,
                    lang: str = "zh", on_progress: Callable[[Progress], None] | None = None,
                    hooks: Hooks = QUIET) -> tuple[list[Outcome], list[Path]]:
    """Every task's outcome, solved on the Dask cluster at `address` (else one of this
    machine) or read from `out_dir`'s cache, and the sweep's files written; `OSError` when
    there is no cluster at `address`."""
    from scheduler.sweep.cache import Cache
    from scheduler.sweep.results import write_sweep
    from scheduler.sweep.run import run_tasks

    stop = Stop()  # (each task's own limit is its time; this one only ends the sweep early)
    with hooks.searching(stop):
        outcomes = run_tasks(run.tasks, Cache(out_dir / ".cache"), address=address, stop=stop,
                             on_progress=on_progress)
    with _written(out_dir, hooks):
        written = write_sweep(run.tasks, outcomes, run.sweep.swept, out_dir, lang)
    return outcomes, written
