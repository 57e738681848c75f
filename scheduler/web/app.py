"""The web pages of `schedule serve`: upload → check → solve → look → compare.

Routes (every job id is checked to be one this server made before anything is read):

    GET  /                                 upload form, and the jobs so far
    POST /upload                           store and check an instance (.xlsx or .json)
    GET  /jobs/{id}                        the job: its check report, progress, or plan
    POST /jobs/{id}/solve                  queue the solve (time limit in seconds)
    GET  /jobs/{id}/progress               the progress fragment the page polls
    POST /jobs/{id}/stop                   stop the search and keep the best plan
    GET  /jobs/{id}/checked.xlsx           the workbook with its problems marked
    GET  /jobs/{id}/files/{name}           one output file (?view=1 shows it in the page)
    GET  /jobs/{id}/all.zip                every output file
    GET  /jobs/{id}/classes/{p}/{session}  one class: where, who, and (…/explain) why and
                                           its alternatives
    GET  /jobs/{id}/scenario-block         one more scenario block for the change form
    POST /jobs/{id}/compare                compare scenarios of the plan, side by side
    POST /jobs/{id}/replan                 re-plan after a change, keeping what was held
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import multiprocessing
import os
import shutil
import sqlite3
import time
import zipfile
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from models import InputError, load_instance
from models.fields import parse_date
from models.scenario import SCENARIO_SCHEMA, load_scenario
from scheduler.children import die_with_parent
from scheduler.messages import said_all
from scheduler.web import PAGE_LANGUAGE, views
from scheduler.web.changes import MAX_SCENARIOS, ChangeBlock, read_block, read_blocks
from scheduler.web.check import check_upload
from scheduler.web.jobs import JobRunner
from scheduler.web.security import (
    TOKEN_FIELD,
    TOKEN_HEADER,
    UPLOAD_LIMIT,
    BodyLimit,
    HostAllowed,
    PasswordRequired,
    SessionCookie,
    Sessions,
    cross_site,
    own_names,
)
from scheduler.web.storage import COMPARE, DONE, INVALID, PLAN, QUEUED, READY, STOPPED, Storage
from scheduler.web.worker import BASELINE_FILE

HERE = Path(__file__).parent
SUFFIXES = (".xlsx", ".json")
TIME_LIMITS = (5, 3600)
"""The shortest and longest search a page may ask for, in seconds."""
log = logging.getLogger("scheduler.web")


def create_app(data_dir: Path, *, password: str | None = None,
               max_running: int | None = None, host: str = "127.0.0.1",
               names: Iterable[str] = ()) -> FastAPI:
    """The web application over the jobs kept in `data_dir`; with `password`, every request
    needs it. It answers only requests whose Host is an address or its own name (`host`, the
    name it listens on, among them), and a state-changing request only from its own pages
    (`security.same_site`). Its lifespan starts and stops the job runner."""
    storage = Storage(data_dir)
    sessions = Sessions(data_dir)
    runner = JobRunner(storage, max_running)
    plans = views.PlanCache(storage)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(status_words=views.STATUS_WORDS,
                                 solution_words=views.SOLUTION_STATUS_WORDS,
                                 upload_mb=UPLOAD_LIMIT // (1024 * 1024),
                                 max_scenarios=MAX_SCENARIOS, time_limits=TIME_LIMITS,
                                 now=time.time)
    templates.env.globals["csrf"] = lambda request: sessions.token(request.state.session)
    templates.env.filters["when"] = _when
    templates.env.filters["number"] = _number

    explainer = _Explainer()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner.start()
        yield
        runner.shutdown()
        explainer.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.storage, app.state.runner = storage, runner
    app.add_middleware(BodyLimit)
    app.add_middleware(SessionCookie)
    if password:
        app.add_middleware(PasswordRequired, password=password)
    app.add_middleware(HostAllowed, names=own_names(host, *names))  # outermost: checked first

    async def same_site(request: Request) -> None:
        """A request that changes something must come from a page of this server: its Origin
        (or Referer) this server, and the token of the browser's session in its form."""
        if cross_site(request.headers):
            raise HTTPException(403, "拒绝来自其他网站的请求")
        token = request.headers.get(TOKEN_HEADER)
        if token is None:
            token = str((await request.form()).get(TOKEN_FIELD) or "")
        if not sessions.valid(request.state.session, token):
            raise HTTPException(403, "页面已过期或来自其他网站：请刷新本服务的页面后重新提交")

    from_own_page = [Depends(same_site)]
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(request: Request, name: str, status_code: int = 200, **context: Any
             ) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def job_or_404(job_id: str) -> Any:
        job = storage.job(job_id)
        if job is None:
            raise HTTPException(404, "没有这个任务")
        return job

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return page(request, "error.html", error.status_code, message=error.detail)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        return page(request, "error.html", 400, message="请求不完整：请从页面上的表单提交")

    @app.exception_handler(Exception)
    async def broken(request: Request, error: Exception) -> Response:
        log.exception("error on %s", request.url.path)
        return page(request, "error.html", 500,
                    message="服务出错了；已记在服务的输出里。请刷新页面重试，或联系管理员")

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return page(request, "index.html", jobs=_uploads(storage))

    @app.post("/upload", dependencies=from_own_page)
    async def upload(request: Request, file: UploadFile) -> Response:
        name = _display_name(file.filename or "")
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            return page(request, "index.html", 400, jobs=_uploads(storage),
                        problems=[f"{name or '上传的文件'}：请上传 Excel 工作簿（.xlsx）或 "
                                  f"JSON 实例（.json）"])
        data = await file.read(UPLOAD_LIMIT + 1)
        if len(data) > UPLOAD_LIMIT:
            return page(request, "index.html", 413, jobs=_uploads(storage),
                        problems=[f"{name}：文件超过 {UPLOAD_LIMIT // (1024 * 1024)} MB"])
        folder = None
        try:
            job_id, folder = storage.new_folder()
            stored = folder / f"input{suffix}"
            stored.write_bytes(data)
            title, problems = await check_upload(stored, name)
            storage.add(job_id, kind=PLAN, title=title, input_name=name,
                        input_file=stored.name, status=INVALID if problems else READY,
                        problems=problems)
        except (OSError, sqlite3.Error) as error:  # a full or read-only --data folder
            log.error("storing an upload: %s", error)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            return page(request, "index.html", 507, jobs=_safe_uploads(storage),
                        problems=[f"{name}：服务器无法保存上传的文件（磁盘已满或不可写），"
                                  "请联系管理员"])
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str) -> HTMLResponse:
        job = job_or_404(job_id)
        context: dict[str, Any] = {"job": job, "files": views.output_files(storage, job),
                                   "children": storage.jobs(parent=job.id),
                                   "parent": storage.job(job.parent) if job.parent else None}
        if job.status == INVALID:
            context["checked"] = views.checked_copy(storage, job) is not None
        elif job.kind == PLAN:
            plan = plans.plan(job) if job.finished else None
            context["plan"] = plan
            if plan is not None and plan.solution.status.has_schedule:
                context["classes"] = views.class_rows(plan)
            if job.status == READY or plan is not None:
                context["instance"] = plan.instance if plan else load_instance(
                    views.input_path(storage, job))
        return page(request, "job.html", **context)

    @app.post("/jobs/{job_id}/solve", dependencies=from_own_page)
    async def solve(request: Request, job_id: str) -> Response:
        job = job_or_404(job_id)
        form = await request.form()
        seconds = _time_limit(str(form.get("time_limit", "")))
        if seconds is None:
            raise HTTPException(400, f"求解时间请填 {TIME_LIMITS[0]} 到 {TIME_LIMITS[1]} 秒")
        if not storage.queue(job.id, seconds):
            raise HTTPException(409, "这个任务现在不能求解（检查未通过，或已在排队或求解中）")
        runner.nudge()
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
    def progress(request: Request, job_id: str) -> HTMLResponse:
        job = job_or_404(job_id)
        response = page(request, "_progress.html", job=job, ahead=_queued_ahead(storage, job))
        if not job.active:
            response.headers["HX-Refresh"] = "true"
        return response

    @app.post("/jobs/{job_id}/stop", dependencies=from_own_page)
    def stop(request: Request, job_id: str) -> Response:
        job = job_or_404(job_id)
        storage.request_stop(job.id)
        if request.headers.get("HX-Request"):
            return progress(request, job.id)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}/checked.xlsx")
    def checked(job_id: str) -> Response:
        job = job_or_404(job_id)
        path = views.checked_copy(storage, job)
        if path is None:
            raise HTTPException(404, "这个任务没有标红的检查副本")
        return FileResponse(path, filename=f"{Path(job.input_name).stem}.checked.xlsx")

    @app.get("/jobs/{job_id}/files/{name:path}")
    def download(job_id: str, name: str, view: bool = False) -> Response:
        job = job_or_404(job_id)
        if name not in views.output_files(storage, job):
            raise HTTPException(404, "没有这个文件")
        path = storage.out_dir(job.id) / name
        inline = view and path.suffix == ".html"
        return FileResponse(path, filename=path.name,
                            content_disposition_type="inline" if inline else "attachment")

    @app.get("/jobs/{job_id}/all.zip")
    def download_all(job_id: str) -> Response:
        job = job_or_404(job_id)
        names = views.output_files(storage, job)
        if not names:
            raise HTTPException(404, "这个任务还没有输出文件")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                archive.write(storage.out_dir(job.id) / name, name)
        return Response(buffer.getvalue(), media_type="application/zip", headers={
            "Content-Disposition": "attachment; filename=\"schedule-outputs.zip\""})

    @app.get("/jobs/{job_id}/classes/{project_id}/{session}", response_class=HTMLResponse)
    def class_panel(request: Request, job_id: str, project_id: str, session: int
                    ) -> HTMLResponse:
        job = job_or_404(job_id)
        plan = plans.plan(job)
        details = views.class_details(plan, project_id, session) if plan else None
        if details is None:
            raise HTTPException(404, "方案里没有这个班")
        return page(request, "_class.html", job=job, details=details,
                    explain=f"/jobs/{job.id}/classes/{quote(project_id)}/{session}/explain")

    @app.get("/jobs/{job_id}/classes/{project_id}/{session}/explain",
             response_class=HTMLResponse)
    async def class_explanation(request: Request, job_id: str, project_id: str, session: int
                                ) -> HTMLResponse:
        job = job_or_404(job_id)
        plan = await run_in_threadpool(plans.plan, job)
        if plan is None or views.class_details(plan, project_id, session) is None:
            raise HTTPException(404, "方案里没有这个班")
        try:
            explanation = await explainer.explain(views.input_path(storage, job),
                                                  storage.out_dir(job.id) / "solution.json",
                                                  project_id, session)
        except Exception:  # the panel says so where the planner waits, not a page of its own
            log.exception("explaining %s#%s of job %s", project_id, session, job.id)
            return page(request, "_explanation.html", failed=True)
        return page(request, "_explanation.html", **explanation)

    @app.get("/jobs/{job_id}/scenario-block", response_class=HTMLResponse)
    def scenario_block(request: Request, job_id: str, index: int = 0) -> HTMLResponse:
        job = job_or_404(job_id)
        plan = plans.plan(job)
        if plan is None or not 0 <= index < MAX_SCENARIOS:
            raise HTTPException(404, "没有这个方案")
        return page(request, "_changes.html", instance=plan.instance, prefix=f"s{index}_",
                    label=f"方案{index + 1}", named=True)

    @app.post("/jobs/{job_id}/compare", dependencies=from_own_page)
    async def compare(request: Request, job_id: str) -> Response:
        job = job_or_404(job_id)
        form = {key: str(value) for key, value in (await request.form()).items()}
        blocks = read_blocks(form, MAX_SCENARIOS)
        problems = [problem for block in blocks for problem in block.problems]
        names = [block.name for block in blocks]
        problems += [f"{name}：两个方案同名，请换一个名字" for name in set(names)
                     if names.count(name) > 1]
        if not blocks:
            problems.append("请至少为一个方案填写一项变化")
        return start_derived(request, job, form, problems, COMPARE, "方案对比", blocks, {})

    @app.post("/jobs/{job_id}/replan", dependencies=from_own_page)
    async def replan(request: Request, job_id: str) -> Response:
        job = job_or_404(job_id)
        form = {key: str(value) for key, value in (await request.form()).items()}
        block = read_block(form, "r_", "重新排期")
        problems = list(block.problems)
        today = form.get("today", "").strip()
        try:
            if today:
                parse_date(today)
        except ValueError:
            problems.append("重新排期：“今天”请按 2024-05-01 的格式填写")
        if not today and not block.changes:
            problems.append("重新排期：请填写今天的日期，或至少一项变化")
        return start_derived(request, job, form, problems, PLAN, "重新排期", [block],
                             {"today": today or None})

    def start_derived(request: Request, job: Any, form: dict[str, str], problems: list[str],
                      kind: str, what: str, blocks: list[ChangeBlock],
                      options: dict[str, Any]) -> Response:
        """Queue a comparison or re-plan of `job`'s plan, or say what is wrong in the form."""
        seconds = _time_limit(form.get("time_limit", ""))
        if seconds is None:
            problems.append(f"求解时间请填 {TIME_LIMITS[0]} 到 {TIME_LIMITS[1]} 秒")
        if problems or seconds is None:
            return _form_problems(request, page, job, problems)
        child = _derived_job(storage, job, kind, f"{job.title} · {what}", blocks, seconds,
                             options)
        if isinstance(child, list):
            return _form_problems(request, page, job, child)
        runner.nudge()
        return RedirectResponse(f"/jobs/{child}", status_code=303)

    return app


class _Explainer:
    """The panel of a class searches for its alternatives: in a process of its own, one class
    at a time, never in the web process. A process that died is replaced at the next click."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None

    async def explain(self, *arguments: Any) -> dict[str, Any]:
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


def _derived_job(storage: Storage, job: Any, kind: str, title: str, blocks: list[ChangeBlock],
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
        path.write_text(json.dumps({"schema": SCENARIO_SCHEMA, "name": block.name,
                                    "base": base.name, "changes": block.changes},
                                   ensure_ascii=False, indent=2), encoding="utf-8")
        names.append(path.name)
        try:
            load_scenario(path)
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


def _form_problems(request: Request, page: Any, job: Any, problems: list[str]) -> Response:
    return page(request, "error.html", 400, message="表单有问题，请返回修改：",
                problems=problems, back=f"/jobs/{job.id}")


def _safe_uploads(storage: Storage) -> list[Any]:
    """The uploads, or none where the jobs table cannot be read now."""
    try:
        return _uploads(storage)
    except sqlite3.Error:
        return []


def _uploads(storage: Storage) -> list[Any]:
    """The jobs of the front page: the uploads (re-plans and comparisons are on their plan's
    page)."""
    return [job for job in storage.jobs() if job.parent is None]


def _time_limit(text: str) -> float | None:
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if TIME_LIMITS[0] <= seconds <= TIME_LIMITS[1] else None


def _queued_ahead(storage: Storage, job: Any) -> int:
    if job.status != QUEUED:
        return 0
    return sum(1 for other in storage.jobs(status=(QUEUED,)) if other.created < job.created)


def _display_name(filename: str) -> str:
    """The uploaded file's own name, for the page and the downloads only: its last part,
    printable, at most 120 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in name if char.isprintable())[:120]


def _when(stamp: float | None) -> str:
    return dt.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else ""


def _number(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "—"


def serve(host: str, port: int, data_dir: Path, password: str | None,
          max_running: int | None, names: Iterable[str] = ()) -> None:
    """Run the server until Ctrl-C; running jobs then stop and keep their best plans."""
    import uvicorn

    app = create_app(data_dir, password=password, max_running=max_running, host=host,
                     names=names)
    uvicorn.run(app, host=host, port=port, log_level="warning")
