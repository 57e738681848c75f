"""What the web tests share: the 2024 workbook, a real `schedule serve` in a process of its own,
and waiting for a job to reach a state."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx
from openpyxl import load_workbook

from models import load_instance
from models.workbook.write import write_workbook

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def workbook_2024(folder: Path) -> Path:
    """2024's instance as the planner's workbook (`schedule template --from`)."""
    path = folder / "2024.xlsx"
    write_workbook(path, load_instance(ROOT / "instances" / "2024.json"))
    return path


def with_bad_cell(source: Path, header: str, row: int, value: str,
                  out: Path) -> tuple[Path, int]:
    """A copy of the workbook `source` at `out` whose 项目 sheet has `value` in column
    `header`, row `row`: a workbook with one problem for the checker to find; and the number
    of that column."""
    book = load_workbook(source)
    sheet = book["项目"]
    column = next(cell.column for cell in sheet[1] if cell.value == header)
    sheet.cell(row=row, column=column).value = value
    book.save(out)
    return out, column


TOKEN = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def with_token(client: httpx.Client, url: str = "/") -> str:
    """Open a page of the server as a browser would (the session cookie is kept by `client`)
    and send the token of its forms with every later request; the token."""
    match = TOKEN.search(client.get(url).text)
    assert match, "the page has no form token"
    client.headers["X-CSRF-Token"] = match[1]
    return match[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(data_dir: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    """`schedule serve` on 127.0.0.1:`port`, answering pages when this returns."""
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "serve", "--port", str(port), "--data",
         str(data_dir), *extra], cwd=ROOT)
    wait_for(lambda: _answers(port) or process.poll() is not None, 30, "the server to start")
    assert process.poll() is None, "the server did not start"
    return process


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code in (200, 401)
    except httpx.TransportError:
        return False


def wait_for(check: Callable[[], T], seconds: float, what: str) -> T:
    """The first true value of `check`, tried every quarter second for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.25)
