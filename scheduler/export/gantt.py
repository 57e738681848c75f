"""The year at a glance: a Gantt chart of every session-phase, one row per scheduled project.

`draw_plan` draws one plan onto a matplotlib `Axes`; `write_gantt` puts one plan in a figure,
and the comparison of scenarios (`compare_files`) stacks one plan per alternative.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import sys
import textwrap
import warnings
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import matplotlib
import matplotlib.dates as mdates
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, NullFormatter
from matplotlib.transforms import ScaledTranslation

import scheduler.export.fonts as fonts
from models.instance import Instance, Mode, Project
from models.solution import SessionPhase, Solution, write_bytes_atomically
from scheduler.core.calendar import provisional_holidays
from scheduler.export.plan_table import classes
from scheduler.export.wording import PROVISIONAL

NO_FONT_MESSAGE = (
    "No Chinese font found (not even the one shipped with schedule): labelling the Gantt chart "
    "with project ids. Reinstall schedule, or install a CJK font, e.g. apt-get install "
    "fonts-noto-cjk."
)
# Okabe–Ito colours: told apart by colour-blind readers and in a greyscale print.
MODE_COLOURS = {
    Mode.OFFLINE: "#0072B2",
    Mode.BLENDED: "#E69F00",
    Mode.ONLINE: "#009E73",
    Mode.OFFSITE: "#CC79A7",
}
# Not strftime("%b"): that follows the locale, and a Chinese one gives back "4月".
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec")
HOLIDAY_COLOUR = "#FCEFC7"
STRIPE_COLOUR = "#F3F5F8"
GRID_COLOUR = "#C8CDD3"
HIGHLIGHT_COLOUR = "#D00000"  # frames the session-phases to look at, over any mode's colour
HIGHLIGHT_WIDTH = 2.0

DPI = 150
WIDTH_INCHES = 13.0
ROW_INCHES = 0.3
FRAME_INCHES = 1.5  # title, legend, month labels and margins
FOOTNOTE_LINE_INCHES = 0.22
FOOTNOTE_WRAP = 90  # characters a footnote line holds at this width (a hanzi counts as one)
LONGEST_NAME = 24  # characters of a project name shown before it is cut with "…"
HEADER_TOP = -1.2  # y of the top of the holiday-name strip, in rows
BAR_SHARE = 0.78  # of a row's height covered by its bars; the rest keeps rows apart
LANE_GAP = 0.08  # of a row's height between two lanes of bars
# A class of a day or two is a hairline on a year's axis: every bar is drawn at least this many
# days wide (the date label says how long it really is). The HTML report draws the same.
MIN_BAR_DAYS = 2
LABEL_POINTS = 7.0  # the class dates by a bar; smaller in a row of several lanes
SMALLEST_LABEL_POINTS = 5.0  # a lane too thin for this gets no date labels
LABEL_PAD_POINTS = 2.0  # between a bar and its label
LINE_HEIGHT = 1.2  # a label's height, in its font size: it must fit its lane
MONTHS_ON_TOP_AFTER = 25  # rows; a taller chart repeats the month names above its rows
MONTHS_ON_TOP_INCHES = 0.22  # the legend's lift over month names repeated above the rows

PhaseKey = tuple[str, int, int]  # (project, session, phase)


@dataclass(frozen=True)
class Wording:
    """Every word the chart shows, in Chinese, or in English when no Chinese font exists."""

    chinese: bool

    def mode(self, mode: Mode) -> str:
        if self.chinese:
            return {Mode.OFFLINE: "线下集中", Mode.BLENDED: "混合式", Mode.ONLINE: "线上研修",
                    Mode.OFFSITE: "外出研修"}[mode]
        return {Mode.OFFLINE: "Offline", Mode.BLENDED: "Blended", Mode.ONLINE: "Online",
                Mode.OFFSITE: "Off-site"}[mode]

    def month(self, month: int) -> str:
        return f"{month}月" if self.chinese else ENGLISH_MONTHS[month - 1]

    def project(self, project: Project) -> str:
        if not self.chinese:
            return project.id
        if len(project.name) > LONGEST_NAME:
            return project.name[: LONGEST_NAME - 1] + "…"
        return project.name

    def title(self, instance: Instance) -> str:
        return self.drawable(instance.name, f"Training plan {instance.year}")

    def provisional(self, year: int) -> str:
        """The note of a plan on provisional holidays; English where no font draws Chinese."""
        if self.chinese:
            return PROVISIONAL["zh"].format(year=year)
        return (f"Provisional: the {year} public holidays are computed by their rules; "
                "make-up working days not yet published")

    def holiday(self, name: str) -> str:
        return self.drawable(name, "Holiday")

    def drawable(self, text: str, fallback: str) -> str:
        """`text` as it is when the chart's font draws it, else `fallback`."""
        return text if self.chinese or _drawable_without_cjk(text) else fallback

    @property
    def holidays(self) -> str:
        return "假期" if self.chinese else "School holiday"

    def dropped(self, projects: list[Project]) -> str:
        if self.chinese:
            return f"未安排的项目（{len(projects)}）：" + "、".join(p.name for p in projects)
        return f"Not scheduled ({len(projects)}): " + ", ".join(p.id for p in projects)

    @property
    def nothing_scheduled(self) -> str:
        return "没有安排任何项目" if self.chinese else "No project is scheduled"

    def dates(self, start: dt.date, end: dt.date) -> str:
        """A class's dates as short as they read: 4/7-8, 4/29-5/2, 5/11 (Apr 7-8 in English)."""
        def day(date: dt.date) -> str:
            return (f"{date.month}/{date.day}" if self.chinese
                    else f"{ENGLISH_MONTHS[date.month - 1]} {date.day}")
        if start == end:
            return day(start)
        return f"{day(start)}-{end.day if end.month == start.month else day(end)}"


def write_gantt(instance: Instance, solution: Solution, path: Path) -> None:
    """Draw the solution as a PNG Gantt chart: projects top to bottom in instance order, a bar
    per session-phase coloured by mode (at least MIN_BAR_DAYS wide, its dates by it where there
    is room), holiday windows shaded, dropped projects in a footnote."""
    family = chart_font()
    with chart_style(family):
        data = png_bytes(_draw(instance, solution, Wording(chinese=family is not None)))
    write_bytes_atomically(Path(path), data)


def chart_font() -> str | None:
    """The CJK font family the charts use; None (and a warning on stderr) when there is none."""
    family = fonts.find_cjk_font()
    if family is None:
        warn_without_chinese_font()
    return family


@functools.cache
def warn_without_chinese_font() -> None:
    """Say on stderr, once a run, that the charts are labelled with ids: the command line says it
    before its summary, where it is read, and every chart drawn after that stays silent. Flushed,
    as click flushes stdout: else a buffered stderr shows it after all the command printed."""
    print(NO_FONT_MESSAGE, file=sys.stderr, flush=True)


@contextmanager
def chart_style(family: str | None) -> Iterator[None]:
    """Fonts for this chart only: the caller's matplotlib settings are left as they were."""
    with matplotlib.rc_context(), warnings.catch_warnings():
        matplotlib.rcParams.update({"axes.unicode_minus": False, "font.size": 9})
        if family is not None:
            # A list of families, not one: each character is drawn in the first that has it.
            matplotlib.rcParams["font.family"] = fonts.chart_families(family)
        else:
            # Every label is drawable already; this keeps a stray glyph from flooding stderr.
            warnings.filterwarnings("ignore", message=r"Glyph .* missing from")
        yield


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG at the charts' resolution."""
    buffer = io.BytesIO()
    # No "Software" stamp: the same solution gives the same bytes whatever matplotlib wrote it.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def scheduled_projects(instance: Instance, solution: Solution) -> list[Project]:
    """The projects with a session in the solution, in instance order."""
    scheduled = {row.project for row in solution.sessions}
    return [project for project in instance.projects if project.id in scheduled]


def panel_inches(rows: int) -> float:
    """Height of a plan's axes: its rows and the holiday-name strip above them."""
    return ROW_INCHES * (max(rows, 1) - HEADER_TOP - 0.5)


def _draw(instance: Instance, solution: Solution, wording: Wording) -> Figure:
    rows = scheduled_projects(instance, solution)
    dropped = [project for project in instance.projects if project.id in solution.dropped]
    footnote = (
        textwrap.wrap(wording.dropped(dropped), FOOTNOTE_WRAP, break_on_hyphens=False)
        if dropped else []
    )
    if provisional_holidays(instance) is not None:
        footnote.insert(0, wording.provisional(instance.year))

    height = FRAME_INCHES + panel_inches(len(rows)) + FOOTNOTE_LINE_INCHES * len(footnote)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    months_on_top = len(rows) > MONTHS_ON_TOP_AFTER
    labels = draw_plan(axes, instance, solution, rows, wording, months_on_top=months_on_top)
    figure.suptitle(wording.title(instance), fontsize=14, fontweight="bold")
    handles = legend_handles(wording)
    # A legend of the axes, above them, so that the constrained layout stacks it under the
    # title; raised over the month names when those are repeated at the top.
    legend_lift = MONTHS_ON_TOP_INCHES if months_on_top else 0.0
    axes.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                bbox_transform=axes.transAxes + ScaledTranslation(
                    0, legend_lift, figure.dpi_scale_trans),
                ncols=len(handles), frameon=False, fontsize=9, handlelength=1.4,
                columnspacing=1.6, borderaxespad=0.3)
    if footnote:
        # supxlabel, not plain text, so that the constrained layout leaves room for it.
        figure.supxlabel("\n".join(footnote), x=0.01, ha="left", fontsize=8.5,
                         color="#444444", linespacing=1.5)
    place_date_labels(figure, labels)
    return figure


def draw_plan(axes: Axes, instance: Instance, solution: Solution, rows: list[Project],
              wording: Wording, *, months_on_top: bool = False,
              outlined: Collection[PhaseKey] = ()) -> list[DateLabel]:
    """Draw the plan onto `axes`: one row per project of `rows`, top to bottom (a project
    without sessions leaves its row empty), a bar per session-phase coloured by mode, the
    session-phases in `outlined` framed in the highlight colour, holiday windows shaded and
    the months of the year along the x axis. Returns the bars' date labels, for
    `place_date_labels` once the figure is complete."""
    grouped = classes(solution)
    year_start = dt.date(instance.year, 1, 1)
    year_end = dt.date(instance.year + 1, 1, 1)
    axes.set_xlim(mdates.date2num(year_start), mdates.date2num(year_end))
    # Row i sits at y = i; a strip above the first row holds the holiday names.
    axes.set_ylim(max(len(rows), 1) - 0.5, HEADER_TOP)

    for index in range(1, len(rows), 2):
        axes.axhspan(index - 0.5, index + 0.5, color=STRIPE_COLOUR, zorder=0, linewidth=0)
    _shade_holidays(axes, instance, wording, year_start, year_end)
    labels = []
    for index, project in enumerate(rows):
        sessions = {key: phases for key, phases in grouped.items() if key[0] == project.id}
        labels += _draw_row(axes, index, project, sessions, year_end, wording, outlined)
    if not rows:
        axes.text(0.5, 0.5, wording.nothing_scheduled, transform=axes.transAxes,
                  ha="center", va="center", color="#666666", fontsize=12)

    _month_axis(axes, wording, months_on_top)
    axes.set_yticks(range(len(rows)), [wording.project(project) for project in rows])
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return labels


def legend_handles(wording: Wording) -> list[Patch]:
    """A patch per mode, then the holiday shading."""
    handles = [Patch(color=MODE_COLOURS[mode], label=wording.mode(mode)) for mode in Mode]
    handles.append(Patch(facecolor=HOLIDAY_COLOUR, edgecolor="#E0C98A",
                         label=wording.holidays))
    return handles


@dataclass(frozen=True)
class Bar:
    """One session-phase's bar in its project's row, placed alike by the PNG and the HTML chart."""

    phase: SessionPhase
    lane: int
    lanes: int  # in its row
    end: dt.date  # the day after its last drawn day: at least MIN_BAR_DAYS after its start
    room_until: dt.date  # where its date label must end: the next bar of its lane, or year's end

    @property
    def key(self) -> PhaseKey:
        return self.phase.project, self.phase.session, self.phase.phase


@dataclass(frozen=True)
class DateLabel:
    """A bar's date label, hidden until `place_date_labels` finds it room; the bar and the room
    in data coordinates (days on x, rows on y)."""

    axes: Axes
    text: Text
    left: float
    right: float
    top: float
    height: float
    room_until: float


def row_bars(sessions: dict[tuple[str, int], list[SessionPhase]], year_end: dt.date) -> list[Bar]:
    """The bars of one project's row: classes whose drawn bars would share a day get lanes of
    their own, so two classes on the same dates show as two bars."""
    lanes = _lanes(sessions)
    lane_count = max(lanes.values(), default=0) + 1
    drawn = [(phase, lanes[key]) for key, phases in sorted(sessions.items()) for phase in phases]
    bars = []
    for phase, lane in drawn:
        end = drawn_end(phase)
        room_until = min((other.start for other, other_lane in drawn
                          if other_lane == lane and other.start >= end), default=year_end)
        bars.append(Bar(phase, lane, lane_count, end, room_until))
    return bars


def drawn_end(phase: SessionPhase) -> dt.date:
    """The day after a phase's bar ends: a phase shorter than MIN_BAR_DAYS is drawn that long."""
    return phase.start + dt.timedelta(days=max(phase.days, MIN_BAR_DAYS))


def lane_band(lane: int, lanes: int) -> tuple[float, float]:
    """The top of a lane below the top of its row's bars, and its height, in rows: the lanes
    share BAR_SHARE of the row with a gap between them, so that they read as separate bars and
    not as one bar split in two."""
    height = (BAR_SHARE - LANE_GAP * (lanes - 1)) / lanes
    return lane * (height + LANE_GAP), height


def _lanes(sessions: dict[tuple[str, int], list[SessionPhase]]) -> dict[tuple[str, int], int]:
    """Give each session the lowest lane none of whose sessions' bars shares a drawn day with
    its own (a short class is drawn MIN_BAR_DAYS long)."""
    lanes: dict[tuple[str, int], int] = {}
    taken: list[list[tuple[dt.date, dt.date]]] = []
    for key in sorted(sessions, key=lambda k: (sessions[k][0].start, k[1])):
        spans = [(phase.start, drawn_end(phase) - dt.timedelta(days=1))
                 for phase in sessions[key]]
        lane = next(
            (index for index, occupied in enumerate(taken)
             if not any(s <= e2 and s2 <= e for s, e in spans for s2, e2 in occupied)),
            len(taken),
        )
        if lane == len(taken):
            taken.append([])
        taken[lane] += spans
        lanes[key] = lane
    return lanes


def label_place(bar_width: float, room: float, label_width: float,
                pad: float) -> Literal["inside", "right"] | None:
    """Where a bar's date label goes: inside the bar when it fits there with `pad` on each side,
    else right of it when it ends `pad` before the room runs out (from the bar's end to the next
    bar of its lane or the year's end), else nowhere."""
    if label_width + 2 * pad <= bar_width:
        return "inside"
    if label_width + 2 * pad <= room:
        return "right"
    return None


def _draw_row(axes: Axes, row: int, project: Project,
              sessions: dict[tuple[str, int], list[SessionPhase]], year_end: dt.date,
              wording: Wording, outlined: Collection[PhaseKey]) -> list[DateLabel]:
    """The project's session-phases on its row, a white outline keeping back-to-back classes
    apart and the phases in `outlined` framed in the highlight colour; each bar with its date
    label, not yet placed."""
    labels = []
    pad = ScaledTranslation(LABEL_PAD_POINTS / 72, 0, axes.figure.dpi_scale_trans)
    for bar in row_bars(sessions, year_end):
        offset, height = lane_band(bar.lane, bar.lanes)
        top = row - BAR_SHARE / 2 + offset
        left = float(mdates.date2num(bar.phase.start))
        width = (bar.end - bar.phase.start).days
        axes.broken_barh([(left, width)], (top, height), facecolors=MODE_COLOURS[project.mode],
                         edgecolor="white", linewidth=0.7, zorder=3)
        if bar.key in outlined:
            axes.broken_barh([(left, width)], (top, height), facecolors="none",
                             edgecolor=HIGHLIGHT_COLOUR, linewidth=HIGHLIGHT_WIDTH, zorder=4)
        text = axes.text(left + width, top + height / 2,
                         wording.dates(bar.phase.start, bar.phase.end), ha="left",
                         va="center", color="#333333", visible=False, zorder=5, clip_on=True,
                         transform=axes.transData + pad)
        text.set_in_layout(False)
        labels.append(DateLabel(axes, text, left, left + width, top, height,
                                float(mdates.date2num(bar.room_until))))
    return labels


def place_date_labels(figure: Figure, labels: list[DateLabel]) -> None:
    """Show each date label inside its bar where it fits, else just right of it where it ends
    before the next bar of its lane; a label with no room stays hidden. The room is measured
    on the laid-out figure, so this comes after everything else is drawn."""
    figure.draw_without_rendering()
    pad = LABEL_PAD_POINTS * figure.dpi / 72
    for label in labels:
        to_pixels = label.axes.transData.transform
        (left, top), (right, bottom) = to_pixels([(label.left, label.top),
                                                  (label.right, label.top + label.height)])
        size = min(LABEL_POINTS, abs(bottom - top) * 72 / figure.dpi / LINE_HEIGHT)
        if size < SMALLEST_LABEL_POINTS:
            continue
        label.text.set_fontsize(size)
        label.text.set_visible(True)
        width = label.text.get_window_extent().width
        room = to_pixels([(label.room_until, 0)])[0][0] - right
        place = label_place(right - left, room, width, pad)
        if place == "inside":
            label.text.set(x=(label.left + label.right) / 2, ha="center", color="white",
                           transform=label.axes.transData)
        label.text.set_visible(place is not None)


def _shade_holidays(axes: Axes, instance: Instance, wording: Wording,
                    year_start: dt.date, year_end: dt.date) -> None:
    for window in instance.calendar.holiday_windows:
        start = max(window.start, year_start)
        end = min(window.end + dt.timedelta(days=1), year_end)
        if start >= end:
            continue
        axes.axvspan(mdates.date2num(start), mdates.date2num(end), color=HOLIDAY_COLOUR,
                     zorder=1, linewidth=0)
        middle = mdates.date2num(start) + (end - start).days / 2
        axes.text(middle, (HEADER_TOP - 0.5) / 2, wording.holiday(window.name), ha="center",
                  va="center", fontsize=8.5, color="#8A6D1F", zorder=4, clip_on=True)


def _month_axis(axes: Axes, wording: Wording, on_top: bool) -> None:
    """Grid lines at the first of each month, the month names centred between them, below the
    rows and, for a tall chart, above them too."""
    axes.xaxis.set_major_locator(mdates.MonthLocator())
    axes.xaxis.set_major_formatter(NullFormatter())
    axes.xaxis.set_minor_locator(mdates.MonthLocator(bymonthday=16))
    axes.xaxis.set_minor_formatter(
        FuncFormatter(lambda value, _: wording.month(mdates.num2date(value).month))
    )
    axes.tick_params(axis="x", which="minor", length=0, labelsize=9, labeltop=on_top)
    axes.tick_params(axis="x", which="major", length=4)
    # Grid lines stay under the bars and over the holiday shading (rcParams axes.axisbelow
    # "line" puts them at zorder 1.5, between the two).
    axes.set_axisbelow("line")
    axes.grid(axis="x", which="major", color=GRID_COLOUR, linewidth=0.6)


def _drawable_without_cjk(text: str) -> bool:
    """Whether matplotlib's own font (DejaVu Sans) has a glyph for every character."""
    charmap = font_manager.get_font(font_manager.findfont("DejaVu Sans")).get_charmap()
    return all(ord(character) in charmap for character in text if not character.isspace())
