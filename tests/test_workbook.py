"""The planner's workbook: the template, the round trip of every shipped instance, errors named
by sheet, row and column, the checked copy, derived ids, and real readers (LibreOffice)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from models import load_instance, parse_instance
from models.workbook.layout import DATA_SHEETS, GUIDE, LISTS, PROJECTS, SETTINGS
from models.workbook.marks import BAD_FILL
from models.workbook.read import WorkbookError, load_workbook_instance
from models.workbook.write import write_workbook
from scheduler.cli import main
from scheduler.core.validate import validate
from scheduler.messages import said_all
from scheduler.search.solve import solve, solve_by_hand
from tests.helpers import ROOT, need

SHIPPED = sorted((ROOT / "instances").glob("*.json")) + sorted(
    (ROOT / "instances" / "generated").glob("*.json"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def column_of(worksheet, header: str) -> int:
    return next(cell.column for cell in worksheet[1] if cell.value == header)


@pytest.fixture(scope="module")
def workbook_2024(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("workbook") / "2024.xlsx"
    write_workbook(path, load_instance(ROOT / "instances" / "2024.json"))
    return path


def edited(source: Path, target: Path, edits: dict[tuple[str, int, str], object]) -> Path:
    """A copy of the workbook with cells changed, each named (sheet, row, header)."""
    book = load_workbook(source)
    for (sheet, row, header), value in edits.items():
        worksheet = book[sheet]
        # (cell(..., value=None) would leave the cell as it is.)
        worksheet.cell(row=row, column=column_of(worksheet, header)).value = value
    book.save(target)
    return target


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_shipped_instance_comes_back_the_same_from_its_workbook(path, lang, tmp_path):
    instance = load_instance(path)
    workbook = tmp_path / f"{path.stem}.xlsx"
    write_workbook(workbook, instance, lang)
    assert load_instance(workbook) == instance


def test_solving_the_workbook_gives_the_plan_the_json_gives(workbook_2024):
    from_json = load_instance(ROOT / "instances" / "2024.json")
    from_workbook = load_instance(workbook_2024)
    by_hand = [solve_by_hand(instance).solution for instance in (from_json, from_workbook)]
    assert by_hand[0].sessions == by_hand[1].sessions
    solved = [solve(instance, time_limit=30, seed=0).solution
              for instance in (from_json, from_workbook)]
    assert [s.status.value for s in solved] == ["OPTIMAL", "OPTIMAL"]
    assert solved[0].objective == solved[1].objective
    for instance, solution in zip((from_json, from_workbook), solved, strict=True):
        assert validate(instance, solution) == []


def test_the_template_has_every_sheet_with_explained_headers_and_drop_downs(tmp_path):
    code, stdout, _ = run("template", "--out", str(tmp_path / "plan.xlsx"), "--lang", "zh")
    assert code == 0, stdout
    book = load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == [GUIDE[0], *(sheet.zh for sheet in DATA_SHEETS), SETTINGS.zh,
                               LISTS]
    assert book[LISTS].sheet_state == "hidden"
    projects = book[PROJECTS.zh]
    assert [cell.value for cell in projects[1]] == [column.zh for column in PROJECTS.columns]
    assert all(cell.comment is not None
               and ("默认" in cell.comment.text or "必填" in cell.comment.text)
               for cell in projects[1])
    assert projects.freeze_panes == "C2"
    drop_downs = {validation.formula1 for validation in projects.data_validations.dataValidation}
    assert {"=list_mode", "=list_holiday", "=list_priority", "=list_audiences"} <= drop_downs
    # Audiences and towns are offered as written on their own sheets, whatever was added there.
    assert book.defined_names["list_audiences"].attr_text == (
        "OFFSET('培训对象'!$B$2,0,0,MAX(1,COUNTA('培训对象'!$B:$B)-1),1)")
    modes = book.defined_names["list_mode"].attr_text
    assert modes == f"{LISTS}!$A$2:$A$5"
    assert [book[LISTS].cell(row=row, column=1).value for row in range(2, 6)] == [
        "线下集中", "混合式", "线上研修", "外出研修"]


def test_the_template_never_replaces_a_workbook_unasked(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"the planner's work")
    code, _, stderr = run("template", "--out", str(path))
    assert code == 2 and "exists" in stderr
    assert path.read_bytes() == b"the planner's work"
    assert run("template", "--out", str(path), "--force")[0] == 0


def test_the_template_filled_from_an_instance_checks_clean(tmp_path):
    out = tmp_path / "qianjiang.xlsx"
    code, stdout, _ = run("template", "--from", str(ROOT / "instances" / "qianjiang-2022.json"),
                          "--lang", "en", "--out", str(out))
    assert code == 0 and "22 projects" in stdout
    assert load_workbook(out).sheetnames[1] == PROJECTS.en
    code, stdout, _ = run("check", str(out), "--lang", "en")
    assert code == 0 and "no problems. 22 projects" in stdout


def test_every_bad_cell_is_named_by_sheet_row_and_header_and_marked_in_a_copy(workbook_2024,
                                                                              tmp_path):
    bad = edited(workbook_2024, tmp_path / "plan.xlsx", {
        ("项目", 7, "月份"): "13月",
        ("项目", 8, "参训人数"): "很多",
        ("项目", 9, "培训方式"): "讲座",
        ("项目", 10, "培训对象"): "小学老师",
        ("场地", 3, "容纳人数"): -5,
        ("政策与权重", 5, "值"): "abc",
    })
    before = bad.read_bytes()
    code, _, stderr = run("check", str(bad), "--lang", "zh")
    assert code == 2
    assert stderr.splitlines()[:6] == [
        '项目 第7行 「月份」: "13月" 不是月份',
        '项目 第8行 「参训人数」: "很多" 不是人数：填正整数或「全员」',
        "项目 第9行 「培训方式」: 「讲座」不是可选的值：填 线下集中 / 混合式 / 线上研修 / 外出研修",
        "项目 第10行 「培训对象」: 「小学老师」不是培训对象表中的名称或编号",
        "场地 第3行 「容纳人数」: -5 不是正整数",
        '政策与权重 第5行 「农村名额」: "abc" 不是数',
    ]
    assert bad.read_bytes() == before
    checked = load_workbook(tmp_path / "plan.checked.xlsx")
    assert checked.sheetnames[0] == "检查结果"
    cell = checked["项目"].cell(row=7, column=column_of(checked["项目"], "月份"))
    assert cell.fill.fgColor.rgb.endswith(BAD_FILL.fgColor.rgb[-6:])
    assert cell.comment.text == '"13月" 不是月份'
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.checked.xlsx", "plan.xlsx"]

    code, _, stderr = run("validate", str(bad), "--lang", "en")
    assert code == 2 and stderr.startswith('项目 row 7 "月份": "13月" is not a month')
    code, _, stderr = run("solve", str(bad), "--out", str(tmp_path / "out"))
    assert code == 2 and "nothing was written" in stderr and not (tmp_path / "out").exists()


def test_a_problem_of_the_whole_instance_is_traced_to_its_cell_beside_bad_cells(workbook_2024,
                                                                               tmp_path):
    bad = edited(workbook_2024, tmp_path / "plan.xlsx", {("项目", 11, "班数"): 900,
                                                         ("项目", 7, "月份"): "13月"})
    with pytest.raises(WorkbookError) as raised:
        load_workbook_instance(bad)
    assert [problem.said.text("zh") for problem in raised.value.cells] == [
        '项目 第7行 「月份」: "13月" 不是月份',
        "项目 第11行 「班数」: 900 个班，但只有 200 名学员",
    ]
    assert raised.value.cells[1].en == "900 classes for 200 trainees"


def test_a_missing_column_is_reported_once_not_on_every_row(workbook_2024, tmp_path):
    book = load_workbook(workbook_2024)
    book["项目"].delete_cols(column_of(book["项目"], "天数"))
    book.save(tmp_path / "plan.xlsx")
    with pytest.raises(WorkbookError) as raised:
        load_workbook_instance(tmp_path / "plan.xlsx")
    assert said_all(raised.value.said, "zh") == ["项目 第1行 「天数」: 缺少「天数」列"]


def test_ids_may_be_left_empty_and_are_derived_from_the_row_order(workbook_2024, tmp_path):
    book = load_workbook(workbook_2024)
    for sheet in ("项目", "场地", "专家"):
        for row in range(2, book[sheet].max_row + 1):
            book[sheet].cell(row=row, column=1).value = None
    book.save(tmp_path / "plan.xlsx")
    instance = load_instance(tmp_path / "plan.xlsx")
    original = load_instance(ROOT / "instances" / "2024.json")
    assert [project.id for project in instance.projects] == [
        f"p{number:02d}" for number in range(1, 15)]
    assert [project.name for project in instance.projects] == [
        project.name for project in original.projects]
    assert original.venues[0].id != "v01" and instance.venues[0].id == "v01"
    assert instance.trainers[-1].id == "t30"
    # The references by name still reach the same items.
    assert instance.projects[2].after == [
        f"p{[p.id for p in original.projects].index(earlier) + 1:02d}"
        for earlier in original.projects[2].after]


def test_the_bureaus_ways_of_writing_months_and_headcounts_are_read(workbook_2024, tmp_path):
    path = edited(workbook_2024, tmp_path / "plan.xlsx", {
        ("项目", 2, "月份"): "3-12月", ("项目", 2, "首选月份"): "7—8月",
        ("项目", 3, "月份"): "全年", ("项目", 3, "首选月份"): None,
        ("项目", 4, "参训人数"): "约120人", ("项目", 4, "班数"): None,
        ("项目", 5, "参训人数"): "全员", ("项目", 5, "培训方式"): "线上研修",
        ("项目", 5, "农村名额"): None,
    })
    projects = load_instance(path).projects
    assert projects[0].months == list(range(3, 13)) and projects[0].preferred_months == [7, 8]
    assert projects[1].months is None
    assert projects[2].headcount == 120
    assert projects[3].headcount == "all" and projects[3].mode.value == "online"


def test_chinese_words_for_values_are_read_in_json_too(tiny):
    tiny["projects"][0] |= {"mode": "线下集中", "holiday": "假期外", "priority": "必须",
                            "venue_rural": "优先农村"}
    project = parse_instance(tiny).projects[0]
    assert (project.mode.value, project.holiday.value, project.priority, project.venue_rural) \
        == ("offline", "forbidden", "mandatory", "preferred")


def test_a_scenario_may_change_a_workbook(workbook_2024, tmp_path):
    scenario = tmp_path / "closed.json"
    scenario.write_text(json.dumps({
        "schema": "training-scenario/1", "name": "hall closed", "base": str(workbook_2024),
        "changes": [{"set": "policy.rural_quota", "value": 0.5}]}), encoding="utf-8")
    assert load_instance(scenario).policy.rural_quota == 0.5


def test_schema_prints_the_json_schema_of_the_instance():
    code, stdout, _ = run("schema")
    schema = json.loads(stdout)
    assert code == 0 and schema["title"] == "Instance"
    assert set(schema["required"]) == {"schema", "name", "year", "audiences", "towns",
                                       "projects"}
    assert "headcount" in schema["$defs"]["Project"]["properties"]


def test_a_file_that_is_not_a_workbook_is_refused_clearly(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    code, _, stderr = run("check", str(path), "--lang", "en")
    assert code == 2 and "not an Excel workbook (.xlsx)" in stderr


# -- real readers ----------------------------------------------------------------------------
def libreoffice(*args: str, cwd: Path) -> None:
    program = need("soffice")
    subprocess.run([program, "--headless", "--norestore", *args], cwd=cwd, check=True,
                   capture_output=True, timeout=180)


def test_libreoffice_opens_the_template_and_the_checked_copy_without_repair(workbook_2024,
                                                                            tmp_path):
    bad = edited(workbook_2024, tmp_path / "plan.xlsx", {("项目", 7, "月份"): "13月"})
    assert run("check", str(bad))[0] == 2
    libreoffice("--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook_2024),
                str(tmp_path / "plan.checked.xlsx"), cwd=tmp_path)
    for name in ("2024.pdf", "plan.checked.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")


def test_a_workbook_saved_by_libreoffice_reads_back_the_same(workbook_2024, tmp_path):
    libreoffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"),
                str(workbook_2024), cwd=tmp_path)
    assert load_instance(tmp_path / "lo" / "2024.xlsx") == load_instance(workbook_2024)


# -- a published table imported --------------------------------------------------------------
PUBLISHED = ROOT / "tests" / "data" / "published"


@pytest.mark.parametrize(("table", "count"), [("jianan-2024.xlsx", 14), ("anshan-2022.csv", 61),
                                              ("qianjiang-2022.xlsx", 30)])
def test_a_published_table_becomes_a_workbook_with_its_guesses_marked(table, count, tmp_path):
    from models.published.table import read_published_table

    out = tmp_path / "plan.xlsx"
    code, stdout, _ = run("import-table", str(PUBLISHED / table), "--out", str(out), "--lang",
                          "zh")
    assert code == 0 and f"{count} 个项目" in stdout
    book = load_workbook(out)
    assert book.sheetnames[0] == "导入记录"
    projects = book["项目"]
    rows = list(projects.iter_rows(min_row=2, values_only=True))
    assert len(rows) == count
    read = read_published_table(PUBLISHED / table)
    headers = [cell.value for cell in projects[1]]
    assert [row[headers.index("项目名称")] for row in rows] == [p.name for p in read]
    guessed = [(row, project) for row, project in enumerate(read, start=2) if project.guesses]
    assert guessed
    for row, project in guessed:
        if "mode" in project.guesses:
            cell = projects.cell(row=row, column=headers.index("培训方式") + 1)
            assert cell.fill.fgColor.rgb.endswith("FFF2CC")
            assert cell.comment.text == project.guesses["mode"]
    record = [row[0] for row in book["导入记录"].iter_rows(values_only=True) if row[0]]
    assert sum("「培训方式」" in line for line in record) == sum(
        "mode" in project.guesses for project in read)


def test_an_imported_table_asks_only_for_what_the_table_does_not_say(tmp_path):
    out = tmp_path / "plan.xlsx"
    assert run("import-table", str(PUBLISHED / "jianan-2024.xlsx"), "--out", str(out),
               "--lang", "zh")[0] == 0
    with pytest.raises(WorkbookError) as raised:
        load_workbook_instance(out)
    columns = {problem.column for problem in raised.value.cells if problem.row}
    # Jian'an's table has no 培训对象 column; months, headcounts and modes all read.
    assert columns == {"天数", "优先级", "培训对象"}
    assert not (tmp_path / "plan.checked.xlsx").exists()


def test_docs_format_lists_every_column_of_the_workbook():
    import importlib.util

    spec = importlib.util.spec_from_file_location("workbook_doc",
                                                  ROOT / "scripts" / "workbook_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.workbook_doc() in (ROOT / "docs" / "format.md").read_text(encoding="utf-8")


def test_a_make_up_working_day_that_is_no_weekend_day_is_named_by_its_row(tmp_path):
    data = json.loads((ROOT / "instances" / "2024.json").read_text(encoding="utf-8"))
    data["calendar"] |= {"public_holidays": ["2024-10-01"], "extra_workdays": ["2024-10-12"]}
    path = tmp_path / "plan.xlsx"
    write_workbook(path, parse_instance(data))
    book = load_workbook(path)
    calendar = book["日历"]
    last = calendar.max_row
    assert calendar.cell(row=last, column=1).value == "调休上班"
    calendar.cell(row=last, column=3).value = "2024-10-14"  # a Monday
    calendar.cell(row=last, column=4).value = "2024-10-14"
    book.save(path)
    with pytest.raises(WorkbookError) as raised:
        load_workbook_instance(path)
    assert said_all(raised.value.said, "zh") == [f"日历 第{last}行: 2024-10-14 不是周末"]


def test_hours_and_the_requirement_by_audience_come_back_from_the_workbook(tmp_path):
    # The 学时 column on 项目 and the two policy rows; a requirement per audience is written
    # 培训对象:学时 pairs, by the audiences' names.
    data = json.loads((ROOT / "instances" / "2024.json").read_text(encoding="utf-8"))
    data["projects"][2]["hours"] = 7.5
    data["policy"] |= {"hours_per_day": 6, "required_hours": {"pri": 72, "jun": 60}}
    instance = parse_instance(data)
    path = tmp_path / "plan.xlsx"
    write_workbook(path, instance)
    book = load_workbook(path)
    settings = {row[0]: row[1] for row in book[SETTINGS.zh].iter_rows(min_row=2,
                                                                      values_only=True)}
    assert settings["每天学时"] == 6
    assert settings["年度学时要求"] == "小学教师:72；初中教师:60"
    assert settings["权重：学时不足"] is None  # not given: its default, not written out
    projects = book[PROJECTS.zh]
    column = column_of(projects, "学时")
    hours = [cell.value for cell in next(projects.iter_cols(min_col=column, max_col=column))]
    assert hours[0] == "学时" and hours[3] == 7.5 and hours[14] == 60 and hours[1] is None
    assert load_instance(path) == instance


@pytest.mark.parametrize(("written", "read"), [
    (72, 72), ("72", 72), ("小学教师：72；初中教师:60", {"pri": 72, "jun": 60}),
    ("pri:72, 新招聘教师:40", {"pri": 72, "new": 40})])
def test_the_requirement_is_read_as_a_bureau_writes_it(workbook_2024, tmp_path, written, read):
    path = edited(workbook_2024, tmp_path / "plan.xlsx", {})
    book = load_workbook(path)
    settings = book[SETTINGS.zh]
    row = next(cells[0].row for cells in settings.iter_rows(min_row=2)
               if cells[0].value == "年度学时要求")
    settings.cell(row=row, column=2).value = written
    book.save(path)
    assert load_instance(path).policy.required_hours == read


def test_an_unknown_audience_in_the_requirement_is_named_by_its_cell(workbook_2024, tmp_path):
    path = edited(workbook_2024, tmp_path / "plan.xlsx", {})
    book = load_workbook(path)
    settings = book[SETTINGS.zh]
    row = next(cells[0].row for cells in settings.iter_rows(min_row=2)
               if cells[0].value == "年度学时要求")
    settings.cell(row=row, column=2).value = "小学老师:72"
    book.save(path)
    with pytest.raises(WorkbookError) as error:
        load_instance(path)
    assert any(problem.startswith(f"{SETTINGS.zh} 第{row}行 「年度学时要求」")
               and "「小学老师」不是培训对象表中的名称或编号" in problem
               for problem in said_all(error.value.said, "zh")), error.value.said
