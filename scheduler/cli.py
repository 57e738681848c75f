"""The `schedule` command: parse arguments, call the library, print, set the exit code.

Exit codes (docs/format.md, Exit codes): 0 a schedule was written; 1 no schedule (infeasible,
or none found in the time limit); 2 the input is wrong.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from pydantic import ValidationError

from models import InputError, Instance, Solution, Status, load_instance, read_json
from models.fields import parse_date
from models.load import pydantic_problems
from scheduler.replan import Replan, parse_pins
from scheduler.search.solve import SolveResult, solve, solve_by_hand

EXIT_SCHEDULE, EXIT_NO_SCHEDULE, EXIT_BAD_INPUT = 0, 1, 2
FORMAT_HELP = "xlsx, ics, html, csv, png, or all"


@click.group()
def main() -> None:
    """Plan a year of teacher training: solve an instance, check and export a solution."""


@main.command(name="solve")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.option("--time-limit", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to search before writing the best plan found.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: out/<instance name>/].")
@click.option("--seed", default=0, show_default=True, help="Random seed of the search.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Search threads [default: one per core, less one while the bound is "
                   "solved beside it]. 1: deterministic, the same plan for the same instance "
                   "and seed, the time limit counted in CP-SAT's deterministic time.")
@click.option("--formats", "format_names", default="all", show_default=True,
              help=f"Files to write beside solution.json: {FORMAT_HELP}.")
@click.option("--lang", default="zh", show_default=True,
              help="Language of the Excel and report headers: zh or en.")
@click.option("--method", type=click.Choice(["cp-sat", "greedy"]), default="cp-sat",
              show_default=True,
              help="cp-sat: the optimising search; greedy: the planner's hand method, to compare.")
@click.option("--baseline", "baseline_path", metavar="OLD_SOLUTION.json",
              help="Re-plan against this earlier plan: keep what can stay, pay for each change.")
@click.option("--today", metavar="YYYY-MM-DD",
              help="With --baseline: sessions before this day were held and stay as they were.")
@click.option("--pin", "pins", multiple=True, metavar="PROJECT[#SESSION][:PARTS]",
              help="With --baseline: keep this session (or every session of the project) "
                   "as in the baseline: all of it, or only the PARTS named (date, venue, "
                   "trainers, seats; e.g. p11#2:date,venue). Repeat for more.")
def solve_command(instance_path: str, time_limit: float, out_dir: Path | None, seed: int,
                  workers: int | None, format_names: str, lang: str, method: str,
                  baseline_path: str | None, today: str | None, pins: tuple[str, ...]) -> None:
    """Schedule INSTANCE.json (an instance or a scenario file); write solution.json and the
    plan in the chosen formats."""
    formats, lang = _formats_or_exit(format_names, lang)
    instance = _load_or_exit(instance_path, lang)
    replan = _replan_or_exit(baseline_path, today, pins, method)
    out_dir = out_dir or Path("out") / Path(instance_path).stem
    _writable_or_exit(out_dir)
    what = ("by the hand method" if method == "greedy"
            else f"searching up to {time_limit:g} s")
    if replan is not None:
        what += f", re-planning against {baseline_path}"
    click.echo(f"{instance.name}: {len(instance.projects)} projects, "
               f"{len(instance.venues)} venues, {len(instance.trainers)} trainers; {what}")
    if method == "greedy":
        result = solve_by_hand(instance)
    else:
        try:
            with ProgressPrinter() as printer:
                result = solve(instance, time_limit=time_limit, seed=seed, workers=workers,
                               on_progress=printer, replan=replan, deterministic=workers == 1)
        except InputError as error:
            _exit_bad_input(error.problems)
    solution = result.solution
    if "png" in formats and solution.status.has_schedule:
        _warn_if_charts_lack_chinese()
    _print_summary(instance, result)
    if replan is not None and solution.status is Status.INFEASIBLE:
        click.echo("  the held and pinned sessions leave no plan; pin fewer sessions, or check "
                   "what changed for the sessions already held")
        sys.exit(EXIT_NO_SCHEDULE)
    if solution.status is Status.INFEASIBLE:
        from scheduler.explain import explain

        explanation = explain(instance, time_limit=time_limit, workers=workers)
        click.echo(explanation.short())
        _print_written(explanation.write(out_dir), out_dir)
    if not solution.status.has_schedule:
        sys.exit(EXIT_NO_SCHEDULE)
    from scheduler.export.formats import write_outputs

    with _writing(out_dir):
        written = write_outputs(instance, solution, out_dir, formats, lang)
        if replan is not None:
            written.append(_report_changes(instance, replan.baseline, solution, out_dir))
    _print_written(written, out_dir)


CHANGES_SHOWN = 15


def _report_changes(instance: Instance, baseline: Solution, solution: Solution,
                    out_dir: Path) -> Path:
    """Print what changed against the baseline and why; write all of it to changes.csv."""
    from scheduler.diff import describe, session_changes, write_changes

    changes = session_changes(instance, baseline, solution)
    kpis = solution.kpis
    click.echo(f"  against the baseline: {kpis['moved']} session-phase(s) moved, "
               f"{kpis['venue_changed']} venue change(s), {kpis['trainer_changed']} trainer(s) "
               f"replaced")
    for change in changes[:CHANGES_SHOWN]:
        click.echo(f"  {change.project} 第{change.session}班 phase {change.phase} "
                   f"[{', '.join(change.kinds)}]: {describe(instance, change.before)} → "
                   f"{describe(instance, change.after)} ({change.reason})")
    if len(changes) > CHANGES_SHOWN:
        click.echo(f"  … and {len(changes) - CHANGES_SHOWN} more in changes.csv")
    return write_changes(instance, changes, out_dir)


def _replan_or_exit(baseline_path: str | None, today: str | None, pins: tuple[str, ...],
                    method: str) -> Replan | None:
    if baseline_path is None:
        if today or pins:
            _exit_bad_input(["--today and --pin re-plan an earlier plan: give it with --baseline"])
        return None
    if method == "greedy":
        _exit_bad_input(["--baseline: the hand method cannot re-plan; use --method cp-sat"])
    baseline = _read_solution_or_exit(baseline_path)
    problems = []
    held_from = None
    if today is not None:
        try:
            held_from = parse_date(today)
        except ValueError as error:
            problems.append(f"--today: {error}")
    try:
        pinned = parse_pins(pins, baseline)
    except InputError as error:
        problems += error.problems
    if problems:
        _exit_bad_input(problems)
    return Replan(baseline, held_from, pinned, source=Path(baseline_path).name)


def _read_solution_or_exit(path: str) -> Solution:
    try:
        return Solution.model_validate(read_json(Path(path)))
    except InputError as error:
        _exit_bad_input(error.problems)
    except ValidationError as error:
        _exit_bad_input([f"{path}: {problem}" for problem in pydantic_problems(error, ())])
    raise AssertionError  # unreachable: _exit_bad_input exits


@main.command(name="explain")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.option("--time-limit", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds for the whole explanation, suggestions included.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Search threads [default: one per core].")
def explain_command(instance_path: str, time_limit: float, workers: int | None) -> None:
    """Say why INSTANCE.json has no plan, and which changes would give one."""
    from scheduler.explain import explain

    instance = _load_or_exit(instance_path)
    explanation = explain(instance, time_limit=time_limit, workers=workers)
    click.echo(explanation.to_text(), nl=False)
    if explanation.status == "unknown":
        sys.exit(EXIT_NO_SCHEDULE)


@main.command(name="export")
@click.argument("solution_path", metavar="SOLUTION.json")
@click.option("--instance", "instance_path", required=True, metavar="INSTANCE.json",
              help="The instance the solution was solved from.")
@click.option("--format", "format_names", default="all", show_default=True,
              help=f"Comma-separated: {FORMAT_HELP}.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: the folder of SOLUTION.json].")
@click.option("--lang", default="zh", show_default=True,
              help="Language of the Excel and report headers: zh or en.")
@click.option("--allow-violations", is_flag=True,
              help="Export a plan that breaks rules (one adjusted by hand), every broken rule "
                   "listed first in the workbook and the report.")
def export_command(solution_path: str, instance_path: str, format_names: str,
                   out_dir: Path | None, lang: str, allow_violations: bool) -> None:
    """Write the plan of SOLUTION.json as Excel, calendars, report, CSV and chart."""
    from scheduler.export.formats import read_solution, write_exports

    formats, lang = _formats_or_exit(format_names, lang)
    instance = _load_or_exit(instance_path, lang)
    try:
        solution, broken = read_solution(Path(solution_path), instance, allow_violations)
    except InputError as error:
        _exit_bad_input(error.problems)
    out_dir = out_dir or Path(solution_path).parent
    _writable_or_exit(out_dir)
    for line in broken:
        click.echo(f"breaks: {line}")
    with _writing(out_dir):
        written = write_exports(instance, solution, out_dir, formats, lang, broken)
    _print_written(written, out_dir)
    if broken:
        click.echo(f"the plan breaks {len(broken)} rule(s), listed first in the workbook and "
                   f"the report")


@main.command(name="compare")
@click.argument("base_path", metavar="BASE.json", type=click.Path(path_type=Path))
@click.argument("scenario_paths", metavar="SCENARIO.json...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--jobs", type=click.IntRange(min=1),
              help="Scenarios solved at once, in parallel processes [default: one per core, "
                   "at most one per scenario].")
@click.option("--time-limit", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds of search for the base and for each scenario.")
@click.option("--base-solution", "base_solution_path", metavar="SOLUTION.json",
              help="The base's plan (e.g. the published one) instead of solving the base.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out") / "compare", show_default=True, help="Output folder.")
@click.option("--seed", default=0, show_default=True, help="Random seed of the searches.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Search threads per solve [default: the cores shared among the jobs].")
@click.option("--lang", default="zh", show_default=True,
              help="Language of the Excel and HTML headers: zh or en.")
def compare_command(base_path: Path, scenario_paths: tuple[Path, ...], jobs: int | None,
                    time_limit: float, base_solution_path: str | None, out_dir: Path,
                    seed: int, workers: int | None, lang: str) -> None:
    """Solve BASE.json and each SCENARIO.json against it; write one table side by side."""
    import os

    import pandas as pd

    from scheduler.compare import CompareStopped, compare
    from scheduler.export.compare_files import write_comparison
    from scheduler.export.formats import write_outputs
    from scheduler.validate import validate

    _, lang = _formats_or_exit("csv", lang)
    _writable_or_exit(out_dir)
    base_solution = None
    if base_solution_path is not None:
        base_solution = _read_solution_or_exit(base_solution_path)
        base_instance = _load_or_exit(str(base_path))
        violations = validate(base_instance, base_solution)
        if violations:
            _exit_bad_input([f"{base_solution_path}: not a valid plan of {base_path}: "
                             f"[{violations[0].rule}] {violations[0].message}"
                             + (f" (and {len(violations) - 1} more)" if len(violations) > 1
                                else "")])
    jobs = jobs or max(1, min(len(scenario_paths), os.cpu_count() or 1))
    click.echo(f"comparing {base_path} with {len(scenario_paths)} scenario(s), {jobs} at a time, "
               f"up to {time_limit:g} s each")
    try:
        comparison = compare(base_path, list(scenario_paths), time_limit=time_limit, jobs=jobs,
                             seed=seed, workers=workers, base_solution=base_solution)
    except InputError as error:
        _exit_bad_input(error.problems)
    except CompareStopped as stopped:
        click.echo(f"{stopped}; solve the base on its own and give its plan with "
                   f"--base-solution")
        sys.exit(EXIT_NO_SCHEDULE)
    _warn_if_charts_lack_chinese()  # compare.png
    with pd.option_context("display.width", 200, "display.max_columns", None,
                           "display.unicode.east_asian_width", True):
        click.echo(comparison.metrics().to_string())
    written = []
    folders = comparison.folders()
    for alternative in comparison.alternatives:
        if alternative.solution.status.has_schedule:
            written += write_outputs(alternative.instance, alternative.solution,
                                     out_dir / folders[alternative.label], ["csv"])
    written += write_comparison(comparison, out_dir, lang)
    _print_written(written, out_dir)
    if not all(alternative.solution.status.has_schedule
               for alternative in comparison.alternatives):
        click.echo("some scenario has no plan: see its status above")
        sys.exit(EXIT_NO_SCHEDULE)


def _formats_or_exit(format_names: str, lang: str) -> tuple[list[str], str]:
    from scheduler.export.formats import check_language, parse_formats

    problems = []
    formats: list[str] = []
    try:
        formats = parse_formats(format_names)
    except InputError as error:
        problems += error.problems
    try:
        check_language(lang)
    except InputError as error:
        problems += error.problems
    if problems:
        _exit_bad_input(problems)
    return formats, lang


def _warn_if_charts_lack_chinese() -> None:
    """Say before the summary, where it is read, that the charts will be labelled with ids; the
    charts drawn after it stay silent."""
    from scheduler.export.gantt import chart_font

    chart_font()


def _writable_or_exit(out_dir: Path) -> None:
    """Try writing in the output folder (or, where it does not exist yet, in the nearest folder
    above it that does), so that one that cannot be written is said at once, not after the
    search; nothing is left there."""
    existing = next(folder for folder in (out_dir, *out_dir.absolute().parents)
                    if folder.exists())
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, "Not a directory")
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        _exit_bad_input([f"--out: cannot write in {out_dir} ({error.strerror})"])


@contextmanager
def _writing(out_dir: Path) -> Iterator[None]:
    """A file that cannot be written (a full disk, a folder made read-only meanwhile) is said
    plainly; each file is written whole or not at all, so what was there before stays."""
    try:
        yield
    except OSError as error:
        click.echo(f"--out: cannot write {error.filename or out_dir} ({error.strerror}); each "
                   f"file in {out_dir} is the earlier one or a whole new one", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _print_written(paths: list[Path], out_dir: Path) -> None:
    """Name the files written, a folder of calendars as one entry with its count."""
    names: list[str] = []
    folders: dict[str, int] = {}
    for path in paths:
        relative = path.relative_to(out_dir) if path.is_relative_to(out_dir) else path
        if len(relative.parts) > 1:
            folders[relative.parts[0]] = folders.get(relative.parts[0], 0) + 1
        else:
            names.append(str(relative))
    names += [f"{folder}/ ({count} files)" for folder, count in folders.items()]
    click.echo(f"wrote {', '.join(names)} to {out_dir}/")


@main.command(name="validate")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.argument("solution_path", metavar="SOLUTION.json", required=False)
@click.option("--baseline", "baseline_path", metavar="OLD_SOLUTION.json",
              help="For a re-planned solution: the earlier plan, to check held and pinned "
                   "sessions and recompute the stability KPIs.")
@click.option("--lang", default="zh", show_default=True,
              help="Language of a workbook's problems: zh or en.")
def validate_command(instance_path: str, solution_path: str | None, baseline_path: str | None,
                     lang: str) -> None:
    """Check SOLUTION.json against every rule of INSTANCE.json, without a solver. Given only
    the instance, check the instance itself, as `schedule check` does."""
    from scheduler.validate import validate

    if solution_path is None:
        _check(instance_path, lang)
        return
    from scheduler.export.formats import foreign_plan_problems

    instance = _load_or_exit(instance_path, lang)
    solution = _read_solution_or_exit(solution_path)
    foreign = foreign_plan_problems(Path(solution_path), solution, instance)
    if foreign:
        _exit_bad_input(foreign)
    baseline = _read_solution_or_exit(baseline_path) if baseline_path else None
    if solution.replan is not None and baseline is None:
        click.echo(f"note: re-planned against {solution.replan.baseline}; give it with "
                   f"--baseline to check held sessions and the stability KPIs")
    violations = validate(instance, solution, baseline)
    for violation in violations:
        click.echo(f"[{violation.rule}] {violation.message}")
    if violations:
        click.echo(f"{len(violations)} violation(s) in {solution_path}")
        sys.exit(EXIT_NO_SCHEDULE)
    click.echo(f"valid: {len(solution.sessions)} session-phases, "
               f"{len(solution.dropped)} dropped, KPIs and objective match")


@main.command(name="check")
@click.argument("instance_path", metavar="PLAN.xlsx|INSTANCE.json")
@click.option("--lang", default="zh", show_default=True,
              help="Language of the problems and of the checked copy: zh or en.")
def check_command(instance_path: str, lang: str) -> None:
    """Check an instance or workbook and report every problem at once. A workbook with problems
    gets a checked copy beside it (PLAN.checked.xlsx) with each bad cell red and commented;
    nothing else is written."""
    _check(instance_path, lang)


def _check(path: str, lang: str) -> None:
    from models.workbook.marks import write_checked_copy
    from models.workbook.read import WorkbookError

    _formats_or_exit("csv", lang)
    try:
        instance = load_instance(Path(path), lang)
    except WorkbookError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        copy = write_checked_copy(Path(path), error.cells, lang)
        click.echo(f"{len(error.problems)} 处问题；已在 {copy} 中标红。" if lang == "zh"
                   else f"{len(error.problems)} problem(s); marked in red in {copy}.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except InputError as error:
        _exit_bad_input([f"{path}: {problem}" if not problem.startswith(path) else problem
                         for problem in error.problems])
    click.echo((f"{path}：没有问题。{len(instance.projects)} 个项目，{len(instance.towns)} 个乡镇，"
                f"{len(instance.venues)} 个场地，{len(instance.trainers)} 位专家。") if lang == "zh"
               else (f"{path}: no problems. {len(instance.projects)} projects, "
                     f"{len(instance.towns)} towns, {len(instance.venues)} venues, "
                     f"{len(instance.trainers)} trainers."))


@main.command(name="template")
@click.option("--from", "from_path", metavar="INSTANCE.json",
              help="Fill the workbook with this instance (or scenario, or workbook).")
@click.option("--lang", default="zh", show_default=True,
              help="Language of the sheets, headers and values: zh or en.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx).")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def template_command(from_path: str | None, lang: str, out_path: Path, force: bool) -> None:
    """Write a workbook to fill in: projects, audiences, towns, venues, trainers, calendar,
    policy and weights, with drop-downs and a comment on every header."""
    from models.workbook.write import write_workbook

    _formats_or_exit("csv", lang)
    _refuse_to_overwrite(out_path, force)
    instance = _load_or_exit(from_path, lang) if from_path else None
    write_workbook(out_path, instance, lang)
    what = f"{len(instance.projects)} projects from {from_path}" if instance else "empty"
    click.echo(f"wrote {out_path} ({what})")


@main.command(name="import-table")
@click.argument("table_path", metavar="TABLE.xlsx|TABLE.csv", type=click.Path(path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx).")
@click.option("--lang", default="zh", show_default=True,
              help="Language of the workbook: zh or en.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def import_table_command(table_path: Path, out_path: Path, lang: str, force: bool) -> None:
    """Read a bureau's published plan table (序号, 月份, 培训项目名称, 培训对象, 培训方式,
    参训人数 …) into a workbook with its projects filled in; every guessed value is marked."""
    from scheduler.table_import import import_table

    _formats_or_exit("csv", lang)
    _refuse_to_overwrite(out_path, force)
    try:
        count, guesses = import_table(table_path, out_path, lang)
    except InputError as error:
        _exit_bad_input(error.problems)
    for guess in guesses:
        click.echo(f"  guessed: {guess.text(lang)}")
    click.echo(f"wrote {out_path}: {count} projects, {len(guesses)} guessed value(s) in yellow; "
               f"fill in the towns, venues, trainers, days and priorities, then run "
               f"schedule check {out_path}")


@main.command(name="schema")
@click.argument("kind", type=click.Choice(["instance", "solution"]), default="instance")
def schema_command(kind: str) -> None:
    """Print the JSON Schema of an instance (or a solution), made from the models."""
    import json

    model = Instance if kind == "instance" else Solution
    click.echo(json.dumps(model.model_json_schema(by_alias=True), ensure_ascii=False, indent=2))


@main.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 serves the office network (needs --password).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--data", "data_dir", default=Path("schedule-data"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the jobs, their inputs and results (kept across restarts).")
@click.option("--password", envvar="SCHEDULE_PASSWORD",
              help="Password every page asks for (or set SCHEDULE_PASSWORD).")
@click.option("--jobs", "max_running", type=click.IntRange(min=1),
              help="Solves at once, each in its own process [default: one per core]; more "
                   "wait in a queue.")
def serve_command(host: str, port: int, data_dir: Path, password: str | None,
                  max_running: int | None) -> None:
    """Serve the planner's web pages: upload a workbook, check it, solve it, look at the plan,
    compare scenarios; solves run in worker processes."""
    from scheduler.web.app import serve
    from scheduler.web.security import is_loopback, new_token

    if not is_loopback(host) and not password:
        _exit_bad_input([f"--host {host}: other computers can reach the server, so it needs a "
                         f"password: add --password (for example --password {new_token()})"])
    _writable_or_exit(data_dir)
    click.echo(f"serving http://{host}:{port}/ (data in {data_dir}); Ctrl-C stops it")
    serve(host, port, data_dir, password, max_running)


def _refuse_to_overwrite(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".xlsx":
        _exit_bad_input([f"--out: {path} must end in .xlsx"])
    if path.exists() and not force:
        _exit_bad_input([f"--out: {path} exists; choose another name, or add --force to "
                         f"replace it"])


def _load_or_exit(path: str, lang: str = "zh") -> Instance:
    try:
        return load_instance(Path(path), lang)
    except InputError as error:
        _exit_bad_input([f"{path}: {problem}" if not problem.startswith(path) else problem
                         for problem in error.problems])
        raise  # unreachable: for the type checker


def _exit_bad_input(problems: list[str]) -> None:
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"{len(problems)} problem(s); nothing was written.", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _print_summary(instance: Instance, result: SolveResult) -> None:
    solution = result.solution
    names = {project.id: project.name for project in instance.projects}
    stopped = " (stopped by Ctrl-C)" if result.interrupted else ""
    click.echo(f"status {solution.status.value} after {solution.solve_seconds:.1f} s{stopped}")
    if solution.status.has_schedule:
        proof = (f"bound {solution.bound:,}  gap {solution.gap or 0.0:.2%}"
                 if solution.bound is not None
                 else f"no bound ({result.why_no_bound})" if result.why_no_bound
                 else "no bound")
        click.echo(f"  objective {solution.objective:,}  {proof}")
        kpis = solution.kpis
        click.echo(f"  dropped {kpis['dropped']} · days outside preferred months "
                   f"{kpis['preference']} · seats short of fair share {kpis['share']} · "
                   f"rural-preferred seats in urban venues {kpis['rural_venue']}")
        click.echo(f"  cost {kpis['cost']:,} yuan · peak absence {kpis['balance']} teachers")
        sessions = {(row.project, row.session) for row in solution.sessions}
        click.echo(f"  {len(sessions)} sessions of "
                   f"{len(instance.projects) - len(solution.dropped)} projects")
        for project_id in solution.dropped:
            reason = result.unschedulable.get(project_id, "keeping it would break a rule "
                                              "or cost more than its priority")
            click.echo(f"  dropped {project_id} ({names[project_id]}): {reason}")
    elif result.unschedulable:
        for project_id, reason in result.unschedulable.items():
            click.echo(f"  {project_id} ({names[project_id]}) cannot be scheduled: {reason}")
    elif solution.status is Status.INFEASIBLE:
        click.echo("  no plan keeps every rule and every mandatory project")
    else:
        click.echo("  no plan found in the time limit; try a longer --time-limit")


class ProgressPrinter:
    """Shows the best objective and bound while a long search runs: nothing in the first two
    seconds, then on improvement (at most once a second) and every five seconds otherwise."""

    QUIET, THROTTLE, HEARTBEAT = 2.0, 1.0, 5.0

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.best: float | None = None
        self.bound: float | None = None
        self.last_print = 0.0
        self.done = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, seconds: float, best: float | None, bound: float | None) -> None:
        with self.lock:
            self.best, self.bound = best, bound
        if seconds >= self.QUIET and time.monotonic() - self.last_print >= self.THROTTLE:
            self._print()

    def _print(self) -> None:
        with self.lock:
            self.last_print = time.monotonic()
            seconds = self.last_print - self.started
            best = f"{self.best:,.0f}" if self.best is not None else "none yet"
            bound = f"{self.bound:,.0f}" if self.bound is not None else "—"
        click.echo(f"  {seconds:6.1f} s  best {best}  bound {bound}", err=True)

    def _heartbeat(self) -> None:
        while not self.done.wait(self.HEARTBEAT):
            if time.monotonic() - self.last_print >= self.HEARTBEAT:
                self._print()

    def __enter__(self) -> ProgressPrinter:
        threading.Thread(target=self._heartbeat, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()


if __name__ == "__main__":
    main()
