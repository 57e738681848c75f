"""Reading a bureau's published table (models/published/table.py) from the three transcribed
in tests/data/published, as CSV and as workbook, and the errors a planner can act on. The counts
and values below were checked by hand against the documents in shared/seeds."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from models.parse import InputError
from models.published.table import TableProject, read_published_table

PUBLISHED = Path(__file__).parent / "data" / "published"
COUNTS = {"qianjiang-2022": 30, "anshan-2022": 61, "jianan-2024": 14}
"""Projects in each table: Qianjiang 18 numbered training projects, 22 rows with their sub-items
and parts, and 8 rows of 专项工作 (special tasks); Anshan 1-61; Jian'an 1-14."""


@cache
def projects(name: str, suffix: str = ".csv") -> list[TableProject]:
    return read_published_table(PUBLISHED / f"{name}{suffix}")


def at(name: str, row: int) -> TableProject:
    """The project read from the file's row `row` (its first)."""
    return next(project for project in projects(name) if project.rows[0] == row)


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows(rows)
    return path


@pytest.mark.parametrize("name", COUNTS)
def test_csv_and_workbook_read_the_same_projects(name):
    assert len(projects(name)) == COUNTS[name]
    assert projects(name, ".xlsx") == projects(name)


@pytest.mark.parametrize("name", COUNTS)
def test_title_header_and_note_rows_are_not_projects(name):
    rows = [row for project in projects(name) for row in project.rows]
    assert sorted(rows) == rows and len(set(rows)) == len(rows)
    assert rows[0] == 3  # title in row 1, header in row 2
    if name == "anshan-2022":
        assert not {32, 33} & set(rows)  # the title and the header again, over the second part


def test_qianjiang_sub_items_under_one_number():
    first, second = at("qianjiang-2022", 3), at("qianjiang-2022", 4)
    assert first.name == "师德师风专题教育活动·师德大讲坛"
    assert (first.months, first.headcount, first.mode) == (list(range(3, 13)), 6000, "offline")
    assert first.category == "全员培训" and first.audience == "中小学教师"
    assert first.guesses == {"mode": "「集中+片区」按线下集中"}
    assert second.name == "师德师风专题教育活动·师德师风主题演讲"
    assert (second.months, second.headcount, second.category) == ([5, 6, 7, 8, 9], 6000, "全员培训")


def test_qianjiang_parts_without_names_of_their_own():
    primary, junior = at("qianjiang-2022", 6), at("qianjiang-2022", 7)
    assert primary.name == "基于信息化教学的教师专业能力提升培训（小学语数英科学）"
    assert junior.name == "基于信息化教学的教师专业能力提升培训（初中语数英理化）"
    assert (junior.rows, junior.months, junior.headcount) == ((7,), [7, 8], 500)
    online, in_person = at("qianjiang-2022", 9), at("qianjiang-2022", 10)
    assert online.name == "信息技术应用能力提升工程2.0（网络研修）"
    assert (online.mode, online.headcount, online.guesses) == ("online", 4000, {})
    assert in_person.name == "信息技术应用能力提升工程2.0（集中+校本+考核）"
    assert in_person.audience == "中小学教师"  # the merged cell above
    assert in_person.months == [3, 4, 5, 6]
    assert (in_person.headcount, in_person.mode) == (2200, "offline")


def test_qianjiang_modes_and_groups():
    mental = at("qianjiang-2022", 11)
    assert (mental.mode, mental.category, mental.months) == ("blended", "专项培训", [5])
    assert mental.guesses == {"mode": "「集中+网络+实践+考核」兼有线上与线下，按混合式"}
    assert at("qianjiang-2022", 15).mode == "offline" and at("qianjiang-2022", 15).guesses == {}
    members = at("qianjiang-2022", 20)  # 序号 14 beside the merged 专题培训 of 13
    assert members.name == "专题培训·学校党组织班子成员培训" and members.category == "干部培训"
    visit = at("qianjiang-2022", 21)
    assert (visit.mode, visit.months) == ("offsite", [7, 8])
    task = at("qianjiang-2022", 26)
    assert task.name == "校本研修·乡村学校教师发展示范校建设" and task.category == "专项工作"
    assert (task.headcount, task.months) == (None, list(range(2, 13)))
    assert "headcount" not in task.guesses
    assert task.guesses["mode"] == "「培训、指导」未见方式词，按线下集中"


def test_anshan_merged_months_and_values():
    first = at("anshan-2022", 3)
    assert first.name == "2022年寒假全市中小学（幼儿园）教师在线培训"
    assert (first.months, first.headcount, first.mode) == ([2], "all", "online")
    assert first.office == "教师科"
    assert first.guesses == {}
    fifth = at("anshan-2022", 7)  # the month cell merged with 2月
    assert (fifth.months, fifth.headcount, fifth.mode) == ([2], 900, "online")
    eighteenth = at("anshan-2022", 20)  # the month cell merged with 4月 of row 12
    assert eighteenth.name == "体音美学科教师专业技能培训、岗位练兵（4月、5月）"
    assert (eighteenth.months, eighteenth.headcount, eighteenth.mode) == ([4], 2000, "blended")
    assert eighteenth.guesses == {"mode": "「线上、线下」兼有线上与线下，按混合式"}
    thirtieth = at("anshan-2022", 34)  # under the repeated header
    assert (thirtieth.months, thirtieth.headcount) == ([7], "all")
    assert at("anshan-2022", 65).months == [12] and at("anshan-2022", 65).headcount == 40
    assert [project.months for project in projects("anshan-2022")].count([4]) == 9


def test_anshan_guesses():
    eighth = at("anshan-2022", 10)
    assert eighth.headcount is None
    assert eighth.guesses == {"headcount": "「全市园长 教师」不是人数，留空待填"}
    ninth = at("anshan-2022", 11)
    assert ninth.mode == "offsite"
    assert ninth.guesses == {"mode": "「线下（跟岗）」有外出、跟岗或访学，按外出研修"}
    tenth = at("anshan-2022", 12)
    assert (tenth.mode, tenth.months, tenth.headcount) == ("offline", [4], 70)
    assert tenth.guesses == {"mode": "「专家引领、论坛研讨」按线下集中"}
    away = at("anshan-2022", 41)  # 外出: an alias, certain
    assert (away.mode, away.guesses, away.headcount) == ("offsite", {}, 40)


def test_jianan_values():
    first = at("jianan-2024", 3)
    assert first.name == "区级中小学骨干教师、名师培训（第四期）"
    assert (first.months, first.headcount, first.mode, first.venue) == ([4], 300, "blended", None)
    assert first.guesses == {"mode": "「线上研修、线下送教」兼有线上与线下，按混合式"}
    assert at("jianan-2024", 4).mode == "offline"
    assert at("jianan-2024", 4).guesses == {"mode": "「同课异构、专家讲座互动交流」按线下集中"}
    staged = at("jianan-2024", 5)
    assert (staged.months, staged.headcount, "months" in staged.guesses) == (None, 50, False)
    ethics = at("jianan-2024", 9)
    assert (ethics.months, ethics.headcount, ethics.mode) == ([7], "all", "online")
    assert ethics.guesses == {}
    newcomers = at("jianan-2024", 11)
    assert (newcomers.months, newcomers.headcount, newcomers.mode) == ([8], 120, "offline")
    assert newcomers.guesses == {"headcount": "「约120人」是约数，按120人"}
    assert projects("jianan-2024")[-1].rows == (16,)  # the 备注 row 17 is no project


def test_continuation_row_without_values_joins_the_row_above(tmp_path):
    path = write_csv(tmp_path / "plan.csv", [
        ["序号", "月份", "培训项目名称", "培训对象", "培训方式", "参训人数"],
        ["1", "3月", "新教师培训", "新入职教师、", "线下", "80"],
        ["", "", "", "转岗教师", "", ""],
        ["2", "", "班主任培训", "班主任", "线上研修", "全员"],
        ["", "", "", "", "", "40"],
    ])
    first, second, third = read_published_table(path)
    assert (first.rows, first.audience, first.months) == ((2, 3), "新入职教师、转岗教师", [3])
    assert (second.name, second.months, second.headcount) == ("班主任培训（全员）", [3], "all")
    assert (third.name, third.rows, third.audience, third.headcount) == (
        "班主任培训（40）", (5,), "班主任", 40)


def test_gb18030_csv_and_unreadable_months(tmp_path):
    rows = [["序号", "项目名称", "培训时间", "培训人数（人）"], ["1", "校长培训", "春季", "约50人"]]
    (project,) = read_published_table(write_csv(tmp_path / "plan.csv", rows, "gb18030"))
    assert (project.name, project.months, project.headcount) == ("校长培训", None, 50)
    assert project.guesses["months"] == "「春季」读不出月份，留空待填"


def test_no_header_row_names_the_file(tmp_path):
    path = write_csv(tmp_path / "notes.csv", [["2024年培训安排"], ["1", "新教师培训", "8月"]])
    with pytest.raises(InputError) as raised:
        read_published_table(path)
    (message,) = raised.value.problems
    assert str(path) in message and "no header row" in message


def test_no_header_row_in_a_workbook_names_the_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "计划"
    book.active.append(["1", "新教师培训", "8月"])
    book.save(tmp_path / "plan.xlsx")
    with pytest.raises(InputError) as raised:
        read_published_table(tmp_path / "plan.xlsx")
    assert raised.value.problems == [f"{tmp_path / 'plan.xlsx'} (sheet '计划'): no header row "
                                     f"found: no row names at least three columns such as 序号, "
                                     f"项目名称, 月份, 培训对象, 培训方式, 参训人数"]


def test_no_name_column_names_the_file(tmp_path):
    path = write_csv(tmp_path / "plan.csv", [["序号", "月份", "参训人数"], ["1", "8月", "80"]])
    with pytest.raises(InputError, match="has no 项目名称") as raised:
        read_published_table(path)
    assert str(path) in raised.value.problems[0] and "row 1" in raised.value.problems[0]


@pytest.mark.parametrize("name", ["missing.csv", "missing.xlsx"])
def test_missing_file_names_the_file(tmp_path, name):
    with pytest.raises(InputError) as raised:
        read_published_table(tmp_path / name)
    (message,) = raised.value.problems
    assert message.startswith(f"{tmp_path / name}: cannot read the file")


def test_broken_workbook_and_other_files_name_the_file(tmp_path):
    (tmp_path / "plan.xlsx").write_bytes(b"not a zip")
    (tmp_path / "plan.doc").write_bytes(b"")
    for path in (tmp_path / "plan.xlsx", tmp_path / "plan.doc"):
        with pytest.raises(InputError) as raised:
            read_published_table(path)
        assert raised.value.problems[0].startswith(f"{path}: ")


def test_a_hours_column_is_read_when_the_table_has_one(tmp_path):
    path = write_csv(tmp_path / "plan.csv", [
        ["序号", "月份", "培训项目名称", "培训对象", "培训方式", "参训人数", "学时"],
        ["1", "3月", "新教师培训", "新入职教师", "线下", "80", "24学时"],
        ["2", "10月", "继续教育岗位培训", "全体教师", "线上研修", "全员", "60"],
        ["3", "5月", "班主任培训", "班主任", "线下", "40", "若干"],
        ["4", "6月", "校长培训", "校长", "线下", "30", ""],
    ])
    projects = read_published_table(path)
    assert [project.hours for project in projects] == [24, 60, None, None]
    assert projects[2].guesses == {"hours": "「若干」读不出学时，留空（按天数计）"}


def test_import_table_writes_the_hours_into_the_workbook(tmp_path):
    from models.published.to_workbook import import_table
    from models.workbook.layout import PROJECTS

    path = write_csv(tmp_path / "plan.csv", [
        ["序号", "月份", "培训项目名称", "培训对象", "培训方式", "参训人数", "学时"],
        ["1", "3月", "新教师培训", "新入职教师", "线下", "80", "24"],
        ["2", "5月", "班主任培训", "班主任", "线下", "40", ""],
    ])
    import_table(path, tmp_path / "plan.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx")[PROJECTS.zh]
    column = next(cell.column for cell in sheet[1] if cell.value == "学时")
    assert [sheet.cell(row=row, column=column).value for row in (2, 3)] == [24, None]
