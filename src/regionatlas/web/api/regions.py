"""Functional regions: communities of the commuter-flow graph (Leiden) between districts, and
the municipal layers of ``web.functional`` (LMA, Leiden, catchments, central places)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from regionatlas.web import functional
from regionatlas.web.api.deps import ERRORS, AtlasDep, FlowLevel, Period, cached
from regionatlas.web.atlas import Atlas

router = APIRouter(tags=["functional regions"], responses=ERRORS)


@router.get(
    "/regions/leiden/{level}/{period}.json",
    summary="Leiden communities of the flows between the atlas' units (cluster per AGS)",
)
def leiden(level: FlowLevel, period: Period, atlas: AtlasDep) -> Response:
    return cached(atlas, *leiden_answer(atlas, level, period))


def leiden_answer(atlas: Atlas, level: str, period: str | None) -> tuple[Any, Callable[[], Any]]:
    """(cache key, payload) of the Leiden communities of a level (used by the warm-up too)."""
    per = atlas.resolve_flow_period(period)
    return ("leiden", level, per), lambda: atlas.communities(level, per)


# --- municipal layers (web.functional): modelled estimate unless municipal tables are imported
MinSize = Annotated[
    float | None,
    Query(
        gt=0,
        description="LMA minimum size (residents); below target_size (default "
        f"{functional.LMA_DEFAULTS['target_size']:g}), else 422",
    ),
]
MinSc = Annotated[
    float | None,
    Query(
        gt=0,
        le=1,
        description="LMA minimum self-containment; at most target_sc (default "
        f"{functional.LMA_DEFAULTS['target_sc']:g}), else 422",
    ),
]
TargetSize = Annotated[
    float | None,
    Query(
        gt=0,
        description="LMA target size (residents); above min_size (default "
        f"{functional.LMA_DEFAULTS['min_size']:g}), else 422",
    ),
]
TargetSc = Annotated[
    float | None,
    Query(
        gt=0,
        le=1,
        description="LMA target self-containment; at least min_sc (default "
        f"{functional.LMA_DEFAULTS['min_sc']:g}), else 422",
    ),
]
Resolution = Annotated[float, Query(gt=0, le=10, description="Leiden resolution")]


def _lma_query(
    min_size: MinSize = None,
    min_sc: MinSc = None,
    target_size: TargetSize = None,
    target_sc: TargetSc = None,
    resolution: Resolution = functional.DEFAULT_RESOLUTION,
) -> tuple[Any, float]:
    return functional.lma_params(min_size, min_sc, target_size, target_sc), resolution


LmaQuery = Annotated[tuple[Any, float], Depends(_lma_query)]


@router.get(
    "/regions/functional/lma.json",
    summary="Labour-market areas (Eurostat/ISTAT method) of the region's municipalities",
)
def lma(atlas: AtlasDep, query: LmaQuery) -> Response:
    params, resolution = query
    return cached(
        atlas,
        functional.lma_key(params, resolution),
        lambda: functional.lma_payload(atlas, params, resolution),
    )


@router.get(
    "/regions/functional/leiden.json",
    summary="Leiden communities of the municipal flows, compared with the LMA (ARI, NMI)",
)
def leiden_municipal(atlas: AtlasDep, query: LmaQuery) -> Response:
    params, resolution = query
    return cached(
        atlas,
        functional.leiden_key(params, resolution),
        lambda: functional.leiden_payload(atlas, params, resolution),
    )


@router.get(
    "/regions/functional/catchments.json",
    summary="Catchments of the top centres and the dominant-flow hierarchy",
)
def catchments(
    atlas: AtlasDep,
    n_centres: Annotated[
        int, Query(ge=1, le=functional.MAX_CENTRES, description="number of centres")
    ] = functional.DEFAULT_CENTRES,
) -> Response:
    return cached(
        atlas,
        functional.catchments_key(n_centres),
        lambda: functional.catchments_payload(atlas, n_centres),
    )


@router.get(
    "/regions/functional/central-places.json",
    summary="Designated central-place level (cited) vs functional level per municipality",
)
def central_places(atlas: AtlasDep) -> Response:
    return cached(
        atlas, functional.CENTRAL_PLACES_KEY, lambda: functional.central_places_payload(atlas)
    )
