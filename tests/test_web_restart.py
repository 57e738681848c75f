"""A server killed in the middle of a solve loses nothing: its worker notices, stops the search
and writes the best plan so far; the restarted server shows the job stopped, with that plan."""

from __future__ import annotations

import io
import re
import signal

import httpx
import pytest
from openpyxl import load_workbook

from models import Solution, load_instance
from scheduler.core.validate import validate
from tests.web_server import ROOT, free_port, start_server, wait_for, with_token

M100 = ROOT / "instances" / "generated" / "m100.json"


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "stopped"])
def test_a_server_stopped_mid_solve_keeps_the_best_plan_after_a_restart(how, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path / "data", port)
    browser = httpx.Client()
    try:
        with_token(browser, f"{base}/")
        response = browser.post(f"{base}/upload", files={"file": ("m100.json",
                                                                  M100.read_bytes())})
        assert response.status_code == 303, response.text
        url = base + response.headers["location"]
        browser.post(f"{url}/solve", data={"time_limit": "300"})
        wait_for(lambda: re.search(r'id="best">[0-9,]+<', httpx.get(f"{url}/progress").text),
                 60, "a first plan")
    finally:
        server.send_signal(how)
        server.wait(60)
    server = start_server(tmp_path / "data", port)
    try:
        def stopped_page() -> str | None:
            text = httpx.get(url).text
            return text if 'id="status">已停止' in text else None

        page = wait_for(stopped_page, 60, "the job to show stopped")
        assert "保留了此前找到的最好方案" in page
        solution = Solution.model_validate_json(httpx.get(f"{url}/files/solution.json").text)
        assert solution.status.has_schedule
        assert validate(load_instance(M100), solution) == []
        workbook = httpx.get(f"{url}/files/plan.xlsx")
        assert workbook.status_code == 200
        load_workbook(io.BytesIO(workbook.content))
    finally:
        server.terminate()
        server.wait(60)
