"""The command line end to end: files written, summary printed, exit codes (docs/format.md,
Exit codes)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import EXIT_NO_SCHEDULE, main
from tests.helpers import tiny_instance, tiny_solution


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


def test_validate_says_a_broken_plan_in_chinese(tmp_path):
    """p1's second class moved onto 劳动节, into the 40-seat 乡镇中心校, with 50 teachers."""
    path = write(tmp_path, tiny_instance())
    solution = tiny_solution()
    moved = solution.sessions[1]
    moved.start, moved.end = dt.date(2024, 5, 1), dt.date(2024, 5, 3)
    moved.venue, moved.seats = "v2", {"city": 38, "rural": 12}
    solution.write(tmp_path / "broken.json")
    code, stdout, _ = run("validate", str(path), str(tmp_path / "broken.json"), "--lang", "zh")
    assert code == EXIT_NO_SCHEDULE
    assert "[public-holiday] 项目骨干教师培训（p1）第2班第1阶段：2024-05-01是法定节假日\n" in stdout
    assert ("[venue-capacity] 项目骨干教师培训（p1）第2班第1阶段：场地乡镇中心校（v2）安排了 50 "
            "个座位，但只能容纳 40 人\n") in stdout
    assert "[headcount] 项目骨干教师培训（p1）：各班共 80 名学员，而计划培训人数是 60\n" in stdout
    lines = stdout.splitlines()
    assert lines[-1].endswith(f"broken.json 中有 {len(lines) - 1} 处违反规则")
    # Each sentence in Chinese, its only ASCII words the ids of the data.
    ids = {"p1", "p2", "p3", "v1", "v2", "city", "rural"}
    for line in lines[:-1]:
        said = line.split("] ", 1)[1]
        assert set(re.findall("[A-Za-z][A-Za-z0-9_]*", said)) <= ids, line


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


# The planner's language.

def test_solve_says_its_summary_in_chinese(tiny, tmp_path):
    out = tmp_path / "out"
    code, stdout, _ = run("solve", str(write(tmp_path, tiny)), "--out", str(out),
                          "--time-limit", "10", "--formats", "csv", "--lang", "zh")
    assert code == 0, stdout
    lines = stdout.splitlines()
    assert lines[0] == "tiny：1 个项目，2 个场地，2 位专家；最多搜索 10 秒"
    assert lines[1].startswith("求解状态 OPTIMAL，用时")
    assert lines[2] == "  目标值 1,810  下界 1,810  差距 0.00%"
    assert lines[4] == "  场地与专家费用 1,010 元 · 最高同日离岗教师 40 人"
    assert lines[-1] == f"已写入 solution.json, plan.csv，在 {out}/"
    assert not any(word in stdout for word in ("status", "objective", "wrote"))


def test_solve_says_in_chinese_why_a_project_cannot_run(tiny, tmp_path):
    tiny["projects"].append(dict(tiny["projects"][0], id="p2", name="培训二", priority=3,
                                 topics=["C"]))
    code, stdout, _ = run("solve", str(write(tmp_path, tiny)), "--out", str(tmp_path / "out"),
                          "--time-limit", "10", "--formats", "csv", "--lang", "zh")
    assert code == 0, stdout
    assert "  未安排 培训二（p2）：没有专家教C\n" in stdout


def test_an_input_error_is_said_in_chinese_and_writes_nothing(tmp_path):
    out = tmp_path / "plan.txt"
    code, stdout, stderr = run("template", "--out", str(out), "--lang", "zh")
    assert code == 2 and stdout == "" and not out.exists()
    assert stderr.splitlines() == [f"--out：{out} 必须以 .xlsx 结尾",
                                   "1 处问题；没有写入任何文件。"]
    code, _, stderr = run("solve", str(tmp_path / "plan.json"), "--lang", "fr")
    assert code == 2 and stderr.endswith("1 problem(s); nothing was written.\n")


def test_explain_speaks_chinese(tiny, tmp_path):
    tiny["policy"] = {"max_absence_share": 0.1}
    code, stdout, _ = run("explain", str(write(tmp_path, tiny)), "--time-limit", "20",
                          "--lang", "zh")
    assert code == 0, stdout
    assert stdout.startswith("tiny 没有方案。\n"
                             "这 4 条规则不能同时满足（放宽其中任何一条即可消除冲突）：")
    assert "能得到方案的修改（每项都试过，得到的方案已检查）：" in stdout
    assert "分析用时" in stdout and "Explained in" not in stdout
    # The rules and the changes too, not only the frame.
    assert "  3. 乡镇城区（c）在上课日最多派出 10% 的教师（100 人中 10 人）\n" in stdout
    assert "  1. 允许项目培训一（p1）也在7月举办\n" in stdout
    assert set(re.findall("[A-Za-z]{4,}", stdout)) == {"tiny"}  # the instance's name


def test_solve_of_an_infeasible_plan_explains_in_chinese(tiny, tmp_path):
    tiny["policy"] = {"max_absence_share": 0.1}
    out = tmp_path / "out"
    code, stdout, _ = run("solve", str(write(tmp_path, tiny)), "--out", str(out),
                          "--time-limit", "10", "--lang", "zh")
    assert code == 1
    assert "能得到方案的最佳修改：允许项目培训一（p1）也在7月举办。" in stdout
    assert "项目培训一（p1）是必办项目：必须安排；项目培训一（p1）只能在3月举办；" in stdout
    text = (out / "explain.txt").read_text(encoding="utf-8")
    assert "  1. 允许项目培训一（p1）也在7月举办\n" in text
    data = json.loads((out / "explain.json").read_text(encoding="utf-8"))
    assert data["suggestions"][0]["change"] == "允许项目培训一（p1）也在7月举办"
    assert data["suggestions"][0]["edits"] == [{"path": "projects[0].months", "before": [3],
                                                "after": [3, 7]}]


def test_the_locale_chooses_the_language_when_lang_is_not_given(monkeypatch):
    root = Path(__file__).resolve().parent.parent
    instance = str(root / "instances" / "2024.json")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, stdout, _ = run("check", instance)
    assert code == 0 and f"{instance}：没有问题。14 个项目" in stdout
    monkeypatch.setenv("LC_ALL", "C")  # overrides LANG, as POSIX has it
    assert "no problems. 14 projects" in run("check", instance)[1]
    monkeypatch.delenv("LC_ALL")
    monkeypatch.setenv("LANG", "C")
    code, stdout, _ = run("check", instance)
    assert code == 0 and f"{instance}: no problems. 14 projects" in stdout


def test_every_command_that_prints_takes_lang():
    # schema prints JSON; serve speaks through its web pages; _run, hidden, runs the server's
    # own processes, which speak through it.
    for name, command in main.commands.items():  # type: ignore[attr-defined]
        options = {option for parameter in command.params for option in parameter.opts}
        assert ("--lang" in options) == (name not in ("schema", "serve", "_run")), name


def test_language_reads_the_locale_as_posix_orders_it():
    from scheduler.messages import language

    assert language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}) == "en"
    assert language({"LANG": "C", "LC_ALL": "zh_TW.UTF-8"}) == "zh"
    assert language({"LANG": "en_GB.UTF-8", "LC_ALL": ""}) == "en"  # an empty one is not set


def test_the_hand_methods_missing_bound_is_said_in_chinese(tiny, tmp_path):
    code, stdout, _ = run("solve", str(write(tmp_path, tiny)), "--out", str(tmp_path / "out"),
                          "--method", "greedy", "--formats", "csv", "--lang", "zh")
    assert code == 0, stdout
    assert "没有下界（手工排法不证明下界）" in stdout and "proves nothing" not in stdout
