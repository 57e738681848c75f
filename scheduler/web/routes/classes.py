"""One class of a job's plan: where and who, and (in a process of its own) why it is there and
its best other placements."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from scheduler.web import views
from scheduler.web.server import Shared

log = logging.getLogger("scheduler.web")
router = APIRouter(prefix="/jobs/{job_id}/classes/{project_id}/{session}")


@router.get("", response_class=HTMLResponse)
def class_panel(request: Request, job_id: str, project_id: str, session: int,
                shared: Shared) -> HTMLResponse:
    job = shared.job(job_id)
    plan = shared.plans.plan(job)
    details = views.class_details(plan, project_id, session) if plan else None
    if details is None:
        raise HTTPException(404, "方案里没有这个班")
    return shared.page(request, "_class.html", job=job, details=details,
                       explain=f"/jobs/{job.id}/classes/{quote(project_id)}/{session}/explain")


@router.get("/explain", response_class=HTMLResponse)
async def class_explanation(request: Request, job_id: str, project_id: str, session: int,
                            shared: Shared) -> HTMLResponse:
    job = shared.job(job_id)
    plan = await run_in_threadpool(shared.plans.plan, job)
    if plan is None or views.class_details(plan, project_id, session) is None:
        raise HTTPException(404, "方案里没有这个班")
    try:
        explanation = await shared.class_panel.answer(
            views.input_path(shared.storage, job),
            shared.storage.out_dir(job.id) / "solution.json", project_id, session)
    except Exception:  # the panel says so where the planner waits, not a page of its own
        log.exception("explaining %s#%s of job %s", project_id, session, job.id)
        return shared.page(request, "_explanation.html", failed=True)
    return shared.page(request, "_explanation.html", **explanation)
