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
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import click

import scheduler
from scheduler import InputError, Instance, Replan, SessionPhase, Solution, Status, usecases
from scheduler.interrupt import ctrl_c_stops
from scheduler.messages import LANGUAGES, Named, Phrase, language, said_all, say, term
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
    for line in usecases.instance_notes(instance):
        click.echo(f"  {line.text(_lang())}")
    try:
        solved = usecases.solve_and_write(
            instance, out_dir, time_limit=time_limit, seed=seed, workers=workers, method=method,
            replan=replan, formats=formats, lang=lang, deterministic=workers == 1,
            hooks=SolvePrinter())
    except InputError as error:
        _exit_bad_input(error.said)
    solution = solved.solution
    if replan is not None and solution.status is Status.INFEASIBLE:
        click.echo(_say("pinned infeasible"))
        sys.exit(EXIT_NO_SCHEDULE)
    if not solution.status.has_schedule:
        if solved.written:
            _print_written(solved.written, out_dir)
        sys.exit(EXIT_NO_SCHEDULE)
    if replan is not None:
        _print_changes(instance, solved)
    _print_written(solved.written, out_dir)


class CommandHooks(usecases.Hooks):
    """A command's writing guarded as `_writing` says."""

    def searching(self, stop: scheduler.Stop) -> AbstractContextManager[object]:
        return ctrl_c_stops(stop)

    def writing(self, out_dir: Path) -> AbstractContextManager[object]:
        return _writing(out_dir)


class SolvePrinter(CommandHooks):
    """What `schedule solve` prints while it runs: the progress of the search, the summary of
    its result, and why an instance has no plan."""

    def __init__(self) -> None:
        self.printer = ProgressPrinter()

    def progress(self, seconds: float, best: float | None, bound: float | None) -> None:
        self.printer(seconds, best, bound)

    @contextmanager
    def searching(self, stop: scheduler.Stop) -> Iterator[None]:
        with self.printer, ctrl_c_stops(stop):
            yield

    def solved(self, solved: usecases.Solved) -> None:
        _print_summary(solved)

    def explained(self, explanation: scheduler.Explanation) -> None:
        click.echo(usecases.explanation_short(explanation, _lang()))


CHANGES_SHOWN = 15


def _print_changes(instance: Instance, solved: usecases.Solved) -> None:
    """Print what changed against the baseline and why (changes.csv has all of it)."""
    lang = _lang()
    changes = solved.changes
    kpis = solved.solution.kpis
    click.echo(_say("changes", moved=kpis["moved"], venues=kpis["venue_changed"],
                    trainers=kpis["trainer_changed"]))
    names = {project.id: project.name for project in instance.projects}
    for change in changes[:CHANGES_SHOWN]:
        before, after = usecases.describe_rows(instance, [change.before, change.after])
        click.echo(_say("change", id=change.project, name=names.get(change.project, ""),
                        session=change.session, phase=change.phase,
                        kinds=", ".join(term(kind, lang) for kind in change.kinds),
                        before=before, after=after, reason=change.reason))
    if len(changes) > CHANGES_SHOWN:
        click.echo(_say("more changes", count=len(changes) - CHANGES_SHOWN))


def _replan_or_exit(baseline_path: str | None, today: str | None, pins: tuple[str, ...],
                    method: str) -> Replan | None:
    if baseline_path is None:
        if today or pins:
            _exit_bad_input([_say("replan needs baseline")])
        return None
    if method == "greedy":
        _exit_bad_input([_say("hand cannot replan")])
    baseline = _read_solution_or_exit(baseline_path)
    try:
        return usecases.replan_request(baseline, today=today, pins=pins,
                                       source=Path(baseline_path).name)
    except InputError as error:
        _exit_bad_input(error.said)
        raise  # unreachable: for the type checker


def _read_solution_or_exit(path: str) -> Solution:
    try:
        return usecases.read_solution_file(path)
    except InputError as error:
        _exit_bad_input(error.said)
        raise  # unreachable: for the type checker


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
    instance = _load_or_exit(instance_path, lang)
    explanation = scheduler.explain_instance(instance, time_limit=time_limit, workers=workers)
    click.echo(usecases.explanation_text(explanation, lang), nl=False)
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
    formats, lang = _formats_or_exit(format_names, lang)
    instance = _load_or_exit(instance_path)
    try:
        solution, broken = usecases.read_plan(solution_path, instance, allow_violations, lang)
    except InputError as error:
        _exit_bad_input(error.said)
    out_dir = out_dir or Path(solution_path).parent
    _writable_or_exit(out_dir)
    for line in broken:
        click.echo(_say("breaks", rule=line))
    written = usecases.export_plan(instance, solution, out_dir, formats, lang, broken,
                                   hooks=CommandHooks())
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

    _, lang = _formats_or_exit("csv", lang)
    _writable_or_exit(out_dir)
    base_solution = None
    if base_solution_path is not None:
        base_solution = _read_solution_or_exit(base_solution_path)
        base_instance = _load_or_exit(str(base_path), lang)
        problems = usecases.base_plan_problems(base_instance, base_path, base_solution,
                                               base_solution_path, lang)
        if problems:
            _exit_bad_input(problems)
    jobs = jobs or max(1, min(len(scenario_paths), os.cpu_count() or 1))
    click.echo(_say("comparing", base=base_path, count=len(scenario_paths), jobs=jobs,
                    seconds=time_limit))
    try:
        compared = usecases.compare_files(
            base_path, list(scenario_paths), out_dir, time_limit=time_limit, jobs=jobs,
            seed=seed, workers=workers, base_solution=base_solution, lang=lang,
            hooks=ComparePrinter(lang))
    except InputError as error:
        _exit_bad_input(error.said)
    if compared.comparison is None:
        click.echo(_say("compare stopped", why=compared.stopped))
        sys.exit(EXIT_NO_SCHEDULE)
    _print_written(compared.written, out_dir)
    if not all(alternative.solution.status.has_schedule
               for alternative in compared.comparison.alternatives):
        click.echo(_say("scenario without plan"))
        sys.exit(EXIT_NO_SCHEDULE)


class ComparePrinter(CommandHooks):
    """`schedule compare` prints the scenarios' measures side by side before writing them."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def compared(self, comparison: usecases.Comparison) -> None:
        click.echo(usecases.metrics_text(comparison, self.lang))


def _formats_or_exit(format_names: str, lang: str) -> tuple[list[str], str]:
    try:
        return usecases.parse_formats(format_names, lang), lang
    except InputError as error:
        _exit_bad_input(error.said)
        raise  # unreachable: for the type checker


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
    meanwhile, so that the staged files are removed rather than left behind. The use cases
    write all or nothing inside it."""
    terminate = None
    if threading.current_thread() is threading.main_thread():
        terminate = signal.signal(signal.SIGTERM, _interrupted)
    try:
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
    if solution_path is None:
        _check(instance_path, lang)
        return
    instance = _load_or_exit(instance_path, lang)
    solution = _read_solution_or_exit(solution_path)
    foreign = usecases.foreign_plan_problems(solution_path, solution, instance)
    if foreign:
        _exit_bad_input(foreign)
    baseline = _read_solution_or_exit(baseline_path) if baseline_path else None
    if solution.replan is not None and baseline is None:
        click.echo(_say("replanned note", baseline=solution.replan.baseline))
    violations = scheduler.validate_plan(instance, solution, baseline)
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
    instance, solution = _plan_or_exit(instance_path, solution_path, lang)
    project_id, session = None, None
    if target is not None:
        try:
            project_id, sessions = usecases.parse_class(target, solution)
        except InputError as error:
            _exit_bad_input(error.said)
        session = sessions[0] if "#" in target else None
    kpi_words = usecases.kpi_words(lang)
    for project in usecases.class_costs(instance, solution, project_id, session):
        click.echo(f"{project.project.id} {project.project.name}")
        for reason in said_all(project.reasons, lang):
            click.echo(f"  {reason}")
        for one in project.classes:
            parts = " · ".join(f"{kpi_words[name]} {value:,}"
                               for name, value in one.kpis.items())
            value = usecases.weighted(instance, one.kpis)
            click.echo(f"  第{one.session}班 {_describe_class(instance, one.rows)}: {parts} "
                       f"({_say('objective part', value=value)})")
            for reason in said_all(one.reasons, lang):
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
    instance, solution = _plan_or_exit(instance_path, solution_path, lang)
    try:
        project_id, sessions = usecases.parse_class(target, solution)
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
        found = usecases.find_alternatives(instance, solution, project_id, sessions, top=top,
                                           month=month, venue=venue, time_limit=time_limit,
                                           workers=workers, hooks=CommandHooks())
    except InputError as error:
        _exit_bad_input(error.said)
    if not found:
        click.echo(_say("no alternative"))
        sys.exit(EXIT_NO_SCHEDULE)
    for number, alternative in enumerate(found, start=1):
        kpis = "; ".join(f"{usecases.kpi_words(lang)[name]} {value:+,}" for name, value in
                         alternative.kpi_change.items() if value) or _say("no kpi change")
        click.echo(f"{number}. {_describe_class(instance, alternative.rows)}")
        click.echo(_say("alternative change", change=alternative.objective_change, kpis=kpis))
        others = alternative.knock_on
        if not others:
            click.echo(_say("nothing else moves"))
            continue
        afters = usecases.describe_rows(instance, [change.after for change in others[:5]])
        shown = "; ".join(f"{change.project} 第{change.session}班 → {after}"
                          for change, after in zip(others[:5], afters, strict=True))
        more = _say("and more changes", count=len(others) - 5) if len(others) > 5 else ""
        click.echo(_say("also changes", changes=shown + more))
    if out_dir is not None:
        paths = usecases.write_plans(
            [alternative.solution for alternative in found],
            [out_dir / f"alternative-{number}.json" for number in range(1, len(found) + 1)],
            out_dir, CommandHooks())
        _print_written(paths, out_dir)


def _plan_or_exit(instance_path: str, solution_path: str, lang: str) -> tuple[Instance, Solution]:
    """The instance and a plan of it that keeps every rule, or exit 2 saying what is wrong."""
    instance = _load_or_exit(instance_path, lang)
    try:
        solution, _ = usecases.read_plan(solution_path, instance, lang=lang)
    except InputError as error:
        _exit_bad_input(error.said)
    return instance, solution


def _describe_class(instance: Instance, rows: list[SessionPhase]) -> str:
    """A class's phases in one line each: dates, venue, trainers."""
    in_order = sorted(rows, key=lambda row: row.phase)
    return " / ".join(usecases.describe_rows(instance, in_order))


@main.command(name="check")
@click.argument("instance_path", metavar="PLAN.xlsx|INSTANCE.json")
@LANG_OPTION
def check_command(instance_path: str, lang: str) -> None:
    """Check an instance or workbook and report every problem at once. A workbook with problems
    gets a checked copy beside it (PLAN.checked.xlsx) with each bad cell red and commented;
    nothing else is written."""
    _check(instance_path, lang)


def _check(path: str, lang: str) -> None:
    _formats_or_exit("csv", lang)
    checked = usecases.check_file(path, lang, hooks=CommandHooks())
    if checked.checked_copy is not None:
        for problem in said_all(checked.problems, lang):
            click.echo(problem, err=True)
        copy = checked.checked_copy
        click.echo(f"{len(checked.problems)} 处问题；已在 {copy} 中标红。" if lang == "zh"
                   else f"{len(checked.problems)} problem(s); marked in red in {copy}.",
                   err=True)
        sys.exit(EXIT_BAD_INPUT)
    instance = checked.instance
    if instance is None:
        _exit_bad_input(_named_by(path, said_all(checked.problems, lang)))
        return
    for line in usecases.instance_notes(instance):
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
    _formats_or_exit("csv", lang)
    _refuse_to_overwrite(out_path, force)
    instance = _load_or_exit(from_path) if from_path else None
    _writable_or_exit(out_path.parent)
    usecases.write_template(out_path, instance, lang, CommandHooks())
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
    _formats_or_exit("csv", lang)
    _refuse_to_overwrite(out_path, force)
    _writable_or_exit(out_path.parent)
    try:
        count, guesses = usecases.write_import(table_path, out_path, lang, CommandHooks())
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


@main.command(name="sweep")
@click.argument("base_path", metavar="BASE", type=click.Path(path_type=Path))
@click.argument("sweep_path", metavar="SWEEP.json|toml", type=click.Path(path_type=Path))
@click.option("--scheduler", "address", metavar="tcp://HOST:8786",
              help="The Dask scheduler of a cluster [default: a cluster of this machine, a "
                   "worker per core].")
@click.option("--time-limit", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds of search per variant, counted as work (one worker, the same "
                   "plan on any machine).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out") / "sweep", show_default=True, help="Output folder.")
@click.option("--seed", default=0, show_default=True, help="Random seed of the searches.")
@LANG_OPTION
def sweep_command(base_path: Path, sweep_path: Path, address: str | None, time_limit: float,
                  out_dir: Path, seed: int, lang: str) -> None:
    """Solve every variant of SWEEP (a grid of values, named changes, or both) on BASE (an
    instance, or a folder of districts' instances) on a Dask cluster; write sweep.csv,
    sweep.xlsx, sweep.png and each variant's plan. Finished variants are kept in OUT/.cache/
    and not solved again."""
    if not usecases.can_sweep():
        click.echo(_say("sweep needs dask"), err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        run = usecases.read_sweep_file(base_path, sweep_path, time_limit, seed)
    except InputError as error:
        _exit_bad_input(error.said)
    _writable_or_exit(out_dir)
    click.echo(_say("sweeping", variants=len(run.sweep.variants), bases=len(run.sweep.bases),
                    seconds=time_limit, where=address or _say("this machine")))
    try:
        outcomes, written = usecases.sweep_and_write(
            run, out_dir, address=address, lang=lang, on_progress=SweepPrinter(_lang()),
            hooks=CommandHooks())
    except OSError as error:
        _exit_bad_input([_say("no cluster", address=address, reason=error)])
    _print_written(written, out_dir)
    solved = sum(1 for outcome in outcomes if outcome.objective is not None)
    click.echo(_say("sweep done", solved=solved, total=len(outcomes), failed=len(outcomes) - solved,
                    cached=sum(1 for outcome in outcomes
                               if outcome.cached and outcome.objective is not None)))
    if solved < len(outcomes):
        click.echo(_say("sweep without plan"))
        sys.exit(EXIT_NO_SCHEDULE)


class SweepPrinter:
    """A line per finished variant: a bar of the tasks done, what runs and waits, the variant's
    result, and the best objective of each base so far."""

    WIDTH = 20

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, progress: usecases.Progress) -> None:
        latest = progress.latest
        filled = round(self.WIDTH * progress.done / progress.total)
        result = (f"{latest.status} {latest.objective:,}" if latest.objective is not None
                  else latest.status or latest.reason)
        best = ", ".join(f"{base} {objective:,}" for base, objective in progress.best.items())
        click.echo(say("sweep progress", self.lang, bar="#" * filled + "." * (self.WIDTH - filled),
                       done=progress.done, total=progress.total, running=progress.running,
                       queued=progress.queued, label=f"{latest.base} {latest.label}",
                       result=result, best=best or "—"), err=True)


def _refuse_to_overwrite(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".xlsx":
        _exit_bad_input([_say("not xlsx", path=path)])
    if path.exists() and not force:
        _exit_bad_input([_say("exists", path=path)])


def _load_or_exit(path: str, lang: str | None = None) -> Instance:
    """The instance, or exit 2 naming each problem in `lang` (default: the command's); a year
    planned on provisional holidays (before its notice) is said on stderr, once per command."""
    try:
        instance = usecases.load_file(path)
    except InputError as error:
        _exit_bad_input(_named_by(path, said_all(error.said, lang or _lang())))
        raise  # unreachable: for the type checker
    if usecases.provisional_year(instance):
        click.echo(_say("provisional holidays", year=instance.year), err=True)
    return instance


def _named_by(path: str, problems: list[str]) -> list[str]:
    """Each problem beginning with the file it is in."""
    return [problem if problem.startswith(path) else f"{path}: {problem}"
            for problem in problems]


def _exit_bad_input(problems: Sequence[Phrase | str]) -> None:
    for problem in said_all(problems, _lang()):
        click.echo(problem, err=True)
    click.echo(_say("problems", count=len(problems)), err=True)
    sys.exit(EXIT_BAD_INPUT)


def _print_summary(solved: usecases.Solved) -> None:
    instance, result, solution = solved.instance, solved.result, solved.solution
    names = {project.id: project.name for project in instance.projects}
    cannot_run = solved.cannot_run
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
        forced = solved.forced_share()
        click.echo(_say("kpis", **solution.kpis, forced=(
            _say("all forced") if forced and forced >= solution.kpis["share"]
            else _say("forced", forced=forced) if forced else "")))
        # Trainers' days away count where the towns name areas (else every town is one).
        away = (_say("away", away_days=solution.kpis.get("away_days", 0))
                if instance.objective.weights.away_days else "")
        click.echo(_say("cost", **solution.kpis, away=away))
        extremes = solved.hours_extremes()
        if extremes is not None:
            lowest, highest = extremes
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
