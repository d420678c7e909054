"""Fast path for cached public pages: an ASGI middleware that answers a GET without a session
cookie straight from the platform's page cache when the cached version is still current –
no routing, no dependencies, no threads; gzip-compressed once when the page was cached.

The routes fill the cache (``Ctx.cached`` / ``Ctx.render(cache=True)``); the version is the
newest audit-log id read from the database, so changes made by any worker invalidate it.
"""

from __future__ import annotations

from sqlalchemy import func, select

from regionatlas.platform.models import AuditEntry
from regionatlas.web.http_headers import SECURITY_HEADERS as APP_SECURITY_HEADERS
from regionatlas.web.platform.context import PlatformConfig
from regionatlas.web.platform.deps import SECURITY_HEADERS

SESSION_COOKIE = b"ra_session="


def current_version(config: PlatformConfig) -> int:
    with config.db.engine.connect() as con:
        return con.execute(select(func.max(AuditEntry.id))).scalar() or 0


def cache_key(path: str, query: str) -> tuple[str, str, str]:
    return (path.split("/")[1] if path.count("/") > 1 else "", path, query)


class PublicPageCache:
    def __init__(self, app, config: PlatformConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or "/platform/" not in scope["path"]:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if SESSION_COOKIE in headers.get(b"cookie", b""):
            await self.app(scope, receive, send)
            return
        key = cache_key(scope["path"], scope["query_string"].decode("latin-1"))
        entry = self.config.page_cache.get(key)
        if entry is None:
            await self.app(scope, receive, send)
            return
        if self.config.db.is_sqlite:  # a primary-key lookup: faster than a thread hop
            version = current_version(self.config)
        else:
            import anyio.to_thread

            version = await anyio.to_thread.run_sync(current_version, self.config)
        if entry[0] != version:
            await self.app(scope, receive, send)
            return
        gzip_ok = b"gzip" in headers.get(b"accept-encoding", b"")
        body = entry[2] if gzip_ok else entry[1]
        out = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"vary", b"Accept-Encoding"),
            *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS),
            # the fast path answers before the app's SecurityHeaders middleware: same headers
            *((k.encode(), v.encode()) for k, v in APP_SECURITY_HEADERS.items()),
        ]
        if gzip_ok:
            out.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body", "body": body})
