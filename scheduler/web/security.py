"""What keeps the server safe on an office network: a password on every request once it listens
beyond this computer, and a limit on the size of a request.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UPLOAD_LIMIT = 10 * 1024 * 1024
"""The largest file a planner may upload (10 MB): a district's workbook is well under 1 MB."""
FORM_SLACK = 256 * 1024
"""What a request may carry beyond the file: the form's other fields and its boundaries."""


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this computer only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _page(status: int, title: str, text: str, headers: dict[str, str] | None = None
          ) -> HTMLResponse:
    return HTMLResponse(f'<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
                        f"<title>{title}</title><h1>{title}</h1><p>{text}</p></html>",
                        status_code=status, headers=headers)


class PasswordRequired:
    """HTTP Basic authentication with one password (any user name) on every request: the
    browser asks for it once and sends it with every page, form and download."""

    def __init__(self, app: ASGIApp, password: str):
        self.app = app
        self.password = password.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        response = _page(401, "需要密码", "请输入启动服务时设定的密码（用户名可随意填写）。",
                         {"WWW-Authenticate": 'Basic realm="schedule", charset="UTF-8"'})
        await response(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        header = dict(scope["headers"]).get(b"authorization", b"")
        scheme, _, encoded = header.partition(b" ")
        if scheme.lower() != b"basic":
            return False
        try:
            _, _, password = base64.b64decode(encoded, validate=True).partition(b":")
        except (binascii.Error, ValueError):
            return False
        return secrets.compare_digest(password, self.password)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a request whose body is larger than `limit` bytes with a page that says the limit,
    before the body is read (by its declared length) or as soon as it passes the limit."""

    def __init__(self, app: ASGIApp, limit: int = UPLOAD_LIMIT + FORM_SLACK):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or len(declared) > 18
                                     or int(declared) > self.limit):
            await too_large()(scope, receive, send)
            return
        received = 0
        exceeded = sent = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                exceeded = True
                raise _TooLarge
            return message

        async def watching_send(message: Message) -> None:
            # Past the limit, whatever the app answers (FastAPI turns a body that failed to
            # read into a 400) becomes the page that says the limit.
            nonlocal sent
            if exceeded:
                if not sent:
                    sent = True
                    await too_large()(scope, receive, send)
                return
            sent = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _TooLarge:
            if not sent:
                await too_large()(scope, receive, send)


def too_large() -> HTMLResponse:
    return _page(413, "文件太大", f"上传的文件不能超过 {UPLOAD_LIMIT // (1024 * 1024)} MB。")


def new_token() -> str:
    """A password to suggest when none was given."""
    return secrets.token_urlsafe(12)
