"""A job's page, its solve, its progress and its stop."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from scheduler import usecases
from scheduler.web import views
from scheduler.web.server import FROM_OWN_PAGE, TIME_LIMITS, Shared, time_limit
from scheduler.web.storage import INVALID, PLAN, QUEUED, READY, Job, Storage

router = APIRouter(prefix="/jobs/{job_id}")


@router.get("", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, shared: Shared) -> HTMLResponse:
    storage = shared.storage
    job = shared.job(job_id)
    context: dict[str, Any] = {"job": job, "files": views.output_files(storage, job),
                               "children": storage.jobs(parent=job.id),
                               "parent": storage.job(job.parent) if job.parent else None}
    if job.status == INVALID:
        context["checked"] = views.checked_copy(storage, job) is not None
    elif job.kind == PLAN:
        plan = shared.plans.plan(job) if job.finished else None
        context["plan"] = plan
        if plan is not None and plan.solution.status.has_schedule:
            context["classes"] = views.class_rows(plan)
        if job.status == READY or plan is not None:
            context["instance"] = plan.instance if plan else usecases.load_file(
                views.input_path(storage, job))
    return shared.page(request, "job.html", **context)


@router.post("/solve", dependencies=FROM_OWN_PAGE)
async def solve(request: Request, job_id: str, shared: Shared) -> Response:
    job = shared.job(job_id)
    form = await request.form()
    seconds = time_limit(str(form.get("time_limit", "")))
    if seconds is None:
        raise HTTPException(400, f"求解时间请填 {TIME_LIMITS[0]} 到 {TIME_LIMITS[1]} 秒")
    if not shared.storage.queue(job.id, seconds):
        raise HTTPException(409, "这个任务现在不能求解（检查未通过，或已在排队或求解中）")
    shared.runner.nudge()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/progress", response_class=HTMLResponse)
def progress(request: Request, job_id: str, shared: Shared) -> HTMLResponse:
    job = shared.job(job_id)
    response = shared.page(request, "_progress.html", job=job,
                           ahead=_queued_ahead(shared.storage, job))
    if not job.active:
        response.headers["HX-Refresh"] = "true"
    return response


@router.post("/stop", dependencies=FROM_OWN_PAGE)
def stop(request: Request, job_id: str, shared: Shared) -> Response:
    job = shared.job(job_id)
    shared.storage.request_stop(job.id)
    if request.headers.get("HX-Request"):
        return progress(request, job.id, shared)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _queued_ahead(storage: Storage, job: Job) -> int:
    if job.status != QUEUED:
        return 0
    return sum(1 for other in storage.jobs(status=(QUEUED,)) if other.created < job.created)
