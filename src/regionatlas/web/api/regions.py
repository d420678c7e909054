"""Functional regions: communities of the commuter-flow graph (Leiden)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from regionatlas.web.api.deps import ERRORS, AtlasDep, FlowLevel, Period, cached

router = APIRouter(tags=["functional regions"], responses=ERRORS)


@router.get(
    "/regions/leiden/{level}/{period}.json",
    summary="Leiden communities of the flows between the atlas' units (cluster per AGS)",
)
def leiden(level: FlowLevel, period: Period, atlas: AtlasDep) -> Response:
    return cached(atlas, ("leiden", level, period), lambda: atlas.communities(level, period))
