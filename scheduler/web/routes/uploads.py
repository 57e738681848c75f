"""The front page and the upload: store an instance and check it."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from scheduler.web.check import check_upload
from scheduler.web.security import UPLOAD_LIMIT
from scheduler.web.server import FROM_OWN_PAGE, Shared
from scheduler.web.storage import INVALID, PLAN, READY, Storage

SUFFIXES = (".xlsx", ".json")
log = logging.getLogger("scheduler.web")
router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def index(request: Request, shared: Shared) -> HTMLResponse:
    return shared.page(request, "index.html", jobs=_uploads(shared.storage))


@router.post("/upload", dependencies=FROM_OWN_PAGE)
async def upload(request: Request, file: UploadFile, shared: Shared) -> Response:
    storage = shared.storage
    name = _display_name(file.filename or "")
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        return shared.page(request, "index.html", 400, jobs=_uploads(storage),
                           problems=[f"{name or '上传的文件'}：请上传 Excel 工作簿（.xlsx）或 "
                                     f"JSON 实例（.json）"])
    data = await file.read(UPLOAD_LIMIT + 1)
    if len(data) > UPLOAD_LIMIT:
        return shared.page(request, "index.html", 413, jobs=_uploads(storage),
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
        return shared.page(request, "index.html", 507, jobs=_safe_uploads(storage),
                           problems=[f"{name}：服务器无法保存上传的文件（磁盘已满或不可写），"
                                     "请联系管理员"])
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


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


def _display_name(filename: str) -> str:
    """The uploaded file's own name, for the page and the downloads only: its last part,
    printable, at most 120 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in name if char.isprintable())[:120]
