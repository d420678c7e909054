"""Units (municipalities, districts, states) and search."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from regionatlas.web.api.deps import ERRORS, AgsPath, AtlasDep, cached, js
from regionatlas.web.profile import profile_data
from regionatlas.web.profile_region import REGION_KEY, region_profile_data
from regionatlas.web.search import search_units

router = APIRouter(tags=["units"], responses=ERRORS)


@router.get("/units.json", summary="All units of the atlas")
def list_units(
    atlas: AtlasDep,
    level: Annotated[
        Literal["land", "kreis", "gemeinde"] | None, Query(description="only units of this level")
    ] = None,
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


PROFILE_DOC = (
    "Key figures of the newest period with state, Germany, median and rank among the level's "
    "units; time series; top commuter relations; `structure` (population and commuters by "
    "sex, employees by sector and age pyramid where imported, `missing` naming the source of "
    "what is not); `functional` (municipality: labour-market area and Leiden community of the "
    "municipal flows; district: its community among the districts and the labour-market "
    "areas of its municipalities) and `central_place` (cited designation with its citation "
    "against the functional level, or the designated places of a district). Both rest on "
    "the regions page's computations and carry their `basis` ('modelled estimate' unless "
    "official municipal flows are imported), `note` and `assumption`. Marker cells keep "
    "value null and their flag."
)


@router.get(
    "/profiles/region.json",
    summary="Profile of the whole region: core districts added up",
    description=(
        "The region's profile in the shape of a unit profile: additive figures summed over "
        "the core districts (a confidential or missing member leaves the sum empty), derived "
        "figures from those sums, commuter relations with districts outside the region, "
        "structure, functional summary (labour-market areas, communities) and the designated "
        "central places. 404 when the atlas runs without a region."
    ),
)
def get_region_profile(atlas: AtlasDep) -> Response:
    return cached(atlas, ("profile", REGION_KEY), lambda: region_profile_data(atlas))


@router.get(
    "/profiles/{ags}.json",
    summary="Profile of a unit: key figures, flows, structure, functional region",
    description=PROFILE_DOC,
)
def get_profile(ags: AgsPath, atlas: AtlasDep) -> Response:
    return cached(atlas, ("profile", ags), lambda: profile_data(atlas, ags))


@router.get("/search.json", summary="Search units by name or AGS")
def search(
    atlas: AtlasDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name or AGS prefix")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> Response:
    return js(search_units(atlas.units(), q, limit, atlas.search_index()))
