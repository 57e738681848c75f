"""The checked copy of a workbook: each bad cell filled red with a comment saying what is wrong,
and a first sheet listing every problem, so the planner mends the workbook where they see it.
The planner's own file is never touched; the copy is written beside it.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from models.cell_text import guard_sheet
from models.workbook.read import CellProblem
from models.workbook.write import save_atomically

BAD_FILL = PatternFill("solid", fgColor="FF9999")
RESULTS = {"zh": "检查结果", "en": "Check results"}


def checked_copy_path(path: Path) -> Path:
    """plan.xlsx → plan.checked.xlsx, beside it."""
    return path.with_name(f"{path.stem}.checked{path.suffix}")


def write_checked_copy(path: Path, problems: list[CellProblem], lang: str = "zh") -> Path:
    """Write the checked copy of the workbook at `path`; return its path."""
    book = load_workbook(path)
    for problem in problems:
        if problem.sheet not in book.sheetnames or problem.row is None:
            continue
        cell = book[problem.sheet].cell(row=problem.row, column=problem.column_index or 1)
        cell.fill = BAD_FILL
        text = problem.zh if lang == "zh" else problem.en
        earlier = cell.comment.text + "\n" if cell.comment and cell.comment.author == "check" \
            else ""
        cell.comment = Comment(earlier + text, "check", width=300, height=100)
    title = RESULTS[lang]
    if title in book.sheetnames:
        del book[title]
    results = book.create_sheet(title, 0)
    results.cell(row=1, column=1, value=(f"{len(problems)} 处问题" if lang == "zh"
                                         else f"{len(problems)} problem(s)")).font = Font(bold=True)
    for offset, problem in enumerate(problems, start=2):
        results.cell(row=offset, column=1, value=problem.said.text(lang))
    guard_sheet(results)  # the planner's own cells, formulas included, are left as they are
    results.column_dimensions["A"].width = 100
    book.active = 0
    target = checked_copy_path(path)
    save_atomically(book, target)
    return target
