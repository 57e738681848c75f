"""The command line end to end: files written, summary printed, exit codes (docs/format.md,
Exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, data: dict, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_solve_writes_the_plan_and_validate_accepts_it(tiny, tmp_path):
    out = tmp_path / "out"
    code, stdout, _ = run("solve", str(write(tmp_path, tiny)), "--out", str(out),
                          "--time-limit", "10")
    assert code == 0, stdout
    assert "status OPTIMAL" in stdout and "objective 1,810" in stdout
    assert "cost 1,010 yuan" in stdout and "peak absence 40 teachers" in stdout
    # --formats defaults to every format.
    assert sorted(path.name for path in out.iterdir()) == [
        "calendar.ics", "calendars", "gantt.png", "plan.csv", "plan.xlsx", "report.html",
        "solution.json",
    ]
    code, stdout, _ = run("validate", str(tmp_path / "plan.json"), str(out / "solution.json"))
    assert code == 0 and stdout.startswith("valid: 1 session-phases")


def test_default_output_folder_is_named_after_the_instance(tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, _ = run("solve", str(write(tmp_path, tiny, "2031.json")), "--time-limit", "10")
    assert code == 0 and (tmp_path / "out" / "2031" / "solution.json").exists()


def test_infeasible_plan_exits_1_and_says_why(tiny, tmp_path):
    tiny["projects"][0]["venue_features"] = ["录播"]
    out = tmp_path / "out"
    code, stdout, _ = run("solve", str(write(tmp_path, tiny)), "--out", str(out))
    assert code == 1
    assert "status INFEASIBLE" in stdout
    assert "p1 (培训一) cannot be scheduled: no venue has the features 录播" in stdout
    assert sorted(path.name for path in out.iterdir()) == ["explain.json", "explain.txt"]


def test_bad_input_exits_2_names_each_problem_and_writes_nothing(tiny, tmp_path):
    tiny["projects"][0]["months"] = [13]
    tiny["venues"][0]["town"] = "x"
    out = tmp_path / "out"
    path = write(tmp_path, tiny)
    code, stdout, stderr = run("solve", str(path), "--out", str(out))
    assert code == 2
    assert f"{path}: projects[0].months[0]: 13 is not a month" in stderr
    assert f"{path}: venues[0].town: 'x' is not the id of any town" in stderr
    assert "Traceback" not in stderr + stdout
    assert not out.exists()


def test_missing_instance_file_exits_2(tmp_path):
    code, _, stderr = run("solve", str(tmp_path / "absent.json"))
    assert code == 2 and "cannot read the file" in stderr


def test_validate_reports_a_broken_plan(tiny, tmp_path):
    out = tmp_path / "out"
    path = write(tmp_path, tiny)
    assert run("solve", str(path), "--out", str(out), "--time-limit", "10")[0] == 0
    solution = json.loads((out / "solution.json").read_text(encoding="utf-8"))
    solution["sessions"][0]["start"] = solution["sessions"][0]["end"] = "2024-10-01"
    broken = write(tmp_path, solution, "broken.json")
    code, stdout, _ = run("validate", str(path), str(broken))
    assert code == 1
    assert "2024-10-01 is a public holiday" in stdout or "public holiday" in stdout


def test_validate_rejects_a_malformed_solution(tiny, tmp_path):
    path = write(tmp_path, tiny)
    broken = write(tmp_path, {"schema": "training-solution/1", "status": "MAYBE"}, "bad.json")
    code, _, stderr = run("validate", str(path), str(broken))
    assert code == 2 and "status" in stderr and "instance: is missing" in stderr


def test_greedy_method_writes_the_hand_plan_for_comparison(tiny, tmp_path):
    out = tmp_path / "out"
    code, stdout, _ = run("solve", str(write(tmp_path, tiny)), "--method", "greedy", "--out",
                          str(out), "--formats", "csv")
    assert code == 0, stdout
    # First venue (the hall, 100 yuan) and first trainer: cost 1,100; seats in proportion,
    # 20 and 20, each town's fair share: none short; 40 away: 40 × 20. In all 1,900 (the
    # optimum, in the 10-yuan room, is 1,810).
    assert "objective 1,900  no bound" in stdout and "seats short of fair share 0" in stdout
    code, _, _ = run("validate", str(tmp_path / "plan.json"), str(out / "solution.json"))
    assert code == 0


def test_explain_says_why_and_what_would_work(tiny, tmp_path):
    tiny["policy"] = {"max_absence_share": 0.1}
    code, stdout, _ = run("explain", str(write(tmp_path, tiny)), "--time-limit", "20")
    assert code == 0, stdout
    assert "town r (乡镇) may send at most 10% of its teachers" in stdout
    assert "1. let project p1 (培训一) also run in month 7" in stdout


def test_explain_of_a_feasible_plan(tiny, tmp_path):
    code, stdout, _ = run("explain", str(write(tmp_path, tiny)))
    assert code == 0 and "the plan is feasible" in stdout


def test_explain_bad_input_exits_2(tmp_path):
    code, _, stderr = run("explain", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read the file" in stderr


def test_solve_of_an_infeasible_plan_writes_the_explanation(tiny, tmp_path):
    tiny["policy"] = {"max_absence_share": 0.1}
    out = tmp_path / "out"
    code, stdout, _ = run("solve", str(write(tmp_path, tiny)), "--out", str(out),
                          "--time-limit", "10")
    assert code == 1
    assert "Best change that gives a plan: let project p1 (培训一) also run in month 7" in stdout
    assert sorted(path.name for path in out.iterdir()) == ["explain.json", "explain.txt"]
    assert json.loads((out / "explain.json").read_text(encoding="utf-8"))["status"] == "infeasible"


def test_validate_says_in_one_line_that_a_plan_is_of_another_instance(tmp_path):
    root = Path(__file__).resolve().parent.parent
    code, _, stderr = run("validate", str(root / "instances" / "qianjiang-2022.json"),
                          str(root / "tests" / "data" / "2024-solution.json"))
    assert code == 2
    lines = stderr.splitlines()
    assert len(lines) == 3 and "this is a plan of '许昌市建安区2024年" in lines[0]
    assert "names projects that the instance does not have: p01" in lines[1]
