"""`schedule serve` through its HTTP interface (FastAPI's TestClient): upload, check, solve in a
worker process, the plan and its downloads, scenarios and re-planning, and what keeps it safe:
the upload limit, job ids and file names that never reach the file system unchecked, the
password, and bad files answered as the command line answers them."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from models import Solution, load_instance
from models.workbook.marks import BAD_FILL
from scheduler.cli import main
from scheduler.core.validate import validate
from scheduler.web.app import create_app
from scheduler.web.security import UPLOAD_LIMIT
from tests.web_server import ROOT, wait_for, with_bad_cell, with_token, workbook_2024

SECONDS = "5"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve-data")


@pytest.fixture(scope="module")
def client(data_dir):
    with TestClient(create_app(data_dir, max_running=1), base_url="http://127.0.0.1") as client:
        with_token(client)
        yield client


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return workbook_2024(tmp_path_factory.mktemp("workbook"))


def upload(client: TestClient, name: str, content: bytes) -> str:
    """Upload a file; the job page it leads to."""
    response = client.post("/upload", files={"file": (name, content)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def finished(client: TestClient, url: str, seconds: float = 60) -> str:
    """Poll the job's progress as the page does until it ends; the job page then."""
    wait_for(lambda: "HX-Refresh" in client.get(f"{url}/progress").headers, seconds,
             f"{url} to finish")
    return client.get(url).text


@pytest.fixture(scope="module")
def solved(client, workbook) -> str:
    """2024's workbook uploaded and solved: its job page's address."""
    url = upload(client, "2024年培训计划.xlsx", workbook.read_bytes())
    assert "检查通过" in client.get(url).text
    # Up to a minute: the search ends once the plan is proven optimal (seconds when the
    # machine is free; longer under load, since p14's all-staff week moved p11 and p12).
    response = client.post(f"{url}/solve", data={"time_limit": "60"}, follow_redirects=False)
    assert response.status_code == 303
    page = finished(client, url, 120)
    assert "已完成" in page and "最优（已证明）" in page
    return url


def test_a_solved_workbook_shows_its_classes_and_every_output_downloads(client, solved,
                                                                        data_dir):
    page = client.get(solved).text
    instance = load_instance(ROOT / "instances" / "2024.json")
    for project in instance.projects:
        assert project.name in page
    names = re.findall(r'href="/jobs/[^/]+/files/([^"?]+)" download', page)
    assert {"solution.json", "plan.xlsx", "report.html", "plan.csv", "gantt.png",
            "calendar.ics"} <= set(names)
    workbook = client.get(f"{solved}/files/plan.xlsx")
    assert workbook.status_code == 200
    assert "attachment" in workbook.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert any(project.name in str(cell.value) for project in instance.projects
               for row in sheet.iter_rows() for cell in row)
    solution = Solution.model_validate_json(client.get(f"{solved}/files/solution.json").text)
    assert validate(instance, solution) == []
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{solved}/all.zip").content))
    assert sorted(archive.namelist()) == sorted(names)
    report = client.get(f"{solved}/files/report.html", params={"view": 1})
    assert report.headers["content-disposition"].startswith("inline")


def test_a_class_panel_says_where_and_who(client, solved):
    page = client.get(solved).text
    link = re.search(r'hx-get="(/jobs/[^"]+/classes/p01/1)"', page)
    assert link is not None
    panel = client.get(link.group(1)).text
    instance = load_instance(ROOT / "instances" / "2024.json")
    assert instance.project("p01").name in panel
    assert f"{link.group(1)}/explain" in panel
    assert client.get(f"{solved}/classes/p01/99").status_code == 404


def test_a_workbook_with_problems_is_reported_by_cell_with_a_marked_copy(client, workbook,
                                                                        tmp_path):
    broken, column = with_bad_cell(workbook, "参训人数", 3, "很多", tmp_path / "有错的计划.xlsx")
    url = upload(client, broken.name, broken.read_bytes())
    page = client.get(url).text
    assert "检查未通过" in page
    assert re.search(r"项目.{0,6}第 ?3 ?行.{0,10}参训人数", page), page
    copy = client.get(f"{url}/checked.xlsx")
    assert copy.status_code == 200
    assert "%E6%9C%89%E9%94%99%E7%9A%84%E8%AE%A1%E5%88%92.checked.xlsx" in \
        copy.headers["content-disposition"]
    marked = load_workbook(io.BytesIO(copy.content))
    assert marked["项目"].cell(row=3, column=column).fill.fgColor.rgb.endswith(
        BAD_FILL.fgColor.rgb[-6:])
    assert client.post(f"{url}/solve", data={"time_limit": SECONDS}).status_code == 409


@pytest.mark.parametrize(("name", "content", "said"), [
    ("计划.json", b"{bad", "计划.json: not valid JSON at line 1"),
    ("计划.xlsx", b"not a workbook", "计划.xlsx: 不是 Excel 工作簿"),
    ("计划.json", json.dumps({"schema": "training-instance/1"}).encode(), "计划.json"),
])
def test_a_bad_file_gets_the_command_lines_message_naming_the_planners_file(
        client, data_dir, name, content, said):
    page = client.get(upload(client, name, content)).text
    assert "检查未通过" in page and said in page
    assert str(data_dir) not in page and "Traceback" not in page


def test_only_workbooks_and_json_are_taken(client):
    response = client.post("/upload", files={"file": ("计划.docx", b"x")})
    assert response.status_code == 400
    assert "请上传 Excel 工作簿（.xlsx）或 JSON 实例（.json）" in response.text


def test_an_upload_over_the_limit_is_refused_saying_the_limit(client, data_dir):
    before = set((data_dir / "jobs").iterdir())
    response = client.post("/upload", files={"file": ("大.xlsx", b"0" * (UPLOAD_LIMIT + 1))})
    assert response.status_code == 413
    assert "10 MB" in response.text
    assert set((data_dir / "jobs").iterdir()) == before
    assert "10 MB" in client.get("/").text  # the page says the limit before


@pytest.mark.parametrize("path", [
    "/jobs/..%2F..%2Fetc%2Fpasswd",
    "/jobs/%2e%2e/files/solution.json",
    "/jobs/not-a-uuid",
    "/jobs/00000000-0000-0000-0000-000000000000",
    "/jobs/8F3C5E9A-1111-4222-8333-444455556666",  # a uuid, but not in the form made here
])
def test_a_job_id_not_made_here_reaches_nothing(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "没有这个任务" in response.text or "Not Found" in response.text


@pytest.mark.parametrize("name", [
    "../input.xlsx", "..%2Finput.xlsx", "%2e%2e/%2e%2e/jobs.sqlite3", "/etc/passwd",
    "%2Fetc%2Fpasswd", "calendars/../../input.xlsx", "..\\input.xlsx", ".solution.json.tmp",
])
def test_a_download_name_outside_the_outputs_reaches_nothing(client, solved, name):
    response = client.get(f"{solved}/files/{name}")
    assert response.status_code == 404
    assert b"PK" not in response.content[:2] and b"root:" not in response.content


def test_a_derived_job_refuses_a_folder_of_its_own_choosing(client, solved, data_dir):
    response = client.post(f"{solved}/compare", data={
        "s0_venue": "../../etc", "s0_venue_start": "2024-05-01", "s0_venue_end": "2024-05-31",
        "time_limit": SECONDS})
    assert response.status_code == 400
    assert "方案1" in response.text and "../../etc" in response.text
    assert not (data_dir.parent / "etc").exists()


def test_the_change_form_names_the_scenario_and_field_of_each_problem(client, solved):
    response = client.post(f"{solved}/compare", data={
        "s0_venue": "jxxx-hall", "s0_venue_start": "5月1日", "s0_venue_end": "",
        "s1_name": "乡村比例", "s1_quota": "2", "time_limit": SECONDS})
    assert response.status_code == 400
    assert "方案1：场地不可用的起止日期请按 2024-05-01 的格式填写" in response.text
    assert "乡村比例：乡村比例请填 0 到 1 之间的数" not in response.text  # named by its block
    assert "方案2：乡村比例请填 0 到 1 之间的数" in response.text


def test_scenarios_are_compared_side_by_side_with_the_plan(client, solved):
    response = client.post(f"{solved}/compare", data={
        "s0_name": "郭淑芳十月外出", "s0_trainer": "ja-t16", "s0_trainer_start": "2024-10-01",
        "s0_trainer_end": "2024-10-31", "s1_name": "乡村比例三成", "s1_quota": "0.3",
        "time_limit": "30"}, follow_redirects=False)
    assert response.status_code == 303
    url = response.headers["location"]
    page = finished(client, url, 240)
    assert "2/2 个方案有排期" in page
    table = client.get(f"{url}/files/compare.csv").content.decode("utf-8-sig")
    assert "郭淑芳十月外出" in table and "乡村比例三成" in table
    plan = Solution.model_validate_json(client.get(f"{url}/files/scenario-1/solution.json").text)
    assert not any("ja-t16" in row.trainers and row.start.month == 10 for row in plan.sessions)
    assert url.rsplit("/", 1)[1] in client.get(solved).text  # listed on the plan's page


def test_a_replan_keeps_what_was_held_before_today(client, solved):
    response = client.post(f"{solved}/replan", data={
        "today": "2024-06-01", "r_trainer": "ja-t07", "r_trainer_start": "2024-06-01",
        "r_trainer_end": "2024-12-31", "time_limit": SECONDS}, follow_redirects=False)
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    page = finished(client, url, 120)
    assert "与原方案相比" in page
    before = Solution.model_validate_json(client.get(f"{solved}/files/solution.json").text)
    after = Solution.model_validate_json(client.get(f"{url}/files/solution.json").text)
    assert after.replan is not None and str(after.replan.today) == "2024-06-01"
    held = {(row.project, row.session, row.phase): row for row in before.sessions
            if row.start.isoformat() < "2024-06-01"}
    assert held and all(row in after.sessions for row in held.values())
    assert not any("ja-t07" in row.trainers and row.end.isoformat() >= "2024-06-01"
                   for row in after.sessions)
    assert "changes.csv" in page


def test_a_queued_solve_waits_for_a_free_worker_and_can_be_called_off(client, workbook):
    first = upload(client, "一.xlsx", workbook.read_bytes())
    second = upload(client, "二.xlsx", workbook.read_bytes())
    for url in (first, second):
        client.post(f"{url}/solve", data={"time_limit": SECONDS})
    states = {url: client.get(f"{url}/progress").text for url in (first, second)}
    assert sum("排队中" in text for text in states.values()) >= 1  # at most one runs
    assert "求解进度" in client.get(first).text
    client.post(f"{second}/stop")
    assert "开始求解" in client.get(second).text or "已完成" in client.get(second).text
    finished(client, first)


def test_bad_solve_requests_are_said_plainly(client, solved):
    assert client.post(f"{solved}/solve", data={"time_limit": "abc"}).status_code == 400
    assert client.post(f"{solved}/solve", data={"time_limit": "999999"}).status_code == 400


def test_every_page_needs_the_password_when_one_is_set(tmp_path):
    app = create_app(tmp_path, password="培训2024")
    with TestClient(app, base_url="http://127.0.0.1") as client:
        for path in ("/", "/static/htmx.min.js", "/jobs/x"):
            response = client.get(path)
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith("Basic")
        wrong = base64.b64encode(b"x:guess").decode()
        assert client.get("/", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
        right = base64.b64encode("x:培训2024".encode()).decode()
        page = client.get("/", headers={"Authorization": f"Basic {right}"})
        assert page.status_code == 200 and "上传培训计划" in page.text


def test_serving_the_network_without_a_password_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--data",
                                       str(tmp_path / "data")], env={"SCHEDULE_PASSWORD": ""})
    assert result.exit_code == 2
    assert "--host 0.0.0.0: other computers can reach the server" in result.output
    assert not (tmp_path / "data").exists()


def test_htmx_is_served_from_here(client):
    script = client.get("/static/htmx.min.js")
    assert script.status_code == 200 and b"htmx" in script.content[:2000]
    page = client.get("/").text
    assert re.findall(r'(?:src|href)="(https?:[^"]+)"', page) == []


def test_a_project_that_cannot_run_is_said_in_chinese(client, tiny):
    # The search keeps its reasons in English; the page says them as the command line does.
    tiny["projects"].append(dict(tiny["projects"][0], id="p2", name="培训二",
                                 priority="mandatory", topics=["C"]))
    url = upload(client, "不能办.json", json.dumps(tiny, ensure_ascii=False).encode("utf-8"))
    response = client.post(f"{url}/solve", data={"time_limit": SECONDS}, follow_redirects=False)
    assert response.status_code == 303
    page = finished(client, url)
    assert "培训二（p2）：没有专家教C" in page
    assert "no trainer" not in page


def test_an_instance_without_a_plan_is_explained_in_chinese_as_the_command_line_does(
        client, tiny):
    # A mandatory project no trainer can teach: no plan at all. The job says why and the best
    # change, as `schedule solve` does, and keeps the whole explanation among its files.
    tiny["projects"].append(dict(tiny["projects"][0], id="p2", name="培训二",
                                 priority="mandatory", topics=["C"]))
    url = upload(client, "无方案.json", json.dumps(tiny, ensure_ascii=False).encode("utf-8"))
    client.post(f"{url}/solve", data={"time_limit": SECONDS}, follow_redirects=False)
    page = finished(client, url)
    outcome = re.search(r'<p id="outcome">(.*?)</p>', page, re.S)
    assert outcome is not None
    said = outcome.group(1)
    assert "没有满足全部规则和必办项目的方案（培训二（p2）：没有专家教C）" in said
    assert "能得到方案的最佳修改：请专家张老师（t1）也教C。" in said
    assert not re.search(r"[A-Za-z]{4,}", said.replace("explain.txt", ""))  # no English
    explanation = client.get(f"{url}/files/explain.txt")
    assert explanation.status_code == 200 and "培训二" in explanation.text
