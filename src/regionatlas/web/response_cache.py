"""Whole GET answers kept per store version, served without routing (an in-process reverse
proxy cache in front of the app).

Every anonymous answer of the atlas is a function of its URL, whether the client accepts
gzip, and the store's batches — so a repeated request gets the bytes sent last time, as long
as the store version is the same. Kept: 200 answers to GET requests outside ``/static``
(static files have their own precompressed handling), up to ``max_bytes`` in total, least
recently used first out. Never kept: requests with a cookie or credentials (the platform's
signed-in users), answers setting a cookie or marked ``Cache-Control: no-store``/``private``;
a request with ``If-None-Match`` goes through to the ETag middleware (304). The store check
(``Atlas.refresh``, at most every 2 s) runs here too, so a new import or a rollback is seen
before an old answer is sent.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BYTES = 256 * 1024 * 1024  # all kept answers together
MAX_ENTRY = 16 * 1024 * 1024  # larger answers are not kept


@dataclass(frozen=True)
class _Entry:
    version: tuple[int, ...]
    headers: list[tuple[bytes, bytes]]
    body: bytes


class ResponseCache:
    """ASGI middleware: GET answers per (path, query, gzip) and store version."""

    def __init__(
        self, app: ASGIApp, max_bytes: int = MAX_BYTES, max_entry: int = MAX_ENTRY
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self._entries: OrderedDict[tuple[str, bytes, bool], _Entry] = OrderedDict()
        self._size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"].startswith("/static/")
            or _header(scope, b"if-none-match") is not None  # the ETag middleware answers 304
            or _header(scope, b"cookie") is not None  # a signed-in user's answers are theirs
            or _header(scope, b"authorization") is not None
        ):
            await self.app(scope, receive, send)
            return
        atlas = scope["app"].state.atlas
        if atlas.refresh_due():
            await anyio.to_thread.run_sync(atlas.refresh)
        key = (scope["path"], scope.get("query_string", b""), _accepts_gzip(scope))
        entry = self._entries.get(key)
        if entry is not None and entry.version == atlas.version:
            self._entries.move_to_end(key)
            await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
            await send({"type": "http.response.body", "body": entry.body})
            return
        version = atlas.version
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                names = {k.lower() for k, _ in message.get("headers", [])}
                if b"set-cookie" in names:  # per-user: never kept
                    start["status"] = -1
                control = b",".join(
                    v.lower()
                    for k, v in message.get("headers", [])
                    if k.lower() == b"cache-control"
                )
                if b"no-store" in control or b"private" in control:
                    # not a function of the store alone (e.g. survey results from the platform
                    # database, which an administrator can withdraw): never kept
                    start["status"] = -1
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, _Entry(version, list(start["headers"]), b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, capture)

    def _keep(self, key: tuple[str, bytes, bool], entry: _Entry) -> None:
        if len(entry.body) > self.max_entry:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= len(old.body)
        self._entries[key] = entry
        self._size += len(entry.body)
        while self._size > self.max_bytes and self._entries:
            _, dropped = self._entries.popitem(last=False)
            self._size -= len(dropped.body)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _accepts_gzip(scope: Scope) -> bool:
    return b"gzip" in (_header(scope, b"accept-encoding") or b"").lower()
