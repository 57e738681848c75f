"""Print what a bureau head looks at in a plan, for the projects named: each class's dates,
month (against the preferred ones), venue and its 片区, trainers and seats by 片区; then every
venue's days of use by 片区. The benchmark of docs/performance.md quotes it for anshan's 送教下乡
(as25, as50, as52) and 思政 (as45), qianjiang's 师德大讲坛 (q01a) and 2024's staged p03.

    python scripts/plan_details.py instances/anshan-2022.json out/anshan-2022/solution.json \\
        as25 as45 as50 as52
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import click

from models import SessionPhase, Solution, load_instance


@click.command()
@click.argument("instance_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("solution_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("projects", nargs=-1)
def main(instance_path: Path, solution_path: Path, projects: tuple[str, ...]) -> None:
    instance = load_instance(instance_path)
    solution = Solution.model_validate_json(solution_path.read_text(encoding="utf-8"))
    area_of = {town.id: town.area_id for town in instance.towns}
    venues = {venue.id: venue for venue in instance.venues}
    trainers = {trainer.id: trainer.name for trainer in instance.trainers}
    for project_id in projects:
        project = instance.project(project_id)
        rows = sorted((row for row in solution.sessions if row.project == project_id),
                      key=lambda row: row.start)
        wanted = sorted(project.wanted_months)
        click.echo(f"{project_id} {project.name} ({project.months_text or f'{wanted}月'}, "
                   f"{project.delivery}{', spread' if project.spread else ''}): "
                   f"{len(rows)} session-phases, months "
                   f"{dict(sorted(Counter(row.start.month for row in rows).items()))}")
        for row in rows:
            venue = venues.get(row.venue or "")
            place = f"{venue.name} [{area_of[venue.town]}]" if venue else "—"
            seats: dict[str, int] = defaultdict(int)
            for town, count in row.seats.items():
                seats[area_of[town]] += count
            outside = "" if row.start.month in project.wanted_months else "  ← outside"
            click.echo(f"  #{row.session}.{row.phase} {row.start}–{row.end} {place} · "
                       f"{'、'.join(trainers[t] for t in row.trainers)} · "
                       f"{dict(seats)}{outside}")
    used: dict[str, set[dt.date]] = defaultdict(set)
    for row in solution.sessions:
        if row.venue:
            used[row.venue].update(_days(row))
    by_area: dict[str, list[str]] = defaultdict(list)
    for venue in instance.venues:
        by_area[area_of[venue.town]].append(f"{venue.name} {len(used[venue.id])}")
    click.echo("venue days of use by 片区:")
    for area, lines in by_area.items():
        click.echo(f"  {area}: " + "; ".join(lines))


def _days(row: SessionPhase) -> set[dt.date]:
    return {row.start + dt.timedelta(days=offset)
            for offset in range((row.end - row.start).days + 1)}


if __name__ == "__main__":
    main()
