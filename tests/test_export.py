"""The plan table (CSV) and the Gantt chart, on a tiny hand-written instance and solution."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib import image as mpimg
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from models import Instance, Solution, load_instance, parse_instance
from scheduler.cli import main
from scheduler.export import fonts, gantt, plan_table, write_gantt, write_plan_csv
from scheduler.export.plan_table import COLUMNS
from tests.helpers import ROOT, tiny_instance, tiny_solution


@pytest.fixture
def instance() -> Instance:
    return parse_instance(tiny_instance())


@pytest.fixture
def solution() -> Solution:
    return tiny_solution()


# The plan table.

def test_table_has_the_official_columns_and_one_row_per_session(instance, solution):
    table = plan_table(instance, solution)
    assert list(table.columns) == COLUMNS
    assert len(table) == 4  # five session-phases, four sessions


def test_table_is_sorted_by_first_start_then_project_order(instance, solution):
    table = plan_table(instance, solution)
    assert table["序号"].tolist() == [1, 2, 3, 4]
    assert table["培训项目名称"].tolist() == [
        "新教师岗前培训", "骨干教师培训（第1班）", "骨干教师培训（第2班）", "师德师风全员培训",
    ]
    assert table["月份"].tolist() == ["3月", "4月", "4月", "4月"]


def test_table_row_of_a_staged_session(instance, solution):
    staged = plan_table(instance, solution).iloc[0].to_dict()
    assert staged == {
        "序号": 1,
        "月份": "3月",
        "培训项目名称": "新教师岗前培训",
        "培训对象": "小学教师",
        "培训方式": "混合式（线上+线下）",
        "参训人数": 20,  # the cohort, not counted once per phase
        "培训时间": "3月4日—3月6日；7月8日—7月10日",
        "培训地点": "区教师进修学校；乡镇中心校",
        "授课专家": "王老师、张老师",  # in order of first appearance
    }


def test_table_rows_of_classes_and_of_an_online_day(instance, solution):
    table = plan_table(instance, solution)
    first_class, online = table.iloc[1], table.iloc[3]
    assert first_class["培训对象"] == "小学教师、初中教师"
    assert first_class["培训方式"] == "线下集中"
    assert first_class["授课专家"] == "王老师、李老师"
    assert first_class["培训地点"] == "区教师进修学校"
    assert online["培训方式"] == "线上研修"
    assert online["培训时间"] == "4月15日"
    assert online["培训地点"] == "线上"
    assert online["参训人数"] == 270
    assert online["授课专家"] == "—"


def test_offsite_place_and_empty_solution(instance):
    offsite = Solution.model_validate({
        "instance": "x", "status": "FEASIBLE",
        "sessions": [{"project": "p4", "session": 1, "phase": 1, "start": "2024-10-14",
                      "end": "2024-10-18", "seats": {"city": 10}}],
    })
    assert plan_table(instance, offsite)["培训地点"].tolist() == ["外出（区外）"]
    empty = plan_table(instance, Solution(instance="x", status="INFEASIBLE"))
    assert list(empty.columns) == COLUMNS and empty.empty


def test_csv_has_a_byte_order_mark_and_reads_back(instance, solution, tmp_path):
    path = tmp_path / "out" / "plan.csv"
    write_plan_csv(instance, solution, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(
        pd.read_csv(path, encoding="utf-8-sig"), plan_table(instance, solution)
    )
    assert [p.name for p in path.parent.iterdir()] == ["plan.csv"]  # no temporary file left


# The Gantt chart.

def _drawn(monkeypatch) -> list[Figure]:
    """Keep the figures write_gantt draws, to read their labels."""
    figures: list[Figure] = []
    draw = gantt._draw

    def keep(*args: Any) -> Figure:
        figures.append(draw(*args))
        return figures[-1]

    monkeypatch.setattr(gantt, "_draw", keep)
    return figures


def _has_colour(pixels: np.ndarray, colour: str) -> bool:
    target = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return bool((np.abs(pixels[..., :3] - target).max(axis=-1) < 0.02).any())


def _png(path: Path) -> np.ndarray:
    assert path.read_bytes().startswith(b"\x89PNG")
    return mpimg.imread(path)


def test_gantt_png_is_drawn(instance, solution, tmp_path, monkeypatch):
    if fonts.find_cjk_font() is None:
        pytest.skip("no Chinese font on this machine")
    figures = _drawn(monkeypatch)
    path = tmp_path / "gantt.png"
    write_gantt(instance, solution, path)
    pixels = _png(path)
    height, width = pixels.shape[:2]
    assert width == 1950 and 300 <= height <= 800
    for mode in ("offline", "blended", "online"):
        assert _has_colour(pixels, gantt.MODE_COLOURS[gantt.Mode(mode)]), mode
    assert _has_colour(pixels, gantt.HOLIDAY_COLOUR)
    axes = figures[0].axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == [
        "骨干教师培训", "新教师岗前培训", "师德师风全员培训",
    ]
    texts = [text.get_text() for text in figures[0].findobj(Text)]
    assert "示例区2024年教师培训计划" in texts
    assert any("校长外出研修" in text for text in texts)  # the dropped project
    assert {"1月", "12月", "暑假", "线下集中", "外出研修"} <= set(texts)


def test_gantt_without_a_chinese_font_uses_ids(instance, solution, tmp_path, monkeypatch,
                                               capsys, without_chinese_font):
    figures = _drawn(monkeypatch)
    path = tmp_path / "gantt.png"
    write_gantt(instance, solution, path)
    assert capsys.readouterr().err == gantt.NO_FONT_MESSAGE + "\n"
    assert _has_colour(_png(path), gantt.MODE_COLOURS[gantt.Mode.OFFLINE])
    axes = figures[0].axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["p1", "p2", "p3"]
    texts = [text.get_text() for text in figures[0].findobj(Text)]
    assert all(gantt._drawable_without_cjk(text) for text in texts)  # no empty boxes
    assert {"Jan", "Dec", "Offline", "Not scheduled (1): p4"} <= set(texts)


def test_gantt_of_a_solution_without_sessions(instance, tmp_path):
    path = tmp_path / "gantt.png"
    write_gantt(instance, Solution(instance="x", status="INFEASIBLE"), path)
    assert _png(path).shape[1] > 1000


def test_lanes_keep_overlapping_classes_apart():
    def phase(session: int, start: str, end: str) -> Any:
        return Solution.model_validate({
            "instance": "x", "status": "FEASIBLE",
            "sessions": [{"project": "p", "session": session, "phase": 1, "start": start,
                          "end": end}],
        }).sessions[0]

    sessions = {
        ("p", 1): [phase(1, "2024-04-08", "2024-04-10")],
        ("p", 2): [phase(2, "2024-04-09", "2024-04-11")],  # overlaps 1
        ("p", 3): [phase(3, "2024-04-11", "2024-04-12")],  # back to back with 1, overlaps 2
    }
    assert gantt._lanes(sessions) == {("p", 1): 0, ("p", 2): 1, ("p", 3): 0}


def test_a_short_class_takes_a_lane_of_its_own_as_long_as_its_bar_is_drawn():
    def phase(session: int, day: str) -> Any:
        return Solution.model_validate({
            "instance": "x", "status": "FEASIBLE",
            "sessions": [{"project": "p", "session": session, "phase": 1, "start": day,
                          "end": day}],
        }).sessions[0]

    assert gantt.MIN_BAR_DAYS == 2
    # One-day classes on the 8th and 9th: the first bar is drawn over the 9th too.
    sessions = {("p", 1): [phase(1, "2024-04-08")], ("p", 2): [phase(2, "2024-04-09")],
                ("p", 3): [phase(3, "2024-04-10")]}
    assert gantt._lanes(sessions) == {("p", 1): 0, ("p", 2): 1, ("p", 3): 0}


@pytest.mark.parametrize(("bar", "room", "label", "place"), [
    (60, 0, 40, "inside"),  # 40 + 2 × 8 fits a bar 60 wide
    (50, 100, 40, "right"),
    (50, 56, 40, "right"),  # ends a pad before the next bar
    (50, 55, 40, None),
    (0, 0, 1, None),
])
def test_a_date_label_goes_inside_its_bar_else_right_of_it_else_nowhere(bar, room, label, place):
    assert gantt.label_place(bar, room, label, pad=8) == place


@pytest.mark.parametrize(("start", "end", "chinese", "english"), [
    ("2024-04-07", "2024-04-08", "4/7-8", "Apr 7-8"),
    ("2024-04-29", "2024-05-02", "4/29-5/2", "Apr 29-May 2"),
    ("2024-05-11", "2024-05-11", "5/11", "May 11"),
])
def test_class_dates_read_short(start, end, chinese, english):
    days = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    assert gantt.Wording(chinese=True).dates(*days) == chinese
    assert gantt.Wording(chinese=False).dates(*days) == english


@pytest.fixture
def chart_2024(tmp_path, monkeypatch) -> Figure:
    """The Gantt chart of the 2024 plan, as write_gantt drew and saved it."""
    figures = _drawn(monkeypatch)
    plan = Solution.model_validate_json(
        (ROOT / "tests" / "data" / "2024-solution.json").read_text(encoding="utf-8"))
    write_gantt(load_instance(ROOT / "instances" / "2024.json"), plan, tmp_path / "gantt.png")
    return figures[0]


def _bar_boxes(axes: Axes) -> list[Bbox]:
    """The bars of the chart in pixels: the collections filled in a mode's colour."""
    colours = [to_rgba(colour) for colour in gantt.MODE_COLOURS.values()]
    corners = [axes.transData.transform(collection.get_paths()[0].vertices)
               for collection in axes.collections
               if isinstance(collection, PolyCollection)
               and any(np.allclose(collection.get_facecolor()[0], colour) for colour in colours)]
    return [Bbox.from_extents(*points.min(axis=0), *points.max(axis=0)) for points in corners]


def test_every_bar_is_visible_and_two_classes_on_the_same_dates_are_two_bars(chart_2024):
    axes = chart_2024.axes[0]
    bars = _bar_boxes(axes)
    assert len(bars) == 26  # one per session-phase
    pixels_a_day = axes.bbox.width / 366
    least = min(bar.width for bar in bars)  # p05's one day
    assert least >= gantt.MIN_BAR_DAYS * pixels_a_day - 0.01
    assert least * gantt.DPI / chart_2024.dpi > 8  # pixels of the PNG, saved at gantt.DPI
    # p13 holds its two classes on 4-5 November: one above the other, a gap between them.
    day = mdates.date2num(dt.date(2024, 11, 4))
    both = sorted((bar for bar in bars if abs(axes.transData.inverted().transform(
        (bar.x0, bar.y0))[0] - day) < 0.01), key=lambda bar: bar.y0)
    assert len(both) == 2 and both[0].x0 == both[1].x0 and both[0].width == both[1].width
    assert (both[1].y0 - both[0].y1) * gantt.DPI / chart_2024.dpi >= 3  # white between


def test_bars_are_labelled_with_their_dates_where_there_is_room(chart_2024):
    axes = chart_2024.axes[0]
    labels = [text for text in axes.texts
              if text.get_visible() and re.fullmatch(r"\d+/\d+(-[\d/]+)?|\w{3} \d+(-.+)?",
                                                      text.get_text())]
    words = [text.get_text() for text in labels]
    if fonts.find_cjk_font() is not None:
        # 5/6 is p05's one day; 4/7-8, p02's first class, has no room before its second.
        assert {"3/4-5", "5/6", "8/5-9", "10/8-12"} <= set(words) and "4/7-8" not in words
        assert words.count("11/4-5") == 2
    boxes = [text.get_window_extent() for text in labels]
    bars = _bar_boxes(axes)
    for index, box in enumerate(boxes):
        assert axes.bbox.contains(box.x0, box.y0) and axes.bbox.contains(box.x1, box.y1)
        assert not any(box.overlaps(bar) for bar in bars), words[index]
        assert not any(box.overlaps(other) for other in boxes[index + 1:]), words[index]
        # Just right of its bar: a bar ends within a few pixels of the label's left.
        assert any(0 < box.x0 - bar.x1 < 6 and bar.y0 <= (box.y0 + box.y1) / 2 <= bar.y1
                   for bar in bars), words[index]


def test_a_long_class_has_its_dates_inside_its_bar(instance, solution, tmp_path, monkeypatch):
    figures = _drawn(monkeypatch)
    rows = [row.model_copy(update={"end": dt.date(2024, 7, 31)})
            if (row.project, row.phase) == ("p2", 2) else row for row in solution.sessions]
    write_gantt(instance, solution.model_copy(update={"sessions": rows}), tmp_path / "g.png")
    axes = figures[0].axes[0]
    [label] = [text for text in axes.texts if text.get_text() in ("7/8-31", "Jul 8-31")]
    box, bar = label.get_window_extent(), max(_bar_boxes(axes), key=lambda bar: bar.width)
    assert label.get_visible() and label.get_color() == "white"
    assert bar.x0 < box.x0 < box.x1 < bar.x1 and bar.y0 < (box.y0 + box.y1) / 2 < bar.y1


def test_font_discovery_names_a_family_matplotlib_knows():
    family = fonts.find_cjk_font()
    if family is None:
        pytest.skip("no Chinese font on this machine")
    from matplotlib import font_manager

    assert family in {entry.name for entry in font_manager.fontManager.ttflist}
    assert fonts.find_cjk_font() is fonts.find_cjk_font()  # cached


def test_font_discovery_scans_font_files_missing_from_matplotlibs_cache(monkeypatch):
    """A font installed after matplotlib built its font cache is found by its file name."""
    from matplotlib import font_manager

    if fonts.find_cjk_font() in (None, fonts.SHIPPED_FAMILY):
        pytest.skip("no Chinese font installed on this machine (only the shipped one)")
    known = font_manager.fontManager.ttflist
    without_cjk = [entry for entry in known if fonts._best_family([entry.name]) is None]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", without_cjk)
    fonts.find_cjk_font.cache_clear()
    try:
        family = fonts.find_cjk_font()
        assert family is not None and family != fonts.SHIPPED_FAMILY
        assert family in {entry.name for entry in font_manager.fontManager.ttflist}
    finally:
        fonts.find_cjk_font.cache_clear()


@pytest.fixture
def without_installed_cjk_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh machine: matplotlib knows no CJK font, none is on disk to scan, and the shipped
    one is not registered yet."""
    from matplotlib import font_manager

    known = font_manager.fontManager.ttflist
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [
        entry for entry in known
        if fonts._best_family([entry.name]) is None and entry.fname != str(fonts.SHIPPED_FONT)
    ])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    fonts.find_cjk_font.cache_clear()
    yield
    fonts.find_cjk_font.cache_clear()


def test_without_an_installed_cjk_font_the_shipped_one_draws_the_chinese(
        instance, solution, tmp_path, monkeypatch, caplog, without_installed_cjk_font):
    from matplotlib import font_manager

    assert fonts.find_cjk_font() == fonts.SHIPPED_FAMILY
    assert fonts.chart_families(fonts.SHIPPED_FAMILY) == [fonts.SHIPPED_FAMILY, "DejaVu Sans"]
    figures = _drawn(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a character no font draws warns "Glyph … missing"
        write_gantt(instance, solution, tmp_path / "gantt.png")
    # Nor "Failed to find font weight bold": the regular weight stands in for the titles.
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
    labels = figures[0].axes[0].get_yticklabels()
    assert [label.get_text() for label in labels] == [
        "骨干教师培训", "新教师岗前培训", "师德师风全员培训",
    ]
    assert font_manager.findfont(labels[0].get_fontproperties()) == str(fonts.SHIPPED_FONT)
    # Embedded in a PDF too, and as TrueType (a CFF font would be declared as one, wrongly).
    for fonttype in (3, 42):
        pdf = io.BytesIO()
        with matplotlib.rc_context({"pdf.fonttype": fonttype}), warnings.catch_warnings():
            warnings.simplefilter("error")
            figures[0].savefig(pdf, format="pdf")
        assert b"NotoSansCJKscGB2312-Regular" in pdf.getvalue(), fonttype
    assert b"/FontFile2" in pdf.getvalue() and b"/FontFile3" not in pdf.getvalue()


def test_the_shipped_font_draws_gb2312_and_every_character_of_the_shipped_instances():
    from matplotlib import ft2font

    charmap = ft2font.FT2Font(str(fonts.SHIPPED_FONT)).get_charmap()
    hanzi = set()
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                hanzi.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    assert len(hanzi) == 6763 and all(ord(character) in charmap for character in hanzi)
    instances = Path(__file__).resolve().parent.parent / "instances"
    text = "".join(path.read_text(encoding="utf-8") for path in instances.rglob("*.json"))
    assert {character for character in text
            if not character.isspace() and ord(character) not in charmap} == set()
    licence = fonts.SHIPPED_FONT.with_name("OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_without_the_shipped_font_file_there_is_no_chinese_font(
        monkeypatch, tmp_path, without_installed_cjk_font):
    monkeypatch.setattr(fonts, "SHIPPED_FONT", tmp_path / "removed.ttf")
    assert fonts.find_cjk_font() is None


def test_the_command_line_warns_of_the_missing_font_before_its_summary(
        tmp_path, without_chinese_font):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(tiny_instance(), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(path), "--method", "greedy",
                                       "--formats", "png", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()  # stdout and stderr, as a terminal shows them
    assert lines.count(gantt.NO_FONT_MESSAGE) == 1  # and not again when the chart is drawn
    first = {word: next(index for index, line in enumerate(lines) if line.startswith(word))
             for word in (gantt.NO_FONT_MESSAGE, "status ", "wrote ")}
    assert first[gantt.NO_FONT_MESSAGE] < first["status "] < first["wrote "]
