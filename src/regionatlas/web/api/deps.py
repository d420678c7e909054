"""Shared request plumbing for the API modules."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from regionatlas.web.atlas import Atlas

AGS_PATTERN = r"^(DE|\d{2}|\d{3}|\d{5}|\d{8}|\d{9})$"


def get_atlas(request: Request) -> Atlas:
    return request.app.state.atlas


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
