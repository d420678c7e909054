"""Static files with their gzip bodies compressed once (the map library is 1.6 MB of
JavaScript: compressing it again on every page load costs the server tens of milliseconds).

``PrecompressedStatic`` answers clients that accept gzip with a body compressed at the
highest level once per file version (path, size, modification time) and kept in memory;
ETag, Last-Modified and conditional requests (304) work as in Starlette's ``StaticFiles``.
Other clients, and files that do not compress (images), get the file as it is.
"""

from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

COMPRESSIBLE = {".js", ".mjs", ".css", ".svg", ".json", ".geojson", ".html", ".txt", ".map"}
MIN_BYTES = 1000


class PrecompressedStatic(StaticFiles):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._gzip: dict[tuple[str, int, int], bytes] = {}
        self._lock = threading.Lock()

    def gzip_body(self, full_path: str, stat_result: os.stat_result) -> bytes:
        key = (str(full_path), stat_result.st_size, stat_result.st_mtime_ns)
        body = self._gzip.get(key)
        if body is None:
            with self._lock:
                body = self._gzip.get(key)
                if body is None:
                    raw = Path(full_path).read_bytes()
                    body = gzip.compress(raw, 9, mtime=0)
                    self._gzip = {k: v for k, v in self._gzip.items() if k[0] != key[0]}
                    self._gzip[key] = body
        return body

    def warm(self, *relative: str) -> None:
        """Compress the given files now (at start-up, off the event loop)."""
        for rel in relative:
            full, st = self.lookup_path(rel)
            if st is not None:
                self.gzip_body(full, st)

    def file_response(
        self,
        full_path,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request_headers = Headers(scope=scope)
        accepts = "gzip" in request_headers.get("accept-encoding", "").lower()
        if (
            not accepts
            or Path(full_path).suffix not in COMPRESSIBLE
            or stat_result.st_size < MIN_BYTES
            or "range" in request_headers
        ):
            return super().file_response(full_path, stat_result, scope, status_code)
        plain = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        headers = {
            k: v for k, v in plain.headers.items() if k in ("etag", "last-modified", "content-type")
        }
        # the compressed variant has its own entity tag (RFC 9110 8.8.3)
        headers["etag"] = headers["etag"].removesuffix('"') + '-gzip"'
        headers |= {"content-encoding": "gzip", "vary": "Accept-Encoding"}
        if_none_match = request_headers.get("if-none-match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            if headers["etag"] in tags or "*" in tags:
                return NotModifiedResponse(Headers(headers))
        elif self.is_not_modified(plain.headers, request_headers):  # If-Modified-Since
            return NotModifiedResponse(Headers(headers))
        body = self.gzip_body(full_path, stat_result)
        return Response(body, status_code=status_code, headers=headers)
