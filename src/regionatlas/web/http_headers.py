"""HTTP behaviour around every answer, as three small ASGI middlewares.

* ``SecurityHeaders``: Content-Security-Policy (scripts only from the app's own files: no
  inline script; MapLibre's workers from ``blob:``), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy``, ``frame-ancestors 'none'`` (and X-Frame-Options for old browsers).
* ``HeadAsGet``: HEAD is answered as GET without the body, on every page and endpoint.
* ``ApiETag``: GET answers of the JSON API carry an ETag derived from the store's batches,
  the code version and the request (path and query), and ``Cache-Control: no-cache``; a
  request whose ``If-None-Match`` names the current ETag gets 304 without any work. An
  import or rollback changes the batches and so every ETag.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import regionatlas

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # style attributes (swatches, MapLibre markers)
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "child-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
API_CACHE_CONTROL = "no-cache"  # may be stored, revalidated each time (304 is cheap)
PACKAGE_DIR = Path(regionatlas.__file__).resolve().parent


@cache
def code_version() -> str:
    """A digest of the package's code and shipped tables: a new release changes the ETags."""
    h = hashlib.sha256(regionatlas.__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in (".py", ".toml", ".html") and path.is_file():
            h.update(str(path.relative_to(PACKAGE_DIR)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # swallow the body; the last message closes the answer
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


def _matches(if_none_match: str, etag: str) -> bool:
    tags = [t.strip() for t in if_none_match.split(",")]
    bare = etag.removeprefix("W/")
    return "*" in tags or any(t.removeprefix("W/") == bare for t in tags)


class ApiETag:
    def __init__(self, app: ASGIApp, prefix: str = "/api/") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        atlas = scope["app"].state.atlas
        await anyio.to_thread.run_sync(atlas.refresh)
        etag = self.etag(atlas.version, scope)  # the batch ids the atlas' caches belong to
        headers = Headers(scope=scope)
        if _matches(headers.get("if-none-match", ""), etag):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [
                        (b"etag", etag.encode()),
                        (b"cache-control", API_CACHE_CONTROL.encode()),
                        (b"vary", b"Accept-Encoding"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_etag(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                out = MutableHeaders(scope=message)
                out["etag"] = etag
                out.setdefault("cache-control", API_CACHE_CONTROL)
                out.add_vary_header("Accept-Encoding")
            await send(message)

        await self.app(scope, receive, send_with_etag)

    @staticmethod
    def etag(version: tuple, scope: Scope) -> str:
        h = hashlib.sha256()
        for part in (code_version(), repr(version), scope["path"], scope["query_string"]):
            h.update(part if isinstance(part, bytes) else part.encode())
            h.update(b"\0")
        return f'W/"{h.hexdigest()[:32]}"'
