"""The files of `schedule compare`: the base plan and its scenarios side by side.

- compare.csv: the measures of `Comparison.measures`, a column per alternative, the base first;
- compare-projects.csv: the projects that change in some scenario, with their months, venues
  and trainers before → after (`Comparison.project_diff`, flattened);
- compare.xlsx: both tables as the sheets 比较 and 项目变化, laid out like plan.xlsx;
- compare.png: one Gantt panel per alternative, stacked on a shared month axis with the same
  rows in every panel, each session-phase that differs from the base framed in red;
- compare.html: the tables and the chart in one page that needs no network.

The measures are named, and the changes said, in the reader's language here (`named_metrics`,
`said_diff`); `metrics_text` lays the measures out for a terminal. Everything is rendered before
the first file is written, and each file is written atomically.
"""

from __future__ import annotations

import base64
import io
import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.cell_text import csv_table, guard_workbook
from models.instance import Instance, Project
from models.phrase import said
from models.solution import write_bytes_atomically
from scheduler.core.diff import session_changes
from scheduler.export.gantt import (
    FRAME_INCHES,
    HIGHLIGHT_COLOUR,
    HIGHLIGHT_WIDTH,
    MONTHS_ON_TOP_AFTER,
    WIDTH_INCHES,
    PhaseKey,
    Wording,
    chart_font,
    chart_style,
    draw_plan,
    legend_handles,
    panel_inches,
    place_date_labels,
    png_bytes,
    scheduled_projects,
)
from scheduler.export.report import escape_html, html_page, number_text
from scheduler.export.wording import word
from scheduler.export.xlsx import (
    MAX_WIDTH,
    print_setup,
    text_width,
    write_data_row,
    write_header,
    write_title,
)
from scheduler.messages import term, text_table

if TYPE_CHECKING:
    # Only its types: importing scheduler.analysis.compare would load the solver into every export.
    from scheduler.analysis.compare import Alternative, Comparison

# The words of the CSV headers, keyed to their Chinese wording (see `wording.word`).
HEADER_WORDS = {"measure": "比较指标", "project": "项目编号", "name": "培训项目名称",
                "months": "月份", "venues": "场地", "trainers": "专家"}
PANEL_TITLE_INCHES = 0.3
MIN_WIDTH = 8  # Excel units: a column of short numbers still shows its header legibly
PAGE_STYLE = """
img.chart { display: block; width: 100%; height: auto; }
table.metrics { width: auto; min-width: 60%; }
td.measure { white-space: nowrap; }
"""


def write_comparison(comparison: Comparison, out_dir: Path, lang: str = "zh") -> list[Path]:
    """Write the five files of the comparison into `out_dir`; return their paths."""
    metrics = named_metrics(comparison, lang)
    diff = said_diff(comparison.project_diff(), lang)
    chart = comparison_png(comparison)
    contents = {
        "compare.csv": csv_bytes(metrics_table(metrics, lang)),
        "compare-projects.csv": csv_bytes(projects_table(diff, lang)),
        "compare.xlsx": _workbook_bytes(comparison.base.instance, metrics, diff, lang),
        "compare.png": chart,
        "compare.html": comparison_html(comparison.base.instance, metrics, diff, chart,
                                        lang).encode("utf-8"),
    }
    paths = []
    for name, data in contents.items():
        path = Path(out_dir) / name
        write_bytes_atomically(path, data)
        paths.append(path)
    return paths


# --- the tables ---------------------------------------------------------------------------

def named_metrics(comparison: Comparison, lang: str) -> pd.DataFrame:
    """One row per measure, named in `lang` (`scheduler.messages.term`), one column per
    alternative, its values said in `lang`."""
    return pd.DataFrame({label: {term(measure, lang): said(value, lang)
                                 for measure, value in measures.items()}
                         for label, measures in comparison.measures().items()})


def said_diff(diff: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`Comparison.project_diff` with each change said in `lang`."""
    said_in = diff.copy()
    for column in said_in.columns:
        said_in[column] = [said(value, lang) for value in said_in[column]]
    return said_in


def metrics_text(metrics: pd.DataFrame, lang: str) -> str:
    """`named_metrics` for a terminal: a row per measure, a column per alternative, aligned
    by display width (a Chinese label is two columns a character)."""
    header = [term("measure", lang), *map(str, metrics.columns)]
    rows = [[str(measure), *(_figure(value) for value in values)]
            for measure, values in metrics.iterrows()]
    return text_table(header, rows)


def _figure(value: object) -> str:
    """A measure's value: whole numbers with thousands separated, seconds to a tenth."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def metrics_table(metrics: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The measures with their names as the first column, `measure` (in `lang`)."""
    return metrics.rename_axis(_csv_header("measure", lang)).reset_index()


def projects_table(diff: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The per-project diff flattened: project, name, then `<label>: <aspect>` per scenario
    (the fixed words in `lang`)."""
    flat = diff.set_axis([f"{label}: {_csv_header(aspect, lang)}" if label
                          else _csv_header(aspect, lang) for label, aspect in diff.columns],
                         axis="columns")
    return flat.rename_axis(_csv_header(str(diff.index.name), lang)).reset_index()


def _csv_header(key: str, lang: str) -> str:
    """A fixed word of a CSV header: as it is in English, its Chinese in Chinese."""
    return HEADER_WORDS[key] if lang == "zh" else key


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark: without it, Excel on a Chinese Windows reads GBK. Text
    that a spreadsheet would run as a formula is written behind an apostrophe
    (`models.cell_text`), in the headers too: a scenario's label is the planner's text."""
    return ("\ufeff" + csv_table(table).to_csv(index=False, lineterminator="\n")).encode("utf-8")


def _metrics_headers(metrics: pd.DataFrame, lang: str) -> list[str]:
    """The header of the measures' names in `lang`, then the labels as they are."""
    return [word(HEADER_WORDS["measure"], lang), *metrics.columns]


def _projects_headers(diff: pd.DataFrame, lang: str) -> list[str]:
    """The flattened diff's headers: fixed words in `lang`, scenario labels as they are."""
    return [word(HEADER_WORDS[diff.index.name], lang),
            *(f"{label} · {word(HEADER_WORDS[aspect], lang)}" if label
              else word(HEADER_WORDS[aspect], lang) for label, aspect in diff.columns)]


def table_cells(table: pd.DataFrame) -> list[list[object]]:
    """The table's rows as plain values, a missing one as None (an empty cell)."""
    return table.astype(object).where(table.notna(), None).to_numpy().tolist()


# --- compare.xlsx -------------------------------------------------------------------------

def _workbook_bytes(instance: Instance, metrics: pd.DataFrame, diff: pd.DataFrame,
                    lang: str) -> bytes:
    workbook = Workbook()
    first = workbook.active
    assert first is not None  # a new workbook always has one sheet
    table_sheet(first, f"{instance.name} · {word('方案比较', lang)}", word("比较", lang),
                _metrics_headers(metrics, lang), table_cells(metrics_table(metrics)))
    table_sheet(workbook.create_sheet(), f"{instance.name} · {word('项目变化', lang)}",
                word("项目变化", lang), _projects_headers(diff, lang),
                table_cells(projects_table(diff)))
    buffer = io.BytesIO()
    guard_workbook(workbook)
    workbook.save(buffer)
    return buffer.getvalue()


def table_sheet(sheet: Worksheet, title: str, name: str, headers: list[str],
                rows: list[list[object]]) -> None:
    """A sheet like plan.xlsx's side sheets: title row, frozen header, bordered rows, columns
    as wide as their text, A4 landscape."""
    sheet.title = name
    write_title(sheet, title, len(headers))
    write_header(sheet, headers)
    widths = _column_widths(headers, rows)
    for offset, values in enumerate(rows):
        write_data_row(sheet, 3 + offset, values, headers, widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_setup(sheet)


def _column_widths(headers: list[str], rows: list[list[object]]) -> list[int]:
    """Each column as wide as its widest text (a hanzi counts two), within bounds."""
    columns = [[header, *(row[index] for row in rows)] for index, header in enumerate(headers)]
    return [min(MAX_WIDTH, max(MIN_WIDTH, *(text_width(number_text(value)) + 2
                                            for value in column)))
            for column in columns]


# --- compare.png --------------------------------------------------------------------------

def comparison_png(comparison: Comparison) -> bytes:
    """The combined chart as PNG bytes, in Chinese where a CJK font exists, else in ids."""
    family = chart_font()
    with chart_style(family):
        return png_bytes(comparison_figure(comparison, Wording(chinese=family is not None)))


def comparison_figure(comparison: Comparison, wording: Wording) -> Figure:
    """One Gantt panel per alternative, the base on top, on a shared month axis; every panel
    has the same rows, and the session-phases that differ from the base are framed."""
    alternatives = comparison.alternatives
    rows = shared_rows(alternatives)
    # A tall stack repeats the month names above the first panel, as a tall Gantt chart does.
    months_on_top = len(rows) * len(alternatives) > MONTHS_ON_TOP_AFTER
    height = FRAME_INCHES + len(alternatives) * (panel_inches(len(rows)) + PANEL_TITLE_INCHES)
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    FigureCanvasAgg(figure)
    panels = figure.subplots(len(alternatives), 1, sharex=True, squeeze=False)[:, 0]
    labels = []
    for index, (axes, alternative) in enumerate(zip(panels, alternatives, strict=True)):
        outlined = changed_phases(comparison.base, alternative) if index else set()
        labels += draw_plan(axes, alternative.instance, alternative.solution,
                  _as_in(alternative.instance, rows), wording,
                  months_on_top=months_on_top and index == 0, outlined=outlined)
        axes.set_title(_panel_title(alternative, index, wording), loc="left",
                       fontsize=11, fontweight="bold")
    figure.suptitle(f"{wording.title(comparison.base.instance)} · {_word('方案比较', wording)}",
                    fontsize=14, fontweight="bold")
    highlight = Patch(facecolor="none", edgecolor=HIGHLIGHT_COLOUR, linewidth=HIGHLIGHT_WIDTH,
                      label=_word("与基准方案不同", wording))
    handles = [*legend_handles(wording), highlight]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles),
                  frameon=False, fontsize=9, handlelength=1.4, columnspacing=1.6)
    place_date_labels(figure, labels)
    return figure


def shared_rows(alternatives: list[Alternative]) -> list[Project]:
    """The projects scheduled in some alternative, in instance order, the base's first."""
    rows: dict[str, Project] = {}
    for alternative in alternatives:
        for project in scheduled_projects(alternative.instance, alternative.solution):
            rows.setdefault(project.id, project)
    return list(rows.values())


def _as_in(instance: Instance, rows: list[Project]) -> list[Project]:
    """The rows as this alternative defines its projects (a scenario may change a mode)."""
    own = {project.id: project for project in instance.projects}
    return [own.get(project.id, project) for project in rows]


def changed_phases(base: Alternative, alternative: Alternative) -> set[PhaseKey]:
    """The session-phases of the alternative's plan held on other dates, at another venue or
    by other trainers than in the base's plan, or not in it at all."""
    return {(change.project, change.session, change.phase)
            for change in session_changes(alternative.instance, base.solution,
                                          alternative.solution)
            if change.after is not None}


def _panel_title(alternative: Alternative, index: int, wording: Wording) -> str:
    """The label and the objective, or the status of an alternative without a plan."""
    label = wording.drawable(alternative.label, f"Scenario {index}")
    objective = alternative.solution.objective
    if objective is None:
        return f"{label} · {alternative.solution.status.value}"
    return f"{label} · {_word('目标值', wording)} {objective:,}"


def _word(text: str, wording: Wording) -> str:
    """A fixed word in the chart's language."""
    return word(text, "zh" if wording.chinese else "en")


# --- compare.html -------------------------------------------------------------------------

def comparison_html(instance: Instance, metrics: pd.DataFrame, diff: pd.DataFrame,
                    chart: bytes, lang: str = "zh") -> str:
    """One self-contained page: the measures, the changes by project and the chart."""
    title = f"{instance.name} · {word('方案比较', lang)}"
    image = base64.b64encode(chart).decode("ascii")
    return html_page(title, [
        f"<h1>{escape_html(title)}</h1>",
        f"<h2>{escape_html(word('比较', lang))}</h2>",
        _metrics_html(metrics, lang),
        f"<h2>{escape_html(word('项目变化', lang))}</h2>",
        _diff_html(diff, lang),
        f"<h2>{escape_html(word('甘特图', lang))}</h2>",
        f'<img class="chart" src="data:image/png;base64,{image}" '
        f'alt="{escape_html(word("甘特图", lang))}">',
    ], PAGE_STYLE)


def _metrics_html(metrics: pd.DataFrame, lang: str) -> str:
    head = "".join(f"<th>{escape_html(header)}</th>" for header in _metrics_headers(metrics, lang))
    body = "".join(
        f'<tr><td class="measure">{escape_html(measure)}</td>'
        + "".join(_value_cell(value) for value in values) + "</tr>"
        for measure, *values in table_cells(metrics_table(metrics)))
    return (f'<table class="metrics"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _diff_html(diff: pd.DataFrame, lang: str) -> str:
    """The changes by project, each scenario's label over its months, venues and trainers."""
    if diff.empty:
        return f'<p class="note">{escape_html(word("没有项目变化", lang))}</p>'
    fixed = [word(HEADER_WORDS[diff.index.name], lang),
             word(HEADER_WORDS["name"], lang)]
    groups = [(label, len(list(columns)))
              for label, columns in itertools.groupby(diff.columns.get_level_values(0)) if label]
    first = "".join(f'<th rowspan="2">{escape_html(header)}</th>' for header in fixed) + "".join(
        f'<th colspan="{span}">{escape_html(label)}</th>' for label, span in groups)
    second = "".join(f"<th>{escape_html(word(HEADER_WORDS[aspect], lang))}</th>"
                     for label, aspect in diff.columns if label)
    body = "".join("<tr>" + "".join(f"<td>{escape_html(value)}</td>" for value in values) + "</tr>"
                   for values in table_cells(projects_table(diff)))
    return (f'<table class="projects"><thead><tr>{first}</tr><tr>{second}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _value_cell(value: object) -> str:
    """A measure's value: numbers right-aligned with thousands separated."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{number_text(value)}</td>'
    return f"<td>{escape_html(number_text(value))}</td>"

