"""The public page cache of the platform: rendered anonymous pages kept per content version,
and the ASGI middleware that answers them before routing.

* What is kept: 200 answers to anonymous GETs of the pages whose routes opt in
  (``Ctx.cached`` / ``Ctx.render(cache=True)``), as HTML and gzip-compressed (compressed once,
  when the page is rendered). Never kept: answers for a visitor with an account, answers that
  set the session cookie, URLs with query parameters other than ``CACHEABLE_PARAMS`` (a
  crawler's random query strings cannot push the real pages out).
* Key: (language, path, query) – German and English pages are separate entries.
* Version: the newest audit-log id. Every audited insert, update or delete (posts, edits,
  hiding, locking, events, registrations, accounts' names, …) adds an audit row in the same
  transaction, so a committed change is seen by the next request of every worker process –
  and of every server sharing a PostgreSQL database. A rendered page is stored under the
  version read *before* its data (same transaction), so it is never newer-labelled than its
  content.
* Scopes (web/platform/content_scopes.py): each page records what it shows (``thread:T``,
  ``group:G``, ``events``, …). When the version has moved on, the audit rows since the
  page's version are read (once per process) and their scopes compared: a page none of them
  touches is still current and is served (and relabelled with the new version); a reply to
  one thread leaves the other threads' pages cached.
* ``X-Cache: hit`` marks an answer from the cache, ``X-Cache: miss`` a cacheable page that
  was rendered (for tests and benchmarks).
* The fast path (``PublicPageCache``) answers a GET without a session cookie from the cache
  when the stored version is current: no routing, no dependencies, no thread. On SQLite it
  reads the version over a dedicated connection of the event loop (a primary-key lookup, a
  few µs); on PostgreSQL through the pool in a worker thread (a network round trip must not
  block the loop).
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import func, select

from regionatlas.platform.models import AuditEntry
from regionatlas.web.http_headers import SECURITY_HEADERS as APP_SECURITY_HEADERS
from regionatlas.web.platform.content_scopes import ScopeLog, stale

SESSION_COOKIE = b"ra_session="
# query parameters of the cached pages: page numbers, the actors directory's filters (not its
# free-text search: every search would be one more entry)
CACHEABLE_PARAMS = frozenset({"page", "kind", "district"})
MAX_QUERY = 200
VERSION_SQL = "SELECT max(id) FROM audit_entry"
# the platform's own header (personal pages must not be kept by browsers or proxies either)
NO_STORE = (("Cache-Control", "no-store"),)


def cache_key(path: str, query: str) -> tuple[str, str, str] | None:
    """The cache key of a request, or None when its query string is not cacheable."""
    if query:
        if len(query) > MAX_QUERY:
            return None
        if any(k not in CACHEABLE_PARAMS for k, _ in parse_qsl(query, keep_blank_values=True)):
            return None
    return (path.split("/")[1] if path.count("/") > 1 else "", path, query)


def current_version(db) -> int:
    """The content version through the connection pool (any engine)."""
    with db.engine.connect() as con:
        return con.execute(select(func.max(AuditEntry.id))).scalar() or 0


Entry = tuple[int, bytes, bytes, frozenset[str]]  # version, html, gzip, scopes


class PageStore:
    """Rendered pages per key: (version, html, gzip, scopes), least recently stored out first;
    ``changes``: the scopes of the writes this process has seen (content_scopes.ScopeLog)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.changes = ScopeLog()

    def get(self, key: tuple, version: int) -> tuple[bytes, bytes] | None:
        hit = self.entries.get(key)
        if hit is None or hit[0] != version:
            return None
        return hit[1], hit[2]

    def put(self, key: tuple, version: int, body: bytes, scopes: frozenset[str]) -> bytes:
        """Keep the page; returns its gzip-compressed bytes."""
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        with self.lock:
            old = self.entries.get(key)
            if old is None or old[0] <= version:  # a slow render never replaces a newer page
                self.entries[key] = (version, body, packed, scopes)
                self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return packed

    def current(self, key: tuple, entry: Entry, version: int, query) -> bool:
        """Whether ``entry`` (as read for ``key``) still shows the content at ``version``: no
        write since its own version touched its scopes (then it is relabelled)."""
        if entry[0] == version:
            return True
        changed = self.changes.changed(entry[0], version, query)
        if late := self.changes.take_late():  # rows committed after higher ids (PostgreSQL)
            self.drop(late)
        if stale(entry[3], changed):
            return False
        with self.lock:
            if self.entries.get(key) is not entry:  # dropped or replaced meanwhile
                return False
            self.entries[key] = (version, entry[1], entry[2], entry[3])
        return True

    def drop(self, changed: frozenset[str]) -> None:
        """Forget the pages that writes with scopes ``changed`` touch."""
        with self.lock:
            for key in [k for k, e in self.entries.items() if stale(e[3], changed)]:
                del self.entries[key]

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(list(self.entries))


def pooled_current(db, store: PageStore, key: tuple, entry: Entry) -> bool:
    """``PageStore.current`` over one connection of the pool (any engine; PostgreSQL)."""
    from sqlalchemy import text

    with db.engine.connect() as con:
        version = con.execute(select(func.max(AuditEntry.id))).scalar() or 0
        return store.current(key, entry, version, lambda sql: list(con.execute(text(sql))))


class LoopVersion:
    """The content version over one DBAPI connection kept for the event loop's thread
    (SQLite only: a local file read, no network wait)."""

    def __init__(self, db) -> None:
        self.db = db
        self._con: Any = None

    def query(self, sql: str) -> list:
        if self._con is None:
            con = self.db.engine.raw_connection()
            con.detach()  # ours for good: the pool neither reuses nor resets it
            self._con = con
        cur = self._con.cursor()
        try:
            cur.execute(sql)
            return list(cur.fetchall())
        finally:
            cur.close()

    def read(self) -> int:
        rows = self.query(VERSION_SQL)
        return int(rows[0][0] or 0) if rows else 0

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


def gzip_ok(headers) -> bool:
    for k, v in headers:
        if k == b"accept-encoding":
            return b"gzip" in v.lower()
    return False


def response_headers(body: bytes, gzipped: bool) -> list[tuple[bytes, bytes]]:
    out = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"x-cache", b"hit"),
        (b"content-length", str(len(body)).encode()),
        (b"vary", b"Accept-Encoding"),
        *((k.lower().encode(), v.encode()) for k, v in NO_STORE),
        # the fast path answers before the app's SecurityHeaders middleware: same headers
        *((k.encode(), v.encode()) for k, v in APP_SECURITY_HEADERS.items()),
    ]
    if gzipped:
        out.append((b"content-encoding", b"gzip"))
    return out


class PublicPageCache:
    """ASGI middleware: anonymous GETs of cached platform pages answered before routing."""

    def __init__(self, app, config) -> None:
        self.app = app
        self.config = config
        self.loop_version = LoopVersion(config.db) if config.db.is_sqlite else None

    async def is_current(self, store: PageStore, key: tuple, entry: Entry) -> bool:
        """Whether the cached page is current (SQLite: over the event loop's connection)."""
        if self.loop_version is not None:
            lv = self.loop_version
            return store.current(key, entry, lv.read(), lv.query)
        import anyio.to_thread

        return await anyio.to_thread.run_sync(pooled_current, self.config.db, store, key, entry)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or "/platform/" not in scope["path"]:
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        for k, v in headers:
            if k == b"cookie" and SESSION_COOKIE in v:  # a member's page is theirs
                await self.app(scope, receive, send)
                return
        key = cache_key(scope["path"], scope["query_string"].decode("latin-1"))
        store: PageStore = self.config.page_cache
        entry = store.entries.get(key) if key is not None else None
        if key is None or entry is None:
            await self.app(scope, receive, send)
            return
        try:
            current = await self.is_current(store, key, entry)
        except Exception:  # the app answers (and reports) a database problem
            await self.app(scope, receive, send)
            return
        if not current:
            await self.app(scope, receive, send)
            return
        gzipped = gzip_ok(headers)
        body = entry[2] if gzipped else entry[1]
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": response_headers(body, gzipped),
            }
        )
        await send({"type": "http.response.body", "body": body})
