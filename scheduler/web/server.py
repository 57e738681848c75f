"""What every page of the server shares, in one object kept on the application
(`app.state.server`): the jobs and their folders, the browsers' sessions, the job runner, the
plans read so far, the templates and the process that explains a class. The routers
(`scheduler.web.routes`) reach it through the `server` dependency."""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from scheduler.children import die_with_parent
from scheduler.web import views
from scheduler.web.changes import MAX_SCENARIOS
from scheduler.web.jobs import JobRunner
from scheduler.web.security import TOKEN_FIELD, TOKEN_HEADER, UPLOAD_LIMIT, Sessions, cross_site
from scheduler.web.storage import Job, Storage

HERE = Path(__file__).parent
TIME_LIMITS = (5, 3600)
"""The shortest and longest search a page may ask for, in seconds."""


class ClassPanelWorker:
    """The panel of a class searches for its alternatives: in a process of its own, one class
    at a time, never in the web process. A process that died is replaced at the next click."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None

    async def answer(self, *arguments: Any) -> dict[str, Any]:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=die_with_parent,
                                            initargs=(os.getpid(),))
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self.pool, views.class_explanation, *arguments)
        except BrokenProcessPool:
            self.pool = None
            raise

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


@dataclass
class Server:
    """The state of one server over the jobs kept in its data folder."""

    storage: Storage
    sessions: Sessions
    runner: JobRunner
    plans: views.PlanCache
    templates: Jinja2Templates
    class_panel: ClassPanelWorker = field(default_factory=ClassPanelWorker)

    @classmethod
    def over(cls, data_dir: Path, max_running: int | None = None) -> Server:
        storage = Storage(data_dir)
        sessions = Sessions(data_dir)
        templates = Jinja2Templates(directory=HERE / "templates")
        templates.env.globals.update(status_words=views.STATUS_WORDS,
                                     solution_words=views.SOLUTION_STATUS_WORDS,
                                     upload_mb=UPLOAD_LIMIT // (1024 * 1024),
                                     max_scenarios=MAX_SCENARIOS, time_limits=TIME_LIMITS,
                                     now=time.time)
        templates.env.globals["csrf"] = lambda request: sessions.token(request.state.session)
        templates.env.filters["when"] = _when
        templates.env.filters["number"] = _number
        return cls(storage, sessions, JobRunner(storage, max_running), views.PlanCache(storage),
                   templates)

    def page(self, request: Request, name: str, status_code: int = 200, **context: Any
             ) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)

    def job(self, job_id: str) -> Job:
        """The job of this id, made by this server; else the page says there is none."""
        job = self.storage.job(job_id)
        if job is None:
            raise HTTPException(404, "没有这个任务")
        return job


def server(request: Request) -> Server:
    return request.app.state.server  # type: ignore[no-any-return]


Shared = Annotated[Server, Depends(server)]


async def same_site(request: Request, shared: Shared) -> None:
    """A request that changes something must come from a page of this server: its Origin
    (or Referer) this server, and the token of the browser's session in its form."""
    if cross_site(request.headers):
        raise HTTPException(403, "拒绝来自其他网站的请求")
    token = request.headers.get(TOKEN_HEADER)
    if token is None:
        token = str((await request.form()).get(TOKEN_FIELD) or "")
    if not shared.sessions.valid(request.state.session, token):
        raise HTTPException(403, "页面已过期或来自其他网站：请刷新本服务的页面后重新提交")


FROM_OWN_PAGE = [Depends(same_site)]
"""The dependency of every route that changes something."""


def time_limit(text: str) -> float | None:
    """The search's seconds asked in a form, if within `TIME_LIMITS`."""
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if TIME_LIMITS[0] <= seconds <= TIME_LIMITS[1] else None


def _when(stamp: float | None) -> str:
    return dt.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else ""


def _number(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "—"
