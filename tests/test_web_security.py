"""What keeps `schedule serve` safe from other sites' pages and from bad files (issue 40): a
cross-site request refused with or without a password, a Host that is not the server refused,
no scenario (and so no path to another file) taken from an upload, the upload checked in a
process of its own, and a job runner that outlives a disk fault."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import scheduler.web.check
from scheduler.web import worker
from scheduler.web.app import create_app
from scheduler.web.jobs import JobRunner
from scheduler.web.storage import FAILED, PLAN, QUEUED, Storage
from tests.helpers import tiny_instance
from tests.web_server import wait_for, with_token

ORIGIN = "http://127.0.0.1"
TINY = json.dumps(tiny_instance(), ensure_ascii=False).encode()


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(tmp_path / "data", max_running=1), base_url=ORIGIN) as client:
        with_token(client)
        yield client


def test_an_upload_from_this_servers_page_is_taken(client):
    response = client.post("/upload", files={"file": ("计划.json", TINY)},
                           headers={"Origin": ORIGIN}, follow_redirects=False)
    assert response.status_code == 303
    assert "检查通过" in client.get(response.headers["location"]).text


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"},
                                     {"Origin": "null"},
                                     {"Referer": "http://evil.example/page.html"},
                                     {"Origin": "http://127.0.0.1:8081"}])
def test_a_cross_site_post_is_refused_even_with_the_token(client, tmp_path, headers):
    response = client.post("/upload", files={"file": ("计划.json", TINY)}, headers=headers)
    assert response.status_code == 403
    assert not list((tmp_path / "data" / "jobs").glob("*"))


def test_a_post_without_the_pages_token_is_refused(client, tmp_path):
    del client.headers["X-CSRF-Token"]
    response = client.post("/upload", files={"file": ("计划.json", TINY)},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 403
    forged = client.post("/upload", files={"file": ("计划.json", TINY)},
                         data={"csrf": "0" * 64})
    assert forged.status_code == 403
    assert not list((tmp_path / "data" / "jobs").glob("*"))


def test_the_token_is_in_the_form_of_the_page(client):
    del client.headers["X-CSRF-Token"]
    token = with_token(client)
    del client.headers["X-CSRF-Token"]
    response = client.post("/upload", files={"file": ("计划.json", TINY)},
                           data={"csrf": token}, follow_redirects=False)
    assert response.status_code == 303


def test_a_cross_site_post_is_refused_with_the_password_too(tmp_path):
    right = base64.b64encode("x:培训2024".encode()).decode()
    app = create_app(tmp_path / "data", password="培训2024")
    with TestClient(app, base_url=ORIGIN, headers={"Authorization": f"Basic {right}"}) as client:
        with_token(client)
        response = client.post("/upload", files={"file": ("计划.json", TINY)},
                               headers={"Origin": "http://evil.example"})
        assert response.status_code == 403
        del client.headers["X-CSRF-Token"]  # the browser sends the password, not the token
        response = client.post("/upload", files={"file": ("计划.json", TINY)})
        assert response.status_code == 403


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1.nip.io"])
def test_a_host_that_is_not_this_server_is_refused(client, host):
    for path in ("/", "/jobs/00000000-0000-4000-8000-000000000000/files/solution.json"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400
        assert "未知的地址" in response.text


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000",
                                  "192.168.1.20:8000"])
def test_an_address_or_the_servers_name_is_answered(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


def test_an_uploaded_scenario_cannot_read_another_file(client, tmp_path):
    secret = tmp_path / "config.json"
    secret.write_text(json.dumps({"db-password": "hunter2"}))
    scenario = {"schema": "training-scenario/1", "name": "s", "base": str(secret),
                "changes": []}
    response = client.post("/upload", files={"file": ("s.json", json.dumps(scenario))})
    assert response.status_code == 200
    assert "是方案（scenario）文件" in response.text
    assert "hunter2" not in response.text and "db-password" not in response.text


def test_an_upload_whose_check_runs_too_long_is_refused_and_the_server_goes_on(
        client, monkeypatch):
    monkeypatch.setattr(scheduler.web.check, "CHECK_SECONDS", 0.001)
    response = client.post("/upload", files={"file": ("计划.json", TINY)})
    assert "检查超过" in response.text
    assert client.get("/").status_code == 200


def test_the_runner_goes_on_after_a_disk_fault(tmp_path, monkeypatch):
    storage = Storage(tmp_path / "data")
    runner = JobRunner(storage, max_running=1)
    real = storage.jobs
    calls = []

    def jobs(*args, **kwargs):
        calls.append(1)
        if len(calls) <= 2:  # the disk is full for the first rounds
            raise sqlite3.OperationalError("database or disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(storage, "jobs", jobs)
    runner.start()
    try:
        wait_for(lambda: len(calls) > 6, 30, "the runner to go on past the fault")
        assert runner.thread.is_alive() and not runner.faulty
    finally:
        runner.shutdown()


def test_a_job_whose_outputs_cannot_be_written_fails_with_a_sentence(tmp_path, monkeypatch):
    storage = Storage(tmp_path / "data")
    job_id, folder = storage.new_folder()
    (folder / "input.json").write_bytes(TINY)
    storage.add(job_id, kind=PLAN, title="t", input_name="计划.json", input_file="input.json",
                status=QUEUED, time_limit=5)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("scheduler.export.formats.write_outputs", full)
    job = storage.job(job_id)
    assert job is not None
    worker.run_job(storage, job, 1)
    job = storage.job(job_id)
    assert job is not None and job.status == FAILED
    assert "No space left on device" in job.message and "磁盘已满" in job.message
    assert [path.name for path in Path(storage.out_dir(job_id)).iterdir()] == []


def test_a_name_given_with_name_is_answered(tmp_path):
    app = create_app(tmp_path / "data", names=["plans.school.example"])
    with TestClient(app, base_url="http://plans.school.example") as client:
        assert client.get("/").status_code == 200
        assert client.get("/", headers={"Host": "other.example"}).status_code == 400
