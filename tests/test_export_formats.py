"""`schedule export` and `schedule solve --formats`: the files of each format, the chart
looked at, and bad input refused with exit 2 and nothing written."""

from __future__ import annotations

import html
import json
from collections import Counter, deque
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib import image as mpimg
from openpyxl import load_workbook

from models import InputError, Mode, load_instance
from scheduler.cli import main
from scheduler.export import fonts
from scheduler.export.formats import FORMATS, parse_formats
from scheduler.export.gantt import MODE_COLOURS

ROOT = Path(__file__).parents[1]
INSTANCE = ROOT / "instances" / "2024.json"
SOLUTION = ROOT / "tests" / "data" / "2024-solution.json"
ALL_FILES = ["calendar.ics", "calendars", "gantt.png", "plan.csv", "plan.xlsx", "report.html"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    code, stdout, stderr = run("export", str(SOLUTION), "--instance", str(INSTANCE),
                               "--out", str(out))
    assert code == 0, stderr
    assert stdout.startswith("wrote plan.xlsx, calendar.ics, report.html, plan.csv, gantt.png, "
                             "calendars/ (33 files)")
    return out


def test_export_writes_every_format_by_default(exported):
    assert sorted(path.name for path in exported.iterdir()) == ALL_FILES
    assert not list(exported.rglob(".*.tmp"))  # no temporary file left behind


def test_parse_formats():
    assert parse_formats("all") == list(FORMATS)
    assert parse_formats(" ICS, xlsx ,") == ["xlsx", "ics"]  # registry order, any case
    with pytest.raises(InputError, match=r"'pdf' is not a format; choose from xlsx, ics"):
        parse_formats("xlsx,pdf")


def test_export_only_the_formats_asked_and_in_english(tmp_path):
    code, _, _ = run("export", str(SOLUTION), "--instance", str(INSTANCE), "--format",
                     "xlsx,html", "--lang", "en", "--out", str(tmp_path))
    assert code == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.xlsx", "report.html"]
    assert ">Key figures</h2>" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_export_defaults_to_the_solutions_folder(tmp_path):
    solution = tmp_path / "solution.json"
    solution.write_bytes(SOLUTION.read_bytes())
    code, _, _ = run("export", str(solution), "--instance", str(INSTANCE), "--format", "csv")
    assert code == 0 and (tmp_path / "plan.csv").exists()


def _broken(tmp_path: Path, change) -> Path:
    data = json.loads(SOLUTION.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "solution.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _unknown_project(data: dict) -> None:
    data["sessions"][0]["project"] = "p99"


def _saturday(data: dict) -> None:
    # p03's first phase moved onto a weekend: the plan breaks rules of its own instance.
    data["sessions"][0]["start"], data["sessions"][0]["end"] = "2024-03-02", "2024-03-03"


@pytest.mark.parametrize(("args", "change", "message"), [
    (["--format", "xlsx,pdf"], None, "--format: 'pdf' is not a format"),
    (["--lang", "fr"], None, "--lang: 'fr' is not a language; choose from zh, en"),
    ([], _unknown_project, "names projects that the instance does not have: p99"),
    ([], _saturday, "[weekend] project p03 (初中数学学科教师培养（分阶段培育）) session 1 "
                    "phase 1: 2024-03-02 (Saturday), 2024-03-03 (Sunday) are not working days"),
    (["--instance", str(ROOT / "instances" / "qianjiang-2022.json")], None,
     "is a plan of '许昌市建安区2024年教师培训计划"),
])
def test_bad_input_exits_2_names_the_problem_and_writes_nothing(tmp_path, args, change,
                                                                message):
    solution = _broken(tmp_path, change) if change else SOLUTION
    out = tmp_path / "out"
    instance = [] if "--instance" in args else ["--instance", str(INSTANCE)]
    code, stdout, stderr = run("export", str(solution), *instance, *args, "--out", str(out))
    assert code == 2, stdout + stderr
    assert message in stderr
    assert stderr.rstrip().endswith("nothing was written.")
    assert "Traceback" not in stdout + stderr
    assert not out.exists()


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read the file"),
    ("{", "not valid JSON at line 1"),
    ('{"instance": "x"}', "status: is missing"),
])
def test_unreadable_solution_exits_2(tmp_path, content, message):
    path = tmp_path / "solution.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, _, stderr = run("export", str(path), "--instance", str(INSTANCE), "--out",
                          str(tmp_path / "out"))
    assert code == 2 and message in stderr
    assert not (tmp_path / "out").exists()


def test_solve_writes_the_formats_asked_beside_solution_json(tiny, tmp_path):
    instance = tmp_path / "tiny.json"
    instance.write_text(json.dumps(tiny, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, _ = run("solve", str(instance), "--out", str(out), "--formats", "ics,csv",
                          "--time-limit", "10")
    assert code == 0, stdout
    assert sorted(path.name for path in out.iterdir()) == ["calendar.ics", "calendars",
                                                           "plan.csv", "solution.json"]
    # One calendar each for the room, t1 and both towns (20 seats each: their fair shares).
    assert "wrote solution.json, calendar.ics, plan.csv, calendars/ (4 files)" in stdout


def test_solve_refuses_an_unknown_format_before_searching(tiny, tmp_path):
    instance = tmp_path / "tiny.json"
    instance.write_text(json.dumps(tiny, ensure_ascii=False), encoding="utf-8")
    code, stdout, stderr = run("solve", str(instance), "--out", str(tmp_path / "out"),
                               "--formats", "docx")
    assert code == 2 and "--format: 'docx' is not a format" in stderr
    assert "searching" not in stdout and not (tmp_path / "out").exists()


# The chart, looked at.

def _components(mask: np.ndarray) -> int:
    """Connected areas of True pixels (4-neighbourhood)."""
    seen = np.zeros_like(mask)
    count = 0
    for y, x in zip(*np.nonzero(mask), strict=True):
        if seen[y, x]:
            continue
        count += 1
        seen[y, x] = True
        queue = deque([(y, x)])
        while queue:
            row, column = queue.popleft()
            for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                r, c = row + dy, column + dx
                if 0 <= r < mask.shape[0] and 0 <= c < mask.shape[1] and mask[r, c] \
                        and not seen[r, c]:
                    seen[r, c] = True
                    queue.append((r, c))
    return count


def test_the_gantt_png_has_its_size_and_one_bar_per_session_phase(exported):
    if fonts.find_cjk_font() is None:
        pytest.skip("no Chinese font on this machine")
    pixels = mpimg.imread(exported / "gantt.png")[..., :3]
    # 13 in × 150 dpi wide; 1.5 in of frame plus 0.3 in for each of 14 rows and the header.
    assert pixels.shape[:2] == (886, 1950)
    instance = load_instance(INSTANCE)
    modes = {project.id: project.mode for project in instance.projects}
    solution = json.loads(SOLUTION.read_text(encoding="utf-8"))
    phases = Counter(modes[row["project"]] for row in solution["sessions"])
    assert phases == {Mode.OFFLINE: 20, Mode.BLENDED: 3, Mode.ONLINE: 2, Mode.OFFSITE: 1}
    for mode, hex_colour in MODE_COLOURS.items():
        colour = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
        bars = _components(np.abs(pixels - colour).max(axis=2) < 0.01)
        # White outlines keep back-to-back bars apart; the legend adds one patch per mode.
        assert bars == phases[mode] + 1, mode


def test_a_plan_adjusted_by_hand_is_exported_on_request_with_its_broken_rules_first(tmp_path):
    solution = _broken(tmp_path, _saturday)
    out = tmp_path / "out"
    code, _, stderr = run("export", str(solution), "--instance", str(INSTANCE), "--out", str(out))
    assert code == 2 and "--allow-violations exports it" in stderr and not out.exists()

    code, stdout, _ = run("export", str(solution), "--instance", str(INSTANCE), "--out",
                          str(out), "--format", "xlsx,html", "--allow-violations", "--lang", "zh")
    assert code == 0, stdout
    rule = ("[weekend] 项目初中数学学科教师培养（分阶段培育）（p03）第1班第1阶段："
            "2024-03-02（周六）、2024-03-03（周日）不是工作日")
    assert f"违反：{rule}" in stdout
    book = load_workbook(out / "plan.xlsx")
    first = book.worksheets[0]
    assert first.title == "违反的规则" and book.active.title == "违反的规则"
    # The weekend, and p03's spread: its first start falls before its first group's days.
    assert first["A1"].value == "本方案违反 2 条规则（人工调整后导出）"
    assert first["A2"].value.startswith(rule)
    report = (out / "report.html").read_text(encoding="utf-8")
    body = report[report.index("<body>"):]
    assert body.index('<section class="broken">') < body.index("<h1>")
    assert html.escape(first["A2"].value) in report
