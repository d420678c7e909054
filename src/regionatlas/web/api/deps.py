"""Shared request plumbing for the API modules."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import Depends, Path, Request
from fastapi.responses import Response

from regionatlas.web.atlas import Atlas
from regionatlas.web.errors import ErrorResponse

AGS_PATTERN = r"^(DE|\d{2}|\d{3}|\d{5}|\d{8}|\d{9})$"


# whether the current request accepts gzip: set in the event loop (async dependency) so that
# the copy of the context the sync handler runs in sees it
_ACCEPTS_GZIP: ContextVar[bool] = ContextVar("accepts_gzip", default=False)
GZIP_MIN_BYTES = 1000  # as the app's GZipMiddleware


async def get_atlas(request: Request) -> Atlas:
    """The app's Atlas, its cache checked against the store's batches (at most every 2 s, in
    a worker thread); notes whether the request accepts gzip. Async: most requests are
    answered from the cache, and a thread hop per request costs more than the check."""
    _ACCEPTS_GZIP.set("gzip" in request.headers.get("accept-encoding", "").lower())
    atlas: Atlas = request.app.state.atlas
    if atlas.refresh_due():
        await anyio.to_thread.run_sync(atlas.refresh)
    return atlas


AtlasDep = Annotated[Atlas, Depends(get_atlas)]
AgsPath = Annotated[
    str,
    Path(pattern=AGS_PATTERN, description="AGS key: 2 (Land), 5 (Kreis) or 8 digits (Gemeinde)"),
]
MapLevel = Annotated[Literal["gemeinde", "kreis"], Path(description="gemeinde or kreis")]
FlowLevel = Annotated[
    Literal["land", "kreis", "gemeinde"], Path(description="land, kreis or gemeinde")
]
Period = Annotated[
    str,
    Path(
        pattern=r"^(latest|\d{4}-\d{2}-\d{2})$",
        description="reference date YYYY-MM-DD or 'latest'",
    ),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "unknown AGS, indicator, period or batch"},
    422: {
        "model": ErrorResponse,
        "description": "invalid parameter: a path or query value outside its pattern, range "
        "or enumeration, a malformed body, or values the analysis cannot use (e.g. breaks "
        "that are not finite numbers)",
    },
}
IndicatorPath = Annotated[
    str,
    Path(
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
        description="indicator id from /indicators.json, e.g. population",
    ),
]


def accepts_gzip() -> bool:
    """Whether the current request (one with an ``AtlasDep``) accepts gzip."""
    return _ACCEPTS_GZIP.get()


def cached(atlas: Atlas, key: Any, compute: Callable[[], Any], bounded: bool = False) -> Response:
    """A JSON answer serialised (and gzip-compressed) once per store version; ``bounded``:
    one of many (e.g. per unit), evicted oldest first."""
    body = atlas.json_bytes(key, compute, bounded)
    if _ACCEPTS_GZIP.get() and len(body) >= GZIP_MIN_BYTES:
        return Response(
            atlas.gzip_bytes(key, compute, bounded),
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(body, media_type="application/json")


def js(data: Any) -> Response:
    """JSON without FastAPI's per-field encoding (the atlas' data are plain JSON already)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body.encode("utf-8"), media_type="application/json")
