"""The `schedule` command: parse arguments, call the library, print, set the exit code.

Exit codes (docs/format.md, Exit codes): 0 a schedule was written; 1 no schedule (infeasible,
or none found in the time limit); 2 the input is wrong.
"""

from __future__ import annotations

import runpy
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
from pydantic import ValidationError

import scheduler
from models import InputError, Instance, SessionPhase, Solution, Status, load_instance, read_json
from models.fields import parse_date
from models.load import pydantic_problems
from models.outputs import all_or_nothing
from models.phrase import Phrase
from scheduler.hours import has_requirement, hours_extremes, hours_out_of_reach
from scheduler.kpis import forced_share
from scheduler.messages import LANGUAGES, Named, language, said_all, say
from scheduler.replan import Replan, parse_pins
from scheduler.search.solve import SolveResult, solve, solve_by_hand
from scheduler.web.processes import RUNNABLE

EXIT_SCHEDULE, EXIT_NO_SCHEDULE, EXIT_BAD_INPUT = 0, 1, 2
FORMAT_HELP = "xlsx, ics, html, csv, png, or all"


def _remember_language(ctx: click.Context, _: click.Parameter, lang: str) -> str:
    """Keep --lang where every message of the command finds it (`_say`)."""
    if lang not in LANGUAGES:
        ctx.meta["lang"] = language()
        _exit_bad_input([_say("bad lang", value=lang)])
    ctx.meta["lang"] = lang
    return lang


LANG_OPTION = click.option(
    "--lang", default=language, show_default="zh when LC_ALL or LANG starts with zh, else en",
    callback=_remember_language, is_eager=True,
    help="Language of what the command says and of the files' headers: zh or en.")


def _lang() -> str:
    """The language of the command running: its --lang, else the locale's."""
    context = click.get_current_context(silent=True)
    return context.meta.get("lang", language()) if context else language()


def _say(key: str, **values: object) -> str:
    """A message of scheduler.messages in the command's language."""
    return say(key, _lang(), **values)


@click.group()
@click.version_option(scheduler.__version__, prog_name="schedule", message="%(prog)s %(version)s")
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
@LANG_OPTION
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
    instance = _load_or_exit(instance_path)
    replan = _replan_or_exit(baseline_path, today, pins, method)
    out_dir = out_dir or Path("out") / Path(instance_path).stem
    _writable_or_exit(out_dir)
    what = (_say("by hand") if method == "greedy" else _say("searching", seconds=time_limit))
    if replan is not None:
        what += _say("re-planning", baseline=baseline_path)
    click.echo(_say("solving", name=instance.name, projects=len(instance.projects),
                    venues=len(instance.venues), trainers=len(instance.trainers), how=what))
    for line in hours_out_of_reach(instance):
        click.echo(f"  {line.text(_lang())}")
    if method == "greedy":
        result = solve_by_hand(instance)
    else:
        try:
            with ProgressPrinter() as printer:
                result = solve(instance, time_limit=time_limit, seed=seed, workers=workers,
                               on_progress=printer, replan=replan, deterministic=workers == 1)
        except InputError as error:
            _exit_bad_input(error.said)
    solution = result.solution
    if "png" in formats and solution.status.has_schedule:
        _warn_if_charts_lack_chinese()
    _print_summary(instance, result)
    if replan is not None and solution.status is Status.INFEASIBLE:
        click.echo(_say("pinned infeasible"))
        sys.exit(EXIT_NO_SCHEDULE)
    if solution.status is Status.INFEASIBLE:
        from scheduler.explain import explain

        explanation = explain(instance, time_limit=time_limit, workers=workers)
        click.echo(explanation.short(lang))
        with _writing(out_dir):
            explained = explanation.write(out_dir, lang)
        _print_written(explained, out_dir)
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
    from scheduler.diff import describe, session_changes
    from scheduler.export.changes import write_changes
    from scheduler.messages import term

    lang = _lang()
    changes = session_changes(instance, baseline, solution)
    kpis = solution.kpis
    click.echo(_say("changes", moved=kpis["moved"], venues=kpis["venue_changed"],
                    trainers=kpis["trainer_changed"]))
    names = {project.id: project.name for project in instance.projects}
    for change in changes[:CHANGES_SHOWN]:
        click.echo(_say("change", id=change.project, name=names.get(change.project, ""),
                        session=change.session, phase=change.phase,
                        kinds=", ".join(term(kind, lang) for kind in change.kinds),
                        before=describe(instance, change.before),
                        after=describe(instance, change.after), reason=change.reason))
    if len(changes) > CHANGES_SHOWN:
        click.echo(_say("more changes", count=len(changes) - CHANGES_SHOWN))
    return write_changes(instance, changes, out_dir, lang)


def _replan_or_exit(baseline_path: str | None, today: str | None, pins: tuple[str, ...],
                    method: str) -> Replan | None:
    if baseline_path is None:
        if today or pins:
            _exit_bad_input([_say("replan needs baseline")])
        return None
    if method == "greedy":
        _exit_bad_input([_say("hand cannot replan")])
    baseline = _read_solution_or_exit(baseline_path)
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
        _exit_bad_input(problems)
    return Replan(baseline, held_from, pinned, source=Path(baseline_path).name, lang=_lang())


def _read_solution_or_exit(path: str) -> Solution:
    try:
        return Solution.model_validate(read_json(Path(path)))
    except InputError as error:
        _exit_bad_input(error.said)
    except ValidationError as error:
        _exit_bad_input([f"{path}: {problem}" for problem in pydantic_problems(error, ())])
    raise AssertionError  # unreachable: _exit_bad_input exits


@main.command(name="explain")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.option("--time-limit", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds for the whole explanation, suggestions included.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Search threads [default: one per core].")
@LANG_OPTION
def explain_command(instance_path: str, time_limit: float, workers: int | None,
                    lang: str) -> None:
    """Say why INSTANCE.json has no plan, and which changes would give one."""
    from scheduler.explain import explain

    instance = _load_or_exit(instance_path)
    explanation = explain(instance, time_limit=time_limit, workers=workers)
    click.echo(explanation.to_text(lang), nl=False)
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
@LANG_OPTION
@click.option("--allow-violations", is_flag=True,
              help="Export a plan that breaks rules (one adjusted by hand), every broken rule "
                   "listed first in the workbook and the report.")
def export_command(solution_path: str, instance_path: str, format_names: str,
                   out_dir: Path | None, lang: str, allow_violations: bool) -> None:
    """Write the plan of SOLUTION.json as Excel, calendars, report, CSV and chart."""
    from scheduler.export.formats import read_solution, write_exports

    formats, lang = _formats_or_exit(format_names, lang)
    instance = _load_or_exit(instance_path)
    try:
        solution, broken = read_solution(Path(solution_path), instance, allow_violations, lang)
    except InputError as error:
        _exit_bad_input(error.said)
    out_dir = out_dir or Path(solution_path).parent
    _writable_or_exit(out_dir)
    for line in broken:
        click.echo(_say("breaks", rule=line))
    with _writing(out_dir):
        written = write_exports(instance, solution, out_dir, formats, lang, broken)
    _print_written(written, out_dir)
    if broken:
        click.echo(_say("exported broken", count=len(broken)))


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
@LANG_OPTION
def compare_command(base_path: Path, scenario_paths: tuple[Path, ...], jobs: int | None,
                    time_limit: float, base_solution_path: str | None, out_dir: Path,
                    seed: int, workers: int | None, lang: str) -> None:
    """Solve BASE.json and each SCENARIO.json against it; write one table side by side."""
    import os

    from scheduler.compare import CompareStopped, compare, metrics_text
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
            more = _say("and more", count=len(violations) - 1) if len(violations) > 1 else ""
            _exit_bad_input([_say("not a plan of", solution=base_solution_path, base=base_path,
                                  rule=violations[0].rule, message=violations[0].said.text(lang),
                                  more=more)])
    jobs = jobs or max(1, min(len(scenario_paths), os.cpu_count() or 1))
    click.echo(_say("comparing", base=base_path, count=len(scenario_paths), jobs=jobs,
                    seconds=time_limit))
    try:
        comparison = compare(base_path, list(scenario_paths), time_limit=time_limit, jobs=jobs,
                             seed=seed, workers=workers, base_solution=base_solution)
    except InputError as error:
        _exit_bad_input(error.said)
    except CompareStopped as stopped:
        click.echo(_say("compare stopped", why=stopped))
        sys.exit(EXIT_NO_SCHEDULE)
    _warn_if_charts_lack_chinese()  # compare.png
    click.echo(metrics_text(comparison.metrics(lang), lang))
    written = []
    folders = comparison.folders()
    with _writing(out_dir):
        for alternative in comparison.alternatives:
            if alternative.solution.status.has_schedule:
                written += write_outputs(alternative.instance, alternative.solution,
                                         out_dir / folders[alternative.label], ["csv"])
        written += write_comparison(comparison, out_dir, lang)
    _print_written(written, out_dir)
    if not all(alternative.solution.status.has_schedule
               for alternative in comparison.alternatives):
        click.echo(_say("scenario without plan"))
        sys.exit(EXIT_NO_SCHEDULE)


def _formats_or_exit(format_names: str, lang: str) -> tuple[list[str], str]:
    from scheduler.export.formats import check_language, parse_formats

    problems = []
    formats: list[str] = []
    try:
        formats = parse_formats(format_names)
    except InputError as error:
        problems += error.said
    try:
        check_language(lang)
    except InputError as error:
        problems += error.said
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
        _exit_bad_input([_say("out unwritable", folder=out_dir, reason=error.strerror)])


@contextmanager
def _writing(out_dir: Path) -> Iterator[None]:
    """The files of the run are written all or nothing (`models.outputs`): a file that cannot
    be written (a full disk, a folder made read-only meanwhile) is said plainly, and that or an
    interrupt leaves the earlier files in `out_dir` as they were. SIGTERM is an interrupt too
    meanwhile, so that the staged files are removed rather than left behind."""
    terminate = None
    if threading.current_thread() is threading.main_thread():
        terminate = signal.signal(signal.SIGTERM, _interrupted)
    try:
        with all_or_nothing(out_dir):
            yield
    except OSError as error:
        click.echo(_say("file unwritable", file=error.filename or out_dir,
                        reason=error.strerror, folder=out_dir), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        click.echo(_say("interrupted writing", folder=out_dir), err=True)
        sys.exit(EXIT_NO_SCHEDULE)
    finally:
        if terminate is not None:
            signal.signal(signal.SIGTERM, terminate)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


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
    names += [_say("files in folder", folder=folder, count=count)
              for folder, count in folders.items()]
    click.echo(_say("wrote", files=", ".join(names), folder=out_dir))


@main.command(name="validate")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.argument("solution_path", metavar="SOLUTION.json", required=False)
@click.option("--baseline", "baseline_path", metavar="OLD_SOLUTION.json",
              help="For a re-planned solution: the earlier plan, to check held and pinned "
                   "sessions and recompute the stability KPIs.")
@LANG_OPTION
def validate_command(instance_path: str, solution_path: str | None, baseline_path: str | None,
                     lang: str) -> None:
    """Check SOLUTION.json against every rule of INSTANCE.json, without a solver. Given only
    the instance, check the instance itself, as `schedule check` does."""
    from scheduler.validate import validate

    if solution_path is None:
        _check(instance_path, lang)
        return
    from scheduler.export.formats import foreign_plan_problems

    instance = _load_or_exit(instance_path)
    solution = _read_solution_or_exit(solution_path)
    foreign = foreign_plan_problems(Path(solution_path), solution, instance)
    if foreign:
        _exit_bad_input(foreign)
    baseline = _read_solution_or_exit(baseline_path) if baseline_path else None
    if solution.replan is not None and baseline is None:
        click.echo(_say("replanned note", baseline=solution.replan.baseline))
    violations = validate(instance, solution, baseline)
    for violation in violations:
        click.echo(f"[{violation.rule}] {violation.said.text(lang)}")
    if violations:
        click.echo(_say("violations", count=len(violations), path=solution_path))
        sys.exit(EXIT_NO_SCHEDULE)
    click.echo(_say("valid", sessions=len(solution.sessions), dropped=len(solution.dropped)))


@main.command(name="why")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.argument("solution_path", metavar="SOLUTION.json")
@click.argument("target", metavar="[PROJECT[#SESSION]]", required=False)
@LANG_OPTION
def why_command(instance_path: str, solution_path: str, target: str | None, lang: str) -> None:
    """Say what each class of SOLUTION.json adds to each KPI, and which rules keep it from a
    cheaper place; of one project (p11) or one class (p11#3) if named."""
    from scheduler.why import kpi_words, weighted, why

    instance, solution = _plan_or_exit(instance_path, solution_path, lang)
    project_id, session = None, None
    if target is not None:
        from scheduler.alternatives import parse_class

        try:
            project_id, sessions = parse_class(target, solution)
        except InputError as error:
            _exit_bad_input(error.said)
        session = sessions[0] if "#" in target else None
    for project in why(instance, solution, project_id, session, lang):
        click.echo(f"{project.project.id} {project.project.name}")
        for reason in project.reasons:
            click.echo(f"  {reason}")
        for one in project.classes:
            parts = " · ".join(f"{kpi_words(lang)[name]} {value:,}"
                               for name, value in one.kpis.items())
            click.echo(f"  第{one.session}班 {_describe_class(instance, one.rows)}: {parts} "
                       f"({_say('objective part', value=weighted(instance, one.kpis))})")
            for reason in one.reasons:
                click.echo(f"    - {reason}")


@main.command(name="alternatives")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.argument("solution_path", metavar="SOLUTION.json")
@click.argument("target", metavar="PROJECT[#SESSION]")
@click.option("--top", default=5, show_default=True, type=click.IntRange(min=1),
              help="How many other placements to list.")
@click.option("--month", type=click.IntRange(1, 12),
              help="Only placements with every day in this month.")
@click.option("--venue", help="Only placements in this venue (its id).")
@click.option("--time-limit", default=8.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds for the whole search.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write each alternative plan as alternative-N.json here.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Search threads [default: one per core].")
@LANG_OPTION
def alternatives_command(instance_path: str, solution_path: str, target: str, top: int,
                         month: int | None, venue: str | None, time_limit: float,
                         out_dir: Path | None, workers: int | None, lang: str) -> None:
    """List the best other placements of a class (p11#3), or of every class of a project
    (p05, with --month or --venue), each re-planned for real with the rest of the plan kept
    where it can stay: what every KPI and the objective would change, and what else moves."""
    from scheduler.alternatives import alternatives, parse_class
    from scheduler.diff import describe
    from scheduler.why import kpi_words

    instance, solution = _plan_or_exit(instance_path, solution_path, lang)
    try:
        project_id, sessions = parse_class(target, solution)
        if len(sessions) > 1 and month is None and venue is None:
            raise InputError([_say("one class or a month", target=target, count=len(sessions),
                                   example=f"{project_id}#{sessions[0]}")])
        if out_dir is not None:
            _writable_or_exit(out_dir)
        now = [row for row in solution.sessions
               if row.project == project_id and row.session in sessions]
        project = instance.project(project_id)
        click.echo(_say("now", project=Named(project.id, project.name).text(lang),
                        classes="、".join(f"第{n}班" for n in sessions),
                        place=_describe_class(instance, now)))
        found = alternatives(instance, solution, project_id, sessions, top=top, month=month,
                             venue=venue, time_limit=time_limit, workers=workers)
    except InputError as error:
        _exit_bad_input(error.said)
    if not found:
        click.echo(_say("no alternative"))
        sys.exit(EXIT_NO_SCHEDULE)
    for number, alternative in enumerate(found, start=1):
        kpis = "; ".join(f"{kpi_words(lang)[name]} {value:+,}" for name, value in
                         alternative.kpi_change.items() if value) or _say("no kpi change")
        click.echo(f"{number}. {_describe_class(instance, alternative.rows)}")
        click.echo(_say("alternative change", change=alternative.objective_change, kpis=kpis))
        others = alternative.knock_on
        if not others:
            click.echo(_say("nothing else moves"))
            continue
        shown = "; ".join(f"{change.project} 第{change.session}班 → "
                          f"{describe(instance, change.after)}" for change in others[:5])
        more = _say("and more changes", count=len(others) - 5) if len(others) > 5 else ""
        click.echo(_say("also changes", changes=shown + more))
    if out_dir is not None:
        with _writing(out_dir):
            paths = []
            for number, alternative in enumerate(found, start=1):
                paths.append(out_dir / f"alternative-{number}.json")
                alternative.solution.write(paths[-1])
        _print_written(paths, out_dir)


def _plan_or_exit(instance_path: str, solution_path: str, lang: str) -> tuple[Instance, Solution]:
    """The instance and a plan of it that keeps every rule, or exit 2 saying what is wrong."""
    from scheduler.export.formats import read_solution

    instance = _load_or_exit(instance_path)
    try:
        solution, _ = read_solution(Path(solution_path), instance, lang=lang)
    except InputError as error:
        _exit_bad_input(error.said)
    return instance, solution


def _describe_class(instance: Instance, rows: list[SessionPhase]) -> str:
    """A class's phases in one line each: dates, venue, trainers."""
    from scheduler.diff import describe

    return " / ".join(describe(instance, row) for row in sorted(rows, key=lambda r: r.phase))


@main.command(name="check")
@click.argument("instance_path", metavar="PLAN.xlsx|INSTANCE.json")
@LANG_OPTION
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
        instance = load_instance(Path(path))
    except WorkbookError as error:
        for problem in said_all(error.said, lang):
            click.echo(problem, err=True)
        with _writing(Path(path).parent):
            copy = write_checked_copy(Path(path), error.cells, lang)
        click.echo(f"{len(error.problems)} 处问题；已在 {copy} 中标红。" if lang == "zh"
                   else f"{len(error.problems)} problem(s); marked in red in {copy}.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except InputError as error:
        _exit_bad_input([f"{path}: {problem}" if not problem.startswith(path) else problem
                         for problem in said_all(error.said, _lang())])
    for line in hours_out_of_reach(instance):
        click.echo(line.text(lang))
    click.echo((f"{path}：没有问题。{len(instance.projects)} 个项目，{len(instance.towns)} 个乡镇，"
                f"{len(instance.venues)} 个场地，{len(instance.trainers)} 位专家。") if lang == "zh"
               else (f"{path}: no problems. {len(instance.projects)} projects, "
                     f"{len(instance.towns)} towns, {len(instance.venues)} venues, "
                     f"{len(instance.trainers)} trainers."))
    click.echo(_weights_line(instance, lang))


WEIGHT_WORDS = {"dropped": "撤销项目", "share": "名额不足", "rural_venue": "农村场地",
                "preference": "非首选月份", "hours": "学时不足", "balance": "外出高峰",
                "cost": "费用", "away_days": "专家异地授课", "moved": "改期",
                "venue_changed": "换场地", "trainer_changed": "换专家"}


def _weights_line(instance: Instance, lang: str) -> str:
    """The objective's weights, those the planner gave marked, the rest made from the data
    (`models.concerns`)."""
    weights = instance.objective.weights
    given = weights.model_fields_set
    parts = [f"{WEIGHT_WORDS[name] if lang == 'zh' else name} {getattr(weights, name):,}"
             + ("*" if name in given else "") for name in WEIGHT_WORDS]
    return say("weights", lang, weights=" · ".join(parts))


@main.command(name="_run", hidden=True, context_settings={"ignore_unknown_options": True})
@click.argument("module", type=click.Choice(RUNNABLE))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run_module_command(module: str, args: tuple[str, ...]) -> None:
    """Run one of the server's own processes as `python -m MODULE ARGS` would: the form a
    frozen build, whose executable takes no -m, starts them in (`scheduler.web.processes`)."""
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


@main.command(name="template")
@click.option("--from", "from_path", metavar="INSTANCE.json",
              help="Fill the workbook with this instance (or scenario, or workbook).")
@LANG_OPTION
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx).")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def template_command(from_path: str | None, lang: str, out_path: Path, force: bool) -> None:
    """Write a workbook to fill in: projects, audiences, towns, venues, trainers, calendar,
    policy and weights, with drop-downs and a comment on every header."""
    from models.workbook.write import write_workbook

    _formats_or_exit("csv", lang)
    _refuse_to_overwrite(out_path, force)
    instance = _load_or_exit(from_path) if from_path else None
    _writable_or_exit(out_path.parent)
    with _writing(out_path.parent):
        write_workbook(out_path, instance, lang)
    what = (_say("template from", count=len(instance.projects), source=from_path) if instance
            else _say("template empty"))
    click.echo(_say("template written", path=out_path, what=what))


@main.command(name="import-table")
@click.argument("table_path", metavar="TABLE.xlsx|TABLE.csv", type=click.Path(path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx).")
@LANG_OPTION
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def import_table_command(table_path: Path, out_path: Path, lang: str, force: bool) -> None:
    """Read a bureau's published plan table (序号, 月份, 培训项目名称, 培训对象, 培训方式,
    参训人数 …) into a workbook with its projects filled in; every guessed value is marked."""
    from scheduler.table_import import import_table

    _formats_or_exit("csv", lang)
    _refuse_to_overwrite(out_path, force)
    _writable_or_exit(out_path.parent)
    try:
        with _writing(out_path.parent):
            count, guesses = import_table(table_path, out_path, lang)
    except InputError as error:
        _exit_bad_input(error.said)
    for guess in guesses:
        click.echo(_say("guessed", guess=guess.text(lang)))
    click.echo(_say("table imported", path=out_path, count=count, guesses=len(guesses)))


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
@click.option("--name", "names", multiple=True, metavar="NAME",
              help="Another name planners reach this PC by (a DNS alias); repeat for more. "
                   "Its addresses, localhost and the PC's own names are always answered.")
def serve_command(host: str, port: int, data_dir: Path, password: str | None,
                  max_running: int | None, names: tuple[str, ...]) -> None:
    """Serve the planner's web pages: upload a workbook, check it, solve it, look at the plan,
    compare scenarios; solves run in worker processes."""
    from scheduler.web.app import serve
    from scheduler.web.security import is_loopback, new_token

    if not is_loopback(host) and not password:
        _exit_bad_input([f"--host {host}: other computers can reach the server, so it needs a "
                         f"password: add --password (for example --password {new_token()})"])
    _writable_or_exit(data_dir)
    click.echo(f"serving http://{host}:{port}/ (data in {data_dir}); Ctrl-C stops it")
    serve(host, port, data_dir, password, max_running, names)


def _refuse_to_overwrite(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".xlsx":
        _exit_bad_input([_say("not xlsx", path=path)])
    if path.exists() and not force:
        _exit_bad_input([_say("exists", path=path)])


def _load_or_exit(path: str) -> Instance:
    """The instance, or exit 2 naming each problem; a year planned on provisional holidays
    (before its notice) is said on stderr, once per command."""
    from scheduler.calendar import provisional_holidays

    try:
        instance = load_instance(Path(path))
    except InputError as error:
        _exit_bad_input([f"{path}: {problem}" if not problem.startswith(path) else problem
                         for problem in said_all(error.said, _lang())])
        raise  # unreachable: for the type checker
    if provisional_holidays(instance) is not None:
        click.echo(_say("provisional holidays", year=instance.year), err=True)
    return instance


def _cannot_run(instance: Instance, project_ids: list[str]) -> dict[str, Phrase]:
    """Why each of these projects cannot run at all."""
    from scheduler.sessions import cannot_run

    return cannot_run(instance, project_ids)


def _exit_bad_input(problems: Sequence[Phrase | str]) -> None:
    for problem in said_all(problems, _lang()):
        click.echo(problem, err=True)
    click.echo(_say("problems", count=len(problems)), err=True)
    sys.exit(EXIT_BAD_INPUT)


def _print_summary(instance: Instance, result: SolveResult) -> None:
    solution = result.solution
    names = {project.id: project.name for project in instance.projects}
    cannot_run = _cannot_run(instance, list(result.unschedulable))
    stopped = _say("stopped by ctrl-c") if result.interrupted else ""
    click.echo(_say("status", status=solution.status.value, seconds=solution.solve_seconds,
                    stopped=stopped))
    if solution.status.has_schedule:
        proof = (_say("bound", bound=solution.bound, gap=solution.gap or 0.0)
                 if solution.bound is not None
                 else _say("no bound because", why=result.why_no_bound.text(_lang()))
                 if result.why_no_bound
                 else _say("no bound"))
        click.echo(_say("objective", objective=solution.objective, proof=proof))
        forced = forced_share(instance, solution.dropped) if solution.kpis["share"] else 0
        click.echo(_say("kpis", **solution.kpis, forced=(
            _say("all forced") if forced and forced >= solution.kpis["share"]
            else _say("forced", forced=forced) if forced else "")))
        # Trainers' days away count where the towns name areas (else every town is one).
        away = (_say("away", away_days=solution.kpis.get("away_days", 0))
                if instance.objective.weights.away_days else "")
        click.echo(_say("cost", **solution.kpis, away=away))
        if has_requirement(instance):
            lowest, highest = hours_extremes(instance, solution)
            click.echo(_say("hours short", hours_short=solution.kpis["hours_short"],
                            lowest=lowest, highest=highest))
        sessions = {(row.project, row.session) for row in solution.sessions}
        click.echo(_say("sessions", sessions=len(sessions),
                        projects=len(instance.projects) - len(solution.dropped)))
        for project_id in solution.dropped:
            reason = cannot_run.get(project_id, _say("dropped why"))
            click.echo(_say("dropped", id=project_id, name=names[project_id], reason=reason))
    elif cannot_run:
        for project_id, reason in cannot_run.items():
            click.echo(_say("cannot schedule", id=project_id, name=names[project_id],
                            reason=reason))
    elif solution.status is Status.INFEASIBLE:
        click.echo(_say("infeasible"))
    else:
        click.echo(_say("no plan in time"))


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
        self.lang = _lang()  # the heartbeat's thread has no click context to read it from

    def __call__(self, seconds: float, best: float | None, bound: float | None) -> None:
        with self.lock:
            self.best, self.bound = best, bound
        if seconds >= self.QUIET and time.monotonic() - self.last_print >= self.THROTTLE:
            self._print()

    def _print(self) -> None:
        with self.lock:
            self.last_print = time.monotonic()
            seconds = self.last_print - self.started
            best = f"{self.best:,.0f}" if self.best is not None else say("none yet", self.lang)
            bound = f"{self.bound:,.0f}" if self.bound is not None else "—"
        click.echo(say("progress", self.lang, seconds=seconds, best=best, bound=bound),
                   err=True)

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
