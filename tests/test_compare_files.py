"""The files of `schedule compare`, from a comparison built by hand (nothing is solved).

The base is the 2024 plan (tests/data/2024-solution.json). Scenario 五月报告厅关闭 moves p06
from late May into June and gives p05 another venue; scenario 校长外出取消 drops p12 and gives
p13's first class another trainer. Their stability KPIs are counted against the base.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from matplotlib import image as mpimg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text

import models.solution
from models import Instance, SessionPhase, Solution
from scheduler.analysis.compare import Alternative, Comparison
from scheduler.core.kpis import KPI_NAMES
from scheduler.core.replan import stability_kpis
from scheduler.export import fonts, gantt
from scheduler.export.compare_files import (
    changed_phases,
    comparison_figure,
    comparison_png,
    shared_rows,
    write_comparison,
)
from scheduler.export.gantt import HIGHLIGHT_COLOUR, Wording, chart_style

HALL_CLOSED, NO_TRIP = "五月报告厅关闭", "校长外出取消"
LABELS = ["base", HALL_CLOSED, NO_TRIP]
FILES = ["compare.csv", "compare-projects.csv", "compare.xlsx", "compare.png", "compare.html"]


def scenario(base: Solution, sessions: list[SessionPhase], objective: int,
             **kpis: int) -> Solution:
    """A copy of the base plan with other sessions, its objective and KPIs to match."""
    plan = base.model_copy(deep=True)
    plan.sessions = sessions
    plan.objective = plan.bound = objective
    plan.kpis.update(kpis, **stability_kpis(base.sessions, sessions))
    return plan


def hall_closed(base: Solution) -> Solution:
    sessions = [row.model_copy(deep=True) for row in base.sessions]
    for row in sessions:
        if row.project == "p06":  # 5月29日—31日 → 6月3日—5日
            row.start, row.end = dt.date(2024, 6, 3), dt.date(2024, 6, 5)
        if row.project == "p05":
            row.venue = "jxxx-c1"
    return scenario(base, sessions, 93_000)


def no_trip(base: Solution) -> Solution:
    sessions = [row.model_copy(deep=True) for row in base.sessions if row.project != "p12"]
    for row in sessions:
        if (row.project, row.session) == ("p13", 1):
            row.trainers = ["ja-t08", "ja-t23"]  # was ja-t08, ja-t17
    plan = scenario(base, sessions, 98_700, dropped=6)  # p12's priority
    plan.dropped = ["p12"]
    return plan


@pytest.fixture(scope="module")
def comparison(instance: Instance, solution: Solution) -> Comparison:
    return Comparison([
        Alternative("base", Path("2024.json"), instance, solution),
        Alternative(HALL_CLOSED, Path("hall-closed.json"), instance, hall_closed(solution)),
        Alternative(NO_TRIP, Path("no-trip.json"), instance, no_trip(solution)),
    ])


@pytest.fixture(scope="module")
def out(comparison, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare")
    assert write_comparison(comparison, out) == [out / name for name in FILES]
    return out


@pytest.fixture(scope="module")
def out_en(comparison, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare-en")
    write_comparison(comparison, out, lang="en")
    return out


def test_writes_the_five_files_and_no_temporary_one(out):
    assert sorted(path.name for path in out.iterdir()) == sorted(FILES)


# The tables.

def test_metrics_csv_has_a_measure_column_and_a_column_per_alternative(out_en):
    raw = (out_en / "compare.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(out_en / "compare.csv", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert list(table.columns) == ["measure", *LABELS]
    rows = table.set_index("measure")
    assert rows.loc["objective"].tolist() == ["96800", "93000", "98700"]
    assert [name for name in rows.index if name.startswith("kpi ")][:len(KPI_NAMES)] == [
        f"kpi {name}" for name in KPI_NAMES]
    assert rows.loc["kpi moved"].tolist() == ["—", "1", "1"]
    assert rows.loc["kpi venue_changed"].tolist() == ["—", "1", "0"]
    assert rows.loc["kpi trainer_changed"].tolist() == ["—", "0", "1"]
    assert rows.loc["projects dropped"].tolist() == ["none", "none", "p12"]


def test_projects_csv_flattens_the_diff_to_label_and_aspect(out_en):
    table = pd.read_csv(out_en / "compare-projects.csv", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False).set_index("project")
    assert list(table.columns) == [
        "name", *(f"{label}: {aspect}" for label in LABELS[1:]
                  for aspect in ("months", "venues", "trainers"))]
    assert table.index.tolist() == ["p05", "p06", "p12", "p13"]
    assert table.loc["p06", "name"] == "三名工作室主持人及骨干成员培训"
    assert table.loc["p06", f"{HALL_CLOSED}: months"] == "5月 → 6月"
    # Venues and trainers by name (jxxx-hall → jxxx-c1; ja-t08, ja-t09 … by id).
    assert table.loc["p05", f"{HALL_CLOSED}: venues"] == \
        "建安区教师进修学校 报告厅 → 建安区教师进修学校 第一培训教室"
    assert table.loc["p12", f"{NO_TRIP}: months"] == "10月 → dropped"
    assert table.loc["p13", f"{NO_TRIP}: trainers"] == \
        "黄海涛、周敏、何志勇、高雅琴 → 黄海涛、何志勇、高雅琴、谢文娟"
    assert table.loc["p05", f"{NO_TRIP}: venues"] == ""  # unchanged in that scenario


def test_chinese_csv_files_name_the_measures_and_headers_in_chinese(out):
    table = pd.read_csv(out / "compare.csv", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert list(table.columns) == ["比较指标", *LABELS]
    rows = table.set_index("比较指标")
    assert rows.index.tolist()[:5] == ["求解状态", "目标值", "差距", "未安排项目的优先级",
                                       "非首选月份的培训天数"]
    assert rows.loc["改期或取消的班次阶段"].tolist() == ["—", "1", "1"]
    assert rows.loc["未安排的项目"].tolist() == ["无", "无", "p12"]
    projects = pd.read_csv(out / "compare-projects.csv", encoding="utf-8-sig", dtype=str,
                           keep_default_na=False)
    assert list(projects.columns) == ["项目编号", "培训项目名称", *(
        f"{label}: {aspect}" for label in LABELS[1:] for aspect in ("月份", "场地", "专家"))]
    assert projects.set_index("项目编号").loc["p12", f"{NO_TRIP}: 月份"] == "10月 → 未安排"


def test_csv_files_hold_the_same_figures_in_every_language(out, out_en):
    for name in ("compare.csv", "compare-projects.csv"):
        chinese, english = (pd.read_csv(folder / name, encoding="utf-8-sig", dtype=str,
                                        keep_default_na=False) for folder in (out, out_en))
        english = english.replace({r"^none$": "无", r"dropped$": "未安排"}, regex=True)
        assert chinese.iloc[:, 1:].to_numpy().tolist() == english.iloc[:, 1:].to_numpy().tolist()


def test_workbook_has_both_tables_laid_out_like_plan_xlsx(out, instance):
    workbook = openpyxl.load_workbook(out / "compare.xlsx")
    assert workbook.sheetnames == ["比较", "项目变化"]
    metrics, projects = workbook.worksheets
    assert metrics["A1"].value == f"{instance.name} · 方案比较"
    assert [cell.value for cell in metrics[2]] == ["比较指标", *LABELS]
    values = {row[0]: row[1:] for row in metrics.iter_rows(min_row=3, values_only=True)}
    assert values["目标值"] == (96_800, 93_000, 98_700)
    assert values["未安排的项目"] == ("无", "无", "p12")
    assert values["场地与专家费用（元）"] == (90_800, 90_800, 90_800)
    assert [cell.value for cell in projects[2]][:3] == ["项目编号", "培训项目名称",
                                                        f"{HALL_CLOSED} · 月份"]
    rows = {row[0]: row for row in projects.iter_rows(min_row=3, values_only=True)}
    assert rows["p06"][1:3] == ("三名工作室主持人及骨干成员培训", "5月 → 6月")
    for sheet in (metrics, projects):
        assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # As wide as the longest name: a hanzi takes two units.
    assert projects.column_dimensions["B"].width >= 2 * len("中小学体育、美育教师及社团活动培训")


def test_english_workbook_translates_sheet_names_and_headers_only(out_en):
    workbook = openpyxl.load_workbook(out_en / "compare.xlsx")
    assert workbook.sheetnames == ["Comparison", "Changes by project"]
    metrics, projects = workbook.worksheets
    assert [cell.value for cell in metrics[2]] == ["Measure", *LABELS]
    values = {row[0]: row[1:] for row in metrics.iter_rows(min_row=3, values_only=True)}
    assert values["objective"] == (96_800, 93_000, 98_700)
    assert values["projects dropped"] == ("none", "none", "p12")
    assert [cell.value for cell in projects[2]][:3] == ["Project id", "Project",
                                                        f"{HALL_CLOSED} · Month"]
    assert projects["B3"].value == "师德师风建设管理团队专项培训"  # names stay as they are


# The page.

def test_page_is_self_contained_with_both_tables_and_the_chart(out):
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "http://" not in page and "https://" not in page  # ":" is not a base64 character
    assert re.findall(r'(?:src|href)="([^"]{0,22})', page) == ["data:image/png;base64,"]
    assert page.count("<table") == 2
    assert all(label in page for label in [HALL_CLOSED, NO_TRIP, "三名工作室主持人及骨干成员培训"])
    assert "<h2>比较</h2>" in page and "<h2>项目变化</h2>" in page
    assert '<td class="measure">目标值</td>' in page and "10月 → 未安排" in page
    image = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert image is not None
    assert base64.b64decode(image.group(1)) == (out / "compare.png").read_bytes()


def test_english_page_headings(out_en):
    page = (out_en / "compare.html").read_text(encoding="utf-8")
    assert "<h2>Comparison</h2>" in page and "<h2>Changes by project</h2>" in page
    assert "<th>Measure</th>" in page and HALL_CLOSED in page
    assert '<td class="measure">objective</td>' in page


def test_nothing_changed_gives_an_empty_project_table_and_says_so(instance, solution,
                                                                  tmp_path):
    same = Comparison([Alternative("base", Path("a.json"), instance, solution),
                       Alternative("照旧", Path("b.json"), instance, solution)])
    write_comparison(same, tmp_path)
    table = pd.read_csv(tmp_path / "compare-projects.csv", encoding="utf-8-sig")
    assert list(table.columns) == ["项目编号", "培训项目名称", "照旧: 月份", "照旧: 场地",
                                   "照旧: 专家"] and table.empty
    assert "没有项目变化" in (tmp_path / "compare.html").read_text(encoding="utf-8")


# The chart.

def test_changed_phases_are_exactly_the_moved_rehoused_and_restaffed_ones(comparison):
    base, hall, trip = comparison.alternatives
    assert changed_phases(base, base) == set()
    assert changed_phases(base, hall) == {("p06", 1, 1), ("p05", 1, 1)}
    # p12 is dropped: nothing of it is left to frame in the scenario's panel.
    assert changed_phases(base, trip) == {("p13", 1, 1)}


def _figure(comparison: Comparison, chinese: bool = True) -> Figure:
    """The chart as comparison_png draws it: laid out (its date labels placed) in its font."""
    with chart_style(fonts.find_cjk_font() if chinese else None):
        return comparison_figure(comparison, Wording(chinese=chinese))


def _framed(figure: Figure) -> list[int]:
    """Per panel, the bars drawn with a frame in the highlight colour."""
    highlight = to_rgba(HIGHLIGHT_COLOUR)
    return [sum(isinstance(artist, PolyCollection)
                and bool((np.asarray(artist.get_edgecolor()) == highlight).all(axis=1).any())
                for artist in axes.collections)
            for axes in figure.axes]


def test_one_panel_per_alternative_with_the_same_rows(comparison):
    figure = _figure(comparison)
    assert len(figure.axes) == 3
    titles = [axes.get_title(loc="left") for axes in figure.axes]
    assert titles == ["base · 目标值 96,800", f"{HALL_CLOSED} · 目标值 93,000",
                      f"{NO_TRIP} · 目标值 98,700"]
    rows = [[label.get_text() for label in axes.get_yticklabels()] for axes in figure.axes]
    assert rows[0] == rows[1] == rows[2] and len(rows[0]) == 14  # p12 too, empty in the last
    assert _framed(figure) == [0, 2, 1]
    assert "与基准方案不同" in [text.get_text() for text in figure.legends[0].get_texts()]


def test_the_chart_grows_with_the_alternatives(comparison):
    two = Comparison(comparison.alternatives[:2])
    heights = [_figure(c).get_size_inches()[1]
               for c in (two, comparison)]
    assert heights[0] < heights[1]


def test_rows_are_the_union_in_instance_order_the_first_alternatives_first(comparison):
    base, _, trip = comparison.alternatives
    ids = [project.id for project in shared_rows([trip, base])]
    assert ids[-1] == "p12" and len(ids) == 14  # only the base schedules it
    assert [project.id for project in shared_rows([base, trip])] == \
        [project.id for project in base.instance.projects]


def test_an_alternative_without_a_plan_shows_its_status_over_empty_rows(instance, solution):
    unsolved = Comparison([Alternative("base", Path("a.json"), instance, solution),
                           Alternative("超时", Path("b.json"), instance,
                                       Solution(instance=instance.name, status="UNKNOWN"))])
    figure = _figure(unsolved)
    assert figure.axes[1].get_title(loc="left") == "超时 · UNKNOWN"
    assert len(figure.axes[1].get_yticklabels()) == 14 and _framed(figure) == [0, 0]


def test_without_a_chinese_font_the_chart_uses_ids_and_numbered_scenarios(
        comparison, capsys, without_chinese_font):
    assert comparison_png(comparison).startswith(b"\x89PNG")
    assert capsys.readouterr().err == gantt.NO_FONT_MESSAGE + "\n"
    figure = _figure(comparison, chinese=False)
    assert [axes.get_title(loc="left") for axes in figure.axes] == [
        "base · Objective 96,800", "Scenario 1 · Objective 93,000",
        "Scenario 2 · Objective 98,700"]
    assert figure.axes[0].get_yticklabels()[0].get_text() == "p01"
    texts = [text.get_text() for text in figure.findobj(Text)]
    assert all(gantt._drawable_without_cjk(text) for text in texts)  # no empty boxes


def test_chart_and_page_are_the_same_bytes_every_time(out, comparison, tmp_path):
    pixels = mpimg.imread(out / "compare.png")
    assert pixels.shape[1] == 1950
    write_comparison(comparison, tmp_path)
    assert (tmp_path / "compare.png").read_bytes() == (out / "compare.png").read_bytes()
    assert (tmp_path / "compare.html").read_bytes() == (out / "compare.html").read_bytes()


# Writing.

def test_a_failed_write_leaves_the_earlier_file_whole_and_no_temporary_file(
        comparison, tmp_path, monkeypatch):
    write_comparison(comparison, tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    replace = models.solution.os.replace

    def full_disk_at_the_workbook(source: str, target: Path) -> None:
        if Path(target).name == "compare.xlsx":
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(models.solution.os, "replace", full_disk_at_the_workbook)
    with pytest.raises(OSError, match="No space left"):
        write_comparison(comparison, tmp_path, lang="en")
    after = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert sorted(after) == sorted(before)  # no temporary file left
    assert after["compare.xlsx"] == before["compare.xlsx"]  # the Chinese one, still whole
    assert openpyxl.load_workbook(tmp_path / "compare.xlsx").sheetnames == ["比较", "项目变化"]
