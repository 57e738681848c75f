"""Take docs/serve.png, the README's picture of `schedule serve`: 2024's workbook uploaded and
solved, one class's panel open. Needs chromium (Debian's) and the playwright pip package.

    python scripts/serve_screenshot.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from models import load_instance
from models.workbook.write import write_workbook

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "serve.png")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "2024年培训计划.xlsx"
        write_workbook(workbook, load_instance(ROOT / "instances" / "2024.json"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "scheduler.cli", "serve", "--port",
                                   str(port), "--data", str(Path(folder) / "data")], cwd=ROOT)
        try:
            time.sleep(3)
            _shoot(f"http://127.0.0.1:{port}", workbook, arguments.chromium, arguments.out)
        finally:
            server.terminate()
            server.wait()
    print(f"wrote {arguments.out}")


def _shoot(url: str, workbook: Path, chromium: str, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.set_default_timeout(120_000)
        page.goto(url)
        page.set_input_files("input[name=file]", str(workbook))
        page.get_by_role("button", name="上传并检查").click()
        page.wait_for_url(re.compile(r"/jobs/"))
        page.fill("input[name=time_limit]", "10")
        page.get_by_role("button", name="开始求解").click()
        page.wait_for_selector("text=各班安排")
        page.locator("tr", has_text="（第1班）").first.get_by_role("button", name="说明").click()
        page.locator("#class-panel .explanation").wait_for()
        page.locator("text=各班安排").scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out), full_page=False)
        browser.close()


if __name__ == "__main__":
    main()
