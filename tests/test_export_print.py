"""plan.xlsx on paper: the lines and pages of `print_layout`, and the workbook printed to PDF by
LibreOffice and read back with pdftotext and pdffonts, as a planner's print would show it.

Two plans: the proven-optimal 2024 plan (two pages a table), and the hand method's plan of the
Anshan instance (61 projects, many pages a table, months longer than a page).
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections import Counter
from dataclasses import dataclass

import pandas as pd
import pytest

from models import Instance, Solution, load_instance
from scheduler.analysis.class_costs import plan_costs
from scheduler.core.validate import validate
from scheduler.export.official_table import official_table
from scheduler.export.plan_table import plan_table
from scheduler.export.print_layout import page_starts, text_width, wrap
from scheduler.export.xlsx import write_xlsx
from scheduler.search.solve import solve_by_hand
from tests.helpers import ROOT, need

DATE_SPAN = re.compile(r"\d+月\d+日(?:—\d+月\d+日)?")
# A cell line that begins with a closing bracket or a separator: a program wrapped it.
STRAY_MARK = re.compile(r"(?:^|\s)[）」》、，；。：]")
# 序号 at the start of a line, the month after it (or alone: a merged cell's middle), as the
# plan derives it (4月) or as the bureau published it (3-12月, 7—8月, 全年).
ROW_NUMBER = re.compile(r"^\s*(\d+)(?=\s)")
MONTH = re.compile(r"^\s*(?:\d+\s+)?((?:\d{1,2}[-—、])?\d{1,2}月|全年)(?=\s|$)")


# --- Lines and pages ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "width", "lines"), [
    # Never inside a date span; after the ；that ends one, the longest line the shortest.
    ("3月4日—3月5日；4月7日—4月8日；5月9日—5月10日", 34,
     ["3月4日—3月5日；", "4月7日—4月8日；5月9日—5月10日"]),
    # Before the bracket, never before its closing half: no "）" alone on a line.
    ("高中教师学科素养提升培训（分学科）（第1班）", 34,
     ["高中教师学科素养提升培训", "（分学科）（第1班）"]),
    # After a separator, the lines as even as their number allows.
    ("幼儿园教师、小学教师、初中教师、高中教师", 22,
     ["幼儿园教师、小学教师、", "初中教师、高中教师"]),
    ("三名工作室主持人及骨干成员培训", 28, ["三名工作室主持人", "及骨干成员培训"]),
    # At a space, which goes; a line already broken stays broken.
    ("建安区教师进修学校 第一培训教室", 26, ["建安区教师进修学校", "第一培训教室"]),
    ("第1班 4月9日—4月11日\n第2班 4月15日—4月17日", 40,
     ["第1班 4月9日—4月11日", "第2班 4月15日—4月17日"]),
    ("线下集中", 8, ["线下集中"]),
])
def test_lines_break_where_a_reader_expects(text, width, lines):
    assert wrap(text, width).split("\n") == lines
    assert all(text_width(line) <= width for line in lines)


def test_a_wide_dash_counts_two_units_as_a_chinese_font_draws_it():
    assert text_width("4月7日—4月8日") == 4 + 8 + 2


def test_a_month_moves_whole_to_the_next_page_only_when_little_is_left():
    # Pages of 100 points: a month of 40 after 70 used moves (30 left, under a third); after
    # 50 used it fills the page and goes on (50 left).
    assert page_starts([70, 20, 20], ["3月", "4月", "4月"], 100, 100) == [1]
    assert page_starts([50, 30, 30], ["3月", "4月", "4月"], 100, 100) == [2]
    # A month longer than a page fills each page it takes; the first page is shorter.
    assert page_starts([30] * 7, ["4月"] * 7, 60, 100) == [2, 5]
    # One that fits the rest of the page stays on it.
    assert page_starts([30, 30, 30], ["3月", "4月", "4月"], 100, 100) == []


# --- The PDF --------------------------------------------------------------------------------

@dataclass
class Printed:
    """A plan's workbook as LibreOffice prints it."""
    instance: Instance
    solution: Solution
    pages: list[str]  # pdftotext -layout, one text a page
    fonts: list[str]  # the fonts pdffonts lists

    def sheet_pages(self, sheet: int) -> list[str]:
        """The pages of the official table (0) or of the table per class (1): each sheet's
        first page begins with its title."""
        titles = [f"{self.instance.name} · 分班安排", f"{self.instance.name} · 场地"]
        starts = [next(index for index, page in enumerate(self.pages) if title in page)
                  for title in titles]
        return self.pages[[0, *starts][sheet]:starts[sheet]]

    def table(self, sheet: int) -> pd.DataFrame:
        return (official_table(self.instance, self.solution) if sheet == 0
                else plan_table(self.instance, self.solution))


def _anshan() -> tuple[Instance, Solution]:
    return _by_hand("anshan-2022")


def _by_hand(name: str) -> tuple[Instance, Solution]:
    instance = load_instance(ROOT / "instances" / f"{name}.json")
    solution = solve_by_hand(instance).solution
    assert validate(instance, solution) == []
    return instance, solution


@pytest.fixture(scope="module")
def printed(instance, solution, tmp_path_factory) -> dict[str, Printed]:
    soffice, pdftotext, pdffonts = need("soffice"), need("pdftotext"), need("pdffonts")
    folder = tmp_path_factory.mktemp("print")
    plans = {"2024": (instance, solution), "anshan": _anshan(),
             "qianjiang": _by_hand("qianjiang-2022")}
    for name, (plan_instance, plan_solution) in plans.items():
        write_xlsx(plan_instance, plan_solution, folder / f"{name}.xlsx",
                   costs=plan_costs(plan_instance, plan_solution))
    # A profile of its own: a LibreOffice already running elsewhere would take the job.
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(folder),
                    *(str(folder / f"{name}.xlsx") for name in plans)],
                   check=True, capture_output=True, timeout=300)
    result = {}
    for name, (plan_instance, plan_solution) in plans.items():
        pdf = str(folder / f"{name}.pdf")
        text = subprocess.run([pdftotext, "-layout", pdf, "-"], check=True, capture_output=True,
                              text=True).stdout
        fonts = subprocess.run([pdffonts, pdf], check=True, capture_output=True,
                               text=True).stdout.splitlines()[2:]
        result[name] = Printed(plan_instance, plan_solution, text.split("\f")[:-1],
                               [line.split()[0] for line in fonts])
    return result


PLANS_AND_SHEETS = [(plan, sheet) for plan in ("2024", "anshan") for sheet in (0, 1)]


@pytest.mark.parametrize(("plan", "sheet"), PLANS_AND_SHEETS)
def test_no_bracket_or_separator_starts_a_line_and_no_date_is_cut(printed, plan, sheet):
    pages = printed[plan].sheet_pages(sheet)
    text = "\n".join(pages)
    for line in text.splitlines():
        assert not STRAY_MARK.search(line), line
    # Every date span of the table is printed whole: a span cut over two lines would be
    # missing here, its halves found as other dates or none.
    expected = Counter(span for cell in printed[plan].table(sheet)["培训时间"]
                       for span in DATE_SPAN.findall(cell))
    assert Counter(DATE_SPAN.findall(text)) == expected


@pytest.mark.parametrize(("plan", "sheet"), PLANS_AND_SHEETS)
def test_every_page_repeats_the_header_and_shows_the_month_of_each_of_its_rows(printed, plan,
                                                                               sheet):
    pages = printed[plan].sheet_pages(sheet)
    # Each row's month by its 序号: the published numbers, which skip a project the plan
    # dropped (anshan's hand plan drops as50, 序号 50).
    table = printed[plan].table(sheet)
    month_of = {int(number): month for number, month in zip(table["序号"], table["月份"],
                                                             strict=True)}
    assert len(pages) >= (1 if plan == "2024" and sheet == 0 else 2)
    seen: list[int] = []
    for page in pages:
        lines = page.splitlines()
        header = next(index for index, line in enumerate(lines)
                      if "序号" in line and "培训项目名称" in line)
        # Below the header: LibreOffice also leaves the text of a merged cell cut by the page
        # break above the next page's header, where the page's edge clips it from sight.
        lines = lines[header + 1:]
        rows = [int(match[1]) for line in lines if (match := ROW_NUMBER.match(line))]
        shown = {match[1] for line in lines if (match := MONTH.match(line))}
        assert {month_of[row] for row in rows} <= shown, (rows, shown)
        seen += rows
    assert seen == list(month_of)


@pytest.mark.parametrize(("plan", "most"), [("anshan", 4), ("qianjiang", 2)])
def test_the_official_table_fills_few_pages(printed, plan, most):
    # Anshan's 61 rows and Qianjiang's 22, each page filled before the next begins (a month
    # cut by a page is shown again on the next: the test above).
    pages = printed[plan].sheet_pages(0)
    assert len(pages) <= most
    assert "合计" in pages[-1]


@pytest.mark.parametrize("plan", ["2024", "anshan", "qianjiang"])
def test_every_sheet_numbers_its_own_pages_in_a_chinese_font(printed, plan):
    # The plan tables, which break their own pages, say how many they have; a side sheet
    # numbers its pages from 1 too, so the official table is printed and sent on its own.
    starts = [index for index, page in enumerate(printed[plan].pages)
              if printed[plan].instance.name in page.split("序号")[0]]
    assert starts[0] == 0
    for sheet, (start, end) in enumerate(itertools.pairwise([*starts,
                                                             len(printed[plan].pages)])):
        pages = printed[plan].pages[start:end]
        for number, page in enumerate(pages, start=1):
            total = f" 共{len(pages)}页" if sheet < 2 else ""
            assert re.search(rf"^\s*第{number}页{total}\s*$", page, re.M), (sheet, number)
    # Every glyph comes from a CJK font (Noto Sans CJK), none from a Latin stand-in for Calibri.
    assert printed[plan].fonts
    assert all("CJK" in font for font in printed[plan].fonts), printed[plan].fonts
