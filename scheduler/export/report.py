"""The plan as one self-contained web page (`report.html`) for the leadership.

It opens offline — county offices often have no network — so everything is inline: the CSS and
the small script below are written here, the Gantt chart is SVG drawn in Python, and nothing is
fetched. Chinese text uses the reader's own fonts (the CSS names the usual CJK families).

Sections: the KPIs; an interactive Gantt chart (hovering a bar shows its project, dates, venue,
trainers and seats; the rows can be filtered by mode or office, also from the address, e.g.
`report.html#mode=online`); the plan table; venue and trainer days by month; seats by town
against their fair shares, with seats per teacher over the year (the towns reached least and
most named above the table) and the rural share against quota and tilt; each project's rural
share against its quota and its seats short of fair shares.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from numbers import Real
from pathlib import Path

import pandas as pd

from models.instance import Instance, Mode, Project
from models.solution import Solution, write_text_atomically
from scheduler.core.costs import ProjectCost
from scheduler.export import fonts, summaries
from scheduler.export.cost_table import COLUMNS as COST_COLUMNS
from scheduler.export.gantt import (
    BAR_SHARE,
    HOLIDAY_COLOUR,
    LINE_HEIGHT,
    LONGEST_NAME,
    MODE_COLOURS,
    Wording,
    label_place,
    lane_band,
    row_bars,
)
from scheduler.export.official_table import plan_total, total_label
from scheduler.export.plan_table import (
    MODE_NAMES,
    NOBODY,
    PLACE_WITHOUT_VENUE,
    classes,
    date_span,
    plan_table,
)
from scheduler.export.wording import provisional_note, word
from scheduler.messages import display_width

# The Gantt chart's geometry, in SVG units (the chart scales to the page's width).
WIDTH = 1200
LABEL_WIDTH = 300
RIGHT_MARGIN = 12
TOP = 44  # month names and holiday names above the first row
ROW = 26
DATE_LABEL_SIZE = 10.0  # the class dates by a bar; smaller in a row of several lanes
SMALLEST_DATE_LABEL = 6.0  # a lane too thin for this gets no date labels
DATE_LABEL_PAD = 3.0  # between a bar and its label
COLUMN_EMS = 0.6  # a terminal column's width in the reader's font, at most: a digit's, a slash's

STYLE = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9dee4; --head: #eef2f7; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 24px 28px 48px; color: var(--ink);
       font: 14px/1.55 FONTS; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 36px 0 12px; padding-bottom: 4px;
     border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 20px 0 8px; }
.status, .made, .data-note, .idle { color: var(--muted); margin: 0; }
.summary { font-size: 17px; margin: 6px 0; }
.broken { border: 2px solid #c00000; border-radius: 6px; padding: 4px 14px; color: #c00000; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card b { display: block; font-size: 22px; }
.card small { color: var(--muted); }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin-bottom: 8px; }
.filters select { font: inherit; padding: 2px 4px; }
.legend span { display: inline-flex; align-items: center; gap: 4px; margin-right: 12px; }
.legend i { display: inline-block; width: 14px; height: 10px; border-radius: 2px; }
.hint { color: var(--muted); }
svg { width: 100%; height: auto; display: block; font-family: inherit; }
svg text { font-size: 12px; fill: var(--ink); }
svg .month { fill: var(--muted); text-anchor: middle; }
svg .holiday-name { fill: #8a6d1f; text-anchor: middle; font-size: 11px; }
svg .date { dominant-baseline: central; pointer-events: none; }
svg .bar { stroke: #fff; stroke-width: 1; cursor: pointer; }
svg .bar:hover, svg .bar:focus { stroke: var(--ink); stroke-width: 1.5; outline: none; }
#tip { position: fixed; z-index: 10; max-width: 420px; padding: 8px 10px; border-radius: 6px;
       background: rgba(31, 41, 51, .94); color: #fff; white-space: pre-line; font-size: 13px;
       pointer-events: none; }
.dropped { color: var(--muted); }
.provisional { color: #9c5700; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: middle; }
th { background: var(--head); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.c { text-align: center; white-space: nowrap; }
th { white-space: nowrap; }
tr.total td { font-weight: 600; background: #f7f7f7; }
.heat td.num { min-width: 38px; }
.meter { position: relative; height: 12px; min-width: 120px; background: #eef1f4;
         border-radius: 3px; }
.meter span { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 3px; }
.meter i { position: absolute; top: -3px; bottom: -3px; width: 2px; background: #c0392b; }
.ok span { background: #009E73; } .short span { background: #D55E00; }
.note { color: var(--muted); font-size: 13px; }
td.warn { color: #D55E00; font-weight: 600; }
@media print { .filters, #tip { display: none; } h2 { break-after: avoid; } }
"""

SCRIPT = """
"use strict";
(() => {
  const chart = document.getElementById("gantt");
  const tip = document.getElementById("tip");
  const rows = Array.from(chart.querySelectorAll("g.row"));
  const filters = Array.from(document.querySelectorAll("select[data-filter]"));
  const rowHeight = Number(chart.dataset.row), top = Number(chart.dataset.top);

  // Show the rows that match every filter, packed from the top, and keep the choice in the
  // address so that a filtered view can be bookmarked or sent.
  function apply() {
    let y = top;
    for (const row of rows) {
      const shown = filters.every(f => !f.value || row.dataset[f.dataset.filter] === f.value);
      row.style.display = shown ? "" : "none";
      if (shown) { row.setAttribute("transform", `translate(0,${y})`); y += rowHeight; }
    }
    chart.setAttribute("viewBox", `0 0 ${chart.dataset.width} ${Math.max(y, top + rowHeight) + 6}`);
    document.getElementById("shown").textContent = String((y - top) / rowHeight);
    const chosen = filters.filter(f => f.value).map(f => [f.dataset.filter, f.value]);
    history.replaceState(null, "", chosen.length ? "#" + new URLSearchParams(chosen) : " ");
  }

  function show(bar, x, y) {
    tip.textContent = bar.dataset.tip;
    tip.hidden = false;
    const box = tip.getBoundingClientRect();
    tip.style.left = Math.min(x + 14, window.innerWidth - box.width - 8) + "px";
    const below = y + 14 + box.height <= window.innerHeight;
    tip.style.top = (below ? y + 14 : y - box.height - 10) + "px";
  }

  chart.addEventListener("mousemove", event => {
    const bar = event.target.closest(".bar");
    if (bar) show(bar, event.clientX, event.clientY); else tip.hidden = true;
  });
  chart.addEventListener("mouseleave", () => { tip.hidden = true; });
  chart.addEventListener("focusin", event => {
    const bar = event.target.closest(".bar");
    if (bar) { const box = bar.getBoundingClientRect(); show(bar, box.left, box.bottom); }
  });
  chart.addEventListener("focusout", () => { tip.hidden = true; });

  const wanted = new URLSearchParams(location.hash.slice(1));
  for (const f of filters) {
    const value = wanted.get(f.dataset.filter);
    if (value !== null && Array.from(f.options).some(o => o.value === value)) f.value = value;
    f.addEventListener("change", apply);
  }
  apply();
  document.documentElement.dataset.ready = "true";
})();
"""


def write_report(instance: Instance, solution: Solution, path: Path, lang: str = "zh",
                 broken: list[str] | None = None, *, costs: list[ProjectCost]) -> None:
    """Write the report to `path` (atomically) as one HTML file with no outside reference."""
    write_text_atomically(Path(path), report_html(instance, solution, lang, broken=broken,
                                                  costs=costs))


def report_html(instance: Instance, solution: Solution, lang: str = "zh",
                made: dt.date | None = None, broken: list[str] | None = None, *,
                costs: list[ProjectCost]) -> str:
    """The report's page; `made` is the date it says it was made (default: today); `broken`,
    the rules a plan adjusted by hand breaks, listed at the top; `costs`, each class's costs
    and reasons (`scheduler.analysis.class_costs.plan_costs`), shown on its bars."""
    return html_page(f"{instance.name} · {word('培训计划报告', lang)}", [
        *_broken(broken or [], lang),
        *_head(instance, solution, lang, made or dt.date.today()),
        _kpis(instance, solution, lang),
        _gantt_section(instance, solution, lang, costs),
        _plan(instance, solution, lang),
        _utilisation(instance, solution, lang),
        _towns(instance, solution, lang),
        _areas(instance, solution, lang),
        _hours(instance, solution, lang),
        '<div id="tip" role="tooltip" hidden></div>',
        f"<script>{SCRIPT}</script>",
    ])


def html_page(title: str, body: list[str], extra_style: str = "") -> str:
    """A whole page around `body`: CSS inline, Chinese text in the reader's own fonts."""
    font_stack = ", ".join(f'"{family}"' for family in fonts.PREFERRED_FAMILIES)
    style = STYLE.replace("FONTS", f"{font_stack}, sans-serif") + extra_style
    parts = [
        "<!doctype html>",
        # zh-CN even for English labels: it makes browsers pick Simplified Chinese glyphs for
        # the names, which stay Chinese.
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape_html(title)}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def escape_html(value: object) -> str:
    return html.escape(str(value), quote=True)


def number_text(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


def _broken(broken: list[str], lang: str) -> list[str]:
    if not broken:
        return []
    title = (f"本方案违反 {len(broken)} 条规则（人工调整后导出）" if lang == "zh"
             else f"This plan breaks {len(broken)} rule(s) (adjusted by hand, exported anyway)")
    items = "".join(f"<li>{escape_html(line)}</li>" for line in broken)
    return [f'<section class="broken"><h2>{escape_html(title)}</h2><ul>{items}</ul></section>']


NOTE_IN_NAME = re.compile(r"^(?P<title>.+?)\s*[（(](?P<note>[^（）()]*示例[^（）()]*)[）)]\s*$")
"""A plan's name that ends in a note on its data, "（场地、专家、乡镇数据为示例）": the title is
the name without it, and the note is shown below."""


def _head(instance: Instance, solution: Solution, lang: str, made: dt.date) -> list[str]:
    """The title, the note on the data, the note on provisional holidays, the plan in one
    sentence, the date the report was made,
    and the solver's figures folded away."""
    match = NOTE_IN_NAME.match(instance.name)
    title = match["title"] if match else instance.name
    kpis = summaries.kpi_table(instance, solution).set_index("指标")["数值"]
    figures = " · ".join(f"{word(label, lang)} {number_text(kpis[label])}"
                         for label in ("求解状态", "目标值", "下界", "差距"))
    made_text = f"{word('生成日期', lang)} {made.isoformat()}"
    provisional = provisional_note(instance, lang)
    return [f"<h1>{escape_html(title)}</h1>",
            *([f'<p class="data-note">{escape_html(match["note"])}</p>'] if match else []),
            *([f'<p class="provisional">{escape_html(provisional)}</p>'] if provisional else []),
            f'<p class="summary">{escape_html(summaries.plan_sentence(instance, solution, lang))}'
            f"</p>",
            f'<p class="made">{escape_html(made_text)}</p>',
            f'<details class="status"><summary>{escape_html(word("求解详情", lang))}</summary>'
            f"{escape_html(figures)}</details>"]


def _kpis(instance: Instance, solution: Solution, lang: str) -> str:
    table = summaries.kpi_table(instance, solution).iloc[4:]
    cards = []
    for record in table.itertuples(index=False):
        label, value, unit = record[0], record[1], record[2]
        unit_text = word(unit, lang) if isinstance(unit, str) else ""
        cards.append(f'<div class="card"><b>{escape_html(number_text(value))}</b>'
                     f"<small>{escape_html(word(label, lang))}"
                     f"{'（' + escape_html(unit_text) + '）' if unit_text else ''}</small></div>")
    return (f'<h2>{escape_html(word("关键指标", lang))}</h2>\n'
            f'<div class="cards">{"".join(cards)}</div>')


# --- the Gantt chart ---------------------------------------------------------------------------

def _gantt_section(instance: Instance, solution: Solution, lang: str,
                   costs: list[ProjectCost]) -> str:
    grouped = classes(solution)
    scheduled = {project_id for project_id, _ in grouped}
    rows = [project for project in instance.projects if project.id in scheduled]
    mode_names = {mode: word(MODE_NAMES[mode], lang) for mode in Mode}

    modes = [mode for mode in Mode if any(project.mode is mode for project in rows)]
    mode_options = "".join(f'<option value="{mode.value}">{escape_html(mode_names[mode])}</option>'
                           for mode in modes)
    filters = [
        f'<label>{escape_html(word("培训方式", lang))} <select data-filter="mode">'
        f'<option value="">{escape_html(word("全部", lang))}</option>{mode_options}'
        f'</select></label>'
    ]
    offices = sorted({project.office for project in rows if project.office})
    if offices:
        office_options = "".join(
            f'<option value="{escape_html(office)}">{escape_html(office)}</option>'
            for office in offices)
        filters.append(
            f'<label>{escape_html(word("负责科室", lang))} <select data-filter="office">'
            f'<option value="">{escape_html(word("全部", lang))}</option>{office_options}'
            f'</select></label>'
        )
    legend = "".join(f'<span><i style="background:{MODE_COLOURS[mode]}"></i>'
                     f"{escape_html(mode_names[mode])}</span>" for mode in Mode)
    legend += (f'<span><i style="background:{HOLIDAY_COLOUR}"></i>'
               f'{escape_html(word("假期", lang))}</span>')
    shown = f'<span class="hint"><b id="shown">{len(rows)}</b>/{len(rows)} · ' \
            f'{escape_html(word("鼠标停在色块上查看详情。", lang))}</span>'
    dropped = [project for project in instance.projects if project.id in solution.dropped]
    dropped_note = (
        f'<p class="dropped">{escape_html(word("未安排的项目", lang))}：'
        + escape_html("、".join(f"{project.name}（{project.id}）" for project in dropped)) + "</p>"
        if dropped else ""
    )
    return "\n".join([
        f'<h2>{escape_html(word("甘特图", lang))}</h2>',
        f'<div class="filters">{"".join(filters)}<span class="legend">{legend}</span>'
        f"{shown}</div>",
        _gantt_svg(instance, solution, rows, lang, costs),
        dropped_note,
    ])


def _gantt_svg(instance: Instance, solution: Solution, rows: list[Project], lang: str,
               costs: list[ProjectCost]) -> str:
    year_start, year_end = dt.date(instance.year, 1, 1), dt.date(instance.year + 1, 1, 1)
    year_days = (year_end - year_start).days
    scale = (WIDTH - LABEL_WIDTH - RIGHT_MARGIN) / year_days
    height = TOP + ROW * max(len(rows), 1) + 6

    def x_of(day: dt.date) -> float:
        return LABEL_WIDTH + (day - year_start).days * scale

    parts = [
        f'<svg id="gantt" viewBox="0 0 {WIDTH} {height}" data-width="{WIDTH}" '
        f'data-row="{ROW}" data-top="{TOP}" role="img" '
        f'aria-label="{escape_html(word("甘特图", lang))}">'
    ]
    # Behind the rows: holiday windows, then month lines, drawn tall enough for every row (the
    # view box crops them when a filter hides rows).
    bottom = TOP + ROW * max(len(rows), 1)
    for window in instance.calendar.holiday_windows:
        start = max(window.start, year_start)
        end = min(window.end, dt.date(instance.year, 12, 31))
        if start > end:
            continue
        left, right = x_of(start), x_of(end + dt.timedelta(days=1))
        parts.append(f'<rect x="{left:.1f}" y="{TOP - 14}" width="{right - left:.1f}" '
                     f'height="{bottom - TOP + 14}" fill="{HOLIDAY_COLOUR}"/>')
        parts.append(f'<text class="holiday-name" x="{(left + right) / 2:.1f}" y="{TOP - 3}">'
                     f"{escape_html(window.name)}</text>")
    for month in range(1, 13):
        first = dt.date(instance.year, month, 1)
        following = dt.date(instance.year + (month == 12), month % 12 + 1, 1)
        left, right = x_of(first), x_of(following)
        parts.append(f'<line x1="{left:.1f}" x2="{left:.1f}" y1="{TOP - 28}" y2="{bottom}" '
                     f'stroke="#c8cdd3" stroke-width="0.6"/>')
        label = f"{month}月" if lang == "zh" else first.strftime("%b")
        parts.append(f'<text class="month" x="{(left + right) / 2:.1f}" y="{TOP - 20}">'
                     f"{label}</text>")

    tips = _tips(instance, solution, costs, lang)
    grouped = classes(solution)
    for index, project in enumerate(rows):
        sessions = {key: phases for key, phases in grouped.items() if key[0] == project.id}
        name = project.name if len(project.name) <= LONGEST_NAME \
            else project.name[: LONGEST_NAME - 1] + "…"
        parts.append(
            f'<g class="row" data-mode="{project.mode.value}" '
            f'data-office="{escape_html(project.office or "")}" '
            f'transform="translate(0,{TOP + index * ROW})">'
        )
        stripe = "#f3f5f8" if index % 2 else "none"
        parts.append(f'<rect x="0" y="0" width="{WIDTH}" height="{ROW}" fill="{stripe}" '
                     f'opacity="0.7"/>')
        parts.append(f'<text x="6" y="{ROW / 2 + 4}"><title>{escape_html(project.name)}</title>'
                     f"{escape_html(name)}</text>")
        # The bars, their lanes and their least width as the PNG chart draws them.
        for bar in row_bars(sessions, year_end):
            offset, lane_height = lane_band(bar.lane, bar.lanes)
            top, bar_height = ROW * ((1 - BAR_SHARE) / 2 + offset), ROW * lane_height
            left, right = x_of(bar.phase.start), x_of(bar.end)
            parts.append(
                f'<rect class="bar" tabindex="0" x="{left:.1f}" y="{top:.1f}" '
                f'width="{right - left:.1f}" height="{bar_height:.1f}" '
                f'fill="{MODE_COLOURS[project.mode]}" '
                f'data-tip="{escape_html(tips[bar.key])}"/>'
            )
            parts.append(_date_label(bar.phase.start, bar.phase.end, (left, right), top,
                                     bar_height, x_of(bar.room_until) - right, lang))
        parts.append("</g>")
    if not rows:
        parts.append(f'<text x="{WIDTH / 2}" y="{TOP + ROW / 2 + 4}" text-anchor="middle">'
                     f'{escape_html(word("没有安排任何项目", lang))}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _date_label(start: dt.date, end: dt.date, bar: tuple[float, float], top: float,
                height: float, room: float, lang: str) -> str:
    """A bar's dates inside it where they fit, else right of it where they end before the next
    bar of its lane (`room` away), else nothing. The browser's font is not known here: the
    width is reckoned generously from the text's terminal columns."""
    size = min(DATE_LABEL_SIZE, height / LINE_HEIGHT)
    text = Wording(chinese=lang == "zh").dates(start, end)
    left, right = bar
    place = label_place(right - left, room, display_width(text) * COLUMN_EMS * size,
                        DATE_LABEL_PAD)
    if place is None or size < SMALLEST_DATE_LABEL:
        return ""
    x, anchor, colour = ((left + right) / 2, "middle", "#fff") if place == "inside" \
        else (right + DATE_LABEL_PAD, "start", "#333")
    return (f'<text class="date" x="{x:.1f}" y="{top + height / 2:.1f}" '
            f'text-anchor="{anchor}" style="font-size:{size:.1f}px;fill:{colour}">'
            f"{escape_html(text)}</text>")


def _tips(instance: Instance, solution: Solution, costs: list[ProjectCost],
          lang: str) -> dict[tuple[str, int, int], str]:
    """The text a bar shows on hover: project, dates, venue, trainers, seats by town, and what
    its class adds to the KPIs and why (`costs`, its reasons said in `lang`)."""
    class_costs = {(project.project.id, one.session): one for project in costs
                   for one in project.classes}
    names = summaries.phase_names(instance, solution)
    projects = {project.id: project for project in instance.projects}
    venues = {venue.id: venue.name for venue in instance.venues}
    trainers = {trainer.id: trainer.name for trainer in instance.trainers}
    towns = {town.id: town.name for town in instance.towns}
    tips = {}
    for row in solution.sessions:
        project = projects[row.project]
        place = (venues.get(row.venue, row.venue) if row.venue
                 else PLACE_WITHOUT_VENUE.get(project.mode, NOBODY))
        seats = "、".join(f"{towns.get(t, t)} {n}" for t, n in row.seats.items() if n)
        lines = [
            f"{names[row.project, row.session, row.phase]}（{project.id}）",
            f"{date_span(row.start, row.end)}（{row.days}天）· {MODE_NAMES[project.mode]}",
            f"地点：{place}",
            f"专家：{'、'.join(trainers.get(t, t) for t in row.trainers) or NOBODY}",
            f"人数：{row.size}（{seats}）",
        ]
        if project.office:
            lines.append(f"负责科室：{project.office}")
        cost = class_costs[row.project, row.session]
        lines.append("成本：" + " · ".join(f"{COST_COLUMNS[name]} {value:,}"
                                          for name, value in cost.kpis.items()))
        lines += [f"· {reason.text(lang)}" for reason in cost.reasons]
        tips[row.project, row.session, row.phase] = "\n".join(lines)
    return tips


# --- tables ------------------------------------------------------------------------------------

def _plan(instance: Instance, solution: Solution, lang: str) -> str:
    """The plan table with the month written once per group of rows, as in the published
    tables, and a total of the headcounts (全员 projects left out: `plan_total`)."""
    table = plan_table(instance, solution, office=True)
    columns = list(table.columns)
    head = "".join(f'<th{" class=num" if column == "参训人数" else ""}>'
                   f"{escape_html(word(column, lang))}</th>" for column in columns)
    body = []
    months = table["月份"].tolist()
    for index, record in enumerate(table.itertuples(index=False)):
        cells = []
        for column, value in zip(columns, record, strict=True):
            if column == "月份":
                if index > 0 and months[index - 1] == value:
                    continue
                span = 1
                while index + span < len(months) and months[index + span] == value:
                    span += 1
                cells.append(f'<td class="c" rowspan="{span}">{escape_html(value)}</td>')
            elif column == "参训人数":
                cells.append(f'<td class="num">{number_text(value)}</td>')
            elif column in ("序号", "培训方式", "负责科室"):
                cells.append(f'<td class="c">{escape_html(value)}</td>')
            else:
                cells.append(f"<td>{escape_html(value)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    headcount_at = columns.index("参训人数")
    total = plan_total(instance, solution)
    body.append(f'<tr class="total"><td colspan="{headcount_at}" class="c">'
                f'{escape_html(total_label(total, lang))}</td><td class="num">'
                f'{number_text(total.trainees)}</td>'
                f'<td colspan="{len(columns) - headcount_at - 1}"></td></tr>')
    return (f'<h2>{escape_html(word("计划表", lang))}</h2>\n'
            f'<table class="plan"><thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(body)}</tbody></table>")


def _utilisation(instance: Instance, solution: Solution, lang: str) -> str:
    """Days by month of the venues and trainers the plan uses; those it leaves idle are folded
    away below, named."""
    sections = [f'<h2>{escape_html(word("场地与专家每月使用天数", lang))}</h2>']
    for kind, heading, idle_label in (("venue", "场地使用天数", "未使用的场地"),
                                      ("trainer", "专家授课天数", "未授课的专家")):
        table = summaries.days_by_month(instance, solution, kind)
        used = table["合计"] > 0
        sections.append(f"<h3>{escape_html(word(heading, lang))}</h3>")
        sections.append(_heat_table(table[used], lang))
        idle = [str(name) for name in table.index[~used]]
        if idle:
            sections.append(f'<details class="idle"><summary>{escape_html(word(idle_label, lang))}'
                            f"（{len(idle)}）</summary>{escape_html('、'.join(idle))}</details>")
    return "\n".join(sections)


def _heat_table(table: pd.DataFrame, lang: str) -> str:
    """Days by month, each cell shaded by how full its month is (a full month: 31 days)."""
    months = [column for column in table.columns if column != "合计"]
    labels = [word(str(table.index.name), lang),
              *(month if lang == "zh" else dt.date(2000, int(month[:-1]), 1).strftime("%b")
                for month in months),
              word("合计", lang)]
    head = "".join(f'<th{" class=num" if i else ""}>{escape_html(label)}</th>'
                   for i, label in enumerate(labels))
    body = []
    for name, record in table.iterrows():
        cells = [f"<td>{escape_html(name)}</td>"]
        for month in months:
            days = int(record[month])
            shade = f' style="background:rgba(0,114,178,{min(days / 22, 1) * 0.6:.2f})"' \
                if days else ""
            cells.append(f'<td class="num"{shade}>{days or ""}</td>')
        cells.append(f'<td class="num"><b>{int(record["合计"]) or ""}</b></td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="heat"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}' \
           f"</tbody></table>"


def _towns(instance: Instance, solution: Solution, lang: str) -> str:
    """Seats by town against their fair shares, under a line on how evenly the year reaches
    the towns and over a note on the rural share; then each project's rural share against its
    quota and its seats short of fair shares."""
    towns = summaries.town_summary(instance, solution)
    columns = list(towns.columns)
    head = "".join(f"<th>{escape_html(word(column, lang))}</th>" for column in columns)
    body: list[str] = []
    for index, record in enumerate(towns.to_dict("records")):
        total = index >= len(instance.towns)  # 农村合计, 合计
        cells = [_town_cell(column, record[column], total, lang) for column in columns]
        body.append(f'<tr{" class=total" if total else ""}>{"".join(cells)}</tr>')
    coverage = "".join(f"<p><b>{escape_html(note)}</b></p>"
                       for note in summaries.coverage_notes(instance, towns, lang))
    rural = summaries.rural_note(instance, towns, lang)

    projects = summaries.project_rural(instance, solution)
    all_teachers = f'<td class="num">{escape_html(word("全员（不设）", lang))}</td>'
    project_rows = []
    for record in projects.to_dict("records"):
        required, short = _not_na(record["农村名额要求"]), _not_na(record["公平名额缺口"])
        project_rows.append(
            f"<tr><td>{escape_html(record['培训项目名称'])}</td>"
            f'<td class="num">{number_text(record["参训人数"])}</td>'
            f'<td class="num">{number_text(record["农村学员"])}</td>'
            f"<td>{_meter(record['农村占比'], required)}</td>"
            + (f'<td class="num">{required:.0%}</td>' if required is not None else all_teachers)
            + (_shortfall_cell(short) if short is not None else all_teachers) + "</tr>"
        )
    project_head = "".join(f"<th>{escape_html(word(column, lang))}</th>"
                           for column in projects.columns)
    return "\n".join([
        f'<h2>{escape_html(word("各乡镇参训名额与公平名额", lang))}</h2>',
        coverage,
        f'<table class="towns"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
        "</tbody></table>",
        f'<p class="note">{escape_html(rural)}</p>' if rural else "",
        f'<h3>{escape_html(word("各项目农村学员与公平名额", lang))}</h3>',
        f'<table class="rural"><thead><tr>{project_head}</tr></thead>'
        f'<tbody>{"".join(project_rows)}</tbody></table>',
    ])


def _areas(instance: Instance, solution: Solution, lang: str) -> str:
    """The towns by area (`summaries.area_summary`), where the towns name areas; else nothing."""
    table = summaries.area_summary(instance, solution)
    if table is None:
        return ""
    head = "".join(f"<th>{escape_html(word(column, lang))}</th>" for column in table.columns)
    body = "".join(
        "<tr>" + f"<td>{escape_html(record['片区'])}</td>" + "".join(
            f'<td class="num">{number_text(record[column])}</td>'
            for column in table.columns[1:]) + "</tr>"
        for record in table.to_dict("records"))
    return (f'<h2>{escape_html(word("各片区", lang))}</h2>\n'
            f'<table class="areas"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


def _hours(instance: Instance, solution: Solution, lang: str) -> str:
    """The 学时 this plan offers each town's teachers of each audience against the
    requirement, under the sentence naming the lowest and the highest; a town-audience below
    the requirement is marked as a shortfall is."""
    table = summaries.hours_table(instance, solution)
    head = "".join(f"<th>{escape_html(word(column, lang))}</th>" for column in table.columns)
    body = []
    for record in table.to_dict("records"):
        required = _not_na(record["学时要求"])
        below = required is not None and record["本计划提供学时（人均）"] < required
        cells = [f"<td>{escape_html(record['乡镇'])}</td>",
                 f"<td>{escape_html(record['培训对象'])}</td>",
                 *(f'<td class="num">{number_text(record[column])}</td>'
                   for column in ("教师数", "本计划提供学时（人均）")),
                 f'<td class="num">{number_text(required) if required is not None else ""}'
                 "</td>",
                 f'<td class="num warn">{number_text(record["缺口（人·学时）"])}</td>' if below
                 else '<td class="num"></td>']
        body.append(f"<tr>{''.join(cells)}</tr>")
    note = summaries.hours_note(instance, solution, lang)
    return "\n".join([
        f'<h2>{escape_html(word("各乡镇学段本计划提供的学时", lang))}</h2>',
        f"<p><b>{escape_html(note)}</b></p>" if note else "",
        f'<table class="hours"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
        "</tbody></table>",
    ])


def _not_na(value: object) -> float | None:
    """A number of a table cell, None where pandas left it empty."""
    return float(value) if isinstance(value, Real) and not pd.isna(value) else None


def _town_cell(column: str, value: object, total: bool, lang: str) -> str:
    """One cell of the towns' table: the name as it is (a total row's translated), the kind
    translated, the share of all seats as a bar, seats per teacher to two places, the seats
    short of fair share marked when there are any, other numbers as whole numbers."""
    number = _not_na(value) if column not in ("乡镇", "类型") else None
    if column == "乡镇":
        return f"<td>{escape_html(word(str(value), lang) if total else value)}</td>"
    if column == "类型":
        return f'<td class="c">{escape_html(word(str(value), lang))}</td>'
    if number is None:
        return "<td></td>"
    if column == "占全部名额":
        return f"<td>{_meter(number, None)}</td>"
    if column in summaries.PER_TEACHER:
        return f'<td class="num">{number:.2f}</td>'
    if column == "公平名额缺口":
        return _shortfall_cell(number)
    return f'<td class="num">{int(number):,}</td>'


def _shortfall_cell(seats: float) -> str:
    """Seats short of fair share: marked when there are any, as a planner looks for them."""
    return f'<td class="num{" warn" if seats else ""}">{int(seats):,}</td>'


def _meter(share: float, quota: float | None) -> str:
    """A bar of `share` (0–1) with its percentage; with a quota, a red mark at the quota and
    the bar green when the share reaches it, orange when it falls short."""
    state = "ok" if quota is None or share + 1e-9 >= quota else "short"
    mark = f'<i style="left:{quota:.1%}"></i>' if quota is not None else ""
    return (f'<div style="display:flex;gap:8px;align-items:center">'
            f'<div class="meter {state}" style="flex:1"><span style="width:{share:.1%}"></span>'
            f"{mark}</div><span>{share:.1%}</span></div>")
