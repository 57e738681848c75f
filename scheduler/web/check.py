"""Checking an upload in a process of its own: `python -m scheduler.web.check PATH NAME`.

Reading a workbook is work for the CPU and the memory: done in the web process it would stop
every other planner's page until it ends. Here it runs beside the server, with at most
`CHECK_MEMORY` of memory and `CHECK_SECONDS` of time; past either the upload is refused with a
sentence, and the server goes on. The process prints the instance's name and the problems as
JSON; a workbook with problems gets its marked-up copy beside it, as `schedule check` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path

from scheduler.web.processes import module_command

CHECK_SECONDS = 60.0
CHECK_MEMORY = 2 * 1024 ** 3
"""The memory a check may take (2 GB): a workbook within the upload limit and the reader's
limits needs a few hundred MB."""


async def check_upload(path: Path, name: str) -> tuple[str, list[str]]:
    """The instance's name and no problems, or the upload's name and every problem, as
    `schedule check` says them (the stored copy named as the planner's file)."""
    process = await asyncio.create_subprocess_exec(
        *module_command("scheduler.web.check", str(path), name, str(os.getpid())),
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"}, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), CHECK_SECONDS)
    except asyncio.TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return name, [f"{name}：检查超过 {CHECK_SECONDS:.0f} 秒仍未完成，已停止：文件太大或"
                      "太复杂，请删去多余的行和工作表后重新上传"]
    try:
        result = json.loads(output)
        return str(result["title"]), [str(problem) for problem in result["problems"]]
    except (ValueError, KeyError, TypeError):
        return name, [f"{name}：无法读取这个文件（内存超过 {CHECK_MEMORY // 1024 ** 3} GB 或文件"
                      "损坏），请检查后重新上传"]


def check(path: Path, name: str) -> tuple[str, list[str]]:
    """As `schedule check` does (`usecases.check_file`), a scenario file refused: its base
    names another file to read, which an upload must not choose."""
    from scheduler import usecases
    from scheduler.messages import said_all
    from scheduler.web import PAGE_LANGUAGE

    checked = usecases.check_file(path, PAGE_LANGUAGE, scenarios=False)
    if checked.instance is None:
        return name, [_named(problem, path, name)
                      for problem in said_all(checked.problems, PAGE_LANGUAGE)]
    return checked.instance.name, []


def _named(problem: str, path: Path, name: str) -> str:
    """A problem as the planner's file would be named in it, not the stored copy."""
    return problem.replace(str(path), name)


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows: the time limit alone
        return
    resource.setrlimit(resource.RLIMIT_AS, (CHECK_MEMORY, CHECK_MEMORY))


if __name__ == "__main__":
    from scheduler.children import die_with_parent

    die_with_parent(int(sys.argv[3]))
    _limit_memory()
    title, problems = check(Path(sys.argv[1]), sys.argv[2])
    print(json.dumps({"title": title, "problems": problems}, ensure_ascii=False))
