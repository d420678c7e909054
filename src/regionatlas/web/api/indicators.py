"""The indicator catalogue and the indicator values by level and period."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from regionatlas.web.api.deps import (
    ERRORS,
    AtlasDep,
    IndicatorPath,
    MapLevel,
    Period,
    cached,
    js,
)

router = APIRouter(tags=["indicators"], responses=ERRORS)


@router.get("/indicators.json", summary="The indicator catalogue with periods and levels")
def list_indicators(atlas: AtlasDep) -> Response:
    return cached(atlas, "indicators", atlas.indicators)


@router.get("/indicators/{indicator}.json", summary="One indicator")
def get_indicator(indicator: IndicatorPath, atlas: AtlasDep) -> Response:
    return js(atlas.indicator(indicator))


@router.get(
    "/values/{indicator}/{level}/{period}.json",
    summary="Values of an indicator for every unit of a level, with preset class breaks",
)
def get_values(
    indicator: IndicatorPath, level: MapLevel, period: Period, atlas: AtlasDep
) -> Response:
    return cached(
        atlas,
        ("values", indicator, level, period),
        lambda: atlas.values(indicator, level, period),
    )
