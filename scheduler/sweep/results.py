"""The files of a sweep: a row per variant, a chart of the KPIs against the swept values, and
each variant's plan.

- sweep.csv and sweep.xlsx: base, variant, each swept value, status, objective, bound, gap,
  every KPI, the solve's seconds and CPU seconds, the worker, whether the result came from the
  cache, and, for a row without a result, why;
- sweep.png: one panel per measure (the objective and each KPI that is not zero everywhere),
  the first swept value along the axis (the variants' labels where nothing is swept), a line
  per base and per value of the other swept paths;
- <base>/<variant>/solution.json and plan.csv: each plan, as `schedule solve` writes it, for
  `schedule compare --base-solution` or `schedule export` to take up.

Names (bases, variants) are shown as they are; the fixed words are in `lang`.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from openpyxl import Workbook

from models.cell_text import guard_workbook
from models.scenario import apply_changes
from models.solution import write_bytes_atomically
from scheduler.core.kpis import KPI_NAMES
from scheduler.export.compare_files import csv_bytes, table_cells, table_sheet
from scheduler.export.formats import write_outputs
from scheduler.export.gantt import chart_font, chart_style, png_bytes
from scheduler.messages import term
from scheduler.sweep.task import Outcome, Task

UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
"""Characters a folder name cannot hold on Windows or Linux."""
LONGEST_NAME = 80
PANEL_COLUMNS = 3
PANEL_INCHES = (4.0, 2.6)


def sweep_table(outcomes: list[Outcome], swept: list[str], lang: str = "en") -> pd.DataFrame:
    """A row per variant; the fixed headers in `lang`, the swept paths as they are."""
    rows = []
    for outcome in outcomes:
        row: dict[str, Any] = {"base instance": outcome.base, "variant": outcome.label}
        row |= {path: _cell(outcome.values.get(path)) for path in swept}
        row |= {"status": outcome.status, "objective": outcome.objective,
                "bound": outcome.bound, "gap": outcome.gap}
        row |= {f"kpi {name}": outcome.kpis.get(name) for name in KPI_NAMES}
        row |= {"solve seconds": outcome.seconds, "cpu seconds": outcome.cpu_seconds,
                "worker": outcome.worker, "cached": outcome.cached, "reason": outcome.reason}
        rows.append({(key if key in swept else term(key, lang)): value
                     for key, value in row.items()})
    return pd.DataFrame(rows, dtype=object)  # whole numbers stay whole beside empty cells


def write_sweep(tasks: list[Task], outcomes: list[Outcome], swept: list[str], out_dir: Path,
                lang: str = "zh") -> list[Path]:
    """Write the table, the chart and every plan into `out_dir` (an outcome per task, in
    order); return their paths."""
    table = sweep_table(outcomes, swept, lang)
    contents = {"sweep.csv": csv_bytes(table), "sweep.xlsx": _workbook_bytes(table, lang),
                "sweep.png": sweep_png(outcomes, swept, lang)}
    paths = []
    for name, data in contents.items():
        write_bytes_atomically(out_dir / name, data)
        paths.append(out_dir / name)
    for task, outcome, folder in zip(tasks, outcomes, variant_folders(outcomes), strict=True):
        solution = outcome.solution
        if solution is not None and solution.status.has_schedule:
            instance = apply_changes(json.loads(task.instance_json), task.label, task.changes)
            paths += write_outputs(instance, solution, out_dir / folder, ["csv"])
    return paths


def variant_folders(outcomes: list[Outcome]) -> list[str]:
    """Each variant's folder, `<base>/<label>`, its characters safe on any disk and its
    length bounded; numbered where two would be alike."""
    folders: list[str] = []
    for outcome in outcomes:
        name = f"{_safe(outcome.base)}/{_safe(outcome.label) or 'base'}"
        folder, number = name, 1
        while folder in folders:
            number += 1
            folder = f"{name}-{number}"
        folders.append(folder)
    return folders


def _safe(name: str) -> str:
    return UNSAFE_IN_NAMES.sub("_", name).strip(" .")[:LONGEST_NAME]


def _cell(value: Any) -> Any:
    """A swept value as a cell: a number or text as it is, a list or an object as JSON."""
    if value is None or isinstance(value, int | float | str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _workbook_bytes(table: pd.DataFrame, lang: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    title = "Sweep" if lang == "en" else "方案扫描"
    table_sheet(sheet, title, title, [str(column) for column in table.columns],
                table_cells(table))
    guard_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- sweep.png ----------------------------------------------------------------------------

def sweep_png(outcomes: list[Outcome], swept: list[str], lang: str = "zh") -> bytes:
    """The chart as PNG bytes; its fixed words in English where no font draws Chinese."""
    family = chart_font()
    with chart_style(family):
        return png_bytes(sweep_figure(outcomes, swept, lang if family else "en"))


def sweep_figure(outcomes: list[Outcome], swept: list[str], lang: str) -> Figure:
    solved = [outcome for outcome in outcomes if outcome.objective is not None]
    measures = ["objective", *(f"kpi {name}" for name in KPI_NAMES
                               if any(outcome.kpis.get(name) for outcome in solved))]
    rows = math.ceil(len(measures) / PANEL_COLUMNS)
    columns = min(PANEL_COLUMNS, len(measures))
    figure = Figure(figsize=(PANEL_INCHES[0] * columns, PANEL_INCHES[1] * rows),
                    layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).flatten()
    along = swept[0] if swept else None
    xs = _axis_values(solved, along)
    for ax, measure in zip(axes, measures, strict=False):
        for series, members in _series(solved, swept).items():
            points = sorted((xs.index(_x_of(outcome, along)), _measure(outcome, measure))
                            for outcome in members)
            ax.plot([x for x, _ in points], [y for _, y in points], marker="o", label=series)
        _label_axes(ax, term(measure, lang), along, xs)
    for ax in axes[len(measures):]:
        ax.set_visible(False)
    if len(_series(solved, swept)) > 1:
        axes[0].legend(fontsize=7)
    return figure


def _series(solved: list[Outcome], swept: list[str]) -> dict[str, list[Outcome]]:
    """A line per base and per value of each swept path but the first."""
    lines: dict[str, list[Outcome]] = {}
    for outcome in solved:
        others = [f"{path.rsplit('.', 1)[-1]}={outcome.values[path]}" for path in swept[1:]]
        lines.setdefault(" · ".join([outcome.base, *others]), []).append(outcome)
    return lines


def _x_of(outcome: Outcome, along: str | None) -> str:
    return outcome.label if along is None else str(_cell(outcome.values[along]))


def _axis_values(solved: list[Outcome], along: str | None) -> list[str]:
    """The values along the axis, in the sweep's order."""
    return list(dict.fromkeys(_x_of(outcome, along) for outcome in solved))


def _measure(outcome: Outcome, measure: str) -> float:
    value = (outcome.objective if measure == "objective"
             else outcome.kpis.get(measure.removeprefix("kpi "), 0))
    return float(value or 0)


def _label_axes(ax: Axes, title: str, along: str | None, xs: list[str]) -> None:
    ax.set_title(title)
    ax.set_xticks(range(len(xs)), xs, rotation=0 if along else 30,
                  ha="center" if along else "right")
    if along is not None:
        ax.set_xlabel(along)
    ax.grid(alpha=0.3)
