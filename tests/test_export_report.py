"""The HTML report: self-contained, and opened in headless Chromium with no console error.

The plan is the proven-optimal 2024 plan of instances/2024.json (tests/data/2024-solution.json).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

from models import Mode, Status
from scheduler.analysis.class_costs import plan_costs
from scheduler.export.gantt import MIN_BAR_DAYS, MODE_COLOURS
from scheduler.export.plan_table import class_names
from scheduler.export.report import (
    LABEL_WIDTH,
    RIGHT_MARGIN,
    ROW,
    TOP,
    WIDTH,
    report_html,
    write_report,
)
from tests.helpers import need

ROOT = Path(__file__).parents[1]
WINDOW = (1280, 1600)


def chromium(page: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Open `page` in headless Chromium, with no network, and log the console to stderr."""
    binary = need("chromium")
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--enable-logging=stderr", "--v=0", f"--window-size={WINDOW[0]},{WINDOW[1]}",
         *args, page],
        capture_output=True, text=True, timeout=90, check=True,
    )


def console_messages(result: subprocess.CompletedProcess[str]) -> list[str]:
    # The report's script logs nothing, so any console line is an error or a warning.
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def page(instance, solution, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(instance, solution, path, costs=plan_costs(instance, solution))
    return path


class Bars(HTMLParser):
    """The Gantt chart's bars and rows as the browser would read them from the file."""

    def __init__(self) -> None:
        super().__init__()
        self.tips: list[str] = []
        self.rows: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "rect" and attributes.get("class") == "bar":
            self.tips.append(attributes["data-tip"] or "")
        if tag == "g" and attributes.get("class") == "row":
            self.rows.append(attributes)


def _parse(text: str) -> Bars:
    bars = Bars()
    bars.feed(text)
    return bars


def test_self_contained_and_small(page):
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    # Nothing to fetch: no address, no linked file, no external script or style sheet.
    assert "http" not in text and "//" not in re.sub(r"<script>.*?</script>", "", text,
                                                     flags=re.S)
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=", text)
    assert len(text.encode("utf-8")) < 150_000


def test_every_part_of_the_report_is_there(page, instance, solution):
    text = page.read_text(encoding="utf-8")
    for heading in ("关键指标", "甘特图", "计划表", "场地与专家每月使用天数",
                    "各乡镇参训名额与公平名额", "各项目农村学员与公平名额"):
        assert f">{heading}</h2>" in text or f">{heading}</h3>" in text, heading
    for name in class_names(instance, solution).values():
        assert name in text
    assert f"<b>{solution.kpis['cost']:,}</b>" in text
    assert '<td class="num">14,925</td>' in text  # the plan table's total of headcounts


def test_each_bar_tells_project_dates_venue_trainers_seats_and_costs(page, solution):
    bars = _parse(page.read_text(encoding="utf-8"))
    assert len(bars.tips) == len(solution.sessions) == 26
    first = next(tip for tip in bars.tips if "（p02）" in tip and "（第1班）" in tip)
    assert first.splitlines() == [
        "小学教师学科素养提升培训（语文、数学）（第1班）（p02）",
        "4月7日—4月8日（2天）· 线下集中",
        "地点：建安区教师进修学校 报告厅",
        "专家：高雅琴、罗红梅",
        "人数：200（新元街道 24、长村张街道 17、将官池镇 18、五女店镇 16、尚集镇 14、"
        "苏桥镇 13、蒋李集镇 14、张潘镇 13、灵井镇 16、陈曹乡 11、桂村乡 11、椹涧乡 12、"
        "小召乡 11、河街乡 10）",
        # No 负责科室 line: the document names no office, and none is made up.
        # Its part of the KPIs (scheduler.analysis.class_costs), here its cost alone.
        "成本：费用（元） 2,400",
    ]


def test_english_labels(instance, solution):
    text = report_html(instance, solution, lang="en",
                       costs=plan_costs(instance, solution))
    assert ">Key figures</h2>" in text and ">Plan table</h2>" in text
    assert "<th>No.</th>" in text and "关键指标" not in text


def _colour_pixels(shot: Path) -> dict[Mode, int]:
    """How many pixels of the screenshot have each mode's bar colour."""
    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[:2] == (WINDOW[1], WINDOW[0])
    counts = {}
    for mode, hex_colour in MODE_COLOURS.items():
        colour = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
        counts[mode] = int((np.abs(pixels - colour).max(axis=2) < 0.02).sum())
    return counts


def test_chromium_shows_the_report_with_no_console_error(page, tmp_path):
    whole, filtered = tmp_path / "whole.png", tmp_path / "offsite.png"
    result = chromium(page.as_uri(), tmp_path, f"--screenshot={whole}")
    assert console_messages(result) == []
    result = chromium(page.as_uri() + "#mode=offsite", tmp_path, f"--screenshot={filtered}")
    assert console_messages(result) == []
    # The legend shows every colour in both; the bars make the difference: filtered to
    # off-site study, the other modes' bars are gone and the off-site bar stays.
    before, after = _colour_pixels(whole), _colour_pixels(filtered)
    for mode in (Mode.OFFLINE, Mode.BLENDED, Mode.ONLINE):
        assert before[mode] - after[mode] > 100, (mode, before, after)
    assert after[Mode.OFFSITE] >= before[Mode.OFFSITE] > 100


def test_bars_are_at_least_min_days_wide_in_lanes_and_labelled_with_their_dates(page):
    text = page.read_text(encoding="utf-8")
    svg = text[text.index('<svg id="gantt"'):text.index("</svg>")]
    day = (WIDTH - LABEL_WIDTH - RIGHT_MARGIN) / 366
    bars = [dict(zip(("x", "y", "width", "height"), map(float, found), strict=True))
            for found in re.findall(r'class="bar"[^>]* x="([\d.]+)" y="([\d.]+)" '
                                    r'width="([\d.]+)" height="([\d.]+)"', svg)]
    assert len(bars) == 26 and min(bar["width"] for bar in bars) >= MIN_BAR_DAYS * day - 0.1
    # p13's two classes on 4-5 November: two bars, one above the other, apart.
    p13 = svg[svg.index("中小学体育、美育教师及社团活动培训"):]
    p13 = p13[:p13.index("</g>")]
    upper, lower = [bar for bar in bars if f'x="{bar["x"]:.1f}" y="{bar["y"]:.1f}"' in p13]
    assert upper["x"] == lower["x"] and lower["y"] - (upper["y"] + upper["height"]) >= 2
    assert re.findall(r'class="date"[^>]*>([^<]*)<', p13) == ["11/4-5", "11/4-5"]
    labels = re.findall(r'class="date"[^>]*>([^<]*)<', svg)
    assert {"3/4-5", "5/6", "10/8-12"} <= set(labels) and "4/7-8" not in labels


MEASURE = """<script>
// Where the browser drew each date label: any that overlaps a bar or another label.
const overlaps = [];
const meet = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width
                       && a.y < b.y + b.height && b.y < a.y + a.height;
for (const row of document.querySelectorAll("g.row")) {
  const bars = Array.from(row.querySelectorAll("rect.bar"), bar => bar.getBBox());
  const labels = Array.from(row.querySelectorAll("text.date"));
  labels.forEach((label, i) => {
    const box = label.getBBox();
    // The glyphs' own height, not the font's line box: lanes are thinner than a line.
    const ink = {x: box.x, width: box.width, y: box.y + box.height * 0.2,
                 height: box.height * 0.6};
    if (bars.some(bar => meet(ink, bar))) overlaps.push(label.textContent);
    if (box.x + box.width > Number(document.getElementById("gantt").dataset.width))
      overlaps.push(label.textContent);
    labels.slice(i + 1).forEach(other => {
      const b = other.getBBox();
      if (meet(ink, {x: b.x, width: b.width, y: b.y + b.height * 0.2, height: b.height * 0.6}))
        overlaps.push(label.textContent);
    });
  });
}
document.body.dataset.overlaps = JSON.stringify(overlaps);
document.body.dataset.labels = document.querySelectorAll("text.date").length;
</script>"""


def test_chromium_draws_each_date_label_clear_of_bars_and_other_labels(page, tmp_path):
    measured = tmp_path / "measured.html"
    text = page.read_text(encoding="utf-8")
    measured.write_text(text.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    result = chromium(measured.as_uri(), tmp_path, "--dump-dom")
    assert console_messages(result) == []
    assert 'data-labels="19"' in result.stdout
    assert 'data-overlaps="[]"' in result.stdout


def test_the_console_check_catches_a_script_error(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><p>x</p><script>notDefined();</script>")
    messages = console_messages(chromium(broken.as_uri(), tmp_path, "--dump-dom"))
    assert any("Uncaught ReferenceError" in message for message in messages)


def test_a_filter_in_the_address_shows_only_its_rows(page, instance, tmp_path):
    result = chromium(page.as_uri() + "#mode=online", tmp_path, "--dump-dom")
    assert console_messages(result) == []
    assert 'data-ready="true"' in result.stdout  # the script ran to its end
    rows = _parse(result.stdout).rows
    shown = [row for row in rows if "display: none" not in (row.get("style") or "")]
    online = [p for p in instance.projects if p.mode is Mode.ONLINE]
    assert [row["data-mode"] for row in shown] == ["online"] * len(online) == ["online"] * 2
    # Packed from the top, one row after the other.
    assert [row["transform"] for row in shown] == [f"translate(0,{TOP})",
                                                   f"translate(0,{TOP + ROW})"]


def test_the_head_says_the_plan_in_one_sentence_a_bureau_head_reads(instance, solution):
    text = report_html(instance, solution, made=dt.date(2026, 12, 4),
                       costs=plan_costs(instance, solution))
    assert "<h1>许昌市建安区2024年教师培训计划</h1>" in text  # the note on the data below it
    assert '<p class="data-note">场地、专家、乡镇数据为示例</p>' in text
    assert ('<p class="summary">全部 14 个项目均已安排，共 23 个班、14,925 个名额，其中农村乡镇占 '
            '65%；外出培训最多的上课日是 2024-10-14（300 名教师）；费用 90,800 元。按给定的规则，'
            '本方案已证明为最优。</p>') in text
    assert '<p class="made">生成日期 2026-12-04</p>' in text
    # The solver's words are folded away, not the head line.
    assert re.search(r'<details class="status"><summary>求解详情</summary>求解状态 OPTIMAL', text)
    english = report_html(instance, solution, "en", made=dt.date(2026, 12, 4),
                          costs=plan_costs(instance, solution))
    assert "This plan is proven the best by the rules given." in english
    assert "<p class=\"made\">Made on 2026-12-04</p>" in english


def test_a_plan_not_proven_says_how_close_it_is(instance, solution):
    unproven = solution.model_copy(update={"status": Status.FEASIBLE, "bound": 90_846})
    assert unproven.gap is not None
    text = report_html(instance, unproven, costs=plan_costs(instance, unproven))
    assert f"与可能的最优方案相差不超过 {unproven.gap:.1%}。" in text


def test_venues_and_trainers_with_no_days_are_folded_away(instance, solution):
    text = report_html(instance, solution, costs=plan_costs(instance, solution))
    used = {row.venue for row in solution.sessions if row.venue}
    idle = [venue.name for venue in instance.venues if venue.id not in used]
    assert idle
    assert f'<summary>未使用的场地（{len(idle)}）</summary>{"、".join(idle)}</details>' in text
    heat = text[text.index("场地使用天数"):text.index("未使用的场地")]
    assert not any(name in heat for name in idle)
