"""A job's files: the checked copy of its workbook, each output, all of them as a zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException

from scheduler.web import views
from scheduler.web.server import Shared

router = APIRouter(prefix="/jobs/{job_id}")


@router.get("/checked.xlsx")
def checked(job_id: str, shared: Shared) -> Response:
    job = shared.job(job_id)
    path = views.checked_copy(shared.storage, job)
    if path is None:
        raise HTTPException(404, "这个任务没有标红的检查副本")
    return FileResponse(path, filename=f"{Path(job.input_name).stem}.checked.xlsx")


@router.get("/files/{name:path}")
def download(job_id: str, name: str, shared: Shared, view: bool = False) -> Response:
    job = shared.job(job_id)
    if name not in views.output_files(shared.storage, job):
        raise HTTPException(404, "没有这个文件")
    path = shared.storage.out_dir(job.id) / name
    inline = view and path.suffix == ".html"
    return FileResponse(path, filename=path.name,
                        content_disposition_type="inline" if inline else "attachment")


@router.get("/all.zip")
def download_all(job_id: str, shared: Shared) -> Response:
    job = shared.job(job_id)
    names = views.output_files(shared.storage, job)
    if not names:
        raise HTTPException(404, "这个任务还没有输出文件")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(shared.storage.out_dir(job.id) / name, name)
    return Response(buffer.getvalue(), media_type="application/zip", headers={
        "Content-Disposition": "attachment; filename=\"schedule-outputs.zip\""})
