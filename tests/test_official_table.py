"""The official table in the bureau's own words (`number`, `audience_text`, `mode_text`,
`months_text`; docs/format.md): a published table imported and its plan printed gives back the
published cells, 全员 and the 合计 row, 类别 and 负责科室 only when given, the published order,
and a long cell folded by month. The published tables of tests/data/published are the reference.
"""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from models import Instance, Solution, load_instance, parse_instance
from models.published.table import read_published_table
from models.published.to_workbook import import_table
from models.workbook.layout import PROJECTS
from scheduler.analysis.class_costs import plan_costs
from scheduler.core.validate import validate
from scheduler.export.official_table import (
    CATEGORY_COLUMN,
    EVERYONE,
    official_table,
    plan_total,
    total_label,
)
from scheduler.export.xlsx import write_xlsx
from scheduler.search.solve import solve_by_hand
from tests.helpers import ROOT

PUBLISHED = ROOT / "tests" / "data" / "published"
WORDS = ("number", "audience_text", "mode_text", "months_text")


def _published_rows(name: str) -> dict[str, dict[str, str]]:
    """The published table's data rows by 序号, its merged 月份 filled down."""
    with (PUBLISHED / f"{name}.csv").open(encoding="utf-8-sig", newline="") as file:
        records = list(csv.reader(file))
    header = records[1]
    rows: dict[str, dict[str, str]] = {}
    month = ""
    for record in records[2:]:
        cells = dict(zip(header, record, strict=True))
        if not cells["序号"].isdigit():
            continue  # the title and header repeated over the second part
        month = cells["月份"] or month
        rows[cells["序号"]] = cells | {"月份": month}
    return rows


def _imported_words(tmp_path, table: str) -> list[dict[str, str | None]]:
    """The bureau's words of each project of the workbook `import-table` writes."""
    out = tmp_path / "imported.xlsx"
    import_table(PUBLISHED / table, out)
    sheet = openpyxl.load_workbook(out)[PROJECTS.title("zh")]
    headers = [cell.value for cell in sheet[1]]
    columns = {field: headers.index(PROJECTS.column(field).header("zh")) for field in WORDS}
    return [{field: row[column] for field, column in columns.items()}
            for row in sheet.iter_rows(min_row=2, values_only=True)]


def _without_words(path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    for project in data["projects"]:
        for field in WORDS:
            project.pop(field, None)
    return data


@pytest.fixture(scope="module")
def anshan() -> tuple[Instance, Solution]:
    instance = load_instance(ROOT / "instances" / "anshan-2022.json")
    solution = solve_by_hand(instance).solution
    assert validate(instance, solution) == []
    return instance, solution


def test_anshans_table_imported_and_printed_gives_back_the_published_cells(tmp_path):
    # The words come from the imported workbook only: the instance's own are taken out first.
    # Its 61 projects are the table's 61 rows, in order.
    words = _imported_words(tmp_path, "anshan-2022.csv")
    data = _without_words(ROOT / "instances" / "anshan-2022.json")
    assert len(words) == len(data["projects"]) == 61
    for project, imported in zip(data["projects"], words, strict=True):
        project |= {field: value for field, value in imported.items() if value is not None}
    instance = parse_instance(data)
    solution = solve_by_hand(instance).solution
    assert validate(instance, solution) == []
    table = official_table(instance, solution)
    printed = {str(row["序号"]): row for row in table.to_dict("records")}
    published = _published_rows("anshan-2022")
    assert len(published) == 61
    equal = [number for number, cells in published.items() if number in printed and all(
        printed[number][column] == cells[column] for column in ("培训对象", "培训方式", "月份"))]
    # Every row the plan holds is printed as published; a row can differ only by its project
    # being dropped from the plan (the hand method may leave one out), so it is not printed.
    dropped = {project.id for project in instance.projects} - {
        phase.project for phase in solution.sessions}
    assert set(published) - set(equal) == {
        instance.projects[int(number) - 1].number for number in published
        if instance.projects[int(number) - 1].id in dropped}
    assert len(equal) >= 58
    # In published order, 序号 as written.
    assert list(printed) == sorted(printed, key=int)


@pytest.mark.parametrize(("name", "table"), [("2024", "jianan-2024"),
                                           ("anshan-2022", "anshan-2022"),
                                           ("qianjiang-2022", "qianjiang-2022")])
def test_the_shipped_instances_carry_their_documents_words(name, table):
    # Each instance's projects are its table's first rows, in order (Qianjiang's 专项工作 at
    # the end of its table are no training projects, instances/README.md).
    instance = load_instance(ROOT / "instances" / f"{name}.json")
    rows = read_published_table(PUBLISHED / f"{table}.csv")
    for project, row in zip(instance.projects, rows, strict=False):
        assert (project.number, project.audience_text, project.mode_text,
                project.months_text) == (row.number, row.audience, row.mode_text,
                                         row.months_text), project.id
    # Jian'an's table has no 培训对象 column: its audiences are printed by name.
    assert any(project.audience_text for project in instance.projects) == (name != "2024")


def test_everyone_is_printed_as_such_and_left_out_of_the_total(anshan):
    instance, solution = anshan
    table = official_table(instance, solution)
    everyone = {project.name for project in instance.projects if project.headcount == "all"}
    scheduled = set(table["培训项目名称"])
    assert set(table.loc[table["参训人数"] == EVERYONE, "培训项目名称"]) == everyone & scheduled
    total = plan_total(instance, solution)
    numbers = [value for value in table["参训人数"] if value != EVERYONE]
    assert total.trainees == sum(numbers) == sum(
        int(project.headcount) for project in instance.projects
        if project.headcount != "all" and project.name in scheduled)
    assert total.everyone_rows == len(everyone & scheduled) > 0
    assert total_label(total, "zh") == f"合计（人次，不含全员项目{total.everyone_rows}项）"


def test_the_workbooks_total_row_counts_trainee_places_and_says_what_it_leaves_out(anshan,
                                                                                  tmp_path):
    instance, solution = anshan
    write_xlsx(instance, solution, tmp_path / "plan.xlsx",
               costs=plan_costs(instance, solution))
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    total = plan_total(instance, solution)
    for sheet in book.worksheets[:2]:
        headers = [cell.value for cell in sheet[2]]
        last = [cell.value for cell in sheet[sheet.max_row]]
        assert last[0] == total_label(total, "zh")
        assert last[headers.index("参训人数")] == total.trainees


def test_category_and_office_only_where_the_instance_gives_them(instance, solution):
    # 2024: no category, no office in the document, so no 类别 column and an empty 负责科室.
    table = official_table(instance, solution)
    assert CATEGORY_COLUMN not in table.columns
    assert set(table["负责科室"]) == {""}
    qianjiang = load_instance(ROOT / "instances" / "qianjiang-2022.json")
    plan = solve_by_hand(qianjiang).solution
    table = official_table(qianjiang, plan)
    assert list(table.columns)[:2] == [CATEGORY_COLUMN, "序号"]
    assert table[CATEGORY_COLUMN].tolist()[:3] == ["全员培训"] * 3
    # Qianjiang 1 is three sub-items under one number: each keeps it, in the table's order.
    assert table["序号"].tolist()[:4] == [1, 1, 1, 2]
    assert table["月份"].tolist()[:3] == ["3-12月", "5-9月", "10月"]


def test_without_the_bureaus_words_the_table_derives_them(instance, solution):
    data = _without_words(ROOT / "instances" / "2024.json")
    plain = parse_instance(data)
    table = official_table(plain, solution)
    assert table["序号"].tolist() == list(range(1, 15))
    starts = [min(phase.start for phase in solution.sessions if phase.project == project.id)
              for project in plain.projects]
    first = dict(zip((project.name for project in plain.projects), starts, strict=True))
    assert table["月份"].tolist() == [f"{first[name].month}月" for name in table["培训项目名称"]]
    assert set(table["培训方式"]) <= {"线下集中", "混合式（线上+线下）", "线上研修", "外出研修"}


def test_published_numbers_sort_as_numbers_and_unnumbered_projects_follow(tiny):
    data = tiny
    first = data["projects"][0]
    data["projects"] = [first | {"id": f"p{n}", "name": f"项目{n}", **number}
                        for n, number in ((1, {"number": "10"}), (2, {}), (3, {"number": "2"}))]
    instance = parse_instance(data)
    solution = solve_by_hand(instance).solution
    assert validate(instance, solution) == []
    table = official_table(instance, solution)
    assert table["培训项目名称"].tolist() == ["项目3", "项目1", "项目2"]
    assert table["序号"].tolist() == [2, 10, ""]


def test_twenty_lectures_fold_into_a_line_per_month(tiny):
    data = tiny
    project = data["projects"][0] | {"days": 1, "sessions": 20, "months": [3, 4]}
    data["projects"] = [project]
    instance = parse_instance(data)
    solution = solve_by_hand(instance).solution
    assert validate(instance, solution) == []
    cell = official_table(instance, solution)["培训时间"].iloc[0]
    months = sorted({phase.start.month for phase in solution.sessions})
    lines = cell.split("\n")
    assert len(lines) == len(months) <= 2
    for month, line in zip(months, lines, strict=True):
        starts = [phase.start for phase in solution.sessions if phase.start.month == month]
        assert line.startswith(f"{month}月{min(starts).day}日")
        assert line.endswith(f"（{len(starts)}个班）")
    assert sum(int(line.split("（")[-1].removesuffix("个班）")) for line in lines) == 20


def test_the_schema_and_a_bad_value_name_the_field(tiny):
    from models.instance import Instance as Model

    properties = Model.model_json_schema(by_alias=True)["$defs"]["Project"]["properties"]
    assert set(WORDS) <= set(properties)
    data = tiny
    data["projects"][0]["number"] = 23
    from models.parse import InputError

    with pytest.raises(InputError, match=r"projects\[0\]\.number"):
        parse_instance(data)
