"""Shared request plumbing for the API modules."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import Response

from regionatlas.web.atlas import Atlas

AGS_PATTERN = r"^(DE|\d{2}|\d{3}|\d{5}|\d{8}|\d{9})$"


def get_atlas(request: Request) -> Atlas:
    """The app's Atlas, its caches checked against the store's batches (at most every 2 s)."""
    atlas = request.app.state.atlas
    atlas.refresh()
    return atlas


AtlasDep = Annotated[Atlas, Depends(get_atlas)]
AgsPath = Annotated[
    str,
    Path(pattern=AGS_PATTERN, description="AGS key: 2 (Land), 5 (Kreis) or 8 digits (Gemeinde)"),
]
MapLevel = Annotated[str, Path(pattern="^(gemeinde|kreis)$", description="gemeinde or kreis")]
FlowLevel = Annotated[
    str, Path(pattern="^(land|kreis|gemeinde)$", description="land, kreis or gemeinde")
]
Period = Annotated[
    str,
    Path(
        pattern=r"^(latest|\d{4}-\d{2}-\d{2})$",
        description="reference date YYYY-MM-DD or 'latest'",
    ),
]
ERRORS = {
    404: {"description": "unknown AGS, indicator or period"},
    422: {"description": "invalid parameter"},
}


def cached(atlas: Atlas, key: Any, compute) -> Response:
    """A JSON answer serialised once per store version (the payload is cached anyway)."""
    return Response(atlas.json_bytes(key, compute), media_type="application/json")


def js(data: Any) -> Response:
    """JSON without FastAPI's per-field encoding (the atlas' data are plain JSON already)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body.encode("utf-8"), media_type="application/json")
