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

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from scheduler.web.routes import ROUTERS
from scheduler.web.security import (
    BodyLimit,
    HostAllowed,
    PasswordRequired,
    SessionCookie,
    own_names,
)
from scheduler.web.server import HERE, Server, server

log = logging.getLogger("scheduler.web")


def create_app(data_dir: Path, *, password: str | None = None,
               max_running: int | None = None, host: str = "127.0.0.1",
               names: Iterable[str] = ()) -> FastAPI:
    """The web application over the jobs kept in `data_dir`; with `password`, every request
    needs it. It answers only requests whose Host is an address or its own name (`host`, the
    name it listens on, among them), and a state-changing request only from its own pages
    (`security.same_site`). Its lifespan starts and stops the job runner."""
    shared = Server.over(data_dir, max_running)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        shared.runner.start()
        yield
        shared.runner.shutdown()
        shared.class_panel.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.server = shared
    app.add_middleware(BodyLimit)
    app.add_middleware(SessionCookie)
    if password:
        app.add_middleware(PasswordRequired, password=password)
    app.add_middleware(HostAllowed, names=own_names(host, *names))  # outermost: checked first
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.exception_handler(HTTPException)(_http_error)
    app.exception_handler(RequestValidationError)(_bad_request)
    app.exception_handler(Exception)(_broken)
    for router in ROUTERS:
        app.include_router(router)
    return app


async def _http_error(request: Request, error: HTTPException) -> Response:
    return server(request).page(request, "error.html", error.status_code, message=error.detail)


async def _bad_request(request: Request, error: RequestValidationError) -> Response:
    return server(request).page(request, "error.html", 400,
                                message="请求不完整：请从页面上的表单提交")


async def _broken(request: Request, error: Exception) -> Response:
    log.exception("error on %s", request.url.path)
    return server(request).page(request, "error.html", 500,
                                message="服务出错了；已记在服务的输出里。请刷新页面重试，或联系管理员")


def serve(host: str, port: int, data_dir: Path, password: str | None,
          max_running: int | None, names: Iterable[str] = ()) -> None:
    """Run the server until Ctrl-C; running jobs then stop and keep their best plans."""
    import uvicorn

    app = create_app(data_dir, password=password, max_running=max_running, host=host,
                     names=names)
    uvicorn.run(app, host=host, port=port, log_level="warning")
