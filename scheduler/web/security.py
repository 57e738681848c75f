"""What keeps the server safe on an office network: a password on every request once it listens
beyond this computer, a limit on the size of a request, a Host header that names this server
(DNS rebinding), and a token per browser session in every form that changes something, with
the request's Origin or Referer this server's own (cross-site requests).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import socket
from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

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


# -- cross-site requests and DNS rebinding ----------------------------------------------------

SESSION_COOKIE = "schedule_session"
TOKEN_FIELD = "csrf"
"""The hidden field of every form that changes something; htmx sends the form's fields."""
TOKEN_HEADER = "x-csrf-token"
"""Or the token in a header, for a program that posts without a form."""
SECRET_FILE = "session-secret"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Sessions:
    """A token per browser session: each browser gets a random session cookie, and each form a
    page shows carries the HMAC of that session under the server's secret. Another site's page
    can make the browser post to this server, cookie and password included, but it cannot read
    the token off a page of this server, so its posts are refused. The secret is kept in the data
    folder (readable by its owner only), so that pages stay valid over a restart."""

    def __init__(self, data_dir: Path):
        path = Path(data_dir) / SECRET_FILE
        if not path.exists():
            Path(data_dir).mkdir(parents=True, exist_ok=True)
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "w") as file:
                file.write(secrets.token_hex(32))
        self.secret = bytes.fromhex(path.read_text().strip())

    def token(self, session: str) -> str:
        return hmac.new(self.secret, session.encode(), hashlib.sha256).hexdigest()

    def valid(self, session: str | None, token: str | None) -> bool:
        return bool(session and token) and hmac.compare_digest(
            self.token(str(session)), str(token))


def session_of(scope: Scope) -> str | None:
    """The session the request belongs to (`SessionCookie` sets it)."""
    return scope.get("state", {}).get("session")


class SessionCookie:
    """Give every browser a session cookie and every request its session, a new one where the
    browser has none yet. The cookie is HttpOnly and SameSite=Lax: a link from elsewhere keeps
    the session (Strict would start a new one, and void the forms of the open pages), a post
    from elsewhere does not carry it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = SimpleCookie()
        with contextlib.suppress(CookieError):
            cookies.load(dict(scope["headers"]).get(b"cookie", b"").decode("latin-1"))
        known = cookies.get(SESSION_COOKIE)
        session = known.value if known is not None and _SESSION.fullmatch(known.value) else None
        fresh = session is None
        session = session or secrets.token_urlsafe(24)
        scope.setdefault("state", {})["session"] = session

        async def with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                cookie = (f"{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax")
                message.setdefault("headers", []).append((b"set-cookie", cookie.encode()))
            await send(message)

        await self.app(scope, receive, with_cookie)


_SESSION = re.compile(r"[A-Za-z0-9_-]{32}")


def own_names(host: str, *more: str) -> set[str]:
    """The names this server answers to besides any address: localhost, this computer's names,
    the name it was started on (`--host`) and `more` (`--name`)."""
    names = {"localhost", socket.gethostname(), socket.getfqdn(), host, *more}
    return {name.lower().rstrip(".") for name in names if name}


def _host_name(authority: str) -> str:
    """`name:port` or `[v6]:port` → the name or address alone, lowercase."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority[1:].partition("]")[0]
    return authority.rpartition(":")[0] if authority.count(":") == 1 else authority


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostAllowed:
    """Refuse a request whose Host header is not this server: an address (what a planner on
    the office network types) or one of `names`. A page of another site whose name was made to
    resolve to this server (DNS rebinding) sends its own name as Host, and is refused."""

    def __init__(self, app: ASGIApp, names: set[str]):
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _host_name(dict(scope["headers"]).get(b"host", b"").decode("latin-1"))
        if _is_address(host) or host in self.names:
            await self.app(scope, receive, send)
            return
        response = _page(400, "未知的地址", "请用本服务的地址（IP 地址或计算机名）访问。")
        await response(scope, receive, send)


def cross_site(headers: Mapping[str, str]) -> bool:
    """Whether the request comes from another site's page: its Origin (or, where a browser
    sends none, its Referer) is not this server's own address as the request's Host gives it."""
    host = headers.get("host", "").strip().lower()
    for name in ("origin", "referer"):
        value = headers.get(name)
        if value is None:
            continue
        if value == "null":
            return True
        return urlsplit(value).netloc.lower() != host
    return False
