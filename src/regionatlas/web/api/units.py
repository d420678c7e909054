"""Units (municipalities, districts, states) and search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from regionatlas.web.api.deps import ERRORS, AgsPath, AtlasDep, cached, js
from regionatlas.web.profile import profile_data
from regionatlas.web.search import search_units

router = APIRouter(tags=["units"], responses=ERRORS)


@router.get("/units.json", summary="All units of the atlas")
def list_units(
    atlas: AtlasDep,
    level: Annotated[str | None, Query(pattern="^(land|kreis|gemeinde)$")] = None,
) -> Response:
    def compute() -> list[dict[str, Any]]:
        u = atlas.units()
        if level:
            u = u[u["level"] == level]
        return [
            {"ags": a, "name": n, "level": lv, "parent": p if isinstance(p, str) else None}
            for a, n, lv, p in zip(u["ags"], u["name"], u["level"], u["parent"], strict=True)
        ]

    return cached(atlas, ("units", level), compute)


@router.get("/units/{ags}.json", summary="One unit")
def get_unit(ags: AgsPath, atlas: AtlasDep) -> Response:
    return js(atlas.unit(ags))


@router.get("/profiles/{ags}.json", summary="Profile of a unit: key figures, flows, comparison")
def get_profile(ags: AgsPath, atlas: AtlasDep) -> Response:
    return cached(atlas, ("profile", ags), lambda: profile_data(atlas, ags))


@router.get("/search.json", summary="Search units by name or AGS")
def search(
    atlas: AtlasDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name or AGS prefix")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> Response:
    return js(search_units(atlas.units(), q, limit, atlas.search_index()))
