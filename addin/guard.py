"""The gate in front of ``tierkit serve``: Host allow-list, bearer token, same-origin only, body size.

A pure ASGI middleware, so that a body over the limit is refused from its Content-Length before any of it
is read, and counted while it streams in when the header is missing or lies.  Request bodies are never
logged, and neither are the secrets some URLs carry (:func:`redact_access_log`): a brief's random name is
its only key, and an alert page's query holds the alert's text.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

log = logging.getLogger("tierkit_addin.server")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: the logger of uvicorn's access lines (``client - "GET /path?query HTTP/1.1" 200``)
ACCESS_LOGGER = "uvicorn.access"
#: what a redacted part of a logged URL shows instead
REDACTED = "<redacted>"

#: the requests that run tierkit or list the server's rule sets; everything else Office fetches itself
API_PREFIXES = ("/xlwings/custom-functions-call", "/xlwings/custom-scripts-call", "/api/")


def loopback_hosts(port: int) -> frozenset[str]:
    """The Host headers a loopback server answers (DNS rebinding sends the attacker's name instead)."""
    return frozenset(f"{h}:{port}" for h in ("localhost", "127.0.0.1", "[::1]"))


def redact_path(path: str) -> str:
    """A request path as the log may show it: the query string and a brief's name (its only key) left out.

    >>> redact_path("/briefs/0123abcd.pdf"), redact_path("/xlwings/alert?prompt=row+6&title=x")
    ('/briefs/<redacted>', '/xlwings/alert?<redacted>')
    """
    path, query, _ = path.partition("?")
    if path.startswith("/briefs/"):
        path = "/briefs/" + REDACTED
    return path + ("?" + REDACTED if query else "")


class RedactAccessLog(logging.Filter):
    """Rewrites uvicorn's access-log records through :func:`redact_path` before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], redact_path(args[2]), args[3], args[4])
        return True


def redact_access_log() -> None:
    """Install :class:`RedactAccessLog` on uvicorn's access logger (once).  A logger filter survives uvicorn's
    own ``dictConfig`` and applies to every handler, whatever log config the server was started with."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactAccessLog) for f in logger.filters):
        logger.addFilter(RedactAccessLog())


class BodyTooLarge(HTTPException):
    """Raised while the body streams in (an HTTPException, so that FastAPI's body parsing passes it on)."""

    def __init__(self, limit: int) -> None:
        size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
        super().__init__(413, f"the request is over this server's limit of {size}")


@dataclass(frozen=True)
class GuardConfig:
    token: str | None = None  # every API request needs "Authorization: Bearer <token>"
    max_body: int = 50 * 1024 * 1024  # bytes
    hosts: frozenset[str] | None = None  # Host headers allowed (None: any, e.g. behind a proxy)


async def _answer(send: Send, status: int, detail: str, headers: Iterable[tuple[str, str]] = ()) -> None:
    body = json.dumps({"detail": detail}).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    head += [(k.encode(), v.encode()) for k, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app: ASGIApp, config: GuardConfig) -> None:
        self.app = app
        self.config = config

    def _authorised(self, headers: dict[str, str]) -> bool:
        token = self.config.token
        if not token:
            return True
        given = headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if self.config.hosts is not None and host.lower() not in self.config.hosts:
            await _answer(send, 400, "this server does not answer to that host name")
            return
        origin = headers.get("origin")
        if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
            await _answer(send, 403, "cross-origin requests are not allowed")  # and no CORS headers, ever
            return
        path = scope.get("path", "")
        if path.startswith(API_PREFIXES) and not self._authorised(headers):
            await _answer(send, 401, "this server needs its access token: enter it in the tierkit task pane",
                          [("www-authenticate", "Bearer")])
            return
        limit = self.config.max_body
        try:
            declared = int(headers.get("content-length", "0") or 0)
        except ValueError:
            await _answer(send, 400, "bad Content-Length")
            return
        if declared > limit:
            await _answer(send, 413, str(BodyTooLarge(limit).detail))
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge as err:
            if not started:
                await _answer(send, 413, str(err.detail))
