"""What is derived from a job's plan: the change form's scenario blocks, a comparison of
scenarios and a re-plan, each a job of its own in a folder of its own."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from scheduler import InputError, usecases
from scheduler.messages import said_all
from scheduler.web import PAGE_LANGUAGE
from scheduler.web.changes import MAX_SCENARIOS, ChangeBlock, read_block, read_blocks
from scheduler.web.server import FROM_OWN_PAGE, TIME_LIMITS, Server, Shared, time_limit
from scheduler.web.storage import COMPARE, DONE, PLAN, QUEUED, STOPPED, Job, Storage
from scheduler.web.worker import BASELINE_FILE

router = APIRouter(prefix="/jobs/{job_id}")


@router.get("/scenario-block", response_class=HTMLResponse)
def scenario_block(request: Request, job_id: str, shared: Shared, index: int = 0
                   ) -> HTMLResponse:
    job = shared.job(job_id)
    plan = shared.plans.plan(job)
    if plan is None or not 0 <= index < MAX_SCENARIOS:
        raise HTTPException(404, "没有这个方案")
    return shared.page(request, "_changes.html", instance=plan.instance, prefix=f"s{index}_",
                       label=f"方案{index + 1}", named=True)


@router.post("/compare", dependencies=FROM_OWN_PAGE)
async def compare(request: Request, job_id: str, shared: Shared) -> Response:
    job = shared.job(job_id)
    form = {key: str(value) for key, value in (await request.form()).items()}
    blocks = read_blocks(form, MAX_SCENARIOS)
    problems = [problem for block in blocks for problem in block.problems]
    names = [block.name for block in blocks]
    problems += [f"{name}：两个方案同名，请换一个名字" for name in set(names)
                 if names.count(name) > 1]
    if not blocks:
        problems.append("请至少为一个方案填写一项变化")
    return _start(request, shared, job, form, problems, COMPARE, "方案对比", blocks, {})


@router.post("/replan", dependencies=FROM_OWN_PAGE)
async def replan(request: Request, job_id: str, shared: Shared) -> Response:
    job = shared.job(job_id)
    form = {key: str(value) for key, value in (await request.form()).items()}
    block = read_block(form, "r_", "重新排期")
    problems = list(block.problems)
    today = form.get("today", "").strip()
    if today and not usecases.is_date(today):
        problems.append("重新排期：“今天”请按 2024-05-01 的格式填写")
    if not today and not block.changes:
        problems.append("重新排期：请填写今天的日期，或至少一项变化")
    return _start(request, shared, job, form, problems, PLAN, "重新排期", [block],
                  {"today": today or None})


def _start(request: Request, shared: Server, job: Job, form: dict[str, str],
           problems: list[str], kind: str, what: str, blocks: list[ChangeBlock],
           options: dict[str, Any]) -> Response:
    """Queue a comparison or re-plan of `job`'s plan, or say what is wrong in the form."""
    seconds = time_limit(form.get("time_limit", ""))
    if seconds is None:
        problems.append(f"求解时间请填 {TIME_LIMITS[0]} 到 {TIME_LIMITS[1]} 秒")
    if problems or seconds is None:
        return _form_problems(request, shared, job, problems)
    child = _derived_job(shared.storage, job, kind, f"{job.title} · {what}", blocks, seconds,
                         options)
    if isinstance(child, list):
        return _form_problems(request, shared, job, child)
    shared.runner.nudge()
    return RedirectResponse(f"/jobs/{child}", status_code=303)


def _derived_job(storage: Storage, job: Job, kind: str, title: str, blocks: list[ChangeBlock],
                 seconds: float, options: dict[str, Any]) -> str | list[str]:
    """A re-plan or comparison of `job`'s plan: its input, the plan it starts from and one
    scenario file per block are copied into a folder of its own, and each scenario is read
    as the worker will read it. The new job's id, queued; or the problems, nothing kept."""
    baseline = storage.out_dir(job.id) / "solution.json"
    if job.status not in (DONE, STOPPED) or not baseline.exists():
        return ["这个任务还没有方案"]
    job_id, folder = storage.new_folder()
    base = folder / f"base{Path(job.input_file).suffix}"
    shutil.copyfile(storage.folder(job.id) / job.input_file, base)
    shutil.copyfile(baseline, folder / BASELINE_FILE)
    problems, names = [], []
    for index, block in enumerate(blocks):
        path = folder / f"scenario-{index + 1}.json"
        usecases.write_scenario(path, block.name, base.name, block.changes)
        names.append(path.name)
        try:
            usecases.load_file(path)
        except InputError as error:
            problems += [f"{block.name}：{problem}"
                         for problem in said_all(error.said, PAGE_LANGUAGE)]
    if problems:
        shutil.rmtree(folder)
        return problems
    if kind == COMPARE:
        storage.add(job_id, kind=COMPARE, parent=job.id, title=title, input_name=job.input_name,
                    input_file=base.name, status=QUEUED, time_limit=seconds,
                    options={**options, "scenarios": names,
                             "labels": [block.name for block in blocks]})
    else:
        storage.add(job_id, kind=PLAN, parent=job.id, title=title, input_name=job.input_name,
                    input_file=names[0], status=QUEUED, time_limit=seconds,
                    options={**options, "changes": blocks[0].changes})
    return job_id


def _form_problems(request: Request, shared: Server, job: Job, problems: list[str]
                   ) -> Response:
    return shared.page(request, "error.html", 400, message="表单有问题，请返回修改：",
                       problems=problems, back=f"/jobs/{job.id}")
